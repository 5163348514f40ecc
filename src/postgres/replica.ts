import pg from 'pg'
import type { Article } from '../article.js'
import { RelatedArticlesError, invalid } from '../errors.js'
import type { RelatedIndexOptions } from '../ranking/options.js'
import { RelatedIndex } from '../ranking/related-index.js'
import { LIBRARY_VERSION } from '../version.js'
import { PostgresSyncError } from './errors.js'
import type { ResolvedMapping, TableMapping } from './mapping.js'
import { ident, objectNames, qualified, resolveMapping } from './mapping.js'
import { rowToArticle, selectByIds, selectRows } from './rows.js'
import type { TableShape } from './schema.js'
import { checkMigrated, inspectTable, tableName } from './schema.js'
import type { StoredSnapshot } from './snapshots.js'
import { readNewestSnapshot, writeStoredSnapshot } from './snapshots.js'

/**
 * Where a replica's first load comes from: `'rows'` reads the table, `'snapshot'` loads the
 * newest snapshot stored by {@link PostgresReplica.saveSnapshot} (and fails without one), `'auto'`
 * loads a snapshot when there is a usable one and reads the rows otherwise.
 */
export type ReplicaStart = 'auto' | 'rows' | 'snapshot'

/**
 * Progress of a replica's first load.
 *
 * @example
 * ```ts
 * const onProgress = ({ phase, done, total }: ReplicaProgress) => console.log(`${phase} ${done}/${total}`)
 * ```
 */
export interface ReplicaProgress {
  /** `rows`: articles read from the table; `snapshot`: bytes of a stored snapshot read. */
  phase: 'rows' | 'snapshot'
  /** Rows or bytes so far. */
  done: number
  /** Rows or bytes in all. */
  total: number
}

/**
 * What one catch-up changed in the index, for a cache to invalidate.
 *
 * @example
 * ```ts
 * const onChange = ({ upserted, removed }: ReplicaChange) => cache.invalidate([...upserted, ...removed])
 * ```
 */
export interface ReplicaChange {
  /** Ids added or replaced. */
  upserted: string[]
  /** Ids removed (deleted rows, and rows the index refused). */
  removed: string[]
  /** The watermark the index is now consistent with. */
  watermark: string
}

/**
 * A log line from a replica: `info` for starts, reloads and reconnects, `warn` for a skipped row
 * or a lost connection, `error` for a failed catch-up (it is retried).
 *
 * @example
 * ```ts
 * const log = (e: ReplicaLogEvent) => logger[e.level]({ articleId: e.id, err: e.error }, e.message)
 * ```
 */
export interface ReplicaLogEvent {
  /** How much it matters: `info`, `warn` or `error`. */
  level: 'info' | 'warn' | 'error'
  /** One line saying what happened, naming the row or table. */
  message: string
  /** The article id, for a skipped row. */
  id?: string
  /** The underlying error, when there is one. */
  error?: unknown
}

/**
 * Options of {@link PostgresReplica.start}.
 *
 * @example
 * ```ts
 * const options: PostgresReplicaOptions = {
 *   connection: process.env.DATABASE_URL!,
 *   mapping: { table: 'articles' },
 *   index: { weights: { time: 0.25 } },
 *   onChange: ({ upserted, removed }) => cache.invalidate([...upserted, ...removed]),
 * }
 * ```
 */
export interface PostgresReplicaOptions {
  /** A connection string or a `pg.Client` configuration. The replica holds one connection. */
  connection: string | pg.ClientConfig
  /** The articles table; the same mapping `migrate` was run with. */
  mapping: TableMapping
  /** Index options for a start from rows; a stored snapshot carries its own. */
  index?: RelatedIndexOptions
  /** Where the first load comes from. Defaults to `'auto'`. */
  from?: ReplicaStart
  /** Rows per fetch during the first load and per query during a catch-up. Defaults to 1000. */
  batchSize?: number
  /** Called after each batch of the first load. */
  onProgress?: (progress: ReplicaProgress) => void
  /** Called after each catch-up that changed the index. */
  onChange?: (change: ReplicaChange) => void
  /**
   * Where skipped rows, reconnects and failures are reported. Defaults to `console.warn` for
   * `warn` and `error` events (and nothing for `info`).
   */
  log?: (event: ReplicaLogEvent) => void
  /** Reconnection backoff after a lost connection; see {@link ReconnectOptions}. */
  reconnect?: ReconnectOptions
  /**
   * A catch-up runs on every NOTIFY and after every reconnect; this one also runs on a timer, as a
   * safety net. Milliseconds; 0 turns it off. Defaults to 30,000.
   */
  pollIntervalMs?: number
  /** Stored snapshots kept by `saveSnapshot` (older ones are deleted). Defaults to 2. */
  keepSnapshots?: number
}

