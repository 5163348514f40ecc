import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { Article } from '../../src/article.js'
import { ExactSum } from '../../src/index/exact-sum.js'
import { RelatedIndex, internalsOf } from '../../src/ranking/related-index.js'
import { NEWS_NAMES } from '../helpers/arbitraries.js'

/**
 * An index changed by any sequence of adds, updates, removes (and the compactions they trigger)
 * answers exactly as a fresh build of the articles it holds, in any insertion order: the same
 * ids, the same scores to the last bit (`toEqual` compares numbers with Object.is), the same
 * reasons, including the display form of every word, name and tag.
 */

// Several spellings of one stem, and tags that differ only in case, so display forms compete.
const WORDS = ['rate', 'rates', 'Rates', 'talk', 'talks', 'talking', 'force', 'forces', 'forced', 'conference', 'conferred', 'oil', 'OIL', 'prices', 'price', 'storm', 'storms']
const TAGS = ['OIL', 'oil', 'Oil', 'Economy', 'economy', 'Weather']

const sentence = fc
  .tuple(fc.constantFrom(...NEWS_NAMES), fc.array(fc.constantFrom(...WORDS), { minLength: 2, maxLength: 7 }))
  .map(([name, words]) => `${name} ${words.join(' ')}.`)
const day = fc.integer({ min: 0, max: 40 }).map((d) => new Date(Date.UTC(2025, 0, 1 + d)).toISOString())
const body = fc.record({
  title: sentence,
  body: fc.array(sentence, { minLength: 1, maxLength: 3 }).map((s) => s.join(' ')),
  publishedAt: fc.option(day, { nil: undefined }),
  tags: fc.option(fc.subarray(TAGS, { maxLength: 2 }), { nil: undefined }),
})
const op = fc.oneof(
  fc.record({ kind: fc.constant('add' as const), body }),
  fc.record({ kind: fc.constant('update' as const), at: fc.nat(), body }),
  fc.record({ kind: fc.constant('remove' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('compact' as const) }),
)
type Op = typeof op extends fc.Arbitrary<infer T> ? T : never

/** Applies the operations; returns the stored articles in the order they were last written. */
function apply(index: RelatedIndex, start: Article[], ops: Op[]): Article[] {
  const live = new Map(start.map((a) => [a.id, a]))
  let next = 0
  for (const o of ops) {
    if (o.kind === 'add') {
      const a = { id: `n${next++}`, ...o.body }
      index.add(a)
      live.set(a.id, a)
    } else if (o.kind === 'compact') {
      internalsOf(index).store.compact()
    } else if (live.size > 0) {
      const id = [...live.keys()][o.at % live.size] as string
      if (o.kind === 'update') {
        const a = { id, ...o.body }
        index.update(a)
        live.delete(id)
        live.set(id, a)
      } else {
        index.remove(id)
        live.delete(id)
      }
    }
  }
  return [...live.values()]
}

function answers(index: RelatedIndex): unknown {
  const ids = index.ids().sort()
  return {
    ids,
    related: ids.map((id) => index.related(id, { k: 1000 })),
    folded: ids.map((id) => index.related(id, { k: 3, diversity: 0.4 })),
    draft: index.relatedTo({ title: 'Oil rates talks', body: 'Russia forced talks on oil prices and rates.', tags: ['oil'] }, { k: 1000 }),
  }
}

function built(articles: readonly Article[]): RelatedIndex {
  const index = new RelatedIndex()
  index.addAll(articles)
  return index
}

const corpus = fc.array(body, { minLength: 1, maxLength: 12 }).map((items) => items.map((a, i): Article => ({ id: `a${i}`, ...a })))

describe('an index after changes equals a fresh build of what it holds', () => {
  it('in ids, scores (bit for bit) and reasons, after random adds, updates, removes and compactions', () => {
    fc.assert(
      fc.property(corpus, fc.array(op, { maxLength: 14 }), (articles, ops) => {
        const index = built(articles)
        const survivors = apply(index, articles, ops)
        const expected = answers(index)
        expect(answers(built(survivors))).toEqual(expected)
        expect(answers(built([...survivors].reverse()))).toEqual(expected)
        // And through a snapshot, and with further changes after the load.
        expect(answers(RelatedIndex.deserialize(index.serialize()))).toEqual(expected)
      }),
      { numRuns: 60 },
    )
  })

  it('gives identical scores and tie orders for any insertion order of a corpus full of exact ties', () => {
    fc.assert(
      fc.property(corpus, fc.func(fc.integer()), (articles, key) => {
        // Copies under other ids: every copy ties with its original on every signal.
        const withTies = articles.flatMap((a) => [a, { ...a, id: `${a.id}-copy` }, { ...a, id: `${a.id}-again` }])
        const shuffled = [...withTies].sort((a, b) => key(a.id) - key(b.id) || (a.id < b.id ? -1 : 1))
        const expected = answers(built(withTies))
        expect(answers(built(shuffled))).toEqual(expected)
        expect(answers(built([...withTies].reverse()))).toEqual(expected)
      }),
      { numRuns: 30 },
    )
  })

  it("shows a tag as the articles stored now write it, not as a removed one did (the issue's reproduction)", () => {
    const index = new RelatedIndex()
    index.add({ id: 'first', title: 'Crude prices', body: 'Crude oil prices rose.', tags: ['OIL'] })
    index.add({ id: 'b', title: 'Oil output', body: 'Oil output rose in Russia.', tags: ['oil'] })
    index.add({ id: 'c', title: 'Oil exports', body: 'Oil exports fell in Russia.', tags: ['oil'] })
    index.remove('first')
    expect(index.related('b', { k: 1 })[0]?.reasons.sharedTags).toEqual(['oil'])
    const fresh = built([index.get('b') as Article, index.get('c') as Article])
    expect(index.related('b')).toEqual(fresh.related('b'))
  })

  it('picks the form most stored articles use, whatever order they came in', () => {
    const a = { id: 'a', title: 'Oil', body: 'Oil prices.', tags: ['OIL'] }
    const b = { id: 'b', title: 'Oil', body: 'Oil output.', tags: ['oil'] }
    const c = { id: 'c', title: 'Oil', body: 'Oil exports.', tags: ['oil'] }
    for (const order of [[a, b, c], [c, b, a], [b, a, c]]) {
      expect(built(order).related('a', { k: 1 })[0]?.reasons.sharedTags).toEqual(['oil'])
    }
  })
})

describe('memory follows what is stored', () => {
  /** A made-up word per number ('zqa', 'zqb', …): every round brings terms no article had. */
  const word = (k: number): string => {
    let s = 'zq'
    do {
      s += String.fromCharCode(97 + (k % 26))
      k = Math.floor(k / 26)
    } while (k > 0)
    return s
  }
  const fresh = (n: number, from: number): string => `${Array.from({ length: n }, (_, i) => word(from + i)).join(' ')}.`

  it('forgets the terms of removed articles: adding and removing a 6,000-token article 6 times', () => {
    const index = new RelatedIndex({ maxArticleLength: Infinity })
    index.add({ id: 'kept', title: 'Oil prices', body: 'Oil prices rose in Russia.' })
    const { store } = internalsOf(index)
    for (let round = 0; round < 6; round++) {
      index.add({ id: 'big', title: 'Tokens', body: fresh(6000, round * 6000) })
      index.remove('big')
    }
    expect(store.text.liveTerms).toBeLessThan(10)
    // Ids of forgotten terms are reused (and compacted away), so the id space stays at one article's worth.
    expect(store.text.vocabularySize).toBeLessThanOrEqual(6010)
    expect(index.related('kept')).toEqual([])
    expect(RelatedIndex.deserialize(index.serialize()).serialize().length).toBeLessThan(2000)
  })

  it('compacts term ids and slots once most are free, and still answers as a fresh build', () => {
    const index = new RelatedIndex()
    const articles: Article[] = Array.from({ length: 3000 }, (_, i) => ({
      id: `s${i}`,
      title: `Story ${i}`,
      body: `Oil prices ${i % 7 === 0 ? 'rose' : 'fell'} word${i}a word${i}b in Russia.`,
      tags: [i % 2 === 0 ? 'OIL' : 'oil'],
    }))
    index.addAll(articles)
    const { store } = internalsOf(index)
    const before = store.compactionCount
    for (let i = 0; i < 2950; i++) index.remove(`s${i}`)
    expect(store.compactionCount).toBeGreaterThan(before)
    expect(store.capacity).toBeLessThanOrEqual(2 * 1024)
    expect(store.text.vocabularySize).toBeLessThan(2 * 4096 + 200)
    const survivors = articles.slice(2950)
    expect(answers(index)).toEqual(answers(built(survivors)))
  })

  it('keeps the vocabulary at the live size while the same articles are updated round after round', () => {
    const index = new RelatedIndex()
    const n = 300
    for (let round = 0; round < 12; round++) {
      for (let i = 0; i < n; i++) index.update({ id: `u${i}`, title: `Update ${i}`, body: `Oil ${fresh(3, 3 * (round * n + i))} Prices rose.` })
    }
    const { store } = internalsOf(index)
    expect(store.size).toBe(n)
    expect(store.text.liveTerms).toBeLessThan(4 * n)
    expect(store.text.vocabularySize).toBeLessThan(2 * 4 * n + 4096)
    expect(store.capacity).toBe(n)
  })
})

describe('ExactSum', () => {
  it('gives the same sum in any order', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { maxLength: 60 }), fc.func(fc.integer()), (values, key) => {
        const sum = (xs: number[]): number => {
          const s = new ExactSum()
          for (const x of xs) s.add(x)
          return s.value()
        }
        const shuffled = values.map((v, i) => [key(i), v] as const).sort((a, b) => a[0] - b[0]).map(([, v]) => v)
        expect(sum(shuffled)).toBe(sum(values))
        expect(sum([...values].reverse())).toBe(sum(values))
      }),
    )
  })

  it('is exact where a plain loop is not', () => {
    const s = new ExactSum()
    for (const x of [1e16, 1, -1e16, 1]) s.add(x)
    expect(s.value()).toBe(2)
    expect(1e16 + 1 - 1e16 + 1).toBe(1)
    s.reset()
    for (let i = 0; i < 10; i++) s.add(0.1)
    expect(s.value()).toBe(1)
  })
})
