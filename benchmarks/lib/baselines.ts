/**
 * Reference rankers for the quality benchmark, measured in the same run as ours. They share the
 * plain tokenizer of `text.ts` (except where a library is used with its own documented text
 * processing) and count the title twice, either by repeating it or by a field weight of 2.
 *
 * - `tfidf-cosine`: exact cosine of sublinear tf-idf vectors (the dataset READMEs' reference).
 * - `mlt-bm25`: Lucene More-Like-This style: the query article's top terms as a BM25 OR query.
 * - `natural-tfidf`: `natural`'s `TfIdf` as its documentation uses it.
 * - `wink-bm25`: `wink-bm25-text-search` with the prep task from its README (wink-nlp).
 * - `minisearch`: MiniSearch over title and body, title boosted 2.
 * - `random`: seeded random picks, the floor.
 *
 * The library baselines and `mlt-bm25` are queried with the same query terms: the article's
 * {@link QUERY_TERMS} top terms by count × smoothed idf ({@link TermStatistics.topTerms}).
 */
import { createRequire } from 'node:module'
import MiniSearch from 'minisearch'
import type { ItemToken, ItsFunction } from 'wink-nlp'
import { RelatedArticlesError } from '../../src/errors.js'
import { hashString, seededRandom } from '../../src/evaluation/random.js'
import type { RankerArticle } from './datasets.js'
import { bestIds, type Candidate, type Ranker } from './ranker.js'
import { TITLE_REPEAT, TermStatistics, buildPostings, type Postings } from './text.js'

/** Number of query terms taken from the query article (Lucene MoreLikeThis `maxQueryTerms` default). */
export const QUERY_TERMS = 25
/** BM25 term-frequency saturation (Lucene default). */
export const BM25_K1 = 1.2
/** BM25 document-length normalisation (Lucene default). */
export const BM25_B = 0.75
/** Seed of the random baseline. */
export const RANDOM_SEED = 20211018

const requireCjs = createRequire(import.meta.url)

function notBuilt(name: string): RelatedArticlesError {
  return new RelatedArticlesError('INVALID_STATE', `${name}: query called before build`)
}

/** Exact cosine over L2-normalised sublinear tf-idf vectors, via an inverted index. */
export class TfidfCosineRanker implements Ranker {
  readonly name: string = 'tfidf-cosine'
  private stats: TermStatistics | undefined
  private postings: Postings | undefined
  /** Per document: normalised weights, same positions as `stats.docTerms`. */
  private weights: Float64Array[] = []
  private scores = new Float64Array(0)

  build(articles: readonly RankerArticle[]): void {
    const stats = new TermStatistics(articles)
    this.weights = stats.docTerms.map((terms, d) => {
      const counts = stats.docCounts[d] as Int32Array
      const w = Float64Array.from(terms, (t, i) => (1 + Math.log(counts[i] as number)) * stats.idf(t))
      let squares = 0
      for (const x of w) squares += x * x
      const norm = Math.sqrt(squares)
      return norm === 0 ? w : w.map((x) => x / norm)
    })
    this.postings = buildPostings(stats, (d, i) => (this.weights[d] as Float64Array)[i] as number)
    this.scores = new Float64Array(stats.documentCount)
    this.stats = stats
  }

  /** Every article sharing a term with `id`, with its cosine. */
  protected scored(id: string): Candidate[] {
    const { stats, postings, scores } = this
    if (stats === undefined || postings === undefined) throw notBuilt(this.name)
    const d = stats.indexOf(id)
    const terms = stats.docTerms[d] as Int32Array
    const weights = this.weights[d] as Float64Array
    const touched: number[] = []
    terms.forEach((t, i) => addPostings(postings, t, weights[i] as number, scores, touched))
    return takeCandidates(stats, scores, touched)
  }

  query(id: string, k: number): string[] {
    return bestIds(this.scored(id), k, id)
  }
}

