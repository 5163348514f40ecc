/**
 * Norms refresh benchmark (issue 14): what recomputing idf and document norms costs after a
 * change, the step every first query after an add, update or remove pays. Builds N articles of
 * the duplicate-free scaling corpus (`benchmarks/lib/scale-corpus.ts`), then times on the text
 * field, interleaved and in the same process:
 *
 * - **ours**: the index's refresh (idf, then each norm summed order-free on grids derived from a
 *   bound kept per document);
 * - **first pass**: the same order-free sum with its grid derived from a first pass over the
 *   document's terms for the largest one (what the index did before);
 * - **plain**: idf, then a plain loop in term-id order, whose last bits depend on the order the
 *   articles arrived in (what the index did before norms were summed order-free).
 *
 *   npx tsx benchmarks/norms-refresh.ts                  # 20,000 articles
 *   npx tsx benchmarks/norms-refresh.ts --size 100000 --rounds 15
 *
 * Reports medians and ratios to plain, and the largest relative difference between our norms and
 * the plain ones. Writes `benchmarks/results/norms-refresh.json`; exits 0 with a message when the
 * Reuters corpus is absent.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { RelatedIndex } from '../src/index.js'
import { BIN, BIN_MAGIC } from '../src/index/exact-sum.js'
import type { FieldIndex } from '../src/index/field-index.js'
import { internalsOf } from '../src/ranking/related-index.js'
import { projectRoot } from './lib/paths.js'
import { loadScaleSources, scaleArticles } from './lib/scale-corpus.js'
import { environment, median, round } from './lib/speed-corpus.js'

const { values } = parseArgs({ options: { size: { type: 'string', default: '20000' }, rounds: { type: 'string', default: '15' } } })
const size = Number(values.size)
const rounds = Number(values.rounds)

/** The parts of a field the loops read (private members, reached on purpose for the benchmark). */
interface FieldParts {
  start: Int32Array
  length: Int32Array
  ids: Int32Array
  tfs: Float32Array
  df: Int32Array
  terms: number
  slots: number
  documents: number
}

function partsOf(field: FieldIndex): FieldParts {
  const forward = field['forward']
  return {
    start: forward.start,
    length: forward.length,
    ids: forward.ids,
    tfs: forward.values,
    df: field['df'],
    terms: field.vocabularySize,
    slots: field['slotCount'],
    documents: field.size,
  }
}

function idfOf(p: FieldParts, idf: Float64Array): void {
  for (let t = 0; t < p.terms; t++) idf[t] = Math.log((1 + p.documents) / (1 + (p.df[t] as number))) + 1
}

function plain(p: FieldParts, idf: Float64Array, out: Float64Array): void {
  idfOf(p, idf)
  for (let s = 0; s < p.slots; s++) {
    const from = p.start[s] as number
    const to = from + (p.length[s] as number)
    let sum = 0
    for (let i = from; i < to; i++) {
      const w = (p.tfs[i] as number) * (idf[p.ids[i] as number] as number)
      sum += w * w
    }
    out[s] = Math.sqrt(sum)
  }
}

function firstPass(p: FieldParts, idf: Float64Array, out: Float64Array): void {
  idfOf(p, idf)
  for (let s = 0; s < p.slots; s++) {
    const from = p.start[s] as number
    const length = p.length[s] as number
    const to = from + length
    let max = 0
    for (let i = from; i < to; i++) {
      const w = (p.tfs[i] as number) * (idf[p.ids[i] as number] as number)
      if (w * w > max) max = w * w
    }
    if (!(max > 0)) {
      out[s] = 0
      continue
    }
    const u1 = 2 ** Math.ceil(Math.log2(length * max)) * BIN
    const c1 = BIN_MAGIC * u1
    const c2 = c1 * BIN
    const c3 = c2 * BIN
    let s1 = 0
    let s2 = 0
    let s3 = 0
    for (let i = from; i < to; i++) {
      const w = (p.tfs[i] as number) * (idf[p.ids[i] as number] as number)
      const x = w * w
      const h1 = x + c1 - c1
      const r1 = x - h1
      const h2 = r1 + c2 - c2
      s1 += h1
      s2 += h2
      s3 += r1 - h2 + c3 - c3
    }
    out[s] = Math.sqrt(s1 + s2 + s3)
  }
}

async function main(): Promise<void> {
  const loaded = await loadScaleSources()
  if (loaded.sources === undefined) {
    console.log(loaded.message)
    return
  }
  const env = environment()
  console.log(`Norms refresh: ${size} scale articles, ${rounds} rounds; ${env.cpu}, ${env.cores} cores, Node ${env.node}, load ${env.loadAverage1m}`)
  const index = new RelatedIndex()
  await index.addStream(scaleArticles(loaded.sources, { count: size }))
  const field = internalsOf(index).store.text
  const p = partsOf(field)
  const idf = new Float64Array(p.terms)
  const out = new Float64Array(p.slots)
  let entries = 0
  for (let s = 0; s < p.slots; s++) entries += p.length[s] as number
  const ours = (): void => {
    field['statsFresh'] = false
    field.documentNorms()
  }
  const runs: Record<string, () => void> = { plain: () => plain(p, idf, out), firstPass: () => firstPass(p, idf, out), ours }
  const times: Record<string, number[]> = { plain: [], firstPass: [], ours: [] }
  for (let r = 0; r < rounds + 1; r++) {
    for (const [name, run] of Object.entries(runs)) {
      const start = performance.now()
      run()
      // The first round warms up the JIT and is not counted.
      if (r > 0) times[name]?.push(performance.now() - start)
    }
  }
  plain(p, idf, out)
  const norms = field.documentNorms()
  let maxRelativeDifference = 0
  for (let s = 0; s < p.slots; s++) {
    const a = norms[s] as number
    const b = out[s] as number
    if (b > 0) maxRelativeDifference = Math.max(maxRelativeDifference, Math.abs(a - b) / b)
  }
  const plainMs = median(times.plain as number[])
  const result = {
    command: `npx tsx benchmarks/norms-refresh.ts ${process.argv.slice(2).join(' ')}`.trim(),
    environment: env,
    articles: size,
    textEntries: entries,
    textTerms: p.terms,
    rounds,
    medianMs: Object.fromEntries(Object.entries(times).map(([k, v]) => [k, round(median(v), 2)])),
    overPlain: Object.fromEntries(Object.entries(times).map(([k, v]) => [k, round(median(v) / plainMs, 2)])),
    maxRelativeDifferenceToPlain: maxRelativeDifference,
  }
  console.log(JSON.stringify(result.medianMs), JSON.stringify(result.overPlain), `max relative difference ${maxRelativeDifference.toExponential(2)}`)
  const dir = resolve(projectRoot, 'benchmarks', 'results')
  mkdirSync(dir, { recursive: true })
  writeFileSync(resolve(dir, 'norms-refresh.json'), `${JSON.stringify(result, null, 2)}\n`)
}

await main()
