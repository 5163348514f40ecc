/**
 * Coordinate ascent over the grids of `tune-space.ts`, scored on a subset of each dataset's
 * queries (all of them, or the training queries of one fold).
 *
 * Objective: the chosen metric on each dataset, then the plain mean over datasets, so each
 * labelled dataset weighs the same whatever its number of queries and no dataset can win by
 * sheer size.
 *
 * Rule for ties ({@link TIE_TOLERANCE}): among the grid values whose objective is within 0.002 of
 * the best, take the default value if it is one of them, else the current value, else the one
 * nearest the default on the grid (the lower one on equal distance). A move therefore needs a
 * gain of more than 0.002 over keeping the current value, and a non-default value must beat the
 * default by more than 0.002: differences that small are noise at these query counts.
 */
import type { QueryScores } from './tune-pool.js'
import { DEFAULT_SETTING, simplify, withValue, type Parameter, type ParameterValue, type Setting } from './tune-space.js'

/** The per-dataset metric: nDCG@10, MAP (grade 2), or their mean (the default). */
export type MetricName = 'mean' | 'ndcg10' | 'map'

/** Objective differences up to this are ties (see the module comment). */
export const TIE_TOLERANCE = 0.002
/** A move that lowers one dataset's tuned metric by more than this is flagged in the report. */
export const FLAG_LOSS = 0.005
/**
 * Floors (with `guard`): a value that leaves nDCG@10 or MAP of any dataset more than this below
 * its score at the start is refused. Each metric on its own, as targets are stated ("ModApte
 * nDCG@10 no lower than today"): under the mean, one set's MAP gain from folding fewer copies
 * could pay for its nDCG@10 loss to time. 0.0005 is "equal at three decimals".
 */
export const FLOOR_LOSS = 0.0005

/** Positions (into a dataset's query list) of the queries a score is averaged over, per dataset. */
export type Subset = readonly Int32Array[]

/** Scores of one setting on one dataset. */
export interface DatasetScore {
  ndcg10: number
  map: number
  /** The tuned metric: nDCG@10, MAP, or their mean. */
  metric: number
}

/** Scores of one setting: the objective and its parts. */
export interface Score {
  objective: number
  datasets: DatasetScore[]
}

/** One coordinate step: every grid value of one parameter at the current point. */
export interface Step {
  round: number
  parameter: string
  from: ParameterValue
  to: ParameterValue
  /** Objective and per-dataset metric of each grid value. */
  candidates: Array<{ value: ParameterValue; objective: number; metrics: number[] }>
}

/** A step that changed the value. */
export interface Move {
  round: number
  parameter: string
  from: ParameterValue
  to: ParameterValue
  before: Score
  after: Score
  /** Datasets whose metric this move lowers by more than {@link FLAG_LOSS}. */
  flagged: Array<{ dataset: number; loss: number }>
}

/** Outcome of {@link coordinateAscent}. */
export interface AscentResult {
  setting: Setting
  score: Score
  moves: Move[]
  steps: Step[]
  /** Rounds run (fewer than asked when a round moved nothing). */
  rounds: number
}

/** Options of {@link coordinateAscent}. */
export interface AscentOptions {
  parameters: readonly Parameter[]
  /** The starting point (the defaults). */
  start: Readonly<Setting>
  /** At most this many passes over the parameters. */
  rounds: number
  metric: MetricName
  /** The queries to score on, per dataset. */
  subset: Subset
  /** Per-query scores of a setting on every dataset (cached by the caller). */
  evaluate: (setting: Readonly<Setting>) => Promise<QueryScores[]>
  /**
   * Floors: refuse any value that leaves nDCG@10 or MAP of a dataset more than {@link FLOOR_LOSS}
   * below its score at the start (the shipped defaults), so one set's gain can never pay for
   * another's loss.
   */
  guard: boolean
}

function mean(values: Float64Array, positions: Int32Array): number {
  let sum = 0
  for (const p of positions) sum += values[p] as number
  return positions.length === 0 ? 0 : sum / positions.length
}

