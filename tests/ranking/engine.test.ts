import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { Article } from '../../src/article.js'
import type { RelatedOptions } from '../../src/ranking/options.js'
import { RelatedIndex, internalsOf } from '../../src/ranking/related-index.js'
import type { RelatedResult } from '../../src/ranking/result.js'
import { newsSentence } from '../helpers/arbitraries.js'
import { NEWS } from '../helpers/corpus.js'

// An unpruned, untagged query takes the one-scan path (score, filter, shortlist and select in one
// pass over the accumulators); with the engine's `oneScan` switched off it takes the general
// path (touched list, filtered pool, separate scoring and selection). They must agree exactly,
// for every signal and option, including where duplicate folding widens past the shortlist.

const sentence = newsSentence()

/** The general path's answer to the same query. */
function generalPath(index: RelatedIndex, run: () => RelatedResult[]): RelatedResult[] {
  const { engine } = internalsOf(index)
  engine.oneScan = false
  try {
    return run()
  } finally {
    engine.oneScan = true
  }
}

/**
 * Articles with copies: each base article appears 1 to `maxCopies` times under fresh ids, some
 * dated, some with embeddings. Copies are stored in descending id order, so equal scores cut at a
 * threshold would show: the tie-break by id prefers the copies scanned last.
 */
function corpusWithCopies(maxBase: number, maxCopies: number): fc.Arbitrary<Article[]> {
  const base = fc.record({
    title: sentence,
    body: fc.array(sentence, { minLength: 1, maxLength: 3 }).map((s) => s.join(' ')),
    publishedAt: fc.option(fc.integer({ min: 0, max: 30 }).map((d) => new Date(Date.UTC(2025, 0, 1 + d)).toISOString()), { nil: undefined }),
    embedding: fc.option(fc.tuple(fc.integer({ min: 1, max: 9 }), fc.integer({ min: 0, max: 9 }), fc.integer({ min: 0, max: 9 })), { nil: undefined }),
  })
  return fc
    .array(fc.tuple(base, fc.integer({ min: 1, max: maxCopies })), { minLength: 2, maxLength: maxBase })
    .map((items) => items.flatMap(([a, copies], i) => Array.from({ length: copies }, (_, c): Article => ({ id: `a${i}-${copies - 1 - c}`, ...a }))))
}

const queryOptions: fc.Arbitrary<RelatedOptions> = fc.record({
  k: fc.integer({ min: 1, max: 12 }),
  minScore: fc.constantFrom(0, 0.05, 0.2),
  foldDuplicates: fc.boolean(),
  diversity: fc.constantFrom(0, 0.3),
  weights: fc.record({ entities: fc.constantFrom(0, 0.25), time: fc.constantFrom(0, 0.25), embedding: fc.constantFrom(0, 0.5) }),
  pastOnly: fc.boolean(),
})

