/**
 * Small pure scoring functions. Each constant they use is named in `defaults.ts`.
 */

const DAY_MS = 86_400_000

/**
 * Sublinear term frequency: 1 + ln(tf) for tf ≥ 1, so the tenth mention of a word adds far less
 * than the first; linear below 1 so fractional field weights stay monotone and positive.
 */
export function sublinearTf(tf: number): number {
  return tf >= 1 ? 1 + Math.log(tf) : tf
}

/** The weighted count behind a {@link sublinearTf} value (its inverse). */
export function linearTf(weight: number): number {
  return weight >= 1 ? Math.exp(weight - 1) : weight
}

/** Raw text weight of a term from its title and body counts. */
export function textTf(titleCount: number, bodyCount: number, titleWeight: number): number {
  return sublinearTf(titleWeight * titleCount + bodyCount)
}

/** Raw entity weight: sublinear in mentions, multiplied when the entity is in the title or lead. */
export function entityTf(count: number, prominent: boolean, prominence: number): number {
  return sublinearTf(Math.max(1, count)) * (prominent ? prominence : 1)
}

/**
 * How time closeness falls with distance past one half-life (see the `timeDecay` option).
 *
 * @example
 * ```ts
 * // Follow-ups months later (trials, anniversaries) still count a little.
 * const index = new RelatedIndex({ timeDecay: 'hyperbolic', halfLifeDays: 14 })
 * ```
 */
export type TimeDecay = 'exponential' | 'hyperbolic'

/**
 * Closeness of two publication times in [0, 1]: 1 on the same instant, 0.5 one half-life apart.
 * `'exponential'` keeps halving every half-life (0.25 at two, 0.125 at three), so follow-ups
 * weeks later count for nothing; `'hyperbolic'` (1 / (1 + days / halfLife)) has a long tail
 * (1/3 at two half-lives, 0.1 at nine), so a trial or an anniversary months on still counts a
 * little. `older` and `newer` half-lives make the decay asymmetric (prefer background or
 * follow-ups). NaN when either time is missing: the caller then leaves the signal out.
 */
export function timeCloseness(
  queryTime: number,
  candidateTime: number,
  olderHalfLifeDays: number,
  newerHalfLifeDays: number,
  decay: TimeDecay = 'exponential',
): number {
  if (Number.isNaN(queryTime) || Number.isNaN(candidateTime)) return NaN
  const days = (candidateTime - queryTime) / DAY_MS
  const halfLives = days < 0 ? -days / olderHalfLifeDays : days / newerHalfLifeDays
  // exp(-ln2·x) is 0.5^x, and cheaper than Math.pow in the scoring loop.
  return decay === 'hyperbolic' ? 1 / (1 + halfLives) : Math.exp(-Math.LN2 * halfLives)
}

/**
 * The share of a context signal's weight (time, tags) that a pair earns from its content
 * similarity (the weighted mean of text and entities): `content / gate`, capped at 1. Context says
 * *when* or *where* a story sits, not what it is about, so it may only reorder stories that share
 * content: a pair that shares nothing else gets no lift from being published the same day, and
 * one at or above the gate gets the full weight. A gate of 0 turns gating off (full weight always).
 */
export function contextShare(content: number, gate: number): number {
  if (gate <= 0) return 1
  const share = content / gate
  return share >= 1 ? 1 : share > 0 ? share : 0
}

/** Whole days between two times, or undefined when either is missing. */
export function daysApart(a: number, b: number): number | undefined {
  if (Number.isNaN(a) || Number.isNaN(b)) return undefined
  return Math.round(Math.abs(a - b) / DAY_MS)
}
