import type { Analysis } from '../analysis/index.js'
import type { Article } from '../article.js'
import type { ArticleFeatures } from '../index/store.js'
import type { ResolvedIndexOptions } from './options.js'
import { entityTf, textTf } from './signals.js'

/**
 * Tag keys carry a prefix. Snapshots written before sections stopped scoring also hold section
 * keys (`s:`) in the tags field; loading drops them (see `dropLegacySectionKeys` in snapshot.ts).
 */
export const TAG_PREFIX = 't:'

/** Weight of a person's surname key relative to the full name's (see {@link toFeatures}). */
export const SURNAME_SHARE = 0.5

/**
 * Turns an analysis (and the article's tags) into the weights the index stores. The section is
 * not a feature: one section holds much of an archive, so sharing it says little about a story
 * (it filters, through the `sections` query option, instead of scoring).
 */
export function toFeatures(
  analysis: Analysis,
  article: Pick<Article, 'tags'>,
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
  // A surname alone ("Manchin") matches the full name elsewhere ("Joe Manchin") at a discount: a
  // surname is shared by more people than a full name is.
  for (const e of analysis.entities) {
    if (e.surname === undefined || entities.has(e.surname)) continue
    entities.set(e.surname, SURNAME_SHARE * (entities.get(e.key) as number))
    entityDisplay.set(e.surname, e.display.split(/\s+/).pop() as string)
  }
  const tags = new Map<string, number>()
  const tagDisplay = new Map<string, string>()
  for (const tag of article.tags ?? []) {
    const key = foldKey(tag)
    if (key.length === 0) continue
    tags.set(TAG_PREFIX + key, 1)
    tagDisplay.set(TAG_PREFIX + key, tag.trim())
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
