import { TUNED_DEFAULTS } from './tuned.js'

/**
 * Ranking defaults in one place. Every weight and constant has a name and a reason; the values
 * marked "tuned" come from `npm run tune` (see `benchmarks/results/tuning.json` for the data,
 * seed and date they came from).
 *
 * @example
 * ```ts
 * import { RANKING_DEFAULTS, RelatedIndex } from 'related-articles'
 *
 * // Let shared names count (off by default, see entityWeight); every other option keeps its default.
 * const index = new RelatedIndex({ weights: { entities: 0.25 }, titleWeight: RANKING_DEFAULTS.titleWeight })
 * ```
 */
export const RANKING_DEFAULTS = {
  /** How much a title occurrence counts relative to a body occurrence in the text vector. Tuned. */
  titleWeight: TUNED_DEFAULTS.titleWeight,
  /** Weight of the text (TF-IDF cosine) signal in the final weighted mean; the unit the others are measured in. */
  textWeight: 1,
  /**
   * Weight of the named-entity overlap signal. Tuned to 0: on both labelled datasets any
   * positive weight lowered nDCG@10 and MAP (entities already count as words in the text
   * vector, and shared names such as "Biden" join stories of one topic). Entities are still
   * extracted and shown in `reasons`; raise the weight when your entities are curated.
   */
  entityWeight: TUNED_DEFAULTS.entityWeight,
  /** Multiplier for an entity mentioned in the title or the lead: the story is about it, not merely mentioning it. Tuned. */
  entityProminence: TUNED_DEFAULTS.entityProminence,
  /**
   * Weight of the tag and section overlap signal (active only when the query article has tags
   * or a section). Not tuned: no labelled dataset has tags; half the text weight, as an editor's
   * tag is strong but coarse evidence.
   */
  tagWeight: 0.5,
  /**
   * Weight of the publication-time closeness signal (active only when both articles are dated).
   * Tuned to 0 on the only dated labelled set (Reuters topics, where relevance ignores time);
   * no labelled set measures time for story-level relatedness, so set it for your site, for
   * example `weights: { time: 0.25 }, halfLifeDays: 14` to favour the same news cycle.
   */
  timeWeight: TUNED_DEFAULTS.timeWeight,
  /**
   * Weight of the embedding signal (active for a pair only when both articles carry an
   * `embedding`). Measured with 128-dimensional latent-semantic embeddings of each labelled
   * corpus (benchmarks/embeddings.ts): 0.5 was best or within 0.001 of best on both sets
   * (nDCG@10 AllSides 0.653 → 0.671, Reuters 0.643 → 0.663); 1 cost Reuters 0.003 and 2 more.
   * Embeddings from a stronger model may deserve more weight: measure on your own judgments.
   */
  embeddingWeight: 0.5,
  /** Similarity measure of the embedding signal: cosine, what most embedding models are trained for. */
  embeddingSimilarity: 'cosine',
  /** Days after which time closeness halves. */
  halfLifeDays: TUNED_DEFAULTS.halfLifeDays,
  /**
   * How many of the query article's strongest terms select candidates (as Lucene's More Like
   * This does); every query term still counts in the exact score of each candidate. Defaults to
   * every term: the tuner found no quality difference between 40, 80, 200 and all terms, and on
   * 19,043 Reuters articles all terms was also faster (median query 0.81 ms against 0.94 ms at
   * 80), since completing pruned candidates' scores walks the remaining postings anyway. Set a
   * number for very long articles in very large archives.
   */
  candidateTerms: Infinity,
  /**
   * At most this many candidates, by their score on the candidate terms, are rescored exactly.
   * Larger is safer and slower; see DESIGN.md on when pruning can miss an article.
   */
  maxCandidates: 1000,
  /**
   * Text cosine at or above which two articles count as copies or light updates of one another.
   * Folding is a product choice the metrics cannot reward (they count a wire copy as a second
   * relevant hit); at 0.9 it cost nothing on AllSides and 0.010 nDCG@10 on Reuters, against
   * 0.021 at 0.8 (measured with entity weight 0.05 and no time signal).
   */
  duplicateThreshold: 0.9,
} as const

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
