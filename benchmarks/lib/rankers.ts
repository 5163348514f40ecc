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

/** The default ranking, then each signal switched off in turn, then the baselines. */
export const rankers: Array<() => Ranker> = [
  relatedArticlesRanker('related-articles'),
  relatedArticlesRanker('ra: no entities', { weights: { entities: 0 } }),
  relatedArticlesRanker('ra: no time', { weights: { time: 0 } }),
  relatedArticlesRanker('ra: no tags', { weights: { tags: 0 } }),
  relatedArticlesRanker('ra: entities only', { weights: { text: 0 } }),
  relatedArticlesRanker('ra: no duplicate folding', {}, { foldDuplicates: false }),
  ...baselineRankers,
]
