/**
 * How much an editor's tag should weigh. No labelled set has editor tags, so this simulates them:
 * AllSides topic labels ("Coronavirus", "Elections") are attached as `tags`, the kind of coarse
 * section-like tag a newsroom CMS carries, and the tag weight is varied. The topic is a *label*
 * (grade 1 means "same topic, other story"), so these numbers show how sensitive the ranking is
 * to the weight of a tag that is right, not what tags are worth on your site; they never enter the
 * quality table or the tuner.
 *
 *   npx tsx benchmarks/tags.ts      # prints a table, writes benchmarks/results/tags.json
 *
 * Exits 0 with a message when the dataset is absent.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { RelatedIndex, RANKING_DEFAULTS } from '../src/index.js'
import { evaluateRun } from '../src/evaluation/index.js'
import { loadDataset } from './lib/datasets.js'
import { datasetDir, projectRoot } from './lib/paths.js'

const DATASET = 'allsides-stories-2021'
const WEIGHTS = [0, 0.25, 0.5, 1]
const DEPTH = 100

async function main(): Promise<void> {
  const loaded = await loadDataset(DATASET)
  if (loaded.dataset === undefined) {
    console.log(`Skipping ${DATASET}: ${loaded.message}`)
    return
  }
  const { articles, qrels, queries } = loaded.dataset
  const topics = new Map<string, string[]>()
  for (const line of readFileSync(resolve(datasetDir(DATASET).dir, 'articles.jsonl'), 'utf8').split('\n')) {
    if (line.trim() === '') continue
    const record = JSON.parse(line) as { id: string; topics?: unknown }
    const value = record.topics
    topics.set(record.id, Array.isArray(value) ? value.filter((t): t is string => typeof t === 'string') : typeof value === 'string' ? [value] : [])
  }
  const index = new RelatedIndex()
  index.addAll(articles.map((a) => ({ ...a, tags: topics.get(a.id) ?? [] })))
  const rows: Array<{ tagWeight: number; ndcg10: number; map: number }> = []
  console.log(`${DATASET}: AllSides topics as tags, ${queries.length} queries, defaults otherwise (contextGate ${RANKING_DEFAULTS.contextGate})\n`)
  console.log('| tag weight | nDCG@10 | MAP |')
  console.log('|---:|---:|---:|')
  for (const tags of WEIGHTS) {
    const run = new Map<string, string[]>()
    for (const q of queries) run.set(q, index.related(q, { k: DEPTH, weights: { tags } }).map((r) => r.id))
    const e = evaluateRun(qrels, run, { cutoffs: [10], relevanceThreshold: 2, queries })
    rows.push({ tagWeight: tags, ndcg10: e.mean.ndcg[10] as number, map: e.mean.map })
    console.log(`| ${tags}${tags === RANKING_DEFAULTS.weights.tags ? ' (default)' : ''} | ${(e.mean.ndcg[10] as number).toFixed(3)} | ${e.mean.map.toFixed(3)} |`)
  }
  const dir = resolve(projectRoot, 'benchmarks', 'results')
  mkdirSync(dir, { recursive: true })
  const description = 'AllSides topic labels attached as tags (a simulation: topics are labels), tag weight varied, defaults otherwise (benchmarks/tags.ts).'
  writeFileSync(resolve(dir, 'tags.json'), `${JSON.stringify({ description, date: new Date().toISOString(), dataset: DATASET, rows }, null, 2)}\n`)
}

await main()
