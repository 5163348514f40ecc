/**
 * Speed benchmark (issue 8): analysis throughput, index build, memory per article, `related` and
 * `relatedTo` latency, `relatedAll` throughput and snapshot size/load time of related-articles on
 * `reuters21578-all` (19,043 Reuters articles; only id, title, body, publishedAt and source are
 * read), with baselines measured in the same run: bare wink-nlp `readDoc` (the analysis floor), a
 * minimal typed-array exact-cosine index, `natural`'s TfIdf and `wink-bm25-text-search`.
 *
 *   npx tsx benchmarks/speed.ts                                   # 1k, 10k, 19,043 and 100k
 *   npx tsx benchmarks/speed.ts --sizes 1000,10000,19043 --queries 200
 *   npx tsx benchmarks/speed.ts --quick                           # 1k and 10k only
 *
 * Other options: --runs N (build/analysis runs; default 3 up to 10k, 1 above), --natural-queries N
 * (default 20), --natural-sizes (default 19043), --wink-max N (largest size for wink-bm25,
 * default 19043), --batch-max N (largest size for relatedAll and iterateRelated, default 19043;
 * relatedAll over 100k duplicate-heavy articles takes many minutes), --no-stream (skip the extra
 * iterateRelated process), --fresh (do not keep sizes measured by earlier runs in the results file).
 *
 * Sizes above 19,043 repeat the corpus with fresh ids (`${id}#${rep}`): the repeats are exact
 * duplicates, which duplicate folding treats differently from fresh text (a copy of the query or
 * of a higher result is folded away), so 100k latencies are for that duplicate-heavy archive.
 *
 * Every size runs in child processes (ours, baselines, batch = relatedAll, stream = iterateRelated), each started as
 *   node --expose-gc --max-old-space-size=8192 <tsx loader> benchmarks/speed.ts --child <kind> --size N --out FILE
 * so that heap-after-GC figures and peak RSS belong to one engine and one size (8 GB of heap is
 * for the 100k case). Writes `benchmarks/results/speed.json` and `benchmarks/results/SPEED.md`.
 * Exits 0 with a message when the corpus is absent (see benchmarks/lib/paths.ts).
 */
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import winkNLP from 'wink-nlp'
import model from 'wink-eng-lite-web-model'
import { createAnalyzer } from '../src/analysis/index.js'
import { RelatedIndex, type Draft } from '../src/index.js'
import type { RankerArticle } from './lib/datasets.js'
import { projectRoot } from './lib/paths.js'
import { MinimalCosineIndex, NaturalTfidfBaseline, SPEED_QUERY_TERMS, WinkBm25Baseline } from './lib/speed-baselines.js'
import {
  collectGarbage,
  environment,
  liveBytes,
  loadSpeedCorpus,
  median,
  peakRssBytes,
  round,
  samplePositions,
  scaleCorpus,
  SPEED_CORPUS,
  SPEED_SEED,
  textMegabytes,
  timed,
  timeQueries,
} from './lib/speed-corpus.js'
import {
  checkTargets,
  fmt,
  queryTable,
  sizeNotes,
  targetTable,
  throughputTable,
  type BaselinesResult,
  type BatchResult,
  type ListsRun,
  type OursResult,
  type SizeResult,
  type StreamResult,
  type ThroughputFigure,
} from './lib/speed-report.js'
import { TermStatistics } from './lib/text.js'
import { measureAffectedBy } from './lib/speed-affected.js'

const K = 10
const RESULTS_DIR = resolve(projectRoot, 'benchmarks', 'results')
const RESULTS_JSON = resolve(RESULTS_DIR, 'speed.json')
const RESULTS_MD = resolve(RESULTS_DIR, 'SPEED.md')
/** Articles of the untimed warm-up passes (JIT, the shared wink instance). */
const WARMUP_ARTICLES = 300
/** Queries whose top-k ids must be equal between the built and the loaded index. */
const SNAPSHOT_CHECK_QUERIES = 5
/** Articles removed, added back one at a time and passed to affectedBy, per size (half of them after a related() of the new article). */
const AFFECTED_ARTICLES = 20
/** Sample memory every this many articles (build) or lists (relatedAll). */
const SAMPLE_EVERY = 250

type ChildKind = 'ours' | 'baselines' | 'batch' | 'stream'
const CHILD_KINDS: readonly string[] = ['ours', 'baselines', 'batch', 'stream']

interface Options {
  sizes: number[]
  queries: number
  runs: number | undefined
  naturalQueries: number
  naturalSizes: number[]
  winkMax: number
  batchMax: number
  fresh: boolean
  stream: boolean
  child: { kind: ChildKind; size: number; out: string; snapshotFile: string | undefined } | undefined
}