/**
 * Backoff between reconnection attempts: the first delay, doubled after each failed attempt up
 * to the maximum, each with up to 50% random jitter so replicas that lost one server do not
 * return in lockstep.
 *
 * @example
 * ```ts
 * const reconnect: ReconnectOptions = { minDelayMs: 250, maxDelayMs: 10_000 }
 * ```
 */
export interface ReconnectOptions {
  /** Delay before the first attempt, in milliseconds. Defaults to 100. */
  minDelayMs?: number
  /** Longest delay between attempts, in milliseconds. Defaults to 30,000. */
  maxDelayMs?: number
}

/**
 * What a replica has done since it started, for health checks and metrics.
 *
 * @example
 * ```ts
 * const { status, articles, skipped, lastSyncAt } = replica.stats
 * ```
 */
export interface ReplicaStats {
  /** `live` while connected and following, `reconnecting` after a loss (queries keep answering from the last state), `closed` after `close()`. */
  status: 'live' | 'reconnecting' | 'closed'
  /** Where the first load came from. */
  startedFrom: 'rows' | 'snapshot'
  /** Articles in the index. */
  articles: number
  /** Rows the index refused (logged with their id), since the start. */
  skipped: number
  /** Changed ids applied by catch-ups since the start. */
  applied: number
  /** Catch-ups run (each is one read-only transaction). */
  catchUps: number
  /** Connections re-established after a loss. */
  reconnects: number
  /** Whole-table reloads (after a TRUNCATE, or a change log pruned past this replica's watermark). */
  reloads: number
  /** Queries sent to the database, the load this replica puts on it. */
  queries: number
  /** The change-log position the index is consistent with (a `pg_snapshot` as text). */
  watermark: string
  /** When the last catch-up finished. */
  lastSyncAt: Date
}

const DEFAULT_BATCH_SIZE = 1000
const DEFAULT_POLL_MS = 30_000
const DEFAULT_KEEP_SNAPSHOTS = 2
const DEFAULT_MIN_DELAY_MS = 100
const DEFAULT_MAX_DELAY_MS = 30_000

interface ResolvedReplicaOptions {
  connection: pg.ClientConfig
  mapping: ResolvedMapping
  index: RelatedIndexOptions | undefined
  from: ReplicaStart
  batchSize: number
  onProgress: ((progress: ReplicaProgress) => void) | undefined
  onChange: ((change: ReplicaChange) => void) | undefined
  log: (event: ReplicaLogEvent) => void
  minDelayMs: number
  maxDelayMs: number
  pollIntervalMs: number
  keepSnapshots: number
}

/** Rows read in one transaction, keyed by id; `all` when every row was read (a reload). */
interface ReadChanges {
  watermark: string
  ids: string[]
  rows: Map<string, Record<string, unknown>>
  all: boolean
}

/**
 * A `RelatedIndex` kept equal to an articles table in PostgreSQL. It loads the table (from rows
 * through a cursor, or from the newest stored snapshot), then follows it: a trigger (created by
 * `migrate`) logs every change and sends a NOTIFY, and each notification starts a catch-up that
 * reads every change committed since the replica's watermark, so changes made while a replica was
 * disconnected are read when it reconnects. Queries go to {@link PostgresReplica.index}, which
 * always holds the table as of some committed moment.
 *
 * @example
 * ```ts
 * import { PostgresReplica } from 'related-articles/postgres'
 *
 * const replica = await PostgresReplica.start({ connection: process.env.DATABASE_URL!, mapping: { table: 'articles' } })
 * app.get('/related/:id', (req, res) => res.json(replica.index.related(req.params.id, { k: 5 })))
 * process.on('SIGTERM', () => void replica.close())
 * ```
 */
