/**
 * Re-adding an unchanged article should not analyse it again: analysis is by far the most
 * expensive step of indexing. The store keeps every article's text, so instead of content hashes
 * (which could collide and would cost bytes per article) the new version is compared field by
 * field with the stored one, which costs about what hashing it would; when everything analysis
 * reads is equal, the stored features are reused.
 */
import type { Article } from '../article.js'
import type { FieldIndex } from './field-index.js'
import type { ArticleFeatures, ArticleStore } from './store.js'

const NONE: readonly string[] = Object.freeze([])

/**
 * Whether two versions of an article give the same analysis and features: the same title, body,
 * section, tags, supplied entities (absent and empty lists count as equal) and `source` (which
 * selects the site's furniture lines and names the outlet in headline suffixes). `publishedAt`
 * and `url` do not affect analysis.
 * @internal
 */
export function sameAnalysisInput(a: Article, b: Article): boolean {
  return (
    a.title === b.title &&
    a.body === b.body &&
    a.source === b.source &&
    a.section === b.section &&
    sameList(a.tags ?? NONE, b.tags ?? NONE) &&
    sameList(a.entities ?? NONE, b.entities ?? NONE)
  )
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}

/**
 * The features of the article stored in `slot`, rebuilt from its forward lists. Inserting them
 * again gives the same index as inserting freshly analysed features: the weights are the stored
 * Float32 values, and the display forms are the ones this article contributed (the index counts
 * forms per article, so they must come back with it).
 * @internal
 */
export function storedFeatures(store: ArticleStore, slot: number): ArticleFeatures {
  const text = featuresOf(store.text, slot)
  const entities = featuresOf(store.entities, slot)
  const tags = featuresOf(store.tags, slot)
  return {
    text: text.weights,
    entities: entities.weights,
    tags: tags.weights,
    surfaces: text.display,
    entityDisplay: entities.display,
    tagDisplay: tags.display,
  }
}

function featuresOf(field: FieldIndex, slot: number): { weights: Map<string, number>; display: Map<string, string> } {
  const { terms, tfs } = field.forwardList(slot)
  const forms = field.forwardForms(slot)
  const weights = new Map<string, number>()
  const display = new Map<string, string>()
  for (let i = 0; i < terms.length; i++) {
    const term = field.term(terms[i] as number)
    weights.set(term, tfs[i] as number)
    const form = forms[i]
    if (form !== undefined) display.set(term, form)
  }
  return { weights, display }
}