function parseOptions(argv: readonly string[]): Options {
  const o: Options = {
    sizes: [1000, 10000, 19043, 100000],
    queries: 200,
    runs: undefined,
    naturalQueries: 20,
    naturalSizes: [19043],
    winkMax: 19043,
    batchMax: 19043,
    fresh: false,
    stream: true,
    child: undefined,
  }
  let kind: string | undefined
  let size = 0
  let out = ''
  let snapshotFile: string | undefined
  const int = (flag: string, value: string | undefined): number => {
    const n = Number(value)
    if (!Number.isSafeInteger(n) || n <= 0) throw new Error(`${flag} expects a positive integer, got ${JSON.stringify(value)}`)
    return n
  }
  const list = (flag: string, value: string | undefined): number[] => (value ?? '').split(',').map((v) => int(flag, v))
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i] as string
    const value = argv[i + 1]
    switch (flag) {
      case '--sizes': o.sizes = list(flag, value); i++; break
      case '--quick': o.sizes = [1000, 10000]; break
      case '--queries': o.queries = int(flag, value); i++; break
      case '--runs': o.runs = int(flag, value); i++; break
      case '--natural-queries': o.naturalQueries = int(flag, value); i++; break
      case '--natural-sizes': o.naturalSizes = list(flag, value); i++; break
      case '--wink-max': o.winkMax = int(flag, value); i++; break
      case '--batch-max': o.batchMax = int(flag, value); i++; break
      case '--fresh': o.fresh = true; break
      case '--no-stream': o.stream = false; break
      case '--child': kind = value; i++; break
      case '--size': size = int(flag, value); i++; break
      case '--out': out = value ?? ''; i++; break
      case '--snapshot-file': snapshotFile = value; i++; break
      default:
        throw new Error(`unknown argument ${JSON.stringify(flag)}; see the header of benchmarks/speed.ts`)
    }
  }
  if (kind !== undefined) {
    if (!CHILD_KINDS.includes(kind)) throw new Error(`--child must be one of ${CHILD_KINDS.join(', ')}, got ${kind}`)
    o.child = { kind: kind as ChildKind, size, out, snapshotFile }
  }
  return o
}

/** Build and analysis runs at this size: 3 where cheap, 1 for the full corpus and above. */
function runsFor(size: number, o: Options): number {
  return o.runs ?? (size <= 10000 ? 3 : 1)
}

// ---------------------------------------------------------------------------------------------
// The optional parts of the public API, checked at run time (the lead reruns this when they land).

interface OptionalIndexMethods {
  relatedAll?: (options: Record<string, unknown>) => unknown
  iterateRelated?: (options: Record<string, unknown>) => Iterable<unknown>
  serialize?: () => Uint8Array
}
const IndexClass = RelatedIndex as unknown as { deserialize?: (bytes: Uint8Array) => RelatedIndex }

function optional(index: RelatedIndex): OptionalIndexMethods {
  return index as unknown as OptionalIndexMethods
}

// ---------------------------------------------------------------------------------------------
// Child: our library.

function figure(runs: ReadonlyArray<{ seconds: number; cpuSeconds: number }>, articles: number, megabytes: number): ThroughputFigure {
  const m = median(runs.map((r) => r.seconds))
  return {
    runsSeconds: runs.map((r) => round(r.seconds, 3)),
    medianSeconds: round(m, 3),
    cpuRunsSeconds: runs.map((r) => round(r.cpuSeconds, 3)),
    cpuMedianSeconds: round(median(runs.map((r) => r.cpuSeconds)), 3),
    articlesPerSecond: Math.round(articles / m),
    megabytesPerSecond: round(megabytes / m, 3),
  }
}

function toDraft(article: RankerArticle, withId: boolean): Draft {
  const draft: Draft = { title: article.title, body: article.body }
  if (article.publishedAt !== undefined) draft.publishedAt = article.publishedAt
  if (withId) draft.id = article.id
  return draft
}

