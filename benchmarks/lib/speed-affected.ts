/**
 * The `affectedBy` part of the speed benchmark: the cost of asking, right after an add, which
 * stored articles' top-k lists now show the new article (what a site calls to refresh cached
 * boxes), beside the add itself.
 */
import type { RelatedIndex } from '../../src/index.js'
import type { RankerArticle } from './datasets.js'
import { median, percentile } from './speed-corpus.js'

export interface AffectedBySummary {
  /** Articles added (each a new article to the index at that point), then passed to affectedBy. */
  articles: number
  k: number
  /** The first call on the index, which fills its witness memory for every stored article. */
  firstCallMs: number
  /** affectedBy right after add (it pays the idf and norm refresh any first query after an add pays). */
  p50Ms: number
  p95Ms: number
  /** For the other half of the adds: `related(newId)` right after the add (the refresh, then a query)… */
  relatedAfterAddP50Ms: number
  /** …then affectedBy (the refresh already paid). */
  afterRelatedP50Ms: number
  afterRelatedP95Ms: number
  /** The add before each affectedBy call (analysis included). */
  addP50Ms: number
  /** How many lists each add entered (median). */
  affectedMedian: number
  /**
   * affectedBy's median in each quarter of the adds, in order (either kind): the memory fills
   * lazily, so the first adds after the first call also replace quick witness sets with thorough ones.
   */
  quarterP50Ms: number[]
}

/**
 * Removes `articles` (stored in `index`, at least two), makes the first affectedBy call of the
 * index (timed apart: it fills the witness memory), then adds the articles back one at a time,
 * each a genuinely new article to the index of that moment (the document count and its terms'
 * document frequencies move, as with a real arrival). The first half call affectedBy right
 * after the add; the second half call `related(newId)` first (a site renders the new story's
 * own box), then affectedBy. The index ends holding the same articles.
 */
export function measureAffectedBy(index: RelatedIndex, articles: readonly RankerArticle[], k: number): AffectedBySummary {
  for (const article of articles) index.remove(article.id)
  const probe = index.ids()[0] as string
  let t = performance.now()
  index.affectedBy(probe, { k })
  const firstCallMs = performance.now() - t
  const add: number[] = []
  const direct: number[] = []
  const relatedAfterAdd: number[] = []
  const afterRelated: number[] = []
  const counts: number[] = []
  const all: number[] = []
  const half = Math.ceil(articles.length / 2)
  articles.forEach((article, i) => {
    t = performance.now()
    index.add(article)
    add.push(performance.now() - t)
    if (i >= half) {
      t = performance.now()
      index.related(article.id, { k })
      relatedAfterAdd.push(performance.now() - t)
    }
    t = performance.now()
    counts.push(index.affectedBy(article.id, { k }).length)
    const ms = performance.now() - t
    ;(i >= half ? afterRelated : direct).push(ms)
    all.push(ms)
  })
  return {
    articles: articles.length,
    k,
    firstCallMs: round(firstCallMs),
    p50Ms: round(median(direct)),
    p95Ms: round(percentile(direct, 95)),
    relatedAfterAddP50Ms: round(median(relatedAfterAdd)),
    afterRelatedP50Ms: round(median(afterRelated)),
    afterRelatedP95Ms: round(percentile(afterRelated, 95)),
    addP50Ms: round(median(add)),
    affectedMedian: median(counts),
    quarterP50Ms: [0, 1, 2, 3].map((q) => round(median(all.slice(Math.floor((q * all.length) / 4), Math.floor(((q + 1) * all.length) / 4))))),
  }
}

function round(x: number): number {
  return Math.round(x * 10) / 10
}
