/**
 * `npm run demo`: index the bundled Reuters sample and show related stories for a few articles.
 * Runs offline from the source tree; nothing beyond `npm install` is needed.
 */
import { readFileSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { formatRelatedTable } from '../src/cli/table.js'
import { RelatedIndex, type Article } from '../src/index.js'

// `npm run demo | head` closes the pipe early: that is the reader's choice, not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0)
  throw error
})

const here = dirname(fileURLToPath(import.meta.url))
const file = resolve(here, 'data/reuters-sample.jsonl')
const articles: Article[] = readFileSync(file, 'utf8')
  .split('\n')
  .filter((line) => line.trim() !== '')
  .map((line) => JSON.parse(line) as Article)

// Articles whose related lists show the signals at work: shared names, places and dates.
const SHOWCASE = ['r10122', 'r6912', 'r8608', 'r4735']

const index = new RelatedIndex()
const started = performance.now()
const tty = process.stderr.isTTY
index.addAll(articles, {
  onProgress: ({ done, total }) => {
    if (tty && (done % 10 === 0 || done === total)) process.stderr.write(`\rIndexing sample corpus: ${done}/${total} articles`)
  },
})
const seconds = (performance.now() - started) / 1000
if (tty) process.stderr.write('\n')
console.log(`Indexed ${index.size} Reuters articles (Reuters-21578, Distribution 1.0) in ${seconds.toFixed(1)} s.\n`)

const width = Math.min(process.stdout.columns ?? 110, 140)
for (const id of SHOWCASE.filter((id) => index.has(id))) {
  const article = index.get(id) as Article
  console.log(`${article.title}  [${id}, ${String(article.publishedAt).slice(0, 10)}]`)
  console.log(formatRelatedTable(index.related(id, { k: 5 }), (other) => index.get(other), { width }))
  console.log('')
}
