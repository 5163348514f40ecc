/**
 * The deliberately plain text processing shared by the baselines: lower-cased letter/digit runs,
 * a fixed English stop list, no stemming. Baselines are reference points, so they must not
 * borrow anything from our own analysis pipeline.
 */
import { RelatedArticlesError } from '../../src/errors.js'
import type { RankerArticle } from './datasets.js'

/** English function words (close to the classic SMART/Lucene lists, trimmed). */
export const STOP_WORDS: ReadonlySet<string> = new Set(
  `a about above after again against all also am an and any are as at be because been before being below
  between both but by can could did do does doing down during each few for from further had has have having
  he her here hers herself him himself his how i if in into is it its itself just me more most my myself no
  nor not now of off on once only or other our ours ourselves out over own said same she should so some such
  than that the their theirs them themselves then there these they this those through to too under until up
  very was we were what when where which while who whom why will with would you your yours yourself
  yourselves says say mr mrs ms one two new like get got may might must shall us whose`.split(/\s+/),
)

/** Minimum token length: single letters and digits carry no topic. */
const MIN_TOKEN_LENGTH = 2

const WORD = /[\p{L}\p{N}]+/gu

/** Lower-cased runs of letters and digits, at least two characters, stop words removed. */
export function tokenize(text: string): string[] {
  const tokens: string[] = []
  for (const match of text.toLowerCase().matchAll(WORD)) {
    const token = match[0]
    if (token.length >= MIN_TOKEN_LENGTH && !STOP_WORDS.has(token)) tokens.push(token)
  }
  return tokens
}

/** How many times the title counts against the body in the single-field baselines. */
export const TITLE_REPEAT = 2

/** The baseline token stream of an article: the title {@link TITLE_REPEAT} times, then the body. */
export function articleTokens(article: RankerArticle): string[] {
  const title = tokenize(article.title)
  const tokens: string[] = []
  for (let r = 0; r < TITLE_REPEAT; r++) tokens.push(...title)
  tokens.push(...tokenize(article.body))
  return tokens
}

/** Smoothed idf as in scikit-learn's `TfidfVectorizer(smooth_idf=True)`: ln((1 + N) / (1 + df)) + 1. */
export function smoothedIdf(documentCount: number, documentFrequency: number): number {
  return Math.log((1 + documentCount) / (1 + documentFrequency)) + 1
}

/**
 * Term counts of a corpus, built once per baseline: each document's distinct term ids with their
 * counts, document lengths and document frequencies.
 */
export class TermStatistics {
  readonly ids: string[]
  readonly vocabulary = new Map<string, number>()
  readonly terms: string[] = []
  /** Per document: distinct term ids. */
  readonly docTerms: Int32Array[] = []
  /** Per document: count of each term in `docTerms` (same positions). */
  readonly docCounts: Int32Array[] = []
  /** Per document: number of tokens. */
  readonly docLengths: Float64Array
  /** Per term id: number of documents containing it. */
  df: Int32Array = new Int32Array(0)
  private readonly positions = new Map<string, number>()

  constructor(articles: readonly RankerArticle[]) {
    this.ids = articles.map((a) => a.id)
    this.docLengths = new Float64Array(articles.length)
    const dfCounts: number[] = []
    articles.forEach((article, d) => {
      this.positions.set(article.id, d)
      const counts = new Map<number, number>()
      const tokens = articleTokens(article)
      for (const token of tokens) {
        let t = this.vocabulary.get(token)
        if (t === undefined) {
          t = this.terms.length
          this.vocabulary.set(token, t)
          this.terms.push(token)
          dfCounts.push(0)
        }
        counts.set(t, (counts.get(t) ?? 0) + 1)
      }
      for (const t of counts.keys()) dfCounts[t] = (dfCounts[t] as number) + 1
      this.docTerms.push(Int32Array.from(counts.keys()))
      this.docCounts.push(Int32Array.from(counts.values()))
      this.docLengths[d] = tokens.length
    })
    this.df = Int32Array.from(dfCounts)
  }

  get documentCount(): number {
    return this.ids.length
  }

  /** Position of an article id; throws `NOT_FOUND` for an id that was not built. */
  indexOf(id: string): number {
    const d = this.positions.get(id)
    if (d === undefined) throw new RelatedArticlesError('NOT_FOUND', `no article with id ${JSON.stringify(id)}`, { id })
    return d
  }

  idf(t: number): number {
    return smoothedIdf(this.documentCount, this.df[t] as number)
  }

  /**
   * The n most characteristic terms of document d, as in Lucene's More-Like-This: raw count times
   * idf, highest first, ties by term. Returns term ids.
   */
  topTermIds(d: number, n: number): number[] {
    const terms = this.docTerms[d] as Int32Array
    const counts = this.docCounts[d] as Int32Array
    const weighted = Array.from(terms, (t, i) => ({ t, weight: (counts[i] as number) * this.idf(t) }))
    weighted.sort((a, b) => b.weight - a.weight || ((this.terms[a.t] as string) < (this.terms[b.t] as string) ? -1 : 1))
    return weighted.slice(0, n).map((w) => w.t)
  }

  /** {@link topTermIds} as strings. */
  topTerms(d: number, n: number): string[] {
    return this.topTermIds(d, n).map((t) => this.terms[t] as string)
  }
}

/**
 * Postings in compressed rows (one allocation per array instead of one per term): the documents
 * of term t are `docs[start[t] .. start[t + 1])` with `values` at the same positions.
 */
export interface Postings {
  start: Int32Array
  docs: Int32Array
  values: Float64Array
}

/** Builds postings whose value for (term, document) is `value(d, i)`, i the term's position in `docTerms[d]`. */
export function buildPostings(stats: TermStatistics, value: (d: number, i: number) => number): Postings {
  const start = new Int32Array(stats.terms.length + 1)
  for (let t = 0; t < stats.terms.length; t++) start[t + 1] = (start[t] as number) + (stats.df[t] as number)
  const fill = start.slice(0, stats.terms.length)
  const total = start[stats.terms.length] as number
  const docs = new Int32Array(total)
  const values = new Float64Array(total)
  stats.docTerms.forEach((terms, d) => {
    terms.forEach((t, i) => {
      const at = fill[t] as number
      docs[at] = d
      values[at] = value(d, i)
      fill[t] = at + 1
    })
  })
  return { start, docs, values }
}
