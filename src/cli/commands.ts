/** The four commands. Each returns its exit code; problems with the input throw `CliError`. */
import { randomBytes } from 'node:crypto'
import { rename, unlink, writeFile } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import { evaluateRun, formatRun, parseQrels, parseRun } from '../evaluation/index.js'
import type { Run } from '../evaluation/index.js'
import { DEFAULT_K } from '../ranking/defaults.js'
import type { RelatedIndex } from '../ranking/related-index.js'
import type { RelatedResult } from '../ranking/result.js'
import { expectPositionals, parseCommandArgs, parseK, requireString } from './args.js'
import { CliError, describeFsError, messageOf } from './errors.js'
import { readLines, readText } from './jsonl.js'
import { buildIndex, checkOptions, inFile, loadSnapshot, readArticlesReporting, readConfig } from './load.js'
import { BufferedWriter } from './output.js'
import type { OutputStream } from './output.js'
import type { ProgressStream } from './progress.js'
import { createProgress } from './progress.js'
import { formatRelatedTable } from './table.js'

/** Where a command writes. */
export interface CliIo {
  stdout: OutputStream & { columns?: number; isTTY?: boolean }
  stderr: ProgressStream
}

const DEFAULT_RUN_TAG = 'related-articles'
const DEFAULT_RELATED_K = 5
const WHITESPACE = /\s/

export async function batchCommand(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs('batch', argv, {
    k: { type: 'string' },
    format: { type: 'string' },
    'run-tag': { type: 'string' },
    queries: { type: 'string' },
    config: { type: 'string' },
    'skip-invalid': { type: 'boolean' },
    quiet: { type: 'boolean', short: 'q' },
  })
  const [path] = expectPositionals('batch', positionals, ['articles.jsonl']) as [string]
  const format = values.format ?? 'jsonl'
  if (format !== 'jsonl' && format !== 'trec') throw new CliError(`--format must be jsonl or trec, got ${JSON.stringify(format)}`)
  const tag = values['run-tag']
  if (tag !== undefined && format !== 'trec') throw new CliError('--run-tag applies only to --format trec')
  const runTag = typeof tag === 'string' ? tag : DEFAULT_RUN_TAG
  if (runTag === '' || WHITESPACE.test(runTag)) throw new CliError(`--run-tag must be a non-empty name without spaces, got ${JSON.stringify(runTag)}`)
  const kOption = parseK(values.k, DEFAULT_K)

  // Everything is read and checked before the first byte of output.
  const config = await readConfig(values.config as string | undefined)
  const query = { ...config.query, ...(values.k === undefined ? {} : { k: kOption }) }
  checkOptions(config.index, query)
  const queriesPath = values.queries as string | undefined
  const queryLines = queriesPath === undefined ? undefined : await readQueryIds(queriesPath)
  const read = await readArticlesReporting(path, values['skip-invalid'] === true, io.stderr)
  if (format === 'trec') {
    const spaced = read.articles.findIndex((a) => WHITESPACE.test(a.id))
    if (spaced !== -1) {
      throw new CliError(
        `${path} line ${read.lineNumbers[spaced]}: id ${JSON.stringify(read.articles[spaced]?.id)} contains whitespace, which a TREC run cannot hold; use --format jsonl`,
      )
    }
  }
  let ids = read.articles.map((a) => a.id)
  if (queryLines !== undefined && queriesPath !== undefined) {
    const known = new Set(ids)
    for (const { line, id } of queryLines) {
      if (!known.has(id)) throw new CliError(`${queriesPath} line ${line}: no article with id ${JSON.stringify(id)} in ${path}`)
    }
    ids = queryLines.map((q) => q.id)
  }

  const progress = createProgress(io.stderr, values.quiet === true)
  const index = await buildIndex(read, config.index, progress, path)
  let lists
  try {
    lists = index.iterateRelated({ ...query, ids, onProgress: ({ done }) => progress.update(done) })
  } catch (error) {
    throw new CliError(`config: ${messageOf(error)}`)
  }
  const out = new BufferedWriter(io.stdout)
  progress.start('related lists', ids.length, 'articles')
  try {
    for (const [id, results] of lists) {
      if (format === 'jsonl') await out.write(`${JSON.stringify({ id, related: results })}\n`)
      else await out.write(formatRun(new Map([[id, results.map((r) => ({ id: r.id, score: r.score }))]]), { tag: runTag }))
    }
  } finally {
    progress.stop()
  }
  await out.flush()
  return 0
}

export async function indexCommand(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs('index', argv, {
    output: { type: 'string', short: 'o' },
    config: { type: 'string' },
    'skip-invalid': { type: 'boolean' },
    quiet: { type: 'boolean', short: 'q' },
  })
  const [path] = expectPositionals('index', positionals, ['articles.jsonl']) as [string]
  const output = requireString('index', values, 'output', 'snapshot')
  const config = await readConfig(values.config as string | undefined)
  checkOptions(config.index, config.query)
  const read = await readArticlesReporting(path, values['skip-invalid'] === true, io.stderr)
  const index = await buildIndex(read, config.index, createProgress(io.stderr, values.quiet === true), path)
  await writeAtomically(output, index.serialize())
  return 0
}

export async function relatedCommand(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs('related', argv, {
    index: { type: 'string' },
    k: { type: 'string' },
    json: { type: 'boolean' },
  })
  const [id] = expectPositionals('related', positionals, ['id']) as [string]
  const snapshot = requireString('related', values, 'index', 'snapshot')
  const k = parseK(values.k, DEFAULT_RELATED_K)
  const index = await loadSnapshot(snapshot)
  if (!index.has(id)) throw new CliError(`no article with id ${JSON.stringify(id)} in ${snapshot}`)
  const results = index.related(id, { k })
  const text = values.json === true ? `${JSON.stringify(results, null, 2)}\n` : `${tableFor(index, id, results, io)}\n`
  const out = new BufferedWriter(io.stdout)
  await out.write(text)
  await out.flush()
  return 0
}