/** Scores per-query results on a subset: per-dataset means, then the mean over datasets. */
export function scoreOn(scores: readonly QueryScores[], subset: Subset, metric: MetricName): Score {
  const datasets = scores.map((s, d): DatasetScore => {
    const positions = subset[d] as Int32Array
    const ndcg10 = mean(s.ndcg, positions)
    const map = mean(s.ap, positions)
    return { ndcg10, map, metric: metric === 'ndcg10' ? ndcg10 : metric === 'map' ? map : (ndcg10 + map) / 2 }
  })
  const counted = datasets.filter((_, d) => (subset[d] as Int32Array).length > 0)
  const objective = counted.length === 0 ? 0 : counted.reduce((sum, d) => sum + d.metric, 0) / counted.length
  return { objective, datasets }
}

/** Picks a grid value by the tie rule of the module comment. */
export function chooseValue(
  parameter: Parameter,
  current: ParameterValue,
  candidates: ReadonlyArray<{ value: ParameterValue; objective: number; eligible: boolean }>,
): ParameterValue {
  const eligible = candidates.filter((c) => c.eligible)
  const best = Math.max(...eligible.map((c) => c.objective))
  const tied = eligible.filter((c) => c.objective >= best - TIE_TOLERANCE).map((c) => c.value)
  const fallback = DEFAULT_SETTING[parameter.name]
  if (tied.includes(fallback)) return fallback
  if (tied.includes(current)) return current
  const home = parameter.values.indexOf(fallback)
  const distance = (v: ParameterValue): number => Math.abs(parameter.values.indexOf(v) - home)
  return tied.reduce((a, b) => (distance(b) < distance(a) || (distance(b) === distance(a) && parameter.values.indexOf(b) < parameter.values.indexOf(a)) ? b : a))
}

/** Coordinate ascent from `start`: one parameter at a time, every grid value, up to `rounds` passes. */
export async function coordinateAscent(options: AscentOptions): Promise<AscentResult> {
  const { parameters, rounds, metric, subset, evaluate, guard } = options
  let point = simplify(options.start)
  let score = scoreOn(await evaluate(point), subset, metric)
  const floors = score.datasets.map((d) => ({ ndcg10: d.ndcg10 - FLOOR_LOSS, map: d.map - FLOOR_LOSS }))
  const aboveFloors = (s: Score): boolean =>
    s.datasets.every((d, i) => {
      const floor = floors[i] as { ndcg10: number; map: number }
      return d.ndcg10 >= floor.ndcg10 && d.map >= floor.map
    })
  const moves: Move[] = []
  const steps: Step[] = []
  let round = 0
  while (round < rounds) {
    round++
    let moved = false
    for (const parameter of parameters) {
      const current = point[parameter.name]
      const scored = await Promise.all(
        parameter.values.map(async (value) => ({ value, score: scoreOn(await evaluate(withValue(point, parameter.name, value)), subset, metric) })),
      )
      const candidates = scored.map(({ value, score: s }) => ({
        value,
        objective: s.objective,
        eligible: !guard || value === current || aboveFloors(s),
      }))
      const chosen = chooseValue(parameter, current, candidates)
      steps.push({
        round,
        parameter: parameter.path,
        from: current,
        to: chosen,
        candidates: scored.map(({ value, score: s }) => ({ value, objective: s.objective, metrics: s.datasets.map((d) => d.metric) })),
      })
      if (chosen === current) continue
      const after = (scored.find((c) => c.value === chosen) as { score: Score }).score
      const flagged = after.datasets
        .map((d, i) => ({ dataset: i, loss: (score.datasets[i] as DatasetScore).metric - d.metric }))
        .filter((f) => f.loss > FLAG_LOSS)
      moves.push({ round, parameter: parameter.path, from: current, to: chosen, before: score, after, flagged })
      point = simplify(withValue(point, parameter.name, chosen))
      score = after
      moved = true
    }
    if (!moved) break
  }
  return { setting: point, score, moves, steps, rounds: round }
}
