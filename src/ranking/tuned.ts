/**
 * Ranking defaults chosen by `npm run tune` (benchmarks/tune.ts). Generated: rerun the tuner
 * rather than editing by hand; every grid, fold choice and score is in
 * `benchmarks/results/tuning.json`.
 *
 * Run 2026-11-27, seed 1, 5-fold cross-validation grouped by story / topic set; coordinate
 * ascent (at most 3 rounds; objective ties within 0.002 keep the default). Objective: mean of nDCG@10 and MAP (grade 2)
 * at ranking depth 100, averaged over the datasets with equal weight. Data (defaults → cross-validated):
 * - allsides-stories-2021, 1,477 queries: nDCG@10 0.653 → 0.653, MAP 0.722 → 0.722
 * - reuters21578-modapte, 166 queries: nDCG@10 0.643 → 0.652, MAP 0.191 → 0.205
 * Objective: defaults 0.552, tuned in-sample 0.558, cross-validated 0.558.
 *
 * Names follow `RANKING_DEFAULTS` (src/ranking/defaults.ts); `foldDuplicates` is the default of
 * the `related` query option of the same name.
 */
export const TUNED_DEFAULTS = {
  /** `weights.entities`; grid 0, 0.1, 0.25, 0.5, 1; unchanged. */
  entityWeight: 0,
  /** `titleWeight`; grid 1, 2, 3, 4; unchanged. */
  titleWeight: 2,
  /** `entityProminence`; grid 1, 2, 3, 4; unchanged, no effect at this setting. */
  entityProminence: 2,
  /** `duplicateThreshold`; grid 0.7, 0.8, 0.9, 1; unchanged, no effect at this setting. */
  duplicateThreshold: 0.9,
  /** `weights.time`; grid 0, 0.1, 0.25, 0.5, 1; unchanged. */
  timeWeight: 0,
  /** `halfLifeDays`; the starting point of the next tuner run (no effect while weights.time is 0). */
  halfLifeDays: 90,
  /** `timeDecay`; the starting point of the next tuner run. */
  timeDecay: 'hyperbolic',
  /** `contextGate`; the starting point of the next tuner run. */
  contextGate: 0.5,
} as const
