/**
 * Ranking quality metrics computed the way `trec_eval` (9.0.8 and later) computes them, so our
 * figures can be compared with published ones.
 *
 * Conventions, all from `trec_eval` unless marked:
 * - A pair that is not judged has grade 0. Grades at or below 0 give no gain.
 * - nDCG (`ndcg_cut`): gain = grade, the document at rank r is discounted by log2(r + 1), and the
 *   ideal ranking is built from every positively graded document of the query, retrieved or not.
 *   A query with no positive grade has nDCG 0.
 * - Binary metrics (AP, P@k, R@k, RR) count a document as relevant when its grade is at least
 *   `relevanceThreshold` (`trec_eval -l`). AP divides by the number of relevant documents of the
 *   query, retrieved or not; P@k divides by k even when fewer than k documents were returned.
 *   A query with no relevant document scores 0 on all of them.
 * - The order of a ranking is the order of the list; scores, when given, are not used to
 *   re-sort it (parse a TREC run file with `parseRun` to get `trec_eval`'s score order).
 *   A document listed twice is an error, as in `trec_eval`.
 * - `evaluateRun` evaluates the queries of the qrels (every query with at least one judgment,
 *   even one judged 0, as `trec_eval` does) or the explicit `queries` list. A query missing from
 *   the run scores 0 on every metric (`trec_eval -c`). Queries of the run that are not evaluated
 *   are ignored. Queries with no relevant document at the threshold are kept and score 0 on the
 *   binary metrics (`trec_eval` keeps every query of its qrels file); `withoutRelevant: 'exclude'`
 *   drops them from every mean instead (our addition, so that binary means can be reported over
 *   answerable queries only).
 */
import { RelatedArticlesError, describeValue, invalid } from '../errors.js'

/** The grades of one query's judged documents: document id → grade. Unlisted documents have grade 0. */
export type Judgments = ReadonlyMap<string, number>

/** Relevance judgments of a test collection: query id → {@link Judgments}. */
export type Qrels = ReadonlyMap<string, Judgments>

/** A ranked document with the score the system gave it. */
export interface ScoredDoc {
  readonly id: string
  readonly score: number
}

/** One entry of a ranking: a document id, or a document id with its score. */
export type RankedDoc = string | ScoredDoc

/** A ranking, best first. The list order is the ranking; scores are informational. */
export type Ranking = readonly RankedDoc[]

/** A system's rankings: query id → {@link Ranking}. */
export type Run = ReadonlyMap<string, Ranking>

/** Options shared by the binary metrics. */
export interface BinaryMetricOptions {
  /**
   * Lowest grade that counts as relevant for AP, P@k, R@k and RR (`trec_eval -l`).
   * A finite number above 0. Defaults to 2 (our datasets: 2 = same story / same topic set).
   */
  relevanceThreshold?: number
}

/** How {@link evaluateRun} treats queries that have no relevant document at the threshold. */
export type WithoutRelevantPolicy = 'count-zero' | 'exclude'

/** Options of {@link evaluateRun}. */
export interface EvaluateRunOptions extends BinaryMetricOptions {
  /** Cutoffs k for nDCG@k, P@k and R@k: distinct positive integers. Defaults to `[5, 10]`. */
  cutoffs?: readonly number[]
  /**
   * The queries to evaluate, for example one cross-validation fold. Each must be unique. A listed
   * query without judgments scores 0. Defaults to every query of the qrels, in qrels order.
   */
  queries?: readonly string[]
  /**
   * `count-zero` (default, as `trec_eval`) keeps queries with no relevant document at the
   * threshold; they score 0 on the binary metrics and their nDCG comes from their other grades.
   * `exclude` leaves them out of every mean, so all means cover the same queries.
   */
  withoutRelevant?: WithoutRelevantPolicy
}

/** The defaults of {@link evaluateRun}. */
export const defaultEvaluateRunOptions: Readonly<Required<Omit<EvaluateRunOptions, 'queries'>>> = Object.freeze({
  cutoffs: Object.freeze([5, 10]),
  relevanceThreshold: 2,
  withoutRelevant: 'count-zero',
})

