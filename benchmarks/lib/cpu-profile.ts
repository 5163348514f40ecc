/**
 * A V8 CPU profile of one stretch of work (the sampler of `node --cpu-prof`, through
 * `node:inspector`), and its summary as self time per function, file and area. Shared by the
 * profiling companions of the benchmarks (`speed-profile.ts`, `scale-profile.ts`).
 */
import { Session, type Profiler } from 'node:inspector'
import { relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { projectRoot } from './paths.js'

function post<T>(session: Session, method: string, params?: object): Promise<T> {
  return new Promise((resolvePost, reject) => {
    session.post(method, params ?? {}, (error, result) => (error ? reject(error) : resolvePost(result as T)))
  })
}

/** Profiles `run` (awaited when it returns a promise), sampling every `intervalMicros` µs. */
export async function cpuProfile(run: () => unknown, intervalMicros: number): Promise<Profiler.Profile> {
  const session = new Session()
  session.connect()
  try {
    await post(session, 'Profiler.enable')
    await post(session, 'Profiler.setSamplingInterval', { interval: intervalMicros })
    await post(session, 'Profiler.start')
    await run()
    const { profile } = await post<{ profile: Profiler.Profile }>(session, 'Profiler.stop')
    return profile
  } finally {
    session.disconnect()
  }
}

function where(url: string, line: number): string {
  if (url === '') return '(native)'
  const path = url.startsWith('file://') ? fileURLToPath(url) : url
  const rel = relative(projectRoot, path)
  const file = rel.startsWith('..') ? (path.split('node_modules/').pop() ?? path) : rel
  // tsx-transformed modules can report every function at line 0: then the line says nothing.
  return line > 0 ? `${file}:${line + 1}` : file
}

/** Prints self time per function, per file and per area (a package, a source folder, V8 itself), largest first. */
export function printProfileSummary(p: Profiler.Profile, top: number): void {
  const total = (p.endTime - p.startTime) / 1000
  const samples = p.nodes.reduce((sum, n) => sum + (n.hitCount ?? 0), 0)
  const msPerSample = total / Math.max(1, samples)
  const maps = { function: new Map<string, number>(), file: new Map<string, number>(), area: new Map<string, number>() }
  const add = (map: Map<string, number>, key: string, ms: number): void => void map.set(key, (map.get(key) ?? 0) + ms)
  for (const node of p.nodes) {
    const ms = (node.hitCount ?? 0) * msPerSample
    if (ms === 0) continue
    const { functionName, url, lineNumber } = node.callFrame
    add(maps.function, `${functionName || '(anonymous)'}  ${where(url, lineNumber)}`, ms)
    const file = url === '' ? functionName : where(url, 0)
    add(maps.file, file, ms)
    const parts = file.split('/')
    add(maps.area, url === '' ? functionName : parts[0] === 'src' || parts[0] === 'node_modules' ? parts.slice(0, 2).join('/') : (parts[0] ?? file), ms)
  }
  console.log(`profiled ${total.toFixed(0)} ms, ${samples} samples`)
  for (const [title, map] of Object.entries(maps)) {
    console.log(`\nSelf time by ${title}:`)
    for (const [name, ms] of [...map].sort((a, b) => b[1] - a[1]).slice(0, top)) {
      console.log(`${ms.toFixed(1).padStart(9)} ms ${((100 * ms) / total).toFixed(1).padStart(5)}%  ${name}`)
    }
  }
}
