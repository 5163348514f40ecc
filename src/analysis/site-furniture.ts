/**
 * Site furniture learned from an archive: a line that appears verbatim in many articles of one
 * `source` is that site's furniture (a footer, a registration prompt, a radio promotion), not news.
 */
import { invalid } from '../errors.js'
import { furnitureLineKey, siteKey } from './furniture.js'
import { normalizeUnicode, stripHtml } from './normalize.js'

/**
 * Options of {@link learnSiteFurniture}; see {@link DEFAULT_SITE_FURNITURE_OPTIONS}.
 *
 * @example
 * ```ts
 * const options: LearnSiteFurnitureOptions = { minArticles: 10, minShare: 0.2 }
 * ```
 */
export interface LearnSiteFurnitureOptions {
  /** Articles of one site a line must appear in; an integer ≥ 2. Defaults to `3`. */
  minArticles?: number
  /** Share of the site's articles a line must appear in, from 0 to 1. Defaults to `0.05`. */
  minShare?: number
  /** Lines longer than this (in characters) are never learned. Defaults to `1000`. */
  maxLineLength?: number
}

/**
 * The defaults of {@link LearnSiteFurnitureOptions}. Three articles: on the GVA set (836 sites,
 * many with a few articles) three learns 262 lines, almost all prompts, copyright and contact
 * lines, and lifts nDCG@10 from 0.8228 to 0.8235 (MAP 0.8230 to 0.8234) on top of the fixed
 * lists; five learns 97 lines, which gained 0.0002 nDCG@10 when measured before the last
 * additions to those lists. 5% of the site's articles, so that on a large site a line must
 * be common, not a sentence that several updates of one story repeat.
 *
 * @example
 * ```ts
 * learnSiteFurniture(archive, { ...DEFAULT_SITE_FURNITURE_OPTIONS, minArticles: 10 })
 * ```
 */
export const DEFAULT_SITE_FURNITURE_OPTIONS: Readonly<Required<LearnSiteFurnitureOptions>> = Object.freeze({
  minArticles: 3,
  minShare: 0.05,
  maxLineLength: 1_000,
})

/**
 * What {@link learnSiteFurniture} reads from an article (an `Article` has both fields).
 *
 * @example
 * ```ts
 * const input: SiteFurnitureInput = { body: 'Story.\nCopyright 2016 WRAL', source: 'wral.com' }
 * ```
 */
export interface SiteFurnitureInput {
  body: string
  source?: string
}

/**
 * Learns each site's furniture lines from an archive: the lines (compared case-insensitively,
 * ignoring spacing and trailing punctuation) that appear in at least `minArticles` articles of
 * one `source` and in at least `minShare` of them. Articles without a source are skipped. The
 * result is the `siteFurniture` analysis option: a plain object of sources (lower-cased, without
 * "www.") to sorted line keys, so it is the same whatever the order of the articles, and it is
 * stored with the index options in snapshots. Memory grows with the number of distinct lines.
 *
 * @example
 * ```ts
 * const siteFurniture = learnSiteFurniture(archive)
 * // { 'wsoctv.com': ['already have an account', 'thank you for registering', …], … }
 * const index = new RelatedIndex({ analysis: { siteFurniture } })
 * index.addAll(archive)
 * ```
 */
export function learnSiteFurniture(articles: Iterable<SiteFurnitureInput>, options?: LearnSiteFurnitureOptions): Record<string, string[]> {
  const { minArticles, minShare, maxLineLength } = resolveOptions(options)
  if (articles === null || typeof articles !== 'object' || typeof (articles as Partial<Iterable<unknown>>)[Symbol.iterator] !== 'function') {
    throw invalid('INVALID_ARTICLE', 'articles', 'an iterable of articles', articles)
  }
  const sites = new Map<string, { articles: number; lines: Map<string, number> }>()
  let position = 0
  for (const article of articles) {
    const at = `articles[${position++}]`
    if (typeof article !== 'object' || article === null) throw invalid('INVALID_ARTICLE', at, 'an object with a string `body`', article)
    if (typeof article.body !== 'string') throw invalid('INVALID_ARTICLE', `${at}.body`, 'a string', article.body)
    if (article.source === undefined) continue
    if (typeof article.source !== 'string') throw invalid('INVALID_ARTICLE', `${at}.source`, 'a string', article.source)
    const key = siteKey(article.source)
    if (key === '') continue
    let site = sites.get(key)
    if (site === undefined) sites.set(key, (site = { articles: 0, lines: new Map() }))
    site.articles++
    const seen = new Set<string>()
    for (const line of normalizeUnicode(stripHtml(article.body)).split('\n')) {
      const trimmed = line.trim()
      if (trimmed === '' || trimmed.length > maxLineLength) continue
      const lineKey = furnitureLineKey(trimmed)
      if (lineKey === '' || seen.has(lineKey)) continue
      seen.add(lineKey)
      site.lines.set(lineKey, (site.lines.get(lineKey) ?? 0) + 1)
    }
  }
  const learned: Record<string, string[]> = {}
  for (const key of [...sites.keys()].sort()) {
    const site = sites.get(key) as { articles: number; lines: Map<string, number> }
    const needed = Math.max(minArticles, Math.ceil(minShare * site.articles))
    const lines = [...site.lines].filter(([, count]) => count >= needed).map(([line]) => line).sort()
    if (lines.length > 0) learned[key] = lines
  }
  return learned
}

function resolveOptions(options: LearnSiteFurnitureOptions | undefined): Required<LearnSiteFurnitureOptions> {
  if (options === undefined) return DEFAULT_SITE_FURNITURE_OPTIONS
  if (typeof options !== 'object' || options === null || Array.isArray(options)) throw invalid('INVALID_OPTION', 'options', 'an object', options)
  const resolved = { ...DEFAULT_SITE_FURNITURE_OPTIONS, ...options }
  for (const name of Object.keys(options)) {
    if (!(name in DEFAULT_SITE_FURNITURE_OPTIONS)) throw invalid('INVALID_OPTION', name, 'one of minArticles, minShare, maxLineLength', name)
  }
  if (!Number.isSafeInteger(resolved.minArticles) || resolved.minArticles < 2) throw invalid('INVALID_OPTION', 'minArticles', 'an integer >= 2', resolved.minArticles)
  if (typeof resolved.minShare !== 'number' || !(resolved.minShare >= 0 && resolved.minShare <= 1)) throw invalid('INVALID_OPTION', 'minShare', 'a number from 0 to 1', resolved.minShare)
  if (!Number.isSafeInteger(resolved.maxLineLength) || resolved.maxLineLength < 1) throw invalid('INVALID_OPTION', 'maxLineLength', 'an integer >= 1', resolved.maxLineLength)
  return resolved
}
