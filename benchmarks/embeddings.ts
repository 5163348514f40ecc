/**
 * Embedding benchmark: does a dense `embedding` signal improve the ranking, and what does it cost?
 *
 *   npx tsx benchmarks/embeddings.ts [--datasets allsides-stories-2021,reuters21578-modapte]
 *                                    [--dimensions 64,128,200] [--weights 0,0.25,0.5,1,2]
 *
 * No embedding model can be downloaded here, so the embeddings are built from each corpus itself
 * with the library's `computeLsaEmbeddings` (latent semantic analysis: a randomised truncated SVD
 * of the index's term-count × idf matrix, seeded). For each labelled dataset and each dimension it reports
 * nDCG@10 and MAP (grade 2, depth 100, as benchmarks/quality.ts) with the embedding signal at each
 * weight (0 = off, the default ranking), the SVD's build time, the median query time, and recall:
 * the share of each query's ten nearest articles by embedding alone (scanning every article) that
 * the inverted index offers as candidates at all. A reference row scores every article
 * exhaustively (text cosine and embedding, no inverted index) to show what that recall costs.
 * Writes `benchmarks/results/embeddings.json`.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { cpus, platform } from 'node:os'
import { resolve } from 'node:path'
import { performance } from 'node:perf_hooks'
import { computeLsaEmbeddings, RelatedIndex, RANKING_DEFAULTS, type Article } from '../src/index.js'
import { evaluateRun, type Ranking } from '../src/evaluation/index.js'
import { internalsOf } from '../src/ranking/related-index.js'
import { loadDataset, type Dataset } from './lib/datasets.js'
import { projectRoot } from './lib/paths.js'

const DEPTH = 100
const RELEVANCE_THRESHOLD = 2
const NEIGHBOURS = 10
const DEFAULT_DATASETS = ['allsides-stories-2021', 'reuters21578-modapte']
const DEFAULT_DIMENSIONS = [64, 128, 200]
const DEFAULT_WEIGHTS = [0, 0.25, 0.5, 1, 2]
/** Dimension used for the recall and exhaustive rows (the library's default). */
const REFERENCE_DIMENSIONS = 128

interface WeightResult {
  weight: number
  ndcg10: number
  map: number
  p5: number
  queryMsMedian: number
}

interface DimensionResult {
  dimensions: number
  /** Dimensions actually found (fewer when the corpus has lower rank). */
  found: number
  lsaSeconds: number
  /** Attaching the embeddings with update() (analysis reused). */
  attachSeconds: number
  bytesPerArticle: number
  weights: WeightResult[]
}

interface RecallResult {
  dimensions: number
  /** Mean share of the exhaustive top-10 embedding neighbours that share any term, entity or tag with the query (could be a candidate at all). */
  sharesATerm: number
  /** Mean share within the top 1,000 (MAX_K) results of the default ranking with embedding weight 1: scored and ranked high enough to be listed. */
  scored: number
  /** Mean share that appear in the top 10 of the default ranking with the embedding signal at the default weight. */
  inTop10: number
}

interface ExhaustiveResult {
  dimensions: number
  /** Embedding weight; null for the embedding alone. */
  weight: number | null
  /** Every article scored: (text cosine + weight × max(0, embedding cosine)) / (1 + weight). */
  exhaustive: { ndcg10: number; map: number }
  /** The library's ranking at the same weight without duplicate folding (the exhaustive scoring folds nothing). */
  indexedUnfolded: { ndcg10: number; map: number } | null
}

interface DatasetResult {
  articles: number
  queries: number
  indexBuildSeconds: number
  dimensions: DimensionResult[]
  recall: RecallResult
  exhaustive: ExhaustiveResult[]
}

function parseArgs(argv: string[]): { datasets: string[]; dimensions: number[]; weights: number[] } {
  let datasets = DEFAULT_DATASETS
  let dimensions = DEFAULT_DIMENSIONS
  let weights = DEFAULT_WEIGHTS
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string
    const [flag, inline] = arg.includes('=') ? (arg.split(/=(.*)/s, 2) as [string, string]) : [arg, undefined]
    const list = (): string[] => {
      const text = inline ?? argv[++i]
      if (text === undefined || text === '') usage(`${flag} needs a comma-separated list`)
      return text.split(',').map((s) => s.trim()).filter((s) => s !== '')
    }
    const numbers = (): number[] => {
      const values = list().map(Number)
      if (values.some((v) => !Number.isFinite(v) || v < 0)) usage(`${flag} needs non-negative numbers`)
      return values
    }
    if (flag === '--datasets') datasets = list()
    else if (flag === '--dimensions') dimensions = numbers()
    else if (flag === '--weights') weights = numbers()
    else if (flag === '--help' || flag === '-h') usage()
    else usage(`unknown argument ${arg}`)
  }
  return { datasets, dimensions, weights }
}

