/**
 * Tunes the ranking defaults on the labelled datasets, with grouped cross-validation.
 *
 *   npx tsx benchmarks/tune.ts [--datasets a,b] [--folds 5] [--seed 1] [--metric mean|ndcg10|map]
 *                              [--rounds 3] [--params name,name] [--no-guard] [--out file] [--write]
 *
 * Method
 * - Search: coordinate ascent over a small grid per parameter (grids and their reasons in
 *   `lib/tune-space.ts`), starting from the library defaults, at most `--rounds` passes, stopping
 *   early when a pass moves nothing.
 * - Objective (`lib/tune-search.ts`): per dataset, the mean over queries of `--metric` (default:
 *   the mean of nDCG@10 and MAP at grade 2, ranking depth 100 as in quality.ts), then the plain
 *   mean over datasets, so every labelled set weighs the same and none can win by its size.
 *   Floors: a value that leaves any dataset's nDCG@10 or MAP more than 0.0005 below its score
 *   under the shipped defaults is refused, so one set's gain cannot hide another's loss
 *   (`--no-guard` turns floors off; losses over 0.005 are flagged either way).
 * - Ties: grid values within 0.002 of the best objective count as equal; the default wins a tie,
 *   then the current value, then the value nearest the default.
 * - Cross-validation: each dataset's queries are split into `--folds` folds by group (AllSides
 *   story, Reuters topic set, GVA incident: no group on both sides, `splitFolds`); fold i of the tuning is fold i
 *   of every dataset. For each fold the ascent runs on the training queries and the chosen setting
 *   is scored on the held-out ones; the cross-validated score pools every query's held-out score.
 *   It is printed beside the in-sample score of the setting tuned on all queries (the one written
 *   with `--write`).
 *
 * Cost: one worker thread per dataset; each evaluated setting is run once over all of a dataset's
 * queries and cached, so the folds and the all-queries ascent share evaluations. Weights,
 * half-life and duplicate folding are passed per query; only `titleWeight`, `entityProminence`,
 * `candidateTerms` and `duplicateThreshold` need a new index.
 *
 * `--params` tunes only the listed parameters (setting names or option paths, e.g.
 * `--params weights.entities,titleWeight`); the others stay at their defaults.
 *
 * Output: tables on stdout, progress on stderr, `benchmarks/results/tuning.json` (or `--out`),
 * and with `--write` the generated module `src/ranking/tuned.ts` (`TUNED_DEFAULTS`).
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { cpus, platform } from 'node:os'
import { dirname, relative, resolve } from 'node:path'
import { performance } from 'node:perf_hooks'
import { splitFolds } from '../src/evaluation/index.js'
import { LABELLED_DATASETS } from './lib/datasets.js'
import { projectRoot } from './lib/paths.js'
import { EvaluationPool, type DatasetInfo, type EvaluationRecord, type QueryScores } from './lib/tune-pool.js'
import { metricLabel, movesTable, parameterTable, renderTunedModule, scoreTable } from './lib/tune-report.js'
import {
  FLAG_LOSS,
  FLOOR_LOSS,
  TIE_TOLERANCE,
  coordinateAscent,
  scoreOn,
  type AscentResult,
  type MetricName,
  type Score,
  type Subset,
} from './lib/tune-search.js'
import { DEFAULT_SETTING, PARAMETERS, changedFromDefault, findParameter, formatValue, type Parameter, type Setting } from './lib/tune-space.js'

/** Ranking depth per query: MAP is computed over these documents (as in quality.ts). */
const DEPTH = 100
const DEFAULT_DATASETS = [...LABELLED_DATASETS]
const RESULTS_FILE = resolve(projectRoot, 'benchmarks', 'results', 'tuning.json')
const TUNED_MODULE = resolve(projectRoot, 'src', 'ranking', 'tuned.ts')

interface Args {
  datasets: string[]
  folds: number
  seed: number
  metric: MetricName
  rounds: number
  parameters: Parameter[]
  guard: boolean
  write: boolean
  out: string
}

function usage(problem?: string): never {
  if (problem !== undefined) console.error(`tune: ${problem}`)
  console.error(
    'usage: npx tsx benchmarks/tune.ts [--datasets a,b] [--folds 5] [--seed 1] [--metric mean|ndcg10|map] [--rounds 3]\n' +
      '                                  [--params name,name] [--no-guard] [--out file] [--write]',
  )
  process.exit(problem === undefined ? 0 : 2)
}

