import { invalid } from './errors.js'
import { parseDate } from './dates.js'

/**
 * The article shape the library reads. Nothing else of an input object is read, so label fields
 * in a data file can never influence a ranking.
 */
export interface Article {
  /** Unique, non-empty identifier. Any string works, including `__proto__`. */
  id: string
  /** Headline. Plain text or HTML. */
  title: string
  /** Body text. Plain text or HTML; page clutter such as 'Advertisement' lines is removed. */
  body: string
  /** Publication time: an ISO 8601 string or a `Date`. Undated articles are neither favoured nor punished. */
  publishedAt?: string | Date
  /** Editorial tags ('Ukraine war', 'Tariffs'). Shared rare tags raise the score. */
  tags?: readonly string[]
  /** Section of the site ('World', 'Business'). */
  section?: string
  /** Publisher or outlet name. */
  source?: string
  /** Canonical URL, returned unchanged. */
  url?: string
  /** Entity names the caller already knows (from a CMS or an NER service); merged with the extracted ones. */
  entities?: readonly string[]
}

/** An article that is not stored yet (an editor's draft): `id` is optional. */
export type Draft = Omit<Article, 'id'> & { id?: string }

/** An article after validation: only the documented fields, with the parsed publication time. @internal */
export interface ValidArticle {
  article: Article
  /** Milliseconds since the epoch, or NaN when undated. */
  time: number
}

/**
 * Checks every documented field and copies only those, so nothing else of the input object
 * is ever read again. Throws `INVALID_ARTICLE` naming the field.
 * @internal
 */
export function validateArticle(value: unknown, where = 'article', requireId = true): ValidArticle {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw invalid('INVALID_ARTICLE', where, 'an article object { id, title, body, … }', value)
  }
  const v = value as Record<string, unknown>
  const rawId = v.id
  let id: string | undefined
  if (rawId !== undefined || requireId) {
    if (typeof rawId !== 'string') throw invalid('INVALID_ARTICLE', 'id', 'a non-empty string', rawId)
    if (rawId.length === 0) throw invalid('INVALID_ARTICLE', 'id', 'a non-empty string', rawId)
    id = rawId
  }
  if (typeof v.title !== 'string') throw invalid('INVALID_ARTICLE', 'title', 'a string', v.title, id)
  if (typeof v.body !== 'string') throw invalid('INVALID_ARTICLE', 'body', 'a string', v.body, id)
  const article: Article = { id: id ?? '', title: v.title, body: v.body }
  let time = NaN
  if (v.publishedAt !== undefined && v.publishedAt !== null) {
    const t = parseDate(v.publishedAt)
    if (t === undefined) {
      throw invalid('INVALID_ARTICLE', 'publishedAt', 'an ISO 8601 date string or a valid Date', v.publishedAt, id)
    }
    time = t
    article.publishedAt = v.publishedAt as string | Date
  }
  for (const field of ['section', 'source', 'url'] as const) {
    const f = v[field]
    if (f === undefined || f === null) continue
    if (typeof f !== 'string') throw invalid('INVALID_ARTICLE', field, 'a string', f, id)
    article[field] = f
  }
  for (const field of ['tags', 'entities'] as const) {
    const f = v[field]
    if (f === undefined || f === null) continue
    if (!Array.isArray(f)) throw invalid('INVALID_ARTICLE', field, 'an array of strings', f, id)
    for (let i = 0; i < f.length; i++) {
      if (typeof f[i] !== 'string') throw invalid('INVALID_ARTICLE', `${field}[${i}]`, 'a string', f[i], id)
    }
    article[field] = Object.freeze([...(f as string[])])
  }
  return { article: Object.freeze(article), time }
}
