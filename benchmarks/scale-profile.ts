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
import { Session, type Profiler } from 'node:inspector'
import { relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { RelatedIndex } from '../src/index.js'
import { projectRoot } from './lib/paths.js'
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

function post<T>(session: Session, method: string, params?: object): Promise<T> {
  return new Promise((resolvePost, reject) => {
    session.post(method, params ?? {}, (error, result) => (error ? reject(error) : resolvePost(result as T)))
  })
}

function where(url: string, line: number): string {
  if (url === '') return '(native)'
  const path = url.startsWith('file://') ? fileURLToPath(url) : url
  const rel = relative(projectRoot, path)
  const file = rel.startsWith('..') ? (path.split('node_modules/').pop() ?? path) : rel
  return line > 0 ? `${file}:${line + 1}` : file
}

function summarize(p: Profiler.Profile, top: number): void {
  const total = (p.endTime - p.startTime) / 1000
  const samples = p.nodes.reduce((sum, n) => sum + (n.hitCount ?? 0), 0)
  const msPerSample = total / Math.max(1, samples)
  const maps = { function: new Map<string, number>(), file: new Map<string, number>(), area: new Map<string, number>() }
  for (const node of p.nodes) {
    const ms = (node.hitCount ?? 0) * msPerSample
    if (ms === 0) continue
    const { functionName, url, lineNumber } = node.callFrame
    const add = (map: Map<string, number>, key: string): void => void map.set(key, (map.get(key) ?? 0) + ms)
    add(maps.function, `${functionName || '(anonymous)'}  ${where(url, lineNumber)}`)
    const file = url === '' ? functionName : where(url, 0)
    add(maps.file, file)
    const parts = file.split('/')
    add(maps.area, url === '' ? functionName : parts[0] === 'src' || parts[0] === 'node_modules' ? parts.slice(0, 2).join('/') : (parts[0] ?? file))
  }
  console.log(`profiled ${total.toFixed(0)} ms, ${samples} samples`)
  for (const [title, map] of Object.entries(maps)) {
    console.log(`\nSelf time by ${title}:`)
    for (const [name, ms] of [...map].sort((a, b) => b[1] - a[1]).slice(0, top)) {
      console.log(`${ms.toFixed(0).padStart(8)} ms ${((100 * ms) / total).toFixed(1).padStart(5)}%  ${name}`)
    }
  }
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
  const session = new Session()
  session.connect()
  await post(session, 'Profiler.enable')
  await post(session, 'Profiler.setSamplingInterval', { interval: 1000 })
  await post(session, 'Profiler.start')
  const start = performance.now()
  const cpu = process.cpuUsage()
  await new RelatedIndex().addStream(source, { threads: o.threads })
  const used = process.cpuUsage(cpu)
  const seconds = (performance.now() - start) / 1000
  const { profile } = await post<{ profile: Profiler.Profile }>(session, 'Profiler.stop')
  session.disconnect()
  console.log(`addStream of ${o.size} scale articles on ${o.threads} thread(s)${o.pregenerate ? ' (pregenerated)' : ''}: ${seconds.toFixed(1)} s wall, ${((used.user + used.system) / 1e6).toFixed(1)} s CPU`)
  if (o.write !== undefined) writeFileSync(o.write, JSON.stringify(profile))
  summarize(profile, o.top)
}

await main()
