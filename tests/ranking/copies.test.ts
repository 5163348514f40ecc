import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { Article } from '../../src/article.js'
import { RelatedIndex } from '../../src/ranking/related-index.js'
import { newsSentence } from '../helpers/arbitraries.js'
import { NEWS } from '../helpers/corpus.js'

// `copiesOf` names the articles that `related` leaves out as copies of the one being read (text
// cosine at or above `duplicateThreshold`), so a page can still show "also published by".

const news = NEWS.map(({ id, title, body, publishedAt }): Article => ({ id, title, body, publishedAt }))

/** Every stored article whose text score against `id` reaches the threshold, from an unfolded query. */
function copiesByQuery(index: RelatedIndex, id: string, threshold: number): string[] {
  return index
    .related(id, { k: 1000, foldDuplicates: false })
    .filter((r) => r.signals.text.value >= threshold - 1e-12)
    .map((r) => r.id)
    .sort()
}

const sentence = newsSentence()

/** Stories stored with exact copies and near copies (a sentence added or dropped). */
const corpusWithCopies: fc.Arbitrary<Article[]> = fc
  .array(
    fc.tuple(fc.record({ title: sentence, body: fc.array(sentence, { minLength: 2, maxLength: 4 }) }), fc.integer({ min: 0, max: 3 }), sentence),
    { minLength: 2, maxLength: 10 },
  )
  .map((stories) =>
    stories.flatMap(([{ title, body }, copies, extra], i) => [
      { id: `s${i}`, title, body: body.join(' ') },
      ...Array.from({ length: copies }, (_, c): Article => ({ id: `s${i}-copy${c}`, title, body: body.join(' ') })),
      { id: `s${i}-near`, title, body: [...body, extra].join(' ') },
    ]),
  )

describe('copiesOf', () => {
  it('names the wire copies of a real story that related() leaves out, for the original and for each copy', () => {
    const wire = ['ukr-talks-1', 'rates-1'].flatMap((id) =>
      ['a', 'b'].map((outlet): Article => ({ ...(news.find((a) => a.id === id) as Article), id: `${id}@${outlet}` })),
    )
    const index = new RelatedIndex()
    index.addAll([...news, ...wire])
    expect(index.copiesOf('ukr-talks-1')).toEqual(['ukr-talks-1@a', 'ukr-talks-1@b'])
    expect(index.copiesOf('ukr-talks-1@b')).toEqual(['ukr-talks-1', 'ukr-talks-1@a'])
    expect(index.copiesOf('ukr-drone')).toEqual([])
    for (const id of ['ukr-talks-1', 'rates-1@a']) {
      const shown = index.related(id, { k: 20 }).flatMap((r) => [r.id, ...r.reasons.duplicates])
      for (const copy of index.copiesOf(id)) expect(shown).not.toContain(copy)
    }
  })

  it('takes a draft: the same text is found before it is published, other text finds nothing', () => {
    const index = new RelatedIndex()
    index.addAll(news)
    const original = news.find((a) => a.id === 'rates-1') as Article
    expect(index.copiesOf({ title: original.title, body: original.body })).toEqual(index.copiesOf('rates-1').concat('rates-1').sort())
    expect(index.copiesOf({ title: 'Local bakery wins regional bread prize', body: 'The jury praised its sourdough.' })).toEqual([])
    // A draft carrying a stored id leaves that article out, as relatedTo does.
    expect(index.copiesOf({ id: 'rates-1', title: original.title, body: original.body })).toEqual(index.copiesOf('rates-1'))
  })

  it('equals the unfolded text scores at the threshold, for any threshold', () => {
    fc.assert(
      fc.property(corpusWithCopies, fc.constantFrom(1, 0.97, 0.9, 0.6), (articles, duplicateThreshold) => {
        const index = new RelatedIndex({ duplicateThreshold })
        index.addAll(articles)
        for (const { id } of articles) {
          const copies = index.copiesOf(id)
          expect(copies).toEqual(copiesByQuery(index, id, duplicateThreshold))
          expect(copies).not.toContain(id)
        }
      }),
      { numRuns: 40 },
    )
  })

  it('reports a bad id or draft with a typed error and changes nothing', () => {
    const index = new RelatedIndex()
    index.addAll(news)
    const before = index.serialize()
    expect(() => index.copiesOf('missing')).toThrow(expect.objectContaining({ code: 'NOT_FOUND' }))
    expect(() => index.copiesOf({ title: 42 } as never)).toThrow(expect.objectContaining({ code: 'INVALID_ARTICLE', field: 'title' }))
    expect(index.serialize()).toEqual(before)
  })
})
