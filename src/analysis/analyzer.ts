/**
 * The analysis stage: article text in, {@link Analysis} out. One wink-nlp `readDoc` per field;
 * everything else is a single pass over the token arrays with per-word results cached.
 */
import { invalid, RelatedArticlesError } from '../errors.js'
import { DEFAULT_DEMONYMS } from './demonyms.js'
import { type AnalysedField, entityKey, type EntitySettings, extractEntities } from './entities.js'
import { type CleaningRules, cleanText, compileCleaning, type RemovedLine } from './furniture.js'
import {
  type ClutterMatcher,
  compileClutter,
  DEFAULT_CLUTTER,
  DEFAULT_INLINE_CLUTTER,
  foldForTokenizer,
  isSpace,
  normalizeUnicode,
  removeClutter,
  stripHtml,
} from './normalize.js'
import { stripTitleSuffix } from './title-suffix.js'
import { getStemmer, isStemmerName, STEMMER_NAMES, type StemFunction } from './stemmers.js'
import type { Analysis, AnalysisInput, StemmerName } from './types.js'
import { readTokens, type TokenArrays } from './wink.js'

/**
 * Words dropped besides wink-nlp's English stop words (which already include "also", "would",
 * "could", "may"). Reporting verbs appear in nearly every news story, so they carry no topic but
 * inflate the overlap of unrelated short texts; "Reuter(s)" is the wire credit that closes every
 * Reuters story; honorifics are titles, not topics.
 */
export const DEFAULT_STOP_WORDS: readonly string[] = Object.freeze([
  'said', 'says', 'saying', 'told', 'reuter', 'reuters', 'mr', 'mrs', 'ms',
])

/** Words longer than this are never terms (URL fragments, hashes, run-together junk). */
export const MAX_TERM_LENGTH = 64

/**
 * Options of the analysis stage (the `analysis` index option). Every option is optional; see
 * {@link DEFAULT_ANALYZER_OPTIONS}.
 *
 * @example
 * ```ts
 * const index = new RelatedIndex({
 *   analysis: {
 *     stemmer: 'porter-de', // a German archive
 *     clutter: [...DEFAULT_CLUTTER, 'Jetzt abonnieren'],
 *     numbers: 'years',
 *   },
 * })
 * ```
 */
export interface AnalyzerOptions {
  /**
   * Stemmer applied to index terms (see {@link StemmerName}); `'none'` keeps lower-cased words.
   * Stemmers see diacritic-folded words. Defaults to `'porter'`.
   */
  stemmer?: StemmerName
  /**
   * Lines dropped as page clutter: strings match whole lines case-insensitively, ignoring
   * trailing punctuation; RegExps are tested against the trimmed line (see {@link DEFAULT_CLUTTER}).
   * Pass `[]` to keep every line, or `[...DEFAULT_CLUTTER, 'My site footer']` to extend.
   * Defaults to {@link DEFAULT_CLUTTER}.
   */
  clutter?: readonly (string | RegExp)[]
  /**
   * Phrases removed inside paragraphs where they stand as a sentence of their own
   * ("... 50 days. Advertisement Speaking ..."). Defaults to `DEFAULT_INLINE_CLUTTER`.
   */
  inlineClutter?: readonly string[]
  /**
   * Whether page furniture is removed: the clutter list, crawler junk, a trailing "Related
   * Articles" box, teasers of other stories, share bars, a site's own lines (`siteFurniture`) and
   * headline suffixes naming the outlet. `false` keeps the text as it is after HTML and Unicode
   * clean-up (nothing removed at all). Defaults to `true`; see the README's "Cleaning" section.
   */
  furniture?: boolean
  /**
   * Extra headings that open a page's trailing furniture box, besides `FURNITURE_HEADINGS`
   * ("Related Articles", "More from …"): a line equal to one (case-insensitively, ignoring
   * trailing punctuation) ends the story when enough story precedes it. Defaults to `[]`.
   */
  headings?: readonly string[]
  /**
   * A site's own furniture lines, by `source` ("wral.com" → its footer and prompts): a body line
   * equal to one of its site's lines (case-insensitively, ignoring trailing punctuation) is
   * removed. Sources match case-insensitively, without a leading "www.". `learnSiteFurniture`
   * finds such lines in an archive. Defaults to `{}`.
   */
  siteFurniture?: Readonly<Record<string, readonly string[]>>
  /**
   * Demonyms and short names mapped to places ("Ukrainian" → "Ukraine"). Keys are folded and
   * lower-cased before use. Replaces the default table; spread it to extend.
   * Defaults to {@link DEFAULT_DEMONYMS}.
   */
  demonyms?: Readonly<Record<string, string>>
  /** Number of body sentences that count as the lead (for `inLead`); an integer ≥ 0. Defaults to `2`. */
  leadSentences?: number
  /**
   * Shortest word, in characters, kept as an index term; an integer from 1 to 64. Defaults to `2`.
   */
  minTermLength?: number
  /**
   * Which numbers become index terms: `'all'` (figures such as "373,000" or "156" often name
   * one event: the same casualty count, the same bill), `'years'` (four-digit numbers only) or
   * `'none'`. Defaults to `'all'`; see benchmarks/results/quality.json for the measurement.
   */
  numbers?: 'all' | 'years' | 'none'

