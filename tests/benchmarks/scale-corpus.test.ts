import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { datasetDir } from '../../benchmarks/lib/paths.js'
import {
  SCALE_SOURCE_CORPUS,
  loadScaleSources,
  prepareSources,
  scaleArticleAt,
  scaleArticles,
  splitSentences,
  type ScaleSource,
} from '../../benchmarks/lib/scale-corpus.js'

// Invented wire copy (not from any corpus): enough variety for the generator's choices.
const SOURCES: ScaleSource[] = prepareSources(
  Array.from({ length: 12 }, (_, i) => ({
    id: `w${i}`,
    title: `MARKET REPORT ${i}`,
    body:
      `Shares of the Harbour Company rose ${i + 3} pct on Monday, traders said. ` +
      `The board met with John Carter in the morning.\n\n` +
      `Output reached 1,${200 + i}.5 tonnes in the quarter, up from ${40 + i} mln a year ago. ` +
      `Analysts at the Northern Bank expect a dividend of ${i + 10} cts.\n\n` +
      `Story ${i} ends with a short note on the weather in 1987.`,
    source: 'Wire',
  })),
)

const take = (count: number, seed = 7, first = 0) => [...scaleArticles(SOURCES, { count, seed, first })]

describe('scale corpus generator', () => {
  it('splits paragraphs and sentences, never leaving empty ones', () => {
    expect(splitSentences('One went up. Two went down!\n\n  Three? "Four," he said.\n\n\n')).toEqual(['One went up.', 'Two went down!', 'Three?', '"Four," he said.'])
  })

  it('gives the same articles for the same seed, and a different corpus for another seed', () => {
    const first = take(200)
    expect(take(200)).toEqual(first)
    const other = take(200, 8)
    expect(other.filter((a, i) => a.body === first[i]!.body).length).toBeLessThan(5)
  })

  it('is prefix-stable: a smaller corpus is the start of a larger one', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 150 }), fc.integer({ min: 0, max: 2 ** 31 - 1 }), (count, seed) => {
        expect(take(count, seed)).toEqual(take(150, seed).slice(0, count))
      }),
      { numRuns: 20 },
    )
  })

  it('never repeats a title and body, even from a dozen sources', () => {
    const articles = take(3000)
    expect(new Set(articles.map((a) => `${a.title}\n${a.body}`)).size).toBe(articles.length)
    expect(new Set(articles.map((a) => a.id)).size).toBe(articles.length)
  })

  it('numbers ids by position, starting at first, and dates every article within the ten years', () => {
    const articles = take(50, 7, 1000)
    expect(articles[0]!.id).toBe('s1000')
    expect(articles.at(-1)!.id).toBe('s1049')
    expect(articles[0]).toEqual(scaleArticleAt(SOURCES, 1000, { seed: 7 }))
    for (const a of articles) {
      const time = Date.parse(a.publishedAt as string)
      expect(time).toBeGreaterThanOrEqual(Date.UTC(2015, 0, 1))
      expect(time).toBeLessThan(Date.UTC(2025, 0, 1))
      expect(a.source).toBe('Wire')
    }
  })

  it('varies figures but keeps years and their format', () => {
    const bodies = take(300).map((a) => a.body)
    expect(bodies.some((b) => /\b1,\d{3}\.\d\b/.test(b) && !/1,20\d\.5/.test(b))).toBe(true)
    expect(bodies.filter((b) => b.includes('weather')).every((b) => b.includes('1987'))).toBe(true)
  })

  it('rejects a bad count and an empty source list', () => {
    expect(() => take(-1)).toThrow(/count must be a non-negative integer, got -1/)
    expect(() => scaleArticleAt([], 0)).toThrow(/no source articles/)
  })
})

const present = datasetDir(SCALE_SOURCE_CORPUS).present
if (!present) console.warn(`Skipping the scale corpus check on ${SCALE_SOURCE_CORPUS}: dataset not found (set RELATED_ARTICLES_DATA).`)
describe.skipIf(!present)(`scale corpus from ${SCALE_SOURCE_CORPUS}`, () => {
  it('draws long, duplicate-free articles from the real sources, the same on every run', async () => {
    const loaded = await loadScaleSources()
    const sources = loaded.sources!
    const first = [...scaleArticles(sources, { count: 2000 })]
    expect([...scaleArticles(sources, { count: 2000 })]).toEqual(first)
    expect(new Set(first.map((a) => a.body)).size).toBe(2000)
    const meanLength = first.reduce((sum, a) => sum + a.body.length, 0) / first.length
    expect(meanLength).toBeGreaterThan(400)
  })
})