export class PostgresReplica {
  /** The index; query it as any `RelatedIndex`. The replica changes it; callers should not. */
  readonly index: RelatedIndex
  private readonly o: ResolvedReplicaOptions
  private readonly shape: TableShape
  private client: pg.Client | undefined
  private watermarkText: string
  private readonly counters = { skipped: 0, applied: 0, catchUps: 0, reconnects: 0, reloads: 0, queries: 0 }
  private readonly startedFrom: 'rows' | 'snapshot'
  private status: ReplicaStats['status'] = 'live'
  private lastSync = new Date()
  /** The connection runs one transaction at a time: every use goes through this chain. */
  private lane: Promise<unknown> = Promise.resolve()
  private syncing: Promise<void> | undefined
  private syncAgain = false
  private attempt = 0
  private reconnectTimer: NodeJS.Timeout | undefined
  private pollTimer: NodeJS.Timeout | undefined

  private constructor(
    o: ResolvedReplicaOptions,
    shape: TableShape,
    client: pg.Client,
    index: RelatedIndex,
    watermark: string,
    startedFrom: 'rows' | 'snapshot',
    counters: { skipped: number; queries: number },
  ) {
    this.o = o
    this.shape = shape
    this.client = client
    this.index = index
    this.watermarkText = watermark
    this.startedFrom = startedFrom
    this.counters.skipped = counters.skipped
    this.counters.queries = counters.queries
  }

  /**
   * Connects, checks the table and the migration, loads the index and catches up; resolves once
   * the index equals the table as of a moment after the call, and keeps following it.
   *
   * @throws PostgresSyncError `CONNECTION_FAILED`, `SCHEMA_MISMATCH`, `NOT_MIGRATED` or `NO_SNAPSHOT`;
   *   RelatedArticlesError `INVALID_OPTION` for bad options (the connection is closed again).
   */
  static async start(options: PostgresReplicaOptions): Promise<PostgresReplica> {
    const o = resolveOptions(options)
    const client = new pg.Client(o.connection)
    // Until the replica exists, a connection error surfaces through the failing query.
    const ignore = (): void => undefined
    client.on('error', ignore)
    try {
      await client.connect()
    } catch (error) {
      throw new PostgresSyncError('CONNECTION_FAILED', `could not connect to PostgreSQL: ${describeError(error)}`, { cause: error })
    }
    let queries = 0
    const db = {
      query: (text: string, values?: unknown[]) => {
        queries++
        return client.query(text, values)
      },
    } as pg.ClientBase
    try {
      const shape = await inspectTable(db, o.mapping)
      await checkMigrated(db, o.mapping, shape)
      // Listen before loading: a change committed during the load is then both in the catch-up
      // after it and announced; reading it twice is harmless.
      await db.query(`LISTEN ${ident(objectNames(o.mapping).channel)}`)
      const skipped = { count: 0 }
      const loaded = await initialLoad(db, o, shape, skipped)
      const replica = new PostgresReplica(o, shape, client, loaded.index, loaded.watermark, loaded.from, { skipped: skipped.count, queries })
      client.off('error', ignore)
      replica.attach(client)
      try {
        await replica.catchUp()
      } catch (error) {
        await replica.close()
        throw error
      }
      if (o.pollIntervalMs > 0) {
        replica.pollTimer = setInterval(() => replica.requestCatchUp(), o.pollIntervalMs)
        replica.pollTimer.unref()
      }
      return replica
    } catch (error) {
      await client.end().catch(() => undefined)
      throw error
    }
  }

  /** Counters and state; see {@link ReplicaStats}. */
  get stats(): ReplicaStats {
    return {
      status: this.status,
      startedFrom: this.startedFrom,
      articles: this.index.size,
      ...this.counters,
      watermark: this.watermarkText,
      lastSyncAt: this.lastSync,
    }
  }

