/**
 * Query pruning benchmark (issue 16): `related` latency of the one-scan query path with the
 * engine's exact pruning (`QueryEngine.pruning`: a text cutoff derived from the running
 * threshold, one multiplication per slot; a pilot that scores the articles sharing the query's
 * rarest terms first; duplicate folding that skips pairs too far apart to be copies) against
 * the code it replaced (per-slot score bound, every pair compared), in one process over the
 * same index and queries, so the ratio holds on a noisy machine. Every query's results are also
 * compared (ids, scores, reasons) between the two: any difference fails the run.
 *
 *   npm run bench:query-pruning                                 # 19,043 Reuters and 100,000 scale
 *   npx tsx benchmarks/query-pruning.ts --sizes 19043 --queries 500
 *
 * Options: --sizes (19043 is the Reuters speed corpus, any other size the scale corpus of
 * benchmarks/lib/scale-corpus.ts; default 19043,100000), --tagged-sizes (the same again with
 * synthetic tags on every article, one of 40 topics and one of 13 desks by position; tagged
 * queries took the general path before; default 19043, 0 for none), --queries N (default 1000), --passes N
 * (timed passes per path, default 3), --cache DIR (keep built indexes there as snapshot files
 * and load them on the next run; default: build every time), --no-write.
 *
 * Each size runs the default query options and again with entities on (`weights.entities`
 * 0.25); tagged runs the defaults only. `scan` in the results is the unpruned code, `pruned` the
 * engine as shipped. The two alternate pass by pass (unpruned, pruned, unpruned, ...), each
 * query's latency is its median over its passes. Writes `benchmarks/results/query-pruning.json`. Exits 0 with a
 * message when the corpus is absent (see benchmarks/lib/paths.ts).
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { RelatedIndex, loadSnapshotFile, saveSnapshotFile } from '../src/index.js'
import { internalsOf } from '../src/ranking/related-index.js'
import type { RelatedOptions } from '../src/ranking/options.js'
import type { RelatedResult } from '../src/ranking/result.js'
import { projectRoot } from './lib/paths.js'
import { loadScaleSources, scaleArticles } from './lib/scale-corpus.js'
import { environment, loadSpeedCorpus, median, percentile, round, samplePositions } from './lib/speed-corpus.js'

const K = 10
const RESULTS_JSON = resolve(projectRoot, 'benchmarks', 'results', 'query-pruning.json')

interface Options {
  sizes: number[]
  /** Sizes measured again with synthetic tags on every article. */
  taggedSizes: number[]
  queries: number
  passes: number
  cache: string | undefined
  write: boolean
}

function parseOptions(argv: readonly string[]): Options {
  const o: Options = { sizes: [19_043, 100_000], taggedSizes: [19_043], queries: 1000, passes: 3, cache: undefined, write: true }
  const int = (flag: string, value: string | undefined): number => {
    const n = Number(value)
    if (!Number.isSafeInteger(n) || n <= 0) throw new Error(`${flag} expects a positive integer, got ${JSON.stringify(value)}`)
    return n
  }
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i] as string
    const value = argv[i + 1]
    switch (flag) {
      case '--sizes': o.sizes = (value ?? '').split(',').map((v) => int(flag, v)); i++; break
      case '--tagged-sizes': o.taggedSizes = value === '0' ? [] : (value ?? '').split(',').map((v) => int(flag, v)); i++; break
      case '--queries': o.queries = int(flag, value); i++; break
      case '--passes': o.passes = int(flag, value); i++; break
      case '--cache': o.cache = value; i++; break
      case '--no-write': o.write = false; break
      default: throw new Error(`unknown argument ${JSON.stringify(flag)}; see the header of benchmarks/query-pruning.ts`)
    }
  }
  return o
}

const REUTERS_SIZE = 19_043

/** The index of one size: loaded from the cache when there, else built (and cached when asked). */
/**
 * Synthetic editor tags for the tagged run (the corpora have none): one of 40 topics and one of
 * 13 desks by position, so a query shares a tag with about one article in ten.
 */
function syntheticTags(position: number): string[] {
  return [`topic-${position % 40}`, `desk-${(position * 7) % 13}`]
}

async function indexOf(size: number, o: Options, tagged = false): Promise<{ index: RelatedIndex; ids: string[]; corpus: string } | string> {
  const corpus = (size === REUTERS_SIZE ? 'reuters21578-all' : 'scale') + (tagged ? '+tags' : '')
  const file = o.cache === undefined ? undefined : resolve(o.cache, `query-pruning-${corpus}-${size}.snapshot`)
  let ids: string[]
  let build: () => Promise<RelatedIndex>
  if (corpus.startsWith('scale')) {
    const loaded = await loadScaleSources()
    if (loaded.sources === undefined) return loaded.message
    const sources = loaded.sources
    ids = Array.from({ length: size }, (_, i) => `s${i}`)
    build = async () => {
      const index = new RelatedIndex()
      const articles = scaleArticles(sources, { count: size })
      await index.addStream(tagged ? (function* () { let i = 0; for (const a of articles) yield { ...a, tags: syntheticTags(i++) } })() : articles)
      return index
    }
  } else {
    const loaded = await loadSpeedCorpus()
    if (loaded.articles === undefined) return loaded.message
    const articles = loaded.articles
    ids = articles.map((a) => a.id)
    build = async () => {
      const index = new RelatedIndex()
      index.addAll(tagged ? articles.map((a, i) => ({ ...a, tags: syntheticTags(i) })) : articles)
      return index
    }
  }
  if (file !== undefined && existsSync(file)) return { index: await loadSnapshotFile(file, { maxSnapshotBytes: 2 ** 32 - 1 }), ids, corpus }
  const start = performance.now()
  const index = await build()
  console.log(`  built ${size} articles in ${((performance.now() - start) / 1000).toFixed(1)} s`)
  if (file !== undefined) {
    mkdirSync(resolve(file, '..'), { recursive: true })
    await saveSnapshotFile(index, file)
  }
  return { index, ids, corpus }
}

