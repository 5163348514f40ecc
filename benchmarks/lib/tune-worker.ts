/**
 * Worker thread of `benchmarks/tune.ts`: holds one dataset and scores settings on all of its
 * queries. Started by {@link EvaluationPool} (`tune-pool.ts`), one worker per dataset, so the two
 * datasets are evaluated on two cores at once.
 *
 * Each request is one setting; the answer is nDCG@10 and average precision of every query, in the
 * dataset's query order, so the main thread can average any fold without asking again. Indexes
 * are cached per index-level setting (see `indexKey`), and queued requests that can reuse the
 * index in hand go first, so interleaved requests from concurrent folds do not rebuild it back
 * and forth.
 */
import { parentPort, workerData } from 'node:worker_threads'
import { performance } from 'node:perf_hooks'
import { RelatedIndex } from '../../src/index.js'
import { evaluateRun, type Ranking } from '../../src/evaluation/index.js'
import { loadDataset, type Dataset } from './datasets.js'
import { indexKey, indexOptions, queryOptions } from './tune-space.js'
import type { EvaluateRequest, WorkerData, WorkerMessage } from './tune-pool.js'

/** Indexes kept per worker: the one in use and one more (a Reuters index is ~100 MB). */
const INDEX_CACHE_SIZE = 2
/** nDCG cutoff of the objective. */
const NDCG_CUTOFF = 10
/** Grade 2 = same story / same topic set: the binary relevance level, as in quality.ts. */
const RELEVANCE_THRESHOLD = 2

const port = parentPort
if (port === null) throw new Error('tune-worker.ts must run as a worker thread')
const { dataset: name, depth } = workerData as WorkerData

function send(message: WorkerMessage, transfer: ArrayBuffer[] = []): void {
  ;(port as NonNullable<typeof port>).postMessage(message, transfer)
}

const loaded = await loadDataset(name)
if (loaded.dataset === undefined) {
  send({ type: 'missing', message: loaded.message })
} else {
  serve(loaded.dataset)
}

function serve(dataset: Dataset): void {
  const { queries, qrels, groups, articles } = dataset
  const indexes = new Map<string, RelatedIndex>()
  const queue: EvaluateRequest[] = []
  let scheduled = false

  send({
    type: 'ready',
    info: {
      name,
      articles: articles.length,
      labelled: dataset.labelled,
      hasTime: articles.some((a) => a.publishedAt !== undefined),
      queries,
      // A query without a group is its own group.
      groups: queries.map((q) => groups.get(q) ?? `query:${q}`),
    },
  })

  const indexFor = (request: EvaluateRequest): { index: RelatedIndex; buildSeconds: number } => {
    const key = indexKey(request.setting)
    const cached = indexes.get(key)
    if (cached !== undefined) {
      // Map order is the LRU order: move to the back.
      indexes.delete(key)
      indexes.set(key, cached)
      return { index: cached, buildSeconds: 0 }
    }
    const start = performance.now()
    const index = new RelatedIndex(indexOptions(request.setting))
    index.addAll(articles)
    while (indexes.size >= INDEX_CACHE_SIZE) indexes.delete(indexes.keys().next().value as string)
    indexes.set(key, index)
    return { index, buildSeconds: (performance.now() - start) / 1000 }
  }

  const evaluate = (request: EvaluateRequest): void => {
    const { index, buildSeconds } = indexFor(request)
    const start = performance.now()
    const options = queryOptions(request.setting, depth)
    const run = new Map<string, Ranking>()
    for (const q of queries) run.set(q, index.related(q, options).map((r) => r.id))
    const querySeconds = (performance.now() - start) / 1000
    const evaluation = evaluateRun(qrels, run, { cutoffs: [NDCG_CUTOFF], relevanceThreshold: RELEVANCE_THRESHOLD, queries })
    const ndcg = new Float64Array(queries.length)
    const ap = new Float64Array(queries.length)
    queries.forEach((q, i) => {
      const e = evaluation.perQuery.get(q)
      ndcg[i] = e?.ndcg[NDCG_CUTOFF] ?? 0
      ap[i] = e?.averagePrecision ?? 0
    })
    send({ type: 'result', id: request.id, ndcg, ap, buildSeconds, querySeconds }, [ndcg.buffer, ap.buffer])
  }

  // One request per macrotask, so requests that arrived meanwhile are in the queue when the next
  // one is picked: a request whose index is cached goes before an older one that needs a build.
  const next = (): void => {
    scheduled = false
    if (queue.length === 0) return
    let pick = queue.findIndex((r) => indexes.has(indexKey(r.setting)))
    if (pick < 0) pick = 0
    const [request] = queue.splice(pick, 1)
    try {
      evaluate(request as EvaluateRequest)
    } catch (error) {
      send({ type: 'error', id: (request as EvaluateRequest).id, message: error instanceof Error ? (error.stack ?? error.message) : String(error) })
    }
    schedule()
  }
  const schedule = (): void => {
    if (scheduled || queue.length === 0) return
    scheduled = true
    setImmediate(next)
  }

  ;(port as NonNullable<typeof port>).on('message', (message: EvaluateRequest) => {
    queue.push(message)
    schedule()
  })
}
