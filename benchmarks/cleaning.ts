/**
 * Cleaning benchmark: what page-furniture removal takes out of each labelled set, and what it
 * does to ranking quality, measured against the same index with cleaning off in the same run.
 *
 *   npx tsx benchmarks/cleaning.ts [--datasets gva-incidents-dev,allsides-stories-2021] [--no-quality]
 *
 * Prints, per dataset: characters and lines removed by kind (see `FurnitureKind`), how many
 * titles lost an outlet suffix or prefix, the headings that opened boxes; then nDCG@10 and MAP
 * of the default index against `analysis: { furniture: false }`, and with site furniture learned
 * from the set (`learnSiteFurniture`) where articles have a source. Writes (merging with earlier
 * runs, so `--datasets` refreshes just those) `benchmarks/results/cleaning.json`. Only counts and furniture labels are stored, never the
 * articles' text.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { cpus, platform } from 'node:os'
import { resolve } from 'node:path'
import { createAnalyzer, type FurnitureKind, learnSiteFurniture, type RemovedLine } from '../src/analysis/index.js'
import { evaluateRun, type Ranking } from '../src/evaluation/index.js'
import { RelatedIndex, type RelatedIndexOptions } from '../src/index.js'
import { LABELLED_DATASETS, loadDataset, type Dataset } from './lib/datasets.js'
import { projectRoot } from './lib/paths.js'

const DEPTH = 100
const RELEVANCE_THRESHOLD = 2
const RESULTS_FILE = resolve(projectRoot, 'benchmarks', 'results', 'cleaning.json')
/** The headings listed per dataset: the most frequent ones. */
const TOP_HEADINGS = 15

interface KindCount {
  lines: number
  chars: number
  articles: number
}

interface CleaningFacts {
  articles: number
  bodyChars: number
  removedChars: number
  removedShare: number
  articlesTouched: number
  titlesWithSuffix: number
  byKind: Partial<Record<FurnitureKind, KindCount>>
  /** Heading lines that opened a box (furniture labels such as "RELATED STORIES:"), with counts. */
  boxHeadings: [string, number][]
  /** Articles whose cleaned body is under half of the raw one (to inspect by hand). */
  articlesHalved: number
}

interface QualityPair {
  queries: number
  cleaned: { ndcg10: number; map: number }
  raw: { ndcg10: number; map: number }
  /** Cleaning plus `learnSiteFurniture` over the set's own articles, when they have sources. */
  withLearnedSiteFurniture?: { ndcg10: number; map: number; lines: number; sites: number }
}

function parseArgs(argv: string[]): { datasets: string[]; quality: boolean } {
  let datasets = [...LABELLED_DATASETS]
  let quality = true
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string
    if (arg === '--datasets') datasets = (argv[++i] ?? '').split(',').filter((s) => s !== '')
    else if (arg.startsWith('--datasets=')) datasets = arg.slice('--datasets='.length).split(',').filter((s) => s !== '')
    else if (arg === '--no-quality') quality = false
    else {
      console.error(`cleaning: unknown argument ${arg}\nusage: npx tsx benchmarks/cleaning.ts [--datasets name,name] [--no-quality]`)
      process.exit(2)
    }
  }
  return { datasets, quality }
}

function cleaningFacts(dataset: Dataset): CleaningFacts {
  const analyzer = createAnalyzer()
  const byKind: Partial<Record<FurnitureKind, KindCount>> = {}
  const headings = new Map<string, number>()
  let bodyChars = 0
  let removedChars = 0
  let touched = 0
  let titles = 0
  let halved = 0
  for (const article of dataset.articles) {
    const removed: RemovedLine[] = analyzer.analyze(article, { explain: true }).removed ?? []
    const raw = analyzer.normalize(article.body, { explain: false, ...(article.source === undefined ? {} : { source: article.source }) })
    bodyChars += article.body.length
    if (raw.length < article.body.length / 2) halved++
    if (removed.length > 0) touched++
    const kinds = new Set<FurnitureKind>()
    let boxOpen = false
    for (const line of removed) {
      if (line.field === 'title') {
        titles++
        continue
      }
      const count = (byKind[line.kind] ??= { lines: 0, chars: 0, articles: 0 })
      count.lines++
      count.chars += line.text.length
      removedChars += line.text.length
      if (!kinds.has(line.kind)) count.articles++
      kinds.add(line.kind)
      // The first line of each box is its heading.
      if (line.kind === 'trailing' && !boxOpen) headings.set(line.text, (headings.get(line.text) ?? 0) + 1)
      boxOpen = line.kind === 'trailing'
    }
  }
  return {
    articles: dataset.articles.length,
    bodyChars,
    removedChars,
    removedShare: removedChars / Math.max(1, bodyChars),
    articlesTouched: touched,
    titlesWithSuffix: titles,
    byKind,
    boxHeadings: [...headings].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, TOP_HEADINGS),
    articlesHalved: halved,
  }
}

