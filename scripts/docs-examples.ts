/**
 * `npm run docs:examples`: regenerates the example outputs shown in README.md and in TSDoc
 * comments from the bundled Reuters sample, so they follow the shipped defaults. With `--check`
 * it changes nothing, lists every line that differs and exits 1 (tests/docs/readme.test.ts runs
 * the same check).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { runCli } from '../src/cli/run.js'
import type { Article } from '../src/index.js'
import { RelatedIndex } from '../src/index.js'

const root = resolve(fileURLToPath(import.meta.url), '..', '..')
export const SAMPLE = 'examples/data/reuters-sample.jsonl'
/** The README's command-line example: its query id and how many table rows it shows. */
const CLI_QUERY = 'r10100'
const CLI_ROWS = 3

/** One generated region of a file: the lines after `anchor` that match `line`. */
export interface ExampleRegion {
  file: string
  /** A line that occurs once in the file; the region starts right after it. */
  anchor: string
  /** Lines belonging to the region (the run of matching lines after the anchor). */
  line: RegExp
  /** What the region should say. */
  expected: string[]
}

/** A line of an example that differs from what the code prints now. */
export interface Drift {
  file: string
  /** 1-based line number in the file (of the region's first line when lengths differ). */
  lineNumber: number
  shown: string | undefined
  expected: string | undefined
}

function sample(): Article[] {
  return readFileSync(resolve(root, SAMPLE), 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as Article)
}

/** Runs the command line in this process; returns its standard output. */
async function cli(argv: string[]): Promise<string> {
  let out = ''
  let err = ''
  const code = await runCli(argv, {
    stdout: { write: (chunk: string) => ((out += chunk), true), once: () => undefined } as never,
    stderr: { write: (chunk: string) => ((err += chunk), true), isTTY: false } as never,
  })
  if (code !== 0) throw new Error(`related-articles ${argv.join(' ')} exited ${code}: ${err.trim()}`)
  return out
}

/** Every generated region, computed from the current code. */
export async function exampleRegions(): Promise<ExampleRegion[]> {
  const dir = mkdtempSync(join(tmpdir(), 'related-articles-docs-'))
  let table: string
  try {
    const snapshot = join(dir, 'archive.snapshot')
    await cli(['index', resolve(root, SAMPLE), '-o', snapshot, '--quiet'])
    table = await cli(['related', CLI_QUERY, '--index', snapshot])
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
  const tableLines = table.split('\n').filter((_, i, all) => i < all.length - 1)
  const head = tableLines.slice(0, tableLines.findIndex((l) => l.startsWith('---')) + 1 + CLI_ROWS)

  const index = new RelatedIndex()
  const articles = sample()
  index.addAll(articles)
  const [first] = index.related(CLI_QUERY, { k: 3 })
  if (first === undefined) throw new Error(`${CLI_QUERY} has no related stories`)
  const title = articles.find((a) => a.id === first.id)?.title ?? ''
  return [
    {
      file: 'README.md',
      anchor: `npx related-articles related ${CLI_QUERY} --index archive.snapshot`,
      line: /^#( |$)/,
      expected: head.map((l) => (l === '' ? '#' : `#   ${l}`).trimEnd()),
    },
    {
      file: 'src/ranking/related-index.ts',
      anchor: "   *   console.log(r.id, r.score.toFixed(3), r.reasons.sharedEntities.join(', '))",
      line: /^ {3}\* \/\/ r\d+ /,
      expected: [`   * }`, `   * // ${first.id} ${first.score.toFixed(3)} ${first.reasons.sharedEntities.join(', ')}`],
    },
    {
      file: 'src/ranking/result.ts',
      anchor: ' *   console.log(r.id, r.score.toFixed(3), index.get(r.id)?.title)',
      line: /^ \* \/\/ r\d+ /,
      expected: [' * }', ` * // ${first.id} ${first.score.toFixed(3)} ${title}`],
    },
  ]
}

/** The region's current lines in `text`: [first index, lines]. The `expected` lines that are not `line` matches (a closing brace) are skipped over. */
function locate(text: string[], region: ExampleRegion): [number, number] {
  const at = text.indexOf(region.anchor)
  if (at < 0 || text.indexOf(region.anchor, at + 1) >= 0) throw new Error(`${region.file}: the line "${region.anchor}" must occur exactly once`)
  let start = at + 1
  // Lines the region shares with the file's fixed text (such as a closing brace) come first.
  while (start < text.length && !region.line.test(text[start] as string) && region.expected.includes(text[start] as string)) start++
  let end = start
  while (end < text.length && region.line.test(text[end] as string)) end++
  return [start, end]
}

function fixedPrefix(region: ExampleRegion): number {
  return region.expected.findIndex((l) => region.line.test(l))
}

/** Lines of the examples that differ from what the code prints now. */
export async function findDrift(regions?: ExampleRegion[]): Promise<Drift[]> {
  const drift: Drift[] = []
  for (const region of regions ?? (await exampleRegions())) {
    const text = readFileSync(resolve(root, region.file), 'utf8').split('\n')
    const [start, end] = locate(text, region)
    const shown = text.slice(start, end)
    const expected = region.expected.slice(fixedPrefix(region))
    for (let i = 0; i < Math.max(shown.length, expected.length); i++) {
      if (shown[i] !== expected[i]) drift.push({ file: region.file, lineNumber: start + i + 1, shown: shown[i], expected: expected[i] })
    }
  }
  return drift
}

/** Rewrites every region to what the code prints now; returns the files changed. */
export async function writeExamples(): Promise<string[]> {
  const changed: string[] = []
  for (const region of await exampleRegions()) {
    const path = resolve(root, region.file)
    const text = readFileSync(path, 'utf8').split('\n')
    const [start, end] = locate(text, region)
    const next = [...text.slice(0, start), ...region.expected.slice(fixedPrefix(region)), ...text.slice(end)]
    if (next.join('\n') !== text.join('\n')) {
      writeFileSync(path, next.join('\n'))
      changed.push(region.file)
    }
  }
  return changed
}

export function describeDrift(drift: readonly Drift[]): string {
  return drift.map((d) => `${d.file}:${d.lineNumber}\n  shown:    ${d.shown ?? '(nothing)'}\n  expected: ${d.expected ?? '(nothing)'}`).join('\n')
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  if (process.argv.includes('--check')) {
    const drift = await findDrift()
    if (drift.length > 0) {
      console.error(`${drift.length} example line(s) differ from the code's output (run npm run docs:examples to update):\n${describeDrift(drift)}`)
      process.exitCode = 1
    } else console.log('Every generated example matches the code.')
  } else {
    const changed = await writeExamples()
    console.log(changed.length === 0 ? 'Every generated example already matches the code.' : `Updated: ${changed.join(', ')}`)
  }
}
