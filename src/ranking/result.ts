/**
 * One signal's part in a score. Read-only: every inactive signal of every result is one shared,
 * frozen `{ value: 0, weight: 0, contribution: 0 }` (a cache of lists holds a third less).
 *
 * @example
 * ```ts
 * const [top] = index.related('r10100', { k: 1 })
 * const { value, weight, contribution } = top.signals.entities
 * console.log(`entities: similarity ${value.toFixed(2)} × weight ${weight} → ${contribution.toFixed(3)} of ${top.score.toFixed(3)}`)
 * ```
 */
export interface SignalScore {
  /** The signal's own similarity in [0, 1] (0 when the signal is inactive for this pair). */
  readonly value: number
  /** The weight it had in this score; 0 when the signal was inactive (for example an undated article). */
  readonly weight: number
  /** `weight × value / Σ active weights`: what it added to `score`. The contributions sum to `score`. */
  readonly contribution: number
}

/**
 * The score of every inactive signal, shared and frozen (internal; not exported from the package):
 * a result's numbers are boxed one by one, so three inactive signals of five cost about 290 of a
 * result's 1,000 bytes, which a cache of lists or `relatedAll` over a whole archive holds for
 * every result.
 */
export const INACTIVE_SIGNAL: SignalScore = Object.freeze({ value: 0, weight: 0, contribution: 0 })

/** Makes results that crossed a thread boundary (structured clones) share the inactive signal again. */
export function shareInactiveSignals(results: RelatedResult[]): RelatedResult[] {
  for (const r of results) {
    const signals = r.signals as unknown as Record<string, SignalScore>
    for (const name in signals) if (!((signals[name] as SignalScore).weight > 0)) signals[name] = INACTIVE_SIGNAL
  }
  return results
}

/**
 * Every signal of a result. The contributions sum to the result's `score`.
 *
 * @example
 * ```ts
 * for (const [name, s] of Object.entries(result.signals)) console.log(name, s.contribution.toFixed(3))
 * ```
 */
export interface RelatedSignals {
  /** TF-IDF cosine of title and body. */
  text: SignalScore
  /** Rarity-weighted overlap of named entities (people, places, organisations). */
  entities: SignalScore
  /** Rarity-weighted overlap of tags and section; inactive when the query article has neither. */
  tags: SignalScore
  /** Closeness of publication dates; inactive unless both articles are dated. */
  time: SignalScore
  /**
   * Similarity of the two articles' embeddings by the index's `embeddingSimilarity` measure;
   * inactive unless both have an `embedding`.
   */
  embedding: SignalScore
}

/**
 * What a page can show a reader about why a story is related. No internal numbers.
 *
 * @example
 * ```ts
 * const { sharedEntities, sharedTerms, daysApart } = result.reasons
 * const why = [...sharedEntities.slice(0, 2), ...sharedTerms.slice(0, 2)].join(', ')
 * console.log(daysApart === undefined ? why : `${why} (${daysApart} days apart)`)
 * ```
 */
export interface RelatedReasons {
  /** Named entities both articles mention, strongest first, in display form ("Sergey Lavrov"). */
  sharedEntities: string[]
  /** Words both articles use that weigh most in the text match, as readable words (not stems). */
  sharedTerms: string[]
  /** Tags both articles carry, as the stored article spells them. */
  sharedTags: string[]
  /** Whole days between the two publication times, when both are dated. */
  daysApart?: number
  /** Ids of near-duplicate articles (wire copies, live-story versions) folded into this result. */
  duplicates: string[]
}

/**
 * One related story, as returned by `related`, `relatedTo` and `relatedAll`, best first.
 *
 * @example
 * ```ts
 * for (const r of index.related('r10100', { k: 3 })) {
 *   console.log(r.id, r.score.toFixed(3), index.get(r.id)?.title)
 * }
 * // r10876 0.615 U.S. SEES NO NEW COFFEE AGREEMENT TALKS SOON
 * // …
 * ```
 */
export interface RelatedResult {
  /** Id of the related stored article. */
  id: string
  /** Overall relatedness in [0, 1]: the weighted mean of the active signals. */
  score: number
  /** Each signal's value, weight and contribution. */
  signals: RelatedSignals
  /** Reader-facing explanation. */
  reasons: RelatedReasons
}
