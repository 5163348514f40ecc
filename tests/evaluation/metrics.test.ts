import { describe, expect, it } from 'vitest'
import { RelatedArticlesError } from '../../src/errors.js'
import {
  averagePrecision,
  evaluateRun,
  ndcgAt,
  precisionAt,
  recallAt,
  reciprocalRank,
  type Judgments,
  type Ranking,
} from '../../src/evaluation/index.js'

/*
 * The worked example used below (grades: 2 = same story, 1 = same topic, unlisted = 0):
 *
 *   rank  doc  grade  gain / log2(rank + 1)
 *   1     d1   2      2 / log2 2 = 2
 *   2     d2   0      0               (judged non-relevant)
 *   3     d3   1      1 / log2 4 = 0.5
 *   4     d4   2      2 / log2 5 = 0.861353
 *   5     d5   -      0               (not judged)
 *   not retrieved: d6 with grade 1
 *
 * DCG@5  = 2 + 0.5 + 0.861353                          = 3.361353
 * IDCG@5 = grades 2,2,1,1: 2 + 2/log2 3 + 1/log2 4 + 1/log2 5
 *        = 2 + 1.261860 + 0.5 + 0.430677               = 4.192536
 * nDCG@5 = 3.361353 / 4.192536                         = 0.801747
 * DCG@3  = 2 + 0.5 = 2.5; IDCG@3 = 2 + 1.261860 + 0.5 = 3.761860; nDCG@3 = 0.664565
 *
 * Binary, threshold 2: relevant = {d1, d4}, R = 2.
 *   AP  = (1/1 + 2/4) / 2 = 0.75; P@5 = 2/5; P@3 = 1/3; R@3 = 1/2; R@5 = 1; RR = 1
 * Binary, threshold 1: relevant = {d1, d3, d4, d6}, R = 4.
 *   AP  = (1/1 + 2/3 + 3/4) / 4 = 0.604167 (d6 never retrieved adds 0); R@5 = 3/4
 */
const judged: Judgments = new Map([
  ['d1', 2],
  ['d2', 0],
  ['d3', 1],
  ['d4', 2],
  ['d6', 1],
])
const ranking: Ranking = ['d1', 'd2', 'd3', 'd4', 'd5']
const LOG2_3 = Math.log2(3)
const LOG2_5 = Math.log2(5)

describe('ndcgAt', () => {
  const cases: Array<[string, Ranking, Judgments, number, number]> = [
    ['scores the worked example at 5', ranking, judged, 5, (2 + 0.5 + 2 / LOG2_5) / (2 + 2 / LOG2_3 + 0.5 + 1 / LOG2_5)],
    ['cuts both the ranking and the ideal at 3', ranking, judged, 3, 2.5 / (2 + 2 / LOG2_3 + 0.5)],
    ['is 1 when the first document is the best one and k is 1', ranking, judged, 1, 1],
    [
      'keeps the ideal over all judged documents when k is larger than the list',
      ranking,
      judged,
      10,
      (2 + 0.5 + 2 / LOG2_5) / (2 + 2 / LOG2_3 + 0.5 + 1 / LOG2_5),
    ],
    ['is 1 for the ideal ordering', ['d4', 'd1', 'd6', 'd3'], judged, 10, 1],
    // Grade-1 document first, grade 2 second: (1 + 2/log2 3) / (2 + 1/log2 3).
    ['rewards grades, not only hits', ['d3', 'd1'], new Map([['d1', 2], ['d3', 1]]), 2, (1 + 2 / LOG2_3) / (2 + 1 / LOG2_3)],
    ['is 0 for a query with no positive grade', ['a', 'b'], new Map([['a', 0]]), 5, 0],
    ['is 0 for a query with no judgments at all', ['a', 'b'], new Map(), 5, 0],
    ['is 0 for an empty ranking', [], judged, 5, 0],
    ['gives no gain to negative grades', ['a', 'b'], new Map([['a', -1], ['b', 1]]), 2, 1 / LOG2_3],
    [
      'uses the list order, not the scores, for tied scores',
      [{ id: 'x', score: 1 }, { id: 'y', score: 1 }],
      new Map([['y', 1]]),
      2,
      1 / LOG2_3,
    ],
  ]
  it.each(cases)('%s', (_name, list, grades, k, expected) => {
    expect(ndcgAt(list, grades, k)).toBeCloseTo(expected, 12)
  })

  it('rejects a cutoff that is not a positive integer', () => {
    for (const k of [0, -1, 1.5, Number.NaN]) {
      expect(() => ndcgAt(ranking, judged, k)).toThrow(RelatedArticlesError)
    }
    expect(() => ndcgAt(ranking, judged, 0)).toThrow(/k must be a positive integer, got number 0/)
  })

  it('rejects a ranking that lists a document twice, as trec_eval does', () => {
    const error = (() => {
      try {
        ndcgAt(['a', 'b', 'a'], judged, 3)
      } catch (e) {
        return e
      }
    })() as RelatedArticlesError
    expect(error).toBeInstanceOf(RelatedArticlesError)
    expect(error.code).toBe('INVALID_OPTION')
    expect(error.message).toMatch(/"a" at positions 0 and 2/)
  })
})

