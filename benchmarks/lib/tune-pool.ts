/**
 * Main-thread side of the tuning workers: one worker thread per dataset (`tune-worker.ts`), and a
 * cache of per-query scores keyed by the simplified setting, shared by every concurrent
 * coordinate ascent (all queries and each fold), so no setting is evaluated twice.
 */
import { Worker } from 'node:worker_threads'
import { simplify, settingKey, type Setting } from './tune-space.js'

/** What the main thread needs to know about a dataset (its articles stay in the worker). */
export interface DatasetInfo {
  name: string
  articles: number
  labelled: boolean
  /** Whether any article has `publishedAt` (else the time parameters have no effect). */
  hasTime: boolean
  /** Query ids, in the order of every score array. */
  queries: string[]
  /** Cross-validation group of each query (story, topic set), same order. A label: never ranked on. */
  groups: string[]
}

/** Per-query scores of one setting on one dataset, in {@link DatasetInfo.queries} order. */
export interface QueryScores {
  ndcg: Float64Array
  ap: Float64Array
}

/** @internal worker protocol */
export interface WorkerData {
  dataset: string
  depth: number
}
/** @internal worker protocol */
export interface EvaluateRequest {
  id: number
  setting: Setting
}
/** @internal worker protocol */
export type WorkerMessage =
  | { type: 'ready'; info: DatasetInfo }
  | { type: 'missing'; message: string }
  | { type: 'result'; id: number; ndcg: Float64Array; ap: Float64Array; buildSeconds: number; querySeconds: number }
  | { type: 'error'; id: number; message: string }

/** One finished evaluation, for progress lines and the results file. */
export interface EvaluationRecord {
  dataset: string
  setting: Setting
  buildSeconds: number
  querySeconds: number
}

interface Pending {
  resolve: (scores: QueryScores) => void
  reject: (error: Error) => void
  setting: Setting
}

class DatasetWorker {
  private nextId = 0
  private readonly pending = new Map<number, Pending>()

  private constructor(
    readonly info: DatasetInfo,
    private readonly worker: Worker,
    private readonly onDone: (record: EvaluationRecord) => void,
  ) {
    worker.on('message', (message: WorkerMessage) => this.receive(message))
    worker.on('error', (error) => this.failAll(error))
    worker.on('exit', (code) => {
      if (this.pending.size > 0) this.failAll(new Error(`tuning worker for ${info.name} exited with code ${code}`))
    })
  }

  /** Starts a worker for `name`; resolves to `undefined` (with the reason) when the dataset is absent. */
  static start(
    name: string,
    depth: number,
    onDone: (record: EvaluationRecord) => void,
  ): Promise<{ worker: DatasetWorker; message?: undefined } | { worker: undefined; message: string }> {
    const worker = new Worker(bootstrap(new URL('./tune-worker.ts', import.meta.url)), {
      eval: true,
      workerData: { dataset: name, depth } satisfies WorkerData,
    })
    return new Promise((resolve, reject) => {
      const first = (message: WorkerMessage): void => {
        worker.off('message', first)
        worker.off('error', reject)
        if (message.type === 'ready') resolve({ worker: new DatasetWorker(message.info, worker, onDone) })
        else if (message.type === 'missing') void worker.terminate().then(() => resolve({ worker: undefined, message: message.message }))
        else reject(new Error(`tuning worker for ${name}: unexpected first message ${message.type}`))
      }
      worker.on('message', first)
      worker.on('error', reject)
    })
  }

  evaluate(setting: Setting): Promise<QueryScores> {
    const id = this.nextId++
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject, setting })
      this.worker.postMessage({ id, setting } satisfies EvaluateRequest)
    })
  }

  terminate(): Promise<number> {
    return this.worker.terminate()
  }

  private receive(message: WorkerMessage): void {
    if (message.type !== 'result' && message.type !== 'error') return
    const pending = this.pending.get(message.id)
    if (pending === undefined) return
    this.pending.delete(message.id)
    if (message.type === 'error') {
      pending.reject(new Error(`tuning worker for ${this.info.name}: ${message.message}`))
      return
    }
    this.onDone({ dataset: this.info.name, setting: pending.setting, buildSeconds: message.buildSeconds, querySeconds: message.querySeconds })
    pending.resolve({ ndcg: message.ndcg, ap: message.ap })
  }

  private failAll(error: Error): void {
    for (const pending of this.pending.values()) pending.reject(error)
    this.pending.clear()
  }
}

/**
 * Worker threads do not inherit tsx's loader, so the worker is an `eval` stub that registers tsx
 * and then imports the TypeScript module.
 */
function bootstrap(module: URL): string {
  const api = import.meta.resolve('tsx/esm/api')
  return `import(${JSON.stringify(api)}).then(({ tsImport }) => tsImport(${JSON.stringify(module.href)}, ${JSON.stringify(import.meta.url)}))`
}

/** Scores settings on every dataset, one worker per dataset, each setting at most once. */
export class EvaluationPool {
  private readonly cache = new Map<string, Promise<QueryScores>>()

  private constructor(
    private readonly workers: readonly DatasetWorker[],
    /** Finished evaluations, in completion order. */
    readonly records: readonly EvaluationRecord[],
  ) {}

  /**
   * Starts one worker per dataset name. Absent or unlabelled datasets are reported through
   * `onSkip` and left out.
   */
  static async start(
    names: readonly string[],
    depth: number,
    onSkip: (message: string) => void,
    onDone: (record: EvaluationRecord, count: number) => void,
  ): Promise<EvaluationPool> {
    const workers: DatasetWorker[] = []
    const records: EvaluationRecord[] = []
    const done = (record: EvaluationRecord): void => {
      records.push(record)
      onDone(record, records.length)
    }
    const started = await Promise.all(names.map((name) => DatasetWorker.start(name, depth, done)))
    for (const result of started) {
      if (result.worker === undefined) onSkip(result.message)
      else if (!result.worker.info.labelled) {
        onSkip(`dataset ${result.worker.info.name} skipped: it has no qrels.tsv, so nothing can be tuned on it`)
        await result.worker.terminate()
      } else workers.push(result.worker)
    }
    return new EvaluationPool(workers, records)
  }

  /** The datasets being tuned on, in the order given. */
  get datasets(): DatasetInfo[] {
    return this.workers.map((w) => w.info)
  }

  /** Per-query scores of `setting` on dataset number `d` (simplified first, then cached). */
  scores(d: number, setting: Readonly<Setting>): Promise<QueryScores> {
    const worker = this.workers[d] as DatasetWorker
    const effective = simplify(setting, worker.info.hasTime)
    const key = `${worker.info.name}|${settingKey(effective)}`
    let scores = this.cache.get(key)
    if (scores === undefined) {
      scores = worker.evaluate(effective)
      this.cache.set(key, scores)
    }
    return scores
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()))
  }
}
