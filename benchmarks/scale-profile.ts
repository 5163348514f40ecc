/**
 * Where the time of a scale-corpus build goes: a V8 CPU profile (the sampler of `node --cpu-prof`)
 * over `addStream` of the duplicate-free scaling corpus, summarised as self time per function,
 * file and area (a package, a source folder, V8's garbage collector). A companion of
 * `benchmarks/scale.ts` for explaining a slow build.
 *
 *   npx tsx benchmarks/scale-profile.ts [--size 20000] [--top 30] [--threads 1] [--pregenerate] [--write FILE.cpuprofile]
 *
 * With `--threads N` (> 1) the analysis runs on N worker threads and the profile shows the loading
 * thread only: generation, the hand-off to and from the threads, storing.
 * `--pregenerate` builds from an array generated before the profile starts, so the generator's
 * time is left out. Exits 0 with a message when the Reuters corpus is absent.
 */
import { writeFileSync } from 'node:fs'
import { RelatedIndex } from '../src/index.js'
import { cpuProfile, printProfileSummary } from './lib/cpu-profile.js'
import { loadScaleSources, scaleArticles } from './lib/scale-corpus.js'

interface Options {
  size: number
  top: number
  threads: number
  pregenerate: boolean
  write: string | undefined
}

function parse(argv: readonly string[]): Options {
  const o: Options = { size: 20_000, top: 30, threads: 1, pregenerate: false, write: undefined }
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]
    if (flag === '--pregenerate') o.pregenerate = true
    else if (flag === '--write') o.write = argv[++i]
    else if (flag === '--size' || flag === '--top' || flag === '--threads') {
      const n = Number(argv[++i])
      if (!Number.isSafeInteger(n) || n <= 0) throw new Error(`${flag} expects a positive integer`)
      o[flag.slice(2) as 'size' | 'top' | 'threads'] = n
    } else throw new Error(`unknown argument ${JSON.stringify(flag)}; see the header of benchmarks/scale-profile.ts`)
  }
  return o
}

async function main(): Promise<void> {
  const o = parse(process.argv.slice(2))
  const loaded = await loadScaleSources()
  if (loaded.sources === undefined) {
    console.log(`scale profile skipped: ${loaded.message}`)
    return
  }
  const sources = loaded.sources
  const warm = new RelatedIndex()
  await warm.addStream(scaleArticles(sources, { count: 300, first: o.size + 10_000 }))
  const source = o.pregenerate ? [...scaleArticles(sources, { count: o.size })] : scaleArticles(sources, { count: o.size })
  let seconds = 0
  let used = { user: 0, system: 0 }
  const profile = await cpuProfile(async () => {
    const start = performance.now()
    const cpu = process.cpuUsage()
    await new RelatedIndex().addStream(source, { threads: o.threads })
    used = process.cpuUsage(cpu)
    seconds = (performance.now() - start) / 1000
  }, 1000)
  console.log(`addStream of ${o.size} scale articles on ${o.threads} thread(s)${o.pregenerate ? ' (pregenerated)' : ''}: ${seconds.toFixed(1)} s wall, ${((used.user + used.system) / 1e6).toFixed(1)} s CPU`)
  if (o.write !== undefined) writeFileSync(o.write, JSON.stringify(profile))
  printProfileSummary(profile, o.top)
}

await main()