/** Metrics of one query. Records keyed by cutoff hold nDCG@k, P@k and R@k. */
export interface QueryEvaluation {
  ndcg: Record<number, number>
  precision: Record<number, number>
  recall: Record<number, number>
  averagePrecision: number
  reciprocalRank: number
  /** Number of judged documents with a grade at or above the threshold. */
  relevant: number
  /** Number of documents in the query's ranking (0 when the run misses the query). */
  retrieved: number
}

/** Means over the evaluated queries. */
export interface MeanEvaluation {
  ndcg: Record<number, number>
  precision: Record<number, number>
  recall: Record<number, number>
  /** Mean average precision. */
  map: number
  /** Mean reciprocal rank. */
  mrr: number
}

/** Result of {@link evaluateRun}. */
export interface RunEvaluation {
  /** Number of queries the means are taken over. */
  queryCount: number
  /** Evaluated queries, in evaluation order. */
  perQuery: Map<string, QueryEvaluation>
  mean: MeanEvaluation
  /** Evaluated queries the run has no ranking for (they score 0). */
  missingFromRun: string[]
  /** Queries with no relevant document at the threshold (scored 0 or excluded, per `withoutRelevant`). */
  queriesWithoutRelevant: string[]
}

const EMPTY_JUDGMENTS: Judgments = new Map()

function checkCutoff(k: unknown, field = 'k'): number {
  if (typeof k !== 'number' || !Number.isInteger(k) || k < 1) {
    throw invalid('INVALID_OPTION', field, 'a positive integer', k)
  }
  return k
}

function checkThreshold(options: BinaryMetricOptions | undefined): number {
  const threshold = options?.relevanceThreshold ?? defaultEvaluateRunOptions.relevanceThreshold
  if (typeof threshold !== 'number' || !Number.isFinite(threshold) || threshold <= 0) {
    throw invalid('INVALID_OPTION', 'relevanceThreshold', 'a finite number above 0', threshold)
  }
  return threshold
}

/** The ids of a ranking, in order; throws on a malformed entry or a document listed twice. */
function rankedIds(ranking: Ranking, field = 'ranking'): string[] {
  if (!Array.isArray(ranking)) throw invalid('INVALID_OPTION', field, 'an array of ids', ranking)
  const ids: string[] = new Array<string>(ranking.length)
  const seen = new Map<string, number>()
  ranking.forEach((entry: unknown, i) => {
    const id = typeof entry === 'string' ? entry : (entry as ScoredDoc | null)?.id
    if (typeof id !== 'string') {
      throw invalid('INVALID_OPTION', `${field}[${i}]`, 'a document id or an { id, score } object', entry)
    }
    const first = seen.get(id)
    if (first !== undefined) {
      throw new RelatedArticlesError(
        'INVALID_OPTION',
        `${field} must list each document once, got ${JSON.stringify(id)} at positions ${first} and ${i}`,
        { field: `${field}[${i}]`, expected: 'distinct document ids', got: 'a repeated id' },
      )
    }
    seen.set(id, i)
    ids[i] = id
  })
  return ids
}

function checkJudgments(judgments: Judgments, field = 'judgments'): void {
  if (!(judgments instanceof Map)) throw invalid('INVALID_OPTION', field, 'a Map of document id to grade', judgments)
  for (const [id, grade] of judgments) {
    if (typeof grade !== 'number' || !Number.isFinite(grade)) {
      throw invalid('INVALID_OPTION', `${field}.get(${JSON.stringify(id)})`, 'a finite grade', grade)
    }
  }
}

/** log2(rank + 1) for 0-based position i. */
function discount(i: number): number {
  return Math.log2(i + 2)
}

/** Ideal DCG at k: every positive grade of the query, best first. */
function idealDcg(judgments: Judgments, k: number): number {
  const gains: number[] = []
  for (const grade of judgments.values()) if (grade > 0) gains.push(grade)
  gains.sort((a, b) => b - a)
  let sum = 0
  for (let i = 0; i < Math.min(k, gains.length); i++) sum += (gains[i] as number) / discount(i)
  return sum
}

function ndcgOfIds(ids: readonly string[], judgments: Judgments, k: number): number {
  const ideal = idealDcg(judgments, k)
  if (ideal === 0) return 0
  let dcg = 0
  for (let i = 0; i < Math.min(k, ids.length); i++) {
    const grade = judgments.get(ids[i] as string) ?? 0
    if (grade > 0) dcg += grade / discount(i)
  }
  return dcg / ideal
}

