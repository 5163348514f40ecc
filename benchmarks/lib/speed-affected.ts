/**
 * The `affectedBy` part of the speed benchmark: the cost of asking, right after an add, which
 * stored articles' top-k lists now show the new article (what a site calls to refresh cached
 * boxes), beside the add itself.
 */
import type { RelatedIndex } from '../../src/index.js'
import type { RankerArticle } from './datasets.js'
import { median, percentile } from './speed-corpus.js'

export interface AffectedBySummary {
  /** Articles removed and added back, each then passed to affectedBy. */
  articles: number
  k: number
  p50Ms: number
  p95Ms: number
  /** The add before each affectedBy call (analysis included). */
  addP50Ms: number
  /** How many lists each add entered (median). */
  affectedMedian: number
}

/**
 * Removes each of `articles` (stored in `index`) and adds it back, timing the add and then
 * `affectedBy(id, { k })`. The index ends holding the same articles.
 */
export function measureAffectedBy(index: RelatedIndex, articles: readonly RankerArticle[], k: number): AffectedBySummary {
  const add: number[] = []
  const affected: number[] = []
  const counts: number[] = []
  for (const article of articles) {
    index.remove(article.id)
    let t = performance.now()
    index.add(article)
    add.push(performance.now() - t)
    t = performance.now()
    counts.push(index.affectedBy(article.id, { k }).length)
    affected.push(performance.now() - t)
  }
  return {
    articles: articles.length,
    k,
    p50Ms: round(median(affected)),
    p95Ms: round(percentile(affected, 95)),
    addP50Ms: round(median(add)),
    affectedMedian: median(counts),
  }
}

function round(x: number): number {
  return Math.round(x * 10) / 10
}
