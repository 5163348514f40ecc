/**
 * Snapshot benchmark: how long building an index takes (analysis included) against loading the
 * same index from a snapshot, the snapshot's size, and the batch throughput of `relatedAll`.
 *
 *   npx tsx benchmarks/snapshot.ts [--datasets reuters-sample,reuters21578-all] [--batch]
 *
 * `reuters-sample` is the bundled `examples/data/reuters-sample.jsonl`; other names are shared
 * datasets (skipped with a message when absent). `--batch` also times `iterateRelated` over every
 * article (minutes on the 19,043-article set). Writes `benchmarks/results/snapshot.json`.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { cpus, platform } from 'node:os'
import { resolve } from 'node:path'
import { performance } from 'node:perf_hooks'
import { RelatedIndex } from '../src/ranking/related-index.js'
import { loadDataset, type RankerArticle } from './lib/datasets.js'
import { projectRoot } from './lib/paths.js'

const LOADS = 7
const SAMPLE = 'reuters-sample'
const RESULTS = resolve(projectRoot, 'benchmarks', 'results', 'snapshot.json')

interface SnapshotResult {
  articles: number
  buildMs: number
  serializeMs: number
  snapshotBytes: number
  loadMsMedian: number
  loadSpeedup: number
  firstQueryAfterLoadMs: number
  batch?: { lists: number; totalMs: number; listsPerSecond: number }
  measuredAt: string
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)] as number
}

async function articlesOf(name: string): Promise<RankerArticle[] | undefined> {
  if (name === SAMPLE) {
    const text = readFileSync(resolve(projectRoot, 'examples', 'data', 'reuters-sample.jsonl'), 'utf8')
    return text.split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as RankerArticle)
  }
  const loaded = await loadDataset(name)
  if (loaded.dataset === undefined) {
    console.log(`${name}: skipped (${loaded.message})`)
    return undefined
  }
  return loaded.dataset.articles
}

function measure(articles: RankerArticle[], batch: boolean): SnapshotResult {
  let t = performance.now()
  const index = new RelatedIndex()
  index.addAll(articles)
  const buildMs = performance.now() - t
  t = performance.now()
  const bytes = index.serialize()
  const serializeMs = performance.now() - t
  const loads: number[] = []
  let loaded = index
  for (let i = 0; i < LOADS; i++) {
    t = performance.now()
    loaded = RelatedIndex.deserialize(bytes)
    loads.push(performance.now() - t)
  }
  t = performance.now()
  loaded.related(articles[0]?.id as string)
  const firstQueryAfterLoadMs = performance.now() - t
  const loadMsMedian = median(loads)
  const result: SnapshotResult = {
    articles: articles.length,
    buildMs: Math.round(buildMs),
    serializeMs: Math.round(serializeMs),
    snapshotBytes: bytes.length,
    loadMsMedian: Math.round(loadMsMedian * 10) / 10,
    loadSpeedup: Math.round((buildMs / loadMsMedian) * 10) / 10,
    firstQueryAfterLoadMs: Math.round(firstQueryAfterLoadMs),
    measuredAt: new Date().toISOString(),
  }
  if (batch) {
    t = performance.now()
    let lists = 0
    for (const _entry of loaded.iterateRelated({ k: 10 })) lists++
    const totalMs = performance.now() - t
    result.batch = { lists, totalMs: Math.round(totalMs), listsPerSecond: Math.round(lists / (totalMs / 1000)) }
  }
  return result
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2)
  const at = argv.indexOf('--datasets')
  const names = at === -1 ? [SAMPLE, 'reuters21578-all'] : (argv[at + 1] ?? '').split(',').filter(Boolean)
  const batch = argv.includes('--batch')
  const environment = { node: process.version, cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length, platform: platform() }
  console.log(`Node ${environment.node}, ${environment.cpu} × ${environment.cores}`)
  const previous = existsSync(RESULTS) ? (JSON.parse(readFileSync(RESULTS, 'utf8')) as { datasets?: Record<string, SnapshotResult> }) : {}
  const datasets: Record<string, SnapshotResult> = { ...previous.datasets }
  for (const name of names) {
    const articles = await articlesOf(name)
    if (articles === undefined) continue
    const r = measure(articles, batch)
    datasets[name] = r
    console.log(
      `${name}: ${r.articles} articles | build ${r.buildMs} ms | snapshot ${(r.snapshotBytes / 1e6).toFixed(1)} MB, ` +
        `written in ${r.serializeMs} ms | load ${r.loadMsMedian} ms (median of ${LOADS}), ${r.loadSpeedup}× faster than building` +
        (r.batch ? ` | relatedAll ${r.batch.lists} lists in ${(r.batch.totalMs / 1000).toFixed(1)} s (${r.batch.listsPerSecond}/s)` : ''),
    )
  }
  mkdirSync(resolve(RESULTS, '..'), { recursive: true })
  writeFileSync(RESULTS, `${JSON.stringify({ description: 'Index build vs snapshot load (benchmarks/snapshot.ts)', environment, datasets }, null, 2)}\n`)
}

await main()
