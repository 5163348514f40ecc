/**
 * Result shapes, tables and target checks of the speed benchmark (`benchmarks/speed.ts`).
 * Units are decimal: 1 KB = 1,000 bytes, 1 MB = 10^6 bytes.
 */
import type { LatencySummary } from './speed-corpus.js'
import type { AffectedBySummary } from './speed-affected.js'

/** One timed pass over the articles (analysis floor, analysis, build). */
export interface ThroughputFigure {
  /** Wall-clock seconds of each run. */
  runsSeconds: number[]
  medianSeconds: number
  /** CPU seconds (user + system, GC threads included) of each run: less sensitive to other processes than wall time. */
  cpuRunsSeconds: number[]
  cpuMedianSeconds: number
  articlesPerSecond: number
  megabytesPerSecond: number
}

/** Our library at one size (child process `ours`). */
export interface OursResult {
  articles: number
  megabytes: number
  /** wink-nlp tokens of titles and bodies (default pipeline), counted by the floor pass. */
  winkTokens: number
  runs: number
  readDoc: ThroughputFigure
  analysis: ThroughputFigure
  build: ThroughputFigure & { ratioToReadDoc: number; cpuRatioToReadDoc: number; peakRssDuringBuildBytes: number; firstQueryAfterBuildMs: number }
  memory: {
    /** Live heap + external after GC with the articles array (and the shared wink instance) only. */
    baseBytes: number
    /** The same with the built index held as well. */
    withIndexBytes: number
    indexBytes: number
    bytesPerArticle: number
    heapUsedDeltaBytes: number
    externalDeltaBytes: number
  }
  processPeakRssBytes: number
  related: LatencySummary
  relatedTo: LatencySummary & { drafts: 'held-out' | 'indexed-with-own-id' }
  /** Absent in reports written before it was measured. */
  affectedBy?: AffectedBySummary
  snapshot:
    | { available: false }
    | {
        available: true
        bytes: number
        bytesPerArticle: number
        serializeMs: number
        loadMsRuns: number[]
        loadMsMedian: number
        firstQueryAfterLoadMs: number
        buildOverLoad: number
        sameResults: boolean
      }
}

/** The baselines at one size (child process `baselines`). */
export interface BaselinesResult {
  distinctTerms: number
  minimal: { tokeniseSeconds: number; indexSeconds: number; buildSeconds: number; bytes: number; bytesPerArticle: number } & LatencySummary
  natural: ({ buildSeconds: number; memoryBytes: number; bytesPerArticle: number } & LatencySummary) | { skipped: string }
  winkBm25: ({ buildSeconds: number; memoryBytes: number; bytesPerArticle: number } & LatencySummary) | { skipped: string }
}

/** What every batch pass over the whole index reports: how long it took and the RSS around it. */
export interface ListsRun {
  /** Where the index came from in the batch process: a snapshot file or a fresh build. */
  source: 'snapshot' | 'build'
  lists: number
  totalSeconds: number
  listsPerSecond: number
  rssBeforeBytes: number
  peakRssDuringBytes: number
  /** Peak RSS of the whole batch process (index load or build, then the pass). */
  processPeakRssBytes: number
}

/** `relatedAll` at one size (child process `batch`). */
export type BatchResult =
  | { available: false; reason: string }
  | (ListsRun & {
      available: true
      /** Whether memory was sampled during the call (through its `onProgress`). */
      sampled: boolean
      liveBeforeBytes: number
      peakLiveDuringBytes: number
      /** Live memory of the returned lists after GC. */
      resultsBytes: number
    })

/** `iterateRelated` (streaming, each list dropped once counted) at one size (child process `stream`); an extra, not a target. */
export type StreamResult = { available: false; reason: string } | (ListsRun & { available: true })

export interface SizeResult {
  measuredAt: string
  /** One-minute load average of the machine before and after this size's processes (2 cores: above 2 means contention). */
  loadAverage: { before: number; after: number }
  /** Set when the size is larger than the corpus. */
  repeats?: string
  ours: OursResult
  baselines: BaselinesResult
  batch: BatchResult
  stream: StreamResult
}

export interface TargetCheck {
  target: string
  measured: string
  met: boolean | null
}

const KB = 1e3
const MB = 1e6