describe('binary metrics', () => {
  type Case = [string, () => number, number]
  const cases: Case[] = [
    ['AP averages precision at each relevant rank over R', () => averagePrecision(ranking, judged), 0.75],
    ['AP counts relevant documents never retrieved as 0', () => averagePrecision(ranking, judged, { relevanceThreshold: 1 }), (1 + 2 / 3 + 3 / 4) / 4],
    ['AP is 0 when the query has no relevant document', () => averagePrecision(ranking, new Map([['d1', 1]])), 0],
    ['P@5 divides the hits by k', () => precisionAt(ranking, judged, 5), 2 / 5],
    ['P@3 counts only the top 3', () => precisionAt(ranking, judged, 3), 1 / 3],
    ['P@k divides by k even when the list is shorter than k', () => precisionAt(['d1'], judged, 10), 1 / 10],
    ['R@3 divides the hits by the relevant count', () => recallAt(ranking, judged, 3), 1 / 2],
    ['R@5 is 1 once every relevant document is in', () => recallAt(ranking, judged, 5), 1],
    ['R@5 at threshold 1 misses the unretrieved d6', () => recallAt(ranking, judged, 5, { relevanceThreshold: 1 }), 3 / 4],
    ['R@k is 0 when the query has no relevant document', () => recallAt(ranking, new Map(), 5), 0],
    ['RR is 1 when the first document is relevant', () => reciprocalRank(ranking, judged), 1],
    ['RR is 1/3 when the first relevant document is third', () => reciprocalRank(['d2', 'd5', 'd4'], judged), 1 / 3],
    ['RR at threshold 1 accepts a grade-1 document', () => reciprocalRank(['d2', 'd3'], judged, { relevanceThreshold: 1 }), 1 / 2],
    ['RR is 0 when nothing relevant is retrieved', () => reciprocalRank(['d2', 'd5'], judged), 0],
  ]
  it.each(cases)('%s', (_name, compute, expected) => {
    expect(compute()).toBeCloseTo(expected, 12)
  })

  it('rejects a threshold that is not a finite number above 0', () => {
    for (const relevanceThreshold of [0, -2, Number.POSITIVE_INFINITY]) {
      expect(() => averagePrecision(ranking, judged, { relevanceThreshold })).toThrow(/relevanceThreshold must be a finite number above 0/)
    }
  })
})

