/**
 * The contract between the analysis stage and the later stages. Later stages take an
 * {@link Analysis}, never raw text, so analysis can be cached, swapped or run elsewhere.
 */
import type { RemovedLine } from './furniture.js'

/**
 * Names of the stemmers that can be selected. `none` keeps lower-cased words as they are.
 *
 * @example
 * ```ts
 * const stemmer: StemmerName = 'porter-fr'
 * const index = new RelatedIndex({ analysis: { stemmer } })
 * ```
 */
export type StemmerName =
  | 'porter'
  | 'lancaster'
  | 'none'
  | 'porter-de'
  | 'porter-es'
  | 'porter-fr'
  | 'porter-it'
  | 'porter-nl'
  | 'porter-no'
  | 'porter-pt'
  | 'porter-ru'
  | 'porter-sv'

/**
 * One named entity of an article.
 *
 * @example
 * ```ts
 * analyze({ title: 'Lavrov in Pyongyang', body: 'Sergey Lavrov arrived.' }).entities[1]
 * // { key: 'sergey lavrov', display: 'Sergey Lavrov', count: 2, inTitle: true, … }
 * ```
 */
export interface EntityMention {
  /** Stable matching key: case- and diacritic-folded, single-spaced ("sergey lavrov", "lodz"). */
  key: string
  /** Display form: the longest spelling seen in the article, original diacritics kept ("Łódź"). */
  display: string
  /** Mentions in title and body together, after short mentions are merged into full names. */
  count: number
  /** Word-token position of the first mention, counting title tokens first, then body tokens. */
  firstPosition: number
  /** Mentioned in the title. */
  inTitle: boolean
  /** Mentioned in the lead (the body's first sentences). */
  inLead: boolean
  /** Where the entity came from: found in the text, supplied in `entities`, or from `tags`. */
  origin: 'text' | 'supplied' | 'tag'
  /**
   * For a name that looks like a person's ("Joe Manchin"), its last word as a key ("manchin"), so
   * that another article naming only the surname still shares something with this one.
   */
  surname?: string
}

/**
 * What analysis produces for one article.
 *
 * @example
 * ```ts
 * const a: Analysis = analyze({ title: 'Rates cut', body: 'The Bank of England cut rates.' })
 * a.title.get('rate') // 1
 * ```
 */
export interface Analysis {
  /** Index terms of the title (stems) with their counts. */
  title: Map<string, number>
  /** Index terms of the body (stems) with their counts. */
  body: Map<string, number>
  /** Entities sorted by `key`, one entry per key. */
  entities: EntityMention[]
  /** For each index term, a readable word for display (the most frequent lower-cased surface form). */
  surfaces: Map<string, string>
  /** Number of word tokens read (title and body), before stop-word removal. */
  wordCount: number
  /** Lines removed by cleaning, with the reason; only with `analyzer.analyze(input, { explain: true })`. */
  removed?: RemovedLine[]
}

/**
 * What analysis reads from an article.
 *
 * @example
 * ```ts
 * const input: AnalysisInput = { title: 'Rates cut', body: '<p>The Bank of England cut rates.</p>', tags: ['Economy'] }
 * ```
 */
export interface AnalysisInput {
  /** Headline, plain text or HTML. */
  title: string
  /** Body, plain text or HTML; page clutter is removed. */
  body: string
  /** Editorial tags, merged into the entities (origin `tag`). */
  tags?: readonly string[]
  /** Entity names the caller already knows, merged in (origin `supplied`). */
  entities?: readonly string[]
  /** The article's site ("wral.com"), for its own furniture lines (`siteFurniture`). */
  source?: string
}
