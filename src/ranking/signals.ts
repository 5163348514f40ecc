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
 * Closeness of two publication times in [0, 1]: 1 on the same instant, halving every half-life.
 * `older` and `newer` half-lives make the decay asymmetric (prefer background or follow-ups).
 * NaN when either time is missing: the caller then leaves the signal out.
 */
export function timeCloseness(queryTime: number, candidateTime: number, olderHalfLifeDays: number, newerHalfLifeDays: number): number {
  if (Number.isNaN(queryTime) || Number.isNaN(candidateTime)) return NaN
  const days = (candidateTime - queryTime) / DAY_MS
  // exp(-ln2·x) is 0.5^x, and cheaper than Math.pow in the scoring loop.
  return days < 0 ? Math.exp((Math.LN2 * days) / olderHalfLifeDays) : Math.exp((-Math.LN2 * days) / newerHalfLifeDays)
}

/** Whole days between two times, or undefined when either is missing. */
export function daysApart(a: number, b: number): number | undefined {
  if (Number.isNaN(a) || Number.isNaN(b)) return undefined
  return Math.round(Math.abs(a - b) / DAY_MS)
}
