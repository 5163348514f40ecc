import type { AnalyzerOptions } from '../analysis/index.js'
import type { Article, OversizedPolicy } from '../article.js'
import { DEFAULT_MAX_ARTICLE_LENGTH } from '../article.js'
import { RelatedArticlesError, describeValue, invalid } from '../errors.js'
import { parseDate } from '../dates.js'
import { DEFAULT_K, MAX_K, RANKING_DEFAULTS } from './defaults.js'
import type { EmbeddingSimilarity } from './embedding-similarity.js'
import { EMBEDDING_SIMILARITIES, isEmbeddingSimilarity } from './embedding-similarity.js'
import type { TimeDecay } from './signals.js'

/**
 * Weights of the signals in the final weighted mean. A weight of 0 switches a signal off.
 *
 * @example
 * ```ts
 * // An archive without reliable dates: no time signal, names count as much as words.
 * const index = new RelatedIndex({ weights: { time: 0, entities: 1 } })
 * ```
 */
export interface SignalWeights {
  /** TF-IDF cosine of title and body. Defaults to {@link RANKING_DEFAULTS}.weights.text. */
  text: number
  /** Rarity-weighted overlap of named entities. Defaults to {@link RANKING_DEFAULTS}.weights.entities. */
  entities: number
  /**
   * Rarity-weighted overlap of editor tags, active for a pair only when both articles have tags,
   * and gated by content like time (see `contextGate`). Sections never score: filter on them with
   * the `sections` query option. Defaults to {@link RANKING_DEFAULTS}.weights.tags.
   */
  tags: number
  /**
   * Closeness of publication dates, active for a pair only when both are dated, gated by content
   * (see `contextGate`). Defaults to {@link RANKING_DEFAULTS}.weights.time.
   */
  time: number
  /**
   * Similarity of the caller-supplied embeddings (see `Article.embedding`), active for a pair only
   * when both articles have one. Defaults to {@link RANKING_DEFAULTS}.weights.embedding.
   */
  embedding: number
}

/**
 * How publication time is scored.
 *
 * @example
 * ```ts
 * // Background fades slowly (90 days), follow-ups quickly (7 days).
 * const index = new RelatedIndex({ olderHalfLifeDays: 90, newerHalfLifeDays: 7 })
 * ```
 */
export interface TimeOptions {
  /** Days after which time closeness halves, in both directions. Defaults to {@link RANKING_DEFAULTS}.halfLifeDays. */
  halfLifeDays?: number
  /** Half-life for candidates older than the query (background). Defaults to `halfLifeDays`. */
  olderHalfLifeDays?: number
  /** Half-life for candidates newer than the query (follow-ups). Defaults to `halfLifeDays`. */
  newerHalfLifeDays?: number
  /**
   * Shape of the decay after one half-life: `'exponential'` keeps halving, `'hyperbolic'`
   * (1 / (1 + t / halfLife)) keeps a long tail for follow-ups months later. Defaults to
   * {@link RANKING_DEFAULTS}.timeDecay.
   */
  timeDecay?: TimeDecay
  /**
   * Content similarity (weighted mean of text and entities, 0 to 1) at which the context signals,
   * time and tags, earn their full weight; below it they earn a proportional share, so closeness
   * in time or a shared tag cannot lift an article that shares nothing else with the query. 0
   * gives them their full weight always. Defaults to {@link RANKING_DEFAULTS}.contextGate.
   */
  contextGate?: number
}

/**
 * Options of a {@link RelatedIndex}. Every field is optional; see {@link RANKING_DEFAULTS}.
 *
 * @example
 * ```ts
 * const index = new RelatedIndex({
 *   titleWeight: 3, // headlines are written with care here
 *   halfLifeDays: 30,
 *   analysis: { clutter: ['Sign up for our newsletter'] },
 * })
 * ```
 */