export const fmt = {
  int: (n: number): string => Math.round(n).toLocaleString('en-US'),
  s: (n: number): string => (n >= 100 ? n.toFixed(0) : n >= 10 ? n.toFixed(1) : n.toFixed(2)),
  ms: (n: number): string => (n >= 100 ? n.toFixed(0) : n >= 10 ? n.toFixed(1) : n >= 1 ? n.toFixed(2) : n.toFixed(3)),
  mb: (bytes: number): string => `${(bytes / MB).toFixed(1)} MB`,
  kbPerArticle: (bytes: number): string => `${(bytes / KB).toFixed(2)} KB`,
  x: (n: number): string => (n >= 100 ? `${n.toFixed(0)}×` : `${n.toFixed(2)}×`),
}

/** A plain-text (or Markdown) table; columns after the first are right-aligned. */
export function formatTable(headers: string[], rows: string[][], markdown = false): string {
  if (markdown) {
    const line = (cells: string[]): string => `| ${cells.join(' | ')} |`
    return [line(headers), `|${headers.map((_, i) => (i === 0 ? '---' : '---:')).join('|')}|`, ...rows.map(line)].join('\n')
  }
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)))
  const line = (cells: string[]): string =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] as number) : c.padStart(widths[i] as number))).join('  ')
  return [line(headers), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n')
}

function cold(l: LatencySummary): string {
  return l.warmupP50Ms === undefined ? '' : fmt.ms(l.warmupP50Ms)
}

function isMeasured<T extends object>(value: T | { skipped: string }): value is T {
  return !('skipped' in value)
}

/** Analysis and build throughput at one size. */
export function throughputTable(r: OursResult, markdown = false): string {
  const floor = r.readDoc.medianSeconds
  const row = (name: string, f: ThroughputFigure): string[] => [
    name,
    fmt.s(f.medianSeconds),
    fmt.int(f.articlesPerSecond),
    f.megabytesPerSecond.toFixed(2),
    fmt.x(f.medianSeconds / floor),
    fmt.s(f.cpuMedianSeconds),
    fmt.x(f.cpuMedianSeconds / r.readDoc.cpuMedianSeconds),
  ]
  return formatTable(
    ['pass over all articles', 'median s', 'articles/s', 'MB/s', '× readDoc', 'CPU s', 'CPU × readDoc'],
    [
      row('wink-nlp readDoc, default pipeline (floor)', r.readDoc),
      row('analysis only (createAnalyzer().analyze)', r.analysis),
      row('RelatedIndex.addAll (build incl. analysis)', r.build),
    ],
    markdown,
  )
}

/** Build, memory and query latency of every engine at one size. */
export function queryTable(size: SizeResult, markdown = false): string {
  const { ours, baselines } = size
  const ref = ours.related.p50Ms
  const n = ours.articles
  const rows: string[][] = [
    [
      'related(id, {k:10})',
      fmt.s(ours.build.medianSeconds),
      fmt.kbPerArticle(ours.memory.bytesPerArticle),
      fmt.int(ours.related.queries),
      fmt.ms(ours.related.p50Ms),
      fmt.ms(ours.related.p95Ms),
      cold(ours.related),
      '1.00×',
    ],
    [
      `relatedTo(draft, {k:10}), ${ours.relatedTo.drafts === 'held-out' ? 'held-out drafts' : 'indexed articles as drafts with own id'}`,
      '',
      '',
      fmt.int(ours.relatedTo.queries),
      fmt.ms(ours.relatedTo.p50Ms),
      fmt.ms(ours.relatedTo.p95Ms),
      cold(ours.relatedTo),
      fmt.x(ours.relatedTo.p50Ms / ref),
    ],
    ...(ours.affectedBy === undefined
      ? []
      : [
          [
            `affectedBy(id, {k:10}) right after add (add p50 ${fmt.ms(ours.affectedBy.addP50Ms)} ms; ${ours.affectedBy.affectedMedian} lists changed, median; first call of the index ${fmt.ms(ours.affectedBy.firstCallMs)} ms)`,
            '',
            '',
            fmt.int(Math.ceil(ours.affectedBy.articles / 2)),
            fmt.ms(ours.affectedBy.p50Ms),
            fmt.ms(ours.affectedBy.p95Ms),
            '',
            fmt.x(ours.affectedBy.p50Ms / ref),
          ],
          [
            `affectedBy after related(new id) (that related: p50 ${fmt.ms(ours.affectedBy.relatedAfterAddP50Ms)} ms, the statistics refresh included)`,
            '',
            '',
            fmt.int(Math.floor(ours.affectedBy.articles / 2)),
            fmt.ms(ours.affectedBy.afterRelatedP50Ms),
            fmt.ms(ours.affectedBy.afterRelatedP95Ms),
            '',
            fmt.x(ours.affectedBy.afterRelatedP50Ms / ref),
          ],
        ]),
    [
      'minimal typed-array exact cosine',
      fmt.s(baselines.minimal.buildSeconds),
      fmt.kbPerArticle(baselines.minimal.bytesPerArticle),
      fmt.int(baselines.minimal.queries),
      fmt.ms(baselines.minimal.p50Ms),
      fmt.ms(baselines.minimal.p95Ms),
      cold(baselines.minimal),
      fmt.x(baselines.minimal.p50Ms / ref),
    ],
  ]
  for (const [name, b] of [
    ['natural TfIdf, top 20 terms', baselines.natural],
    ['wink-bm25-text-search, top 20 terms', baselines.winkBm25],
  ] as const) {
    if (isMeasured(b)) {
      rows.push([name, fmt.s(b.buildSeconds), fmt.kbPerArticle(b.memoryBytes / n), fmt.int(b.queries), fmt.ms(b.p50Ms), fmt.ms(b.p95Ms), cold(b), fmt.x(b.p50Ms / ref)])
    } else {
      rows.push([`${name} (skipped: ${b.skipped})`, '', '', '', '', '', '', ''])
    }
  }
  return formatTable(['engine / query', 'build s', 'memory/article', 'queries', 'p50 ms', 'p95 ms', 'warm-up p50 ms', 'p50 vs related()'], rows, markdown)
}