function parseArgs(argv: readonly string[]): Args {
  const args: Args = { datasets: DEFAULT_DATASETS, folds: 5, seed: 1, metric: 'mean', rounds: 3, parameters: [...PARAMETERS], guard: true, write: false, out: RESULTS_FILE }
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string
    const [flag, inline] = arg.includes('=') ? (arg.split(/=(.*)/s, 2) as [string, string]) : [arg, undefined]
    const text = (): string => {
      const value = inline ?? argv[++i]
      if (value === undefined || value === '') usage(`${flag} needs a value`)
      return value
    }
    const list = (): string[] => text().split(',').map((s) => s.trim()).filter((s) => s !== '')
    const integer = (min: number): number => {
      const value = Number(text())
      if (!Number.isSafeInteger(value) || value < min) usage(`${flag} must be an integer ≥ ${min}`)
      return value
    }
    if (flag === '--datasets') args.datasets = list()
    else if (flag === '--out') args.out = resolve(text())
    else if (flag === '--folds') args.folds = integer(2)
    else if (flag === '--seed') args.seed = integer(0)
    else if (flag === '--rounds') args.rounds = integer(1)
    else if (flag === '--metric') {
      const metric = text()
      if (metric !== 'mean' && metric !== 'ndcg10' && metric !== 'map') usage(`--metric must be mean, ndcg10 or map, got ${metric}`)
      args.metric = metric
    } else if (flag === '--params') {
      const chosen = new Set(list().map((name) => findParameter(name) ?? usage(`unknown parameter ${name}; one of ${PARAMETERS.map((p) => p.path).join(', ')}`)))
      // Keep the documented visiting order whatever order they were listed in.
      args.parameters = PARAMETERS.filter((p) => chosen.has(p))
    } else if (flag === '--no-guard' && inline === undefined) args.guard = false
    else if (flag === '--write' && inline === undefined) args.write = true
    else if (flag === '--help' || flag === '-h') usage()
    else usage(`unknown argument ${arg}`)
  }
  return args
}

/** Positions 0 … n − 1. */
function allPositions(n: number): Int32Array {
  return Int32Array.from({ length: n }, (_, i) => i)
}

/** Per dataset, fold f's training and test positions. */
function foldSubsets(datasets: readonly DatasetInfo[], k: number, seed: number): Array<{ train: Subset; test: Subset }> {
  const perDataset = datasets.map((info) => {
    const position = new Map(info.queries.map((q, i) => [q, i]))
    const groupOf = new Map(info.queries.map((q, i) => [q, info.groups[i] as string]))
    const toPositions = (ids: readonly string[]): Int32Array => Int32Array.from(ids, (id) => position.get(id) as number)
    return splitFolds(info.queries, k, (q) => groupOf.get(q) as string, seed).map((fold) => ({ train: toPositions(fold.train), test: toPositions(fold.test) }))
  })
  return Array.from({ length: k }, (_, f) => ({
    train: perDataset.map((folds) => (folds[f] as { train: Int32Array }).train),
    test: perDataset.map((folds) => (folds[f] as { test: Int32Array }).test),
  }))
}

/** JSON that keeps Infinity readable ("Infinity") instead of turning it into null. */
function toJson(value: unknown): string {
  return `${JSON.stringify(value, (_key, v: unknown) => (v === Infinity ? 'Infinity' : v), 2)}\n`
}

function describeSetting(setting: Readonly<Setting>): string {
  const changed = changedFromDefault(setting)
  return changed.length === 0 ? 'defaults' : changed.map((name) => `${name}=${formatValue(setting[name])}`).join(', ')
}

