import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Article } from '../../src/article.js'
import { evaluateRun, parseQrels, parseRun } from '../../src/evaluation/index.js'
import type { RelatedIndexOptions, RelatedOptions } from '../../src/ranking/options.js'
import { RelatedIndex } from '../../src/ranking/related-index.js'
import type { RelatedResult } from '../../src/ranking/result.js'
import { cli, cliPath, ensureBuilt, projectRoot, sampleSlice, tempDir, write } from './helpers.js'

const SLICE = 40
let dir: string
let articlesPath: string
let articles: Article[]

function libraryIndex(options?: RelatedIndexOptions): RelatedIndex {
  const index = new RelatedIndex(options)
  index.addAll(articles)
  return index
}

/** A failed run: exit code 2, nothing on standard output, one line on standard error, no stack. */
function expectUsageError(run: ReturnType<typeof cli>, pattern: RegExp): void {
  expect(run.code).toBe(2)
  expect(run.stdout).toBe('')
  expect(run.stderr.trimEnd().split('\n')).toHaveLength(1)
  expect(run.stderr).toMatch(/^related-articles: /)
  expect(run.stderr).not.toMatch(/\n\s+at /)
  expect(run.stderr).toMatch(pattern)
}

beforeAll(() => {
  ensureBuilt()
  dir = tempDir()
  const slice = sampleSlice(SLICE)
  articles = slice.articles
  articlesPath = write(dir, 'articles.jsonl', slice.text)
})

afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('help and version', () => {
  it.each(['batch', 'index', 'related', 'eval'])('%s --help prints its usage and exits 0', (command) => {
    const run = cli([command, '--help'])
    expect(run.code).toBe(0)
    expect(run.stdout).toContain(`Usage: related-articles ${command}`)
    expect(cli([command, '-h']).stdout).toBe(run.stdout)
  })

  it('--help lists the commands; no arguments prints it and exits 2', () => {
    expect(cli(['--help']).stdout).toMatch(/batch[\s\S]*index[\s\S]*related[\s\S]*eval/)
    expect(cli([]).code).toBe(2)
    expect(cli(['--version']).stdout).toMatch(/^\d+\.\d+\.\d+/)
  })
})

