import type { Analysis } from '../analysis/index.js'
import type { Article } from '../article.js'
import type { ArticleFeatures } from '../index/store.js'
import type { ResolvedIndexOptions } from './options.js'
import { entityTf, textTf } from './signals.js'

/** Tag keys live in one field with section keys; the prefix keeps a tag "World" apart from a section "World". */
export const TAG_PREFIX = 't:'
export const SECTION_PREFIX = 's:'

/** Turns an analysis (and the article's tags and section) into the weights the index stores. */
export function toFeatures(
  analysis: Analysis,
  article: Pick<Article, 'tags' | 'section'>,
  options: ResolvedIndexOptions,
): ArticleFeatures {
  const text = new Map<string, number>()
  for (const [term, count] of analysis.title) {
    text.set(term, textTf(count, analysis.body.get(term) ?? 0, options.titleWeight))
  }
  for (const [term, count] of analysis.body) {
    if (!analysis.title.has(term)) text.set(term, textTf(0, count, options.titleWeight))
  }
  const entities = new Map<string, number>()
  const entityDisplay = new Map<string, string>()
  for (const e of analysis.entities) {
    entities.set(e.key, entityTf(e.count, e.inTitle || e.inLead, options.entityProminence))
    entityDisplay.set(e.key, e.display)
  }
  const tags = new Map<string, number>()
  const tagDisplay = new Map<string, string>()
  for (const tag of article.tags ?? []) {
    const key = foldKey(tag)
    if (key.length === 0) continue
    tags.set(TAG_PREFIX + key, 1)
    tagDisplay.set(TAG_PREFIX + key, tag.trim())
  }
  if (article.section !== undefined) {
    const key = foldKey(article.section)
    if (key.length > 0) {
      tags.set(SECTION_PREFIX + key, 1)
      tagDisplay.set(SECTION_PREFIX + key, article.section.trim())
    }
  }
  return { text, entities, tags, surfaces: analysis.surfaces, entityDisplay, tagDisplay }
}

/** Case-, width- and diacritic-insensitive key for a tag or section: "Défense " → "defense". */
export function foldKey(value: string): string {
  return value
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim()
}
