import type { RelatedIndexOptions } from './options.js'
import { TUNED_DEFAULTS } from './tuned.js'

/**
 * Ranking defaults in one place, in the shape of {@link RelatedIndexOptions}: pass it whole, or
 * spread it and change what your archive needs. Every value has a reason; the ones marked "tuned"
 * come from `npm run tune` (see `benchmarks/results/tuning.json` for the data, seed and date).
 *
 * @example
 * ```ts
 * import { RANKING_DEFAULTS, RelatedIndex } from 'related-articles'
 *
 * // Everything as shipped, but names count as much as words.
 * const index = new RelatedIndex({ ...RANKING_DEFAULTS, weights: { ...RANKING_DEFAULTS.weights, entities: 1 } })
 * ```
 */
export const RANKING_DEFAULTS = {
  /** Weights of the signals in the final weighted mean (see `SignalWeights`). */
  weights: {
    /** The TF-IDF cosine of title and body: the unit the other weights are measured in. */
    text: 1,
    /** Named-entity overlap. Tuned. */
    entities: TUNED_DEFAULTS.entityWeight,
    /**
     * Editor tags shared by both articles (active only when both have tags; gated by content).
     * Not tuned: no labelled set has editor tags. Half the text weight: a tag is strong but coarse
     * evidence; AllSides' topic labels used as tags (benchmarks/tags.ts) gain at any weight from
     * 0.25 to 1, so the value is not critical.
     */
    tags: 0.5,
    /** Publication-time closeness (active only when both articles are dated; gated by content). Tuned. */
    time: TUNED_DEFAULTS.timeWeight,
    /**
     * Caller-supplied embeddings (active for a pair only when both have one). Measured with
     * 128-dimensional latent-semantic embeddings (benchmarks/embeddings.ts): 0.5 was best or
     * within 0.001 of best on AllSides and Reuters; embeddings from a stronger model may deserve
     * more: measure on your own judgments.
     */
    embedding: 0.5,
  },
  /** How much a title occurrence counts relative to a body occurrence in the text vector. Tuned. */
  titleWeight: TUNED_DEFAULTS.titleWeight,
  /** Multiplier for an entity mentioned in the title or the lead: the story is about it. Tuned. */
  entityProminence: TUNED_DEFAULTS.entityProminence,
  /** Days after which time closeness halves. Tuned. */
  halfLifeDays: TUNED_DEFAULTS.halfLifeDays,
  /** Shape of the time decay past one half-life. Tuned. */
  timeDecay: TUNED_DEFAULTS.timeDecay,
  /** Content similarity at which time and tags earn their full weight (0: always). Tuned. */
  contextGate: TUNED_DEFAULTS.contextGate,
  /** Similarity measure of the embedding signal: cosine, what most embedding models are trained for. */
  embeddingSimilarity: 'cosine',
  /**
   * How many of the query article's strongest terms select candidates (as Lucene's More Like
   * This does); every query term still counts in the exact score of each candidate. Defaults to
   * every term: the tuner found no quality difference between 40, 80, 200 and all terms, and on
   * 19,043 Reuters articles all terms was also faster (median query 0.81 ms against 0.94 ms at
   * 80). Set a number for very long articles in very large archives.
   */
  candidateTerms: Infinity,
  /** At most this many candidates, by their score on the candidate terms, are rescored exactly. */
  maxCandidates: 1000,
  /**
   * Text cosine at or above which two articles count as copies of one another, folded into the
   * higher one's `reasons.duplicates` by the `foldDuplicates` query option. Tuned: a copy should
   * fold when it is the same text, not merely the same event.
   */
  duplicateThreshold: TUNED_DEFAULTS.duplicateThreshold,
} as const satisfies RelatedIndexOptions

/**
 * Default number of results of `related`, `relatedTo` and `relatedAll`.
 *
 * @example
 * ```ts
 * index.related('r10100').length // at most DEFAULT_K (10)
 * ```
 */
export const DEFAULT_K = 10
/**
 * Largest `k` a query may ask for; a larger one throws `LIMIT_EXCEEDED`.
 *
 * @example
 * ```ts
 * import { MAX_K } from 'related-articles'
 *
 * const k = Math.min(Number(request.query.k ?? 5), MAX_K)
 * ```
 */
export const MAX_K = 1000