/** One-line summaries of memory, snapshot and batch at one size. */
export function sizeNotes(size: SizeResult): string[] {
  const { ours, batch } = size
  const lines = [
    `index memory: ${fmt.mb(ours.memory.indexBytes)} = ${fmt.kbPerArticle(ours.memory.bytesPerArticle)}/article ` +
      `(heap ${fmt.mb(ours.memory.heapUsedDeltaBytes)} + external ${fmt.mb(ours.memory.externalDeltaBytes)}, after GC, articles array excluded); ` +
      `peak RSS during the last build ${fmt.mb(ours.build.peakRssDuringBuildBytes)}, process peak ${fmt.mb(ours.processPeakRssBytes)}`,
    `first related() right after the build: ${fmt.ms(ours.build.firstQueryAfterBuildMs)} ms (lazy per-index work, not in the latencies)`,
  ]
  const s = ours.snapshot
  lines.push(
    s.available
      ? `snapshot: ${fmt.mb(s.bytes)} (${fmt.int(s.bytesPerArticle)} B/article), serialize ${fmt.ms(s.serializeMs)} ms, ` +
          `load ${fmt.ms(s.loadMsMedian)} ms (median of ${s.loadMsRuns.length}), build/load ${fmt.x(s.buildOverLoad)}, ` +
          `first query after load ${fmt.ms(s.firstQueryAfterLoadMs)} ms, same results as the built index: ${s.sameResults ? 'yes' : 'NO'}`
      : 'snapshot: n/a (not implemented)',
  )
  lines.push(
    batch.available
      ? `relatedAll({k:10}): ${fmt.int(batch.lists)} lists in ${fmt.s(batch.totalSeconds)} s (${fmt.int(batch.listsPerSecond)} articles/s), ` +
          `index from ${batch.source}; RSS ${fmt.mb(batch.rssBeforeBytes)} before, ` +
          (batch.sampled ? `peak ${fmt.mb(batch.peakRssDuringBytes)} during` : 'not sampled during') +
          `; returned lists hold ${fmt.mb(batch.resultsBytes)}; batch process peak RSS ${fmt.mb(batch.processPeakRssBytes)}`
      : `relatedAll: ${batch.reason}`,
  )
  const stream = size.stream
  lines.push(
    stream.available
      ? `iterateRelated({k:10}) (extra: streaming, lists dropped): ${fmt.int(stream.lists)} lists in ${fmt.s(stream.totalSeconds)} s ` +
          `(${fmt.int(stream.listsPerSecond)} articles/s), index from ${stream.source}; RSS ${fmt.mb(stream.rssBeforeBytes)} before, ` +
          `peak ${fmt.mb(stream.peakRssDuringBytes)} during; process peak RSS ${fmt.mb(stream.processPeakRssBytes)}`
      : `iterateRelated: ${stream.reason}`,
  )
  lines.push(`machine load average (1 min, 2 cores): ${size.loadAverage.before} before, ${size.loadAverage.after} after this size`)
  return lines
}

