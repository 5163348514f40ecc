/**
 * The one wink-nlp instance. Created on first use (building it takes about 50 ms) and shared:
 * nothing we call changes what it answers, so sharing is safe.
 *
 * wink remembers every distinct token it has ever read (a lexeme hash, a list and packed
 * features per word), so a service that reads news for months would hold every number, name and
 * typo it ever saw: 1 KB per article at 20,000 synthetic news articles. Once it has learned
 * {@link WINK_LEXICON_GROWTH} words beyond its model, the instance is replaced by a fresh one on
 * the next read. What wink answers for a token does not depend on which tokens it read before
 * (the features of a new word are computed from the word itself), so analyses stay the same.
 */
import winkNLP, { type WinkMethods } from 'wink-nlp'
import model from 'wink-eng-lite-web-model'

/**
 * The wink pipeline we run: sentence boundaries and part-of-speech tags. Named-entity recognition
 * (dates and numbers only in the lite model), negation and sentiment are not used, and skipping
 * them makes reading a document about a third faster.
 */
export const WINK_PIPE: readonly string[] = Object.freeze(['sbd', 'pos'])

/** Words wink may learn beyond its model before the instance is replaced (about 220 bytes each). */
export const WINK_LEXICON_GROWTH = 50_000
let growthLimit = WINK_LEXICON_GROWTH

let instance: WinkMethods | undefined
/** The instance's list of lexemes (its model's words first, then every new word it read), if wink exposes it. */
let lexicon: { readonly length: number } | undefined
let modelWords = 0
let replacements = 0
let metaCer: unknown

/** The shared wink-nlp instance with the {@link WINK_PIPE} pipeline. */
export function getWink(): WinkMethods {
  if (instance !== undefined && lexicon !== undefined && lexicon.length > modelWords + growthLimit) {
    instance = undefined
    replacements++
  }
  if (instance === undefined) {
    // wink builds a fresh core model per instance (`model.core()`); wrapping it lets us see the
    // lexeme list that grows, which wink does not expose otherwise. If a later wink version
    // changes that shape, the instance is simply never replaced.
    let core: { features?: { lexeme?: { list?: unknown } } } | undefined
    const source = model as unknown as Record<string, unknown> & { core: () => typeof core; metaCER: () => unknown }
    // The model's custom-entity loader stringifies its module-level machines in place on every
    // call, so each further instance would escape them again (doubling a string until it no
    // longer fits); the first result is kept and shared (it is only read).
    const tracked = { ...source, core: () => (core = source.core()), metaCER: () => (metaCer ??= source.metaCER()) }
    instance = winkNLP(tracked as unknown as typeof model, [...WINK_PIPE])
    const list = core?.features?.lexeme?.list
    lexicon = Array.isArray(list) ? list : undefined
    modelWords = lexicon?.length ?? 0
  }
  return instance
}

/** Sets how many new words the instance may learn before it is replaced (tests use small values). @internal */
export function setWinkLexiconGrowth(words: number): void {
  growthLimit = words
}

/** How many new words the shared instance has learned, and how often it was replaced (for tests). @internal */
export function winkLexiconState(): { learned: number; replacements: number } {
  return { learned: lexicon === undefined ? 0 : lexicon.length - modelWords, replacements }
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
}