describe('batch', () => {
  it('writes one JSON line per article, in file order, equal to the library results', () => {
    const run = cli(['batch', articlesPath, '--k', '4'])
    expect(run.code).toBe(0)
    expect(run.stderr).toBe('') // no progress bar when standard error is not a terminal
    const lines = run.stdout.trimEnd().split('\n').map((l) => JSON.parse(l) as { id: string; related: RelatedResult[] })
    expect(lines.map((l) => l.id)).toEqual(articles.map((a) => a.id))
    const index = libraryIndex()
    for (const line of lines) expect(line.related).toEqual(index.related(line.id, { k: 4 }))
  })

  it('writes TREC run lines that parseRun reads back as the same rankings', () => {
    const run = cli(['batch', articlesPath, '--k', '5', '--format', 'trec', '--run-tag', 'cli-test'])
    expect(run.code).toBe(0)
    const lines = run.stdout.trimEnd().split('\n')
    for (const line of lines) expect(line).toMatch(/^\S+ Q0 \S+ \d+ [\d.e-]+ cli-test$/)
    const parsed = parseRun(run.stdout)
    const index = libraryIndex()
    for (const a of articles) {
      const expected = index.related(a.id, { k: 5 })
      const got = parsed.get(a.id) ?? []
      // trec_eval orders by score, which is our order whenever scores differ.
      expect(got.map((d) => d.id)).toEqual(expected.map((r) => r.id))
      got.forEach((d, i) => expect(d.score).toBe(expected[i]!.score))
      const ranks = lines.filter((l) => l.startsWith(`${a.id} `)).map((l) => Number(l.split(' ')[3]))
      expect(ranks).toEqual(expected.map((_, i) => i + 1))
    }
  })

  it('reads standard input for -', () => {
    const run = cli(['batch', '-', '--k', '2'], { input: readFileSync(articlesPath, 'utf8') })
    expect(run.code).toBe(0)
    expect(run.stdout.trimEnd().split('\n')).toHaveLength(SLICE)
  })

  it('computes only the --queries ids, in their order', () => {
    const ids = [articles[7]!.id, articles[2]!.id]
    const queries = write(dir, 'ids.txt', `${ids.join('\r\n')}\r\n\r\n`)
    const run = cli(['batch', articlesPath, '--queries', queries, '--format', 'trec'])
    expect(run.code).toBe(0)
    expect([...parseRun(run.stdout).keys()]).toEqual(ids)
  })

  it('applies a --config of index and query options, and --k overrides its k', () => {
    const config: RelatedIndexOptions & RelatedOptions = { weights: { time: 0 }, titleWeight: 3, minScore: 0.1, k: 2, diversity: 0.2 }
    const path = write(dir, 'options.json', JSON.stringify(config))
    const run = cli(['batch', articlesPath, '--config', path, '--k', '3'])
    expect(run.code).toBe(0)
    const index = libraryIndex({ weights: { time: 0 }, titleWeight: 3 })
    for (const line of run.stdout.trimEnd().split('\n')) {
      const { id, related } = JSON.parse(line) as { id: string; related: RelatedResult[] }
      expect(related).toEqual(index.related(id, { minScore: 0.1, k: 3, diversity: 0.2 }))
    }
  })

  it('--skip-invalid indexes the valid lines and reports how many were skipped', () => {
    const lines = readFileSync(articlesPath, 'utf8').trimEnd().split('\n')
    lines.splice(3, 0, '{"id": "broken", "title": 7, "body": "x"}', 'not json at all')
    const path = write(dir, 'some-bad.jsonl', `${lines.join('\n')}\n`)
    const run = cli(['batch', path, '--skip-invalid', '--k', '1'])
    expect(run.code).toBe(0)
    expect(run.stdout.trimEnd().split('\n')).toHaveLength(SLICE)
    expect(run.stderr).toMatch(/skipped 2 invalid lines/)
    expect(run.stderr).toMatch(/line 4: title/)
    expect(run.stderr).toMatch(/line 5: not valid JSON/)
  })

  it('ignores undocumented fields such as labels', () => {
    const labelled = articles.map((a, i) => JSON.stringify({ ...a, topics: i % 2 ? ['grain'] : ['crude'], label: i }))
    const path = write(dir, 'labelled.jsonl', `${labelled.join('\n')}\n`)
    expect(cli(['batch', path, '--k', '3']).stdout).toBe(cli(['batch', articlesPath, '--k', '3']).stdout)
  })
})

