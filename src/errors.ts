/**
 * Every error this library throws on purpose is a {@link RelatedArticlesError} with a `code`
 * from this catalogue, so callers can branch on `error.code` rather than on message text.
 *
 * @example
 * ```ts
 * function httpStatus(code: RelatedArticlesErrorCode): number {
 *   return code === 'NOT_FOUND' ? 404 : code === 'DUPLICATE_ID' ? 409 : 400
 * }
 * ```
 */
export type RelatedArticlesErrorCode =
  /** An article (or a draft) is missing a field or has one of the wrong type or shape. */
  | 'INVALID_ARTICLE'
  /** `add` was given an id that is already stored (use `update` to replace it). */
  | 'DUPLICATE_ID'
  /** An id that is not stored was asked for. */
  | 'NOT_FOUND'
  /** An option has an unknown name, a wrong type or a value out of range. */
  | 'INVALID_OPTION'
  /** Input is larger than a configured limit (article size, `k`, snapshot size). */
  | 'LIMIT_EXCEEDED'
  /** A snapshot is truncated, corrupted or not a snapshot of this library. */
  | 'SNAPSHOT_CORRUPT'
  /** A snapshot was written by an incompatible (newer) format version. */
  | 'SNAPSHOT_VERSION'
  /**
   * A call that is not allowed in the current state: changing the index while `iterateRelated` is
   * under way, calling the index from a query's `filter`, or changing it from `addAll`'s `onProgress`.
   */
  | 'INVALID_STATE'

/**
 * Details that help a caller or a log line locate the problem; the error carries them as its
 * own properties.
 *
 * @example
 * ```ts
 * throw new RelatedArticlesError('INVALID_ARTICLE', 'title must be a string, got number 7', {
 *   field: 'title',
 *   expected: 'a string',
 *   got: 'number 7',
 * })
 * ```
 */
export interface RelatedArticlesErrorDetails {
  /** The field or option at fault, as a path such as `body`, `tags[2]` or `weights.entities`. */
  field?: string
  /** The article id involved, when there is one. */
  id?: string
  /** What was expected, in words. */
  expected?: string
  /** A short description of what was found. */
  got?: string
}

/**
 * Marks errors of this library, in whichever copy of it they were thrown: a process that loads
 * both the ESM and the CommonJS build (or two installed versions) has two `RelatedArticlesError`
 * classes, and a registered symbol is the same in all of them.
 */
const ERROR_BRAND: unique symbol = Symbol.for('related-articles.RelatedArticlesError') as never

/**
 * Whether `value` is an error thrown by this library, also when it was thrown by another build or
 * copy of it (the ESM and the CommonJS build loaded in one process). A type guard.
 * @example
 * ```ts
 * try {
 *   index.related('missing')
 * } catch (error) {
 *   if (!isRelatedArticlesError(error)) throw error
 *   console.log(error.code) // NOT_FOUND
 * }
 * ```
 */
export function isRelatedArticlesError(value: unknown): value is RelatedArticlesError {
  return typeof value === 'object' && value !== null && (value as { [ERROR_BRAND]?: unknown })[ERROR_BRAND] === true
}

/**
 * The one error type of this library. `code` says what went wrong; `message` says where.
 *
 * @example
 * ```ts
 * try {
 *   index.add({ id: 'a1', title: 'Headline' } as Article)
 * } catch (error) {
 *   if (!(error instanceof RelatedArticlesError)) throw error
 *   console.log(error.code, error.field, error.message)
 *   // INVALID_ARTICLE body body (article "a1") must be a string, got undefined
 * }
 * ```
 */
export class RelatedArticlesError extends Error {
  /** Always `'RelatedArticlesError'`. */
  override readonly name = 'RelatedArticlesError'
  /** What went wrong, from the {@link RelatedArticlesErrorCode} catalogue. */
  readonly code: RelatedArticlesErrorCode
  /** The field or option at fault, such as `title`, `tags[2]` or `weights.entities`, when there is one. */
  readonly field: string | undefined
  /** The id of the article involved, when there is one. */
  readonly id: string | undefined
  /** What was expected, in words, when the message says. */
  readonly expected: string | undefined
  /** What was found, in words, when the message says. */
  readonly got: string | undefined

  constructor(code: RelatedArticlesErrorCode, message: string, details: RelatedArticlesErrorDetails = {}) {
    super(message)
    this.code = code
    this.field = details.field
    this.id = details.id
    this.expected = details.expected
    this.got = details.got
    Object.defineProperty(this, ERROR_BRAND, { value: true })
  }

  /**
   * `error instanceof RelatedArticlesError` holds for errors of every build of this library loaded
   * in the process (ESM and CommonJS), not only for this class's own instances.
   */
  static override [Symbol.hasInstance](value: unknown): boolean {
    return isRelatedArticlesError(value)
  }
}

/** Describes a value for an error message: its type and, for short primitives, the value itself. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null'
  if (value === undefined) return 'undefined'
  if (Array.isArray(value)) return `an array of length ${value.length}`
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'an invalid Date' : 'a Date'
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
    return `a typed array (${value.constructor.name}) of length ${(value as unknown as ArrayLike<unknown>).length}`
  }
  switch (typeof value) {
    case 'string': {
      const shown = value.length > 40 ? `${value.slice(0, 37)}...` : value
      return `the string ${JSON.stringify(shown)}`
    }
    case 'number':
    case 'boolean':
    case 'bigint':
      return `${typeof value} ${String(value)}`
    case 'function':
      return 'a function'
    case 'symbol':
      return 'a symbol'
    default:
      return 'an object'
  }
}

/** An id as a message shows it: JSON-quoted, long ids cut to 60 characters. @internal */
export function quoteId(id: string): string {
  return JSON.stringify(id.length > 60 ? `${id.slice(0, 57)}...` : id)
}

/**
 * Builds the standard message "`<field>` must be <expected>, got <description>" and the error.
 * @internal
 */
export function invalid(
  code: RelatedArticlesErrorCode,
  field: string,
  expected: string,
  value: unknown,
  id?: string,
): RelatedArticlesError {
  const where = id === undefined ? '' : ` (article ${quoteId(id)})`
  const got = describeValue(value)
  return new RelatedArticlesError(code, `${field}${where} must be ${expected}, got ${got}`, {
    field,
    ...(id === undefined ? {} : { id }),
    expected,
    got,
  })
}