  /**
   * Reads and applies every change committed since the watermark, now. NOTIFY already triggers
   * this; call it when a request must see a write the caller just committed.
   * @throws PostgresSyncError `CLOSED` after `close()`; the driver's error when the database cannot be reached.
   */
  async catchUp(): Promise<void> {
    this.assertOpen('catchUp')
    if (this.syncing !== undefined) {
      // The pass under way may have read before the caller's commit: it runs once more.
      this.syncAgain = true
      return this.syncing
    }
    return this.startSync()
  }

  /**
   * Stores the index and its watermark in the database, so new replicas start from it (see
   * {@link ReplicaStart}). Older snapshots beyond `keepSnapshots` are deleted.
   *
   * @example
   * ```ts
   * setInterval(() => replica.saveSnapshot().catch(console.error), 60 * 60 * 1000) // hourly, from one replica
   * ```
   * @throws PostgresSyncError `CLOSED` after `close()`; the driver's error when the write fails.
   */
  async saveSnapshot(): Promise<StoredSnapshot> {
    this.assertOpen('saveSnapshot')
    return this.exclusive(async (db) => {
      // Bytes and watermark are taken in one synchronous step, so they describe the same state.
      const bytes = this.index.serialize()
      const watermark = this.watermarkText
      return writeStoredSnapshot(db, this.o.mapping, bytes, watermark, this.index.size, LIBRARY_VERSION, this.o.keepSnapshots)
    })
  }

  /**
   * Stops following the table and closes the connection, after the catch-up or snapshot write
   * under way has finished. The index stays queryable. Calling it again does nothing.
   */
  async close(): Promise<void> {
    if (this.status === 'closed') return
    this.status = 'closed'
    clearInterval(this.pollTimer)
    clearTimeout(this.reconnectTimer)
    await this.lane.catch(() => undefined)
    await this.syncing?.catch(() => undefined)
    const client = this.client
    this.client = undefined
    if (client !== undefined) await client.end().catch(() => undefined)
  }

  private assertOpen(call: string): void {
    if (this.status === 'closed') {
      throw new PostgresSyncError('CLOSED', `${call}() was called after close(); start a new replica instead`)
    }
  }

  private attach(client: pg.Client): void {
    client.on('notification', () => this.requestCatchUp())
    client.on('error', (error) => this.lost(client, error))
    client.on('end', () => this.lost(client, undefined))
  }

  /** A NOTIFY or the timer: run a catch-up, or another one after the running one. */
  private requestCatchUp(): void {
    if (this.status !== 'live') return
    if (this.syncing !== undefined) {
      this.syncAgain = true
      return
    }
    this.startSync().catch(() => undefined) // failures are logged and handled in startSync
  }

  private startSync(): Promise<void> {
    const run = async (): Promise<void> => {
      try {
        do {
          this.syncAgain = false
          await this.catchUpOnce()
        } while (this.syncAgain && this.status === 'live')
      } finally {
        this.syncing = undefined
      }
    }
    const promise = run().catch((error: unknown) => {
      if (this.status === 'closed') return
      this.o.log({ level: 'error', message: `catch-up failed, reconnecting: ${describeError(error)}`, error })
      // Whatever failed (a lost connection, a statement timeout, a dropped column), start again
      // from a new connection: the watermark was not moved, so nothing is lost.
      if (this.client !== undefined) this.lost(this.client, error)
      throw error
    })
    this.syncing = promise
    return promise
  }

  private async catchUpOnce(): Promise<void> {
    const read = await this.exclusive((db) => readChanges(db, this.o, this.shape, this.watermarkText))
    if (read === undefined) return
    this.apply(read)
  }

  /** Applies what one transaction read, synchronously: a query sees the index before or after, never between. */
  private apply(read: ReadChanges): void {
    this.counters.catchUps++
    const upserted: string[] = []
    const removed: string[] = []
    if (read.all) {
      this.counters.reloads++
      this.o.log({ level: 'info', message: `reloading every row of ${tableName(this.o.mapping)} (truncated, or the change log was pruned past this replica)` })
      for (const id of this.index.ids()) if (!read.rows.has(id)) read.ids.push(id)
    }
    for (const id of read.ids) {
      const row = read.rows.get(id)
      if (row === undefined) {
        if (this.index.remove(id)) removed.push(id)
        continue
      }
      const refused = upsert(this.index, row, this.o.log)
      if (refused) {
        this.counters.skipped++
        if (this.index.remove(id)) removed.push(id)
      } else upserted.push(id)
    }
    this.counters.applied += upserted.length + removed.length
    this.watermarkText = read.watermark
    this.lastSync = new Date()
    if (upserted.length + removed.length > 0) this.o.onChange?.({ upserted, removed, watermark: read.watermark })
  }