  /**
   * Stop words dropped in addition to wink-nlp's English list, matched case- and
   * diacritic-insensitively. Defaults to `DEFAULT_STOP_WORDS`.
   */
  stopWords?: readonly string[]
}

/**
 * The defaults of every {@link AnalyzerOptions} option.
 *
 * @example
 * ```ts
 * // The default stop words plus a site's own boilerplate words.
 * new RelatedIndex({ analysis: { stopWords: [...DEFAULT_ANALYZER_OPTIONS.stopWords, 'newsletter'] } })
 * ```
 */
export const DEFAULT_ANALYZER_OPTIONS: Readonly<Required<AnalyzerOptions>> = Object.freeze({
  stemmer: 'porter',
  clutter: DEFAULT_CLUTTER,
  inlineClutter: DEFAULT_INLINE_CLUTTER,
  furniture: true,
  headings: Object.freeze([]),
  siteFurniture: Object.freeze({}),
  demonyms: DEFAULT_DEMONYMS,
  leadSentences: 2,
  minTermLength: 2,
  numbers: 'all',
  stopWords: DEFAULT_STOP_WORDS,
})

/**
 * Turns articles into {@link Analysis} values. Create one with {@link createAnalyzer} and reuse it.
 *
 * @example
 * ```ts
 * const analyzer = createAnalyzer({ stemmer: 'none' })
 * analyzer.normalize('<p>Rates cut</p>\nAdvertisement') // '\nRates cut\n'
 * ```
 */
export interface Analyzer {
  /** The options in force, defaults filled in. */
  readonly options: Readonly<Required<AnalyzerOptions>>
  /**
   * Analyses one article. Throws `INVALID_ARTICLE` if a field has the wrong type; never on content.
   * With `{ explain: true }` the result also lists the lines cleaning removed (`removed`).
   */
  analyze(input: AnalysisInput, options?: ExplainOptions): Analysis
  /**
   * The body normalisation used by `analyze`: HTML to text, Unicode clean-up, furniture and
   * clutter removal. `source` selects the site's own furniture lines (`siteFurniture`).
   */
  normalize(text: string, options?: NormalizeOptions & { explain?: false }): string
  /** With `explain: true`: the normalised text and every removed line with the reason (`kind`). */
  normalize(text: string, options: NormalizeOptions & { explain: true }): CleanedText
}

/**
 * Options of {@link Analyzer.analyze} beyond the article.
 *
 * @example
 * ```ts
 * const { removed } = createAnalyzer().analyze({ title: 'Man shot', body: page, source: 'wral.com' }, { explain: true })
 * ```
 */
export interface ExplainOptions {
  /** Also report the lines that cleaning removed, in `Analysis.removed`. Defaults to `false`. */
  explain?: boolean
}

/**
 * Options of {@link Analyzer.normalize}.
 *
 * @example
 * ```ts
 * const { text, removed } = analyzer.normalize(page, { source: 'wral.com', explain: true })
 * ```
 */
