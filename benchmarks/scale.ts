/**
 * Scale benchmark (issue 16): build, memory, query latency, batch rate and snapshots of
 * related-articles at 100,000 and 300,000 articles (1,000,000 on request) of the duplicate-free
 * scaling corpus (`benchmarks/lib/scale-corpus.ts`: sentences of 3-5 nearby Reuters articles,
 * varied names and figures, dates over ten years), each beside a minimal exact-cosine index over
 * the same articles measured in the same run.
 *
 *   npm run bench:scale                                  # 100k and 300k
 *   npx tsx benchmarks/scale.ts --sizes 100000 --queries 1000 --batch 2000
 *   npx tsx benchmarks/scale.ts --sizes 1000000          # needs about 20 minutes and several GB
 *
 * Options: --sizes (default 100000,300000), --queries N (related and relatedTo queries, default
 * 1000), --affected-seconds S (affectedBy runs one query per article sharing a term with the
 * given one, seconds each at 100k: as many as fit in S seconds, at least one; default 60; 0 skips
 * affectedBy, whose first call at a million articles can take longer than the rest of the run),
 * --batch N (ids of the relatedAll rate sample, default 2000), --threads N (the N of "relatedAll
 * on N threads", default 2), --build-threads N (a second build with analysis on N worker
 * threads, default 2; 0 skips it), --ours-build-threads N (analysis threads of the build that the
 * query, batch and snapshot figures are measured on, default 1), --no-minimal, --no-ours (only the
 * other children).
 *
 * Each size runs in child processes (ours, threaded-build, minimal) started with Node's default heap settings:
 *   node --expose-gc <tsx loader> benchmarks/scale.ts --child ours --size N --out FILE
 * so heap figures and peak RSS belong to one engine and one size. Writes
 * `benchmarks/results/scale.json` and `benchmarks/results/SCALE.md`. Exits 0 with a message when
 * the Reuters corpus is absent (see benchmarks/lib/paths.ts).
 */
import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { MAX_SNAPSHOT_FILE_BYTES, RelatedIndex, createRelatedPool, loadSnapshotFile, saveSnapshotFile, type Draft } from '../src/index.js'
import type { RankerArticle } from './lib/datasets.js'
import { projectRoot } from './lib/paths.js'
import { SCALE_SEED, SCALE_SOURCE_CORPUS, loadScaleSources, scaleArticles, type ScaleSource } from './lib/scale-corpus.js'
import { MinimalCosineIndex } from './lib/speed-baselines.js'
import { collectGarbage, environment, liveBytes, medianLatencies, peakRssBytes, percentile, round, samplePositions, timed } from './lib/speed-corpus.js'
import { TermStatistics } from './lib/text.js'

const K = 10
const RESULTS_DIR = resolve(projectRoot, 'benchmarks', 'results')
const RESULTS_JSON = resolve(RESULTS_DIR, 'scale.json')
const RESULTS_MD = resolve(RESULTS_DIR, 'SCALE.md')

interface Options {
  sizes: number[]
  queries: number
  affectedSeconds: number
  batch: number
  threads: number
  minimal: boolean
  /** Threads of the extra build with analysis on worker threads (0: no such build). */
  buildThreads: number
  /** Analysis threads of the build in our main child (1: on the loading thread, as before). */
  oursBuildThreads: number
  /** Skip our one-thread child (when only the threaded build is wanted). */
  ours: boolean
  child: { kind: 'ours' | 'minimal' | 'threaded-build' | 'affected'; size: number; out: string; snapshot: string } | undefined
}

