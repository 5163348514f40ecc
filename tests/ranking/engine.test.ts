import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { Article } from '../../src/article.js'
import { RelatedIndex } from '../../src/ranking/related-index.js'
import { newsSentence } from '../helpers/arbitraries.js'
import { NEWS } from '../helpers/corpus.js'

// An unfiltered text-only query takes the one-scan path (score, shortlist and select in one pass
// over the accumulators); a filter that passes everything takes the general path (touched list,
// pool, separate scoring and selection). They must agree exactly, including where duplicate
// folding forces the selection to widen past the shortlist.

const sentence = newsSentence()

/** Articles with copies: each base article appears 1 to `maxCopies` times under fresh ids. */
function corpusWithCopies(maxCopies: number): fc.Arbitrary<Article[]> {
  const base = fc.record({ title: sentence, body: fc.array(sentence, { minLength: 1, maxLength: 3 }).map((s) => s.join(' ')) })
  return fc
    .array(fc.tuple(base, fc.integer({ min: 1, max: maxCopies })), { minLength: 2, maxLength: 8 })
    .map((items) => items.flatMap(([a, copies], i) => Array.from({ length: copies }, (_, c): Article => ({ id: `a${i}-${c}`, ...a }))))
}

const everything = (): boolean => true

describe('query engine paths', () => {
  it('the one-scan path equals the general path for any k, minScore, folding and diversity', () => {
    fc.assert(
      fc.property(
        corpusWithCopies(6),
        fc.integer({ min: 1, max: 12 }),
        fc.constantFrom(0, 0.05, 0.2),
        fc.boolean(),
        fc.constantFrom(0, 0.3),
        (articles, k, minScore, foldDuplicates, diversity) => {
          const index = new RelatedIndex()
          index.addAll(articles)
          for (const { id } of articles) {
            const options = { k, minScore, foldDuplicates, diversity }
            expect(index.related(id, options)).toEqual(index.related(id, { ...options, filter: everything }))
          }
        },
      ),
      { numRuns: 30 },
    )
  })

  it('widens past the shortlist when copies of the query fill it, and still returns k other stories', () => {
    // 150 copies of the query score 1 and are all left out (a copy of the article being read is
    // not worth a slot), so every result lies beyond the first 112 candidates of the one scan.
    // Tags and sections left out: they take the general path.
    const news = NEWS.map(({ id, title, body, publishedAt }): Article => ({ id, title, body, publishedAt }))
    const query = news.find((a) => a.id === 'rates-2') as Article
    const copies = Array.from({ length: 150 }, (_, i): Article => ({ ...query, id: `copy-${i}` }))
    const index = new RelatedIndex()
    index.addAll([...news, ...copies])
    const k = 4
    const results = index.related(query.id, { k })
    expect(results).toEqual(index.related(query.id, { k, filter: everything }))
    expect(results).toHaveLength(k)
    expect(results.some((r) => r.id.startsWith('copy-'))).toBe(false)
    expect(results.map((r) => r.id).slice(0, 3)).toEqual(['rates-2-copy', 'rates-1', 'fed-hold'])
  })
})
