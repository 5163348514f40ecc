/**
 * The search space of `benchmarks/tune.ts`: which options are tuned, over which grid, and how a
 * point of the space (a {@link Setting}) becomes `RelatedIndex` and `related` options.
 *
 * Grids are small on purpose (a few values spanning each option's documented range): coordinate
 * ascent visits every value of one parameter at a time, and each value costs a pass over every
 * query (plus an index build for index-level options). The current library default is always
 * part of its grid, so "keep the default" is always a candidate.
 */
import { RANKING_DEFAULTS, type RelatedIndexOptions, type RelatedOptions, type TimeDecay } from '../../src/index.js'

/** One point of the search space: every tuned option, flattened. */
export interface Setting {
  /** Index option `titleWeight`. */
  titleWeight: number
  /** `weights.entities` (passed per query). */
  entityWeight: number
  /** `weights.time` (passed per query). */
  timeWeight: number
  /** `halfLifeDays` (passed per query). */
  halfLifeDays: number
  /** `timeDecay` (passed per query). */
  timeDecay: TimeDecay
  /** `contextGate` (passed per query). */
  contextGate: number
  /** Index option `entityProminence`. */
  entityProminence: number
  /** Index option `candidateTerms`. */
  candidateTerms: number
  /** Index option `duplicateThreshold`. */
  duplicateThreshold: number
  /** Query option `foldDuplicates`. */
  foldDuplicates: boolean
}

export type ParameterName = keyof Setting
export type ParameterValue = Setting[ParameterName]

/** A tuned parameter. */
export interface Parameter {
  name: ParameterName
  /** The option as a user writes it (`weights.entities`). */
  path: string
  /** `index` options need a new index per value; `query` options are passed to `related`. */
  level: 'index' | 'query'
  /** Grid values, ascending (the default is added when missing). */
  values: readonly ParameterValue[]
  /** Why this grid. */
  why: string
}

/** The library defaults, as a setting: where every ascent starts and what ties fall back to. */
export const DEFAULT_SETTING: Readonly<Setting> = Object.freeze({
  titleWeight: RANKING_DEFAULTS.titleWeight,
  entityWeight: RANKING_DEFAULTS.weights.entities,
  timeWeight: RANKING_DEFAULTS.weights.time,
  halfLifeDays: RANKING_DEFAULTS.halfLifeDays,
  timeDecay: RANKING_DEFAULTS.timeDecay,
  contextGate: RANKING_DEFAULTS.contextGate,
  entityProminence: RANKING_DEFAULTS.entityProminence,
  candidateTerms: RANKING_DEFAULTS.candidateTerms,
  duplicateThreshold: RANKING_DEFAULTS.duplicateThreshold,
  // The documented default of the `foldDuplicates` query option (src/ranking/options.ts).
  foldDuplicates: true,
})

/**
 * The parameters in the order coordinate ascent visits them: the strongest levers first (the
 * entity signal and the title weight move scores most in the quality benchmark's ablations),
 * then the candidate and duplicate settings, then the time signal, which only the dated
 * dataset can measure.
 *
 * Not tuned: `weights.text` (fixed at 1: the other weights are relative to it), `weights.tags`
 * (no benchmark dataset has tags, so nothing could measure it), `maxCandidates` and
 * `candidateTerms` (speed guards, not quality knobs: 40 to all terms made no difference), and
 * `foldDuplicates`, which stays on: showing one wire story once is right for readers although the
 * metrics count every copy as a hit, so the tuner chooses only when a copy folds
 * (`duplicateThreshold`).
 */
const PARAMETER_SPECS: readonly Parameter[] = [
  {
    name: 'entityWeight',
    path: 'weights.entities',
    level: 'query',
    values: [0, 0.1, 0.25, 0.5],
    why: '0 switches the entity signal off (the ablation); 1 makes it as strong as text',
  },
  {
    name: 'titleWeight',
    path: 'titleWeight',
    level: 'index',
    values: [1, 2, 3],
    why: 'title counted as the body (1) up to four times; 2-3 is the usual lexical sweet spot',
  },
  {
    name: 'entityProminence',
    path: 'entityProminence',
    level: 'index',
    values: [1, 2, 3],
    why: 'no boost (1) up to four times for entities in the title or lead; inactive when weights.entities is 0',
  },
  {
    name: 'duplicateThreshold',
    path: 'duplicateThreshold',
    level: 'index',
    values: [0.9, 0.95, 0.98, 1],
    why: 'loose (0.8) to exact copies only (1): a copy should fold when it is the same text, not the same event; inactive when foldDuplicates is false',
  },
  {
    name: 'timeWeight',
    path: 'weights.time',
    level: 'query',
    values: [0, 0.1, 0.25, 0.5, 1],
    why: '0 switches the time signal off; measurable only on dated sets (reuters21578-modapte)',
  },
  {
    name: 'timeDecay',
    path: 'timeDecay',
    level: 'query',
    values: ['exponential', 'hyperbolic'],
    why: 'halving every half-life, or a long tail for follow-ups months later; inactive when weights.time is 0',
  },
  {
    name: 'contextGate',
    path: 'contextGate',
    level: 'query',
    values: [0.25, 0.5, 0.75, 1],
    why: 'full weight from a content similarity of 0.25 up to only in proportion to it (1); not 0: ungated, closeness in time lifts unrelated stories; inactive when weights.time is 0',
  },
  {
    name: 'halfLifeDays',
    path: 'halfLifeDays',
    level: 'query',
    values: [7, 14, 30, 90, 180, 365],
    why: 'a week to a year, roughly doubling: follow-ups run to about 90 days at the 95th percentile on GVA, and a long half-life only separates stories months apart; inactive when weights.time is 0',
  },
]