function parseOptions(argv: readonly string[]): Options {
  const o: Options = { sizes: [100_000, 300_000], queries: 1000, affectedSeconds: 60, batch: 2000, threads: 2, minimal: true, buildThreads: 2, oursBuildThreads: 1, ours: true, child: undefined }
  let kind: string | undefined
  let size = 0
  let out = ''
  let snapshot = ''
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
      case '--queries': o.queries = int(flag, value); i++; break
      case '--affected-seconds': o.affectedSeconds = value === '0' ? 0 : int(flag, value); i++; break
      case '--batch': o.batch = int(flag, value); i++; break
      case '--threads': o.threads = int(flag, value); i++; break
      case '--no-minimal': o.minimal = false; break
      case '--no-ours': o.ours = false; break
      case '--build-threads': o.buildThreads = value === '0' ? 0 : int(flag, value); i++; break
      case '--ours-build-threads': o.oursBuildThreads = int(flag, value); i++; break
      case '--child': kind = value; i++; break
      case '--size': size = int(flag, value); i++; break
      case '--out': out = value ?? ''; i++; break
      case '--snapshot': snapshot = value ?? ''; i++; break
      default: throw new Error(`unknown argument ${JSON.stringify(flag)}; see the header of benchmarks/scale.ts`)
    }
  }
  if (kind !== undefined) {
    if (kind !== 'ours' && kind !== 'minimal' && kind !== 'threaded-build' && kind !== 'affected') throw new Error(`--child must be ours, minimal, threaded-build or affected, got ${kind}`)
    o.child = { kind, size, out, snapshot }
  }
  return o
}

/** Latencies in ms: p50, p95, p99 of the per-query medians over the timed passes. */
interface Latency {
  queries: number
  passes: number
  p50Ms: number
  p95Ms: number
  p99Ms: number
  meanMs: number
}

/** One untimed warm-up pass, then `passes` timed passes; each query's latency is its median over the passes. */
function latency<T>(items: readonly T[], run: (item: T) => unknown, passes = 3): Latency {
  const per = medianLatencies(items, run, items, passes).perItem
  return {
    queries: items.length,
    passes,
    p50Ms: round(percentile(per, 50), 3),
    p95Ms: round(percentile(per, 95), 3),
    p99Ms: round(percentile(per, 99), 3),
    meanMs: round(per.reduce((a, b) => a + b, 0) / per.length, 3),
  }
}

function toDraft(article: RankerArticle): Draft {
  const draft: Draft = { title: article.title, body: article.body }
  if (article.publishedAt !== undefined) draft.publishedAt = article.publishedAt
  return draft
}

const mb = (bytes: number): number => round(bytes / 1e6, 1)

/** Load time of a snapshot file, the first query's time after it, and whether the loaded index answers as `check` says; the loaded index is garbage on return. */
async function measureLoad(
  file: string,
  queryIds: readonly string[],
  check: readonly string[],
): Promise<{ loadMs: number; firstQueryAfterLoadMs: number; nextQueriesAfterLoadMs: number; sameResults: boolean }> {
  // The built index is garbage by now: collected here, as a server that starts and loads has no
  // such garbage, instead of inside the load or the first query (a major GC of gigabytes).
  collectGarbage()
  let start = performance.now()
  const loaded = await loadSnapshotFile(file, { maxSnapshotBytes: MAX_SNAPSHOT_FILE_BYTES })
  const loadMs = performance.now() - start
  start = performance.now()
  loaded.related(queryIds[1] as string, { k: K })
  const firstQueryAfterLoadMs = performance.now() - start
  // The next queries, for comparison: a first query that is no slower than these finds ready what it needs.
  const next = queryIds.slice(2, 7).map((id) => {
    const t = performance.now()
    loaded.related(id, { k: K })
    return performance.now() - t
  })
  return { loadMs, firstQueryAfterLoadMs, nextQueriesAfterLoadMs: percentile(next, 50), sameResults: sameTopK(loaded, queryIds, check) }
}

/** Whether `index` gives the ids listed in `expected` (comma-joined) for each query id. */
function sameTopK(index: RelatedIndex, ids: readonly string[], expected: readonly string[]): boolean {
  return ids.every((id, i) => index.related(id, { k: K }).map((r) => r.id).join(',') === expected[i])
}

// ---------------------------------------------------------------------------------------------
// Child: our library.

