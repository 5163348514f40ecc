/**
 * Batch precompute: the related list of every article, for static sites and nightly jobs.
 *
 * Each list is one ordinary query through the inverted index (candidates from postings, exact
 * scores for those), so the whole batch costs N queries, not N² comparisons; idf values and
 * document norms are computed once, on the first query, because nothing changes in between.
 * Results are yielded one article at a time, so a caller that writes them out holds one list in
 * memory, not N × k result objects.
 *
 * This runs on the caller's thread. To use more cores, `RelatedPool` (src/workers/pool.ts) runs
 * the same queries on worker threads that each load the index's snapshot, and yields the lists
 * in the same order; the CLI's `batch --threads` uses it.
 */
import { RelatedArticlesError, invalid } from '../errors.js'
import type { ArticleStore } from '../index/store.js'
import type { QueryEngine } from './engine.js'
import type { RelatedOptions, ResolvedQueryOptions } from './options.js'
import type { RelatedResult } from './result.js'

/**
 * Progress of {@link RelatedIndex.relatedAll} and {@link RelatedIndex.iterateRelated}.
 *
 * @example
 * ```ts
 * index.relatedAll({ k: 5, onProgress: ({ done, total }) => process.stderr.write(`\r${done}/${total}`) })
 * ```
 */
export interface BatchProgress {
  /** Related lists computed so far. */
  done: number
  /** Related lists to compute in all. */
  total: number
}

/**
 * Options of `relatedAll` and `iterateRelated`: every option of `related`, plus these.
 *
 * @example
 * ```ts
 * // Lists for the front page's stories only, past stories only, at least a modest match.
 * const lists = index.relatedAll({ ids: frontPageIds, k: 4, pastOnly: true, minScore: 0.2 })
 * ```
 */
export interface RelatedAllOptions extends RelatedOptions {
  /**
   * The stored articles to compute lists for, in this order. Defaults to every stored article,
   * ids in code-unit order (so the order never depends on insertion history).
   */
  ids?: Iterable<string>
  /** Called after each list is computed. */
  onProgress?: (progress: BatchProgress) => void
  /**
   * Also fill `affectedBy`'s memory for this `k` from the lists (9% more time at 100,000 articles), so
   * that `affectedBy(id, { k })` afterwards starts from every article's actual top k: no first
   * call that searches the archive, and cheaper later calls. For the usual pairing of a batch
   * precompute of cached lists with `affectedBy` on every add. Needs lists ranked as
   * `affectedBy` ranks them: no ranking option but `k`. Not on a `RelatedPool`.
   */
  primeAffectedBy?: boolean
}

/**
 * `[query id, its related list]`, as yielded by `iterateRelated`.
 *
 * @example
 * ```ts
 * for (const [id, results] of index.iterateRelated({ k: 5 })) {
 *   out.write(`${JSON.stringify({ id, related: results.map((r) => r.id) })}\n`)
 * }
 * ```
 */
export type RelatedEntry = [id: string, results: RelatedResult[]]

/** Separates the batch options from the per-query options and checks them. @internal */
export function splitBatchOptions(options: unknown): {
  ids: string[] | undefined
  onProgress: ((progress: BatchProgress) => void) | undefined
  primeAffectedBy: boolean
  query: RelatedOptions
} {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw invalid('INVALID_OPTION', 'options', 'an options object', options)
  }
  const { ids, onProgress, primeAffectedBy = false, ...query } = options as RelatedAllOptions
  if (onProgress !== undefined && typeof onProgress !== 'function') throw invalid('INVALID_OPTION', 'onProgress', 'a function', onProgress)
  if (typeof primeAffectedBy !== 'boolean') throw invalid('INVALID_OPTION', 'primeAffectedBy', 'true or false', primeAffectedBy)
  const other = Object.keys(query).find((key) => key !== 'k' && (query as Record<string, unknown>)[key] !== undefined)
  if (primeAffectedBy && other !== undefined) {
    throw invalid('INVALID_OPTION', 'primeAffectedBy', `used with no ranking option but k (affectedBy ranks with the index's defaults; ${other} was given)`, primeAffectedBy)
  }
  let list: string[] | undefined
  if (ids !== undefined) {
    if (typeof ids === 'string' || typeof ids !== 'object' || ids === null || typeof ids[Symbol.iterator] !== 'function') {
      throw invalid('INVALID_OPTION', 'ids', 'an iterable of ids (array or Set)', ids)
    }
    list = []
    for (const id of ids as Iterable<unknown>) {
      if (typeof id !== 'string') throw invalid('INVALID_OPTION', `ids[${list.length}]`, 'a string id', id)
      list.push(id)
    }
  }
  return { ids: list, onProgress, primeAffectedBy, query }
}

/**
 * Yields `[id, results]` for each slot. Throws `INVALID_STATE` if the index changes while the
 * iteration is suspended, since later lists would then mix two versions of the archive.
 * @internal
 */
export function* iterateSlots(
  store: ArticleStore,
  engine: QueryEngine,
  slots: readonly number[],
  q: ResolvedQueryOptions,
  onProgress: ((progress: BatchProgress) => void) | undefined,
  recorder?: () => ((slot: number, results: readonly RelatedResult[]) => void) | undefined,
): Generator<RelatedEntry, void, undefined> {
  const revision = store.revision
  // Made as the iteration starts, so what it remembers is of the index the lists come from.
  const remember = recorder?.()
  const total = slots.length
  for (let i = 0; i < total; i++) {
    if (store.revision !== revision) {
      throw new RelatedArticlesError(
        'INVALID_STATE',
        'the index changed during iterateRelated/relatedAll; finish or restart the iteration after adding, updating or removing articles',
      )
    }
    const slot = slots[i] as number
    const results = engine.run(engine.profileOf(slot), q)
    remember?.(slot, results)
    onProgress?.({ done: i + 1, total })
    yield [store.idAt(slot) as string, results]
  }
}
