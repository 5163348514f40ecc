import { describe, expect, it } from 'vitest'
import { exposure, type Ranking } from '../../src/evaluation/index.js'

describe('exposure', () => {
  const corpus = ['a', 'b', 'c', 'd', 'e']
  /*
   * Top 2 of each ranking: q1 → a, b; q2 → a, c; q3 → a (only one).
   * Counts: a 3, b 1, c 1, d 0, e 0 → never recommended 2 of 5 = 0.4; most recommended a (3).
   * At k = 1: a 3, the rest 0 → 4 of 5 never recommended.
   */
  const run = new Map<string, Ranking>([
    ['q1', ['a', 'b', 'd']],
    ['q2', [{ id: 'a', score: 1 }, { id: 'c', score: 0.5 }]],
    ['q3', ['a']],
  ])

  const cases: Array<[string, number, number, number, { id: string; count: number } | undefined]> = [
    ['counts only each top k', 2, 2, 0.4, { id: 'a', count: 3 }],
    ['shrinks the recommended set at a smaller k', 1, 4, 0.8, { id: 'a', count: 3 }],
    ['counts everything retrieved when k is larger than every list', 10, 1, 0.2, { id: 'a', count: 3 }],
  ]
  it.each(cases)('%s', (_name, k, never, share, most) => {
    expect(exposure(run, corpus, k)).toEqual({
      k,
      corpusSize: 5,
      neverRecommended: never,
      neverRecommendedShare: share,
      mostRecommended: most,
    })
  })

  it('breaks a tie for most recommended by the smallest id', () => {
    const tied = new Map<string, Ranking>([
      ['q1', ['c', 'b']],
      ['q2', ['b', 'c']],
    ])
    expect(exposure(tied, corpus, 2).mostRecommended).toEqual({ id: 'b', count: 2 })
  })

  it('reports every article as never recommended for an empty run', () => {
    expect(exposure(new Map(), corpus, 10)).toMatchObject({ neverRecommended: 5, neverRecommendedShare: 1, mostRecommended: undefined })
  })

  it('rejects a ranked id that is not in the corpus', () => {
    expect(() => exposure(new Map([['q1', ['zz']]]), corpus, 3)).toThrow(/must be an id of the corpus, got the string "zz"/)
  })

  it('rejects an empty or repeated corpus', () => {
    expect(() => exposure(run, [], 3)).toThrow(/corpusIds must be at least one id/)
    expect(() => exposure(run, ['a', 'a'], 3)).toThrow(/corpusIds\[1\] must be an id not listed before/)
  })
})