async function buildAndQuery(sources: readonly ScaleSource[], n: number, o: Options, file: string) {
  const log = (text: string): void => console.log(`  [${n}] ${text}`)
  // Warm-up (JIT, the language model), then the base memory: sources + the shared wink instance.
  const warm = new RelatedIndex()
  await warm.addStream(scaleArticles(sources, { count: 300, first: n + 10_000 }))
  warm.related('s' + String(n + 10_000))
  const base = liveBytes()

  // The corpus alone: what generating the articles costs inside the build's time.
  let textChars = 0
  const generation = timed(() => {
    for (const a of scaleArticles(sources, { count: n })) textChars += a.title.length + a.body.length
  })
  log(`corpus generation ${generation.seconds.toFixed(1)} s (${round(textChars / n, 0)} characters per article)`)

  let peakRssDuringBuild = 0
  const index = new RelatedIndex()
  const cpu = process.cpuUsage()
  let start = performance.now()
  await index.addStream(scaleArticles(sources, { count: n }), {
    threads: o.oursBuildThreads,
    onProgress: ({ done }) => {
      peakRssDuringBuild = Math.max(peakRssDuringBuild, process.memoryUsage.rss())
      if (done % 50_000 === 0) log(`built ${done}`)
    },
  })
  const buildSeconds = (performance.now() - start) / 1000
  const used = process.cpuUsage(cpu)
  log(`build (addStream, generation included) ${buildSeconds.toFixed(1)} s`)

  const queryIds = samplePositions(0, n, o.queries, 'scale-related').map((p) => `s${p}`)
  start = performance.now()
  index.related(queryIds[0] as string, { k: K })
  const firstQueryAfterBuildMs = performance.now() - start

  const withIndex = liveBytes()
  const indexBytes = withIndex.total - base.total

  log(`related × ${queryIds.length}`)
  const related = latency(queryIds, (id) => index.related(id, { k: K }))
  const drafts = [...scaleArticles(sources, { count: o.queries, first: n })].map(toDraft)
  log(`relatedTo × ${drafts.length}`)
  const relatedTo = latency(drafts, (d) => index.relatedTo(d, { k: K }))
  const batchIds = samplePositions(0, n, o.batch, 'scale-batch').map((p) => `s${p}`)
  log(`relatedAll rate over ${batchIds.length} ids, one thread`)
  const batchRun = timed(() => index.relatedAll({ ids: batchIds, k: K }))
  const listsPerSecond = batchIds.length / batchRun.seconds
  const oneThreadLists = batchRun.value

  log('snapshot')
  start = performance.now()
  const bytes = index.serialize()
  const serializeMs = performance.now() - start
  start = performance.now()
  await saveSnapshotFile(index, file)
  const saveMs = performance.now() - start
  const check = queryIds.slice(0, 8).map((id) => index.related(id, { k: K }).map((r) => r.id).join(','))
  const snapshot = { bytes: bytes.length, megabytes: mb(bytes.length), serializeMs: round(serializeMs, 0), saveMs: round(saveMs, 0) }
  const later = { bytes, check, queryIds: queryIds.slice(0, 8), batchIds, oneThreadLists, oneThreadSeconds: batchRun.seconds, buildSeconds }

  return {
    articles: n,
    charactersPerArticle: round(textChars / n, 0),
    generationSeconds: round(generation.seconds, 1),
    build: {
      seconds: round(buildSeconds, 1),
      secondsWithoutGeneration: round(buildSeconds - generation.seconds, 1),
      // CPU of this process (all its threads): on a shared machine, wall time includes waiting for a core.
      cpuSeconds: round((used.user + used.system) / 1e6, 1),
      analysisThreads: o.oursBuildThreads,
      articlesPerSecond: Math.round(n / buildSeconds),
      peakRssDuringBuildMB: mb(peakRssDuringBuild),
      firstQueryAfterBuildMs: round(firstQueryAfterBuildMs, 2),
    },
    memory: {
      indexMB: mb(indexBytes),
      bytesPerArticle: Math.round(indexBytes / n),
      // The stored titles and bodies (one byte per character for Latin-1 strings): what a caller
      // who keeps its own articles would hold anyway.
      bytesPerArticleBeyondText: Math.round((indexBytes - textChars) / n),
      heapUsedMB: mb(withIndex.heapUsed),
      externalMB: mb(withIndex.external),
    },
    related,
    relatedTo,
    relatedAll: {
      sample: batchIds.length,
      threads: 1,
      listsPerSecond: round(listsPerSecond, 1),
      wholeArchiveMinutes: round(n / listsPerSecond / 60, 1),
    },
    snapshot,
    later,
  }
}

