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
 * The default ranking, then ablations, then the baselines. Entities and time are off by default
 * (tuned), so their ablations switch them on; neither dataset has tags or sections, so a tags
 * ablation would equal the default and is left out.
 */
export const rankers: Array<() => Ranker> = [
  relatedArticlesRanker('related-articles'),
  relatedArticlesRanker('ra: + entities 0.25', { weights: { entities: 0.25 } }),
  relatedArticlesRanker('ra: + time 0.25 (14 d)', { weights: { time: 0.25 }, halfLifeDays: 14 }),
  relatedArticlesRanker('ra: entities only', { weights: { text: 0, entities: 1 } }),
  relatedArticlesRanker('ra: no duplicate folding', {}, { foldDuplicates: false }),
  relatedArticlesRanker('ra: numbers: years only', { analysis: { numbers: 'years' } }),
  relatedArticlesRanker('ra: no stemming', { analysis: { stemmer: 'none' } }),
  ...baselineRankers,
]