function quality(dataset: Dataset, options: RelatedIndexOptions): { ndcg10: number; map: number; queries: number } {
  const index = new RelatedIndex(options)
  index.addAll(dataset.articles)
  const run = new Map<string, Ranking>()
  for (const q of dataset.queries) run.set(q, index.related(q, { k: DEPTH }).map((r) => r.id))
  const { mean, queryCount } = evaluateRun(dataset.qrels, run, { cutoffs: [10], relevanceThreshold: RELEVANCE_THRESHOLD, queries: dataset.queries })
  return { ndcg10: mean.ndcg[10] as number, map: mean.map, queries: queryCount }
}

const round = (value: number): number => Math.round(value * 10_000) / 10_000

async function main(): Promise<void> {
  const { datasets, quality: withQuality } = parseArgs(process.argv.slice(2))
  const earlier = existsSync(RESULTS_FILE) ? (JSON.parse(readFileSync(RESULTS_FILE, 'utf8')) as { datasets?: Record<string, unknown> }).datasets : undefined
  const results: Record<string, unknown> = { ...earlier }
  for (const name of datasets) {
    const loaded = await loadDataset(name)
    if (loaded.dataset === undefined) {
      console.log(loaded.message)
      continue
    }
    const dataset = loaded.dataset
    const facts = cleaningFacts(dataset)
    console.log(`\n## ${name}: ${facts.articles} articles, ${facts.bodyChars} body characters`)
    console.log(
      `removed ${facts.removedChars} characters (${(facts.removedShare * 100).toFixed(2)}%) from ${facts.articlesTouched} articles; ` +
        `${facts.titlesWithSuffix} title suffixes or prefixes; ${facts.articlesHalved} bodies cut to under half`,
    )
    console.log('| kind | lines | characters | articles |\n|:--|--:|--:|--:|')
    for (const [kind, c] of Object.entries(facts.byKind)) console.log(`| ${kind} | ${c.lines} | ${c.chars} | ${c.articles} |`)
    if (facts.boxHeadings.length > 0) console.log(`box headings: ${facts.boxHeadings.map(([h, n]) => `${JSON.stringify(h)} ×${n}`).join(', ')}`)
    const entry: { cleaning: CleaningFacts; quality?: QualityPair } = { cleaning: facts }
    if (withQuality && dataset.labelled) {
      const cleaned = quality(dataset, {})
      const raw = quality(dataset, { analysis: { furniture: false } })
      entry.quality = {
        queries: cleaned.queries,
        cleaned: { ndcg10: round(cleaned.ndcg10), map: round(cleaned.map) },
        raw: { ndcg10: round(raw.ndcg10), map: round(raw.map) },
      }
      console.log(`quality (default index): nDCG@10 ${raw.ndcg10.toFixed(4)} → ${cleaned.ndcg10.toFixed(4)}, MAP ${raw.map.toFixed(4)} → ${cleaned.map.toFixed(4)} (furniture off → on, ${cleaned.queries} queries)`)
      if (dataset.articles.some((a) => a.source !== undefined)) {
        const siteFurniture = learnSiteFurniture(dataset.articles)
        const learned = quality(dataset, { analysis: { siteFurniture } })
        const lines = Object.values(siteFurniture).reduce((sum, list) => sum + list.length, 0)
        entry.quality.withLearnedSiteFurniture = { ndcg10: round(learned.ndcg10), map: round(learned.map), lines, sites: Object.keys(siteFurniture).length }
        console.log(`with learned site furniture (${lines} lines of ${Object.keys(siteFurniture).length} sites): nDCG@10 ${learned.ndcg10.toFixed(4)}, MAP ${learned.map.toFixed(4)}`)
      }
    }
    results[name] = entry
  }
  mkdirSync(resolve(projectRoot, 'benchmarks', 'results'), { recursive: true })
  const output = {
    description: 'Page-furniture removal per labelled set (npm run bench:cleaning): characters and lines removed by kind, and the default index with cleaning on against furniture: false, measured in the same run.',
    environment: { node: process.version, cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length, platform: platform() },
    settings: { depth: DEPTH, relevanceThreshold: RELEVANCE_THRESHOLD },
    measuredAt: new Date().toISOString(),
    datasets: results,
  }
  writeFileSync(RESULTS_FILE, JSON.stringify(output, null, 2) + '\n')
  console.log(`\nwrote ${RESULTS_FILE.slice(projectRoot.length + 1)}`)
}

await main()
