/**
 * Queries on worker threads: a pool of threads that each load the same snapshot (bytes held
 * once, in a `SharedArrayBuffer` every thread reads) and answer `related`, `relatedTo` and batch
 * queries, so a service keeps its event loop free and a batch job uses every core.
 *
 * Each thread holds its own copy of the index (loading a snapshot builds one; JavaScript objects
 * cannot be shared between threads), so a pool of N threads costs about N times the index's
 * memory, and starting it costs one snapshot load per thread, in parallel.
 */
import { availableParallelism } from 'node:os'
import { pathToFileURL } from 'node:url'
import { Worker } from 'node:worker_threads'
import type { Draft } from '../article.js'
import { RelatedArticlesError, invalid } from '../errors.js'
import type { RelatedAllOptions, RelatedEntry } from '../ranking/batch.js'
import { splitBatchOptions } from '../ranking/batch.js'
import type { RelatedOptions } from '../ranking/options.js'
import type { RelatedIndex } from '../ranking/related-index.js'
import { shareInactiveSignals, type RelatedResult } from '../ranking/result.js'
import type { WorkerError, WorkerReply, WorkerRequest, WorkerStart } from './protocol.js'

/**
 * Options of {@link createRelatedPool}.
 *
 * @example
 * ```ts
 * const pool = await createRelatedPool(readFileSync('archive.snapshot'), { threads: 2 })
 * ```
 */
export interface RelatedPoolOptions {
  /** Worker threads, 1 to 64. Defaults to {@link defaultThreads}: min(available cores, 4). */
  threads?: number
}

/**
 * Options of {@link RelatedPool.iterateRelated} and {@link RelatedPool.relatedAll}: those of
 * `index.relatedAll` except `filter` (a function cannot be sent to another thread), plus the
 * size of the pieces the work is cut into.
 *
 * @example
 * ```ts
 * for await (const [id, results] of pool.iterateRelated({ k: 5, chunkSize: 128 })) console.log(id, results.length)
 * ```
 */
export interface PoolBatchOptions extends Omit<RelatedAllOptions, 'filter' | 'primeAffectedBy'> {
  /** Ids sent to a thread at a time, 1 to 10,000. Defaults to 64: small enough to keep every thread busy to the end. */
  chunkSize?: number
}

/** Most threads a pool may start. */
const MAX_THREADS = 64
const DEFAULT_CHUNK_SIZE = 64
const MAX_CHUNK_SIZE = 10_000

/**
 * The default thread count of a pool: the cores Node may use (`os.availableParallelism()`), at
 * most 4, since each thread holds its own copy of the index.
 *
 * @example
 * ```ts
 * const threads = index.size < 20_000 ? 1 : defaultThreads()
 * ```
 */
export function defaultThreads(): number {
  return Math.max(1, Math.min(availableParallelism(), 4))
}

/**
 * Where the worker's code is. From the built package (`dist/index.js` or `dist/index.cjs`) it is
 * `dist/related-worker.js`; from the TypeScript sources (tests, benchmarks under tsx) it is
 * `worker.ts` beside this file, run through tsx's loader.
 */
function startWorker(workerData: WorkerStart): Worker {
  // In the CommonJS build `import.meta` is empty and `__filename` is this bundle's path.
  const here = typeof __filename === 'string' ? pathToFileURL(__filename).href : import.meta.url
  if (!here.endsWith('.ts')) return new Worker(new URL('./related-worker.js', here), { workerData })
  // From the sources: a worker does not inherit the tsx loader of vitest or of `tsx script.ts`,
  // so a one-line bootstrap loads worker.ts through tsx's API (tsx resolved from the working directory).
  const worker = new URL('./worker.ts', here).href
  const bootstrap = `import('tsx/esm/api').then(({ tsImport }) => tsImport(${JSON.stringify(worker)}, ${JSON.stringify(worker)}))`
  return new Worker(bootstrap, { eval: true, workerData })
}

/** The error a worker reported, as a `RelatedArticlesError` when it was one. @internal */
export function fromWorkerError(error: WorkerError): Error {
  if (error.code === undefined) return new Error(error.message)
  const { code, message, ...details } = error
  return new RelatedArticlesError(code, message, details)
}

/**
 * Starts `count` worker threads with `workerData` and waits until each has loaded its index;
 * if one fails, the others are ended and its error is thrown. @internal
 */
