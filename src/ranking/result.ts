/** One signal's part in a score. */
export interface SignalScore {
  /** The signal's own similarity in [0, 1] (0 when the signal is inactive for this pair). */
  value: number
  /** The weight it had in this score; 0 when the signal was inactive (for example an undated article). */
  weight: number
  /** `weight × value / Σ active weights`: what it added to `score`. The contributions sum to `score`. */
  contribution: number
}

/** Every signal of a result. */
export interface RelatedSignals {
  text: SignalScore
  entities: SignalScore
  tags: SignalScore
  time: SignalScore
}

/** What a page can show a reader about why a story is related. No internal numbers. */
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

/** One related story. */
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
