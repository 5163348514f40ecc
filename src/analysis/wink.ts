/**
 * The wink-nlp instance the analysis reads with. Created on first use (about 50 ms) and replaced by
 * a fresh one once its lexicon has grown by {@link LEXICON_GROWTH_LIMIT} words: wink adds every
 * word it has not met (every name, every figure) to the lexicon of its instance's model for good,
 * so a process that reads news for months, or an analysis thread of a large bulk load, would
 * otherwise grow without bound. Each instance reads its own copy of the model (`model.core()`), so
 * dropping one frees its words; and since each document's new words that could change a later
 * document's split or tags leave the lookup again ({@link forgetNewWords}), an analysis does not
 * depend on which instance, or which earlier documents, it met.
 */
import winkNLP, { type WinkMethods } from 'wink-nlp'
import model from 'wink-eng-lite-web-model'

/**
 * The wink pipeline we run: sentence boundaries and part-of-speech tags. Named-entity recognition
 * (dates and numbers only in the lite model), negation and sentiment are not used, and skipping
 * them makes reading a document about a third faster.
 */
export const WINK_PIPE: readonly string[] = Object.freeze(['sbd', 'pos'])

/** Words an instance may add to its lexicon before it is replaced (about 18 MB of them). */
export const LEXICON_GROWTH_LIMIT = 250_000

interface Lexeme {
  /** Every word by id: the shipped ones, then those the instance met. */
  list?: unknown[]
  intrinsicSize?: number
  /** Word → id: what the tokeniser consults. */
  hash?: Record<string, number>
}

/** The part of wink's core model read here: its lexicon. */
interface CoreLexicon {
  features?: { lexeme?: Lexeme }
}

let instance: WinkMethods | undefined
let core: CoreLexicon | undefined
let growthLimit = LEXICON_GROWTH_LIMIT
let instances = 0

/** Words the current instance added to its lexicon (0 when none, or when its model does not say). */
function lexiconGrowth(): number {
  const lexeme = core?.features?.lexeme
  const list = lexeme?.list
  const shipped = lexeme?.intrinsicSize
  return Array.isArray(list) && typeof shipped === 'number' ? list.length - shipped : 0
}

type Loaders = Record<string, () => unknown>

let metaCER: unknown

/**
 * The model as wink reads it (a null-prototype object of loaders), but keeping the core model it
 * loads, whose lexicon {@link lexiconGrowth} reads, and loading the custom-entity model once: the
 * shipped loader re-encodes its JSON on every call (`machines = JSON.stringify(machines)`), so
 * the twentieth instance of a process would fail with "Invalid string length".
 */
function watchedModel(): typeof model {
  const loaders = model as unknown as Loaders
  return Object.assign(Object.create(null) as Loaders, loaders, {
    core: () => (core = loaders.core?.() as CoreLexicon),
    metaCER: () => (metaCER ??= loaders.metaCER?.()),
  }) as unknown as typeof model
}

/** The wink-nlp instance with the {@link WINK_PIPE} pipeline, fresh once the current one's lexicon grew past the limit. */
export function getWink(): WinkMethods {
  if (instance !== undefined && lexiconGrowth() <= growthLimit) return instance
  const kept = core
  try {
    instance = winkNLP(watchedModel(), [...WINK_PIPE])
  } catch (error) {
    // The instance in use, if any, stays, with the lexicon it reads.
    core = kept
    throw error
  }
  instances++
  return instance
}

/** How far the current instance's lexicon grew, and how many instances were made. @internal */
export function winkLexicon(): { growth: number; instances: number } {
  return { growth: lexiconGrowth(), instances }
}

/** Test hook: the growth limit (the default when `undefined`). @internal */
export function setLexiconGrowthLimit(limit: number | undefined): void {
  growthLimit = limit ?? LEXICON_GROWTH_LIMIT
}

/** What the analysis reads of one tokenised field, each array indexed by token. */
export interface TokenArrays {
  /** Token text as in the (folded) input. */
  values: string[]
  /** Lower-cased token text (contractions expanded: "n't" is "not"). */
  normals: string[]
  /** Universal part-of-speech tags. */
  pos: string[]
  /** Sentences as `[firstToken, lastToken]` pairs. */
  sentences: number[][]
  /** wink's stop-word flag of token `i`; asked only once per distinct word (the answer is cached). */
  isStopWord: (i: number) => boolean
  /** Whether a lower-case word is in the model's English vocabulary. */
  isKnownWord: (word: string) => boolean
}

/** Tokenises one text with a single `readDoc` and reads each token property once. */
export function readTokens(text: string): TokenArrays {
  const nlp = getWink()
  const its = nlp.its
  const lexicon = core?.features?.lexeme
  const before = lexicon?.list?.length
  try {
    const doc = nlp.readDoc(text)
    const tokens = doc.tokens()
    return {
      values: tokens.out(its.value) as string[],
      normals: tokens.out(its.normal) as string[],
      pos: tokens.out(its.pos) as string[],
      sentences: doc.sentences().out(its.span) as unknown as number[][],
      isStopWord: (i) => tokens.itemAt(i).out(its.stopWordFlag) as unknown as boolean,
      isKnownWord: (word) => !doc.isOOV(word),
    }
  } finally {
    if (lexicon !== undefined && before !== undefined) forgetNewWords(lexicon, before)
  }
}

/**
 * Words whose split or token type can depend on what was met before: those with a period, hyphen
 * or digit, and the currency codes wink's tokeniser types as currency inside "EUR/USD" but as a
 * word alone (its other rules type a token the same way on either path).
 */
const SPLIT_OR_TYPED = /[.\-\d]|^(?:usd|aud|inr|gbp)$/i

/**
 * Makes the next documents' analysis independent of this one. wink keeps every word an instance
 * has met in the lexicon its tokeniser and tagger consult: a word with a period or hyphen stays
 * whole when it is in the lexicon (after a story that added "U.S", a later "U.S. GRAIN" headline
 * split as "U.S" and "."), and a word's token type is fixed the first time it is met ("254" met
 * inside "X.254" was a word, and a later "254" was tagged PROPN instead of NUM). So the words this
 * document added that could change a later split or type ({@link SPLIT_OR_TYPED}) leave the
 * lookup table again; their entries stay, unreachable, until the instance is replaced, and the
 * next document meets them as a fresh instance would.
 */
function forgetNewWords(lexeme: Lexeme, from: number): void {
  const { list, hash } = lexeme
  if (list === undefined || hash === undefined) return
  for (let i = from; i < list.length; i++) {
    const word = list[i]
    if (typeof word === 'string' && SPLIT_OR_TYPED.test(word) && hash[word] === i) delete hash[word]
  }
}
