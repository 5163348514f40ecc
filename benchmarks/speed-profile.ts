/**
 * Where the time of one speed-benchmark phase goes: a V8 CPU profile (the same sampler as
 * `node --cpu-prof`) taken over that phase only, summarised as self time per function and per
 * source file. A companion of `benchmarks/speed.ts` for explaining a missed target.
 *
 *   npx tsx benchmarks/speed-profile.ts [--phase related|relatedTo|build|relatedAll] [--size 19043]
 *                                       [--queries 200] [--passes 5] [--top 25] [--write FILE.cpuprofile]
 *
 * `related` and `relatedTo` profile `passes` passes over the same seeded queries as speed.ts
 * (after a warm-up pass); `build` profiles one `addAll`; `relatedAll` profiles `relatedAll({k:10})`
 * over the first `queries` ids. `--write` saves the raw profile for Chrome DevTools.
 * Exits 0 with a message when the corpus is absent.
 */
import { writeFileSync } from 'node:fs'
import { Session, type Profiler } from 'node:inspector'
import { relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { RelatedIndex, type Draft } from '../src/index.js'
import type { RankerArticle } from './lib/datasets.js'
import { projectRoot } from './lib/paths.js'
import { loadSpeedCorpus, samplePositions, scaleCorpus } from './lib/speed-corpus.js'

type Phase = 'related' | 'relatedTo' | 'build' | 'relatedAll'

function parse(argv: readonly string[]): { phase: Phase; size: number; queries: number; passes: number; top: number; write: string | undefined } {
  const o = { phase: 'related' as Phase, size: 19043, queries: 200, passes: 5, top: 25, write: undefined as string | undefined }
  for (let i = 0; i < argv.length; i += 2) {
    const [flag, value] = [argv[i], argv[i + 1] ?? '']
    if (flag === '--phase' && ['related', 'relatedTo', 'build', 'relatedAll'].includes(value)) o.phase = value as Phase
    else if (flag === '--write') o.write = value
    else if (flag === '--size' || flag === '--queries' || flag === '--passes' || flag === '--top') {
      const n = Number(value)
      if (!Number.isSafeInteger(n) || n <= 0) throw new Error(`${flag} expects a positive integer, got ${JSON.stringify(value)}`)
      o[flag.slice(2) as 'size' | 'queries' | 'passes' | 'top'] = n
    } else throw new Error(`unknown or invalid argument ${JSON.stringify(flag)}; see the header of benchmarks/speed-profile.ts`)
  }
  return o
}

function post<T>(session: Session, method: string, params?: object): Promise<T> {
  return new Promise((resolvePost, reject) => {
    session.post(method, params ?? {}, (error, result) => (error ? reject(error) : resolvePost(result as T)))
  })
}

async function profile(run: () => void): Promise<Profiler.Profile> {
  const session = new Session()
  session.connect()
  await post(session, 'Profiler.enable')
  await post(session, 'Profiler.setSamplingInterval', { interval: 100 }) // µs
  await post(session, 'Profiler.start')
  run()
  const { profile: result } = await post<{ profile: Profiler.Profile }>(session, 'Profiler.stop')
  session.disconnect()
  return result
}

function where(url: string, line: number): string {
  if (url === '') return '(native)'
  const path = url.startsWith('file://') ? fileURLToPath(url) : url
  const rel = relative(projectRoot, path)
  const file = rel.startsWith('..') ? (path.split('node_modules/').pop() ?? path) : rel
  // tsx-transformed modules can report every function at line 0: then the line says nothing.
  return line > 0 ? `${file}:${line + 1}` : file
}

/** Self time per function and per file, in ms, largest first. */
function summarize(p: Profiler.Profile, top: number): void {
  const total = (p.endTime - p.startTime) / 1000
  const samples = p.nodes.reduce((sum, n) => sum + (n.hitCount ?? 0), 0)
  const msPerSample = total / Math.max(1, samples)
  const byFunction = new Map<string, number>()
  const byFile = new Map<string, number>()
  const byArea = new Map<string, number>()
  for (const node of p.nodes) {
    const ms = (node.hitCount ?? 0) * msPerSample
    if (ms === 0) continue
    const { functionName, url, lineNumber } = node.callFrame
    const fn = `${functionName || '(anonymous)'}  ${where(url, lineNumber)}`
    byFunction.set(fn, (byFunction.get(fn) ?? 0) + ms)
    const file = url === '' ? functionName : where(url, 0)
    byFile.set(file, (byFile.get(file) ?? 0) + ms)
    // Area: a package (wink-nlp), a source folder (src/ranking), or V8 itself (GC, native code).
    const parts = file.split('/')
    const area = url === '' ? functionName : parts[0] === 'src' || parts[0] === 'node_modules' ? parts.slice(0, 2).join('/') : (parts[0] ?? file)
    byArea.set(area, (byArea.get(area) ?? 0) + ms)
  }
  const print = (title: string, map: Map<string, number>): void => {
    console.log(`\n${title}`)
    for (const [name, ms] of [...map].sort((a, b) => b[1] - a[1]).slice(0, top)) {
      console.log(`${ms.toFixed(1).padStart(9)} ms ${((100 * ms) / total).toFixed(1).padStart(5)}%  ${name}`)
    }
  }
  console.log(`profiled ${total.toFixed(0)} ms, ${samples} samples`)
  print('Self time by function:', byFunction)
  print('Self time by file:', byFile)
  print('Self time by area:', byArea)
}

async function main(): Promise<void> {
  const o = parse(process.argv.slice(2))
  const loaded = await loadSpeedCorpus()
  if (loaded.articles === undefined) {
    console.log(`Skipping the speed profile: ${loaded.message}.`)
    return
  }
  const articles = scaleCorpus(loaded.articles, o.size)
  const ids = samplePositions(0, o.size, o.queries, 'related').map((p) => (articles[p] as RankerArticle).id)
  let run: () => void
  const index = new RelatedIndex()
  if (o.phase === 'build') {
    run = () => index.addAll(articles)
  } else {
    index.addAll(articles)
    if (o.phase === 'related') {
      for (const id of ids) index.related(id, { k: 10 })
      run = () => {
        for (let p = 0; p < o.passes; p++) for (const id of ids) index.related(id, { k: 10 })
      }
    } else if (o.phase === 'relatedTo') {
      const drafts: Draft[] = ids.map((id) => {
        const a = index.get(id) as Draft
        return { id, title: a.title, body: a.body, ...(a.publishedAt === undefined ? {} : { publishedAt: a.publishedAt }) }
      })
      for (const d of drafts) index.relatedTo(d, { k: 10 })
      run = () => {
        for (let p = 0; p < o.passes; p++) for (const d of drafts) index.relatedTo(d, { k: 10 })
      }
    } else {
      const relatedAll = (index as unknown as { relatedAll?: (options: object) => unknown }).relatedAll
      if (typeof relatedAll !== 'function') {
        console.log('relatedAll: n/a (not implemented)')
        return
      }
      run = () => {
        const out = relatedAll.call(index, { k: 10, ids })
        if (!Array.isArray(out)) for (const _entry of out as Iterable<unknown>) void _entry
      }
    }
  }
  console.log(`Profiling ${o.phase} at ${o.size} articles${o.phase === 'build' ? '' : `, ${ids.length} queries × ${o.phase === 'relatedAll' ? 1 : o.passes} passes`}`)
  const result = await profile(run)
  if (o.write !== undefined) writeFileSync(o.write, JSON.stringify(result))
  summarize(result, o.top)
}

await main()