export interface NormalizeOptions extends ExplainOptions {
  /** The article's site (its `source`), for `siteFurniture`. */
  source?: string
}

/**
 * What `normalize(text, { explain: true })` returns: the text and what was removed.
 *
 * @example
 * ```ts
 * createAnalyzer().normalize('Police said the man fled.\nPlease enable Javascript to watch this video', { explain: true })
 * // { text: 'Police said the man fled.', removed: [{ field: 'body', line: 2, text: 'Please enable …', kind: 'junk' }] }
 * ```
 */
export interface CleanedText {
  /** The normalised text, as `normalize(text)` returns it. */
  text: string
  /** The removed lines in text order. Inline phrases ("… days. Advertisement Speaking …") are not listed. */
  removed: RemovedLine[]
}

const OPTION_NAMES = Object.keys(DEFAULT_ANALYZER_OPTIONS) as (keyof AnalyzerOptions)[]

/** Cache entries for words that are not words (punctuation, symbols) or not terms (stop words). */
const NOT_WORD = '\u0000'
const NOT_TERM = '\u0001'

/** The word cache is cleared (between articles) past this many distinct words, bounding memory. */
const WORD_CACHE_LIMIT = 200_000

const WORD_START = /^[\p{L}\p{N}]/u
const TERM_SHAPE = /^[\p{L}\p{N}][\p{L}\p{M}\p{N}.,'&_-]*$/u
const HAS_LETTER = /\p{L}/u
const YEAR_LIKE = /^\d{4}$/

/**
 * Creates an analyzer. Options are validated here; a bad one throws `INVALID_OPTION` naming it.
 *
 * @example
 * ```ts
 * import { createAnalyzer } from 'related-articles'
 *
 * const analyzer = createAnalyzer({ numbers: 'years' })
 * const { title, entities } = analyzer.analyze({ title: 'Lavrov visits Pyongyang', body: 'Sergey Lavrov met Kim Jong-un.' })
 * entities.map((e) => e.display) // ['Kim Jong-un', 'Pyongyang', 'Sergey Lavrov']
 * ```
 */
export function createAnalyzer(options?: AnalyzerOptions): Analyzer {
  const resolved = resolveOptions(options)
  const stem: StemFunction = getStemmer(resolved.stemmer)
  const clutter: ClutterMatcher = compileClutter(resolved.clutter, resolved.inlineClutter)
  const cleaning: CleaningRules = compileCleaning(clutter, resolved)
  const extraStopWords = new Set(resolved.stopWords.map((word) => entityKey(word)))
  const demonyms = new Map<string, string>()
  for (const [demonym, place] of Object.entries(resolved.demonyms)) demonyms.set(entityKey(demonym), place)
  const settings: EntitySettings = {
    demonyms,
    places: new Set([...demonyms.values()].map((place) => entityKey(place))),
    leadSentences: resolved.leadSentences,
  }
  const minLength = resolved.minTermLength
  const numbers = resolved.numbers
  // Per-word results: the stem, or NOT_WORD / NOT_TERM. Words repeat (Zipf), so after a few
  // articles almost every token is one Map lookup.
  const words = new Map<string, string>()

  function cleanBody(text: string, source: string | undefined, removed?: RemovedLine[]): string {
    return cleanText(normalizeUnicode(stripHtml(text)), cleaning, source, removed)
  }

  function cleanTitle(text: string, source: string | undefined, removed?: RemovedLine[]): string {
    const plain = normalizeUnicode(stripHtml(text))
    if (!resolved.furniture) return plain
    const { title, suffix, prefix } = stripTitleSuffix(removeClutter(plain, clutter), source)
    if (removed !== undefined) {
      if (prefix !== '') removed.push({ field: 'title', line: 1, text: prefix.trim(), kind: 'suffix' })
      if (suffix !== '') removed.push({ field: 'title', line: 1, text: suffix.trim(), kind: 'suffix' })
    }
    return title
  }

  function normalize(text: string, options?: NormalizeOptions & { explain?: false }): string
  function normalize(text: string, options: NormalizeOptions & { explain: true }): CleanedText
  function normalize(text: string, options?: NormalizeOptions): string | CleanedText {
    if (typeof text !== 'string') throw invalid('INVALID_ARTICLE', 'text', 'a string', text)
    if (options === undefined) return cleanBody(text, undefined)
    if (!isPlainObject(options)) throw invalid('INVALID_OPTION', 'options', 'an object', options)
    const source = options.source
    if (source !== undefined && typeof source !== 'string') throw invalid('INVALID_OPTION', 'source', 'a string', source)
    if (options.explain !== true) return cleanBody(text, source)
    const removed: RemovedLine[] = []
    return { text: cleanBody(text, source, removed), removed }
  }

  function classify(word: string, tokens: TokenArrays, index: number): string {
    let entry: string
    const code = word.charCodeAt(0)
    const wordLike = code < 0x80 ? (code >= 48 && code <= 57) || (code >= 97 && code <= 122) || (code >= 65 && code <= 90) : WORD_START.test(word)
    if (!wordLike) entry = NOT_WORD
    else if (word.length < minLength || word.length > MAX_TERM_LENGTH || !TERM_SHAPE.test(word)) entry = NOT_TERM
    else if (!HAS_LETTER.test(word)) entry = numbers === 'all' || (numbers === 'years' && YEAR_LIKE.test(word)) ? word : NOT_TERM
    else if (tokens.isStopWord(index) || extraStopWords.has(word)) entry = NOT_TERM
    else entry = stem(word) || word
    words.set(word, entry)
    return entry
  }

  /** Term counts of one field by surface word; stems are looked up once per distinct word. */
  interface FieldCounts {
    counts: Map<string, number>
    /** Stem of each surface that is not itself a key of `words` (accented surfaces). */
    stems: Map<string, string>
  }

  function prepare(text: string, kind: 'title' | 'body', firstPosition: number): { field: AnalysedField; counts: FieldCounts; words: number } {
    const { folded, offsets } = foldForTokenizer(text)
    const tokens = readTokens(folded)
    const { values, normals } = tokens
    const n = values.length
    const starts = new Int32Array(n)
    const positions = new Int32Array(n)
    const counts = new Map<string, number>()
    const stems = new Map<string, string>()
    let offset = 0
    let position = firstPosition
    for (let i = 0; i < n; i++) {
      const value = values[i] as string
      // Token values appear in the text in order with only whitespace between them, so skipping
      // whitespace finds each one; cheaper than asking wink for the preceding spaces. Linear.
      let start = offset
      while (start < folded.length && !folded.startsWith(value, start) && isSpace(folded.charCodeAt(start))) start++
      starts[i] = start
      offset = start + value.length
      const normal = normals[i] as string
      let entry = words.get(normal)
      if (entry === undefined) entry = classify(normal, tokens, i)
      if (entry === NOT_WORD) {
        positions[i] = -1
        continue
      }
      positions[i] = position++
      if (entry === NOT_TERM) continue
      let surface = normal
      // With accents in the text, count the word as written ("łódź") so surfaces can show it.
      if (offsets !== undefined && folded.startsWith(value, start)) {
        surface = text.slice(offsets[start], offsets[start + value.length]).toLowerCase()
        if (surface !== normal) stems.set(surface, entry)
      }
      counts.set(surface, (counts.get(surface) ?? 0) + 1)
    }
    const field: AnalysedField = { kind, text, folded, offsets, tokens, starts, positions }
    return { field, counts: { counts, stems }, words: position - firstPosition }
  }

  function stemOf(surface: string, counts: FieldCounts): string {
    return counts.stems.get(surface) ?? (words.get(surface) as string)
  }

  /**
   * Index terms of both fields, and for each term its most frequent surface word over title and
   * body (ties go to the alphabetically first), in one pass over the distinct words.
   */
  function summarize(title: FieldCounts, body: FieldCounts): Pick<Analysis, 'title' | 'body' | 'surfaces'> {
    const surfaces = new Map<string, string>()
    const bestCount = new Map<string, number>()
    const consider = (stem: string, surface: string, count: number): void => {
      const current = bestCount.get(stem)
      if (current === undefined || count > current || (count === current && surface < (surfaces.get(stem) as string))) {
        surfaces.set(stem, surface)
        bestCount.set(stem, count)
      }
    }
    const bodyTerms = new Map<string, number>()
    for (const [surface, count] of body.counts) {
      const stem = stemOf(surface, body)
      bodyTerms.set(stem, (bodyTerms.get(stem) ?? 0) + count)
      consider(stem, surface, count + (title.counts.get(surface) ?? 0))
    }
    const titleTerms = new Map<string, number>()
    for (const [surface, count] of title.counts) {
      const stem = stemOf(surface, title)
      titleTerms.set(stem, (titleTerms.get(stem) ?? 0) + count)
      if (!body.counts.has(surface)) consider(stem, surface, count)
    }
    return { title: titleTerms, body: bodyTerms, surfaces }
  }

  function analyzeArticle(input: AnalysisInput, options?: ExplainOptions): Analysis {
    validateInput(input)
    if (options !== undefined && !isPlainObject(options)) throw invalid('INVALID_OPTION', 'options', 'an object', options)
    const removed: RemovedLine[] | undefined = options?.explain === true ? [] : undefined
    // Cleared between articles only, so every word of the article stays cached while it is read.
    if (words.size >= WORD_CACHE_LIMIT) words.clear()
    const title = prepare(cleanTitle(input.title, input.source, removed), 'title', 0)
    const body = prepare(cleanBody(input.body, input.source, removed), 'body', title.words)
    const wordCount = title.words + body.words
    const entities = extractEntities(title.field, body.field, settings, input.entities ?? [], input.tags ?? [], wordCount)
    const { title: titleTerms, body: bodyTerms, surfaces } = summarize(title.counts, body.counts)
    const analysis: Analysis = { title: titleTerms, body: bodyTerms, entities, surfaces, wordCount }
    if (removed !== undefined) analysis.removed = removed
    return analysis
  }

  return Object.freeze({
    get options() {
      return resolved
    },
    analyze: analyzeArticle,
    normalize,
  })
}

let defaultAnalyzer: Analyzer | undefined

/**
 * Analyses one article. Without options it reuses one shared default analyzer; with options it
 * builds a new analyzer per call, so prefer {@link createAnalyzer} when analysing many articles.
 *
 * @example
 * ```ts
 * import { analyze } from 'related-articles'
 *
 * const { body } = analyze({ title: '', body: 'Tariffs on steel. Advertisement More tariffs.' })
 * body.get('tariff') // 2: the clutter is gone and both forms stem to "tariff"
 * ```
 */
export function analyze(input: AnalysisInput, options?: AnalyzerOptions): Analysis {
  if (options === undefined) {
    defaultAnalyzer ??= createAnalyzer()
    return defaultAnalyzer.analyze(input)
  }
  return createAnalyzer(options).analyze(input)
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false
  const proto = Object.getPrototypeOf(value) as unknown
  return proto === Object.prototype || proto === null
}

function resolveOptions(options: AnalyzerOptions | undefined): Readonly<Required<AnalyzerOptions>> {
  if (options === undefined) return DEFAULT_ANALYZER_OPTIONS
  if (!isPlainObject(options)) throw invalid('INVALID_OPTION', 'options', 'an object', options)
  for (const name of Object.keys(options)) {
    if (!(OPTION_NAMES as string[]).includes(name)) {
      throw new RelatedArticlesError(
        'INVALID_OPTION',
        `Unknown option ${JSON.stringify(name)}; the analyzer options are ${OPTION_NAMES.join(', ')}`,
        { field: name, expected: `one of ${OPTION_NAMES.join(', ')}`, got: JSON.stringify(name) },
      )
    }
  }
  const value = <K extends keyof AnalyzerOptions>(name: K): Required<AnalyzerOptions>[K] =>
    (options[name] ?? DEFAULT_ANALYZER_OPTIONS[name]) as Required<AnalyzerOptions>[K]

  const stemmer = value('stemmer')
  if (!isStemmerName(stemmer)) throw invalid('INVALID_OPTION', 'stemmer', `one of ${STEMMER_NAMES.map((s) => `'${s}'`).join(', ')}`, stemmer)

  const clutter = value('clutter')
  checkArray(clutter, 'clutter', 'a string or a RegExp', (item) => typeof item === 'string' || item instanceof RegExp)
  const inlineClutter = value('inlineClutter')
  checkArray(inlineClutter, 'inlineClutter', 'a non-empty string', (item) => typeof item === 'string' && item.trim() !== '')
  const stopWords = value('stopWords')
  checkArray(stopWords, 'stopWords', 'a string', (item) => typeof item === 'string')
  const furniture = value('furniture')
  if (typeof furniture !== 'boolean') throw invalid('INVALID_OPTION', 'furniture', 'true or false', furniture)
  const headings = value('headings')
  checkArray(headings, 'headings', 'a non-empty string', (item) => typeof item === 'string' && item.trim() !== '')
  const siteFurniture = value('siteFurniture')
  if (!isPlainObject(siteFurniture)) throw invalid('INVALID_OPTION', 'siteFurniture', 'an object mapping sources to arrays of lines', siteFurniture)
  for (const [source, lines] of Object.entries(siteFurniture)) {
    checkArray(lines, `siteFurniture.${source}`, 'a string', (item) => typeof item === 'string')
  }

  const demonyms = value('demonyms')
  if (!isPlainObject(demonyms)) throw invalid('INVALID_OPTION', 'demonyms', 'an object mapping demonyms to place names', demonyms)
  for (const [key, place] of Object.entries(demonyms)) {
    if (typeof place !== 'string' || place.trim() === '') throw invalid('INVALID_OPTION', `demonyms.${key}`, 'a non-empty place name', place)
  }

  const leadSentences = value('leadSentences')
  if (!Number.isSafeInteger(leadSentences) || leadSentences < 0) {
    throw invalid('INVALID_OPTION', 'leadSentences', 'an integer >= 0', leadSentences)
  }
  const minTermLength = value('minTermLength')
  if (!Number.isSafeInteger(minTermLength) || minTermLength < 1 || minTermLength > MAX_TERM_LENGTH) {
    throw invalid('INVALID_OPTION', 'minTermLength', `an integer from 1 to ${MAX_TERM_LENGTH}`, minTermLength)
  }
  const numbers = value('numbers')
  if (numbers !== 'all' && numbers !== 'years' && numbers !== 'none') {
    throw invalid('INVALID_OPTION', 'numbers', "one of 'all', 'years' or 'none'", numbers)
  }
  return Object.freeze({ stemmer, clutter, inlineClutter, furniture, headings, siteFurniture, demonyms, leadSentences, minTermLength, numbers, stopWords })
}

/** Checks an array option item by item; `itemExpected` reads like "a string". */
function checkArray(value: unknown, name: string, itemExpected: string, ok: (item: unknown) => boolean): void {
  if (!Array.isArray(value)) throw invalid('INVALID_OPTION', name, `an array (each item ${itemExpected})`, value)
  value.forEach((item: unknown, index) => {
    if (!ok(item)) throw invalid('INVALID_OPTION', `${name}[${index}]`, itemExpected, item)
  })
}

/** Checks the fields analysis reads, naming the first wrong one (`title`, `tags[2]`). */
export function validateInput(input: AnalysisInput): void {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw invalid('INVALID_ARTICLE', 'article', 'an object with string `title` and `body`', input)
  }
  const maybeId: unknown = (input as { id?: unknown }).id
  const id = typeof maybeId === 'string' ? maybeId : undefined
  if (typeof input.title !== 'string') throw invalid('INVALID_ARTICLE', 'title', 'a string', input.title, id)
  if (typeof input.body !== 'string') throw invalid('INVALID_ARTICLE', 'body', 'a string', input.body, id)
  if (input.source !== undefined && typeof input.source !== 'string') throw invalid('INVALID_ARTICLE', 'source', 'a string', input.source, id)
  for (const name of ['tags', 'entities'] as const) {
    const list: unknown = input[name]
    if (list === undefined) continue
    if (!Array.isArray(list)) throw invalid('INVALID_ARTICLE', name, 'an array of strings', list, id)
    list.forEach((item: unknown, index) => {
      if (typeof item !== 'string') throw invalid('INVALID_ARTICLE', `${name}[${index}]`, 'a string', item, id)
    })
  }
}
