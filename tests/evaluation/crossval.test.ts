import { describe, expect, it } from 'vitest'
import { splitFolds } from '../../src/evaluation/index.js'

// Story of each query: s1 has 3 queries, s2 and s3 have 2, s4 and s5 have 1 (9 queries).
const storyOf: Record<string, string> = { a: 's1', b: 's1', c: 's1', d: 's2', e: 's2', f: 's3', g: 's3', h: 's4', i: 's5' }
const queries = Object.keys(storyOf)
const groupOf = (q: string) => storyOf[q] as string

describe('splitFolds', () => {
  it('puts each group entirely in one test fold', () => {
    const folds = splitFolds(queries, 3, groupOf, 42)
    for (const fold of folds) {
      const testGroups = new Set(fold.test.map(groupOf))
      expect(fold.train.some((q) => testGroups.has(groupOf(q)))).toBe(false)
    }
  })

  it('uses every query exactly once as a test query', () => {
    const folds = splitFolds(queries, 3, groupOf, 42)
    expect(folds.flatMap((f) => f.test).sort()).toEqual([...queries].sort())
    for (const fold of folds) expect([...fold.test, ...fold.train].sort()).toEqual([...queries].sort())
  })

  it('balances fold sizes by placing the largest groups first', () => {
    // 9 queries in groups of 3, 2, 2, 1, 1 over 3 folds: the greedy split reaches 3 + 3 + 3.
    const sizes = splitFolds(queries, 3, groupOf, 7).map((f) => f.test.length)
    expect(sizes.sort()).toEqual([3, 3, 3])
  })

  it('keeps input order inside test and train lists', () => {
    for (const fold of splitFolds(queries, 2, groupOf, 1)) {
      expect(fold.test).toEqual(queries.filter((q) => fold.test.includes(q)))
      expect(fold.train).toEqual(queries.filter((q) => fold.train.includes(q)))
    }
  })

  it('gives the same folds for the same seed', () => {
    expect(splitFolds(queries, 3, groupOf, 123)).toEqual(splitFolds(queries, 3, groupOf, 123))
  })

  it('gives different folds for some other seed', () => {
    const first = JSON.stringify(splitFolds(queries, 5, groupOf, 0))
    const others = [1, 2, 3, 4, 5].map((seed) => JSON.stringify(splitFolds(queries, 5, groupOf, seed)))
    expect(others.some((other) => other !== first)).toBe(true)
  })

  const errors: Array<[string, () => unknown, RegExp]> = [
    ['k below 2', () => splitFolds(queries, 1, groupOf, 0), /k must be an integer of at least 2/],
    ['k above the number of groups', () => splitFolds(queries, 6, groupOf, 0), /at most the number of distinct groups \(5\), got 6/],
    ['a repeated query id', () => splitFolds(['a', 'a'], 2, groupOf, 0), /queryIds\[1\] must be a query id not listed before/],
    ['a seed that is not an integer', () => splitFolds(queries, 2, groupOf, 0.5), /seed must be a safe integer/],
    ['a group that is not a string', () => splitFolds(queries, 2, () => 3 as never, 0), /groupOf\("a"\) must be a string/],
  ]
  it.each(errors)('rejects %s', (_name, action, message) => {
    expect(action).toThrow(message)
  })
})
