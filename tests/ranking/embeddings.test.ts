import { similarity } from 'ml-distance'
import { describe, expect, it } from 'vitest'
import type { Article } from '../../src/article.js'
import { RelatedArticlesError } from '../../src/errors.js'
import { EMBEDDING_SIMILARITIES, type EmbeddingSimilarity } from '../../src/ranking/embedding-similarity.js'
import type { RelatedIndexOptions } from '../../src/ranking/options.js'
import { RelatedIndex } from '../../src/ranking/related-index.js'
import type { RelatedResult } from '../../src/ranking/result.js'
import { NEWS } from '../helpers/corpus.js'
import { answers, thrown, typedError } from '../robustness/helpers.js'

/** A unit-ish 4-d embedding per test article: the Ukraine stories point one way, rates another. */
const EMBEDDINGS: Record<string, number[]> = {
  'ukr-talks-1': [1, 0.1, 0, 0],
  'ukr-talks-2': [0.9, 0.2, 0, 0.1],
  'ukr-drone': [0.7, 0.1, 0.3, 0],
  'rates-1': [0, 1, 0.1, 0],
  'rates-2': [0.1, 0.9, 0, 0],
  'fed-hold': [0, 0.8, 0.2, 0.1],
  'fire-1': [0, 0, 1, 0.2],
}

/** The test corpus with embeddings on some articles (the rest have none). */
function embedded(articles: readonly Article[] = NEWS): Article[] {
  return articles.map((a) => (EMBEDDINGS[a.id] === undefined ? a : { ...a, embedding: EMBEDDINGS[a.id] }))
}

function indexOf(articles: readonly Article[], options?: RelatedIndexOptions): RelatedIndex {
  const index = new RelatedIndex(options)
  index.addAll(articles)
  return index
}

const fresh = (id: string, embedding?: unknown): Article =>
  ({ id, title: 'Oil prices fall', body: 'Oil prices fell as Opec raised output.', ...(embedding === undefined ? {} : { embedding }) }) as Article

function expectContributionsSumToScore(results: RelatedResult[]): void {
  for (const r of results) {
    const sum = Object.values(r.signals).reduce((s, x) => s + x.contribution, 0)
    expect(sum).toBeCloseTo(r.score, 12)
  }
}