interface PathLatency {
  p50Ms: number
  p95Ms: number
  p99Ms: number
  meanMs: number
}

function summary(ms: readonly number[]): PathLatency {
  return {
    p50Ms: round(percentile(ms, 50), 3),
    p95Ms: round(percentile(ms, 95), 3),
    p99Ms: round(percentile(ms, 99), 3),
    meanMs: round(ms.reduce((a, b) => a + b, 0) / ms.length, 3),
  }
}

/** Query options of each run: the defaults, and entities on (every touched article was scored then). */
const VARIANTS: ReadonlyArray<{ name: string; options: RelatedOptions }> = [
  { name: 'defaults', options: { k: K } },
  { name: 'entities 0.25', options: { k: K, weights: { entities: 0.25 } } },
]

async function measure(size: number, o: Options, tagged = false): Promise<Array<Record<string, unknown>> | undefined> {
  const got = await indexOf(size, o, tagged)
  if (typeof got === 'string') {
    console.log(`Skipping ${size}: ${got}`)
    return undefined
  }
  const { index, ids, corpus } = got
  const out: Array<Record<string, unknown>> = []
  for (const variant of tagged ? VARIANTS.slice(0, 1) : VARIANTS) out.push(timeVariant(index, ids, corpus, size, o, variant))
  return out
}

function timeVariant(index: RelatedIndex, ids: readonly string[], corpus: string, size: number, o: Options, variant: { name: string; options: RelatedOptions }): Record<string, unknown> {
  const { engine } = internalsOf(index)
  const queries = samplePositions(0, ids.length, o.queries, 'query-pruning').map((p) => ids[p] as string)
  const run = (pruned: boolean, id: string): RelatedResult[] => {
    engine.pruning = pruned
    try {
      return index.related(id, variant.options)
    } finally {
      engine.pruning = true
    }
  }
  // Equivalence first (and the warm-up of both paths): every query, both paths, identical JSON.
  let differing = 0
  for (const id of queries) {
    if (JSON.stringify(run(false, id)) !== JSON.stringify(run(true, id))) {
      if (differing++ < 5) console.log(`  DIFFERENT results for ${id}`)
    }
  }
  const times = { scan: queries.map(() => [] as number[]), pruned: queries.map(() => [] as number[]) }
  let sink = 0
  for (let pass = 0; pass < o.passes; pass++) {
    for (const path of ['scan', 'pruned'] as const) {
      const list = times[path]
      queries.forEach((id, i) => {
        const start = performance.now()
        sink += run(path === 'pruned', id).length
        ;(list[i] as number[]).push(performance.now() - start)
      })
    }
  }
  if (sink < 0) console.log(sink)
  const scan = times.scan.map((m) => median(m))
  const pruned = times.pruned.map((m) => median(m))
  const ratios = queries.map((_, i) => (scan[i] as number) / (pruned[i] as number))
  const result = {
    size,
    corpus,
    options: variant.name,
    queries: queries.length,
    passes: o.passes,
    differing,
    scan: summary(scan),
    pruned: summary(pruned),
    medianSpeedup: round(median(ratios), 2),
    p50Ratio: round(percentile(scan, 50) / percentile(pruned, 50), 2),
    p95Ratio: round(percentile(scan, 95) / percentile(pruned, 95), 2),
  }
  console.log(`  ${size} (${corpus}, ${variant.name}): scan p50 ${result.scan.p50Ms} / p95 ${result.scan.p95Ms} ms, pruned p50 ${result.pruned.p50Ms} / p95 ${result.pruned.p95Ms} ms, median per-query speed-up ${result.medianSpeedup}x, ${differing} differing`)
  return result
}

async function main(): Promise<void> {
  const o = parseOptions(process.argv.slice(2))
  const load = (await import('node:os')).loadavg()[0] as number
  const results: Array<Record<string, unknown>> = []
  for (const size of o.sizes) {
    const r = await measure(size, o)
    if (r !== undefined) results.push(...r)
  }
  // Tagged queries: with pruning off they take the general path (every touched article scored).
  for (const size of o.taggedSizes) {
    const r = await measure(size, o, true)
    if (r !== undefined) results.push(...r)
  }
  if (results.some((r) => (r.differing as number) > 0)) {
    console.error('Pruned and exhaustive results differ.')
    process.exitCode = 1
  }
  if (o.write && results.length > 0) {
    writeFileSync(
      RESULTS_JSON,
      JSON.stringify({ command: `npx tsx benchmarks/query-pruning.ts ${process.argv.slice(2).filter((a, i, all) => a !== '--cache' && all[i - 1] !== '--cache').join(' ')}`.trim(), loadAtStart: round(load, 2), environment: environment(), results }, null, 2) + '\n',
    )
  }
}

await main()
