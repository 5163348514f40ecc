/**
 * Corpus, sampling, timing and memory helpers of the speed benchmark (`benchmarks/speed.ts`).
 * Nothing here knows about the library under test.
 */
import os from 'node:os'
import { hashString, seededRandom, shuffleInPlace } from '../../src/evaluation/random.js'
import { loadDataset, type RankerArticle } from './datasets.js'

/** The speed corpus: all 19,043 Reuters-21578 articles with a title and a body, no labels. */
export const SPEED_CORPUS = 'reuters21578-all'

/** Seed of every sample drawn by the speed benchmark (query ids, held-out drafts). */
export const SPEED_SEED = 20240808

/** The corpus, or why it is absent (then the benchmark prints the reason and exits 0). */
export async function loadSpeedCorpus(): Promise<{ articles: RankerArticle[] } | { articles: undefined; message: string }> {
  const loaded = await loadDataset(SPEED_CORPUS)
  if (loaded.dataset === undefined) return { articles: undefined, message: loaded.message }
  return { articles: loaded.dataset.articles }
}

/**
 * The first `n` articles of the corpus; beyond its length the corpus is repeated with fresh ids
 * (`${id}#${rep}` for repeat 1, 2, …). Repeats are exact duplicates of earlier articles: title and
 * body strings are shared, not copied, so the caller's memory grows only by the small objects.
 */
export function scaleCorpus(corpus: readonly RankerArticle[], n: number): RankerArticle[] {
  if (n <= corpus.length) return corpus.slice(0, n)
  const out: RankerArticle[] = new Array<RankerArticle>(n)
  for (let i = 0; i < n; i++) {
    const rep = Math.floor(i / corpus.length)
    const article = corpus[i % corpus.length] as RankerArticle
    out[i] = rep === 0 ? article : { ...article, id: `${article.id}#${rep}` }
  }
  return out
}

/** `count` distinct positions from `[from, to)`, drawn with a fixed seed (the same on every run). */
export function samplePositions(from: number, to: number, count: number, salt: string): number[] {
  const positions = Array.from({ length: Math.max(0, to - from) }, (_, i) => from + i)
  shuffleInPlace(positions, seededRandom((SPEED_SEED ^ hashString(salt)) >>> 0))
  return positions.slice(0, Math.min(count, positions.length))
}

/** UTF-8 megabytes (10^6 bytes) of the titles and bodies. */
export function textMegabytes(articles: readonly RankerArticle[]): number {
  let bytes = 0
  for (const a of articles) bytes += Buffer.byteLength(a.title) + Buffer.byteLength(a.body)
  return bytes / 1e6
}

/** Median of a non-empty list. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2
}

/** Nearest-rank percentile (p in (0, 100]) of a non-empty list. */
export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)] as number
}

/** Latency summary of a query set, in milliseconds. */
export interface LatencySummary {
  queries: number
  /** Timed passes over the queries; each query's latency is its median over the passes. */
  passes: number
  p50Ms: number
  p95Ms: number
  meanMs: number
  maxMs: number
  /** Median of the untimed-for-the-summary warm-up pass: the cold cost (first JIT, first use of lazily cached values). */
  warmupP50Ms?: number
}

export function summarizeLatencies(ms: readonly number[], passes = 1): LatencySummary {
  return {
    queries: ms.length,
    passes,
    p50Ms: round(median(ms), 4),
    p95Ms: round(percentile(ms, 95), 4),
    meanMs: round(ms.reduce((a, b) => a + b, 0) / ms.length, 4),
    maxMs: round(Math.max(...ms), 4),
  }
}

/** Timed passes per query set: a query's latency is its median over these, so one preemption by another process on a shared machine does not land in the p95. */
export const TIMED_PASSES = 3

/**
 * Times `run(item)` for each item: one warm-up pass over `warmupItems` (JIT and lazily computed
 * caches such as idf settle there, as in a long-running server; its median is reported apart as
 * the cold figure), then `passes` timed passes; each item's latency is its median over the passes.
 */
export function timeQueries<T>(items: readonly T[], run: (item: T) => unknown, warmupItems: readonly T[] = items, passes = TIMED_PASSES): LatencySummary {
  const { perItem, warmup } = medianLatencies(items, run, warmupItems, passes)
  return { ...summarizeLatencies(perItem, passes), warmupP50Ms: round(median(warmup), 4) }
}

/**
 * The timing loop of {@link timeQueries}: the warm-up latencies over `warmupItems`, and each
 * item's median latency over `passes` timed passes, in item order.
 */
export function medianLatencies<T>(items: readonly T[], run: (item: T) => unknown, warmupItems: readonly T[] = items, passes = TIMED_PASSES): { perItem: number[]; warmup: number[] } {
  let sink = 0
  const warmup: number[] = []
  for (const item of warmupItems) {
    const start = performance.now()
    sink += countOf(run(item))
    warmup.push(performance.now() - start)
  }
  const ms = items.map(() => [] as number[])
  for (let pass = 0; pass < passes; pass++) {
    items.forEach((item, i) => {
      const start = performance.now()
      const out = run(item)
      ;(ms[i] as number[]).push(performance.now() - start)
      sink += countOf(out)
    })
  }
  if (sink < 0) console.log(sink) // Keeps the results alive; never true.
  return { perItem: ms.map((m) => median(m)), warmup }
}

/** Wall and CPU seconds of `run()` (CPU = user + system of this process, including GC threads). */
export function timed<T>(run: () => T): { value: T; seconds: number; cpuSeconds: number } {
  const cpu = process.cpuUsage()
  const start = performance.now()
  const value = run()
  const seconds = (performance.now() - start) / 1000
  const used = process.cpuUsage(cpu)
  return { value, seconds, cpuSeconds: (used.user + used.system) / 1e6 }
}

function countOf(value: unknown): number {
  return Array.isArray(value) ? value.length : 1
}

export function round(value: number, digits: number): number {
  const f = 10 ** digits
  return Math.round(value * f) / f
}

/** Full garbage collection (twice, so finalisers' garbage goes too). Throws without --expose-gc. */
export function collectGarbage(): void {
  // `gc` is present when node runs with --expose-gc (the benchmark's child processes always do).
  if (typeof globalThis.gc !== 'function') throw new Error('run node with --expose-gc (benchmarks/speed.ts starts its children so)')
  globalThis.gc()
  globalThis.gc()
}

/**
 * Live memory after a full GC: the V8 heap plus memory outside it (`external`, which holds the
 * backing stores of typed arrays: an index's postings live there, not in `heapUsed`).
 */
export function liveBytes(): { heapUsed: number; external: number; total: number } {
  collectGarbage()
  const m = process.memoryUsage()
  return { heapUsed: m.heapUsed, external: m.external, total: m.heapUsed + m.external }
}

/** Peak resident set size of this process so far, in bytes. */
export function peakRssBytes(): number {
  return process.resourceUsage().maxRSS * 1024
}

/** The machine and runtime, for the results file. */
export function environment(): Record<string, string | number> {
  const cpus = os.cpus()
  return {
    cpu: cpus[0]?.model ?? 'unknown',
    cores: cpus.length,
    memoryGB: Math.round(os.totalmem() / 1e9),
    node: process.version,
    v8: process.versions.v8,
    platform: `${os.platform()} ${os.release()}`,
    date: new Date().toISOString(),
    loadAverage1m: round(os.loadavg()[0] ?? 0, 2),
  }
}