describe('embedding validation', () => {
  // [why, embedding, field, message]: each bad embedding is INVALID_ARTICLE naming the article and the field.
  const cases: Array<[why: string, embedding: unknown, field: string, message: RegExp]> = [
    ['a string', '0.1,0.2', 'embedding', /^embedding \(article "n"\) must be an array of numbers, a Float32Array or a Float64Array, got the string "0\.1,0\.2"$/],
    ['a plain object', { 0: 1, length: 1 }, 'embedding', /^embedding \(article "n"\) must be an array of numbers, .* got an object$/],
    ['a number', 7, 'embedding', /^embedding \(article "n"\) must be an array .* got number 7$/],
    ['an integer typed array', Int32Array.of(1, 2, 3, 4), 'embedding', /got a typed array \(Int32Array\) of length 4$/],
    ['an empty array', [], 'embedding', /^embedding \(article "n"\) must be a non-empty array of numbers, got an array of length 0$/],
    ['a NaN', [1, 0, NaN, 0], 'embedding[2]', /^embedding\[2\] \(article "n"\) must be a finite number, got number NaN$/],
    ['an Infinity', [1, Infinity, 0, 0], 'embedding[1]', /^embedding\[1\] \(article "n"\) must be a finite number, got number Infinity$/],
    ['a -Infinity in a Float64Array', Float64Array.of(1, 0, 0, -Infinity), 'embedding[3]', /must be a finite number, got number -Infinity$/],
    ['a numeric string entry', [1, '0.5', 0, 0], 'embedding[1]', /^embedding\[1\] \(article "n"\) must be a finite number, got the string "0\.5"$/],
    ['a null entry', [1, 0, null, 0], 'embedding[2]', /must be a finite number, got null$/],
    ['a hole in a sparse array', [1, 0, , 0], 'embedding[2]', /must be a finite number, got undefined$/], // eslint-disable-line no-sparse-arrays
    ['a value beyond the 32-bit float range', [1, 1e39, 0, 0], 'embedding[1]', /must be a finite number within the 32-bit float range \(±3\.4e38\), got number 1e\+39$/],
    ['all zeros', [0, 0, 0, 0], 'embedding', /^embedding \(article "n"\) must be a vector with at least one non-zero value, got 4 zeros \(as 32-bit floats\)$/],
    ['values that round to zero as 32-bit floats', [1e-50, 0, -1e-60, 0], 'embedding', /at least one non-zero value, got 4 zeros/],
    ['another dimension than the stored embeddings', [1, 0, 0], 'embedding', /^embedding \(article "n"\) must have 4 values, the length of the embeddings already in this index, got 3 values$/],
    ['a single zero', [0], 'embedding', /must be a vector with at least one non-zero value, got a zero \(as 32-bit floats\)$/],
    ['a single value in a 4-d index', [1], 'embedding', /must have 4 values, the length of the embeddings already in this index, got 1 value$/],
  ]

  it.each(cases)('refuses %s with INVALID_ARTICLE naming the field', (_why, embedding, field, message) => {
    const index = indexOf(embedded())
    const error = typedError(() => index.add(fresh('n', embedding)))
    expect(error.code).toBe('INVALID_ARTICLE')
    expect(error.field).toBe(field)
    expect(error.id).toBe('n')
    expect(error.message).toMatch(message)
  })

  it('refuses a negative value when the measure compares non-negative vectors only', () => {
    const index = new RelatedIndex({ embeddingSimilarity: 'ruzicka' })
    const error = typedError(() => index.add(fresh('n', [0.5, -0.25])))
    expect(error.code).toBe('INVALID_ARTICLE')
    expect(error.field).toBe('embedding[1]')
    expect(error.message).toBe("embedding[1] (article \"n\") must be a number ≥ 0 (embeddingSimilarity 'ruzicka' compares non-negative vectors), got number -0.25")
    // Cosine takes any sign.
    expect(() => new RelatedIndex().add(fresh('n', [0.5, -0.25]))).not.toThrow()
  })

  it('takes the dimension of a batch from its first embedding when the index holds none, and names the position', () => {
    const index = new RelatedIndex()
    const error = typedError(() => index.addAll([fresh('a', [1, 2, 3]), fresh('b'), fresh('c', [1, 2])]))
    expect(error.code).toBe('INVALID_ARTICLE')
    expect(error.field).toBe('articles[2].embedding')
    expect(error.message).toMatch(/^articles\[2\]: embedding \(article "c"\) must have 3 values, .* got 2 values$/)
    expect(index.size).toBe(0)
  })

  it('checks a draft embedding against the index, naming no article', () => {
    const index = indexOf(embedded())
    const error = typedError(() => index.relatedTo({ title: 'Ceasefire', body: 'Talks in Istanbul.', embedding: [1, 0] }))
    expect(error.code).toBe('INVALID_ARTICLE')
    expect(error.field).toBe('embedding')
    expect(error.message).toBe('embedding must have 4 values, the length of the embeddings already in this index, got 2 values')
    expect(typedError(() => index.relatedTo({ title: 'Ceasefire', body: 'Talks.', embedding: [NaN, 1, 1, 1] })).field).toBe('embedding[0]')
  })

  it.each([
    ['an unknown measure', { embeddingSimilarity: 'euclidean' }, 'embeddingSimilarity', /^embeddingSimilarity must be one of 'cosine', 'pearson', .*'squaredChord', got the string "euclidean"$/],
    ['a negative embedding weight', { weights: { embedding: -1 } }, 'weights.embedding', /^weights\.embedding must be a number from 0 to 1000, got number -1$/],
  ])('refuses %s with INVALID_OPTION', (_why, options, field, message) => {
    const error = typedError(() => new RelatedIndex(options as never))
    expect(error.code).toBe('INVALID_OPTION')
    expect(error.field).toBe(field)
    expect(error.message).toMatch(message)
  })

  it('leaves the index unchanged after every failed call with a bad embedding', () => {
    const failing: Array<[string, (index: RelatedIndex) => unknown]> = [
      ['add() with a NaN', (i) => i.add(fresh('n', [NaN, 0, 0, 0]))],
      ['add() with another dimension', (i) => i.add(fresh('n', [1, 2]))],
      ['update() of an embedded article with another dimension', (i) => i.update({ ...(NEWS[0] as Article), embedding: [1, 2] })],
      ['update() with zeros', (i) => i.update({ ...(NEWS[0] as Article), embedding: [0, 0, 0, 0] })],
      ['addAll() failing at its last embedding', (i) => i.addAll([fresh('n1', [1, 0, 0, 0]), fresh('n2'), fresh('n3', [1, 0, 0])])],
      ['relatedTo() a draft with a bad embedding', (i) => i.relatedTo({ title: 'Oil', body: 'Oil.', embedding: 'no' as never })],
    ]
    const expected = answers(indexOf(embedded()))
    const bytes = indexOf(embedded()).serialize()
    for (const [why, call] of failing) {
      const index = indexOf(embedded())
      const error = thrown(() => call(index))
      expect(error, why).toBeInstanceOf(RelatedArticlesError)
      expect((error as RelatedArticlesError).code, why).toBe('INVALID_ARTICLE')
      expect(answers(index), why).toEqual(expected)
      expect(index.serialize(), why).toEqual(bytes)
    }
  })
})