/** Weight of time in {@link TfidfTimeFusionRanker}: 0.8 · cosine + 0.2 · closeness. */
export const FUSION_TIME_WEIGHT = 0.2
/** Half-life in days of {@link TfidfTimeFusionRanker}'s decay. */
export const FUSION_HALF_LIFE_DAYS = 14

/**
 * What a user gets from a search engine's More-Like-This plus a decay function: the exact TF-IDF
 * cosine of {@link TfidfCosineRanker} fused with time, 0.8 · cosine + 0.2 · 0.5^(days / 14), over
 * the articles that share a term with the query. A pair without two dates keeps its cosine alone.
 * It is the bar the library's own use of time is held to on dated news.
 */
export class TfidfTimeFusionRanker extends TfidfCosineRanker {
  override readonly name = 'tfidf + time fusion'
  private times = new Map<string, number>()

  override build(articles: readonly RankerArticle[]): void {
    super.build(articles)
    this.times = new Map(articles.map((a) => [a.id, a.publishedAt === undefined ? NaN : new Date(a.publishedAt as string | Date).getTime()]))
  }

  override query(id: string, k: number): string[] {
    const candidates = this.scored(id)
    const t0 = this.times.get(id) ?? NaN
    for (const c of candidates) {
      const t = this.times.get(c.id) ?? NaN
      if (Number.isNaN(t0) || Number.isNaN(t)) continue
      const days = Math.abs(t - t0) / 86_400_000
      c.score = (1 - FUSION_TIME_WEIGHT) * c.score + FUSION_TIME_WEIGHT * 0.5 ** (days / FUSION_HALF_LIFE_DAYS)
    }
    return bestIds(candidates, k, id)
  }
}

/**
 * More-Like-This with BM25 scoring: the query article's {@link QUERY_TERMS} top terms, each once,
 * as an OR query; BM25 with k1 {@link BM25_K1}, b {@link BM25_B} and Lucene's idf
 * ln(1 + (N − df + 0.5) / (df + 0.5)). No minimum term or document frequency: AllSides texts are
 * short leads where almost every term occurs once.
 */
export class MltBm25Ranker implements Ranker {
  readonly name = 'mlt-bm25'
  private stats: TermStatistics | undefined
  private postings: Postings | undefined
  private scores = new Float64Array(0)

  build(articles: readonly RankerArticle[]): void {
    const stats = new TermStatistics(articles)
    const averageLength = stats.docLengths.reduce((a, b) => a + b, 0) / Math.max(1, stats.documentCount)
    // Stores the BM25 term-frequency part; the idf is applied per query term.
    this.postings = buildPostings(stats, (d, i) => {
      const tf = (stats.docCounts[d] as Int32Array)[i] as number
      const lengthNorm = 1 - BM25_B + (BM25_B * (stats.docLengths[d] as number)) / (averageLength || 1)
      return (tf * (BM25_K1 + 1)) / (tf + BM25_K1 * lengthNorm)
    })
    this.scores = new Float64Array(stats.documentCount)
    this.stats = stats
  }

  query(id: string, k: number): string[] {
    const { stats, postings, scores } = this
    if (stats === undefined || postings === undefined) throw notBuilt(this.name)
    const n = stats.documentCount
    const touched: number[] = []
    for (const t of stats.topTermIds(stats.indexOf(id), QUERY_TERMS)) {
      const df = stats.df[t] as number
      addPostings(postings, t, Math.log(1 + (n - df + 0.5) / (df + 0.5)), scores, touched)
    }
    return bestIds(takeCandidates(stats, scores, touched), k, id)
  }
}

/** Adds `weight` × each posting value of term `t` into `scores`, noting each document scored for the first time in `touched`. */
function addPostings(postings: Postings, t: number, weight: number, scores: Float64Array, touched: number[]): void {
  for (let p = postings.start[t] as number; p < (postings.start[t + 1] as number); p++) {
    const doc = postings.docs[p] as number
    if (scores[doc] === 0) touched.push(doc)
    scores[doc] = (scores[doc] as number) + weight * (postings.values[p] as number)
  }
}