/**
 * Our library's figures: {@link buildAndQuery}, whose index is garbage once it returns, then the
 * load of its snapshot file and the worker pool. Only one copy of the index is alive at a time
 * in this thread: two copies of a million-article index do not fit Node's default heap.
 */
async function measureOurs(sources: readonly ScaleSource[], n: number, o: Options): Promise<Record<string, unknown>> {
  const directory = mkdtempSync(join(tmpdir(), 'related-scale-'))
  // The parent's path keeps the file for the affectedBy child; else a temporary one.
  const file = o.child?.snapshot !== undefined && o.child.snapshot !== '' ? o.child.snapshot : join(directory, 'index.snapshot')
  try {
    const { later, snapshot, relatedAll, ...built } = await buildAndQuery(sources, n, o, file)
    const { bytes, check, queryIds, batchIds, oneThreadLists } = later
    const { loadMs, firstQueryAfterLoadMs, nextQueriesAfterLoadMs, sameResults } = await measureLoad(file, queryIds, check)
    console.log(`  [${n}] relatedAll rate over ${batchIds.length} ids, ${o.threads} worker threads`)
    let start = performance.now()
    const pool = await createRelatedPool(bytes, { threads: o.threads })
    const poolStartMs = performance.now() - start
    let threaded: Record<string, unknown>
    try {
      start = performance.now()
      const pooled = await pool.relatedAll({ ids: batchIds, k: K })
      const pooledSeconds = (performance.now() - start) / 1000
      threaded = {
        threads: o.threads,
        poolStartMs: round(poolStartMs, 0),
        listsPerSecond: round(batchIds.length / pooledSeconds, 1),
        overOneThread: round(later.oneThreadSeconds / pooledSeconds, 2),
        wholeArchiveMinutes: round(n / (batchIds.length / pooledSeconds) / 60, 1),
        identicalToOneThread: JSON.stringify([...pooled]) === JSON.stringify([...oneThreadLists]),
      }
    } finally {
      await pool.close()
    }
    return {
      ...built,
      relatedAll: { ...relatedAll, onThreads: threaded },
      snapshot: {
        ...snapshot,
        loadMs: round(loadMs, 0),
        firstQueryAfterLoadMs: round(firstQueryAfterLoadMs, 2),
        nextQueriesAfterLoadMedianMs: round(nextQueriesAfterLoadMs, 2),
        buildOverLoad: round((later.buildSeconds * 1000) / loadMs, 1),
        sameResults,
      },
      processPeakRssMB: mb(peakRssBytes()),
    }
  } finally {
    rmSync(directory, { recursive: true, force: true })
  }
}

// ---------------------------------------------------------------------------------------------
// Child: affectedBy, on the snapshot the ours child saved. A separate process because one call
// cannot be interrupted: the parent kills this child when a call outlasts the budget, and what
// it wrote before (load time, finished calls, when the running call started) is the result.

async function measureAffected(n: number, o: Options, snapshot: string, out: string): Promise<void> {
  const progress: { loadMs: number; callsMs: number[]; runningSince?: number } = { loadMs: 0, callsMs: [] }
  const save = (): void => writeFileSync(out, JSON.stringify(progress))
  let start = performance.now()
  const index = await loadSnapshotFile(snapshot, { maxSnapshotBytes: MAX_SNAPSHOT_FILE_BYTES })
  progress.loadMs = performance.now() - start
  const queryIds = samplePositions(0, n, o.queries, 'scale-related').map((p) => `s${p}`)
  const begin = performance.now()
  for (const id of queryIds) {
    progress.runningSince = Date.now()
    save()
    start = performance.now()
    index.affectedBy(id, { k: K })
    progress.callsMs.push(performance.now() - start)
    delete progress.runningSince
    save()
    if (performance.now() - begin > o.affectedSeconds * 1000) break
  }
  save()
}