  /** Runs `fn` with the connection once every earlier use of it has finished. */
  private exclusive<T>(fn: (db: pg.ClientBase) => Promise<T>): Promise<T> {
    const run = this.lane.then(() => {
      const client = this.client
      if (client === undefined) throw new Error('no connection to PostgreSQL (reconnecting)')
      const db = {
        query: (text: string, values?: unknown[]) => {
          this.counters.queries++
          return client.query(text, values)
        },
      } as pg.ClientBase
      return fn(db)
    })
    this.lane = run.catch(() => undefined)
    return run
  }

  /** The connection failed or ended: answer from the last state and reconnect with backoff. */
  private lost(client: pg.Client, error: unknown): void {
    if (client !== this.client || this.status === 'closed') return
    this.client = undefined
    this.status = 'reconnecting'
    this.o.log({ level: 'warn', message: `lost the connection to PostgreSQL${error === undefined ? '' : `: ${describeError(error)}`}; reconnecting`, error })
    client.removeAllListeners('notification')
    client.on('error', () => undefined)
    client.end().catch(() => undefined)
    this.scheduleReconnect()
  }

  private scheduleReconnect(): void {
    if (this.status === 'closed') return
    const base = Math.min(this.o.maxDelayMs, this.o.minDelayMs * 2 ** this.attempt)
    // Jitter, so replicas that lost the server together do not return in lockstep.
    const delay = base * (0.5 + Math.random() / 2)
    this.attempt++
    this.reconnectTimer = setTimeout(() => void this.reconnect(), delay)
  }

  private async reconnect(): Promise<void> {
    if (this.status === 'closed') return
    const client = new pg.Client(this.o.connection)
    client.on('error', () => undefined)
    try {
      await client.connect()
      this.counters.queries++
      await client.query(`LISTEN ${ident(objectNames(this.o.mapping).channel)}`)
    } catch (error) {
      await client.end().catch(() => undefined)
      this.o.log({ level: 'warn', message: `reconnect attempt ${this.attempt} failed: ${describeError(error)}`, error })
      this.scheduleReconnect()
      return
    }
    // close() may have run while connecting.
    if ((this.status as ReplicaStats['status']) === 'closed') {
      await client.end().catch(() => undefined)
      return
    }
    client.removeAllListeners('error')
    this.client = client
    this.attach(client)
    this.status = 'live'
    this.counters.reconnects++
    this.o.log({ level: 'info', message: `reconnected to PostgreSQL after ${this.attempt} attempt(s); catching up` })
    this.attempt = 0
    this.requestCatchUp()
  }
}