describe('batch and index refuse bad input with one line and exit code 2', () => {
  const lines = (): string[] => readFileSync(articlesPath, 'utf8').trimEnd().split('\n')
  const withLine = (at: number, line: string): string => {
    const all = lines()
    all.splice(at, 0, line)
    return write(dir, `bad-${at}-${line.length}.jsonl`, `${all.join('\n')}\n`)
  }

  it.each<[string, () => string[], RegExp]>([
    ['a line that is not JSON', () => ['batch', withLine(5, '{"id": "x", "title": "t",')], /line 6: not valid JSON/],
    ['a missing field', () => ['batch', withLine(2, '{"id": "x", "body": "b"}')], /line 3: missing the required field "title"/],
    ['a field of the wrong type', () => ['batch', withLine(0, '{"id": "x", "title": "t", "body": "b", "tags": "oil"}')], /line 1: tags .*array of strings/],
    ['a bad date', () => ['batch', withLine(9, '{"id": "x", "title": "t", "body": "b", "publishedAt": "yesterday"}')], /line 10: publishedAt/],
    ['a line that is not an object', () => ['batch', withLine(1, '["x"]')], /line 2: expected an article object/],
    ['a duplicate id', () => ['batch', withLine(4, JSON.stringify(articles[0]))], /line 5: id "[^"]+" is already used on line 1/],
    ['a missing file', () => ['batch', join(dir, 'nope.jsonl')], /cannot open file .*nope\.jsonl: no such file/],
    ['a directory', () => ['index', dir, '-o', join(dir, 'x.snap')], /is a directory/],
    ['an unknown option', () => ['batch', articlesPath, '--colour'], /unknown option --colour/],
    ['--k abc', () => ['batch', articlesPath, '--k', 'abc'], /--k must be an integer from 1 to 1000, got "abc"/],
    ['--k 0', () => ['batch', articlesPath, '--k', '0'], /--k must be an integer/],
    ['--k 2.5', () => ['batch', articlesPath, '--k', '2.5'], /--k must be an integer/],
    ['--k 1001', () => ['batch', articlesPath, '--k', '1001'], /--k must be an integer from 1 to 1000/],
    ['--k without a value', () => ['batch', articlesPath, '--k'], /--k needs a value/],
    ['an unknown --format', () => ['batch', articlesPath, '--format', 'csv'], /--format must be jsonl or trec/],
    ['a run tag with a space', () => ['batch', articlesPath, '--format', 'trec', '--run-tag', 'a b'], /--run-tag must be/],
    ['an unknown query id', () => ['batch', articlesPath, '--queries', write(dir, 'q.txt', `${articles[0]!.id}\nnot-there\n`)], /q\.txt line 2: no article with id "not-there"/],
    ['a config that is not JSON', () => ['batch', articlesPath, '--config', write(dir, 'c1.json', '{weights:')], /c1\.json is not valid JSON/],
    ['a config with an unknown option', () => ['batch', articlesPath, '--config', write(dir, 'c2.json', '{"colour": 1}')], /config: .*"colour"/],
    ['a config with a bad value', () => ['batch', articlesPath, '--config', write(dir, 'c3.json', '{"minScore": 2}')], /config: minScore/],
    ['a config with a __proto__ key', () => ['batch', articlesPath, '--config', write(dir, 'c4.json', '{"__proto__": {"bogus": 1}}')], /config: .*"__proto__"/],
    ['a config setting an option through __proto__', () => ['batch', articlesPath, '--config', write(dir, 'c5.json', '{"__proto__": {"maxArticleLength": 5}}')], /config: .*"__proto__"/],
    ['a missing articles argument', () => ['batch'], /missing <articles\.jsonl>/],
    ['an extra argument', () => ['batch', articlesPath, 'more.jsonl'], /unexpected argument "more\.jsonl"/],
    ['an unknown command', () => ['serve'], /unknown command "serve"/],
    ['an empty file', () => ['batch', write(dir, 'empty.jsonl', '\n\n')], /holds no articles/],
    ['index without -o', () => ['index', articlesPath], /--output <snapshot> is required/],
  ])('%s', (_name, args, pattern) => {
    expectUsageError(cli(args()), pattern)
  })

  it.skipIf(!existsSync('/dev/full'))('a failed write to standard output is one line and exit code 1', async () => {
    const { spawnSync } = await import('node:child_process')
    const { openSync, closeSync } = await import('node:fs')
    const full = openSync('/dev/full', 'w')
    try {
      const run = spawnSync(process.execPath, [cliPath, 'batch', articlesPath], {
        stdio: ['ignore', full, 'pipe'],
        encoding: 'utf8',
      })
      expect(run.status).toBe(1)
      expect(run.stderr.trimEnd().split('\n')).toHaveLength(1)
      expect(run.stderr).toMatch(/^related-articles: unexpected failure: .*ENOSPC/)
    } finally {
      closeSync(full)
    }
  })

  it('an id with whitespace cannot be written as TREC', () => {
    const path = write(dir, 'spaced.jsonl', `${JSON.stringify({ id: 'a b', title: 'Oil', body: 'Oil prices.' })}\n`)
    expectUsageError(cli(['batch', path, '--format', 'trec']), /line 1: id "a b" contains whitespace/)
    expect(cli(['batch', path]).code).toBe(0)
  })
})