async function measureOurs(corpus: RankerArticle[], n: number, o: Options, snapshotFile: string | undefined): Promise<OursResult> {
  const articles = scaleCorpus(corpus, n)
  const megabytes = textMegabytes(articles)
  const queryIds = samplePositions(0, n, o.queries, 'related').map((p) => (articles[p] as RankerArticle).id)
  // Drafts come from articles that are not indexed when there are enough of them; at the full
  // corpus and above every article is indexed, so drafts are indexed articles passed with their own
  // id, which relatedTo excludes (their analysis still runs: that is the point of relatedTo).
  const heldOut = corpus.length - n >= o.queries
  const draftPositions = heldOut ? samplePositions(n, corpus.length, o.queries, 'drafts') : samplePositions(0, Math.min(n, corpus.length), o.queries, 'drafts')
  const drafts = draftPositions.map((p) => toDraft(corpus[p] as RankerArticle, !heldOut))

  const floorNlp = winkNLP(model)
  const readDocPass = (list: readonly RankerArticle[]): number => {
    let tokens = 0
    for (const a of list) tokens += floorNlp.readDoc(a.title).tokens().length() + floorNlp.readDoc(a.body).tokens().length()
    return tokens
  }
  const analysisPass = (list: readonly RankerArticle[]): number => {
    const analyzer = createAnalyzer() // fresh, so its word cache warms inside the timing as in a build
    let words = 0
    for (const a of list) words += analyzer.analyze(a).wordCount
    return words
  }
  let peakRssDuringBuild = 0
  const buildPass = (list: readonly RankerArticle[]): RelatedIndex => {
    const index = new RelatedIndex()
    index.addAll(list, {
      onProgress: ({ done }) => {
        if (done % SAMPLE_EVERY === 0) peakRssDuringBuild = Math.max(peakRssDuringBuild, process.memoryUsage.rss())
      },
    })
    peakRssDuringBuild = Math.max(peakRssDuringBuild, process.memoryUsage.rss())
    return index
  }

  // Untimed warm-up; it also creates the library's shared wink instance, which is then part of the base.
  const warm = articles.slice(0, WARMUP_ARTICLES)
  readDocPass(warm)
  analysisPass(warm)
  buildPass(warm).related((warm[0] as RankerArticle).id)
  const base = liveBytes()

  const runs = runsFor(n, o)
  type Run = { seconds: number; cpuSeconds: number }
  const floorRuns: Run[] = []
  const analysisRuns: Run[] = []
  const buildRuns: Run[] = []
  let winkTokens = 0
  let index: RelatedIndex | undefined
  const log = (r: number, what: string, run: Run): void =>
    console.log(`  [${n}] run ${r + 1}/${runs}: ${what} ${fmt.s(run.seconds)} s (CPU ${fmt.s(run.cpuSeconds)} s)`)
  for (let r = 0; r < runs; r++) {
    // Interleaved, so a busy phase of the shared machine hits every pass alike.
    collectGarbage()
    // Only the times are kept: keeping `timed`'s result would keep every run's index alive.
    const floorRun = timed(() => readDocPass(articles))
    winkTokens = floorRun.value
    floorRuns.push({ seconds: floorRun.seconds, cpuSeconds: floorRun.cpuSeconds })
    log(r, 'readDoc', floorRun)
    collectGarbage()
    const analysisRun = timed(() => analysisPass(articles))
    analysisRuns.push({ seconds: analysisRun.seconds, cpuSeconds: analysisRun.cpuSeconds })
    log(r, 'analysis', analysisRun)
    index = undefined
    collectGarbage()
    peakRssDuringBuild = 0
    const buildRun = timed(() => buildPass(articles))
    index = buildRun.value
    buildRuns.push({ seconds: buildRun.seconds, cpuSeconds: buildRun.cpuSeconds })
    log(r, 'build', buildRun)
  }
  if (index === undefined) throw new Error('no build run')
  const built = index
  let t = performance.now()
  built.related(queryIds[0] as string, { k: K })
  const firstQueryAfterBuildMs = performance.now() - t

  const withIndex = liveBytes()
  const readDoc = figure(floorRuns, n, megabytes)
  const build = figure(buildRuns, n, megabytes)

  console.log(`  [${n}] related(id) × ${queryIds.length} (after a warm-up pass)`)
  const related = timeQueries(queryIds, (id) => built.related(id, { k: K }))
  console.log(`  [${n}] relatedTo(draft) × ${drafts.length}`)
  const relatedTo = timeQueries(drafts, (d) => built.relatedTo(d, { k: K }))
  const affectedArticles = queryIds.slice(0, AFFECTED_ARTICLES).map((id) => articles.find((a) => a.id === id) as RankerArticle)
  console.log(`  [${n}] remove, add and affectedBy × ${affectedArticles.length}`)
  const affectedBy = measureAffectedBy(built, affectedArticles, K)

  let snapshot: OursResult['snapshot'] = { available: false }
  const serialize = optional(built).serialize
  const deserialize = IndexClass.deserialize
  if (typeof serialize === 'function' && typeof deserialize === 'function') {
    console.log(`  [${n}] snapshot`)
    t = performance.now()
    const bytes = serialize.call(built)
    const serializeMs = performance.now() - t
    const loadRuns = n <= 19043 ? 3 : 1
    const loadMs: number[] = []
    let loaded: RelatedIndex | undefined
    for (let r = 0; r < loadRuns; r++) {
      loaded = undefined
      collectGarbage()
      t = performance.now()
      loaded = deserialize.call(RelatedIndex, bytes)
      loadMs.push(performance.now() - t)
    }
    const restored = loaded as RelatedIndex
    t = performance.now()
    restored.related(queryIds[0] as string, { k: K })
    const firstQueryAfterLoadMs = performance.now() - t
    const idsOf = (ix: RelatedIndex, id: string): string => ix.related(id, { k: K }).map((x) => x.id).join(',')
    const sameResults = queryIds.slice(0, SNAPSHOT_CHECK_QUERIES).every((id) => idsOf(restored, id) === idsOf(built, id))
    const loadMsMedian = median(loadMs)
    snapshot = {
      available: true,
      bytes: bytes.length,
      bytesPerArticle: Math.round(bytes.length / n),
      serializeMs: round(serializeMs, 1),
      loadMsRuns: loadMs.map((x) => round(x, 1)),
      loadMsMedian: round(loadMsMedian, 1),
      firstQueryAfterLoadMs: round(firstQueryAfterLoadMs, 2),
      buildOverLoad: round((build.medianSeconds * 1000) / loadMsMedian, 2),
      sameResults,
    }
    if (snapshotFile !== undefined) writeFileSync(snapshotFile, bytes)
  }

  return {
    articles: n,
    megabytes: round(megabytes, 3),
    winkTokens,
    runs,
    readDoc,
    analysis: figure(analysisRuns, n, megabytes),
    build: {
      ...build,
      ratioToReadDoc: round(build.medianSeconds / readDoc.medianSeconds, 3),
      cpuRatioToReadDoc: round(build.cpuMedianSeconds / readDoc.cpuMedianSeconds, 3),
      peakRssDuringBuildBytes: peakRssDuringBuild,
      firstQueryAfterBuildMs: round(firstQueryAfterBuildMs, 2),
    },
    memory: {
      baseBytes: base.total,
      withIndexBytes: withIndex.total,
      indexBytes: withIndex.total - base.total,
      bytesPerArticle: Math.round((withIndex.total - base.total) / n),
      heapUsedDeltaBytes: withIndex.heapUsed - base.heapUsed,
      externalDeltaBytes: withIndex.external - base.external,
    },
    processPeakRssBytes: peakRssBytes(),
    related,
    relatedTo: { ...relatedTo, drafts: heldOut ? 'held-out' : 'indexed-with-own-id' },
    affectedBy,
    snapshot,
  }
}