export async function startThreads(workerData: WorkerStart, count: number): Promise<{ threads: PoolThread[]; size: number }> {
  const started = Array.from({ length: count }, () => {
    const worker = startWorker(workerData)
    return new Promise<{ worker: Worker; size: number }>((resolve, reject) => {
      const onExit = (code: number): void => reject(new Error(`related-articles worker thread exited with code ${code} while loading`))
      worker.once('error', reject)
      worker.once('exit', onExit)
      worker.once('message', (reply: WorkerReply) => {
        worker.off('error', reject)
        worker.off('exit', onExit)
        if (reply.type === 'ready') resolve({ worker, size: reply.size })
        else reject(reply.type === 'failed' ? fromWorkerError(reply.error) : new Error('related-articles worker: unexpected first message'))
      })
    })
  })
  const results = await Promise.allSettled(started)
  const failed = results.find((r) => r.status === 'rejected')
  const workers = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []))
  if (failed !== undefined) {
    await Promise.all(workers.map((w) => w.worker.terminate()))
    throw (failed as PromiseRejectedResult).reason
  }
  const threads = workers.map((w) => new PoolThread(w.worker))
  for (const thread of threads) thread.worker.unref()
  return { threads, size: workers[0]?.size ?? 0 }
}

interface Pending {
  resolve: (reply: WorkerReply) => void
  reject: (error: Error) => void
}

/** One thread and the requests it has not answered yet. @internal */
export class PoolThread {
  readonly pending = new Map<number, Pending>()
  private failure: Error | undefined

  constructor(readonly worker: Worker) {
    worker.on('message', (reply: WorkerReply) => {
      if (!('seq' in reply)) return
      const waiting = this.pending.get(reply.seq)
      if (waiting === undefined) return
      this.pending.delete(reply.seq)
      if (this.pending.size === 0) worker.unref()
      if (reply.type === 'error') waiting.reject(fromWorkerError(reply.error))
      else {
        // Structured clones arrive as new objects: results share the inactive signal again, so
        // a pool's lists are the same values, and the same size, as the index's.
        if (reply.type === 'result') shareInactiveSignals(reply.results)
        else if (reply.type === 'batch') for (const list of reply.lists) shareInactiveSignals(list)
        waiting.resolve(reply)
      }
    })
    worker.on('error', (error) => this.fail(error))
    worker.on('exit', (code) => this.fail(new Error(`related-articles worker thread exited with code ${code}`)))
  }

  send(request: WorkerRequest): Promise<WorkerReply> {
    if (this.failure !== undefined) return Promise.reject(this.failure)
    return new Promise((resolve, reject) => {
      this.pending.set(request.seq, { resolve, reject })
      this.worker.ref()
      this.worker.postMessage(request)
    })
  }

  private fail(error: Error): void {
    this.failure ??= error
    for (const waiting of this.pending.values()) waiting.reject(error)
    this.pending.clear()
  }
}

/**
 * Worker threads answering queries on one snapshot. Create it with {@link createRelatedPool} or
 * {@link RelatedPool.fromIndex}; {@link RelatedPool.close} ends the threads (an idle pool does
 * not keep the process alive).
 *
 * Results equal those of the index the snapshot was written from, field for field (a loaded
 * snapshot gives bit-identical scores), and batch results come in the order of the ids.
 *
 * @example
 * ```ts
 * const pool = await RelatedPool.fromIndex(index, { threads: 2 })
 * app.get('/related/:id', async (req, res) => res.json(await pool.related(req.params.id, { k: 5 })))
 * ```
 */
export class RelatedPool {
  private seq = 0
  private closed = false

  private constructor(
    private readonly threads: PoolThread[],
    /** Number of articles in the snapshot. */
    readonly size: number,
  ) {}

  /**
   * Starts a pool on the snapshot of `index` (its `serialize()` bytes); the index itself stays
   * usable and independent of the pool.
   * @example
   * ```ts
   * const pool = await RelatedPool.fromIndex(index)
   * const lists = await pool.relatedAll({ k: 5 })
   * await pool.close()
   * ```
   */
  static fromIndex(index: RelatedIndex, options: RelatedPoolOptions = {}): Promise<RelatedPool> {
    return createRelatedPool(index.serialize(), options)
  }

