/**
 * `npm run bench:warm-up`: what the first request after start-up costs, with and without
 * `warmUp()`. Each measurement is a fresh Node process (the cost is a one-off per process) that
 * loads a snapshot of the bundled sample and answers a draft query (`relatedTo`, which analyses
 * text) and a stored-article query (`related`), timing each step inside the process.
 *
 *   npx tsx benchmarks/warm-up.ts [--runs 7]
 *
 * Prints medians over the runs, alternating the two modes so a busy machine hits both alike, and
 * writes benchmarks/results/warm-up.json.
 */
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { RelatedIndex, type Article } from '../src/index.js'
import { projectRoot } from './lib/paths.js'
import { median } from './lib/speed-corpus.js'

interface ChildTimes {
  loadMs: number
  warmUpMs: number
  firstRelatedToMs: number
  secondRelatedToMs: number
  firstRelatedMs: number
}

const DRAFT = {
  title: 'Coffee producers meet on export quotas',
  body: 'Brazil and Colombia asked the International Coffee Organization to restore export quotas after prices fell in London.',
}

function child(snapshotPath: string, warm: boolean): void {
  let t = performance.now()
  const index = RelatedIndex.deserialize(readFileSync(snapshotPath))
  const loadMs = performance.now() - t
  t = performance.now()
  if (warm) index.warmUp()
  const warmUpMs = performance.now() - t
  t = performance.now()
  index.relatedTo(DRAFT, { k: 5 })
  const firstRelatedToMs = performance.now() - t
  t = performance.now()
  index.relatedTo({ ...DRAFT, title: `${DRAFT.title} again` }, { k: 5 })
  const secondRelatedToMs = performance.now() - t
  t = performance.now()
  index.related(index.ids()[0] as string, { k: 5 })
  const firstRelatedMs = performance.now() - t
  const times: ChildTimes = { loadMs, warmUpMs, firstRelatedToMs, secondRelatedToMs, firstRelatedMs }
  process.stdout.write(JSON.stringify(times))
}

function main(): void {
  const argv = process.argv.slice(2)
  if (argv[0] === '--child') return child(argv[1] as string, argv[2] === 'warm')
  const runsAt = argv.indexOf('--runs')
  const runs = runsAt >= 0 ? Number(argv[runsAt + 1]) : 7
  if (!Number.isSafeInteger(runs) || runs < 1) throw new Error('--runs must be a positive integer')
  const articles: Article[] = readFileSync(resolve(projectRoot, 'examples/data/reuters-sample.jsonl'), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Article)
  const index = new RelatedIndex()
  index.addAll(articles)
  const dir = mkdtempSync(join(tmpdir(), 'related-articles-warm-up-'))
  const snapshot = join(dir, 'sample.snapshot')
  writeFileSync(snapshot, index.serialize())
  const self = fileURLToPath(import.meta.url)
  const results: Record<'cold' | 'warm', ChildTimes[]> = { cold: [], warm: [] }
  try {
    for (let r = 0; r < runs; r++) {
      for (const mode of r % 2 === 0 ? (['cold', 'warm'] as const) : (['warm', 'cold'] as const)) {
        const run = spawnSync(process.execPath, ['--import', 'tsx', self, '--child', snapshot, mode], { cwd: projectRoot, encoding: 'utf8' })
        if (run.status !== 0) throw new Error(`child failed: ${run.stderr}`)
        results[mode].push(JSON.parse(run.stdout) as ChildTimes)
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
  const summary = (list: ChildTimes[]) => ({
    loadMs: round(median(list.map((x) => x.loadMs))),
    warmUpMs: round(median(list.map((x) => x.warmUpMs))),
    firstRelatedToMs: round(median(list.map((x) => x.firstRelatedToMs))),
    secondRelatedToMs: round(median(list.map((x) => x.secondRelatedToMs))),
    firstRelatedMs: round(median(list.map((x) => x.firstRelatedMs))),
  })
  const report = {
    runs,
    articles: articles.length,
    node: process.version,
    cold: summary(results.cold),
    warm: summary(results.warm),
  }
  console.log(`Fresh processes, ${runs} per mode, snapshot of ${articles.length} articles; medians in ms.`)
  console.log('                      load   warmUp()  first relatedTo  second relatedTo  first related')
  for (const mode of ['cold', 'warm'] as const) {
    const s = report[mode]
    console.log(
      `${mode === 'cold' ? 'without warmUp()' : 'with warmUp()   '}    ${fmt(s.loadMs)}  ${fmt(s.warmUpMs)}    ${fmt(s.firstRelatedToMs)}         ${fmt(s.secondRelatedToMs)}          ${fmt(s.firstRelatedMs)}`,
    )
  }
  writeFileSync(resolve(projectRoot, 'benchmarks/results/warm-up.json'), `${JSON.stringify(report, null, 2)}\n`)
  console.log('Wrote benchmarks/results/warm-up.json')
}

function round(x: number): number {
  return Math.round(x * 100) / 100
}

function fmt(x: number): string {
  return x.toFixed(2).padStart(7)
}

main()