// ---------------------------------------------------------------------------------------------
// Child: baselines.

async function measureBaselines(corpus: RankerArticle[], n: number, o: Options): Promise<BaselinesResult> {
  const articles = scaleCorpus(corpus, n)
  const positions = samplePositions(0, n, o.queries, 'related') // the same sample as related(id)

  let t = performance.now()
  const stats = new TermStatistics(articles)
  const tokeniseSeconds = (performance.now() - t) / 1000
  t = performance.now()
  const minimal = new MinimalCosineIndex(stats)
  const indexSeconds = (performance.now() - t) / 1000
  const queryTerms = new Map(positions.map((p) => [p, stats.topTerms(p, SPEED_QUERY_TERMS)]))
  const distinctTerms = stats.terms.length
  console.log(`  [${n}] minimal index: tokenise ${fmt.s(tokeniseSeconds)} s, index ${fmt.s(indexSeconds)} s; queries`)
  const minimalLatency = timeQueries(positions, (d) => minimal.related(d, K))
  const idOf = (p: number): string => (articles[p] as RankerArticle).id

  let natural: BaselinesResult['natural'] = { skipped: `only at ${o.naturalSizes.map(fmt.int).join(', ')}` }
  if (o.naturalSizes.includes(n)) {
    const base = liveBytes()
    t = performance.now()
    let engine: NaturalTfidfBaseline | undefined = new NaturalTfidfBaseline(articles)
    const buildSeconds = (performance.now() - t) / 1000
    const memoryBytes = liveBytes().total - base.total
    const built = engine
    const sample = positions.slice(0, o.naturalQueries)
    console.log(`  [${n}] natural TfIdf: build ${fmt.s(buildSeconds)} s; ${sample.length} queries`)
    // Warm: natural caches each term's idf (a scan of every document) on first use; the warm-up
    // pass fills that cache for these queries' terms, so the timed passes are its steady state and
    // `warmupP50Ms` its cold cost.
    const latency = timeQueries(sample, (p) => built.related(queryTerms.get(p) as string[], idOf(p), K))
    natural = { buildSeconds: round(buildSeconds, 3), memoryBytes, bytesPerArticle: Math.round(memoryBytes / n), ...latency }
    engine = undefined
  }

  let winkBm25: BaselinesResult['winkBm25'] = { skipped: `only up to ${fmt.int(o.winkMax)}` }
  if (n <= o.winkMax) {
    const base = liveBytes()
    t = performance.now()
    const engine = new WinkBm25Baseline()
    await engine.build(articles)
    const buildSeconds = (performance.now() - t) / 1000
    const memoryBytes = liveBytes().total - base.total
    console.log(`  [${n}] wink-bm25: build ${fmt.s(buildSeconds)} s; ${positions.length} queries`)
    const latency = timeQueries(positions, (p) => engine.related(queryTerms.get(p) as string[], idOf(p), K), positions.slice(0, 20))
    winkBm25 = { buildSeconds: round(buildSeconds, 3), memoryBytes, bytesPerArticle: Math.round(memoryBytes / n), ...latency }
  }

  return {
    distinctTerms,
    minimal: {
      tokeniseSeconds: round(tokeniseSeconds, 3),
      indexSeconds: round(indexSeconds, 3),
      buildSeconds: round(tokeniseSeconds + indexSeconds, 3),
      bytes: minimal.byteLength,
      bytesPerArticle: Math.round(minimal.byteLength / n),
      ...minimalLatency,
    },
    natural,
    winkBm25,
  }
}