  /** @internal */
  static async start(snapshot: Uint8Array, options: RelatedPoolOptions): Promise<RelatedPool> {
    const threadCount = resolveThreads(options)
    if (!(snapshot instanceof Uint8Array)) throw invalid('INVALID_OPTION', 'snapshot', 'the Uint8Array of index.serialize()', snapshot)
    // Copied once into shared memory: every thread reads the same bytes, none gets its own copy.
    const shared = new Uint8Array(new SharedArrayBuffer(snapshot.byteLength))
    shared.set(snapshot)
    const { threads, size } = await startThreads({ snapshot: shared }, threadCount)
    return new RelatedPool(threads, size)
  }

  /** Number of worker threads. */
  get threadCount(): number {
    return this.threads.length
  }

  /**
   * `index.related(id, options)`, answered on a worker thread.
   * @example
   * ```ts
   * const results = await pool.related('r10100', { k: 5 })
   * ```
   * @throws RelatedArticlesError (as a rejection) as `related` does; `INVALID_OPTION` for a `filter`; `INVALID_STATE` after `close`.
   */
  async related(id: string, options: RelatedOptions = {}): Promise<RelatedResult[]> {
    const reply = await this.send((seq) => ({ seq, op: 'related', id, options: sendable(options) }))
    return (reply as Extract<WorkerReply, { type: 'result' }>).results
  }

  /**
   * `index.relatedTo(draft, options)`, answered on a worker thread: the draft's analysis too, so
   * a long draft does not block the caller's event loop.
   * @example
   * ```ts
   * const suggestions = await pool.relatedTo({ title, body, publishedAt: new Date() }, { k: 3, pastOnly: true })
   * ```
   * @throws RelatedArticlesError (as a rejection) as `relatedTo` does; `INVALID_OPTION` for a `filter`; `INVALID_STATE` after `close`.
   */
  async relatedTo(draft: Draft, options: RelatedOptions = {}): Promise<RelatedResult[]> {
    const reply = await this.send((seq) => ({ seq, op: 'relatedTo', draft, options: sendable(options) }))
    return (reply as Extract<WorkerReply, { type: 'result' }>).results
  }

  /**
   * The related list of every article (or of `options.ids`, in that order), computed on every
   * thread in chunks and yielded in order, at most two chunks per thread ahead of the consumer.
   * Ids are checked before the first list: an unknown one rejects with `NOT_FOUND`.
   * @example
   * ```ts
   * for await (const [id, results] of pool.iterateRelated({ k: 5 })) out.write(`${JSON.stringify({ id, related: results })}\n`)
   * ```
   */
  async *iterateRelated(options: PoolBatchOptions = {}): AsyncGenerator<RelatedEntry, void, undefined> {
    const { chunkSize = DEFAULT_CHUNK_SIZE, ...rest } = checkObject(options) as PoolBatchOptions
    if (!Number.isInteger(chunkSize) || chunkSize < 1 || chunkSize > MAX_CHUNK_SIZE) {
      throw invalid('INVALID_OPTION', 'chunkSize', `an integer from 1 to ${MAX_CHUNK_SIZE}`, chunkSize)
    }
    const { ids: given, onProgress, primeAffectedBy, query } = splitBatchOptions(rest)
    // The threads hold copies of the index: their lists cannot fill the caller's index's memory.
    if (primeAffectedBy) throw invalid('INVALID_OPTION', 'primeAffectedBy', "false on a RelatedPool (its threads hold copies of the index; use the index's own iterateRelated)", primeAffectedBy)
    const options_ = sendable(query)
    const stored = ((await this.send((seq) => ({ seq, op: 'ids' }))) as Extract<WorkerReply, { type: 'ids' }>).ids
    let ids: string[]
    if (given === undefined) ids = stored.sort(compareCodeUnits)
    else {
      const known = new Set(stored)
      const missing = given.find((id) => !known.has(id))
      if (missing !== undefined) {
        throw new RelatedArticlesError('NOT_FOUND', `No article with id ${JSON.stringify(missing)} is stored`, { field: 'ids', id: missing })
      }
      ids = given
    }
    const chunks: string[][] = []
    for (let i = 0; i < ids.length; i += chunkSize) chunks.push(ids.slice(i, i + chunkSize))
    const inFlight: Array<{ chunk: string[]; reply: Promise<WorkerReply> }> = []
    let next = 0
    const window = this.threads.length * 2
    const launch = (): void => {
      while (next < chunks.length && inFlight.length < window) {
        const chunk = chunks[next++] as string[]
        const reply = this.send((seq) => ({ seq, op: 'batch', ids: chunk, options: options_ }))
        reply.catch(() => undefined) // Awaited in order below; this only marks it handled meanwhile.
        inFlight.push({ chunk, reply })
      }
    }
    let done = 0
    launch()
    while (inFlight.length > 0) {
      const { chunk, reply } = inFlight.shift() as { chunk: string[]; reply: Promise<WorkerReply> }
      const { lists } = (await reply) as Extract<WorkerReply, { type: 'batch' }>
      launch()
      for (let i = 0; i < chunk.length; i++) {
        done++
        onProgress?.({ done, total: ids.length })
        yield [chunk[i] as string, lists[i] as RelatedResult[]]
      }
    }
  }

