/**
 * Quality benchmark: every registered ranker on every labelled dataset, same run, same metrics.
 *
 *   npx tsx benchmarks/quality.ts [--datasets allsides-stories-2021,reuters21578-modapte] [--only name,name]
 *
 * Prints corpus facts, then one table per dataset, and writes `benchmarks/results/quality.json`
 * (merged with earlier results, so `--only` refreshes just those rows) and
 * `benchmarks/results/quality.svg` (nDCG@10 and MAP per ranker per dataset).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { cpus, platform } from 'node:os'
import { resolve } from 'node:path'
import { performance } from 'node:perf_hooks'
import { evaluateRun, exposure, type Ranking, type RunEvaluation } from '../src/evaluation/index.js'
import { LABELLED_DATASETS, loadDataset, type Dataset } from './lib/datasets.js'
import { projectRoot } from './lib/paths.js'
import { rankers, type Ranker } from './lib/rankers.js'
import { renderQualitySvg } from './lib/svg.js'

/** Ranking depth per query: MAP is computed over these documents. */
const DEPTH = 100
const CUTOFFS = [5, 10] as const
/** Grade 2 = same story (AllSides) or same topic set (Reuters): the binary relevance level. */
const RELEVANCE_THRESHOLD = 2
/** Cutoff for the exposure columns. */
const EXPOSURE_K = 10
const DEFAULT_DATASETS = [...LABELLED_DATASETS]
const RESULTS_DIR = resolve(projectRoot, 'benchmarks', 'results')

/** One table row, as stored in quality.json. */
interface RankerResult {
  ndcg5: number
  ndcg10: number
  map: number
  p5: number
  r10: number
  mrr: number
  /** Binary means over queries that have at least one relevant document (for comparison with sources that drop the others). */
  answerableOnly: { queries: number; map: number; p5: number; r10: number; mrr: number }
  neverRecommendedShare10: number
  maxExposure10: { id: string; count: number } | null
  buildSeconds: number
  queryMsMedian: number
  queries: number
  measuredAt: string
}

interface DatasetFacts {
  articles: number
  queries: number
  meanRelevantPerQuery: number
  meanGradedPerQuery: number
  queriesWithoutRelevant: number
}

interface QualityResults {
  description: string
  environment: { node: string; cpu: string; cores: number; platform: string }
  settings: { depth: number; cutoffs: readonly number[]; relevanceThreshold: number; exposureK: number; queriesWithoutRelevant: string }
  datasets: Record<string, { facts: DatasetFacts; rankers: Record<string, RankerResult> }>
}

function parseArgs(argv: string[]): { datasets: string[]; only: Set<string> | undefined } {
  let datasets = DEFAULT_DATASETS
  let only: Set<string> | undefined
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string
    const [flag, inline] = arg.includes('=') ? (arg.split(/=(.*)/s, 2) as [string, string]) : [arg, undefined]
    const value = (): string[] => {
      const text = inline ?? argv[++i]
      if (text === undefined || text === '') usage(`${flag} needs a comma-separated list`)
      return text.split(',').map((s) => s.trim()).filter((s) => s !== '')
    }
    if (flag === '--datasets') datasets = value()
    else if (flag === '--only') only = new Set(value())
    else if (flag === '--help' || flag === '-h') usage()
    else usage(`unknown argument ${arg}`)
  }
  return { datasets, only }
}

function usage(problem?: string): never {
  if (problem !== undefined) console.error(`quality: ${problem}`)
  console.error('usage: npx tsx benchmarks/quality.ts [--datasets name,name] [--only ranker,ranker]')
  process.exit(problem === undefined ? 0 : 2)
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length === 0 ? 0 : sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2
}