describe('query engine paths', () => {
  it('the one-scan path equals the general path for any signals, k, minScore, folding, diversity and filters', () => {
    fc.assert(
      fc.property(corpusWithCopies(30, 6), queryOptions, fc.integer({ min: 0, max: 3 }), (articles, options, excluded) => {
        const index = new RelatedIndex()
        index.addAll(articles)
        const exclude = articles.filter((_, i) => i % 7 === 3).slice(0, excluded).map((a) => a.id)
        const filter = (a: Article): boolean => !a.id.endsWith('-2')
        for (const { id } of articles) {
          for (const o of [options, { ...options, exclude, filter }]) {
            expect(index.related(id, o)).toEqual(generalPath(index, () => index.related(id, o)))
          }
        }
      }),
      { numRuns: 40 },
    )
  })

  it('widens past the shortlist when copies of the query fill it, and still returns k other stories', () => {
    // 150 copies of the query, stored before the other articles, score 1 and are all left out (a
    // copy of the article being read is not worth a slot). They fill the shortlist (2k + 8 = 16
    // slots for k = 4; 4 × 16 with `pruning` off) before any other article is scanned, so every
    // result comes from the scans for 64 and 256 (with `pruning` off, from scoring all touched
    // articles after the shortlist ran out).
    const news = NEWS.map(({ id, title, body, publishedAt }): Article => ({ id, title, body, publishedAt }))
    const query = news.find((a) => a.id === 'rates-2') as Article
    const copies = Array.from({ length: 150 }, (_, i): Article => ({ ...query, id: `copy-${i}` }))
    const index = new RelatedIndex()
    index.addAll([...copies, ...news])
    for (const o of [{ k: 4 }, { k: 4, exclude: ['rates-1'] }]) {
      const results = index.related(query.id, o)
      expect(results).toEqual(generalPath(index, () => index.related(query.id, o)))
      expect(results).toEqual(withoutCutoff(index, () => index.related(query.id, o)))
      expect(results).toHaveLength(4)
      expect(results.some((r) => r.id.startsWith('copy-'))).toBe(false)
    }
    expect(
      index
        .related(query.id, { k: 4 })
        .slice(0, 3)
        .map((r) => r.id),
    ).toEqual(['rates-2-copy', 'rates-1', 'fed-hold'])
  })

  it('keeps every article tied at the shortlist threshold, so ties still break by id', () => {
    // Ten copies of the query's best match tie; with k = 1 and no folding the shortlist holds 4,
    // and the copies are stored in descending id order: the winner (copy-0) is scanned last.
    const news = NEWS.map(({ id, title, body, publishedAt }): Article => ({ id, title, body, publishedAt }))
    const best = news.find((a) => a.id === 'rates-1') as Article
    const copies = Array.from({ length: 10 }, (_, i): Article => ({ ...best, id: `copy-${9 - i}` }))
    const index = new RelatedIndex()
    index.addAll([...news.filter((a) => a.id !== 'rates-1' && a.id !== 'rates-2-copy'), ...copies])
    for (const o of [{ k: 1, foldDuplicates: false }, { k: 1, foldDuplicates: false, weights: { time: 0.25 } }]) {
      const results = index.related('rates-2', o)
      expect(results.map((r) => r.id)).toEqual(['copy-0'])
      expect(results).toEqual(generalPath(index, () => index.related('rates-2', o)))
    }
  })

  it('calls a filter only for articles that score high enough to matter, and never returns one it rejects', () => {
    const news = NEWS.map(({ id, title, body, publishedAt }): Article => ({ id, title, body, publishedAt }))
    const extra = Array.from({ length: 300 }, (_, i): Article => ({ ...(news[i % news.length] as Article), id: `extra-${i}` }))
    const index = new RelatedIndex()
    index.addAll([...news, ...extra])
    const seen: string[] = []
    const results = index.related('rates-2', {
      k: 3,
      foldDuplicates: false,
      filter: (a) => {
        seen.push(a.id)
        return a.id.startsWith('extra-')
      },
    })
    expect(results).toHaveLength(3)
    expect(results.every((r) => r.id.startsWith('extra-'))).toBe(true)
    // Every other article shares a word with the query; the filter saw only the contenders.
    expect(seen.length).toBeGreaterThan(0)
    expect(seen.length).toBeLessThan(150)
  })
})

// With text and time only (the defaults) or text alone, the one-scan path skips a slot whose text
// sum is below a cutoff derived from the running threshold, one multiplication per slot, and
// duplicate folding skips the cosine of two results whose query similarities are too far apart
// for copies. Switched off (`pruning`), it checks the per-slot score bound it replaced and every
// pair. Both keep exactly what can matter, so every answer must be identical, ties included.

/** The answer with the text cutoff switched off. */
function withoutCutoff(index: RelatedIndex, run: () => RelatedResult[]): RelatedResult[] {
  const { engine } = internalsOf(index)
  engine.pruning = false
  try {
    return run()
  } finally {
    engine.pruning = true
  }
}

const timeOptions: fc.Arbitrary<RelatedOptions> = fc.record({
  k: fc.integer({ min: 1, max: 12 }),
  minScore: fc.constantFrom(0, 0.05, 0.2),
  foldDuplicates: fc.boolean(),
  diversity: fc.constantFrom(0, 0.3),
  weights: fc.record({ text: fc.constantFrom(1, 0.5, 2, 0), entities: fc.constantFrom(0, 0, 0.25, 1), time: fc.constantFrom(0, 0.25, 1, 4), embedding: fc.constantFrom(0, 0.5, 2) }),
  contextGate: fc.constantFrom(0, 0.05, 0.5, 1),
  halfLifeDays: fc.constantFrom(1, 7, 365),
  newerHalfLifeDays: fc.constantFrom(undefined, 2),
  timeDecay: fc.constantFrom('exponential' as const, 'hyperbolic' as const),
  pastOnly: fc.boolean(),
})