export interface RelatedIndexOptions extends TimeOptions {
  /** Options of the analysis stage (stemmer, clutter list, demonyms …). */
  analysis?: AnalyzerOptions
  /** Signal weights; missing ones take their defaults. */
  weights?: Partial<SignalWeights>
  /** How much a title occurrence counts relative to a body occurrence. Defaults to {@link RANKING_DEFAULTS}.titleWeight. */
  titleWeight?: number
  /** Multiplier for entities in the title or lead. Defaults to {@link RANKING_DEFAULTS}.entityProminence. */
  entityProminence?: number
  /** Strongest query terms that select candidates (More-Like-This-style pruning). Defaults to every term (`Infinity`). */
  candidateTerms?: number
  /** Candidates rescored exactly per query. Defaults to {@link RANKING_DEFAULTS}.maxCandidates. */
  maxCandidates?: number
  /** Text cosine at which two articles are near-duplicates (folded by `foldDuplicates`). Defaults to {@link RANKING_DEFAULTS}.duplicateThreshold. */
  duplicateThreshold?: number
  /**
   * Most UTF-16 code units of title and body together that an article (or a draft) may have: a
   * positive integer or Infinity. Defaults to {@link DEFAULT_MAX_ARTICLE_LENGTH} (1,000,000).
   */
  maxArticleLength?: number
  /**
   * What to do with a longer article: `'reject'` (the default) throws `LIMIT_EXCEEDED` naming the
   * field; `'truncate'` keeps (and stores) only the first `maxArticleLength` characters, body cut first.
   */
  oversized?: OversizedPolicy
  /**
   * How the `embedding` signal compares two embeddings: one of {@link EMBEDDING_SIMILARITIES}
   * (ml-distance similarity functions, mapped into [0, 1]). Defaults to `'cosine'`; pick the
   * measure your embedding model was trained for.
   */
  embeddingSimilarity?: EmbeddingSimilarity
}

/**
 * Options of `related` and `relatedTo`.
 *
 * @example
 * ```ts
 * index.related('r10100', {
 *   k: 5,
 *   minScore: 0.2,
 *   pastOnly: true,
 *   sections: { exclude: ['Opinion'] },
 *   filter: (article) => !article.tags?.includes('Sponsored'),
 * })
 * ```
 */
export interface RelatedOptions extends TimeOptions {
  /** Number of results, 1 to 1000. Defaults to 10. */
  k?: number
  /** Drop results scoring below this, in [0, 1]. Defaults to 0. */
  minScore?: number
  /** Ids never to return. */
  exclude?: Iterable<string>
  /**
   * Keep only stored articles for which this returns true (applied before the top-k cut). It is
   * called for articles whose score could make the list (usually a few hundred, however large
   * the archive; every candidate when the query has tags or `candidateTerms` is set), in no
   * promised order. It may read the index (`get`, `has`, `ids`)
   * but not query or change it: that throws `INVALID_STATE`. The article it is given has no
   * `embedding` (`get(article.id)` has it), so filtering stays cheap.
   */
  filter?: (article: Article) => boolean
  /** Keep only these sections (`include`) or drop these (`exclude`). Undated rules: an article without a section fails `include`. */
  sections?: {
    /** Keep only articles in one of these sections. */
    include?: readonly string[]
    /** Drop articles in any of these sections. */
    exclude?: readonly string[]
  }
  /** Keep only articles published at or after this time. Undated articles are kept. */
  publishedAfter?: string | Date
  /** Keep only articles published at or before this time. Undated articles are kept. */
  publishedBefore?: string | Date
  /**
   * Keep only articles published at or before the query article (background, not follow-ups).
   * For an undated query (a draft without `publishedAt`) the reference is `now`. Undated articles are kept.
   */
  pastOnly?: boolean
  /**
   * The reference time of `pastOnly` when the query article has no date, such as a draft being
   * written. Defaults to the current time, so `pastOnly` on a draft leaves out stories dated in the future.
   */
  now?: string | Date
  /** MMR-style diversity in [0, 1]: 0 ranks by score alone, higher values penalise results similar to ones above. Defaults to 0. */
  diversity?: number
  /** Fold near-duplicates of the query or of a higher result into that result. Defaults to true. */
  foldDuplicates?: boolean
  /** Per-query signal weights (for ablations or a page that wants no time signal). */
  weights?: Partial<SignalWeights>
}

/** Fully resolved index options. @internal */
export interface ResolvedIndexOptions {
  analysis: AnalyzerOptions | undefined
  weights: SignalWeights
  titleWeight: number
  entityProminence: number
  olderHalfLifeDays: number
  newerHalfLifeDays: number
  timeDecay: TimeDecay
  contextGate: number
  candidateTerms: number
  maxCandidates: number
  duplicateThreshold: number
  maxArticleLength: number
  oversized: OversizedPolicy
  embeddingSimilarity: EmbeddingSimilarity
}