/** The touched documents with their scores, leaving `scores` all zero for the next query. */
function takeCandidates(stats: TermStatistics, scores: Float64Array, touched: readonly number[]): Candidate[] {
  const candidates: Candidate[] = touched.map((doc) => ({ id: stats.ids[doc] as string, score: scores[doc] as number }))
  for (const doc of touched) scores[doc] = 0
  return candidates
}

/** The part of `natural`'s `TfIdf` (lib/natural/tfidf/tfidf.js) this baseline uses. */
interface NaturalTfIdf {
  addDocument(document: string, key: string): void
  tfidfs(terms: string[], callback: (index: number, measure: number, key: string) => void): number[]
}

/**
 * `natural`'s `TfIdf` used as its documentation shows: `addDocument(text, key)` per article (its
 * own tokenizer and stop list; title repeated {@link TITLE_REPEAT} times), then `tfidfs(terms,
 * callback)` with the article's top terms. It scans every document per query and does not
 * normalise length. Only the tfidf module is loaded: the package root has slow side effects.
 */
export class NaturalTfidfRanker implements Ranker {
  readonly name = 'natural-tfidf'
  private stats: TermStatistics | undefined
  private tfidf: NaturalTfIdf | undefined

  build(articles: readonly RankerArticle[]): void {
    const TfIdf = requireCjs('natural/lib/natural/tfidf/tfidf.js') as new () => NaturalTfIdf
    const tfidf = new TfIdf()
    for (const article of articles) {
      tfidf.addDocument(`${`${article.title}\n`.repeat(TITLE_REPEAT)}${article.body}`, article.id)
    }
    this.stats = new TermStatistics(articles)
    this.tfidf = tfidf
  }

  query(id: string, k: number): string[] {
    const { stats, tfidf } = this
    if (stats === undefined || tfidf === undefined) throw notBuilt(this.name)
    const candidates: Candidate[] = []
    tfidf.tfidfs(stats.topTerms(stats.indexOf(id), QUERY_TERMS), (_i, measure, key) => {
      if (measure > 0) candidates.push({ id: key, score: measure })
    })
    return bestIds(candidates, k, id)
  }
}

/** The part of the `wink-bm25-text-search` engine this baseline uses (see its README). */
export interface WinkBm25Engine {
  defineConfig(config: { fldWeights: Record<string, number>; bm25Params?: { k1?: number; b?: number; k?: number } }): boolean
  definePrepTasks(tasks: Array<(input: string) => string[]>, field?: string): number
  addDoc(doc: Record<string, string>, uniqueId: string): number
  consolidate(fp?: number): void
  search(text: string, limit?: number): Array<[string, number]>
}

/**
 * `wink-bm25-text-search` set up as in its README: `defineConfig` with field weights (title 2,
 * body 1; BM25 k1 1.2, b 0.75 by default), `definePrepTasks` with the README's wink-nlp task
 * (words only, stop words out, negation marked, stems), `addDoc` per article, `consolidate`, then
 * `search` with the article's top terms as the query text.
 */
export class WinkBm25Ranker implements Ranker {
  readonly name = 'wink-bm25'
  private stats: TermStatistics | undefined
  private engine: WinkBm25Engine | undefined
  private size = 0

  async build(articles: readonly RankerArticle[]): Promise<void> {
    const engine = await buildWinkBm25Engine(articles)
    this.stats = new TermStatistics(articles)
    this.engine = engine
    this.size = articles.length
  }

  query(id: string, k: number): string[] {
    const { stats, engine } = this
    if (stats === undefined || engine === undefined) throw notBuilt(this.name)
    const terms = stats.topTerms(stats.indexOf(id), QUERY_TERMS)
    // The limit is the whole corpus so that our tie-break, not the engine's cut, decides the top k.
    const results = engine.search(terms.join(' '), this.size)
    return bestIds(
      results.map(([docId, score]) => ({ id: String(docId), score })),
      k,
      id,
    )
  }
}

/**
 * A `wink-bm25-text-search` engine over the articles, configured as its README shows: field
 * weights title 2, body 1; wink-nlp's prep task (words only, stop words out, negation marked,
 * stems). Shared by the quality and the speed benchmarks so both measure the same engine.
 */
