/** The evaluation stage: metrics, TREC-format reading and writing, and grouped fold splits. */
export {
  averagePrecision,
  defaultEvaluateRunOptions,
  evaluateRun,
  exposure,
  ndcgAt,
  precisionAt,
  recallAt,
  reciprocalRank,
} from './metrics.js'
export type {
  BinaryMetricOptions,
  EvaluateRunOptions,
  ExposureResult,
  Judgments,
  MeanEvaluation,
  QueryEvaluation,
  Qrels,
  RankedDoc,
  Ranking,
  Run,
  RunEvaluation,
  ScoredDoc,
  WithoutRelevantPolicy,
} from './metrics.js'
export { QRELS_TSV_HEADER, detectQrelsFormat, formatRun, parseQrels, parseRun } from './trec.js'
export type { FormatRunOptions, ParseQrelsOptions, QrelsFormat } from './trec.js'
export { splitFolds } from './crossval.js'
export type { Fold } from './crossval.js'