function countRelevant(judgments: Judgments, threshold: number): number {
  let count = 0
  for (const grade of judgments.values()) if (grade >= threshold) count++
  return count
}

function hitsAt(ids: readonly string[], judgments: Judgments, k: number, threshold: number): number {
  let hits = 0
  for (let i = 0; i < Math.min(k, ids.length); i++) if ((judgments.get(ids[i] as string) ?? 0) >= threshold) hits++
  return hits
}

function averagePrecisionOfIds(ids: readonly string[], judgments: Judgments, threshold: number): number {
  const relevant = countRelevant(judgments, threshold)
  if (relevant === 0) return 0
  let hits = 0
  let sum = 0
  ids.forEach((id, i) => {
    if ((judgments.get(id) ?? 0) >= threshold) {
      hits++
      sum += hits / (i + 1)
    }
  })
  return sum / relevant
}

function reciprocalRankOfIds(ids: readonly string[], judgments: Judgments, threshold: number): number {
  const first = ids.findIndex((id) => (judgments.get(id) ?? 0) >= threshold)
  return first < 0 ? 0 : 1 / (first + 1)
}

/**
 * Graded nDCG at cutoff k, as `trec_eval -m ndcg_cut.k`: gain = grade, discount log2(rank + 1),
 * normalised by the ideal DCG at k over all positively graded documents of the query.
 * Returns 0 when the query has no positive grade.
 */
export function ndcgAt(ranking: Ranking, judgments: Judgments, k: number): number {
  checkCutoff(k)
  checkJudgments(judgments)
  return ndcgOfIds(rankedIds(ranking), judgments, k)
}

/**
 * Average precision (`trec_eval -m map`) over the whole ranking: the mean, over the query's
 * relevant documents, of the precision at the rank of each (0 for one never retrieved).
 * Returns 0 when the query has no relevant document.
 */
export function averagePrecision(ranking: Ranking, judgments: Judgments, options?: BinaryMetricOptions): number {
  const threshold = checkThreshold(options)
  checkJudgments(judgments)
  return averagePrecisionOfIds(rankedIds(ranking), judgments, threshold)
}

/** Precision at k (`trec_eval -m P.k`): relevant documents in the top k, divided by k. */
export function precisionAt(ranking: Ranking, judgments: Judgments, k: number, options?: BinaryMetricOptions): number {
  checkCutoff(k)
  const threshold = checkThreshold(options)
  checkJudgments(judgments)
  return hitsAt(rankedIds(ranking), judgments, k, threshold) / k
}

/**
 * Recall at k (`trec_eval -m recall.k`): relevant documents in the top k, divided by the query's
 * relevant documents. Returns 0 when the query has none.
 */
export function recallAt(ranking: Ranking, judgments: Judgments, k: number, options?: BinaryMetricOptions): number {
  checkCutoff(k)
  const threshold = checkThreshold(options)
  checkJudgments(judgments)
  const relevant = countRelevant(judgments, threshold)
  return relevant === 0 ? 0 : hitsAt(rankedIds(ranking), judgments, k, threshold) / relevant
}

/** Reciprocal rank (`trec_eval -m recip_rank`): 1 / rank of the first relevant document, else 0. */
export function reciprocalRank(ranking: Ranking, judgments: Judgments, options?: BinaryMetricOptions): number {
  const threshold = checkThreshold(options)
  checkJudgments(judgments)
  return reciprocalRankOfIds(rankedIds(ranking), judgments, threshold)
}

const EVALUATE_OPTION_NAMES = new Set(['cutoffs', 'relevanceThreshold', 'queries', 'withoutRelevant'])

function checkCutoffs(cutoffs: unknown): number[] {
  if (!Array.isArray(cutoffs) || cutoffs.length === 0) {
    throw invalid('INVALID_OPTION', 'cutoffs', 'a non-empty array of positive integers', cutoffs)
  }
  const seen = new Set<number>()
  return cutoffs.map((k: unknown, i) => {
    const cutoff = checkCutoff(k, `cutoffs[${i}]`)
    if (seen.has(cutoff)) throw invalid('INVALID_OPTION', `cutoffs[${i}]`, 'a cutoff not listed before', k)
    seen.add(cutoff)
    return cutoff
  })
}

