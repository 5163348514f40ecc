/**
 * What the first queries after `loadSnapshotFile` cost at scale, and where that time goes: a
 * companion of `benchmarks/scale.ts` (whose "first query after load" column is one such query).
 *
 *   npx tsx benchmarks/scale-first-query.ts [--size 100000] [--snapshot FILE] [--runs 3] [--queries 5] [--profile] [--node-flag --trace-gc]
 *
 * Builds the duplicate-free scaling corpus of --size articles and saves its snapshot to --snapshot
 * (a temporary file by default; an existing --snapshot file is used as it is, so a second run
 * skips the build). Then each run is a fresh Node process, as a server that starts and loads its
 * archive: it loads the file, then answers --queries `related()` calls on distinct stored ids,
 * timing each. With --profile the first query of the first run is profiled (V8's sampler, every
 * 50 µs) and summarised as self time per function. Prints medians over the runs. Exits 0 with a
 * message when the Reuters corpus is absent.
 */
import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { MAX_SNAPSHOT_FILE_BYTES, RelatedIndex, loadSnapshotFile, saveSnapshotFile } from '../src/index.js'
import { cpuProfile, printProfileSummary } from './lib/cpu-profile.js'
import { loadScaleSources, scaleArticles } from './lib/scale-corpus.js'
import { median, samplePositions } from './lib/speed-corpus.js'

interface Options {
  size: number
  runs: number
  queries: number
  profile: boolean
  snapshot: string | undefined
  child: boolean
  /** Node flags for the fresh processes (such as --trace-gc), repeatable. */
  nodeFlags: string[]
}

function parse(argv: readonly string[]): Options {
  const o: Options = { size: 100_000, runs: 3, queries: 5, profile: false, snapshot: undefined, child: false, nodeFlags: [] }
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]
    if (flag === '--profile') o.profile = true
    else if (flag === '--child') o.child = true
    else if (flag === '--snapshot') o.snapshot = argv[++i]
    else if (flag === '--node-flag') o.nodeFlags.push(argv[++i] as string)
    else if (flag === '--size' || flag === '--runs' || flag === '--queries') {
      const n = Number(argv[++i])
      if (!Number.isSafeInteger(n) || n <= 0) throw new Error(`${flag} expects a positive integer`)
      o[flag.slice(2) as 'size' | 'runs' | 'queries'] = n
    } else throw new Error(`unknown argument ${JSON.stringify(flag)}; see the header of benchmarks/scale-first-query.ts`)
  }
  return o
}

interface ChildTimes {
  loadMs: number
  queriesMs: number[]
}

async function child(o: Options): Promise<void> {
  const file = o.snapshot as string
  let start = performance.now()
  const index = await loadSnapshotFile(file, { maxSnapshotBytes: MAX_SNAPSHOT_FILE_BYTES })
  const loadMs = performance.now() - start
  const ids = samplePositions(0, o.size, o.queries, 'scale-first-query').map((p) => `s${p}`)
  const queriesMs: number[] = []
  for (const [i, id] of ids.entries()) {
    const query = (): void => {
      start = performance.now()
      index.related(id, { k: 10 })
      queriesMs.push(performance.now() - start)
    }
    if (i === 0 && o.profile) printProfileSummary(await cpuProfile(query, 50), 25)
    else query()
  }
  const times: ChildTimes = { loadMs, queriesMs }
  console.log(`RESULT ${JSON.stringify(times)}`)
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2)
  const o = parse(argv)
  if (o.child) return child(o)
  const loaded = await loadScaleSources()
  if (loaded.sources === undefined) {
    console.log(`first-query benchmark skipped: ${loaded.message}`)
    return
  }
  const directory = mkdtempSync(join(tmpdir(), 'related-first-query-'))
  const file = o.snapshot ?? join(directory, 'index.snapshot')
  try {
    if (!existsSync(file)) {
      const start = performance.now()
      const index = new RelatedIndex()
      await index.addStream(scaleArticles(loaded.sources, { count: o.size }), { threads: 2 })
      await saveSnapshotFile(index, file)
      console.log(`built and saved ${o.size} articles in ${((performance.now() - start) / 1000).toFixed(1)} s`)
    }
    const all: ChildTimes[] = []
    for (let run = 0; run < o.runs; run++) {
      const args = [...process.execArgv, ...o.nodeFlags, fileURLToPath(import.meta.url), '--child', '--size', String(o.size), '--queries', String(o.queries), '--snapshot', file]
      if (o.profile && run === 0) args.push('--profile')
      const result = spawnSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 64 * 2 ** 20 })
      if (result.status !== 0) throw new Error(`child failed (exit ${result.status}): ${result.stderr}`)
      const lines = result.stdout.split('\n')
      for (const line of lines) if (!line.startsWith('RESULT ')) console.log(line)
      const last = lines.find((line) => line.startsWith('RESULT ')) as string
      all.push(JSON.parse(last.slice('RESULT '.length)) as ChildTimes)
    }
    const fmt = (ms: number): string => ms.toFixed(1)
    console.log(`\n${o.size} articles, ${o.runs} fresh processes, medians:`)
    console.log(`  load ${fmt(median(all.map((t) => t.loadMs)))} ms`)
    for (let q = 0; q < o.queries; q++) console.log(`  related() #${q + 1} after load: ${fmt(median(all.map((t) => t.queriesMs[q] as number)))} ms`)
  } finally {
    if (o.snapshot === undefined) rmSync(directory, { recursive: true, force: true })
  }
}

await main()
