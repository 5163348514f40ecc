import fc from 'fast-check'
import { similarity } from 'ml-distance'
import { describe, expect, it } from 'vitest'
import { FieldIndex, smoothedIdf } from '../../src/index/field-index.js'
import { ArticleStore, type ArticleFeatures } from '../../src/index/store.js'
import { QueryEngine } from '../../src/ranking/engine.js'
import { resolveIndexOptions, resolveQueryOptions } from '../../src/ranking/options.js'

/**
 * ml-distance as an independent oracle for our sparse TF-IDF cosine: the same vectors made dense
 * (one coordinate per vocabulary term, tf × idf) must give the same cosine. Where ml-distance is
 * undefined (a zero vector: an article with no terms, so 0 / 0 = NaN) we return 0, and such an
 * article is never a candidate.
 */

const VOCABULARY = ['oil', 'price', 'opec', 'output', 'brent', 'crude', 'barrel', 'saudi', 'cut', 'rise', 'fall', 'demand']

/** A sparse term-weight vector: empty, single-term and many-term ones all come up often. */
const sparse = fc.oneof(
  { weight: 1, arbitrary: fc.constant(new Map<string, number>()) },
  { weight: 2, arbitrary: fc.tuple(fc.constantFrom(...VOCABULARY), fc.double({ min: 0.1, max: 10, noNaN: true })).map(([t, w]) => new Map([[t, w]])) },
  {
    weight: 5,
    arbitrary: fc
      .uniqueArray(fc.tuple(fc.constantFrom(...VOCABULARY), fc.double({ min: 0.01, max: 10, noNaN: true })), { selector: ([t]) => t, maxLength: VOCABULARY.length })
      .map((pairs) => new Map(pairs)),
  },
)

const documents = fc.array(sparse, { minLength: 1, maxLength: 12 })

/** The dense tf × idf vector of a stored document, over the field's whole vocabulary. */
function dense(field: FieldIndex, slot: number): number[] {
  const out = new Array<number>(field.vocabularySize).fill(0)
  const idf = field.idf()
  const { terms, tfs } = field.forwardList(slot)
  for (let i = 0; i < terms.length; i++) out[terms[i] as number] = (tfs[i] as number) * (idf[terms[i] as number] as number)
  return out
}

function oracle(a: number[], b: number[]): number {
  return similarity.cosine(a, b)
}

function fieldOf(docs: Array<Map<string, number>>): FieldIndex {
  const field = new FieldIndex()
  docs.forEach((doc, slot) => field.add(slot, doc))
  return field
}

describe('sparse TF-IDF cosine against ml-distance', () => {
  it('FieldIndex.cosine equals ml-distance cosine of the dense vectors, for every pair (0 where ml-distance gives NaN)', () => {
    fc.assert(
      fc.property(documents, (docs) => {
        const field = fieldOf(docs)
        for (let a = 0; a < docs.length; a++) {
          for (let b = 0; b < docs.length; b++) {
            const expected = oracle(dense(field, a), dense(field, b))
            const ours = field.cosine(a, b)
            if ((docs[a] as Map<string, number>).size === 0 || (docs[b] as Map<string, number>).size === 0) {
              expect(expected).toBeNaN()
              expect(ours).toBe(0)
            } else {
              // Our value is clamped to [0, 1]; ml-distance may round to 1 + 2e-16.
              expect(ours).toBeCloseTo(Math.min(1, expected), 12)
            }
          }
        }
      }),
      { numRuns: 200 },
    )
  })

  it('states the edge cases: empty vs empty, empty vs any, one shared term, disjoint single terms', () => {
    const field = fieldOf([new Map(), new Map([['oil', 2]]), new Map([['oil', 5]]), new Map([['opec', 1]]), new Map()])
    const cases: Array<[why: string, a: number, b: number, ours: number, mlDistance: number]> = [
      ['two empty articles: 0 / 0 in ml-distance', 0, 4, 0, NaN],
      ['an empty article against any other', 0, 1, 0, NaN],
      ['one shared term, different weights: parallel vectors', 1, 2, 1, 1],
      ['single terms that differ: orthogonal vectors', 1, 3, 0, 0],
      ['an article with itself', 3, 3, 1, 1],
    ]
    for (const [why, a, b, ours, mlDistance] of cases) {
      expect(field.cosine(a, b), why).toBeCloseTo(ours, 12)
      const expected = oracle(dense(field, a), dense(field, b))
      if (Number.isNaN(mlDistance)) expect(expected, why).toBeNaN()
      else expect(expected, why).toBeCloseTo(mlDistance, 12)
    }
  })

  it("the query engine's text signal equals ml-distance cosine for stored and draft queries, and finds every overlapping article", () => {
    const features = (text: Map<string, number>): ArticleFeatures => ({
      text,
      entities: new Map(),
      tags: new Map(),
      surfaces: new Map(),
      entityDisplay: new Map(),
      tagDisplay: new Map(),
    })
    fc.assert(
      fc.property(documents, sparse, fc.constantFrom('stored', 'draft'), (docs, draftTerms, kind) => {
        const store = new ArticleStore()
        docs.forEach((doc, i) => store.insert({ id: `d${i}`, title: '', body: '' }, NaN, features(doc)))
        const options = resolveIndexOptions({})
        const engine = new QueryEngine(store, options)
        const q = resolveQueryOptions({ k: 1000, foldDuplicates: false }, options)
        const field = store.text
        let profile
        let queryDense: number[]
        if (kind === 'stored') {
          profile = engine.profileOf(0)
          queryDense = dense(field, 0)
        } else {
          // A draft may hold terms the index does not know: they count in its norm only, so the
          // oracle gets one extra coordinate per unknown term (with the idf of a df-0 term).
          const text = new Map([...draftTerms, ['zzz-unknown', 1.5]])
          profile = engine.profileOfDraft(features(text), NaN)
          const idf = field.idf()
          const known = new Array<number>(field.vocabularySize).fill(0)
          const unknown: number[] = []
          for (const [term, tf] of text) {
            const id = field.termId(term)
            if (id !== undefined && field.documentFrequency(id) > 0) known[id] = tf * (idf[id] as number)
            else unknown.push(tf * smoothedIdf(field.size, 0))
          }
          queryDense = [...known, ...unknown]
        }
        const results = new Map(engine.run(profile, q, true).map((r) => [r.id, r.signals.text.value]))
        docs.forEach((_, slot) => {
          if (kind === 'stored' && slot === 0) return
          const doc = dense(field, slot)
          const padded = [...doc, ...new Array<number>(queryDense.length - doc.length).fill(0)]
          const expected = oracle(queryDense, padded)
          const ours = results.get(`d${slot}`)
          if (Number.isNaN(expected) || expected === 0) expect(ours).toBeUndefined()
          else expect(ours).toBeCloseTo(Math.min(1, expected), 12)
        })
      }),
      { numRuns: 150 },
    )
  })
})
