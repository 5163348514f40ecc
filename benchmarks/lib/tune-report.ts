/** Tables and the generated defaults module of `benchmarks/tune.ts`. */
import type { DatasetInfo } from './tune-pool.js'
import type { AscentResult, MetricName, Score } from './tune-search.js'
import { DEFAULT_SETTING, formatValue, isInactive, type Parameter, type Setting } from './tune-space.js'

/** A Markdown table: first column left-aligned, the others right-aligned. */
export function formatTable(header: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((row) => (row[c] ?? '').length)))
  const line = (cells: readonly string[]): string =>
    `| ${widths.map((w, c) => (c === 0 ? (cells[c] ?? '').padEnd(w) : (cells[c] ?? '').padStart(w))).join(' | ')} |`
  const rule = `|${widths.map((w, c) => (c === 0 ? `:${'-'.repeat(w + 1)}` : `${'-'.repeat(w + 1)}:`)).join('|')}|`
  return [line(header), rule, ...rows.map(line)].join('\n')
}

const f3 = (x: number): string => x.toFixed(3)
const signed = (x: number): string => `${x >= 0 ? '+' : '−'}${Math.abs(x).toFixed(3)}`

/** Human name of a metric. */
export function metricLabel(metric: MetricName): string {
  return metric === 'ndcg10' ? 'nDCG@10' : metric === 'map' ? 'MAP (grade 2)' : 'mean of nDCG@10 and MAP (grade 2)'
}

/** Parameter | grid | default | all queries | fold 1 … fold k; `*` = changed, `(off)` = no effect there. */
export function parameterTable(parameters: readonly Parameter[], overall: Setting, folds: readonly Setting[]): string {
  const header = ['parameter', 'grid', 'default', 'all queries', ...folds.map((_, i) => `fold ${i + 1}`)]
  const rows = parameters.map((p) => {
    const mark = (s: Setting): string => {
      const v = s[p.name]
      return `${formatValue(v)}${v === DEFAULT_SETTING[p.name] ? '' : ' *'}${isInactive(s, p) ? ' (off)' : ''}`
    }
    return [p.path, p.values.map(formatValue).join(', '), formatValue(DEFAULT_SETTING[p.name]), mark(overall), ...folds.map(mark)]
  })
  return formatTable(header, rows)
}

/** Dataset × metric rows: defaults, tuned in-sample, cross-validated. */
export function scoreTable(datasets: readonly DatasetInfo[], metric: MetricName, defaults: Score, inSample: Score, cv: Score): string {
  const header = ['dataset', 'metric', 'defaults', 'tuned in-sample', 'cross-validated', 'CV − defaults']
  const rows: string[][] = []
  datasets.forEach((info, d) => {
    const [a, b, c] = [defaults, inSample, cv].map((s) => s.datasets[d] as Score['datasets'][number]) as [
      Score['datasets'][number],
      Score['datasets'][number],
      Score['datasets'][number],
    ]
    rows.push([info.name, 'nDCG@10', f3(a.ndcg10), f3(b.ndcg10), f3(c.ndcg10), signed(c.ndcg10 - a.ndcg10)])
    rows.push([info.name, 'MAP', f3(a.map), f3(b.map), f3(c.map), signed(c.map - a.map)])
    if (metric === 'mean') rows.push([info.name, 'mean', f3(a.metric), f3(b.metric), f3(c.metric), signed(c.metric - a.metric)])
  })
  rows.push(['objective', metric, f3(defaults.objective), f3(inSample.objective), f3(cv.objective), signed(cv.objective - defaults.objective)])
  return formatTable(header, rows)
}

/** The moves of one ascent with what each did to each dataset. */
export function movesTable(datasets: readonly DatasetInfo[], result: AscentResult): string {
  const header = ['round', 'move', 'objective', ...datasets.flatMap((d) => [`${d.name} nDCG@10`, `${d.name} MAP`]), 'flag']
  const rows = result.moves.map((m) => [
    String(m.round),
    `${m.parameter} ${formatValue(m.from)} → ${formatValue(m.to)}`,
    `${f3(m.after.objective)} (${signed(m.after.objective - m.before.objective)})`,
    ...datasets.flatMap((_, d) => {
      const [b, a] = [m.before.datasets[d], m.after.datasets[d]] as [Score['datasets'][number], Score['datasets'][number]]
      return [signed(a.ndcg10 - b.ndcg10), signed(a.map - b.map)]
    }),
    m.flagged.map((f) => `lowers ${(datasets[f.dataset] as DatasetInfo).name} by ${f3(f.loss)}`).join('; '),
  ])
  return rows.length === 0 ? '(no move: the defaults were kept)' : formatTable(header, rows)
}