describe('evaluateRun', () => {
  /*
   * q1: the worked example (AP 0.75, RR 1, P@5 0.4, R@5 1, nDCG@5 0.801747).
   * q2: relevant x (2); run returns [y, x]: AP = 1/2, RR = 1/2, P@5 = 1/5, R@5 = 1,
   *     nDCG@5 = (2 / log2 3) / 2 = 0.630930.
   * q3: only a grade-1 judgment (z): no relevant document at threshold 2; run returns [z]:
   *     binary metrics 0, nDCG@5 = 1.
   * q4: judged, but missing from the run: every metric 0.
   * q9: in the run but not in the qrels: ignored.
   */
  const qrels = new Map<string, Judgments>([
    ['q1', judged],
    ['q2', new Map([['x', 2]])],
    ['q3', new Map([['z', 1]])],
    ['q4', new Map([['w', 2]])],
  ])
  const run = new Map<string, Ranking>([
    ['q1', ranking],
    ['q2', [{ id: 'y', score: 3 }, { id: 'x', score: 2 }]],
    ['q3', ['z']],
    ['q9', ['w']],
  ])
  const ndcgQ1 = (2 + 0.5 + 2 / LOG2_5) / (2 + 2 / LOG2_3 + 0.5 + 1 / LOG2_5)
  const ndcgQ2 = 2 / LOG2_3 / 2

  it('averages over every qrels query, counting queries missing from the run as zero', () => {
    const result = evaluateRun(qrels, run, { cutoffs: [5] })
    expect(result.queryCount).toBe(4)
    expect(result.missingFromRun).toEqual(['q4'])
    expect(result.queriesWithoutRelevant).toEqual(['q3'])
    expect([...result.perQuery.keys()]).toEqual(['q1', 'q2', 'q3', 'q4'])
    expect(result.mean.map).toBeCloseTo((0.75 + 0.5 + 0 + 0) / 4, 12)
    expect(result.mean.mrr).toBeCloseTo((1 + 0.5 + 0 + 0) / 4, 12)
    expect(result.mean.precision[5]).toBeCloseTo((0.4 + 0.2 + 0 + 0) / 4, 12)
    expect(result.mean.recall[5]).toBeCloseTo((1 + 1 + 0 + 0) / 4, 12)
    expect(result.mean.ndcg[5]).toBeCloseTo((ndcgQ1 + ndcgQ2 + 1 + 0) / 4, 12)
    expect(result.perQuery.get('q4')).toMatchObject({ averagePrecision: 0, reciprocalRank: 0, relevant: 1, retrieved: 0 })
  })

  it('excludes queries without a relevant document from every mean when asked to', () => {
    const result = evaluateRun(qrels, run, { cutoffs: [5], withoutRelevant: 'exclude' })
    expect(result.queryCount).toBe(3)
    expect(result.perQuery.has('q3')).toBe(false)
    expect(result.queriesWithoutRelevant).toEqual(['q3'])
    expect(result.mean.ndcg[5]).toBeCloseTo((ndcgQ1 + ndcgQ2 + 0) / 3, 12)
    expect(result.mean.map).toBeCloseTo((0.75 + 0.5) / 3, 12)
  })

  it('evaluates exactly the listed queries, scoring an unjudged one as zero', () => {
    const result = evaluateRun(qrels, run, { queries: ['q2', 'q9'], cutoffs: [5] })
    expect(result.queryCount).toBe(2)
    expect(result.mean.map).toBeCloseTo(0.5 / 2, 12)
    expect(result.perQuery.get('q9')).toMatchObject({ ndcg: { 5: 0 }, averagePrecision: 0, relevant: 0, retrieved: 1 })
  })

  it('uses cutoffs 5 and 10 and threshold 2 by default', () => {
    const result = evaluateRun(qrels, run)
    expect(Object.keys(result.mean.ndcg)).toEqual(['5', '10'])
    expect(result.perQuery.get('q1')?.relevant).toBe(2)
  })

  it('applies the threshold to every binary metric', () => {
    const result = evaluateRun(qrels, run, { relevanceThreshold: 1, cutoffs: [5] })
    expect(result.queriesWithoutRelevant).toEqual([])
    expect(result.perQuery.get('q3')).toMatchObject({ averagePrecision: 1, reciprocalRank: 1, recall: { 5: 1 } })
  })

  const badOptions: Array<[string, Parameters<typeof evaluateRun>[2], RegExp]> = [
    ['an unknown option name', { cutoff: [5] } as never, /unknown option "cutoff"/],
    ['an empty cutoff list', { cutoffs: [] }, /cutoffs must be a non-empty array/],
    ['a repeated cutoff', { cutoffs: [5, 5] }, /cutoffs\[1\] must be a cutoff not listed before/],
    ['a zero cutoff', { cutoffs: [0] }, /cutoffs\[0\] must be a positive integer/],
    ['a repeated query', { queries: ['q1', 'q1'] }, /queries\[1\] must be a query id not listed before/],
    ['an unknown policy', { withoutRelevant: 'drop' as never }, /withoutRelevant must be "count-zero" or "exclude"/],
  ]
  it.each(badOptions)('rejects %s', (_name, options, message) => {
    expect(() => evaluateRun(qrels, run, options)).toThrow(message)
  })

  it('rejects an empty query set instead of returning NaN means', () => {
    expect(() => evaluateRun(new Map(), run)).toThrow(/no query to evaluate/)
    expect(() => evaluateRun(new Map([['q3', new Map([['z', 1]])]]), run, { withoutRelevant: 'exclude' })).toThrow(
      /no query to evaluate/,
    )
  })

  it('rejects a grade that is not a finite number', () => {
    expect(() => evaluateRun(new Map([['q1', new Map([['d', Number.NaN]])]]), run)).toThrow(/must be a finite grade/)
  })
})