function checkQueries(queries: unknown): string[] {
  if (!Array.isArray(queries)) throw invalid('INVALID_OPTION', 'queries', 'an array of query ids', queries)
  const seen = new Set<string>()
  return queries.map((q: unknown, i) => {
    if (typeof q !== 'string') throw invalid('INVALID_OPTION', `queries[${i}]`, 'a query id string', q)
    if (seen.has(q)) throw invalid('INVALID_OPTION', `queries[${i}]`, 'a query id not listed before', q)
    seen.add(q)
    return q
  })
}

function zeroRecord(cutoffs: readonly number[]): Record<number, number> {
  const record: Record<number, number> = {}
  for (const k of cutoffs) record[k] = 0
  return record
}

/**
 * Evaluates a run against qrels: per-query nDCG@k, P@k, R@k, AP and RR, and their means
 * (nDCG@k, P@k, R@k, MAP, MRR). See the module comment for the query-set conventions.
 *
 * @throws RelatedArticlesError `INVALID_OPTION` for an unknown option, a bad cutoff or threshold,
 *   a non-finite grade, a malformed ranking or an empty query set.
 */
export function evaluateRun(qrels: Qrels, run: Run, options: EvaluateRunOptions = {}): RunEvaluation {
  if (!(qrels instanceof Map)) throw invalid('INVALID_OPTION', 'qrels', 'a Map of query id to judgments', qrels)
  if (!(run instanceof Map)) throw invalid('INVALID_OPTION', 'run', 'a Map of query id to ranking', run)
  if (typeof options !== 'object' || options === null) throw invalid('INVALID_OPTION', 'options', 'an object', options)
  for (const name of Object.keys(options)) {
    if (!EVALUATE_OPTION_NAMES.has(name)) {
      throw new RelatedArticlesError(
        'INVALID_OPTION',
        `unknown option ${JSON.stringify(name)}: expected one of ${[...EVALUATE_OPTION_NAMES].join(', ')}`,
        { field: name, expected: 'a known option name', got: describeValue(name) },
      )
    }
  }
  const cutoffs = checkCutoffs(options.cutoffs ?? defaultEvaluateRunOptions.cutoffs)
  const threshold = checkThreshold(options)
  const policy = options.withoutRelevant ?? defaultEvaluateRunOptions.withoutRelevant
  if (policy !== 'count-zero' && policy !== 'exclude') {
    throw invalid('INVALID_OPTION', 'withoutRelevant', '"count-zero" or "exclude"', policy)
  }
  const queries = options.queries === undefined ? [...qrels.keys()] : checkQueries(options.queries)
  for (const q of queries) checkJudgments(qrels.get(q) ?? EMPTY_JUDGMENTS, `qrels.get(${JSON.stringify(q)})`)

  const perQuery = new Map<string, QueryEvaluation>()
  const missingFromRun: string[] = []
  const queriesWithoutRelevant: string[] = []
  const mean: MeanEvaluation = { ndcg: zeroRecord(cutoffs), precision: zeroRecord(cutoffs), recall: zeroRecord(cutoffs), map: 0, mrr: 0 }

  for (const q of queries) {
    const judgments = qrels.get(q) ?? EMPTY_JUDGMENTS
    const ranking = run.get(q)
    if (ranking === undefined) missingFromRun.push(q)
    const ids = ranking === undefined ? [] : rankedIds(ranking, `run.get(${JSON.stringify(q)})`)
    const relevant = countRelevant(judgments, threshold)
    if (relevant === 0) {
      queriesWithoutRelevant.push(q)
      if (policy === 'exclude') continue
    }
    const evaluation: QueryEvaluation = {
      ndcg: {},
      precision: {},
      recall: {},
      averagePrecision: averagePrecisionOfIds(ids, judgments, threshold),
      reciprocalRank: reciprocalRankOfIds(ids, judgments, threshold),
      relevant,
      retrieved: ids.length,
    }
    for (const k of cutoffs) {
      const hits = hitsAt(ids, judgments, k, threshold)
      evaluation.ndcg[k] = ndcgOfIds(ids, judgments, k)
      evaluation.precision[k] = hits / k
      evaluation.recall[k] = relevant === 0 ? 0 : hits / relevant
    }
    perQuery.set(q, evaluation)
  }

  const queryCount = perQuery.size
  if (queryCount === 0) {
    throw new RelatedArticlesError(
      'INVALID_OPTION',
      `no query to evaluate: ${queries.length === 0 ? 'the qrels and the queries option are empty' : 'every query lacks a relevant document and withoutRelevant is "exclude"'}`,
      { field: options.queries === undefined ? 'qrels' : 'queries', expected: 'at least one query to evaluate' },
    )
  }
  for (const evaluation of perQuery.values()) {
    for (const k of cutoffs) {
      mean.ndcg[k] = (mean.ndcg[k] as number) + (evaluation.ndcg[k] as number)
      mean.precision[k] = (mean.precision[k] as number) + (evaluation.precision[k] as number)
      mean.recall[k] = (mean.recall[k] as number) + (evaluation.recall[k] as number)
    }
    mean.map += evaluation.averagePrecision
    mean.mrr += evaluation.reciprocalRank
  }
  for (const k of cutoffs) {
    mean.ndcg[k] = (mean.ndcg[k] as number) / queryCount
    mean.precision[k] = (mean.precision[k] as number) / queryCount
    mean.recall[k] = (mean.recall[k] as number) / queryCount
  }
  mean.map /= queryCount
  mean.mrr /= queryCount
  return { queryCount, perQuery, mean, missingFromRun, queriesWithoutRelevant }
}