// ---------------------------------------------------------------------------------------------
// Child: relatedAll, in its own process so its peak RSS is that of a batch job.

/** The index of a batch process: from the snapshot file when there is one, else built. */
async function batchIndex(n: number, snapshotFile: string | undefined): Promise<{ index: RelatedIndex; source: 'snapshot' | 'build' }> {
  if (snapshotFile !== undefined && existsSync(snapshotFile) && typeof IndexClass.deserialize === 'function') {
    // Loading the snapshot keeps the corpus text out of this process, as in a nightly batch job.
    return { index: IndexClass.deserialize.call(RelatedIndex, new Uint8Array(readFileSync(snapshotFile))), source: 'snapshot' }
  }
  const loaded = await loadSpeedCorpus()
  if (loaded.articles === undefined) throw new Error(loaded.message)
  const index = new RelatedIndex()
  index.addAll(scaleCorpus(loaded.articles, n))
  return { index, source: 'build' }
}

async function measureBatch(n: number, snapshotFile: string | undefined): Promise<BatchResult> {
  const { index, source } = await batchIndex(n, snapshotFile)
  const relatedAll = optional(index).relatedAll
  if (typeof relatedAll !== 'function') return { available: false, reason: 'n/a (not implemented)' }

  const before = liveBytes()
  const rssBefore = process.memoryUsage.rss()
  let peakRss = rssBefore
  let peakLive = before.total
  const onProgress = ({ done }: { done: number }): void => {
    if (done % SAMPLE_EVERY === 0) {
      const m = process.memoryUsage()
      peakRss = Math.max(peakRss, m.rss)
      peakLive = Math.max(peakLive, m.heapUsed + m.external)
    }
  }
  console.log(`  [${n}] relatedAll({k:${K}}) from ${source}`)
  let sampled = true
  const t = performance.now()
  let out: unknown
  try {
    out = relatedAll.call(index, { k: K, onProgress })
  } catch (error) {
    // An implementation without onProgress refuses the option before doing any work.
    if ((error as { code?: unknown }).code !== 'INVALID_OPTION') throw error
    sampled = false
    out = relatedAll.call(index, { k: K })
  }
  let lists = 0
  if (Array.isArray(out)) lists = out.length
  else for (const _entry of out as Iterable<unknown>) lists++ // a lazy iterable does its work here
  const run = listsRun(source, lists, t, rssBefore, peakRss)
  const after = liveBytes()
  return {
    available: true,
    ...run,
    sampled,
    liveBeforeBytes: before.total,
    peakLiveDuringBytes: peakLive,
    resultsBytes: after.total - before.total,
  }
}

/** The figures every batch pass reports, taken right after it ended (`startedAt` from `performance.now()`). */
function listsRun(source: ListsRun['source'], lists: number, startedAt: number, rssBefore: number, peakRss: number): ListsRun {
  const totalSeconds = (performance.now() - startedAt) / 1000
  return {
    source,
    lists,
    totalSeconds: round(totalSeconds, 3),
    listsPerSecond: Math.round(lists / totalSeconds),
    rssBeforeBytes: rssBefore,
    peakRssDuringBytes: peakRss,
    processPeakRssBytes: peakRssBytes(),
  }
}