function corpusFacts(dataset: Dataset): DatasetFacts {
  let relevant = 0
  let graded = 0
  let withoutRelevant = 0
  for (const q of dataset.queries) {
    const grades = [...(dataset.qrels.get(q)?.values() ?? [])]
    const r = grades.filter((g) => g >= RELEVANCE_THRESHOLD).length
    relevant += r
    graded += grades.filter((g) => g > 0).length
    if (r === 0) withoutRelevant++
  }
  const n = Math.max(1, dataset.queries.length)
  return {
    articles: dataset.articles.length,
    queries: dataset.queries.length,
    meanRelevantPerQuery: relevant / n,
    meanGradedPerQuery: graded / n,
    queriesWithoutRelevant: withoutRelevant,
  }
}

async function measure(ranker: Ranker, dataset: Dataset): Promise<RankerResult> {
  const buildStart = performance.now()
  await ranker.build(dataset.articles)
  const buildSeconds = (performance.now() - buildStart) / 1000
  const run = new Map<string, Ranking>()
  const latencies: number[] = []
  for (const q of dataset.queries) {
    const start = performance.now()
    const ids = ranker.query(q, DEPTH)
    latencies.push(performance.now() - start)
    if (ids.includes(q)) throw new Error(`${ranker.name} returned the query article ${q} among its results`)
    if (ids.length > DEPTH) throw new Error(`${ranker.name} returned ${ids.length} results for k = ${DEPTH}`)
    run.set(q, ids)
  }
  const options = { cutoffs: [...CUTOFFS], relevanceThreshold: RELEVANCE_THRESHOLD, queries: dataset.queries }
  const all: RunEvaluation = evaluateRun(dataset.qrels, run, options)
  const answerable = evaluateRun(dataset.qrels, run, { ...options, withoutRelevant: 'exclude' })
  const seen = exposure(run, dataset.articles.map((a) => a.id), EXPOSURE_K)
  const { mean } = all
  return {
    ndcg5: mean.ndcg[5] as number,
    ndcg10: mean.ndcg[10] as number,
    map: mean.map,
    p5: mean.precision[5] as number,
    r10: mean.recall[10] as number,
    mrr: mean.mrr,
    answerableOnly: {
      queries: answerable.queryCount,
      map: answerable.mean.map,
      p5: answerable.mean.precision[5] as number,
      r10: answerable.mean.recall[10] as number,
      mrr: answerable.mean.mrr,
    },
    neverRecommendedShare10: seen.neverRecommendedShare,
    maxExposure10: seen.mostRecommended ?? null,
    buildSeconds,
    queryMsMedian: median(latencies),
    queries: all.queryCount,
    measuredAt: new Date().toISOString(),
  }
}

function formatTable(rows: Array<[string, RankerResult]>): string {
  const header = ['ranker', 'nDCG@5', 'nDCG@10', 'MAP', 'P@5', 'R@10', 'MRR', 'never@10', 'max exp@10', 'build s', 'query ms']
  const body = rows.map(([name, r]) => [
    name,
    r.ndcg5.toFixed(3),
    r.ndcg10.toFixed(3),
    r.map.toFixed(3),
    r.p5.toFixed(3),
    r.r10.toFixed(3),
    r.mrr.toFixed(3),
    `${(r.neverRecommendedShare10 * 100).toFixed(1)}%`,
    String(r.maxExposure10?.count ?? 0),
    r.buildSeconds.toFixed(2),
    r.queryMsMedian.toFixed(3),
  ])
  const widths = header.map((h, c) => Math.max(h.length, ...body.map((row) => (row[c] as string).length)))
  const line = (cells: string[]) =>
    `| ${cells.map((cell, c) => (c === 0 ? cell.padEnd(widths[c] as number) : cell.padStart(widths[c] as number))).join(' | ')} |`
  return [line(header), `|${widths.map((w, c) => (c === 0 ? `:${'-'.repeat(w + 1)}` : `${'-'.repeat(w + 1)}:`)).join('|')}|`, ...body.map(line)].join('\n')
}

function readPrevious(path: string): QualityResults | undefined {
  if (!existsSync(path)) return undefined
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as QualityResults
  } catch {
    console.warn(`quality: ignoring unreadable ${path}`)
    return undefined
  }
}

