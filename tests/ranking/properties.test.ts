import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { Article } from '../../src/article.js'
import type { RelatedIndexOptions } from '../../src/ranking/options.js'
import { RelatedIndex } from '../../src/ranking/related-index.js'
import type { RelatedResult } from '../../src/ranking/result.js'
import { newsSentence } from '../helpers/arbitraries.js'


// Real news words and names, so analysis yields real stems and entities.
const sentence = newsSentence()

const articleBody = fc.record({
  title: sentence,
  body: fc.array(sentence, { minLength: 1, maxLength: 4 }).map((s) => s.join(' ')),
  publishedAt: fc.option(fc.integer({ min: 0, max: 60 }).map((d) => new Date(Date.UTC(2025, 0, 1 + d)).toISOString()), { nil: undefined }),
  tags: fc.option(fc.subarray(['Ukraine war', 'Economy', 'Weather']), { nil: undefined }),
})

const corpus = fc
  .array(articleBody, { minLength: 2, maxLength: 10 })
  .map((items) => items.map((a, i): Article => ({ id: `a${i}`, ...a })))

const settings = { numRuns: 25 }

function scoresOf(index: RelatedIndex, ids: string[]): Map<string, Map<string, number>> {
  return new Map(ids.map((id) => [id, new Map(index.related(id, { k: 1000 }).map((r) => [r.id, r.score]))]))
}

function expectSameScores(a: Map<string, Map<string, number>>, b: Map<string, Map<string, number>>): void {
  expect([...a.keys()].sort()).toEqual([...b.keys()].sort())
  for (const [q, results] of a) {
    const other = b.get(q) as Map<string, number>
    expect([...results.keys()].sort()).toEqual([...other.keys()].sort())
    for (const [id, score] of results) expect(Math.abs(score - (other.get(id) as number))).toBeLessThan(1e-9)
  }
}

function rebuild(articles: Article[], options?: RelatedIndexOptions): RelatedIndex {
  const index = new RelatedIndex(options)
  index.addAll(articles)
  return index
}

const ids = (articles: Article[]): string[] => articles.map((a) => a.id)

describe('RelatedIndex invariants', () => {
  it('is deterministic: two indexes of the same articles give identical results', () => {
    fc.assert(
      fc.property(corpus, (articles) => {
        const strip = (rs: RelatedResult[]) => rs
        const a = rebuild(articles)
        const b = rebuild([...articles].reverse())
        for (const id of ids(articles)) {
          const ra = strip(a.related(id, { k: 5 }))
          const rb = strip(b.related(id, { k: 5 }))
          expect(ra.map((r) => r.id)).toEqual(rb.map((r) => r.id))
          ra.forEach((r, i) => expect(r.score).toBeCloseTo(rb[i]!.score, 9))
        }
      }),
      settings,
    )
  })

  it('keeps scores in [0, 1] and never returns the query itself', () => {
    fc.assert(
      fc.property(corpus, (articles) => {
        const index = rebuild(articles)
        for (const id of ids(articles)) {
          for (const r of index.related(id, { k: 50 })) {
            expect(r.id).not.toBe(id)
            expect(r.score).toBeGreaterThanOrEqual(0)
            expect(r.score).toBeLessThanOrEqual(1)
          }
        }
      }),
      settings,
    )
  })

  it('add-then-remove equals never-added', () => {
    fc.assert(
      fc.property(corpus, articleBody, (articles, extra) => {
        const index = rebuild(articles)
        index.add({ id: 'extra', ...extra })
        index.remove('extra')
        expectSameScores(scoresOf(index, ids(articles)), scoresOf(rebuild(articles), ids(articles)))
      }),
      settings,
    )
  })

  it('an index changed by any sequence of adds, updates and removes equals one rebuilt from the final articles', () => {
    const op = fc.oneof(
      fc.record({ kind: fc.constant('add' as const), body: articleBody }),
      fc.record({ kind: fc.constant('update' as const), at: fc.nat(), body: articleBody }),
      fc.record({ kind: fc.constant('remove' as const), at: fc.nat() }),
    )
    fc.assert(
      fc.property(corpus, fc.array(op, { maxLength: 8 }), (articles, ops) => {
        const index = rebuild(articles)
        const live = new Map(articles.map((a) => [a.id, a]))
        let next = 0
        for (const o of ops) {
          const present = [...live.keys()]
          if (o.kind === 'add') {
            const a = { id: `n${next++}`, ...o.body }
            index.add(a)
            live.set(a.id, a)
          } else if (present.length > 0) {
            const id = present[o.at % present.length]!
            if (o.kind === 'update') {
              const a = { id, ...o.body }
              index.update(a)
              live.set(id, a)
            } else {
              index.remove(id)
              live.delete(id)
            }
          }
        }
        const finalArticles = [...live.values()]
        expectSameScores(scoresOf(index, ids(finalArticles)), scoresOf(rebuild(finalArticles), ids(finalArticles)))
      }),
      settings,
    )
  })

  it('scores each returned candidate exactly as the exhaustive reference does, even with aggressive pruning', () => {
    fc.assert(
      fc.property(corpus, (articles) => {
        const index = rebuild(articles, { candidateTerms: 2, maxCandidates: 3 })
        for (const id of ids(articles)) {
          const exact = new Map(index.relatedExhaustive(id, { k: 1000, foldDuplicates: false }).map((r) => [r.id, r.score]))
          for (const r of index.related(id, { k: 1000, foldDuplicates: false })) {
            expect(Math.abs(r.score - (exact.get(r.id) as number))).toBeLessThan(1e-12)
          }
        }
      }),
      settings,
    )
  })

  it('equals the exhaustive reference on default settings', () => {
    fc.assert(
      fc.property(corpus, (articles) => {
        const index = rebuild(articles)
        for (const id of ids(articles)) {
          expect(index.related(id, { k: 10 })).toEqual(index.relatedExhaustive(id, { k: 10 }))
        }
      }),
      settings,
    )
  })
})