/** Runs the affectedBy child with a time limit; the figures of the calls that finished, and how long an unfinished one ran. */
function spawnAffected(size: number, argv: readonly string[], workDir: string, snapshot: string, loadMs: number, budgetSeconds: number): Record<string, unknown> {
  const out = join(workDir, `affected-${size}.json`)
  const args = [...process.execArgv, fileURLToPath(import.meta.url), ...argv, '--child', 'affected', '--size', String(size), '--out', out, '--snapshot', snapshot]
  // Room for the load (3 × the ours child's load, plus start-up), then the budget twice over.
  const timeout = 3 * loadMs + 30_000 + 2 * budgetSeconds * 1000
  const run = spawnSync(process.execPath, args, { stdio: 'inherit', timeout })
  const stoppedAt = Date.now()
  if (!existsSync(out)) return { queries: 0, note: `no result (exit ${run.status}, signal ${run.signal})` }
  const progress = JSON.parse(readFileSync(out, 'utf8')) as { loadMs: number; callsMs: number[]; runningSince?: number }
  const calls = progress.callsMs
  const unfinishedSeconds = progress.runningSince === undefined ? undefined : round((stoppedAt - progress.runningSince) / 1000, 0)
  return {
    queries: calls.length,
    passes: 1,
    ...(calls.length === 0
      ? {}
      : {
          p50Ms: round(percentile(calls, 50), 1),
          p95Ms: round(percentile(calls, 95), 1),
          p99Ms: round(percentile(calls, 99), 1),
          meanMs: round(calls.reduce((a, b) => a + b, 0) / calls.length, 1),
        }),
    ...(unfinishedSeconds === undefined ? {} : { unfinishedCallStoppedAfterSeconds: unfinishedSeconds }),
    budgetSeconds,
  }
}

// ---------------------------------------------------------------------------------------------
// Child: the build with analysis on worker threads (the one-thread build is in `ours`).

async function measureThreadedBuild(sources: readonly ScaleSource[], n: number, o: Options): Promise<Record<string, unknown>> {
  const warm = new RelatedIndex()
  await warm.addStream(scaleArticles(sources, { count: 300, first: n + 10_000 }))
  let peakRss = 0
  const index = new RelatedIndex()
  const cpu = process.cpuUsage()
  const start = performance.now()
  await index.addStream(scaleArticles(sources, { count: n }), {
    threads: o.buildThreads,
    onProgress: () => {
      peakRss = Math.max(peakRss, process.memoryUsage.rss())
    },
  })
  const seconds = (performance.now() - start) / 1000
  const used = process.cpuUsage(cpu)
  console.log(`  [${n}] build on ${o.buildThreads} analysis threads ${seconds.toFixed(1)} s`)
  return {
    articles: n,
    threads: o.buildThreads,
    seconds: round(seconds, 1),
    // This process's CPU, worker threads included (they are threads of this process).
    cpuSeconds: round((used.user + used.system) / 1e6, 1),
    articlesPerSecond: Math.round(n / seconds),
    peakRssDuringBuildMB: mb(peakRss),
    processPeakRssMB: mb(peakRssBytes()),
    size: index.size,
  }
}

// ---------------------------------------------------------------------------------------------
// Child: the minimal exact-cosine index over the same articles.

function measureMinimal(sources: readonly ScaleSource[], n: number, o: Options): Record<string, unknown> {
  const articles = [...scaleArticles(sources, { count: n })]
  const base = liveBytes()
  const built = timed(() => new MinimalCosineIndex(new TermStatistics(articles)))
  const minimal = built.value
  const afterBuild = liveBytes()
  const positions = samplePositions(0, n, o.queries, 'scale-related')
  const related = latency(positions, (p) => minimal.related(p, K))
  const batch = samplePositions(0, n, o.batch, 'scale-batch')
  const batchRun = timed(() => batch.map((p) => minimal.related(p, K)).length)
  const listsPerSecond = batch.length / batchRun.seconds
  return {
    articles: n,
    build: { seconds: round(built.seconds, 1), note: 'tokenise (baseline tokens: no stemming, no entities) + index; the articles array is held already' },
    memory: { typedArrayMB: mb(minimal.byteLength), bytesPerArticle: Math.round(minimal.byteLength / n), heapDeltaMB: mb(afterBuild.total - base.total) },
    related,
    relatedAll: { sample: batch.length, listsPerSecond: round(listsPerSecond, 1), wholeArchiveMinutes: round(n / listsPerSecond / 60, 1) },
    processPeakRssMB: mb(peakRssBytes()),
  }
}