/** The targets of issue 8, checked against the measured sizes (`null` = not measured). */
export function checkTargets(sizes: Record<string, SizeResult>): TargetCheck[] {
  const all = sizes['19043']
  const big = sizes['100000']
  const checks: TargetCheck[] = []
  const add = (target: string, measured: string | undefined, met: boolean | undefined): void => {
    checks.push({ target, measured: measured ?? 'not measured', met: met ?? null })
  }
  if (all !== undefined) {
    const ratio = all.ours.related.p50Ms / all.baselines.minimal.p50Ms
    add(
      'related(id) p50 within 3× of the minimal exact-cosine index (19,043)',
      `${fmt.ms(all.ours.related.p50Ms)} ms vs ${fmt.ms(all.baselines.minimal.p50Ms)} ms = ${fmt.x(ratio)}`,
      ratio <= 3,
    )
    const nat = all.baselines.natural
    if (isMeasured(nat)) {
      const speedup = nat.p50Ms / all.ours.related.p50Ms
      const cold = nat.warmupP50Ms === undefined ? '' : `; natural cold (first idf of each term) ${fmt.ms(nat.warmupP50Ms)} ms = ${fmt.x(nat.warmupP50Ms / all.ours.related.p50Ms)}`
      add(
        `related(id) p50 ≥ 400× faster than natural TfIdf (19,043; natural on ${nat.queries} queries, warm)`,
        `${fmt.ms(nat.p50Ms)} ms vs ${fmt.ms(all.ours.related.p50Ms)} ms = ${fmt.x(speedup)}${cold}`,
        speedup >= 400,
      )
    } else add('related(id) p50 ≥ 400× faster than natural TfIdf (19,043)', `natural skipped: ${nat.skipped}`, undefined)
  } else {
    add('related(id) p50 within 3× of the minimal exact-cosine index (19,043)', undefined, undefined)
    add('related(id) p50 ≥ 400× faster than natural TfIdf (19,043)', undefined, undefined)
  }
  add('related(id) p50 < 2 ms at 100,000 (repeated corpus)', big && `${fmt.ms(big.ours.related.p50Ms)} ms`, big && big.ours.related.p50Ms < 2)
  add('related(id) p95 < 10 ms at 100,000 (repeated corpus)', big && `${fmt.ms(big.ours.related.p95Ms)} ms`, big && big.ours.related.p95Ms < 10)
  const batch = all?.batch
  if (batch !== undefined && !batch.available) {
    add('relatedAll({k:10}) ≤ 11 s for 19,043', batch.reason, undefined)
    add('relatedAll peak memory < 400 MB (19,043)', batch.reason, undefined)
  } else {
    add('relatedAll({k:10}) ≤ 11 s for 19,043', batch && `${fmt.s(batch.totalSeconds)} s`, batch && batch.totalSeconds <= 11)
    add(
      'relatedAll peak memory < 400 MB (19,043; peak RSS of the batch process)',
      batch && `${fmt.mb(batch.processPeakRssBytes)} (sampled during the call: ${batch.sampled ? fmt.mb(batch.peakRssDuringBytes) : 'n/a'})`,
      batch && batch.processPeakRssBytes < 400 * MB,
    )
  }
  add(
    'build incl. analysis ≤ 1.5× bare wink-nlp readDoc (19,043; wall time)',
    all &&
      `${fmt.s(all.ours.build.medianSeconds)} s vs ${fmt.s(all.ours.readDoc.medianSeconds)} s = ${fmt.x(all.ours.build.ratioToReadDoc)} (CPU time: ${fmt.x(all.ours.build.cpuRatioToReadDoc)})`,
    all && all.ours.build.ratioToReadDoc <= 1.5,
  )
  for (const [label, r] of [
    ['19,043', all],
    ['100,000', big],
  ] as const) {
    add(
      `index memory ≤ 3 KB/article beyond the caller's articles (${label})`,
      r && `${fmt.kbPerArticle(r.ours.memory.bytesPerArticle)}/article`,
      r && r.ours.memory.bytesPerArticle <= 3 * KB,
    )
  }
  const snap = all?.ours.snapshot
  if (snap !== undefined && !snap.available) add('snapshot load ≥ 10× faster than build (19,043)', 'n/a (not implemented)', undefined)
  else
    add(
      'snapshot load ≥ 10× faster than build (19,043)',
      snap && all && `${fmt.s(all.ours.build.medianSeconds)} s / ${fmt.ms(snap.loadMsMedian)} ms = ${fmt.x(snap.buildOverLoad)}`,
      snap && snap.buildOverLoad >= 10,
    )
  return checks
}

export function targetTable(checks: TargetCheck[], markdown = false): string {
  return formatTable(
    ['target (issue 8)', 'measured', 'status'],
    checks.map((c) => [c.target, c.measured, c.met === null ? '—' : c.met ? 'met' : 'NOT MET']),
    markdown,
  )
}
