/**
 * Stemmer selection. Each stemmer is one module of `natural`, imported on its own (and bundled
 * into `dist/` by tsup, so natural is not installed with the package): the package
 * root loads every feature of `natural` (slowly, with storage back-ends that read `.env` files).
 *
 * The modules are imported statically rather than lazily: `analyze` is synchronous, a synchronous
 * lazy `require` does not work the same way in both of our builds (ESM and CJS), and all eleven
 * modules together load in about 25 ms.
 */
import lancaster from 'natural/lib/natural/stemmers/lancaster_stemmer.js'
import porter from 'natural/lib/natural/stemmers/porter_stemmer.js'
import porterDe from 'natural/lib/natural/stemmers/porter_stemmer_de.js'
import porterEs from 'natural/lib/natural/stemmers/porter_stemmer_es.js'
import porterFr from 'natural/lib/natural/stemmers/porter_stemmer_fr.js'
import porterIt from 'natural/lib/natural/stemmers/porter_stemmer_it.js'
import porterNl from 'natural/lib/natural/stemmers/porter_stemmer_nl.js'
import porterNo from 'natural/lib/natural/stemmers/porter_stemmer_no.js'
import porterPt from 'natural/lib/natural/stemmers/porter_stemmer_pt.js'
import porterRu from 'natural/lib/natural/stemmers/porter_stemmer_ru.js'
import porterSv from 'natural/lib/natural/stemmers/porter_stemmer_sv.js'
import type { StemmerName } from './types.js'

/** Turns a lower-cased, diacritic-folded word into its stem. */
export type StemFunction = (word: string) => string

interface StemmerModule {
  stem(word: string): string
}

const MODULES: Readonly<Record<Exclude<StemmerName, 'none'>, StemmerModule>> = {
  porter,
  lancaster,
  'porter-de': porterDe,
  'porter-es': porterEs,
  'porter-fr': porterFr,
  'porter-it': porterIt,
  'porter-nl': porterNl,
  'porter-no': porterNo,
  'porter-pt': porterPt,
  'porter-ru': porterRu,
  'porter-sv': porterSv,
}

/** Every stemmer name, in the order the documentation lists them. */
export const STEMMER_NAMES: readonly StemmerName[] = Object.freeze(['none', ...(Object.keys(MODULES) as StemmerName[])])

/** Whether `value` names a stemmer. */
export function isStemmerName(value: unknown): value is StemmerName {
  return typeof value === 'string' && (STEMMER_NAMES as readonly string[]).includes(value)
}

const identity: StemFunction = (word) => word

/**
 * The stem function for a stemmer name. `none` returns words unchanged. Stemmers are given
 * lower-cased words and lower-case their result, since some (`porter-de`) keep case.
 */
export function getStemmer(name: StemmerName): StemFunction {
  if (name === 'none') return identity
  const module = MODULES[name]
  // Some modules are class instances whose `stem` needs its `this`.
  return (word) => {
    const stem = module.stem(word)
    return typeof stem === 'string' && stem !== '' ? stem.toLowerCase() : word
  }
}