export async function buildWinkBm25Engine(articles: readonly RankerArticle[]): Promise<WinkBm25Engine> {
  const winkNLP = (await import('wink-nlp')).default
  const model = (await import('wink-eng-lite-web-model')).default
  const nlp = winkNLP(model)
  const its = nlp.its
  // wink-nlp's typings declare `its.stem` with a signature `out` does not accept; it works at run time.
  const stem = its.stem as unknown as ItsFunction<string>
  const prepTask = (text: string): string[] => {
    const tokens: string[] = []
    nlp
      .readDoc(text)
      .tokens()
      .filter((t) => t.out(its.type) === 'word' && !t.out(its.stopWordFlag))
      .each((t: ItemToken) => {
        tokens.push(t.out(its.negationFlag) ? `!${t.out(stem)}` : t.out(stem))
      })
    return tokens
  }
  const engine = (requireCjs('wink-bm25-text-search') as () => WinkBm25Engine)()
  engine.defineConfig({ fldWeights: { title: TITLE_REPEAT, body: 1 } })
  engine.definePrepTasks([prepTask])
  for (const article of articles) engine.addDoc({ title: article.title, body: article.body }, article.id)
  engine.consolidate()
  return engine
}

/** MiniSearch indexing title and body with its default tokenizer, queried OR with title boost 2. */
export class MiniSearchRanker implements Ranker {
  readonly name = 'minisearch'
  private stats: TermStatistics | undefined
  private index: MiniSearch<RankerArticle> | undefined

  build(articles: readonly RankerArticle[]): void {
    const index = new MiniSearch<RankerArticle>({
      fields: ['title', 'body'],
      storeFields: [],
      searchOptions: { boost: { title: TITLE_REPEAT }, combineWith: 'OR' },
    })
    index.addAll(articles)
    this.stats = new TermStatistics(articles)
    this.index = index
  }

  query(id: string, k: number): string[] {
    const { stats, index } = this
    if (stats === undefined || index === undefined) throw notBuilt(this.name)
    const terms = stats.topTerms(stats.indexOf(id), QUERY_TERMS)
    const results = index.search(terms.join(' '))
    return bestIds(
      results.map((r) => ({ id: String(r.id), score: r.score })),
      k,
      id,
    )
  }
}

/** k distinct other articles drawn uniformly, seeded per query id: the floor every ranker must beat. */
export class RandomRanker implements Ranker {
  readonly name = 'random'
  private ids: string[] = []
  private positions = new Map<string, number>()

  constructor(private readonly seed = RANDOM_SEED) {}

  build(articles: readonly RankerArticle[]): void {
    this.ids = articles.map((a) => a.id)
    this.positions = new Map(this.ids.map((id, i) => [id, i]))
  }

  query(id: string, k: number): string[] {
    const self = this.positions.get(id)
    if (self === undefined) throw new RelatedArticlesError('NOT_FOUND', `no article with id ${JSON.stringify(id)}`, { id })
    const random = seededRandom((this.seed ^ hashString(id)) >>> 0)
    // Partial Fisher-Yates over every position except the query's own (moved to the end).
    const order = Int32Array.from(this.ids.keys())
    const last = order.length - 1
    order[self] = last
    order[last] = self
    const picks = Math.min(k, last)
    for (let i = 0; i < picks; i++) {
      const j = i + Math.floor(random() * (last - i))
      const swap = order[i] as number
      order[i] = order[j] as number
      order[j] = swap
    }
    return Array.from(order.subarray(0, picks), (p) => this.ids[p] as string)
  }
}

/** The baselines, in table order. */
export const baselineRankers: Array<() => Ranker> = [
  () => new TfidfCosineRanker(),
  () => new TfidfTimeFusionRanker(),
  () => new MltBm25Ranker(),
  () => new NaturalTfidfRanker(),
  () => new WinkBm25Ranker(),
  () => new MiniSearchRanker(),
  () => new RandomRanker(),
]