/** `iterateRelated`, each list dropped as soon as it is counted: the memory of a streaming batch job. */
async function measureStream(n: number, snapshotFile: string | undefined): Promise<StreamResult> {
  const { index, source } = await batchIndex(n, snapshotFile)
  const iterateRelated = optional(index).iterateRelated
  if (typeof iterateRelated !== 'function') return { available: false, reason: 'n/a (not implemented)' }
  collectGarbage()
  const rssBefore = process.memoryUsage.rss()
  let peakRss = rssBefore
  console.log(`  [${n}] iterateRelated({k:${K}}) from ${source}`)
  const t = performance.now()
  let lists = 0
  for (const _entry of iterateRelated.call(index, { k: K })) {
    if (++lists % SAMPLE_EVERY === 0) peakRss = Math.max(peakRss, process.memoryUsage.rss())
  }
  return { available: true, ...listsRun(source, lists, t, rssBefore, peakRss) }
}

async function runChild(child: NonNullable<Options['child']>, o: Options): Promise<void> {
  let result: unknown
  if (child.kind === 'batch') result = await measureBatch(child.size, child.snapshotFile)
  else if (child.kind === 'stream') result = await measureStream(child.size, child.snapshotFile)
  else {
    const loaded = await loadSpeedCorpus()
    if (loaded.articles === undefined) throw new Error(loaded.message)
    result =
      child.kind === 'ours'
        ? await measureOurs(loaded.articles, child.size, o, child.snapshotFile)
        : await measureBaselines(loaded.articles, child.size, o)
  }
  writeFileSync(child.out, JSON.stringify(result))
}

// ---------------------------------------------------------------------------------------------
// Parent.

function spawnChild<T>(kind: string, size: number, argv: readonly string[], workDir: string, extra: string[] = []): T {
  const out = join(workDir, `${kind}-${size}.json`)
  // tsx's loader flags are in execArgv; the child adds GC access and room for 100k articles.
  const args = [...process.execArgv, '--expose-gc', '--max-old-space-size=8192', fileURLToPath(import.meta.url)]
  args.push(...argv, '--child', kind, '--size', String(size), '--out', out, ...extra)
  const run = spawnSync(process.execPath, args, { stdio: 'inherit' })
  if (run.status !== 0) throw new Error(`the ${kind} child for ${size} articles failed (exit ${run.status}, signal ${run.signal})`)
  return JSON.parse(readFileSync(out, 'utf8')) as T
}

/** Bumped when the shape of a size's results changes; earlier results files are then not merged. */
const REPORT_FORMAT = 3

interface SpeedReport {
  benchmark: 'speed'
  format: number
  description: string
  units: string
  environment: Record<string, string | number>
  command: string
  /** Sizes measured by `command`; the others in `sizes` were kept from earlier runs (see their `measuredAt`). */
  measuredInThisRun: string[]
  corpus: { name: string; articles: number; megabytes: number; baselineTokens: number; distinctBaselineTerms: number }
  settings: { k: number; queries: number; seed: number; queryTermsOfLibraryBaselines: number }
  definitions: Record<string, string>
  sizes: Record<string, SizeResult>
  targets: ReturnType<typeof checkTargets>
}