/** Result of {@link exposure}. */
export interface ExposureResult {
  /** The cutoff: only each ranking's first k documents count as recommended. */
  k: number
  /** Number of distinct corpus ids. */
  corpusSize: number
  /** Corpus articles that appear in no ranking's top k. */
  neverRecommended: number
  /** `neverRecommended / corpusSize`, in [0, 1]. */
  neverRecommendedShare: number
  /**
   * The article recommended most often and in how many top-k lists; ties go to the smallest id
   * (code-unit order). `undefined` when no ranking recommends anything.
   */
  mostRecommended: { id: string; count: number } | undefined
}

/**
 * How evenly a run spreads attention over the corpus: the share of corpus articles that never
 * appear in any query's top k, and the most recommended article. A ranker that sends every
 * query to the same few "hub" articles scores a high share and a high maximum.
 *
 * @throws RelatedArticlesError `INVALID_OPTION` for a bad k, an empty or repeated corpus id, or a
 *   ranked id that is not in the corpus.
 */
export function exposure(run: Run, corpusIds: Iterable<string>, k: number): ExposureResult {
  checkCutoff(k)
  if (!(run instanceof Map)) throw invalid('INVALID_OPTION', 'run', 'a Map of query id to ranking', run)
  const counts = new Map<string, number>()
  let position = 0
  for (const id of corpusIds) {
    if (typeof id !== 'string') throw invalid('INVALID_OPTION', `corpusIds[${position}]`, 'an id string', id)
    if (counts.has(id)) throw invalid('INVALID_OPTION', `corpusIds[${position}]`, 'an id not listed before', id)
    counts.set(id, 0)
    position++
  }
  if (counts.size === 0) throw invalid('INVALID_OPTION', 'corpusIds', 'at least one id', [])
  for (const [q, ranking] of run) {
    const ids = rankedIds(ranking, `run.get(${JSON.stringify(q)})`)
    for (let i = 0; i < Math.min(k, ids.length); i++) {
      const id = ids[i] as string
      const count = counts.get(id)
      if (count === undefined) {
        throw invalid('INVALID_OPTION', `run.get(${JSON.stringify(q)})[${i}]`, 'an id of the corpus', id)
      }
      counts.set(id, count + 1)
    }
  }
  let neverRecommended = 0
  let mostRecommended: { id: string; count: number } | undefined
  for (const [id, count] of counts) {
    if (count === 0) {
      neverRecommended++
    } else if (
      mostRecommended === undefined ||
      count > mostRecommended.count ||
      (count === mostRecommended.count && id < mostRecommended.id)
    ) {
      mostRecommended = { id, count }
    }
  }
  return { k, corpusSize: counts.size, neverRecommended, neverRecommendedShare: neverRecommended / counts.size, mostRecommended }
}