// ---------------------------------------------------------------------------------------------
// Parent.

function spawnChild(kind: string, size: number, argv: readonly string[], workDir: string): Record<string, unknown> {
  const out = join(workDir, `${kind}-${size}.json`)
  // tsx's loader flags are in execArgv; Node's default heap limit, as the issue's targets ask.
  const args = [...process.execArgv, '--expose-gc', fileURLToPath(import.meta.url), ...argv, '--child', kind, '--size', String(size), '--out', out]
  const run = spawnSync(process.execPath, args, { stdio: 'inherit' })
  if (run.status !== 0) throw new Error(`the ${kind} child for ${size} articles failed (exit ${run.status}, signal ${run.signal})`)
  return JSON.parse(readFileSync(out, 'utf8')) as Record<string, unknown>
}

/** The commit measured, with "+changes" when the work tree differs from it; undefined outside git. */
function gitCommit(): string | undefined {
  try {
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: projectRoot, encoding: 'utf8' }).trim()
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: projectRoot, encoding: 'utf8' }).trim() !== ''
    return dirty ? `${head}+changes` : head
  } catch {
    return undefined
  }
}

type Json = Record<string, any> // eslint-disable-line @typescript-eslint/no-explicit-any

function markdown(report: Json): string {
  const rows: string[] = []
  const line = (cells: unknown[]): string => `| ${cells.join(' | ')} |`
  rows.push(line(['articles', 'build s (ours / minimal)', 'peak RSS MB', 'index B/article (beyond text)', 'minimal B/article', 'related p50 / p95 / p99 ms', 'minimal p50 / p95 / p99 ms', 'relatedTo p50 / p95 / p99', 'affectedBy p50 / p95 / p99', 'relatedAll lists/s, 1 thread (minimal)', 'N threads lists/s (× 1 thread)', 'whole archive min, 1 / N threads', 'snapshot MB', 'save / load ms', 'first query after load ms (next 5, median)']))
  rows.push(line(Array.from({ length: 15 }, () => '---')))
  const threadRows: string[] = []
  for (const [size, r] of Object.entries(report.sizes as Record<string, Json>)) {
    const threaded = r.threadedBuild as Json | undefined
    if (threaded !== undefined) {
      const one = (r.ours as Json | undefined)?.build as Json | undefined
      threadRows.push(
        `- ${Number(size).toLocaleString('en-US')} articles, build with analysis on ${threaded.threads} worker threads: ${threaded.seconds} s wall, ${threaded.cpuSeconds} s CPU, peak RSS ${threaded.processPeakRssMB} MB` +
          (one === undefined || (one.analysisThreads ?? 1) > 1 ? '' : ` (one thread in the same run: ${one.seconds} s wall, ${one.cpuSeconds} s CPU; × ${round(one.seconds / threaded.seconds, 2)} wall)`),
      )
    }
    if (r.ours === undefined) continue
    const ours = r.ours as Json
    const minimal = r.minimal as Json | undefined
    const lat = (l: Json | undefined): string => (l === undefined ? '–' : `${l.p50Ms} / ${l.p95Ms} / ${l.p99Ms}`)
    rows.push(
      line([
        Number(size).toLocaleString('en-US'),
        `${ours.build.seconds}${(ours.build.analysisThreads ?? 1) > 1 ? ` (${ours.build.analysisThreads} analysis threads)` : ''} / ${minimal?.build.seconds ?? '–'}`,
        ours.processPeakRssMB,
        `${ours.memory.bytesPerArticle} (${ours.memory.bytesPerArticleBeyondText})`,
        minimal?.memory.bytesPerArticle ?? '–',
        lat(ours.related),
        lat(minimal?.related),
        lat(ours.relatedTo),
        ours.affectedBy === undefined ? '–' : ours.affectedBy.queries === 0 ? `first call unfinished after ${ours.affectedBy.unfinishedCallStoppedAfterSeconds} s` : lat(ours.affectedBy),
        `${ours.relatedAll.listsPerSecond} (${minimal?.relatedAll.listsPerSecond ?? '–'})`,
        ours.relatedAll.onThreads.threads === undefined ? '–' : `${ours.relatedAll.onThreads.threads}: ${ours.relatedAll.onThreads.listsPerSecond} (× ${ours.relatedAll.onThreads.overOneThread})`,
        `${ours.relatedAll.wholeArchiveMinutes} / ${ours.relatedAll.onThreads.wholeArchiveMinutes ?? '–'}`,
        ours.snapshot.megabytes,
        `${ours.snapshot.saveMs} / ${ours.snapshot.loadMs}`,
        `${ours.snapshot.firstQueryAfterLoadMs}${ours.snapshot.nextQueriesAfterLoadMedianMs === undefined ? '' : ` (next 5: ${ours.snapshot.nextQueriesAfterLoadMedianMs})`}`,
      ]),
    )
  }
  return [
    '# Scale benchmark',
    '',
    `Machine: ${report.environment.cpu}, ${report.environment.cores} cores, ${report.environment.memoryGB} GB, Node ${report.environment.node}. Each size is its own run (a shared machine: compare ratios within a run):`,
    '',
    ...Object.entries(report.sizes as Record<string, Json>).map(
      ([size, r]) => `- ${Number(size).toLocaleString('en-US')}: \`${r.run?.command ?? report.command}\`, load average ${r.run?.loadAverage1m ?? report.environment.loadAverage1m} at the start${r.run?.loadAverage1mAfter === undefined ? '' : ` (after ${Object.entries(r.run.loadAverage1mAfter as Record<string, number>).map(([part, load]) => `${part} ${load}`).join(', ')})`}${r.run?.commit === undefined ? '' : `, commit ${r.run.commit}`}`,
    ),
    '',
    `Corpus: the duplicate-free scaling corpus (seed ${report.settings.seed}) from ${SCALE_SOURCE_CORPUS}; k = ${K}.`,
    '',
    ...rows,
    '',
    ...threadRows,
    ...(threadRows.length > 0 ? [''] : []),
    ...Object.entries(report.definitions as Record<string, string>).map(([name, text]) => `- **${name}**: ${text}`),
    '',
  ].join('\n')
}