function usage(problem?: string): never {
  if (problem !== undefined) console.error(`embeddings: ${problem}`)
  console.error('usage: npx tsx benchmarks/embeddings.ts [--datasets name,name] [--dimensions 64,128] [--weights 0,0.5,1]')
  process.exit(problem === undefined ? 0 : 2)
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length === 0 ? 0 : sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2
}

function evaluate(dataset: Dataset, run: Map<string, Ranking>): { ndcg10: number; map: number; p5: number } {
  const { mean } = evaluateRun(dataset.qrels, run, { cutoffs: [5, 10], relevanceThreshold: RELEVANCE_THRESHOLD, queries: dataset.queries })
  return { ndcg10: mean.ndcg[10] as number, map: mean.map, p5: mean.precision[5] as number }
}

function cosine(a: Float32Array, b: Float32Array, normA: number, normB: number): number {
  let dot = 0
  for (let i = 0; i < a.length; i++) dot += (a[i] as number) * (b[i] as number)
  return dot / (normA * normB)
}

function norm(a: Float32Array): number {
  let s = 0
  for (let i = 0; i < a.length; i++) s += (a[i] as number) * (a[i] as number)
  return Math.sqrt(s)
}

function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}

function runQueries(index: RelatedIndex, dataset: Dataset, weight: number): { run: Map<string, Ranking>; latencies: number[] } {
  const run = new Map<string, Ranking>()
  const latencies: number[] = []
  for (const q of dataset.queries) {
    const start = performance.now()
    const ids = index.related(q, { k: DEPTH, weights: { embedding: weight } }).map((r) => r.id)
    latencies.push(performance.now() - start)
    run.set(q, ids)
  }
  return { run, latencies }
}