const DEFINITIONS: Record<string, string> = {
  readDoc: 'wink-nlp readDoc (default pipeline, wink-eng-lite-web-model) of each title and each body, bare: the analysis floor',
  analysis: 'createAnalyzer().analyze(article) for every article: our full analysis without indexing',
  build: 'new RelatedIndex() + addAll(articles): validation, analysis and indexing; median of the runs',
  memory:
    'live heap + external (typed-array stores) after a full GC with the index held, minus the same with only the articles array (and the shared wink instance), divided by the article count',
  related: `related(id, {k:${K}}) over a seeded sample of indexed ids, timed per query after one untimed warm-up pass over the same ids`,
  affectedBy: `affectedBy(id, {k:${K}}) after add(article), for ${AFFECTED_ARTICLES} sampled articles all removed first and then added back one at a time (each new to the index of that moment; the index holds the same articles afterwards): half right after the add, half after a related() of the new article (which pays the statistics refresh); the first call of the index, which fills its witness memory, is timed apart; exact: the ids whose own related(id, {k:${K}}) now shows the article`,
  relatedTo: `relatedTo({title, body, publishedAt}, {k:${K}}): held-out articles where the corpus has enough left over; at the full corpus and above, indexed articles passed with their own id (excluded from results)`,
  minimal:
    'MinimalCosineIndex (benchmarks/lib/speed-baselines.ts): baseline tokens (text.ts), sublinear tf × smoothed idf, L2 norm, Int32Array/Float32Array postings, Float64Array accumulator, top-10 by insertion; memory = its typed arrays; build = tokenise + index',
  natural: `natural TfIdf (lib/natural/tfidf/tfidf.js only): addDocument per article, query = tfidfs(top ${SPEED_QUERY_TERMS} terms by count × idf) over every document, best 10; few queries because each scans the corpus; p50/p95 are warm (idf cache filled by the warm-up pass, the conservative comparison), warmupP50Ms is cold (first idf of each term included)`,
  winkBm25: `wink-bm25-text-search as in benchmarks/lib/baselines.ts, query = search(top ${SPEED_QUERY_TERMS} terms, 11) minus the article itself`,
  relatedAll: `relatedAll({k:${K}}) in its own process, index loaded from the snapshot when available (else built); peak memory = that process's peak RSS`,
  stream: `extra, not a target: iterateRelated({k:${K}}) in its own process, each list dropped once counted (a streaming batch job)`,
  latency: 'each query is timed in 3 passes after a warm-up pass; its latency is the median of the 3; p50/p95 are over the queries; warmupP50Ms is the median of the warm-up pass (cold)',
  cpu: 'CPU seconds = user + system time of the process during the pass (GC helper threads included); a check on wall time when other processes share the 2 cores',
  snapshot: 'serialize() bytes; load = RelatedIndex.deserialize(bytes), median of 3 (1 above 19,043); buildOverLoad = build median / load median',
  repeats: 'sizes above 19,043 repeat the corpus with fresh ids `${id}#${rep}`: exact duplicates, which duplicate folding treats differently from fresh text',
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2)
  const o = parseOptions(argv)
  if (o.child !== undefined) {
    await runChild(o.child, o)
    return
  }
  const loaded = await loadSpeedCorpus()
  if (loaded.articles === undefined) {
    console.log(`Skipping the speed benchmark: ${loaded.message}.`)
    return
  }
  const corpus = loaded.articles
  const stats = new TermStatistics(corpus)
  let baselineTokens = 0
  for (const length of stats.docLengths) baselineTokens += length
  const env = environment()
  const corpusFacts = {
    name: SPEED_CORPUS,
    articles: corpus.length,
    megabytes: round(textMegabytes(corpus), 3),
    baselineTokens,
    distinctBaselineTerms: stats.terms.length,
  }
  console.log(
    `Corpus: ${SPEED_CORPUS}, ${fmt.int(corpusFacts.articles)} articles, ${corpusFacts.megabytes.toFixed(2)} MB of title + body text, ` +
      `${fmt.int(baselineTokens)} baseline tokens (title twice), ${fmt.int(corpusFacts.distinctBaselineTerms)} distinct baseline terms`,
  )
  console.log(`Machine: ${env.cpu} × ${env.cores}, ${env.memoryGB} GB, Node ${env.node}, load average ${env.loadAverage1m}`)
  console.log(`Sizes: ${o.sizes.map(fmt.int).join(', ')}; ${o.queries} queries per size; k = ${K}; seed ${SPEED_SEED}`)
  console.log('Units: 1 KB = 1,000 bytes, 1 MB = 10^6 bytes; latencies in ms; medians unless marked p95.')

  const childArgs = ['--queries', String(o.queries), '--natural-queries', String(o.naturalQueries), '--natural-sizes', o.naturalSizes.join(','), '--wink-max', String(o.winkMax)]
  if (o.runs !== undefined) childArgs.push('--runs', String(o.runs))
  const workDir = mkdtempSync(join(tmpdir(), 'related-articles-speed-'))
  const measured: Record<string, SizeResult> = {}
  try {
    for (const size of o.sizes) {
      console.log(`\n=== ${fmt.int(size)} articles ===`)
      let repeats: string | undefined
      if (size > corpus.length) {
        repeats = `the ${fmt.int(corpus.length)}-article corpus repeated to ${fmt.int(size)} with fresh ids \`\${id}#\${rep}\`: ${fmt.int(size - corpus.length)} articles are exact duplicates of others, which duplicate folding treats differently from fresh text`
        console.log(`NOTE: ${repeats}.`)
      }
      const loadBefore = round(loadavg()[0] ?? 0, 2)
      const snapshotFile = join(workDir, `snapshot-${size}.bin`)
      const inBatch = size <= o.batchMax
      const skipped = { available: false as const, reason: `not run above ${fmt.int(o.batchMax)} articles (--batch-max)` }
      const ours = spawnChild<OursResult>('ours', size, childArgs, workDir, inBatch ? ['--snapshot-file', snapshotFile] : [])
      const baselines = spawnChild<BaselinesResult>('baselines', size, childArgs, workDir)
      const batch: BatchResult = inBatch ? spawnChild<BatchResult>('batch', size, childArgs, workDir, ['--snapshot-file', snapshotFile]) : skipped
      const stream: StreamResult =
        inBatch && o.stream ? spawnChild<StreamResult>('stream', size, childArgs, workDir, ['--snapshot-file', snapshotFile]) : o.stream ? skipped : { available: false, reason: 'not run (--no-stream)' }
      rmSync(snapshotFile, { force: true })
      const result: SizeResult = {
        measuredAt: new Date().toISOString(),
        loadAverage: { before: loadBefore, after: round(loadavg()[0] ?? 0, 2) },
        ...(repeats === undefined ? {} : { repeats }),
        ours,
        baselines,
        batch,
        stream,
      }
      measured[String(size)] = result
      printSize(result)
    }
  } finally {
    rmSync(workDir, { recursive: true, force: true })
  }

  const earlier = !o.fresh && existsSync(RESULTS_JSON) ? (JSON.parse(readFileSync(RESULTS_JSON, 'utf8')) as Partial<SpeedReport>) : {}
  const previous: Record<string, SizeResult> = earlier.format === REPORT_FORMAT ? (earlier.sizes ?? {}) : {}
  const kept = Object.keys(previous).filter((s) => !(s in measured))
  if (kept.length > 0) console.log(`\nKept from earlier runs in speed.json (see their measuredAt): ${kept.join(', ')} articles`)
  const sizes = Object.fromEntries(Object.entries({ ...previous, ...measured }).sort((a, b) => Number(a[0]) - Number(b[0])))
  const targets = checkTargets(sizes)
  console.log('\nTargets of issue 8 (ratios measured in the same run):')
  console.log(targetTable(targets))

  const report: SpeedReport = {
    benchmark: 'speed',
    format: REPORT_FORMAT,
    description: 'Speed of related-articles against baselines measured in the same run (benchmarks/speed.ts)',
    units: 'seconds (s), milliseconds (ms), bytes; 1 KB = 1,000 bytes, 1 MB = 10^6 bytes',
    environment: env,
    command: `npx tsx benchmarks/speed.ts ${argv.join(' ')}`.trim(),
    measuredInThisRun: Object.keys(measured),
    corpus: corpusFacts,
    settings: { k: K, queries: o.queries, seed: SPEED_SEED, queryTermsOfLibraryBaselines: SPEED_QUERY_TERMS },
    definitions: DEFINITIONS,
    sizes,
    targets,
  }
  mkdirSync(RESULTS_DIR, { recursive: true })
  writeFileSync(RESULTS_JSON, `${JSON.stringify(report, null, 2)}\n`)
  writeFileSync(RESULTS_MD, markdownReport(report))
  console.log('\nWrote benchmarks/results/speed.json and benchmarks/results/SPEED.md')
}