function resolveOptions(options: PostgresReplicaOptions): ResolvedReplicaOptions {
  if (typeof options !== 'object' || options === null) throw invalid('INVALID_OPTION', 'options', 'an options object { connection, mapping, … }', options)
  const known = ['connection', 'mapping', 'index', 'from', 'batchSize', 'onProgress', 'onChange', 'log', 'reconnect', 'pollIntervalMs', 'keepSnapshots']
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) throw invalid('INVALID_OPTION', `options.${key}`, `one of ${known.join(', ')} (an unknown option)`, (options as unknown as Record<string, unknown>)[key])
  }
  const { connection } = options
  let config: pg.ClientConfig
  if (typeof connection === 'string' && connection.length > 0) config = { connectionString: connection }
  else if (typeof connection === 'object' && connection !== null) config = { ...connection }
  else throw invalid('INVALID_OPTION', 'connection', 'a connection string or a pg.ClientConfig object', connection)
  config.application_name ??= 'related-articles replica'
  // Notice a dead peer on an idle connection (a replica mostly waits for NOTIFY).
  config.keepAlive ??= true
  const from = options.from ?? 'auto'
  if (!['auto', 'rows', 'snapshot'].includes(from)) throw invalid('INVALID_OPTION', 'from', "'auto', 'rows' or 'snapshot'", from)
  const int = (name: string, value: unknown, fallback: number, min: number): number => {
    if (value === undefined) return fallback
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min) throw invalid('INVALID_OPTION', name, `an integer from ${min}`, value)
    return value
  }
  const fn = <F>(name: string, value: unknown): F | undefined => {
    if (value !== undefined && typeof value !== 'function') throw invalid('INVALID_OPTION', name, 'a function', value)
    return value as F | undefined
  }
  const reconnect = options.reconnect ?? {}
  if (typeof reconnect !== 'object' || reconnect === null) throw invalid('INVALID_OPTION', 'reconnect', 'an object { minDelayMs?, maxDelayMs? }', reconnect)
  const minDelayMs = int('reconnect.minDelayMs', reconnect.minDelayMs, DEFAULT_MIN_DELAY_MS, 1)
  const maxDelayMs = int('reconnect.maxDelayMs', reconnect.maxDelayMs, Math.max(DEFAULT_MAX_DELAY_MS, minDelayMs), minDelayMs)
  if (options.index !== undefined) new RelatedIndex(options.index) // throws INVALID_OPTION naming the option
  return {
    connection: config,
    mapping: resolveMapping(options.mapping),
    index: options.index,
    from,
    batchSize: int('batchSize', options.batchSize, DEFAULT_BATCH_SIZE, 1),
    onProgress: fn('onProgress', options.onProgress),
    onChange: fn('onChange', options.onChange),
    log: fn<(event: ReplicaLogEvent) => void>('log', options.log) ?? defaultLog,
    minDelayMs,
    maxDelayMs,
    pollIntervalMs: int('pollIntervalMs', options.pollIntervalMs, DEFAULT_POLL_MS, 0),
    keepSnapshots: int('keepSnapshots', options.keepSnapshots, DEFAULT_KEEP_SNAPSHOTS, 1),
  }
}

function defaultLog(event: ReplicaLogEvent): void {
  if (event.level !== 'info') console.warn(`related-articles/postgres: ${event.message}`)
}

function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

/**
 * Stores one row in the index, or reports why the index refused it (logged with the row's id).
 * Returns whether it was refused.
 */
function upsert(index: RelatedIndex, row: Record<string, unknown>, log: (event: ReplicaLogEvent) => void): boolean {
  const article = rowToArticle(row)
  try {
    index.update(article)
    return false
  } catch (error) {
    if (!(error instanceof RelatedArticlesError)) throw error
    log({ level: 'warn', message: `row ${JSON.stringify(article.id)} skipped: ${error.code}: ${error.message}`, id: article.id, error })
    return true
  }
}

/** Adds a batch all at once when it is valid, else row by row, skipping (and counting) what the index refuses. */
function addBatch(index: RelatedIndex, rows: Record<string, unknown>[], log: (event: ReplicaLogEvent) => void, skipped: { count: number }): void {
  const articles: Article[] = rows.map(rowToArticle)
  try {
    index.addAll(articles)
    return
  } catch (error) {
    if (!(error instanceof RelatedArticlesError)) throw error
  }
  for (const row of rows) if (upsert(index, row, log)) skipped.count++
}