describe('embedding storage', () => {
  it('returns the stored values as a Float32Array copy: changing it changes nothing', () => {
    const index = indexOf(embedded())
    const got = index.get('ukr-talks-1')?.embedding as Float32Array
    expect(got).toBeInstanceOf(Float32Array)
    expect(Array.from(got)).toEqual(Array.from(Float32Array.from(EMBEDDINGS['ukr-talks-1'] as number[])))
    const before = index.related('ukr-talks-1')
    got.fill(-5)
    expect(index.get('ukr-talks-1')?.embedding).toEqual(Float32Array.from(EMBEDDINGS['ukr-talks-1'] as number[]))
    expect(index.related('ukr-talks-1')).toEqual(before)
    expect(index.get('football-1')).not.toHaveProperty('embedding')
  })

  it('copies the caller’s array: changing it after add changes nothing', () => {
    const values = [1, 0.5, 0, 0]
    const index = indexOf(embedded())
    index.add(fresh('n', values))
    values[0] = -100
    expect(index.get('n')?.embedding).toEqual(Float32Array.of(1, 0.5, 0, 0))
  })

  it('adds, replaces and drops an embedding with update(), reusing the analysis', () => {
    const index = indexOf(embedded())
    const analysed = index.analysedCount
    const article = index.get('football-1') as Article
    index.update({ ...article, embedding: [0, 0, 0, 1] })
    expect(index.get('football-1')?.embedding).toEqual(Float32Array.of(0, 0, 0, 1))
    index.update(article)
    expect(index.get('football-1')?.embedding).toBeUndefined()
    expect(index.analysedCount).toBe(analysed)
  })

  it('forgets the dimension when the last embedding goes, so the next one may have another', () => {
    const index = new RelatedIndex()
    index.add(fresh('a', [1, 2, 3]))
    index.add(fresh('b'))
    // The only embedded article may change its own dimension.
    index.update(fresh('a', [1, 2]))
    expect(() => index.add(fresh('c', [1, 2, 3]))).toThrow(/must have 2 values/)
    index.remove('a')
    index.add(fresh('c', [1, 2, 3, 4, 5]))
    expect(index.get('c')?.embedding).toHaveLength(5)
  })
})

