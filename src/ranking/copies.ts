/**
 * Copies of an article: the stored articles whose text cosine with it reaches
 * `duplicateThreshold`. These are exactly the articles `related` leaves out as "the same story in
 * the same words" as the one being read, so a page can still show them ("also published by").
 */
import type { ArticleStore } from '../index/store.js'
import { COPY_ROUNDING, type QueryProfile } from './engine.js'

/**
 * Slots whose text cosine with the profile's text is at least `threshold` (less the rounding
 * allowance `related` uses), the profile's own slot excluded. One pass over the postings of the
 * query's terms, as a query's text score, and one over the slots: about the cost of a query.
 */
export function copySlots(store: ArticleStore, profile: QueryProfile, threshold: number): number[] {
  const field = store.text
  const idf = field.idf()
  const norms = field.documentNorms()
  const acc = new Float64Array(store.capacity)
  const { ids, weights } = profile.text
  for (let i = 0; i < ids.length; i++) {
    const t = ids[i] as number
    field.addPostings(t, (weights[i] as number) * (idf[t] as number), acc)
  }
  const limit = threshold - COPY_ROUNDING
  const out: number[] = []
  for (let s = 0; s < acc.length; s++) {
    const dot = acc[s] as number
    const norm = norms[s] as number
    // The same clamped ratio as a result's text score.
    if (dot > 0 && norm > 0 && s !== profile.slot && Math.min(1, dot / norm) >= limit) out.push(s)
  }
  return out
}