const INDEX_KEYS = new Set([
  'analysis',
  'weights',
  'titleWeight',
  'entityProminence',
  'halfLifeDays',
  'olderHalfLifeDays',
  'newerHalfLifeDays',
  'timeDecay',
  'contextGate',
  'candidateTerms',
  'maxCandidates',
  'duplicateThreshold',
  'embeddingSimilarity',
  'maxArticleLength',
  'oversized',
])
const QUERY_KEYS = new Set([
  'k',
  'minScore',
  'exclude',
  'filter',
  'sections',
  'publishedAfter',
  'publishedBefore',
  'pastOnly',
  'now',
  'diversity',
  'foldDuplicates',
  'weights',
  'halfLifeDays',
  'olderHalfLifeDays',
  'newerHalfLifeDays',
  'timeDecay',
  'contextGate',
])
const WEIGHT_KEYS = new Set(['text', 'entities', 'tags', 'time', 'embedding'])

export function defaultWeights(): SignalWeights {
  return { ...RANKING_DEFAULTS.weights }
}

const TIME_DECAYS: readonly TimeDecay[] = ['exponential', 'hyperbolic']

function optionalDecay(value: unknown, field: string): TimeDecay | undefined {
  if (value === undefined) return undefined
  if (!TIME_DECAYS.includes(value as TimeDecay)) throw invalid('INVALID_OPTION', field, "'exponential' or 'hyperbolic'", value)
  return value as TimeDecay
}

export function resolveIndexOptions(options: unknown): ResolvedIndexOptions {
  const o = checkObject(options, 'options', INDEX_KEYS)
  const half = optionalNumber(o.halfLifeDays, 'halfLifeDays', { min: 0, exclusiveMin: true }) ?? RANKING_DEFAULTS.halfLifeDays
  const weights = resolveWeights(o.weights, 'weights', defaultWeights())
  if (o.analysis !== undefined && (typeof o.analysis !== 'object' || o.analysis === null)) {
    throw invalid('INVALID_OPTION', 'analysis', 'an options object', o.analysis)
  }
  if (o.oversized !== undefined && o.oversized !== 'reject' && o.oversized !== 'truncate') {
    throw invalid('INVALID_OPTION', 'oversized', "'reject' or 'truncate'", o.oversized)
  }
  if (o.embeddingSimilarity !== undefined && !isEmbeddingSimilarity(o.embeddingSimilarity)) {
    throw invalid('INVALID_OPTION', 'embeddingSimilarity', `one of ${EMBEDDING_SIMILARITIES.map((m) => `'${m}'`).join(', ')}`, o.embeddingSimilarity)
  }
  return {
    analysis: o.analysis as AnalyzerOptions | undefined,
    weights,
    titleWeight: optionalNumber(o.titleWeight, 'titleWeight', { min: 0, max: 100 }) ?? RANKING_DEFAULTS.titleWeight,
    entityProminence:
      optionalNumber(o.entityProminence, 'entityProminence', { min: 1, max: 100 }) ?? RANKING_DEFAULTS.entityProminence,
    olderHalfLifeDays: optionalNumber(o.olderHalfLifeDays, 'olderHalfLifeDays', { min: 0, exclusiveMin: true }) ?? half,
    newerHalfLifeDays: optionalNumber(o.newerHalfLifeDays, 'newerHalfLifeDays', { min: 0, exclusiveMin: true }) ?? half,
    timeDecay: optionalDecay(o.timeDecay, 'timeDecay') ?? RANKING_DEFAULTS.timeDecay,
    contextGate: optionalNumber(o.contextGate, 'contextGate', { min: 0, max: 1 }) ?? RANKING_DEFAULTS.contextGate,
    candidateTerms:
      optionalNumber(o.candidateTerms, 'candidateTerms', { min: 1, integer: true, allowInfinity: true }) ??
      RANKING_DEFAULTS.candidateTerms,
    maxCandidates:
      optionalNumber(o.maxCandidates, 'maxCandidates', { min: 1, integer: true, allowInfinity: true }) ??
      RANKING_DEFAULTS.maxCandidates,
    duplicateThreshold:
      optionalNumber(o.duplicateThreshold, 'duplicateThreshold', { min: 0, max: 1, exclusiveMin: true }) ??
      RANKING_DEFAULTS.duplicateThreshold,
    maxArticleLength:
      optionalNumber(o.maxArticleLength, 'maxArticleLength', { min: 1, integer: true, allowInfinity: true }) ?? DEFAULT_MAX_ARTICLE_LENGTH,
    oversized: (o.oversized as OversizedPolicy | undefined) ?? 'reject',
    embeddingSimilarity: (o.embeddingSimilarity as EmbeddingSimilarity | undefined) ?? RANKING_DEFAULTS.embeddingSimilarity,
  }
}