/** Recall of the inverted index against the exhaustive embedding neighbours, and an exhaustive reference ranking. */
function recallAndExhaustive(
  index: RelatedIndex,
  dataset: Dataset,
  embeddings: Map<string, Float32Array>,
  weights: number[],
  dimensions: number,
): { recall: RecallResult; exhaustive: ExhaustiveResult[] } {
  const { store } = internalsOf(index)
  const engine = (index as unknown as { engine: { neighbours(slot: number): number[] } }).engine
  const ids = dataset.articles.map((a) => a.id)
  const slots = ids.map((id) => store.slotOf(id) as number)
  const vectors = ids.map((id) => embeddings.get(id))
  const norms = vectors.map((v) => (v === undefined ? 0 : norm(v)))
  const position = new Map(ids.map((id, i) => [id, i]))
  let sharesATerm = 0
  let scored = 0
  let inTop10 = 0
  let counted = 0
  const runs = new Map<number, Map<string, Ranking>>(weights.map((w) => [w, new Map()]))
  let done = 0
  for (const q of dataset.queries) {
    if (++done % 200 === 0) process.stderr.write(`\r    recall and exhaustive reference: ${done}/${dataset.queries.length} queries`)
    const qi = position.get(q) as number
    const qv = vectors[qi]
    const qSlot = slots[qi] as number
    const text = new Float64Array(ids.length)
    const emb = new Float64Array(ids.length)
    for (let j = 0; j < ids.length; j++) {
      if (j === qi) continue
      text[j] = store.text.cosine(qSlot, slots[j] as number)
      const v = vectors[j]
      emb[j] = qv !== undefined && v !== undefined ? Math.max(0, cosine(qv, v, norms[qi] as number, norms[j] as number)) : NaN
    }
    for (const w of weights) {
      const scores = ids.map((id, j) => {
        const e = emb[j] as number
        // Infinity stands for the embedding alone.
        const s = w === Infinity ? (Number.isNaN(e) ? 0 : e) : Number.isNaN(e) ? (text[j] as number) : ((text[j] as number) + w * e) / (1 + w)
        return { id, s }
      })
      const ranked = scores.filter((c, j) => j !== qi && c.s > 0).sort((a, b) => b.s - a.s || compareIds(a.id, b.id))
      ;(runs.get(w) as Map<string, Ranking>).set(q, ranked.slice(0, DEPTH).map((c) => c.id))
    }
    if (qv === undefined) continue
    const nearest = ids
      .map((id, j) => ({ id, j, e: emb[j] as number }))
      .filter((c) => c.j !== qi && !Number.isNaN(c.e))
      .sort((a, b) => b.e - a.e || compareIds(a.id, b.id))
      .slice(0, NEIGHBOURS)
    if (nearest.length === 0) continue
    const overlap = new Set(engine.neighbours(qSlot))
    // Every candidate sharing a term is scored (every query term selects candidates by default);
    // k = MAX_K lists the best 1,000 of them, so on a large archive this counts a neighbour only
    // if it also ranks in the top 1,000.
    const candidates = new Set(index.related(q, { k: 1000, weights: { embedding: 1 } }).map((r) => r.id))
    const top = new Set(index.related(q, { k: NEIGHBOURS }).map((r) => r.id))
    sharesATerm += nearest.filter((c) => overlap.has(slots[c.j] as number)).length / nearest.length
    scored += nearest.filter((c) => candidates.has(c.id)).length / nearest.length
    inTop10 += nearest.filter((c) => top.has(c.id)).length / nearest.length
    counted++
  }
  process.stderr.write('\n')
  const n = Math.max(1, counted)
  return {
    recall: { dimensions, sharesATerm: sharesATerm / n, scored: scored / n, inTop10: inTop10 / n },
    exhaustive: weights.map((w) => {
      const exhaustive = evaluate(dataset, runs.get(w) as Map<string, Ranking>)
      let indexedUnfolded: { ndcg10: number; map: number } | null = null
      if (w !== Infinity) {
        const run = new Map<string, Ranking>()
        for (const q of dataset.queries) run.set(q, index.related(q, { k: DEPTH, foldDuplicates: false, weights: { embedding: w } }).map((r) => r.id))
        const m = evaluate(dataset, run)
        indexedUnfolded = { ndcg10: m.ndcg10, map: m.map }
      }
      return { dimensions, weight: w === Infinity ? null : w, exhaustive: { ndcg10: exhaustive.ndcg10, map: exhaustive.map }, indexedUnfolded }
    }),
  }
}