describe('the embedding signal', () => {
  it('is active for a pair only when both have an embedding, and its value is ml-distance’s cosine', () => {
    const index = indexOf(embedded())
    const results = index.related('ukr-talks-1', { k: 20 })
    expect(results.length).toBeGreaterThan(3)
    for (const r of results) {
      const e = EMBEDDINGS[r.id]
      if (e === undefined) {
        expect(r.signals.embedding, r.id).toEqual({ value: 0, weight: 0, contribution: 0 })
      } else {
        const cosine = similarity.cosine(Float32Array.from(EMBEDDINGS['ukr-talks-1'] as number[]), Float32Array.from(e))
        expect(r.signals.embedding.weight, r.id).toBe(0.5)
        expect(r.signals.embedding.value, r.id).toBeCloseTo(Math.max(0, cosine), 6)
      }
      // The weighted mean of the active signals: the embedding joins the denominator only when active.
      const signals = Object.values(r.signals)
      const total = signals.reduce((s, x) => s + x.weight, 0)
      expect(r.score, r.id).toBeCloseTo(signals.reduce((s, x) => s + x.weight * x.value, 0) / total, 12)
      expect(total, r.id).toBe(1 + r.signals.tags.weight + r.signals.time.weight + (e === undefined ? 0 : 0.5))
    }
    expectContributionsSumToScore(results)
  })

  it('is inactive for every pair when the query has no embedding: the same results as an index without embeddings', () => {
    const withEmbeddings = indexOf(embedded())
    const without = indexOf(NEWS)
    for (const id of ['football-1', 'rates-2-copy', 'fire-2']) {
      const results = withEmbeddings.related(id, { k: 20 })
      for (const r of results) expect(r.signals.embedding.weight).toBe(0)
      expect(results).toEqual(without.related(id, { k: 20 }))
    }
  })

  it('is off with weight 0, per index or per query, and then changes nothing', () => {
    const without = indexOf(NEWS)
    const off = indexOf(embedded(), { weights: { embedding: 0 } })
    const on = indexOf(embedded())
    for (const id of Object.keys(EMBEDDINGS)) {
      expect(off.related(id, { k: 20 })).toEqual(without.related(id, { k: 20 }))
      expect(on.related(id, { k: 20, weights: { embedding: 0 } })).toEqual(without.related(id, { k: 20 }))
    }
  })

  it('can reorder candidates, but never adds one that shares no term (candidates come from the inverted index)', () => {
    const articles: Article[] = [
      { id: 'q', title: 'Opec oil output', body: 'Opec kept oil output steady.', embedding: [1, 0] },
      { id: 'near', title: 'Oil output', body: 'Oil output fell in March.', embedding: [1, 0.05] },
      { id: 'far', title: 'Oil output', body: 'Oil output fell in March.', embedding: [0, 1] },
      { id: 'unrelated-words', title: 'Football transfer', body: 'The striker signed a new contract.', embedding: [1, 0] },
    ]
    const index = indexOf(articles)
    // Near and far are copies of each other: keep both (no duplicate folding) to compare them.
    const ids = index.related('q', { foldDuplicates: false }).map((r) => r.id)
    expect(ids).toEqual(['near', 'far'])
    const [near, far] = index.related('q', { foldDuplicates: false })
    expect(near?.signals.text.value).toBe(far?.signals.text.value)
    expect(far?.signals.embedding).toEqual({ value: 0, weight: 0.5, contribution: 0 })
  })

  it('maps every measure into [0, 1] as ml-distance computes it (negative values clamped to 0)', () => {
    const measures: EmbeddingSimilarity[] = [...EMBEDDING_SIMILARITIES]
    const a = [0.2, 0.5, 0.1, 0.2]
    const vectors: Record<string, number[]> = { b: [0.3, 0.3, 0.2, 0.2], c: [0.05, 0.05, 0.8, 0.1], d: [0.2, 0.5, 0.1, 0.2] }
    for (const measure of measures) {
      const index = new RelatedIndex({ embeddingSimilarity: measure })
      index.add({ id: 'a', title: 'Oil output', body: 'Oil output rose.', embedding: a })
      for (const [id, embedding] of Object.entries(vectors)) index.add({ id, title: 'Oil output', body: 'Oil output rose.', embedding })
      for (const r of index.related('a', { k: 10 })) {
        const fn = similarity[measure] as (x: Float32Array, y: Float32Array) => number
        const raw = fn(Float32Array.from(a), Float32Array.from(vectors[r.id] as number[]))
        const expected = Number.isNaN(raw) ? 0 : Math.min(1, Math.max(0, raw))
        expect(r.signals.embedding.value, `${measure} a–${r.id}`).toBeCloseTo(expected, 6)
        expect(r.signals.embedding.value).toBeGreaterThanOrEqual(0)
        expect(r.signals.embedding.value).toBeLessThanOrEqual(1)
      }
    }
  })

  it('counts a negative cosine as 0 (unrelated), not as a penalty', () => {
    const index = indexOf([
      { id: 'a', title: 'Oil output', body: 'Oil output rose.', embedding: [1, 0] },
      { id: 'b', title: 'Oil output', body: 'Oil output rose.', embedding: [-1, 0.1] },
    ])
    const [b] = index.related('a', { foldDuplicates: false })
    expect(b?.signals.embedding).toEqual({ value: 0, weight: 0.5, contribution: 0 })
    expect(b?.score).toBeCloseTo((b?.signals.text.value ?? 0) / 1.5, 12)
  })
})

