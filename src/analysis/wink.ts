/**
 * The one wink-nlp instance. Created on first use (building it takes about 50 ms) and shared:
 * the instance and its model are never changed after creation, so sharing is safe.
 */
import winkNLP, { type WinkMethods } from 'wink-nlp'
import model from 'wink-eng-lite-web-model'

/**
 * The wink pipeline we run: sentence boundaries and part-of-speech tags. Named-entity recognition
 * (dates and numbers only in the lite model), negation and sentiment are not used, and skipping
 * them makes reading a document about a third faster.
 */
export const WINK_PIPE: readonly string[] = Object.freeze(['sbd', 'pos'])

let instance: WinkMethods | undefined

/** The shared wink-nlp instance with the {@link WINK_PIPE} pipeline. */
export function getWink(): WinkMethods {
  instance ??= winkNLP(model, [...WINK_PIPE])
  return instance
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