const DEFINITIONS: Record<string, string> = {
  build: 'new RelatedIndex() + addStream(generator) with the default batch size: generation of the synthetic articles, validation, analysis, indexing, and the idf/norms computed at its end; Node default heap flags',
  memory: 'live heap + external after a full GC with the index held, minus the same before the build, per article; "beyond text" subtracts one byte per stored title/body character',
  related: 'related(id, {k:10}) over a seeded sample of indexed ids; one untimed warm-up pass, then 3 timed passes, each query\'s latency the median of its passes',
  relatedTo: 'relatedTo(draft, {k:10}) on articles generated past the end of the corpus (analysis included)',
  affectedBy: 'affectedBy(id, {k:10}) on the first ids of the related sample, one timed pass, in a child process that loads the snapshot file: as many calls as fit in the --affected-seconds budget (the count is in scale.json); a call still running when the budget is spent twice over is stopped and reported as unfinished',
  relatedAll: 'relatedAll({ids: seeded sample, k:10}) on the main thread, then the same ids on a RelatedPool of --threads worker threads loaded from the snapshot bytes (pool start not included in the rate; results checked identical); whole-archive minutes = size / rate',
  snapshot: 'saveSnapshotFile (save: streamed in 64 MiB parts, fsync and rename) and loadSnapshotFile (load: read in parts, checksum, decode, idf and norms, the query path readied) through a temporary file, after a full GC of the built index; first query after load is one related() right after the load (in scale.json beside the median of the 5 related() calls after it); serialize() (in scale.json) is timed apart, for the worker pool',
  minimal: 'MinimalCosineIndex (benchmarks/lib/speed-baselines.ts) over the same articles: baseline tokens, sublinear tf × smoothed idf, typed-array postings, full accumulator scan; build excludes generating the articles',
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2)
  const o = parseOptions(argv)
  const loaded = await loadScaleSources()
  if (loaded.sources === undefined) {
    console.log(`scale benchmark skipped: ${loaded.message}`)
    return
  }
  const sources = loaded.sources
  const child = o.child
  if (child !== undefined) {
    const result =
      child.kind === 'affected'
        ? await measureAffected(child.size, o, child.snapshot, child.out)
        : child.kind === 'ours'
        ? await measureOurs(sources, child.size, o)
        : child.kind === 'threaded-build'
          ? await measureThreadedBuild(sources, child.size, o)
          : measureMinimal(sources, child.size, o)
    if (result !== undefined) writeFileSync(child.out, JSON.stringify(result))
    return
  }
  const env = environment()
  const workDir = mkdtempSync(join(tmpdir(), 'related-scale-run-'))
  const sizes: Record<string, unknown> = {}
  try {
    for (const size of o.sizes) {
      const entry: Record<string, unknown> = {}
      // The 1-minute load average after each part: other work on a shared machine shows here.
      const loadAfter: Record<string, number> = {}
      const noteLoad = (part: string): void => void (loadAfter[part] = round(loadavg()[0] as number, 2))
      if (o.ours) {
        console.log(`${size} articles: ours`)
        const snapshot = join(workDir, `ours-${size}.snapshot`)
        const ours = spawnChild('ours', size, [...argv, '--snapshot', snapshot], workDir) as Json
        if (o.affectedSeconds > 0) {
          console.log(`${size} articles: affectedBy (at most about ${o.affectedSeconds} s after the load)`)
          ours.affectedBy = spawnAffected(size, argv, workDir, snapshot, ours.snapshot.loadMs as number, o.affectedSeconds)
        }
        rmSync(snapshot, { force: true })
        entry.ours = ours
        noteLoad('ours')
      }
      if (o.buildThreads > 0) {
        console.log(`${size} articles: build with analysis on ${o.buildThreads} worker threads`)
        entry.threadedBuild = spawnChild('threaded-build', size, argv, workDir)
        noteLoad('threadedBuild')
      }
      if (o.minimal) {
        console.log(`${size} articles: minimal`)
        entry.minimal = spawnChild('minimal', size, argv, workDir)
        noteLoad('minimal')
      }
      entry.run = { command: `npx tsx benchmarks/scale.ts ${argv.join(' ')}`.trim(), loadAverage1m: env.loadAverage1m, loadAverage1mAfter: loadAfter, date: new Date().toISOString(), commit: gitCommit() }
      sizes[String(size)] = entry
    }
  } finally {
    rmSync(workDir, { recursive: true, force: true })
  }
  // Sizes measured by earlier runs stay (each with its own command and load), unless measured again.
  const earlier = existsSync(RESULTS_JSON) ? (JSON.parse(readFileSync(RESULTS_JSON, 'utf8')) as Json) : undefined
  const kept: Record<string, unknown> = {}
  for (const [size, entry] of Object.entries((earlier?.sizes ?? {}) as Record<string, Json>)) {
    if (size in sizes) continue
    kept[size] = entry.run === undefined ? { ...entry, run: { command: earlier?.command, loadAverage1m: earlier?.environment?.loadAverage1m } } : entry
  }
  const report = {
    benchmark: 'scale',
    environment: env,
    command: `npx tsx benchmarks/scale.ts ${argv.join(' ')}`.trim(),
    settings: { k: K, seed: SCALE_SEED, queries: o.queries, affectedSeconds: o.affectedSeconds, batch: o.batch },
    definitions: DEFINITIONS,
    sizes: Object.fromEntries(Object.entries({ ...kept, ...sizes }).sort((a, b) => Number(a[0]) - Number(b[0]))),
  }
  mkdirSync(RESULTS_DIR, { recursive: true })
  writeFileSync(RESULTS_JSON, `${JSON.stringify(report, null, 2)}\n`)
  writeFileSync(RESULTS_MD, markdown(report))
  console.log(markdown(report))
}

await main()