async function initialLoad(
  db: pg.ClientBase,
  o: ResolvedReplicaOptions,
  shape: TableShape,
  skipped: { count: number },
): Promise<{ index: RelatedIndex; watermark: string; from: 'rows' | 'snapshot' }> {
  if (o.from !== 'rows') {
    const fromSnapshot = await loadSnapshot(db, o)
    if (fromSnapshot !== undefined) return { ...fromSnapshot, from: 'snapshot' }
  }
  const index = new RelatedIndex(o.index)
  await db.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY')
  try {
    // The first statement fixes the transaction's snapshot: the rows read below are exactly the
    // table as of this watermark.
    const { rows } = await db.query<{ watermark: string; total: number }>(
      `SELECT pg_current_snapshot()::text AS watermark, (SELECT count(*)::int FROM ${tableName(o.mapping)}) AS total`,
    )
    const { watermark, total } = rows[0] as { watermark: string; total: number }
    await db.query(`DECLARE related_articles_load NO SCROLL CURSOR FOR ${selectRows(o.mapping, shape)}`)
    let done = 0
    for (;;) {
      const batch = await db.query<Record<string, unknown>>(`FETCH FORWARD ${o.batchSize} FROM related_articles_load`)
      if (batch.rows.length === 0) break
      addBatch(index, batch.rows, o.log, skipped)
      done += batch.rows.length
      o.onProgress?.({ phase: 'rows', done, total: Math.max(total, done) })
    }
    await db.query('COMMIT')
    o.log({ level: 'info', message: `loaded ${index.size} articles from ${tableName(o.mapping)}${skipped.count > 0 ? `, ${skipped.count} rows skipped` : ''}` })
    return { index, watermark, from: 'rows' }
  } catch (error) {
    await db.query('ROLLBACK').catch(() => undefined)
    throw error
  }
}

/** The newest stored snapshot as an index, or undefined (with `from: 'auto'`) when there is none usable. */
async function loadSnapshot(db: pg.ClientBase, o: ResolvedReplicaOptions): Promise<{ index: RelatedIndex; watermark: string } | undefined> {
  const fail = (code: 'NO_SNAPSHOT', why: string, cause?: unknown): undefined => {
    if (o.from === 'snapshot') throw new PostgresSyncError(code, why, { table: tableName(o.mapping), cause })
    o.log({ level: 'info', message: `${why}; loading from rows instead` })
    return undefined
  }
  await db.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY')
  let stored: Awaited<ReturnType<typeof readNewestSnapshot>>
  let pruned: boolean
  try {
    stored = await readNewestSnapshot(db, o.mapping, (done, total) => o.onProgress?.({ phase: 'snapshot', done, total }))
    pruned = stored !== undefined && (await prunedPast(db, o.mapping, stored.info.watermark))
    await db.query('COMMIT')
  } catch (error) {
    await db.query('ROLLBACK').catch(() => undefined)
    throw error
  }
  if (stored === undefined) return fail('NO_SNAPSHOT', `no snapshot of ${tableName(o.mapping)} is stored`)
  if (pruned) return fail('NO_SNAPSHOT', `the newest snapshot (${stored.info.id}) is older than the pruned change log`)
  let index: RelatedIndex
  try {
    index = RelatedIndex.deserialize(stored.bytes)
  } catch (error) {
    return fail('NO_SNAPSHOT', `the newest snapshot (${stored.info.id}) cannot be loaded: ${describeError(error)}`, error)
  }
  if (o.index !== undefined && JSON.stringify(new RelatedIndex(o.index).options) !== JSON.stringify(index.options)) {
    return fail('NO_SNAPSHOT', `the newest snapshot (${stored.info.id}) was built with other index options than options.index`)
  }
  o.log({ level: 'info', message: `loaded snapshot ${stored.info.id} (${index.size} articles, ${stored.info.bytes} bytes)` })
  return { index, watermark: stored.info.watermark }
}

/** Whether changes the watermark has not seen were pruned from the change log. */
async function prunedPast(db: pg.ClientBase, m: ResolvedMapping, watermark: string): Promise<boolean> {
  const { rows } = await db.query<{ pruned: boolean }>(
    `SELECT coalesce(pruned_through >= pg_snapshot_xmin($1::pg_snapshot), false) AS pruned FROM ${qualified(m.schema, `${m.prefix}_state`)}`,
    [watermark],
  )
  return rows[0]?.pruned === true
}

/**
 * One catch-up read, in one repeatable-read transaction: the changes committed after `watermark`
 * and visible now, and the current rows of the changed ids. A change is "after" the watermark
 * when its transaction was not visible in the watermark's snapshot, which is exact however
 * transactions interleave: a long transaction that commits late is read by the next catch-up,
 * whatever the order its change-log rows were numbered in. Undefined when nothing changed and the
 * watermark need not move.
 */
