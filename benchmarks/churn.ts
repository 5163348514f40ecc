/**
 * Churn benchmark (issue 14): a service that updates and removes articles all day must stay the
 * size of what it holds. Builds an index of N Reuters-21578 articles, then runs rounds of churn:
 * each round updates 5% of the stored articles with a changed body (one made-up word that no other
 * article has, so every update brings a new term and retires the previous one), removes the
 * oldest 2% and adds 2% new ones. After the last round it measures memory (heap + typed-array
 * memory after a full GC), vocabulary, snapshot bytes and query latency, then builds a fresh index
 * of exactly the same articles in the same process and measures the same, and reports the ratios
 * churned / fresh. It also checks that both answer the sampled queries identically.
 *
 *   npm run bench:churn                                  # 10,000 and 100,000 articles, 50 rounds
 *   npx tsx benchmarks/churn.ts --sizes 10000 --rounds 50
 *   npx tsx benchmarks/churn.ts --sizes 100000 --rounds 10
 *
 * Options: --sizes (default 10000,100000), --rounds N (default 50), --queries N (sampled stored
 * ids timed with related(), default 200). Beyond the corpus's 19,043 articles, articles repeat
 * with fresh ids (see `scaleCorpus`). Runs itself again with --expose-gc when started without it.
 * Writes `benchmarks/results/churn.json`, also after every round (an entry with `complete: false`
 * and the rounds so far), so a run stopped part-way keeps what it measured; exits 0 with a
 * message when the corpus is absent.
 */
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { loadavg } from 'node:os'
import { resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { RelatedIndex } from '../src/index.js'
import { internalsOf } from '../src/ranking/related-index.js'
import type { RankerArticle } from './lib/datasets.js'
import { projectRoot } from './lib/paths.js'
import { environment, liveBytes, loadSpeedCorpus, round, samplePositions, scaleCorpus, timeQueries, timed } from './lib/speed-corpus.js'

const K = 10
const UPDATE_SHARE = 0.05
const REPLACE_SHARE = 0.02

if (typeof globalThis.gc !== 'function') {
  // tsx's loader flags are in execArgv.
  const run = spawnSync(process.execPath, [...process.execArgv, '--expose-gc', fileURLToPath(import.meta.url), ...process.argv.slice(2)], {
    stdio: 'inherit',
  })
  process.exit(run.status ?? 1)
}

const { values } = parseArgs({
  options: {
    sizes: { type: 'string', default: '10000,100000' },
    rounds: { type: 'string', default: '50' },
    queries: { type: 'string', default: '200' },
  },
})
const sizes = (values.sizes as string).split(',').map(Number)
const rounds = Number(values.rounds)
const queryCount = Number(values.queries)

/** A made-up word for a number ('zqa', 'zqb', …): letters only, so analysis keeps it as one term. */
function madeUpWord(k: number): string {
  let s = 'zq'
  do {
    s += String.fromCharCode(97 + (k % 26))
    k = Math.floor(k / 26)
  } while (k > 0)
  return s
}

interface Measured {
  memoryMB: number
  heapMB: number
  externalMB: number
  /** The store's typed arrays (pools, per-term and per-slot arrays), from its own byte counts. */
  typedArrayMB: number
  /** Of which the postings and forward-list entries in use. */
  typedArrayUsedMB: number
  vocabularySize: number
  liveTerms: number
  slotCapacity: number
  snapshotBytes: number
  queryP50Ms: number
  queryP95Ms: number
}

/**
 * Everything but memory; `memory` is filled in by {@link memoryOf} once the index can be dropped.
 */
function measure(index: RelatedIndex, ids: readonly string[]): Measured {
  const { store } = internalsOf(index)
  const latency = timeQueries(ids, (id) => index.related(id, { k: K }))
  const footprint = store.footprint()
  let usedBytes = 0
  for (const field of [footprint.text, footprint.entities, footprint.tags]) usedBytes += field.postingsUsedBytes + field.forwardUsedBytes
  return {
    memoryMB: 0,
    heapMB: 0,
    externalMB: 0,
    typedArrayMB: round(footprint.typedBytes / 1e6, 1),
    typedArrayUsedMB: round(usedBytes / 1e6, 1),
    vocabularySize: store.text.vocabularySize + store.entities.vocabularySize + store.tags.vocabularySize,
    liveTerms: store.text.liveTerms + store.entities.liveTerms + store.tags.liveTerms,
    slotCapacity: store.capacity,
    snapshotBytes: index.serialize().length,
    queryP50Ms: latency.p50Ms,
    queryP95Ms: latency.p95Ms,
  }
}

/**
 * Memory the index owns (its analyzer's caches included): live bytes with it minus live bytes
 * once it is dropped, so strings the benchmark itself still holds count for neither index.
 */
function memoryOf(withIndex: { heapUsed: number; external: number }, into: Measured): void {
  const without = liveBytes()
  into.heapMB = round((withIndex.heapUsed - without.heapUsed) / 1e6, 1)
  into.externalMB = round((withIndex.external - without.external) / 1e6, 1)
  into.memoryMB = round(into.heapMB + into.externalMB, 1)
}

/** Holds the index under test, so that the measuring frames never keep it alive once dropped. */
interface Holder {
  index: RelatedIndex | undefined
}

/**
 * The rounds of churn; returns the stored articles (oldest first) and per-round facts. After each
 * round `onRound` gets the rows so far (the caller writes them, so a run stopped part-way still
 * reports what it measured).
 */
function churn(holder: Holder, pool: readonly RankerArticle[], n: number, onRound: (rows: ReadonlyArray<Record<string, number>>, buildSeconds: number) => void): { survivors: RankerArticle[]; perRound: Array<Record<string, number>>; buildSeconds: number; churnSeconds: number } {
  const index = holder.index as RelatedIndex
  const replace = Math.round(n * REPLACE_SHARE)
  const update = Math.round(n * UPDATE_SHARE)
  // Stored articles by id, in insertion order (a Map keeps it): the oldest come first.
  const current = new Map<string, RankerArticle>()
  const initial = pool.slice(0, n)
  const build = timed(() => index.addAll(initial))
  for (const a of initial) current.set(a.id, a)
  console.log(`  ${n} articles built in ${round(build.seconds, 1)} s`)
  let next = n
  let word = 0
  const perRound: Array<Record<string, number>> = []
  const churnStart = performance.now()
  for (let r = 1; r <= rounds; r++) {
    const start = performance.now()
    const ids = [...current.keys()]
    for (const p of samplePositions(0, ids.length, update, `update-${r}`)) {
      const id = ids[p] as string
      const original = current.get(id) as RankerArticle
      const body = `${original.body.replace(/ zq[a-z]+\.$/, '')} ${madeUpWord(word++)}.`
      const changed = { ...original, body }
      index.update(changed)
      current.set(id, changed)
    }
    let removed = 0
    for (const id of current.keys()) {
      if (removed === replace) break
      index.remove(id)
      current.delete(id)
      removed++
    }
    for (let i = 0; i < replace; i++) {
      const a = pool[next++] as RankerArticle
      index.add(a)
      current.set(a.id, a)
    }
    const { store } = internalsOf(index)
    const seconds = (performance.now() - start) / 1000
    // Process-wide live bytes (after a full GC) and the index's typed arrays: a trend across rounds.
    const live = liveBytes()
    const row: Record<string, number> = {
      round: r,
      seconds: round(seconds, 2),
      textVocabularySize: store.text.vocabularySize,
      textLiveTerms: store.text.liveTerms,
      compactions: store.compactionCount,
      typedArrayMB: round(store.footprint().typedBytes / 1e6, 1),
      processHeapMB: round(live.heapUsed / 1e6, 1),
      processExternalMB: round(live.external / 1e6, 1),
      loadAverage1m: round(loadavg()[0] as number, 2),
    }
    if (r % 10 === 0 || r === rounds) console.log(`  round ${r}: ${JSON.stringify(row)}`)
    perRound.push(row)
    onRound(perRound, build.seconds)
  }
  return { survivors: [...current.values()], perRound, buildSeconds: build.seconds, churnSeconds: (performance.now() - churnStart) / 1000 }
}

/** Measures the held index and its answers to the sample, and the live bytes while it is held. */
function evaluate(holder: Holder, sample: readonly string[]): { measured: Measured; answers: string; compactions: number; withIndex: { heapUsed: number; external: number } } {
  const index = holder.index as RelatedIndex
  const measured = measure(index, sample)
  const answers = JSON.stringify(sample.map((id) => index.related(id, { k: K })))
  return { measured, answers, compactions: internalsOf(index).store.compactionCount, withIndex: liveBytes() }
}

function buildFresh(holder: Holder, articles: readonly RankerArticle[]): number {
  const index = new RelatedIndex()
  holder.index = index
  return timed(() => index.addAll(articles)).seconds
}

/**
 * Churns an index of `n` articles, then compares it with a fresh build. `partial` receives an
 * incomplete entry after every round (`complete: false`, the rounds measured so far).
 */
function runSize(corpus: readonly RankerArticle[], n: number, partial: (entry: Record<string, unknown>) => void): Record<string, unknown> {
  const pool = scaleCorpus(corpus, n + rounds * Math.round(n * REPLACE_SHARE))
  const holder: Holder = { index: new RelatedIndex() }
  const { survivors, perRound, buildSeconds, churnSeconds } = churn(holder, pool, n, (rows, seconds) =>
    partial({ articles: n, rounds, complete: false, roundsDone: rows.length, buildSeconds: round(seconds, 1), rounds_: rows }),
  )
  const sample = samplePositions(0, survivors.length, queryCount, `queries-${n}`).map((p) => (survivors[p] as RankerArticle).id)
  const churnedRun = evaluate(holder, sample)
  holder.index = undefined
  memoryOf(churnedRun.withIndex, churnedRun.measured)
  const freshBuildSeconds = buildFresh(holder, survivors)
  const freshRun = evaluate(holder, sample)
  holder.index = undefined
  memoryOf(freshRun.withIndex, freshRun.measured)
  const churned = churnedRun.measured
  const fresh = freshRun.measured
  const identical = churnedRun.answers === freshRun.answers
  const ratio = (key: keyof Measured): number => round(churned[key] / fresh[key], 3)
  const result = {
    articles: n,
    rounds,
    complete: true,
    perRound: { updates: Math.round(n * UPDATE_SHARE), removes: Math.round(n * REPLACE_SHARE), adds: Math.round(n * REPLACE_SHARE) },
    buildSeconds: round(buildSeconds, 1),
    churnSeconds: round(churnSeconds, 1),
    freshBuildSeconds: round(freshBuildSeconds, 1),
    compactions: churnedRun.compactions,
    churned,
    fresh,
    ratio: {
      memory: ratio('memoryMB'),
      heap: ratio('heapMB'),
      external: ratio('externalMB'),
      typedArrays: ratio('typedArrayMB'),
      vocabularySize: ratio('vocabularySize'),
      snapshotBytes: ratio('snapshotBytes'),
      queryP50: ratio('queryP50Ms'),
    },
    identicalAnswers: identical,
    rounds_: perRound,
  }
  console.log(`  churned ${JSON.stringify(churned)}`)
  console.log(`  fresh   ${JSON.stringify(fresh)}`)
  console.log(`  ratio   ${JSON.stringify(result.ratio)}  identical answers: ${identical}`)
  return result
}

async function main(): Promise<void> {
  const loaded = await loadSpeedCorpus()
  if (loaded.articles === undefined) {
    console.log(loaded.message)
    return
  }
  const env = environment()
  console.log(`Churn benchmark: reuters21578-all (${loaded.articles.length} articles), ${rounds} rounds; ${env.cpu}, ${env.cores} cores, Node ${env.node}`)
  const dir = resolve(projectRoot, 'benchmarks', 'results')
  mkdirSync(dir, { recursive: true })
  const file = resolve(dir, 'churn.json')
  // One entry per size; a run of some sizes keeps the others' entries (each with its own command and machine).
  const previous = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as { results?: Array<{ articles: number }> }) : {}
  const bySize = new Map((previous.results ?? []).map((r) => [r.articles, r as Record<string, unknown>]))
  const command = `npx tsx benchmarks/churn.ts ${process.argv.slice(2).join(' ')}`.trim()
  // The code measured (with a mark when the working tree differs from it).
  const git = (args: string[]): string => spawnSync('git', args, { cwd: projectRoot, encoding: 'utf8' }).stdout?.trim() ?? ''
  const commit = `${git(['rev-parse', '--short', 'HEAD']) || 'unknown'}${git(['status', '--porcelain', '--untracked-files=no']) === '' ? '' : '+changes'}`
  const write = (): void => {
    const results = [...bySize.entries()].sort((a, b) => a[0] - b[0]).map(([, r]) => r)
    writeFileSync(file, `${JSON.stringify({ results }, null, 2)}\n`)
  }
  for (const n of sizes) {
    console.log(`${n} articles:`)
    const partial = (entry: Record<string, unknown>): void => {
      bySize.set(n, { command, commit, environment: { ...env, loadAverage1m: round(loadavg()[0] as number, 2) }, ...entry })
      write()
    }
    bySize.set(n, { command, commit, environment: env, ...runSize(loaded.articles, n, partial) })
    write()
  }
  console.log(`wrote ${file}`)
}

await main()