async function measureDataset(dataset: Dataset, dimensionsList: number[], weights: number[]): Promise<DatasetResult> {
  const buildStart = performance.now()
  const index = new RelatedIndex()
  index.addAll(dataset.articles)
  const indexBuildSeconds = (performance.now() - buildStart) / 1000
  console.log(`index built in ${indexBuildSeconds.toFixed(2)} s`)

  // Warm up the query path once (JIT), so the first measured weight is not penalised.
  runQueries(index, { ...dataset, queries: dataset.queries.slice(0, 50) }, 0)

  const results: DimensionResult[] = []
  let recall: RecallResult | undefined
  let exhaustive: ExhaustiveResult[] = []
  for (const dimensions of dimensionsList) {
    const lsaStart = performance.now()
    const lsa = computeLsaEmbeddings(index, { dimensions })
    const lsaSeconds = (performance.now() - lsaStart) / 1000
    // Drop the previous dimension's embeddings first: one index holds one dimension.
    for (const id of index.ids()) {
      const { embedding: _previous, ...article } = index.get(id) as Article
      if (_previous !== undefined) index.update(article)
    }
    const attachStart = performance.now()
    for (const [id, embedding] of lsa.embeddings) index.update({ ...(index.get(id) as Article), embedding })
    const attachSeconds = (performance.now() - attachStart) / 1000
    console.log(
      `  k = ${dimensions}: LSA ${lsaSeconds.toFixed(2)} s (${lsa.dimensions} dimensions, ${lsa.embeddings.size} of ${dataset.articles.length} articles embedded), attach ${attachSeconds.toFixed(2)} s`,
    )
    const rows: WeightResult[] = []
    for (const weight of weights) {
      const { run, latencies } = runQueries(index, dataset, weight)
      const metrics = evaluate(dataset, run)
      rows.push({ weight, ...metrics, queryMsMedian: median(latencies) })
      console.log(
        `    weight ${String(weight).padEnd(4)} nDCG@10 ${metrics.ndcg10.toFixed(4)}  MAP ${metrics.map.toFixed(4)}  P@5 ${metrics.p5.toFixed(4)}  median query ${median(latencies).toFixed(3)} ms`,
      )
    }
    results.push({ dimensions, found: lsa.dimensions, lsaSeconds, attachSeconds, bytesPerArticle: lsa.dimensions * 4, weights: rows })
    if (dimensions === REFERENCE_DIMENSIONS) {
      const reference = recallAndExhaustive(index, dataset, lsa.embeddings, [0, RANKING_DEFAULTS.weights.embedding, 1, Infinity], dimensions)
      recall = reference.recall
      exhaustive = reference.exhaustive
      console.log(
        `    recall of the exhaustive top-${NEIGHBOURS} embedding neighbours: share a term ${(recall.sharesATerm * 100).toFixed(1)}%, ` +
          `in the top 1000 ${(recall.scored * 100).toFixed(1)}%, in the top ${NEIGHBOURS} ${(recall.inTop10 * 100).toFixed(1)}%`,
      )
      for (const e of exhaustive) {
        const indexed = e.indexedUnfolded === null ? '' : `; inverted index, no folding: nDCG@10 ${e.indexedUnfolded.ndcg10.toFixed(4)}  MAP ${e.indexedUnfolded.map.toFixed(4)}`
        console.log(`    every article scored, ${e.weight === null ? 'embedding alone' : `weight ${e.weight}`}: nDCG@10 ${e.exhaustive.ndcg10.toFixed(4)}  MAP ${e.exhaustive.map.toFixed(4)}${indexed}`)
      }
    }
  }
  return {
    articles: dataset.articles.length,
    queries: dataset.queries.length,
    indexBuildSeconds,
    dimensions: results,
    recall: recall ?? { dimensions: 0, sharesATerm: NaN, scored: NaN, inTop10: NaN },
    exhaustive,
  }
}

async function main(): Promise<void> {
  const { datasets, dimensions, weights } = parseArgs(process.argv.slice(2))
  const cpu = cpus()
  const environment = { node: process.version, cpu: cpu[0]?.model ?? 'unknown', cores: cpu.length, platform: platform() }
  console.log(`Embedding benchmark: Node ${environment.node}, ${environment.cores} × ${environment.cpu}`)
  console.log(`LSA embeddings from each corpus (computeLsaEmbeddings, seed 1, 2 power iterations, oversampling 10); depth ${DEPTH}, grade >= ${RELEVANCE_THRESHOLD}\n`)
  const out: Record<string, DatasetResult> = {}
  for (const name of datasets) {
    const loaded = await loadDataset(name)
    if (loaded.dataset === undefined) {
      console.log(`${loaded.message}\n`)
      continue
    }
    if (!loaded.dataset.labelled) {
      console.log(`dataset ${name} skipped: it has no qrels.tsv (unlabelled)\n`)
      continue
    }
    console.log(`## ${name}: ${loaded.dataset.articles.length} articles, ${loaded.dataset.queries.length} queries`)
    out[name] = await measureDataset(loaded.dataset, dimensions, weights)
    console.log('')
  }
  if (Object.keys(out).length === 0) {
    console.log('Nothing measured: no labelled dataset present; results left unchanged.')
    return
  }
  const dir = resolve(projectRoot, 'benchmarks', 'results')
  mkdirSync(dir, { recursive: true })
  const results = {
    description:
      'Embedding signal with LSA embeddings built from each corpus (benchmarks/embeddings.ts): quality (graded nDCG@10, binary MAP and P@5 at grade >= 2, depth 100) ' +
      'per embedding weight (0 = signal off), SVD build time, median query time, and recall of the inverted index against exhaustive embedding neighbours.',
    environment,
    settings: {
      depth: DEPTH,
      relevanceThreshold: RELEVANCE_THRESHOLD,
      neighbours: NEIGHBOURS,
      lsa: { powerIterations: 2, oversampling: 10, seed: 1 },
      indexOptions: 'defaults',
      measuredAt: new Date().toISOString(),
    },
    datasets: out,
  }
  writeFileSync(resolve(dir, 'embeddings.json'), `${JSON.stringify(results, null, 2)}\n`)
  console.log('Wrote benchmarks/results/embeddings.json')
}

await main()