describe('text cutoff of the one-scan path', () => {
  it('gives exactly the answer of the per-slot bound for any text, entity, time and embedding weight, gate, decay, k, minScore, filter and duplicate threshold', () => {
    fc.assert(
      fc.property(corpusWithCopies(30, 6), timeOptions, fc.constantFrom(1, 0.9, 0.5), (articles, raw, duplicateThreshold) => {
        const options = Object.fromEntries(Object.entries(raw).filter(([, v]) => v !== undefined)) as RelatedOptions
        const index = new RelatedIndex({ duplicateThreshold })
        index.addAll(articles)
        const filter = (a: Article): boolean => !a.id.endsWith('-1')
        for (const { id } of articles) {
          for (const o of [options, { ...options, filter }]) {
            expect(index.related(id, o)).toEqual(withoutCutoff(index, () => index.related(id, o)))
          }
        }
      }),
      { numRuns: 40 },
    )
  })

  it('keeps articles that only their embedding lifts above the threshold', () => {
    // The As share one word with the query and its embedding; the Bs share more words and an
    // orthogonal embedding. At embedding weight 2 the As win, although their text is weaker
    // than the Bs' (whose scores set the first threshold): the cutoff must count the embedding.
    const query: Article = { id: 'q', title: 'Ukraine ceasefire talks', body: 'Ukraine ceasefire talks troops minister election.', embedding: [1, 0, 0] }
    const as = Array.from({ length: 20 }, (_, i): Article => ({ id: `a${i}`, title: 'Storm flood', body: `Storm flood wildfire evacuated talks vaccine court ruling ${'protest '.repeat(i % 3)}.`, embedding: [1, 0, 0] }))
    const bs = Array.from({ length: 20 }, (_, i): Article => ({ id: `b${i}`, title: 'Ceasefire troops', body: `Ceasefire troops talks Ukraine market shares ${'oil '.repeat(i % 3)}.`, embedding: [0, 1, 0] }))
    const index = new RelatedIndex()
    index.addAll([query, ...as, ...bs])
    const o = { k: 3, foldDuplicates: false, weights: { embedding: 2, time: 0 } }
    const results = index.related('q', o)
    expect(results.map((r) => r.id[0])).toEqual(['a', 'a', 'a'])
    expect(results).toEqual(withoutCutoff(index, () => index.related('q', o)))
  })

  it('keeps every copy tied at the threshold when many articles tie', () => {
    // 60 copies of each of three stories, dated over a week: scores tie in large groups, and with
    // k = 2 and no folding the threshold sits inside a group.
    const news = NEWS.map(({ id, title, body, publishedAt }): Article => ({ id, title, body, publishedAt }))
    const stories = ['rates-1', 'rates-2', 'fed-hold'].map((id) => news.find((a) => a.id === id) as Article)
    const copies = stories.flatMap((s, i) =>
      Array.from({ length: 60 }, (_, c): Article => ({ ...s, id: `${s.id}-copy-${59 - c}`, publishedAt: new Date(Date.UTC(2025, 0, 1 + ((c + i) % 7))).toISOString() })),
    )
    const index = new RelatedIndex()
    index.addAll([...news, ...copies])
    for (const o of [{ k: 2, foldDuplicates: false }, { k: 2, foldDuplicates: false, weights: { time: 0 } }, { k: 5 }, { k: 3, minScore: 0.3, foldDuplicates: false }]) {
      const results = index.related('rates-2', o)
      expect(results.length).toBeGreaterThan(0)
      expect(results).toEqual(withoutCutoff(index, () => index.related('rates-2', o)))
    }
  })
})

