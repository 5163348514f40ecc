/**
 * What a `minScore` means: for each threshold, the share of results scoring at least that much
 * which are relevant, on each labelled dataset, with the default options.
 *
 *   npx tsx benchmarks/calibration.ts
 *
 * Prints a table and writes `benchmarks/results/calibration.json`.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { cpus } from 'node:os'
import { resolve } from 'node:path'
import { RelatedIndex } from '../src/index.js'
import { LABELLED_DATASETS, loadDataset } from './lib/datasets.js'
import { projectRoot } from './lib/paths.js'

const THRESHOLDS = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7]
/** Results per query considered: a related-stories box rarely shows more. */
const K = 10

interface Row {
  threshold: number
  results: number
  perQuery: number
  sameStory: number
  related: number
}

async function main(): Promise<void> {
  const out: Record<string, Row[]> = {}
  for (const name of LABELLED_DATASETS) {
    const loaded = await loadDataset(name)
    if (loaded.dataset === undefined) {
      console.log(`Skipping ${name}: ${loaded.message}`)
      continue
    }
    const { articles, qrels, queries } = loaded.dataset
    const index = new RelatedIndex()
    index.addAll(articles)
    const rows: Row[] = THRESHOLDS.map((threshold) => ({ threshold, results: 0, perQuery: 0, sameStory: 0, related: 0 }))
    for (const q of queries) {
      const judged = qrels.get(q)
      for (const r of index.related(q, { k: K })) {
        const grade = judged?.get(r.id) ?? 0
        for (const row of rows) {
          if (r.score < row.threshold) continue
          row.results++
          if (grade >= 2) row.sameStory++
          if (grade >= 1) row.related++
        }
      }
    }
    for (const row of rows) {
      row.perQuery = row.results / queries.length
      row.sameStory = row.results > 0 ? row.sameStory / row.results : 0
      row.related = row.results > 0 ? row.related / row.results : 0
    }
    out[name] = rows
    console.log(`\n## ${name} (${queries.length} queries, top ${K}, default options)`)
    console.log('| minScore | results per query | grade 2 share | grade ≥ 1 share |')
    console.log('|---:|---:|---:|---:|')
    for (const row of rows) {
      console.log(`| ${row.threshold.toFixed(1)} | ${row.perQuery.toFixed(2)} | ${(row.sameStory * 100).toFixed(1)}% | ${(row.related * 100).toFixed(1)}% |`)
    }
  }
  const dir = resolve(projectRoot, 'benchmarks', 'results')
  mkdirSync(dir, { recursive: true })
  const environment = { node: process.version, cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length }
  writeFileSync(resolve(dir, 'calibration.json'), `${JSON.stringify({ date: new Date().toISOString(), environment, k: K, datasets: out }, null, 2)}\n`)
}

void main()
