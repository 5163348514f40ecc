/**
 * `affectedBy` after adds, alone (the speed benchmark measures the same with everything else):
 * builds the speed corpus (Reuters-21578, 19,043 articles; larger sizes repeat it with fresh
 * ids, so every story then has exact copies), times `related` in the same process as the
 * reference, then removes sampled articles and adds them back one at a time, timing affectedBy
 * after each add (see `lib/speed-affected.ts`). `--check N` compares N further adds with brute
 * force (one query per stored article each). `--snapshot FILE` loads the index from FILE when it
 * exists (and saves it there after a build), so that repeated runs skip the build; with
 * `--build-only` the run stops after saving it. `--corpus scale` uses the duplicate-free synthetic
 * corpus of the scale benchmark (`lib/scale-corpus.ts`) instead of repeating Reuters. `--prime`
 * first computes every list with `iterateRelated({ k, primeAffectedBy: true })`, as a batch
 * precompute of cached lists would, so the adds start from a primed memory (kept apart from
 * unprimed runs in the results file). Last, the index is saved with its witness memory, loaded
 * again, and `--reload-adds N` (20) further adds are measured on the loaded index, its first
 * call included: what a service restarted from its own snapshot pays.
 *
 *   npx tsx benchmarks/affected.ts                       # 19,043 articles, 40 adds
 *   npx tsx benchmarks/affected.ts --sizes 19043,100000 --adds 40 --check 2
 *   npx tsx benchmarks/affected.ts --corpus scale --sizes 100000 --adds 200 --snapshot FILE
 *   npx tsx benchmarks/affected.ts --prime                # after a primed batch
 *
 * Writes `benchmarks/results/affected.json`. Exits 0 with a message when the corpus is absent.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { loadavg } from 'node:os'
import { resolve } from 'node:path'
import { RelatedIndex, type RelatedAllOptions } from '../src/index.js'
import type { RankerArticle } from './lib/datasets.js'
import { projectRoot } from './lib/paths.js'
import { loadScaleSources, scaleArticles } from './lib/scale-corpus.js'
import { measureAffectedBy, type AffectedBySummary } from './lib/speed-affected.js'
import { environment, loadSpeedCorpus, round, samplePositions, scaleCorpus, timeQueries, timed } from './lib/speed-corpus.js'

const K = 10

interface Options {
  sizes: number[]
  adds: number
  queries: number
  check: number
  snapshot: string | undefined
  corpus: 'speed' | 'scale'
  buildOnly: boolean
  /** Compute every list first with `iterateRelated({ k, primeAffectedBy: true })`, as a batch precompute of cached lists does. */
  prime: boolean
  /** Adds measured on the index saved with its witness memory and loaded again (0: skip). */
  reloadAdds: number
}

function parseOptions(argv: readonly string[]): Options {
  const o: Options = { sizes: [19043], adds: 40, queries: 200, check: 0, snapshot: undefined, corpus: 'speed', buildOnly: false, prime: false, reloadAdds: 20 }
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i] as string
    const value = argv[i + 1]
    const number = (): number => {
      const n = Number(value)
      if (value === undefined || !Number.isInteger(n) || n < 0) throw new Error(`${flag} needs a whole number`)
      i++
      return n
    }
    if (flag === '--sizes') {
      o.sizes = (value ?? '').split(',').map(Number)
      if (o.sizes.some((n) => !Number.isInteger(n) || n < 100)) throw new Error('--sizes needs whole numbers of at least 100, comma-separated')
      i++
    } else if (flag === '--adds') o.adds = Math.max(2, number())
    else if (flag === '--queries') o.queries = Math.max(1, number())
    else if (flag === '--check') o.check = number()
    else if (flag === '--snapshot' && value !== undefined) {
      o.snapshot = value
      i++
    } else if (flag === '--corpus' && (value === 'speed' || value === 'scale')) {
      o.corpus = value
      i++
    } else if (flag === '--build-only') o.buildOnly = true
    else if (flag === '--prime') o.prime = true
    else if (flag === '--reload-adds') o.reloadAdds = number()
    else throw new Error(`unknown option ${flag}`)
  }
  return o
}

interface SizeResult {
  articles: number
  /** NaN when the index was loaded from `--snapshot`. */
  buildSeconds: number
  loadAverage: number[]
  relatedP50Ms: number
  relatedP95Ms: number
  /** With `--prime`: seconds of the batch that computed every list and primed the memory (null without). */
  primeSeconds: number | null
  /** With `--prime`: seconds of the same batch without priming, run just before it. */
  unprimedSeconds: number | null
  affectedBy: AffectedBySummary
  /** With `--snapshot`: the first affectedBy call on a fresh load of the snapshot (its witness memory empty), ms. */
  firstCallAfterLoadMs: number | null
  /**
   * The index after the adds saved (with its witness memory, format 3) and loaded again: the
   * snapshot's size, the load, and `--reload-adds` adds measured as above on the loaded index
   * (its first call included).
   */
  savedMemory: { snapshotMB: number; loadSeconds: number; affectedBy: AffectedBySummary } | null
  /** Further adds whose affectedBy was compared with brute force, and how many matched. */
  checked: { adds: number; equal: number }
}