describe('tagged queries on the one-scan path', () => {
  // With pruning on, a tagged query takes the one-scan path (tags join time in the cutoff's
  // bound); switched off, it takes the general path, as it did before. Gate 0 lets an article
  // that shares only a tag score, so the scan must still find those.
  // Two vocabularies: articles of different ones share nothing but, perhaps, a tag.
  const pools = [
    ['ceasefire', 'talks', 'troops', 'minister', 'election', 'tariffs', 'inflation', 'rates'],
    ['wildfire', 'evacuated', 'storm', 'flood', 'vaccine', 'court', 'ruling', 'protest'],
  ]
  const tagged = fc
    .array(
      fc.record({
        pool: fc.integer({ min: 0, max: 1 }),
        name: fc.option(fc.constantFrom('Kyiv', 'Marseille', 'Andrew Bailey', 'Nato'), { nil: undefined }),
        words: fc.array(fc.integer({ min: 0, max: 7 }), { minLength: 2, maxLength: 12 }),
        tags: fc.option(fc.uniqueArray(fc.constantFrom('Ukraine war', 'Tariffs', 'Energy', 'Courts', 'Weather'), { minLength: 1, maxLength: 2 }), { nil: undefined }),
        publishedAt: fc.option(fc.integer({ min: 0, max: 30 }).map((d) => new Date(Date.UTC(2025, 0, 1 + d)).toISOString()), { nil: undefined }),
        copies: fc.integer({ min: 1, max: 3 }),
      }),
      { minLength: 2, maxLength: 40 },
    )
    .map((items) =>
      items.flatMap(({ pool, name, words, tags, publishedAt, copies }, i) =>
        Array.from({ length: copies }, (_, c): Article => {
          const text = words.map((w) => (pools[pool] as string[])[w]).join(' ')
          return { id: `t${i}-${c}`, title: text.split(' ').slice(0, 2).join(' '), body: `${name === undefined ? '' : `${name} said `}${text}.`, ...(tags === undefined ? {} : { tags }), ...(publishedAt === undefined ? {} : { publishedAt }) }
        }),
      ),
    )
  const options: fc.Arbitrary<RelatedOptions> = fc.record({
    k: fc.integer({ min: 1, max: 6 }),
    minScore: fc.constantFrom(0, 0.1),
    foldDuplicates: fc.boolean(),
    diversity: fc.constantFrom(0, 0.3),
    weights: fc.record({ tags: fc.constantFrom(0.5, 1, 3), time: fc.constantFrom(0, 1), entities: fc.constantFrom(0, 0.5) }),
    contextGate: fc.constantFrom(0, 0.5),
  })

  it('gives exactly the answer of the general path, for any tag, time and entity weight, gate, k, minScore, diversity and filter', () => {
    fc.assert(
      fc.property(tagged, options, (articles, o) => {
        const index = new RelatedIndex()
        index.addAll(articles)
        const filter = (a: Article): boolean => !a.id.endsWith('-1')
        for (const { id } of articles) {
          for (const q of [o, { ...o, filter }]) expect(index.related(id, q)).toEqual(withoutCutoff(index, () => index.related(id, q)))
        }
      }),
      { numRuns: 40 },
    )
  })
})

describe('entity and tag sums', () => {
  // Each is 8 bytes a slot; with entities at 0 (the default) and no tags, no query needs them.
  it('are allocated by the first query that weights them, and answers stay those of a fresh index', () => {
    const untagged: Article[] = NEWS.map(({ tags: _tags, ...article }) => article)
    const index = new RelatedIndex()
    index.addAll(untagged)
    const engine = internalsOf(index).engine as unknown as { accEntities: Float64Array; accTags: Float64Array }
    const plain = index.related('ukr-talks-1', { k: 5 })
    expect([engine.accEntities.length, engine.accTags.length]).toEqual([0, 0])
    expect(plain.length).toBe(5)
    expect(plain.every((r) => r.signals.entities.value === 0 && r.signals.tags.value === 0 && r.score > 0)).toBe(true)
    const entityOptions: RelatedOptions = { k: 5, weights: { entities: 0.5 } }
    const withEntities = index.related('ukr-talks-1', entityOptions)
    expect(engine.accEntities.length).toBeGreaterThanOrEqual(untagged.length)
    expect(engine.accTags.length).toBe(0)
    const fresh = new RelatedIndex()
    fresh.addAll(untagged)
    expect(withEntities).toEqual(fresh.related('ukr-talks-1', entityOptions))
    expect(withEntities.some((r) => r.signals.entities.value > 0)).toBe(true)
    // The sums are zero again after each query: the default query answers as before.
    expect(index.related('ukr-talks-1', { k: 5 })).toEqual(plain)
    expect(generalPath(index, () => index.related('ukr-talks-1', entityOptions))).toEqual(withEntities)

    // A tagged archive weights tags by default.
    const tagged = new RelatedIndex()
    tagged.addAll(NEWS)
    const taggedEngine = internalsOf(tagged).engine as unknown as { accEntities: Float64Array; accTags: Float64Array }
    const results = tagged.related('ukr-talks-1', { k: 5 })
    expect(taggedEngine.accTags.length).toBeGreaterThanOrEqual(NEWS.length)
    expect(taggedEngine.accEntities.length).toBe(0)
    expect(results.some((r) => r.signals.tags.value > 0)).toBe(true)
  })
})
