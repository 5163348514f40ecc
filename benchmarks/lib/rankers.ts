/**
 * The rankers the quality benchmark measures, in table order. Each entry is a factory so every
 * dataset gets a fresh ranker and memory is released between runs. `--only <name>` filters by the
 * ranker's `name`.
 */
import { RelatedIndex, type RelatedIndexOptions, type RelatedOptions } from '../../src/index.js'
import { baselineRankers } from './baselines.js'
import type { Ranker } from './ranker.js'

export type { Ranker } from './ranker.js'

/** Our library through its public API, with the given index and query options. */
export function relatedArticlesRanker(name: string, options: RelatedIndexOptions = {}, query: RelatedOptions = {}): () => Ranker {
  return () => {
    let index: RelatedIndex | undefined
    return {
      name,
      build: (articles) => {
        index = new RelatedIndex(options)
        index.addAll(articles)
      },
      query: (id, k) => (index as RelatedIndex).related(id, { ...query, k }).map((r) => r.id),
    }
  }
}

/**
 * The default ranking, then ablations (each changes one thing from the defaults, so the table
 * shows what each signal buys on each set), then the baselines. No labelled set has tags or
 * sections, so a tags ablation would equal the default (see `npm run bench:tags`).
 */
export const rankers: Array<() => Ranker> = [
  relatedArticlesRanker('related-articles'),
  // What time buys, and each part of how it is applied.
  relatedArticlesRanker('ra: time off', { weights: { time: 0 } }),
  relatedArticlesRanker('ra: time ungated', { contextGate: 0 }),
  relatedArticlesRanker('ra: time exponential', { timeDecay: 'exponential' }),
  relatedArticlesRanker('ra: time half-life 14 days', { halfLifeDays: 14 }),
  relatedArticlesRanker('ra: previous defaults (time off, copies from 0.9)', { weights: { time: 0 }, duplicateThreshold: 0.9 }),
  relatedArticlesRanker('ra: + entities 0.25', { weights: { entities: 0.25 } }),
  relatedArticlesRanker('ra: no duplicate folding', {}, { foldDuplicates: false }),
  relatedArticlesRanker('ra: numbers: years only', { analysis: { numbers: 'years' } }),
  relatedArticlesRanker('ra: no stemming', { analysis: { stemmer: 'none' } }),
  ...baselineRankers,
]
