import { existsSync, readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { datasetDir, projectRoot } from '../../benchmarks/lib/paths.js'
import { createAnalyzer } from '../../src/analysis/index.js'

const analyzer = createAnalyzer()

interface Row {
  id: string
  title: string
  body: string
  source?: string
}

function readJsonl(file: string): Row[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as Row)
}

const nonEmptyLines = (text: string): string[] => text.split('\n').map((line) => line.trim()).filter((line) => line !== '')

describe('articles without furniture lose nothing (the bundled Reuters sample)', () => {
  const sample = readJsonl(resolve(projectRoot, 'examples/data/reuters-sample.jsonl'))

  it('removes no line but the wire credit, and no title suffix', () => {
    const removed = sample.flatMap((article) => analyzer.analyze(article, { explain: true }).removed ?? [])
    expect(removed.filter((line) => !/^reuters?\W*$/i.test(line.text))).toEqual([])
  })
})

const gva = datasetDir('gva-incidents-dev')
const articles = gva.present ? readJsonl(resolve(gva.dir, 'articles.jsonl')) : []
if (!gva.present) console.warn('Skipping GVA cleaning tests: gva-incidents-dev/articles.jsonl not found under the data folder (set RELATED_ARTICLES_DATA).')

describe.skipIf(!gva.present || !existsSync(gva.dir))('crawled GVA pages', () => {
  const cleaned = new Map(articles.map((a) => [a.id, analyzer.normalize(a.body, { explain: true, ...(a.source === undefined ? {} : { source: a.source }) })]))

  it('keep none of the crawler junk the dataset README names', () => {
    const junk = /Please enable Javascript to watch this video|You must enter the characters with black color|A friend wanted you to see this item from/i
    const left = [...cleaned].filter(([, result]) => junk.test(result.text)).map(([id]) => id)
    expect(left).toEqual([])
  })

  it('end like a sentence after cleaning in nine of ten sampled articles (every 75th, first and last lines inspected)', () => {
    // Pages whose crawl holds no story at all (only prompts or a video playlist) clean to nothing.
    const sample = articles.filter((a, i) => i % 75 === 0 && (cleaned.get(a.id)?.text.trim() ?? '') !== '')
    const endsLikeSentence = sample.filter((a) => {
      const lines = nonEmptyLines(cleaned.get(a.id)?.text ?? '')
      return /[.!?"')\]]$/.test(lines[lines.length - 1] ?? '')
    })
    expect(endsLikeSentence.length / sample.length).toBeGreaterThanOrEqual(0.9)
  })

  it('keep the story that resumes after a mid-article "MORE FROM" box', () => {
    const article = articles.find((a) => a.id === 'gva-104cde0f89e3')
    expect(article).toBeDefined()
    const raw = nonEmptyLines(article?.body ?? '')
    const kept = nonEmptyLines(cleaned.get('gva-104cde0f89e3')?.text ?? '')
    // The raw page ends: box heading, three bulleted links, three story paragraphs, a copyright line.
    const heading = raw.findIndex((line) => /^MORE FROM/.test(line))
    expect(kept.slice(-3)).toEqual(raw.slice(heading + 4, heading + 7))
    expect(kept.some((line) => line.startsWith('+ '))).toBe(false)
  })

  it('never remove a long paragraph except as part of a box or a teaser', () => {
    for (const [id, result] of cleaned) {
      const long = result.removed.filter((line) => line.text.length > 300 && line.kind !== 'trailing' && line.kind !== 'teaser')
      expect(long.map((line) => `${id}: ${line.kind}`)).toEqual([])
    }
  })
})
