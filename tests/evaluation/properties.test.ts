import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  averagePrecision,
  evaluateRun,
  formatRun,
  ndcgAt,
  parseRun,
  precisionAt,
  recallAt,
  reciprocalRank,
  splitFolds,
  type Ranking,
} from '../../src/evaluation/index.js'

const docIds = fc.constantFrom(...Array.from({ length: 12 }, (_, i) => `d${i}`))
const judgmentsArb = fc.dictionary(docIds, fc.integer({ min: -1, max: 3 })).map((o) => new Map(Object.entries(o)))
const rankingArb = fc.uniqueArray(docIds, { maxLength: 12 })
const kArb = fc.integer({ min: 1, max: 15 })
const thresholdArb = fc.integer({ min: 1, max: 3 })

describe('metric properties', () => {
  it('keeps every metric in [0, 1]', () => {
    fc.assert(
      fc.property(rankingArb, judgmentsArb, kArb, thresholdArb, (ranking, judgments, k, relevanceThreshold) => {
        const values = [
          ndcgAt(ranking, judgments, k),
          averagePrecision(ranking, judgments, { relevanceThreshold }),
          precisionAt(ranking, judgments, k, { relevanceThreshold }),
          recallAt(ranking, judgments, k, { relevanceThreshold }),
          reciprocalRank(ranking, judgments, { relevanceThreshold }),
        ]
        for (const value of values) {
          expect(value).toBeGreaterThanOrEqual(0)
          expect(value).toBeLessThanOrEqual(1 + 1e-12)
        }
      }),
    )
  })

  it('gives nDCG 1 to the ideal ordering at every cutoff', () => {
    fc.assert(
      fc.property(judgmentsArb, kArb, (judgments, k) => {
        const ideal = [...judgments].filter(([, g]) => g > 0).sort((a, b) => b[1] - a[1]).map(([id]) => id)
        fc.pre(ideal.length > 0)
        expect(ndcgAt(ideal, judgments, k)).toBeCloseTo(1, 12)
        expect(averagePrecision(ideal, judgments, { relevanceThreshold: 1 })).toBeCloseTo(1, 12)
      }),
    )
  })

  it('never lets a worse ordering beat the ideal one', () => {
    fc.assert(
      fc.property(rankingArb, judgmentsArb, kArb, (ranking, judgments, k) => {
        const ideal = [...judgments].filter(([, g]) => g > 0).sort((a, b) => b[1] - a[1]).map(([id]) => id)
        expect(ndcgAt(ranking, judgments, k)).toBeLessThanOrEqual(ndcgAt(ideal, judgments, k) + 1e-12)
      }),
    )
  })

  it('gives the same per-query figures in evaluateRun as the single metrics', () => {
    fc.assert(
      fc.property(rankingArb, judgmentsArb, kArb, (ranking, judgments, k) => {
        const result = evaluateRun(new Map([['q', judgments]]), new Map([['q', ranking]]), { cutoffs: [k] })
        const q = result.perQuery.get('q')
        expect(q?.ndcg[k]).toBe(ndcgAt(ranking, judgments, k))
        expect(q?.averagePrecision).toBe(averagePrecision(ranking, judgments))
        expect(q?.precision[k]).toBe(precisionAt(ranking, judgments, k))
        expect(q?.recall[k]).toBe(recallAt(ranking, judgments, k))
        expect(q?.reciprocalRank).toBe(reciprocalRank(ranking, judgments))
      }),
    )
  })

  it('reads back a formatted run in the same order', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.constantFrom('q1', 'q2', 'q3'), rankingArb), (object) => {
        const run = new Map<string, Ranking>(Object.entries(object).filter(([, ranking]) => ranking.length > 0))
        const parsed = parseRun(formatRun(run, { tag: 'p' }))
        expect(new Map([...parsed].map(([q, docs]) => [q, docs.map((d) => d.id)]))).toEqual(run)
      }),
    )
  })
})

describe('fold properties', () => {
  const queriesArb = fc.uniqueArray(fc.string({ minLength: 1, maxLength: 4 }), { minLength: 2, maxLength: 40 })
  it('returns k disjoint, grouped, complete folds', () => {
    fc.assert(
      fc.property(queriesArb, fc.integer({ min: 1, max: 6 }), fc.integer({ min: 2, max: 6 }), fc.integer(), (queries, groupCount, k, seed) => {
        const groupOf = (q: string) => `g${q.length % groupCount}`
        const groups = new Set(queries.map(groupOf))
        fc.pre(k <= groups.size)
        const folds = splitFolds(queries, k, groupOf, seed)
        expect(folds).toHaveLength(k)
        const tested = folds.flatMap((f) => f.test)
        expect(new Set(tested).size).toBe(tested.length)
        expect([...tested].sort()).toEqual([...queries].sort())
        for (const fold of folds) {
          expect(fold.test.length).toBeGreaterThan(0)
          const testGroups = new Set(fold.test.map(groupOf))
          expect(fold.train.every((q) => !testGroups.has(groupOf(q)))).toBe(true)
          expect(fold.test.length + fold.train.length).toBe(queries.length)
        }
        expect(splitFolds(queries, k, groupOf, seed)).toEqual(folds)
      }),
    )
  })
})