describe('relatedTo with an embedding', () => {
  const draft = { title: 'Ceasefire talks resume', body: 'Ukrainian and Russian envoys met again in Istanbul for ceasefire talks.' }

  it('scores the draft’s embedding against the stored ones', () => {
    const index = indexOf(embedded())
    const withEmbedding = index.relatedTo({ ...draft, embedding: [1, 0, 0, 0] }, { k: 20 })
    const plain = index.relatedTo(draft, { k: 20 })
    const talks = withEmbedding.find((r) => r.id === 'ukr-talks-1')
    expect(talks?.signals.embedding.weight).toBe(0.5)
    expect(talks?.signals.embedding.value).toBeCloseTo(similarity.cosine([1, 0, 0, 0], EMBEDDINGS['ukr-talks-1'] as number[]), 6)
    for (const r of plain) expect(r.signals.embedding.weight).toBe(0)
    expectContributionsSumToScore(withEmbedding)
    // A stored article's own embedding gives its draft the same embedding scores.
    const stored = index.get('ukr-talks-1') as Article
    const asDraft = index.relatedTo({ ...stored, id: undefined }, { k: 20 }).find((r) => r.id === 'ukr-talks-2')
    const asStored = index.related('ukr-talks-1', { k: 20 }).find((r) => r.id === 'ukr-talks-2')
    expect(asDraft?.signals.embedding.value).toBe(asStored?.signals.embedding.value)
    expect(asDraft?.signals.embedding.weight).toBe(asStored?.signals.embedding.weight)
    // Its share of the score may differ in far digits: gated time weighs by the text similarity,
    // which a re-analysed draft reproduces only to rounding.
    expect(asDraft?.signals.embedding.contribution).toBeCloseTo(asStored?.signals.embedding.contribution ?? NaN, 9)
  })

  it('accepts a draft embedding of any length when the index holds none, with the signal off', () => {
    const index = indexOf(NEWS)
    const results = index.relatedTo({ ...draft, embedding: [1, 2, 3] })
    expect(results.length).toBeGreaterThan(0)
    for (const r of results) expect(r.signals.embedding.weight).toBe(0)
    expect(results).toEqual(index.relatedTo(draft))
  })
})