/** The tuned parameters, each grid sorted ascending and holding the current default. */
export const PARAMETERS: readonly Parameter[] = PARAMETER_SPECS.map((p) => {
  const fallback = DEFAULT_SETTING[p.name]
  const values = p.values.includes(fallback) ? [...p.values] : [...p.values, fallback]
  return { ...p, values: values.sort(compareValues) }
})

function compareValues(a: ParameterValue, b: ParameterValue): number {
  if (typeof a === 'string' || typeof b === 'string') return String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0
  return typeof a === 'boolean' || typeof b === 'boolean' ? Number(b) - Number(a) : a - b
}

/** The parameter named `name` (by setting name or option path). */
export function findParameter(name: string): Parameter | undefined {
  return PARAMETERS.find((p) => p.name === name || p.path === name)
}

/** `setting` with one parameter changed. */
export function withValue(setting: Readonly<Setting>, name: ParameterName, value: ParameterValue): Setting {
  return { ...setting, [name]: value } as Setting
}

/**
 * Resets parameters that have no effect at this point to their defaults, so equivalent settings
 * share one cache entry and one reported value ("prefer the default when it makes no
 * difference"):
 * - `halfLifeDays` when `weights.time` is 0, and both time parameters on a dataset without
 *   `publishedAt` (the time signal is active only when both articles are dated);
 * - `entityProminence` when `weights.entities` is 0;
 * - `duplicateThreshold` when `foldDuplicates` is false.
 *
 * The evaluation then runs the simplified setting itself, so a cached score is always the score
 * of the options actually passed to the library.
 */
export function simplify(setting: Readonly<Setting>, datasetHasTime = true): Setting {
  const out: Setting = { ...setting }
  if (!datasetHasTime) out.timeWeight = DEFAULT_SETTING.timeWeight
  if (!datasetHasTime || out.timeWeight === 0) {
    out.halfLifeDays = DEFAULT_SETTING.halfLifeDays
    out.timeDecay = DEFAULT_SETTING.timeDecay
    out.contextGate = DEFAULT_SETTING.contextGate
  }
  if (out.entityWeight === 0) out.entityProminence = DEFAULT_SETTING.entityProminence
  if (!out.foldDuplicates) out.duplicateThreshold = DEFAULT_SETTING.duplicateThreshold
  return out
}

const SETTING_NAMES = Object.keys(DEFAULT_SETTING) as ParameterName[]
const INDEX_NAMES: readonly ParameterName[] = ['titleWeight', 'entityProminence', 'candidateTerms', 'duplicateThreshold']

/** A stable text key of a setting (JSON would turn Infinity into null). */
export function settingKey(setting: Readonly<Setting>): string {
  return SETTING_NAMES.map((name) => `${name}=${String(setting[name])}`).join(';')
}

/** The key of the index a setting needs: settings with the same key share one built index. */
export function indexKey(setting: Readonly<Setting>): string {
  return INDEX_NAMES.map((name) => `${name}=${String(setting[name])}`).join(';')
}

/** The `RelatedIndex` options of a setting. */
export function indexOptions(setting: Readonly<Setting>): RelatedIndexOptions {
  return {
    titleWeight: setting.titleWeight,
    entityProminence: setting.entityProminence,
    candidateTerms: setting.candidateTerms,
    duplicateThreshold: setting.duplicateThreshold,
  }
}

/** The `related` options of a setting: weights and half-life go per query, so no rebuild is needed. */
export function queryOptions(setting: Readonly<Setting>, k: number): RelatedOptions {
  return {
    k,
    weights: { entities: setting.entityWeight, time: setting.timeWeight },
    halfLifeDays: setting.halfLifeDays,
    timeDecay: setting.timeDecay,
    contextGate: setting.contextGate,
    foldDuplicates: setting.foldDuplicates,
  }
}

/** Formats a value for tables ("∞" for Infinity). */
export function formatValue(value: ParameterValue): string {
  return value === Infinity ? '∞' : String(value)
}

/** Whether a parameter has no effect at this point (every grid value simplifies to the same setting). */
export function isInactive(setting: Readonly<Setting>, parameter: Parameter): boolean {
  const keys = new Set(parameter.values.map((v) => settingKey(simplify(withValue(setting, parameter.name, v)))))
  return keys.size === 1
}

/** The parameters whose value differs from the default. */
export function changedFromDefault(setting: Readonly<Setting>): ParameterName[] {
  return SETTING_NAMES.filter((name) => setting[name] !== DEFAULT_SETTING[name])
}
