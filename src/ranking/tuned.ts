/**
 * Ranking defaults chosen by `npm run tune` (benchmarks/tune.ts). Generated: rerun the tuner
 * rather than editing by hand; every grid, fold choice and score is in
 * `benchmarks/results/tuning.json`.
 *
 * Run 2026-12-04, seed 1, 5-fold cross-validation grouped by story / topic set / incident;
 * coordinate ascent (at most 2 rounds; objective ties within 0.002 keep the default). Objective:
 * mean of nDCG@10 and MAP (grade 2) at ranking depth 100, averaged over the datasets with equal
 * weight. Data (defaults → cross-validated):
 * - allsides-stories-2021, 1,477 queries: nDCG@10 0.653 → 0.653, MAP 0.722 → 0.722
 * - reuters21578-modapte, 166 queries: nDCG@10 0.643 → 0.643, MAP 0.200 → 0.200
 * - gva-incidents-dev, 2,518 queries: nDCG@10 0.874 → 0.874, MAP 0.878 → 0.878
 * Objective: defaults 0.662, tuned in-sample 0.662, cross-validated 0.662.
 *
 * Names follow `RANKING_DEFAULTS` (src/ranking/defaults.ts).
 */
export const TUNED_DEFAULTS = {
  /** `weights.entities`; grid 0, 0.1, 0.25, 0.5; unchanged. */
  entityWeight: 0,
  /** `titleWeight`; grid 1, 2, 3; unchanged. */
  titleWeight: 2,
  /** `entityProminence`; grid 1, 2, 3; unchanged, no effect at this setting. */
  entityProminence: 2,
  /** `duplicateThreshold`; grid 0.9, 0.95, 0.98, 1; unchanged. */
  duplicateThreshold: 1,
  /** `weights.time`; grid 0, 0.1, 0.25, 0.5, 1; unchanged. */
  timeWeight: 1,
  /** `timeDecay`; grid exponential, hyperbolic; unchanged. */
  timeDecay: 'hyperbolic',
  /** `contextGate`; grid 0.25, 0.5, 0.75, 1; unchanged. */
  contextGate: 0.5,
  /** `halfLifeDays`; grid 7, 14, 30, 90, 180, 365; unchanged. */
  halfLifeDays: 365,
} as const