describe('index and related', () => {
  it('a snapshot written by one process answers in another exactly as the library does', () => {
    const snapshot = join(dir, 'sample.snap')
    const written = cli(['index', articlesPath, '-o', snapshot, '--quiet'])
    expect(written).toMatchObject({ code: 0, stdout: '', stderr: '' })
    const index = libraryIndex()
    const id = articles[3]!.id
    const json = cli(['related', id, '--index', snapshot, '--k', '4', '--json'])
    expect(json.code).toBe(0)
    expect(JSON.parse(json.stdout)).toEqual(index.related(id, { k: 4 }))
    // And the bytes load in this process too.
    const loaded = RelatedIndex.deserialize(readFileSync(snapshot))
    for (const a of articles) expect(loaded.related(a.id)).toEqual(index.related(a.id))
    // No temporary files are left beside the snapshot.
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([])
  })

  it('prints a table by default: rank, score, title and why', () => {
    const snapshot = join(dir, 'table.snap')
    cli(['index', articlesPath, '-o', snapshot])
    const id = articles[0]!.id
    const run = cli(['related', id, '--index', snapshot])
    expect(run.code).toBe(0)
    const [heading, , header] = run.stdout.split('\n')
    expect(heading).toBe(`Related to ${id}: ${articles[0]!.title}`)
    expect(header).toMatch(/^#\s+score\s+title\s+why$/)
    const rows = run.stdout.split('\n').filter((l) => /^\d+ +0\.\d{3} /.test(l))
    expect(rows).toHaveLength(Math.min(5, libraryIndex().related(id, { k: 5 }).length))
  })

  it('refuses an unknown id, a missing snapshot and a damaged snapshot with exit code 2', () => {
    const snapshot = join(dir, 'errors.snap')
    cli(['index', articlesPath, '-o', snapshot])
    expectUsageError(cli(['related', 'not-an-id', '--index', snapshot]), /no article with id "not-an-id"/)
    expectUsageError(cli(['related', 'x', '--index', join(dir, 'missing.snap')]), /cannot open snapshot .*: no such file/)
    const bytes = readFileSync(snapshot)
    const truncated = join(dir, 'truncated.snap')
    writeFileSync(truncated, bytes.subarray(0, bytes.length - 10))
    expectUsageError(cli(['related', articles[0]!.id, '--index', truncated]), /truncated or damaged/)
    expectUsageError(cli(['related', articles[0]!.id, '--index', articlesPath]), /not a related-articles snapshot/)
    expectUsageError(cli(['related', articles[0]!.id]), /--index <snapshot> is required/)
    expectUsageError(cli(['related', articles[0]!.id, '--index', snapshot, '--k', 'many']), /--k must be an integer/)
  })

  it('leaves an existing snapshot untouched when indexing fails, and writes nothing into a missing directory', () => {
    const snapshot = join(dir, 'keep.snap')
    cli(['index', articlesPath, '-o', snapshot])
    const before = readFileSync(snapshot)
    const bad = write(dir, 'one-bad.jsonl', `${readFileSync(articlesPath, 'utf8')}{"id": 1}\n`)
    expectUsageError(cli(['index', bad, '-o', snapshot]), /line 41/)
    expect(readFileSync(snapshot).equals(before)).toBe(true)
    expectUsageError(cli(['index', articlesPath, '-o', join(dir, 'no-such-dir', 'x.snap')]), /cannot write snapshot/)
    expect(existsSync(join(dir, 'no-such-dir'))).toBe(false)
  })
})

describe('eval', () => {
  let runPath: string
  let qrelsTsv: string
  let qrelsTrec: string
  let qrelsText: string

  beforeAll(() => {
    const batch = cli(['batch', articlesPath, '--k', '10', '--format', 'trec'])
    runPath = write(dir, 'run.trec', batch.stdout)
    // Judgments for a few queries: the run's first results judged 2, 1 and 0, plus a document it missed.
    const run = parseRun(batch.stdout)
    const rows: string[] = []
    for (const q of articles.slice(0, 6).map((a) => a.id)) {
      const docs = run.get(q) ?? []
      docs.slice(0, 3).forEach((d, i) => rows.push(`${q}\t${d.id}\t${2 - i}`))
      const missed = articles.find((a) => a.id !== q && !docs.some((d) => d.id === a.id))
      if (missed) rows.push(`${q}\t${missed.id}\t2`)
    }
    qrelsText = `query_id\tdoc_id\trelevance\n${rows.join('\n')}\n`
    qrelsTsv = write(dir, 'qrels.tsv', qrelsText)
    qrelsTrec = write(dir, 'qrels.trec', rows.map((r) => r.split('\t')).map(([q, d, g]) => `${q} 0 ${d} ${g}`).join('\n'))
  })

  it('scores a run on TSV and TREC qrels alike, as evaluateRun does', () => {
    const tsv = cli(['eval', '--qrels', qrelsTsv, '--run', runPath, '--json'])
    const trec = cli(['eval', '--qrels', qrelsTrec, '--run', runPath, '--json'])
    expect(tsv.code).toBe(0)
    expect(trec.stdout).toBe(tsv.stdout)
    const expected = evaluateRun(parseQrels(qrelsText), parseRun(readFileSync(runPath, 'utf8')), { cutoffs: [5, 10] })
    const got = JSON.parse(tsv.stdout)
    expect(got.queries).toBe(6)
    expect(got.map).toBeCloseTo(expected.mean.map, 12)
    expect(got.mrr).toBeCloseTo(expected.mean.mrr, 12)
    expect(got.ndcg['10']).toBeCloseTo(expected.mean.ndcg[10]!, 12)
    expect(got.precision['5']).toBeCloseTo(expected.mean.precision[5]!, 12)
    expect(got.recall['10']).toBeCloseTo(expected.mean.recall[10]!, 12)
  })

  it('prints a table of nDCG@k, P@k, R@k, MAP and MRR for the --cutoffs', () => {
    const run = cli(['eval', '--qrels', qrelsTsv, '--run', runPath, '--cutoffs', '3,10', '--relevance-threshold', '1'])
    expect(run.code).toBe(0)
    const names = run.stdout.trimEnd().split('\n').map((l) => l.split(/\s+/)[0])
    expect(names).toEqual(['nDCG@3', 'nDCG@10', 'P@3', 'P@10', 'R@3', 'R@10', 'MAP', 'MRR', 'queries'])
    for (const line of run.stdout.trimEnd().split('\n').slice(0, 8)) expect(line).toMatch(/ (0|1)\.\d{4}$/)
  })

  it.each<[string, () => string[], RegExp]>([
    ['a malformed qrels line', () => ['eval', '--qrels', write(dir, 'bad.qrels', 'q1 0 d1\n'), '--run', runPath], /bad\.qrels: qrels line 1/],
    ['a malformed run line', () => ['eval', '--qrels', qrelsTsv, '--run', write(dir, 'bad.run', 'q1 Q0 d1 x 0.5 t\n')], /bad\.run: run line 1/],
    ['a missing run file', () => ['eval', '--qrels', qrelsTsv, '--run', join(dir, 'none.run')], /cannot open run file/],
    ['bad cutoffs', () => ['eval', '--qrels', qrelsTsv, '--run', runPath, '--cutoffs', '5,x'], /--cutoffs must be/],
    ['a missing --qrels', () => ['eval', '--run', runPath], /--qrels <file> is required/],
  ])('refuses %s with exit code 2', (_name, args, pattern) => {
    expectUsageError(cli(args()), pattern)
  })
})

describe('related with a draft, a config and --min-score; index reports and cleans up', () => {
  let snapshot: string
  beforeAll(() => {
    snapshot = join(dir, 'drafts.snap')
    const run = cli(['index', articlesPath, '-o', snapshot])
    expect(run.code).toBe(0)
    // One line saying what was indexed, on standard error; nothing on standard output.
    expect(run.stdout).toBe('')
    expect(run.stderr).toMatch(new RegExp(`^related-articles: indexed ${SLICE} articles; wrote .*drafts\\.snap \\(\\d+\\.\\d+ MB\\)\\n$`))
  })

  const draft = { title: 'Coffee export quotas', body: 'Brazil and Colombia asked the International Coffee Organization to restore coffee export quotas.' }

  it('ranks a JSON draft from a file or standard input as relatedTo does', () => {
    const expected = libraryIndex().relatedTo(draft, { k: 3 })
    const fromFile = cli(['related', '--draft', write(dir, 'draft.json', JSON.stringify(draft)), '--index', snapshot, '--k', '3', '--json'])
    expect(fromFile.code).toBe(0)
    expect(JSON.parse(fromFile.stdout)).toEqual(expected)
    const fromStdin = cli(['related', '--draft', '-', '--index', snapshot, '--k', '3', '--json'], { input: JSON.stringify(draft) })
    expect(JSON.parse(fromStdin.stdout)).toEqual(expected)
  })

  it('takes a plain-text draft: the first line is the title, the rest the body', () => {
    const run = cli(['related', '--draft', '-', '--index', snapshot, '--k', '2', '--json'], { input: `\n${draft.title}\n${draft.body}\n` })
    expect(JSON.parse(run.stdout)).toEqual(libraryIndex().relatedTo(draft, { k: 2 }))
    const table = cli(['related', '--draft', '-', '--index', snapshot, '--k', '2'], { input: `${draft.title}\n${draft.body}` })
    expect(table.stdout).toMatch(/^Related to the draft: Coffee export quotas\n/)
  })

  it('applies --min-score and a --config of query options; --k wins over the file', () => {
    const id = articles[0]!.id
    const config = write(dir, 'query.json', JSON.stringify({ minScore: 0.05, k: 2, weights: { entities: 0.5 } }))
    const run = cli(['related', id, '--index', snapshot, '--config', config, '--k', '4', '--json'])
    expect(JSON.parse(run.stdout)).toEqual(libraryIndex().related(id, { minScore: 0.05, k: 4, weights: { entities: 0.5 } }))
    const strict = cli(['related', id, '--index', snapshot, '--min-score', '0.99', '--json'])
    expect(JSON.parse(strict.stdout)).toEqual([])
  })

  it.each<[string, () => string[], RegExp, string?]>([
    ['an index option in a related --config', () => ['related', articles[0]!.id, '--index', snapshot, '--config', write(dir, 'idx.json', '{"titleWeight": 3}')], /config: .*"titleWeight".*index options are fixed when the snapshot is built/],
    ['a bad --min-score', () => ['related', articles[0]!.id, '--index', snapshot, '--min-score', '2'], /--min-score must be a number from 0 to 1, got "2"/],
    ['a draft with a bad field', () => ['related', '--draft', '-', '--index', snapshot], /draft on standard input: title must be a string/, '{"title": 5, "body": "x"}'],
    ['an empty draft', () => ['related', '--draft', '-', '--index', snapshot], /draft on standard input is empty/, '\n  \n'],
    ['an id and a draft together', () => ['related', 'r1', '--draft', '-', '--index', snapshot], /unexpected argument "r1"/],
  ])('refuses %s with exit code 2', (_name, args, pattern, input) => {
    expectUsageError(cli(args(), input === undefined ? {} : { input }), pattern)
  })

  it('names both kinds of options when a config key is unknown', () => {
    const run = cli(['index', articlesPath, '-o', join(dir, 'x.snap'), '--config', write(dir, 'bogus.json', '{"bogus": 1}')])
    expectUsageError(run, /unknown option "bogus"; a config file holds index options \(analysis, weights, titleWeight.*halfLifeDays.*\) and query options \(k, minScore/)
  })

  it('removes a temporary file a killed run left behind, but not one of a running process', () => {
    const name = 'cleanup.snap'
    // No process has this id (above every system's pid limit); this test's own process runs.
    const dead = join(dir, `.${name}.999999999.0123456789ab.tmp`)
    const alive = join(dir, `.${name}.${process.pid}.0123456789ab.tmp`)
    writeFileSync(dead, 'partial')
    writeFileSync(alive, 'partial')
    expect(cli(['index', articlesPath, '-o', join(dir, name), '--quiet'])).toMatchObject({ code: 0, stderr: '' })
    expect(existsSync(dead)).toBe(false)
    expect(existsSync(alive)).toBe(true)
    rmSync(alive)
  })
})

describe('eval on the bundled sample judgments', () => {
  it('scores a batch run of the sample and warns when the run is shorter than a cutoff', () => {
    const sample = join(projectRoot, 'examples', 'data', 'reuters-sample.jsonl')
    const qrels = join(projectRoot, 'examples', 'data', 'reuters-sample.qrels.tsv')
    const queries = [...new Set(readFileSync(qrels, 'utf8').trim().split('\n').slice(1).map((l) => l.split('\t')[0]!))]
    expect(queries).toHaveLength(24)
    const ids = write(dir, 'sample-queries.txt', queries.join('\n'))
    const run = write(dir, 'sample.trec', cli(['batch', sample, '--format', 'trec', '--queries', ids, '--k', '5']).stdout)
    const scored = cli(['eval', '--qrels', qrels, '--run', run, '--json'])
    expect(scored.code).toBe(0)
    expect(JSON.parse(scored.stdout).queries).toBe(24)
    expect(scored.stderr).toMatch(/24 of 24 queries have fewer than 10 results in .*sample\.trec/)
    expect(cli(['eval', '--qrels', qrels, '--run', run, '--cutoffs', '5']).stderr).toBe('')
  })
})