/** Fully resolved query options. @internal */
export interface ResolvedQueryOptions {
  k: number
  minScore: number
  exclude: ReadonlySet<string>
  filter: ((article: Article) => boolean) | undefined
  includeSections: ReadonlySet<string> | undefined
  excludeSections: ReadonlySet<string> | undefined
  after: number | undefined
  before: number | undefined
  pastOnly: boolean
  /** Reference time (ms) of `pastOnly` for an undated query. */
  now: number
  diversity: number
  foldDuplicates: boolean
  weights: SignalWeights
  olderHalfLifeDays: number
  newerHalfLifeDays: number
  timeDecay: TimeDecay
  contextGate: number
}

export function resolveQueryOptions(options: unknown, index: ResolvedIndexOptions): ResolvedQueryOptions {
  const o = checkObject(options, 'options', QUERY_KEYS)
  const half = optionalNumber(o.halfLifeDays, 'halfLifeDays', { min: 0, exclusiveMin: true })
  let exclude: Set<string> = new Set()
  if (o.exclude !== undefined) {
    if (typeof o.exclude === 'string' || !isIterable(o.exclude)) {
      throw invalid('INVALID_OPTION', 'exclude', 'an iterable of ids (array or Set)', o.exclude)
    }
    exclude = new Set()
    let i = 0
    for (const id of o.exclude as Iterable<unknown>) {
      if (typeof id !== 'string') throw invalid('INVALID_OPTION', `exclude[${i}]`, 'a string id', id)
      exclude.add(id)
      i++
    }
  }
  if (o.filter !== undefined && typeof o.filter !== 'function') {
    throw invalid('INVALID_OPTION', 'filter', 'a function (article) => boolean', o.filter)
  }
  let includeSections: Set<string> | undefined
  let excludeSections: Set<string> | undefined
  if (o.sections !== undefined) {
    const s = checkObject(o.sections, 'sections', new Set(['include', 'exclude']))
    includeSections = optionalStringList(s.include, 'sections.include')
    excludeSections = optionalStringList(s.exclude, 'sections.exclude')
  }
  if (o.pastOnly !== undefined && typeof o.pastOnly !== 'boolean') throw invalid('INVALID_OPTION', 'pastOnly', 'a boolean', o.pastOnly)
  if (o.foldDuplicates !== undefined && typeof o.foldDuplicates !== 'boolean') {
    throw invalid('INVALID_OPTION', 'foldDuplicates', 'a boolean', o.foldDuplicates)
  }
  return {
    k: optionalNumber(o.k, 'k', { min: 1, max: MAX_K, integer: true }) ?? DEFAULT_K,
    minScore: optionalNumber(o.minScore, 'minScore', { min: 0, max: 1 }) ?? 0,
    exclude,
    filter: o.filter as ((article: Article) => boolean) | undefined,
    includeSections,
    excludeSections,
    after: optionalDate(o.publishedAfter, 'publishedAfter'),
    before: optionalDate(o.publishedBefore, 'publishedBefore'),
    pastOnly: (o.pastOnly as boolean | undefined) ?? false,
    now: optionalDate(o.now, 'now') ?? Date.now(),
    diversity: optionalNumber(o.diversity, 'diversity', { min: 0, max: 1 }) ?? 0,
    foldDuplicates: (o.foldDuplicates as boolean | undefined) ?? true,
    weights: resolveWeights(o.weights, 'weights', index.weights),
    olderHalfLifeDays:
      optionalNumber(o.olderHalfLifeDays, 'olderHalfLifeDays', { min: 0, exclusiveMin: true }) ?? half ?? index.olderHalfLifeDays,
    newerHalfLifeDays:
      optionalNumber(o.newerHalfLifeDays, 'newerHalfLifeDays', { min: 0, exclusiveMin: true }) ?? half ?? index.newerHalfLifeDays,
    timeDecay: optionalDecay(o.timeDecay, 'timeDecay') ?? index.timeDecay,
    contextGate: optionalNumber(o.contextGate, 'contextGate', { min: 0, max: 1 }) ?? index.contextGate,
  }
}

