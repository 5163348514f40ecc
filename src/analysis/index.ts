/** The analysis stage: text normalisation, terms, stems and named entities. */
export { analyze, createAnalyzer, DEFAULT_ANALYZER_OPTIONS, DEFAULT_STOP_WORDS, MAX_TERM_LENGTH } from './analyzer.js'
export type { Analyzer, AnalyzerOptions, CleanedText, ExplainOptions, NormalizeOptions } from './analyzer.js'
export {
  FURNITURE_HEADING_PATTERNS,
  FURNITURE_HEADINGS,
  furnitureLineKey,
  JUNK_PATTERNS,
  MENU_WORDS,
  MIN_MENU_RUN,
  MIN_STORY_BEFORE_FURNITURE,
  siteKey,
} from './furniture.js'
export type { FurnitureKind, RemovedLine } from './furniture.js'
export { DEFAULT_SITE_FURNITURE_OPTIONS, learnSiteFurniture } from './site-furniture.js'
export type { LearnSiteFurnitureOptions, SiteFurnitureInput } from './site-furniture.js'
export { MAX_TITLE_PREFIX_LENGTH, MAX_TITLE_SUFFIX_LENGTH, OUTLET_WORDS, stripTitleSuffix } from './title-suffix.js'
export type { TitleSuffix } from './title-suffix.js'
export { DEFAULT_DEMONYMS } from './demonyms.js'
export { entityKey } from './entities.js'
export {
  compileClutter,
  DEFAULT_CLUTTER,
  DEFAULT_INLINE_CLUTTER,
  foldDiacritics,
  MAX_CHUNK_LENGTH,
  MAX_CLUTTER_LINE_LENGTH,
  normalizeUnicode,
  removeClutter,
  stripHtml,
} from './normalize.js'
export type { ClutterMatcher } from './normalize.js'
export { getStemmer, STEMMER_NAMES } from './stemmers.js'
export type { StemFunction } from './stemmers.js'
export type { Analysis, AnalysisInput, EntityMention, StemmerName } from './types.js'
