/**
 * Ranking defaults in one place. Every weight and constant has a name and a reason; the values
 * marked "tuned" come from `npm run tune` (see `benchmarks/results/tuning.json` for the data,
 * seed and date they came from).
 */
export const RANKING_DEFAULTS = {
  /** How much a title occurrence counts relative to a body occurrence in the text vector. */
  titleWeight: 2,
  /** Weight of the text (TF-IDF cosine) signal in the final weighted mean. */
  textWeight: 1,
  /** Weight of the named-entity overlap signal. */
  entityWeight: 0.5,
  /** Multiplier for an entity mentioned in the title or the lead: the story is about it, not merely mentioning it. */
  entityProminence: 2,
  /** Weight of the tag and section overlap signal (active only when the query article has tags or a section). */
  tagWeight: 0.5,
  /** Weight of the publication-time closeness signal (active only when both articles are dated). */
  timeWeight: 0.25,
  /** Days after which time closeness halves. */
  halfLifeDays: 14,
  /**
   * How many of the query article's strongest terms select candidates (as Lucene's More Like
   * This does). Every query term still counts in the exact score of each candidate.
   */
  candidateTerms: 80,
  /**
   * At most this many candidates, by their score on the candidate terms, are rescored exactly.
   * Larger is safer and slower; see DESIGN.md on when pruning can miss an article.
   */
  maxCandidates: 1000,
  /** Text cosine at or above which two articles count as copies or light updates of one another. */
  duplicateThreshold: 0.8,
} as const

/** Default number of results. */
export const DEFAULT_K = 10
/** Largest `k` a query may ask for. */
export const MAX_K = 1000