export async function evalCommand(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs('eval', argv, {
    qrels: { type: 'string' },
    run: { type: 'string' },
    cutoffs: { type: 'string' },
    'relevance-threshold': { type: 'string' },
    json: { type: 'boolean' },
  })
  expectPositionals('eval', positionals, [])
  const qrelsPath = requireString('eval', values, 'qrels', 'file')
  const runPath = requireString('eval', values, 'run', 'file')
  const cutoffs = parseCutoffs(values.cutoffs as string | undefined)
  const threshold = parseThreshold(values['relevance-threshold'] as string | undefined)
  let qrels
  let run: Run
  try {
    qrels = parseQrels(await readText(qrelsPath, 'qrels file'))
  } catch (error) {
    return inFile(qrelsPath, error)
  }
  try {
    run = parseRun(await readText(runPath, 'run file'))
  } catch (error) {
    return inFile(runPath, error)
  }
  let result
  try {
    result = evaluateRun(qrels, run, { cutoffs, relevanceThreshold: threshold })
  } catch (error) {
    return inFile(qrelsPath, error)
  }
  const { mean } = result
  if (result.missingFromRun.length > 0) {
    io.stderr.write(`related-articles: ${result.missingFromRun.length} of ${result.queryCount} queries have no ranking in ${runPath}; they score 0\n`)
  }
  if (result.queriesWithoutRelevant.length === result.queryCount) {
    io.stderr.write(`related-articles: no query has a document graded ${threshold} or more; binary qrels need --relevance-threshold 1\n`)
  }
  let text: string
  if (values.json === true) {
    text = `${JSON.stringify(
      {
        queries: result.queryCount,
        relevanceThreshold: threshold,
        ndcg: mean.ndcg,
        precision: mean.precision,
        recall: mean.recall,
        map: mean.map,
        mrr: mean.mrr,
        missingFromRun: result.missingFromRun.length,
        queriesWithoutRelevant: result.queriesWithoutRelevant.length,
      },
      null,
      2,
    )}\n`
  } else {
    const rows: Array<[string, string]> = []
    for (const k of cutoffs) rows.push([`nDCG@${k}`, mean.ndcg[k]!.toFixed(4)])
    for (const k of cutoffs) rows.push([`P@${k}`, mean.precision[k]!.toFixed(4)])
    for (const k of cutoffs) rows.push([`R@${k}`, mean.recall[k]!.toFixed(4)])
    rows.push(['MAP', mean.map.toFixed(4)], ['MRR', mean.mrr.toFixed(4)], ['queries', String(result.queryCount)])
    const width = Math.max(...rows.map(([name]) => name.length)) + 2
    text = `${rows.map(([name, value]) => name.padEnd(width) + value).join('\n')}\n`
  }
  const out = new BufferedWriter(io.stdout)
  await out.write(text)
  await out.flush()
  return 0
}

function tableFor(index: RelatedIndex, id: string, results: RelatedResult[], io: CliIo): string {
  const width = io.stdout.isTTY === true && typeof io.stdout.columns === 'number' ? io.stdout.columns : 100
  const title = index.get(id)?.title.replace(/\s+/g, ' ').trim() ?? ''
  return `Related to ${id}: ${title}\n\n${formatRelatedTable(results, (other) => index.get(other), { width })}`
}

/** Ids of a `--queries` file: one per line, blank lines skipped, each listed once. */
async function readQueryIds(path: string): Promise<Array<{ line: number; id: string }>> {
  const ids: Array<{ line: number; id: string }> = []
  const seen = new Map<string, number>()
  for await (const { line, text } of readLines(path)) {
    const id = line === 1 ? text.replace(/^\uFEFF/, '') : text
    if (id.trim() === '') continue
    const earlier = seen.get(id)
    if (earlier !== undefined) throw new CliError(`${path} line ${line}: id ${JSON.stringify(id)} is already listed on line ${earlier}`)
    seen.set(id, line)
    ids.push({ line, id })
  }
  if (ids.length === 0) throw new CliError(`${path} lists no ids`)
  return ids
}

function parseCutoffs(text: string | undefined): number[] {
  if (text === undefined) return [5, 10]
  const parts = text.split(',').map((p) => p.trim())
  const cutoffs = parts.map((p) => (/^\d+$/.test(p) ? Number(p) : NaN))
  if (cutoffs.some((k) => !Number.isSafeInteger(k) || k < 1) || new Set(cutoffs).size !== cutoffs.length) {
    throw new CliError(`--cutoffs must be distinct positive integers separated by commas, like 5,10, got ${JSON.stringify(text)}`)
  }
  return cutoffs
}

function parseThreshold(text: string | undefined): number {
  if (text === undefined) return 2
  const value = /^\d+(\.\d+)?$/.test(text) ? Number(text) : NaN
  if (!(value > 0)) throw new CliError(`--relevance-threshold must be a number above 0, got ${JSON.stringify(text)}`)
  return value
}

/** Writes to a temporary file beside `path`, then renames it, so `path` is never half-written. */
async function writeAtomically(path: string, bytes: Uint8Array): Promise<void> {
  const temporary = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`)
  try {
    await writeFile(temporary, bytes, { flag: 'wx' })
    await rename(temporary, path)
  } catch (error) {
    await unlink(temporary).catch(() => undefined)
    throw new CliError(`cannot write snapshot ${path}: ${describeFsError(error)}`)
  }
}
