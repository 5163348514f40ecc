/**
 * What went wrong between a replica and PostgreSQL, from the {@link PostgresSyncError} catalogue.
 *
 * @example
 * ```ts
 * function exitCode(code: PostgresSyncErrorCode): number {
 *   return code === 'NOT_MIGRATED' || code === 'SCHEMA_MISMATCH' ? 78 : 69 // EX_CONFIG, EX_UNAVAILABLE
 * }
 * ```
 */
export type PostgresSyncErrorCode =
  /** The articles table, or a mapped column, is missing or has a type the replica cannot read. */
  | 'SCHEMA_MISMATCH'
  /** The change log, snapshot tables or trigger are missing: run `migrate()` first. */
  | 'NOT_MIGRATED'
  /** The first connection to the database failed (later losses are retried, never thrown). */
  | 'CONNECTION_FAILED'
  /** `from: 'snapshot'` was asked for and no complete snapshot is stored. */
  | 'NO_SNAPSHOT'
  /** A method was called after `close()`. */
  | 'CLOSED'

/** Details of a {@link PostgresSyncError}. */
export interface PostgresSyncErrorDetails {
  /** The table involved, schema-qualified, when there is one. */
  table?: string
  /** The column involved, when there is one. */
  column?: string
  /** The underlying error (from the driver), when there is one. */
  cause?: unknown
}

const BRAND: unique symbol = Symbol.for('related-articles.PostgresSyncError') as never

/**
 * The error of `related-articles/postgres` for problems on the database side: a table that does
 * not match its mapping, a database that was not migrated, a first connection that failed. Bad
 * articles in the table are not errors: the replica logs and skips them (see
 * {@link ReplicaStats.skipped}).
 *
 * @example
 * ```ts
 * try {
 *   await PostgresReplica.start({ connection: process.env.DATABASE_URL, mapping: { table: 'stories' } })
 * } catch (error) {
 *   if (error instanceof PostgresSyncError && error.code === 'NOT_MIGRATED') console.error('run migrate() first')
 *   throw error
 * }
 * ```
 */
export class PostgresSyncError extends Error {
  /** Always `'PostgresSyncError'`. */
  override readonly name = 'PostgresSyncError'
  /** What went wrong. */
  readonly code: PostgresSyncErrorCode
  /** The table involved, when there is one. */
  readonly table: string | undefined
  /** The column involved, when there is one. */
  readonly column: string | undefined

  constructor(code: PostgresSyncErrorCode, message: string, details: PostgresSyncErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause })
    this.code = code
    this.table = details.table
    this.column = details.column
    Object.defineProperty(this, BRAND, { value: true })
  }

  /** True for errors of every build of this library loaded in the process (ESM and CommonJS). */
  static override [Symbol.hasInstance](value: unknown): boolean {
    return typeof value === 'object' && value !== null && (value as { [BRAND]?: unknown })[BRAND] === true
  }
}