async function main(): Promise<void> {
  const { datasets, only } = parseArgs(process.argv.slice(2))
  const cpu = cpus()
  const environment = { node: process.version, cpu: cpu[0]?.model ?? 'unknown', cores: cpu.length, platform: platform() }
  console.log(`Quality benchmark: Node ${environment.node}, ${environment.cores} × ${environment.cpu}`)
  console.log(
    `Depth ${DEPTH}; relevant = grade >= ${RELEVANCE_THRESHOLD}; queries missing from a run and queries without a relevant document count as 0 (trec_eval -c).\n`,
  )

  const jsonPath = resolve(RESULTS_DIR, 'quality.json')
  const results: QualityResults = {
    description:
      'Related-article quality per dataset and ranker (benchmarks/quality.ts). Metrics as trec_eval: graded nDCG, binary MAP/P/R/MRR at grade >= 2, ' +
      'depth 100; never@10 = share of corpus articles in no top 10; maxExposure10 = the article in most top-10 lists.',
    environment,
    settings: {
      depth: DEPTH,
      cutoffs: CUTOFFS,
      relevanceThreshold: RELEVANCE_THRESHOLD,
      exposureK: EXPOSURE_K,
      queriesWithoutRelevant: 'count-zero (answerableOnly: excluded)',
    },
    datasets: readPrevious(jsonPath)?.datasets ?? {},
  }

  // Factories only construct; building happens in measure(), so this is cheap.
  const registryOrder = new Map(rankers.map((factory, i) => [factory().name, i]))
  let measured = 0
  for (const name of datasets) {
    const loaded = await loadDataset(name)
    if (loaded.dataset === undefined) {
      console.log(`${loaded.message}\n`)
      continue
    }
    const dataset = loaded.dataset
    if (!dataset.labelled) {
      console.log(`dataset ${name} skipped: it has no qrels.tsv (unlabelled)\n`)
      continue
    }
    const facts = corpusFacts(dataset)
    console.log(`## ${name}`)
    console.log(
      `${facts.articles} articles, ${facts.queries} queries, ${facts.meanRelevantPerQuery.toFixed(2)} relevant (grade 2) and ` +
        `${facts.meanGradedPerQuery.toFixed(1)} graded documents per query on average, ${facts.queriesWithoutRelevant} queries without a relevant document`,
    )
    const previous = results.datasets[name]?.rankers ?? {}
    const rows: Array<[string, RankerResult]> = []
    for (const factory of rankers) {
      const ranker = factory()
      if (only !== undefined && !only.has(ranker.name)) continue
      process.stderr.write(`  ${name}: ${ranker.name} ...`)
      const result = await measure(ranker, dataset)
      process.stderr.write(` build ${result.buildSeconds.toFixed(2)} s, median query ${result.queryMsMedian.toFixed(3)} ms\n`)
      rows.push([ranker.name, result])
      measured++
    }
    // Rows measured now replace earlier ones; rows of rankers no longer registered are dropped,
    // and the stored order follows the registry.
    const merged = { ...previous, ...Object.fromEntries(rows) }
    const position = (ranker: string) => registryOrder.get(ranker) as number
    const ordered = Object.entries(merged)
      .filter(([ranker]) => registryOrder.has(ranker))
      .sort(([a], [b]) => position(a) - position(b))
    results.datasets[name] = { facts, rankers: Object.fromEntries(ordered) }
    console.log(`\n${formatTable(rows)}\n`)
  }

  if (measured === 0) {
    console.log('Nothing measured: no dataset present or no ranker matched --only; results left unchanged.')
    return
  }
  mkdirSync(RESULTS_DIR, { recursive: true })
  writeFileSync(jsonPath, `${JSON.stringify(results, null, 2)}\n`)
  writeFileSync(resolve(RESULTS_DIR, 'quality.svg'), renderQualitySvg(results.datasets))
  console.log('Wrote benchmarks/results/quality.json and benchmarks/results/quality.svg')
}

await main()
