/**
 * Heap of a bulk load: `addAll` (all or nothing: every article's analysis is held until the end)
 * against `addStream` (one batch at a time) over the same articles of the scaling corpus, each in
 * its own process, so the peaks do not mix.
 *
 *   node --expose-gc --import tsx benchmarks/bulk-load-memory.ts 20000
 *
 * Prints, per mode: build seconds, the peak heap above the base (sampled every 250 articles for
 * addAll, after every batch for addStream), the heap after the build and a full GC above the base,
 * and the process's peak RSS. The articles are generated into an array first (the base includes
 * them), as a caller holding its articles would.
 */
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { RelatedIndex } from '../src/index.js'
import { loadScaleSources, scaleArticles } from './lib/scale-corpus.js'

const [first, second] = process.argv.slice(2)

async function measure(mode: 'addAll' | 'addStream', n: number): Promise<void> {
  const loaded = await loadScaleSources()
  if (loaded.sources === undefined) {
    console.log(`bulk-load memory skipped: ${loaded.message}`)
    return
  }
  const articles = [...scaleArticles(loaded.sources, { count: n })]
  const gc = (): void => {
    if (typeof globalThis.gc !== 'function') throw new Error('run node with --expose-gc')
    globalThis.gc()
    globalThis.gc()
  }
  gc()
  const base = process.memoryUsage().heapUsed
  let peak = 0
  const sample = (): void => {
    peak = Math.max(peak, process.memoryUsage().heapUsed)
  }
  const index = new RelatedIndex()
  const start = performance.now()
  if (mode === 'addAll') index.addAll(articles, { onProgress: ({ done }) => done % 250 === 0 && sample() })
  else await index.addStream(articles, { onProgress: sample })
  const seconds = (performance.now() - start) / 1000
  gc()
  const after = process.memoryUsage().heapUsed
  const mb = (bytes: number): number => Math.round(bytes / 1e6)
  console.log(
    JSON.stringify({ mode, articles: index.size, seconds: Math.round(seconds), peakHeapAboveBaseMB: mb(peak - base), heapAfterGcAboveBaseMB: mb(after - base), peakRssMB: mb(process.resourceUsage().maxRSS * 1024) }),
  )
}

if (first === 'addAll' || first === 'addStream') await measure(first, Number(second))
else {
  const n = Number(first ?? 20000)
  if (!Number.isSafeInteger(n) || n <= 0) throw new Error(`expected an article count, got ${JSON.stringify(first)}`)
  for (const mode of ['addAll', 'addStream']) {
    spawnSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), mode, String(n)], { stdio: 'inherit' })
  }
}
