/**
 * related-articles: given an article, which stories in the archive should a reader see next.
 * This file lists the public names; everything else is internal and may change.
 */
export { RelatedIndex } from './ranking/related-index.js'
export type { AddAllOptions, AffectedByOptions, ProgressEvent } from './ranking/related-index.js'
export type { RelatedIndexOptions, RelatedOptions, SignalWeights, TimeOptions } from './ranking/options.js'
export type { RelatedReasons, RelatedResult, RelatedSignals, SignalScore } from './ranking/result.js'
export { DEFAULT_K, MAX_K, RANKING_DEFAULTS } from './ranking/defaults.js'
export { EMBEDDING_SIMILARITIES } from './ranking/embedding-similarity.js'
export type { EmbeddingSimilarity } from './ranking/embedding-similarity.js'
export type { TimeDecay } from './ranking/signals.js'
export { computeLsaEmbeddings } from './ranking/lsa.js'
export type { LsaEmbeddings, LsaOptions } from './ranking/lsa.js'
export type { BatchProgress, RelatedAllOptions, RelatedEntry } from './ranking/batch.js'
export { DEFAULT_MAX_SNAPSHOT_BYTES, SNAPSHOT_FORMAT_VERSION } from './index/snapshot.js'
export type { DeserializeOptions } from './index/snapshot.js'
export type { Article, Draft } from './article.js'
export { RelatedArticlesError, isRelatedArticlesError } from './errors.js'
export type { RelatedArticlesErrorCode, RelatedArticlesErrorDetails } from './errors.js'
export { analyze, createAnalyzer, DEFAULT_ANALYZER_OPTIONS, DEFAULT_CLUTTER, DEFAULT_DEMONYMS } from './analysis/index.js'
export type { Analysis, AnalysisInput, Analyzer, AnalyzerOptions, EntityMention, StemmerName } from './analysis/index.js'
export { DEFAULT_MAX_ARTICLE_LENGTH } from './article.js'
export type { OversizedPolicy } from './article.js'