function progress(record: EvaluationRecord, count: number): void {
  const build = record.buildSeconds > 0 ? `build ${record.buildSeconds.toFixed(1)} s + ` : ''
  console.error(
    `  [${String(count).padStart(3)}] ${record.dataset.padEnd(22)} ${build}queries ${record.querySeconds.toFixed(1)} s  ${describeSetting(record.setting)}`,
  )
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2))
  const started = performance.now()
  const date = new Date().toISOString()
  const cpu = cpus()
  const environment = { node: process.version, cpu: cpu[0]?.model ?? 'unknown', cores: cpu.length, platform: platform() }

  const pool = await EvaluationPool.start(args.datasets, DEPTH, (message) => console.error(`tune: ${message}`), progress)
  try {
    const datasets = pool.datasets
    if (datasets.length === 0) {
      console.error('tune: no labelled dataset to tune on')
      process.exitCode = 2
      return
    }
    const evaluate = (setting: Readonly<Setting>): Promise<QueryScores[]> => Promise.all(datasets.map((_, d) => pool.scores(d, setting)))
    const all: Subset = datasets.map((info) => allPositions(info.queries.length))
    const folds = foldSubsets(datasets, args.folds, args.seed)

    console.log(`Tuning related-articles: Node ${environment.node}, ${environment.cores} × ${environment.cpu}`)
    console.log(
      `Objective: ${metricLabel(args.metric)} at depth ${DEPTH}, mean over datasets; coordinate ascent, at most ${args.rounds} rounds; ` +
        `ties within ${TIE_TOLERANCE} keep the default; ${args.guard ? `moves leaving a dataset's nDCG@10 or MAP more than ${FLOOR_LOSS} below the defaults refused` : 'floors off'}; losses > ${FLAG_LOSS} flagged.`,
    )
    console.log(`Cross-validation: ${args.folds} folds grouped by story / topic set, seed ${args.seed}.`)
    for (const info of datasets) {
      const groups = new Set(info.groups).size
      console.log(
        `  ${info.name}: ${info.articles.toLocaleString('en-US')} articles, ${info.queries.length.toLocaleString('en-US')} queries in ${groups} groups, ` +
          `${info.hasTime ? 'dated' : 'undated (time parameters have no effect)'}`,
      )
    }
    console.log(`Progress (stderr): one line per evaluated setting and dataset.\n`)

    const ascent = (subset: Subset): Promise<AscentResult> =>
      coordinateAscent({ parameters: args.parameters, start: DEFAULT_SETTING, rounds: args.rounds, metric: args.metric, subset, evaluate, guard: args.guard })
    // All ascents at once: they ask for many of the same settings, which the pool evaluates once.
    const [overall, ...perFold] = await Promise.all([ascent(all), ...folds.map((fold) => ascent(fold.train))])
    const tuned = overall as AscentResult
    const foldResults = perFold

    const defaults = scoreOn(await evaluate(DEFAULT_SETTING), all, args.metric)
    const inSample = tuned.score
    // Cross-validated: every query scored by the setting tuned without its fold.
    const pooled: QueryScores[] = datasets.map((info) => ({ ndcg: new Float64Array(info.queries.length), ap: new Float64Array(info.queries.length) }))
    const foldReports = []
    for (const [f, fold] of folds.entries()) {
      const result = foldResults[f] as AscentResult
      const scores = await evaluate(result.setting)
      scores.forEach((s, d) => {
        const target = pooled[d] as QueryScores
        for (const p of fold.test[d] as Int32Array) {
          target.ndcg[p] = s.ndcg[p] as number
          target.ap[p] = s.ap[p] as number
        }
      })
      foldReports.push({
        fold: f + 1,
        trainQueries: fold.train.map((t) => t.length),
        testQueries: fold.test.map((t) => t.length),
        setting: result.setting,
        changed: describeSetting(result.setting),
        rounds: result.rounds,
        train: result.score,
        test: scoreOn(scores, fold.test, args.metric),
        moves: result.moves,
      })
    }
    const crossValidated = scoreOn(pooled, all, args.metric)

    console.log('\nChosen values (* = not the default; (off) = no effect at that setting, so the default is kept):')
    console.log(parameterTable(args.parameters, tuned.setting, foldResults.map((r) => r.setting)))
    console.log('\nScores on all queries (cross-validated: each query scored by the setting tuned without its fold):')
    console.log(scoreTable(datasets, args.metric, defaults, inSample, crossValidated))
    console.log('\nPer fold (train = tuned on, test = held out):')
    for (const r of foldReports) {
      const parts = datasets.map((info, d) => `${info.name} ${(r.test.datasets[d] as Score['datasets'][number]).metric.toFixed(3)} (${r.testQueries[d]} q)`)
      console.log(`  fold ${r.fold}: train ${r.train.objective.toFixed(3)}, test ${r.test.objective.toFixed(3)} = ${parts.join(', ')}; ${r.changed}`)
    }
    console.log('\nMoves of the all-queries ascent, with each dataset’s change:')
    console.log(movesTable(datasets, tuned))
    const flags = [
      ...tuned.moves.flatMap((m) => m.flagged.map((x) => ({ ascent: 'all queries', move: m, ...x }))),
      ...foldReports.flatMap((r) => r.moves.flatMap((m) => m.flagged.map((x) => ({ ascent: `fold ${r.fold}`, move: m, ...x })))),
    ]
    if (flags.length > 0) {
      console.log(`\nFlagged moves (one dataset lost more than ${FLAG_LOSS}):`)
      for (const x of flags) {
        console.log(`  ${x.ascent}: ${x.move.parameter} ${formatValue(x.move.from)} → ${formatValue(x.move.to)} lowers ${(datasets[x.dataset] as DatasetInfo).name} by ${x.loss.toFixed(3)}`)
      }
    } else console.log(`\nNo move lowered either dataset by more than ${FLAG_LOSS}.`)

    const seconds = (performance.now() - started) / 1000
    const totals = datasets.map((info) => {
      const mine = pool.records.filter((r) => r.dataset === info.name)
      return {
        dataset: info.name,
        evaluations: mine.length,
        builds: mine.filter((r) => r.buildSeconds > 0).length,
        buildSeconds: mine.reduce((s, r) => s + r.buildSeconds, 0),
        querySeconds: mine.reduce((s, r) => s + r.querySeconds, 0),
      }
    })
    console.log(`\n${pool.records.length} evaluations in ${seconds.toFixed(0)} s (${totals.map((t) => `${t.dataset}: ${t.evaluations}, ${t.builds} builds`).join('; ')}).`)

    const results = {
      description:
        'Ranking defaults tuned by coordinate ascent with grouped k-fold cross-validation (benchmarks/tune.ts). Scores: graded nDCG@10 and MAP at grade >= 2, ' +
        `depth ${DEPTH}, as trec_eval; objective = ${metricLabel(args.metric)}, mean over datasets. "crossValidated" pools each query's score under the setting tuned without its fold.`,
      environment,
      date,
      seed: args.seed,
      folds: args.folds,
      metric: args.metric,
      maxRounds: args.rounds,
      depth: DEPTH,
      tieTolerance: TIE_TOLERANCE,
      flagLoss: FLAG_LOSS,
      floorLoss: FLOOR_LOSS,
      guard: args.guard,
      data: datasets.map((info) => ({
        name: info.name,
        articles: info.articles,
        queries: info.queries.length,
        groups: new Set(info.groups).size,
        dated: info.hasTime,
      })),
      grids: args.parameters.map((p) => ({ parameter: p.path, level: p.level, values: p.values, default: DEFAULT_SETTING[p.name], why: p.why })),
      defaults: { setting: DEFAULT_SETTING, score: defaults },
      tuned: { setting: tuned.setting, changed: describeSetting(tuned.setting), rounds: tuned.rounds, inSample, moves: tuned.moves, steps: tuned.steps },
      crossValidated,
      perFold: foldReports,
      flags: flags.map((x) => ({ ascent: x.ascent, parameter: x.move.parameter, from: x.move.from, to: x.move.to, dataset: (datasets[x.dataset] as DatasetInfo).name, loss: x.loss })),
      runtime: { seconds, evaluations: pool.records.length, perDataset: totals },
    }
    mkdirSync(dirname(args.out), { recursive: true })
    writeFileSync(args.out, toJson(results))
    console.log(`Wrote ${relative(process.cwd(), args.out) || args.out}`)

    if (args.write) {
      const source = renderTunedModule(args.parameters, tuned.setting, {
        date,
        seed: args.seed,
        folds: args.folds,
        rounds: args.rounds,
        metric: args.metric,
        depth: DEPTH,
        datasets: datasets.map((info, d) => ({
          name: info.name,
          queries: info.queries.length,
          defaults: defaults.datasets[d] as Score['datasets'][number],
          crossValidated: crossValidated.datasets[d] as Score['datasets'][number],
        })),
        defaults: defaults.objective,
        inSample: inSample.objective,
        crossValidated: crossValidated.objective,
      })
      writeFileSync(TUNED_MODULE, source)
      console.log('Wrote src/ranking/tuned.ts (TUNED_DEFAULTS)')
    }
  } finally {
    await pool.close()
  }
}

await main()
