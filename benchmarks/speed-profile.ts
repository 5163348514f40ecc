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
import { RelatedIndex, type Draft } from '../src/index.js'
import type { RankerArticle } from './lib/datasets.js'
import { cpuProfile, printProfileSummary } from './lib/cpu-profile.js'
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
  const result = await cpuProfile(run, 100)
  if (o.write !== undefined) writeFileSync(o.write, JSON.stringify(result))
  printProfileSummary(result, o.top)
}

await main()
