import { RelatedArticlesError, invalid, quoteId } from './errors.js'
import { parseDate } from './dates.js'

/**
 * The article shape the library reads. Nothing else of an input object is read, so label fields
 * in a data file can never influence a ranking.
 *
 * @example
 * ```ts
 * index.add({
 *   id: 'boe-cut-2025-05',
 *   title: 'Bank of England cuts interest rates to 4.25%',
 *   body: '<p>The Bank of England cut interest rates by a quarter point…</p>',
 *   publishedAt: '2025-05-08T12:00:00Z',
 *   tags: ['Interest rates'],
 *   section: 'Business',
 *   url: 'https://example.com/business/boe-cut',
 * })
 * ```
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
  /**
   * Publisher or outlet, best as its host name ('wral.com'): it selects the site's own furniture
   * lines (the `siteFurniture` analysis option) and helps recognise the outlet in a headline suffix.
   */
  source?: string
  /** Canonical URL, returned unchanged. */
  url?: string
  /** Entity names the caller already knows (from a CMS or an NER service); merged with the extracted ones. */
  entities?: readonly string[]
  /**
   * A dense vector for the article from any embedding model (a sentence-embedding model or
   * service), scored by the `embedding` signal with the index's `embeddingSimilarity` measure.
   * Every embedding in one index has the same length (set by the first one stored); values must
   * be finite and not all zero. Kept as 32-bit floats: `get` returns a `Float32Array` copy.
   */
  embedding?: readonly number[] | Float32Array | Float64Array
}

/**
 * An article that is not stored yet (an editor's draft): `id` is optional.
 *
 * @example
 * ```ts
 * const suggestions = index.relatedTo({ title: draftTitle, body: draftBody, publishedAt: new Date() }, { k: 3, pastOnly: true })
 * ```
 */
export type Draft = Omit<Article, 'id'> & {
  /** The draft's future id, if it has one: a stored article with this id is left out of the results. */
  id?: string
}

/** An article after validation: only the documented fields, with the parsed publication time. @internal */
export interface ValidArticle {
  /** The documented fields except `embedding`, which the index keeps apart in a compact store. */
  article: Article
  /** Milliseconds since the epoch, or NaN when undated. */
  time: number
  /** The embedding as 32-bit floats (a fresh copy), when the article has one. */
  embedding?: Float32Array
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
    // A Date is copied: the caller may change theirs later (setTime), and what is stored, returned
    // by get() and written to snapshots must stay what was validated.
    article.publishedAt = v.publishedAt instanceof Date ? new Date(t) : (v.publishedAt as string)
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
  const valid: ValidArticle = { article: Object.freeze(article), time }
  if (v.embedding !== undefined && v.embedding !== null) valid.embedding = validateEmbedding(v.embedding, id)
  return valid
}

/**
 * Checks an embedding's shape and values (its dimension is checked against the index by the
 * caller) and returns it as a fresh Float32Array. Each value must be a finite number that stays
 * finite as a 32-bit float, and at least one must stay non-zero, since no similarity measure can
 * compare a zero vector. Throws `INVALID_ARTICLE` naming `embedding` or `embedding[i]`.
 * @internal
 */
export function validateEmbedding(value: unknown, id?: string): Float32Array {
  if (!Array.isArray(value) && !(value instanceof Float32Array) && !(value instanceof Float64Array)) {
    throw invalid('INVALID_ARTICLE', 'embedding', 'an array of numbers, a Float32Array or a Float64Array', value, id)
  }
  const values = value as ArrayLike<unknown>
  if (values.length === 0) throw invalid('INVALID_ARTICLE', 'embedding', 'a non-empty array of numbers', value, id)
  const out = new Float32Array(values.length)
  let nonZero = false
  for (let i = 0; i < values.length; i++) {
    const x = values[i]
    if (typeof x !== 'number' || !Number.isFinite(x)) throw invalid('INVALID_ARTICLE', `embedding[${i}]`, 'a finite number', x, id)
    const f = Math.fround(x)
    if (!Number.isFinite(f)) {
      throw invalid('INVALID_ARTICLE', `embedding[${i}]`, 'a finite number within the 32-bit float range (±3.4e38)', x, id)
    }
    out[i] = f
    if (f !== 0) nonZero = true
  }
  if (!nonZero) {
    const where = id === undefined ? '' : ` (article ${quoteId(id)})`
    const expected = 'a vector with at least one non-zero value'
    const got = `${values.length === 1 ? 'a zero' : `${values.length} zeros`} (as 32-bit floats)`
    throw new RelatedArticlesError('INVALID_ARTICLE', `embedding${where} must be ${expected}, got ${got}`, {
      field: 'embedding',
      ...(id === undefined ? {} : { id }),
      expected,
      got,
    })
  }
  return out
}

/**
 * Default of the `maxArticleLength` index option: at most 1,000,000 UTF-16 code units of title
 * and body together (about 150,000 words, some 60 times the longest Reuters story).
 *
 * @example
 * ```ts
 * // A service taking drafts from the web: refuse anything over a tenth of the default.
 * const index = new RelatedIndex({ maxArticleLength: DEFAULT_MAX_ARTICLE_LENGTH / 10 })
 * ```
 */
export const DEFAULT_MAX_ARTICLE_LENGTH = 1_000_000

/**
 * What an index does with an article longer than `maxArticleLength`.
 *
 * @example
 * ```ts
 * // Index live blogs of any length by their first 200,000 characters.
 * const index = new RelatedIndex({ maxArticleLength: 200_000, oversized: 'truncate' })
 * ```
 */
export type OversizedPolicy = 'reject' | 'truncate'

/**
 * Applies the `maxArticleLength` limit to a validated article, before anything analyses it:
 * `reject` throws `LIMIT_EXCEEDED` naming the field that does not fit (`title` when the title
 * alone is too long, else `body`); `truncate` cuts the body, then the title, so that both fit,
 * never splitting a surrogate pair, and returns the shortened article.
 * @internal
 */
export function limitArticleLength(valid: ValidArticle, max: number, oversized: OversizedPolicy): ValidArticle {
  const { title, body, id } = valid.article
  const total = title.length + body.length
  if (total <= max) return valid
  if (oversized === 'reject') {
    const field = title.length > max ? 'title' : 'body'
    const where = id === '' ? '' : ` (article ${quoteId(id)})`
    const expected = `at most ${max} characters of title and body together (maxArticleLength)`
    const got = `${total} characters (title ${title.length}, body ${body.length})`
    throw new RelatedArticlesError(
      'LIMIT_EXCEEDED',
      `${field}${where} must be ${expected}, got ${got}; raise maxArticleLength or set oversized: 'truncate'`,
      { field, ...(id === '' ? {} : { id }), expected, got },
    )
  }
  const shortTitle = cut(title, max)
  const article: Article = { ...valid.article, title: shortTitle, body: cut(body, max - shortTitle.length) }
  return { article: Object.freeze(article), time: valid.time }
}

/** The first `length` code units of `text` (one fewer rather than half a surrogate pair), as a copy. */
function cut(text: string, length: number): string {
  if (text.length <= length) return text
  let end = length
  const last = text.charCodeAt(end - 1)
  if (last >= 0xd800 && last <= 0xdbff) end--
  // Concatenate, then slice: V8 flattens the concatenation into a new string, so the result does
  // not keep the caller's (possibly 50 MB) string alive the way a plain slice would.
  return (' ' + text.slice(0, end)).slice(1)
}