  /**
   * Every related list as one map (see {@link iterateRelated}, which holds one chunk at a time).
   * @example
   * ```ts
   * const lists = await pool.relatedAll({ k: 5 })
   * ```
   */
  async relatedAll(options: PoolBatchOptions = {}): Promise<Map<string, RelatedResult[]>> {
    const lists = new Map<string, RelatedResult[]>()
    for await (const [id, results] of this.iterateRelated(options)) lists.set(id, results)
    return lists
  }

  /**
   * Ends every thread; pending calls reject. Later calls reject with `INVALID_STATE`.
   * @example
   * ```ts
   * process.on('SIGTERM', () => void pool.close())
   * ```
   */
  async close(): Promise<void> {
    this.closed = true
    await Promise.all(this.threads.map((t) => t.worker.terminate()))
  }

  /** Sends to the thread with the fewest unanswered requests (the first such, so the choice is stable). */
  private send(request: (seq: number) => WorkerRequest): Promise<WorkerReply> {
    if (this.closed) return Promise.reject(new RelatedArticlesError('INVALID_STATE', 'the pool is closed; create a new one'))
    let best = this.threads[0] as PoolThread
    for (const thread of this.threads) if (thread.pending.size < best.pending.size) best = thread
    return best.send(request(++this.seq))
  }
}

/**
 * Starts worker threads that each load `snapshot` (the bytes of `index.serialize()` or of a
 * snapshot file) and answer queries. Resolves when every thread has loaded it.
 *
 * @example
 * ```ts
 * import { readFileSync } from 'node:fs'
 * import { createRelatedPool } from 'related-articles'
 *
 * const pool = await createRelatedPool(readFileSync('archive.snapshot'), { threads: 2 })
 * console.log(await pool.relatedTo({ title: 'Coffee quota talks resume', body: '…' }, { k: 3 }))
 * await pool.close()
 * ```
 * @throws RelatedArticlesError (as a rejection) `INVALID_OPTION` for a bad `threads`, the
 *   `SNAPSHOT_*` errors of `deserialize` for bad bytes.
 */
export function createRelatedPool(snapshot: Uint8Array, options: RelatedPoolOptions = {}): Promise<RelatedPool> {
  return RelatedPool.start(snapshot, options)
}

function checkObject(options: unknown): object {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) throw invalid('INVALID_OPTION', 'options', 'an options object', options)
  return options
}

function resolveThreads(options: unknown): number {
  const { threads, ...rest } = checkObject(options) as RelatedPoolOptions
  const unknown = Object.keys(rest)[0]
  if (unknown !== undefined) throw invalid('INVALID_OPTION', unknown, 'no option but threads', (rest as Record<string, unknown>)[unknown])
  if (threads === undefined) return defaultThreads()
  if (!Number.isInteger(threads) || threads < 1 || threads > MAX_THREADS) throw invalid('INVALID_OPTION', 'threads', `an integer from 1 to ${MAX_THREADS}`, threads)
  return threads
}

/** Query options that can cross to a thread: a `filter` function cannot. */
function sendable(options: unknown): RelatedOptions {
  const checked = checkObject(options) as RelatedOptions
  if (checked.filter !== undefined) {
    throw invalid('INVALID_OPTION', 'filter', 'no filter (a function cannot be sent to a worker thread; use exclude, sections or the date options)', checked.filter)
  }
  return checked
}

function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}