function printSize(r: SizeResult): void {
  console.log(`\n${fmt.int(r.ours.articles)} articles, ${r.ours.megabytes.toFixed(2)} MB, ${fmt.int(r.baselines.distinctTerms)} distinct baseline terms; median of ${r.ours.runs} run(s)`)
  console.log(throughputTable(r.ours))
  console.log('')
  console.log(queryTable(r))
  for (const line of sizeNotes(r)) console.log(`- ${line}`)
}

function markdownReport(report: SpeedReport): string {
  const e = report.environment
  const lines = [
    '# Speed benchmark',
    '',
    `Generated by \`${report.command}\` on ${e.date} (${e.cpu} × ${e.cores}, ${e.memoryGB} GB, Node ${e.node}). ` +
      `Corpus \`${report.corpus.name}\`: ${fmt.int(report.corpus.articles)} articles, ${report.corpus.megabytes.toFixed(1)} MB of title + body, ` +
      `${fmt.int(report.corpus.distinctBaselineTerms)} distinct baseline terms. k = ${report.settings.k}; latencies are per query, after a warm-up pass. ` +
      'Full figures and definitions: `speed.json`. 1 KB = 1,000 bytes.',
    '',
    ...(Object.keys(report.sizes).length > report.measuredInThisRun.length
      ? [
          `Sizes ${report.measuredInThisRun.map((n) => fmt.int(Number(n))).join(', ')} were measured by this command; the others were kept from earlier runs (each size says when it was measured), and every ratio compares figures of one size, measured in the same run.`,
          '',
        ]
      : []),
    '## Targets (issue 8)',
    '',
    targetTable(report.targets, true),
  ]
  for (const [size, r] of Object.entries(report.sizes)) {
    lines.push('', `## ${fmt.int(Number(size))} articles`, '')
    if (r.repeats !== undefined) lines.push(`Repeated corpus: ${r.repeats}.`, '')
    lines.push(`Measured ${r.measuredAt}; median of ${r.ours.runs} build run(s).`, '', throughputTable(r.ours, true), '', queryTable(r, true), '')
    for (const line of sizeNotes(r)) lines.push(`- ${line}`)
  }
  return `${lines.join('\n')}\n`
}

await main()
