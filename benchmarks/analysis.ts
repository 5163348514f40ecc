/**
 * Analysis speed on the Reuters-21578 corpus (all 19,043 articles), against bare wink-nlp
 * `readDoc` over the same titles and bodies in the same run.
 *
 *   npx tsx benchmarks/analysis.ts [--limit N] [--runs N]
 *
 * Prints corpus facts, then the median of the runs for each scenario, and writes
 * `benchmarks/results/analysis.json`. Exits 0 with a message when the corpus is not present.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import { resolve } from 'node:path'
import winkNLP from 'wink-nlp'
import model from 'wink-eng-lite-web-model'
import { createAnalyzer } from '../src/analysis/index.js'
import { WINK_PIPE } from '../src/analysis/wink.js'
import { datasetDir, projectRoot } from './lib/paths.js'

const CORPUS = 'reuters21578-all'

interface Article {
  title: string
  body: string
}

interface Scenario {
  name: string
  /** Processes every article once; returns a checksum so the work cannot be optimised away. */
  run: (articles: readonly Article[]) => number
}

function parseArgs(argv: readonly string[]): { limit: number | undefined; runs: number } {
  let limit: number | undefined
  let runs = 3
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]
    const next = Number(argv[i + 1])
    if (arg === '--limit' && Number.isSafeInteger(next) && next > 0) {
      limit = next
      i++
    } else if (arg === '--runs' && Number.isSafeInteger(next) && next > 0) {
      runs = next
      i++
    } else {
      throw new Error(`unknown or invalid argument ${JSON.stringify(arg)}; use --limit N and --runs N`)
    }
  }
  return { limit, runs }
}

function loadCorpus(file: string, limit: number | undefined): Article[] {
  const articles: Article[] = []
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (line.trim() === '') continue
    const record = JSON.parse(line) as { title?: unknown; body?: unknown }
    articles.push({ title: String(record.title ?? ''), body: String(record.body ?? '') })
    if (limit !== undefined && articles.length >= limit) break
  }
  return articles
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2
}

function main(): void {
  const { limit, runs } = parseArgs(process.argv.slice(2))
  const { dir, present } = datasetDir(CORPUS)
  if (!present) {
    console.log(`Skipping the analysis benchmark: ${CORPUS}/articles.jsonl is not in the data folder (set RELATED_ARTICLES_DATA).`)
    return
  }
  const articles = loadCorpus(resolve(dir, 'articles.jsonl'), limit)
  const bytes = articles.reduce((sum, a) => sum + Buffer.byteLength(a.title) + Buffer.byteLength(a.body), 0)
  const megabytes = bytes / 1e6

  const winkDefault = winkNLP(model)
  const winkOurs = winkNLP(model, [...WINK_PIPE])
  let tokens = 0
  for (const a of articles) tokens += winkDefault.readDoc(a.title).tokens().length() + winkDefault.readDoc(a.body).tokens().length()

  console.log(`Corpus: ${CORPUS}, ${articles.length} articles, ${megabytes.toFixed(2)} MB of title and body text, ${tokens} wink tokens`)
  console.log(`Machine: ${os.cpus()[0]?.model ?? 'unknown CPU'} x ${os.cpus().length}, Node ${process.version}; median of ${runs} runs`)

  const scenarios: Scenario[] = [
    {
      name: 'wink readDoc, default pipeline (baseline)',
      run: (list) => {
        let n = 0
        for (const a of list) n += winkDefault.readDoc(a.title).tokens().length() + winkDefault.readDoc(a.body).tokens().length()
        return n
      },
    },
    {
      name: `wink readDoc, ${WINK_PIPE.join('+')} pipeline (what we run)`,
      run: (list) => {
        let n = 0
        for (const a of list) n += winkOurs.readDoc(a.title).tokens().length() + winkOurs.readDoc(a.body).tokens().length()
        return n
      },
    },
    {
      name: 'analyze (related-articles)',
      run: (list) => {
        // A fresh analyzer per run, so the word cache warms up inside the timing as in an index build.
        const analyzer = createAnalyzer()
        let n = 0
        for (const a of list) n += analyzer.analyze(a).wordCount
        return n
      },
    },
  ]

  // Warm-up: JIT and the lazily created wink instance.
  const warm = articles.slice(0, Math.min(500, articles.length))
  for (const scenario of scenarios) scenario.run(warm)

  const times = scenarios.map(() => [] as number[])
  for (let r = 0; r < runs; r++) {
    // Interleaved, so a slow phase of a shared machine hits every scenario alike.
    scenarios.forEach((scenario, s) => {
      const start = performance.now()
      scenario.run(articles)
      ;(times[s] as number[]).push((performance.now() - start) / 1000)
    })
  }

  const baseline = median(times[0] as number[])
  const results = scenarios.map((scenario, s) => {
    const seconds = median(times[s] as number[])
    return {
      scenario: scenario.name,
      medianSeconds: Number(seconds.toFixed(3)),
      runsSeconds: (times[s] as number[]).map((t) => Number(t.toFixed(3))),
      articlesPerSecond: Math.round(articles.length / seconds),
      megabytesPerSecond: Number((megabytes / seconds).toFixed(3)),
      tokensPerSecond: Math.round(tokens / seconds),
      ratioToReadDoc: Number((seconds / baseline).toFixed(3)),
    }
  })

  console.log('')
  console.table(
    results.map((r) => ({
      scenario: r.scenario,
      'median s': r.medianSeconds,
      'articles/s': r.articlesPerSecond,
      'MB/s': r.megabytesPerSecond,
      'tokens/s': r.tokensPerSecond,
      'x readDoc': r.ratioToReadDoc,
    })),
  )

  const report = {
    benchmark: 'analysis',
    date: new Date().toISOString(),
    node: process.version,
    machine: { cpu: os.cpus()[0]?.model ?? 'unknown', cores: os.cpus().length, platform: os.platform(), release: os.release(), memoryGB: Math.round(os.totalmem() / 1e9) },
    corpus: { name: CORPUS, articles: articles.length, megabytes: Number(megabytes.toFixed(3)), tokens, limit: limit ?? null },
    runs,
    results,
  }
  const out = resolve(projectRoot, 'benchmarks', 'results')
  mkdirSync(out, { recursive: true })
  writeFileSync(resolve(out, 'analysis.json'), `${JSON.stringify(report, null, 2)}\n`)
  console.log('\nWrote benchmarks/results/analysis.json')
}

main()