async function main(): Promise<void> {
  const o = parseOptions(process.argv.slice(2))
  const corpus = o.corpus === 'scale' ? await loadScaleSources() : await loadSpeedCorpus()
  if ('message' in corpus) {
    console.log(corpus.message)
    return
  }
  const results: SizeResult[] = []
  for (const n of o.sizes) {
    const articles = 'sources' in corpus ? [...scaleArticles(corpus.sources, { count: n })] : scaleCorpus(corpus.articles, n)
    const file = o.snapshot === undefined ? undefined : o.sizes.length > 1 ? `${o.snapshot}.${n}` : o.snapshot
    let index = new RelatedIndex()
    let buildSeconds = NaN
    if (file !== undefined && existsSync(file)) {
      console.log(`[${n}] load ${file}`)
      index = RelatedIndex.deserialize(readFileSync(file))
      if (index.size !== n) throw new Error(`${file} holds ${index.size} articles, not ${n}`)
    } else {
      console.log(`[${n}] build`)
      buildSeconds = (await timedAsync(() => index.addStream(articles, { threads: 2 }))).seconds
      if (file !== undefined) writeFileSync(file, index.serialize())
    }
    if (o.buildOnly) continue
    const queryIds = samplePositions(0, n, o.queries, 'related').map((p) => (articles[p] as RankerArticle).id)
    console.log(`[${n}] related × ${queryIds.length}`)
    const related = timeQueries(queryIds, (id) => index.related(id, { k: K }))
    let primeSeconds: number | null = null
    let unprimedSeconds: number | null = null
    if (o.prime) {
      // The same batch without priming first (the same lists; `minScore: 0` changes nothing but
      // keeps the batch from priming), so the priming's cost is a ratio within one run.
      const batch = (options: RelatedAllOptions): number =>
        round(
          timed(() => {
            for (const _entry of index.iterateRelated(options)) void _entry
          }).seconds,
          1,
        )
      console.log(`[${n}] iterateRelated({ k: ${K} }), then the same with primeAffectedBy: true`)
      unprimedSeconds = batch({ k: K, minScore: 0 })
      primeSeconds = batch({ k: K, primeAffectedBy: true })
    }
    const sampled = samplePositions(0, n, o.adds + o.check + o.reloadAdds, 'affectedBy').map((p) => articles[p] as RankerArticle)
    console.log(`[${n}] affectedBy after ${o.adds} adds`)
    const affectedBy = measureAffectedBy(index, sampled.slice(0, o.adds), K)
    const checked = { adds: 0, equal: 0 }
    for (const article of sampled.slice(o.adds, o.adds + o.check)) {
      index.remove(article.id)
      index.add(article)
      const got = index.affectedBy(article.id, { k: K })
      const want = index
        .ids()
        .filter((x) => x !== article.id && index.related(x, { k: K }).some((r) => r.id === article.id || r.reasons.duplicates.includes(article.id)))
        .sort()
      checked.adds++
      if (JSON.stringify(got) === JSON.stringify(want)) checked.equal++
      else console.log(`[${n}] MISMATCH for ${article.id}: ${JSON.stringify(got)} against brute force ${JSON.stringify(want)}`)
    }
    let savedMemory: SizeResult['savedMemory'] = null
    if (o.reloadAdds > 0) {
      console.log(`[${n}] saved with its witness memory, loaded, then affectedBy after ${o.reloadAdds} adds`)
      const bytes = index.serialize()
      const start = performance.now()
      const reloaded = RelatedIndex.deserialize(bytes)
      const loadSeconds = round((performance.now() - start) / 1000, 1)
      const snapshotMB = round(bytes.byteLength / 1e6, 1)
      savedMemory = { snapshotMB, loadSeconds, affectedBy: measureAffectedBy(reloaded, sampled.slice(o.adds + o.check), K) }
    }
    let firstCallAfterLoadMs = NaN
    if (file !== undefined && existsSync(file)) {
      console.log(`[${n}] first affectedBy after a load of ${file}`)
      index = new RelatedIndex()
      const loaded = RelatedIndex.deserialize(readFileSync(file))
      const probe = loaded.ids()[0] as string
      const t = performance.now()
      loaded.affectedBy(probe, { k: K })
      firstCallAfterLoadMs = Math.round(performance.now() - t)
    }
    const result: SizeResult = {
      articles: n,
      savedMemory,
      firstCallAfterLoadMs: Number.isNaN(firstCallAfterLoadMs) ? null : firstCallAfterLoadMs,
      buildSeconds: Math.round(buildSeconds * 10) / 10,
      loadAverage: loadavg().map((l) => Math.round(l * 100) / 100),
      relatedP50Ms: related.p50Ms,
      relatedP95Ms: related.p95Ms,
      primeSeconds,
      unprimedSeconds,
      affectedBy,
      checked,
    }
    console.log(JSON.stringify(result, null, 2))
    results.push(result)
  }
  if (results.length === 0) return
  const dir = resolve(projectRoot, 'benchmarks', 'results')
  mkdirSync(dir, { recursive: true })
  const file = resolve(dir, 'affected.json')
  // Sizes measured by earlier runs stay (each with its own options and environment).
  const earlier = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as { runs?: unknown[] }).runs ?? [] : []
  const runs = [
    ...earlier.filter((r) => {
      const { result, options } = r as { result: SizeResult; options: { prime?: boolean } }
      return !results.some((x) => x.articles === result.articles) || (options.prime ?? false) !== o.prime
    }),
    // The snapshot's path is the caller's machine's business: only whether one was used is kept.
    ...results.map((result) => ({ options: { ...o, snapshot: o.snapshot !== undefined }, environment: environment(), result })),
  ].sort((a, b) => (a as { result: SizeResult }).result.articles - (b as { result: SizeResult }).result.articles)
  writeFileSync(file, `${JSON.stringify({ k: K, runs }, null, 2)}\n`)
}

async function timedAsync(run: () => Promise<unknown>): Promise<{ seconds: number }> {
  const start = performance.now()
  await run()
  return { seconds: (performance.now() - start) / 1000 }
}

await main()