async function readChanges(db: pg.ClientBase, o: ResolvedReplicaOptions, shape: TableShape, watermark: string): Promise<ReadChanges | undefined> {
  const m = o.mapping
  const changes = qualified(m.schema, objectNames(m).changes)
  const since = `txid >= pg_snapshot_xmin($1::pg_snapshot) AND NOT pg_visible_in_snapshot(txid, $1::pg_snapshot)`
  const prunedPastWatermark = `coalesce((SELECT pruned_through >= pg_snapshot_xmin($1::pg_snapshot) FROM ${qualified(m.schema, `${m.prefix}_state`)}), false)`
  // The usual case, a few changes, in one statement (one round trip, one snapshot): the new
  // watermark, the changed ids and their rows as JSON. Many changes, a TRUNCATE or a pruned log
  // take the transaction below instead.
  const id = shape.columns.get('id') as { name: string; type: string }
  const { rows: fast } = await db.query<{ now: string; pruned: boolean; changed: number; truncated: boolean | null; ids: string[] | null; rows: Record<string, unknown>[] | null }>(
    `WITH ch AS (SELECT DISTINCT article_id FROM ${changes} WHERE ${since}), n AS (SELECT count(*)::int AS changed FROM ch)
     SELECT pg_current_snapshot()::text AS now, ${prunedPastWatermark} AS pruned, n.changed,
            (SELECT bool_or(article_id IS NULL) FROM ch) AS truncated,
            CASE WHEN n.changed <= $2 THEN (SELECT array_agg(article_id) FROM ch WHERE article_id IS NOT NULL) END AS ids,
            CASE WHEN n.changed <= $2 THEN (SELECT coalesce(json_agg(x), '[]') FROM (${selectRows(m, shape)}
              WHERE ${ident(id.name)} IN (SELECT article_id::${id.type} FROM ch WHERE article_id IS NOT NULL)) x) END AS rows
       FROM n`,
    [watermark, o.batchSize],
  )
  const head = fast[0]
  if (head !== undefined && !head.pruned && head.truncated !== true && (head.changed === 0 || head.rows !== null)) {
    if (head.changed === 0) return head.now === watermark ? undefined : { watermark: head.now, ids: [], rows: new Map(), all: false }
    const rows = new Map<string, Record<string, unknown>>()
    for (const row of head.rows ?? []) rows.set(row.id as string, row)
    return { watermark: head.now, ids: head.ids ?? [], rows, all: false }
  }
  await db.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY')
  try {
    const { rows: head } = await db.query<{ now: string; pruned: boolean }>(
      `SELECT pg_current_snapshot()::text AS now,
              coalesce((SELECT pruned_through >= pg_snapshot_xmin($1::pg_snapshot) FROM ${qualified(m.schema, `${m.prefix}_state`)}), false) AS pruned`,
      [watermark],
    )
    const { now, pruned } = head[0] as { now: string; pruned: boolean }
    const { rows: changed } = await db.query<{ id: string | null }>(
      `SELECT DISTINCT article_id AS id FROM ${changes}
        WHERE txid >= pg_snapshot_xmin($1::pg_snapshot) AND NOT pg_visible_in_snapshot(txid, $1::pg_snapshot)`,
      [watermark],
    )
    if (changed.length === 0 && !pruned) {
      await db.query('COMMIT')
      return now === watermark ? undefined : { watermark: now, ids: [], rows: new Map(), all: false }
    }
    const rows = new Map<string, Record<string, unknown>>()
    const all = pruned || changed.some((c) => c.id === null)
    if (all) {
      const { rows: every } = await db.query<Record<string, unknown>>(selectRows(m, shape))
      for (const row of every) rows.set(row.id as string, row)
    } else {
      const ids = changed.map((c) => c.id as string)
      for (let i = 0; i < ids.length; i += o.batchSize) {
        const { rows: found } = await db.query<Record<string, unknown>>(selectByIds(m, shape), [ids.slice(i, i + o.batchSize)])
        for (const row of found) rows.set(row.id as string, row)
      }
    }
    await db.query('COMMIT')
    const ids = all ? [...rows.keys()] : changed.map((c) => c.id as string)
    return { watermark: now, ids, rows, all }
  } catch (error) {
    await db.query('ROLLBACK').catch(() => undefined)
    throw error
  }
}