function resolveWeights(value: unknown, field: string, base: SignalWeights): SignalWeights {
  if (value === undefined) return base
  const w = checkObject(value, field, WEIGHT_KEYS)
  const out: SignalWeights = { ...base }
  for (const key of WEIGHT_KEYS) {
    const v = optionalNumber(w[key], `${field}.${key}`, { min: 0, max: 1000 })
    if (v !== undefined) out[key as keyof SignalWeights] = v
  }
  if (out.text + out.entities + out.tags === 0) {
    throw new RelatedArticlesError(
      'INVALID_OPTION',
      `${field} must leave at least one of text, entities or tags above 0, got ${JSON.stringify(out)}`,
      { field },
    )
  }
  return out
}

function checkObject(value: unknown, field: string, allowed: ReadonlySet<string>): Record<string, unknown> {
  if (value === undefined) return {}
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw invalid('INVALID_OPTION', field, 'an options object', value)
  }
  for (const key of Object.keys(value)) {
    if (!allowed.has(key)) {
      throw new RelatedArticlesError(
        'INVALID_OPTION',
        `${field} has an unknown option ${JSON.stringify(key)}; expected one of ${[...allowed].join(', ')}`,
        { field: field === 'options' ? key : `${field}.${key}` },
      )
    }
  }
  return value as Record<string, unknown>
}

interface NumberRule {
  min?: number
  max?: number
  exclusiveMin?: boolean
  integer?: boolean
  allowInfinity?: boolean
}

/** The allowed range in words, as messages show it: "an integer from 1 to 1000", "a number greater than 0". */
function describeRule(rule: NumberRule): string {
  const kind = rule.integer ? 'an integer' : 'a number'
  const { min, max } = rule
  if (min !== undefined && max !== undefined) {
    return rule.exclusiveMin ? `${kind} greater than ${min} and at most ${max}` : `${kind} from ${min} to ${max}`
  }
  if (min !== undefined) return rule.exclusiveMin ? `${kind} greater than ${min}` : `${kind} of at least ${min}`
  if (max !== undefined) return `${kind} of at most ${max}`
  return kind
}

function optionalNumber(value: unknown, field: string, rule: NumberRule): number | undefined {
  if (value === undefined) return undefined
  const expected = describeRule(rule)
  if (typeof value !== 'number' || Number.isNaN(value)) throw invalid('INVALID_OPTION', field, expected, value)
  if (!Number.isFinite(value) && !(rule.allowInfinity && value === Infinity)) throw invalid('INVALID_OPTION', field, expected, value)
  if (rule.integer && Number.isFinite(value) && !Number.isInteger(value)) throw invalid('INVALID_OPTION', field, expected, value)
  if (rule.min !== undefined && (rule.exclusiveMin ? value <= rule.min : value < rule.min)) {
    throw invalid('INVALID_OPTION', field, expected, value)
  }
  if (rule.max !== undefined && value > rule.max) {
    // A k above MAX_K is a well-formed request over the library's limit (a service may answer it
    // differently from a malformed one), so it has its own code and says which limit it exceeds.
    if (rule.max === MAX_K && field === 'k') {
      throw new RelatedArticlesError('LIMIT_EXCEEDED', `k must be at most ${MAX_K} (MAX_K), got ${describeValue(value)}`, {
        field,
        expected: `at most ${MAX_K} (MAX_K)`,
        got: describeValue(value),
      })
    }
    throw invalid('INVALID_OPTION', field, expected, value)
  }
  return value
}

function optionalStringList(value: unknown, field: string): Set<string> | undefined {
  if (value === undefined) return undefined
  if (!Array.isArray(value)) throw invalid('INVALID_OPTION', field, 'an array of strings', value)
  value.forEach((v, i) => {
    if (typeof v !== 'string') throw invalid('INVALID_OPTION', `${field}[${i}]`, 'a string', v)
  })
  return new Set(value as string[])
}

function optionalDate(value: unknown, field: string): number | undefined {
  if (value === undefined) return undefined
  const t = parseDate(value)
  if (t === undefined) throw invalid('INVALID_OPTION', field, 'an ISO 8601 date string or a valid Date', value)
  return t
}

function isIterable(value: unknown): value is Iterable<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as Iterable<unknown>)[Symbol.iterator] === 'function'
}
