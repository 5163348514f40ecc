/**
 * Grouped k-fold splits for tuning on labelled data without leaking: queries that share a group
 * (the same story, the same topic set) always land in the same fold, so a setting is never tested
 * on a near-copy of a query it was tuned on.
 */
import { RelatedArticlesError, invalid } from '../errors.js'
import { seededRandom, shuffleInPlace } from './random.js'

/** One fold: its test queries and the training queries (all the others). */
export interface Fold {
  /** Query ids held out in this fold, in input order. */
  test: string[]
  /** Every other query id, in input order. */
  train: string[]
}

/**
 * Splits queries into k folds such that no group has queries on both sides of any fold.
 *
 * Groups are shuffled with a seeded generator, then placed largest first, each into the fold that
 * holds the fewest queries so far (lowest fold index on ties). The same inputs and seed always
 * give the same folds; every fold gets at least one group.
 *
 * @param queryIds distinct query ids.
 * @param k number of folds, an integer from 2 to the number of distinct groups.
 * @param groupOf the group of a query (for example its story id); must return a string.
 * @param seed any safe integer; different seeds give different (equally balanced) splits.
 * @throws RelatedArticlesError `INVALID_OPTION` for a repeated or non-string id, a bad k or seed,
 *   or a group that is not a string.
 */
export function splitFolds(
  queryIds: readonly string[],
  k: number,
  groupOf: (queryId: string) => string,
  seed: number,
): Fold[] {
  if (!Array.isArray(queryIds)) throw invalid('INVALID_OPTION', 'queryIds', 'an array of query ids', queryIds)
  if (typeof groupOf !== 'function') throw invalid('INVALID_OPTION', 'groupOf', 'a function', groupOf)
  if (typeof seed !== 'number' || !Number.isSafeInteger(seed)) throw invalid('INVALID_OPTION', 'seed', 'a safe integer', seed)
  if (typeof k !== 'number' || !Number.isInteger(k) || k < 2) throw invalid('INVALID_OPTION', 'k', 'an integer of at least 2', k)

  const groups = new Map<string, string[]>()
  const groupOfQuery = new Map<string, string>()
  queryIds.forEach((q: unknown, i) => {
    if (typeof q !== 'string') throw invalid('INVALID_OPTION', `queryIds[${i}]`, 'a query id string', q)
    if (groupOfQuery.has(q)) throw invalid('INVALID_OPTION', `queryIds[${i}]`, 'a query id not listed before', q)
    const group: unknown = groupOf(q)
    if (typeof group !== 'string') throw invalid('INVALID_OPTION', `groupOf(${JSON.stringify(q)})`, 'a string', group)
    groupOfQuery.set(q, group)
    const members = groups.get(group)
    if (members === undefined) groups.set(group, [q])
    else members.push(q)
  })
  if (k > groups.size) {
    throw new RelatedArticlesError(
      'INVALID_OPTION',
      `k must be at most the number of distinct groups (${groups.size}), got ${k}`,
      { field: 'k', expected: `an integer from 2 to ${groups.size}`, got: `number ${k}` },
    )
  }

  const order = shuffleInPlace([...groups.keys()], seededRandom(seed))
  // Largest first keeps folds balanced when group sizes vary; the sort is stable, so equal-sized
  // groups keep their shuffled order.
  order.sort((a, b) => (groups.get(b) as string[]).length - (groups.get(a) as string[]).length)
  const sizes = new Array<number>(k).fill(0)
  const foldOfGroup = new Map<string, number>()
  for (const group of order) {
    let smallest = 0
    for (let f = 1; f < k; f++) if ((sizes[f] as number) < (sizes[smallest] as number)) smallest = f
    foldOfGroup.set(group, smallest)
    sizes[smallest] = (sizes[smallest] as number) + (groups.get(group) as string[]).length
  }

  const folds: Fold[] = Array.from({ length: k }, () => ({ test: [], train: [] }))
  for (const q of queryIds) {
    const fold = foldOfGroup.get(groupOfQuery.get(q) as string) as number
    folds.forEach((f, i) => (i === fold ? f.test : f.train).push(q))
  }
  return folds
}