/** Wraps text into ` * ` comment lines of at most 100 characters. */
function wrapComment(text: string, width = 100): string[] {
  const lines: string[] = []
  let line = ' *'
  for (const word of text.split(/\s+/)) {
    if (line.length + 1 + word.length > width && line !== ' *') {
      lines.push(line)
      line = ' *'
    }
    line += ` ${word}`
  }
  lines.push(line)
  return lines
}

/** What the generated defaults module needs to say where its values came from. */
export interface TunedProvenance {
  date: string
  seed: number
  folds: number
  rounds: number
  metric: MetricName
  depth: number
  datasets: ReadonlyArray<{ name: string; queries: number; defaults: Score['datasets'][number]; crossValidated: Score['datasets'][number] }>
  defaults: number
  inSample: number
  crossValidated: number
}

const RANKING_NAMES: Record<keyof Setting, string> = {
  titleWeight: 'titleWeight',
  entityWeight: 'entityWeight',
  timeWeight: 'timeWeight',
  halfLifeDays: 'halfLifeDays',
  entityProminence: 'entityProminence',
  candidateTerms: 'candidateTerms',
  duplicateThreshold: 'duplicateThreshold',
  foldDuplicates: 'foldDuplicates',
  timeDecay: 'timeDecay',
  contextGate: 'contextGate',
}

/** Source of `src/ranking/tuned.ts`: the tuned values, named as in `RANKING_DEFAULTS`. */
export function renderTunedModule(parameters: readonly Parameter[], setting: Setting, p: TunedProvenance): string {
  const day = p.date.slice(0, 10)
  const lines = [
    '/**',
    ' * Ranking defaults chosen by `npm run tune` (benchmarks/tune.ts). Generated: rerun the tuner',
    ' * rather than editing by hand; every grid, fold choice and score is in',
    ' * `benchmarks/results/tuning.json`.',
    ' *',
    ...wrapComment(
      `Run ${day}, seed ${p.seed}, ${p.folds}-fold cross-validation grouped by story / topic set / incident; coordinate ascent ` +
        `(at most ${p.rounds} rounds; objective ties within 0.002 keep the default). Objective: ${metricLabel(p.metric)} ` +
        `at ranking depth ${p.depth}, averaged over the datasets with equal weight. Data (defaults → cross-validated):`,
    ),
    ...p.datasets.map(
      (d) =>
        ` * - ${d.name}, ${d.queries.toLocaleString('en-US')} queries: nDCG@10 ${d.defaults.ndcg10.toFixed(3)} → ${d.crossValidated.ndcg10.toFixed(3)}, ` +
        `MAP ${d.defaults.map.toFixed(3)} → ${d.crossValidated.map.toFixed(3)}`,
    ),
    ` * Objective: defaults ${p.defaults.toFixed(3)}, tuned in-sample ${p.inSample.toFixed(3)}, cross-validated ${p.crossValidated.toFixed(3)}.`,
    ' *',
    ' * Names follow `RANKING_DEFAULTS` (src/ranking/defaults.ts).',
    ' */',
    'export const TUNED_DEFAULTS = {',
  ]
  for (const parameter of parameters) {
    const value = setting[parameter.name]
    const was = DEFAULT_SETTING[parameter.name]
    const inactive = isInactive(setting, parameter) ? ', no effect at this setting' : ''
    const note = `${value === was ? 'unchanged' : `was ${formatValue(was).replaceAll('∞', 'Infinity')}`}${inactive}`
    lines.push(`  /** \`${parameter.path}\`; grid ${parameter.values.map(formatValue).join(', ').replaceAll('∞', 'Infinity')}; ${note}. */`)
    lines.push(`  ${RANKING_NAMES[parameter.name]}: ${typeof value === 'string' ? `'${value}'` : String(value)},`)
  }
  lines.push('} as const', '')
  return lines.join('\n')
}
