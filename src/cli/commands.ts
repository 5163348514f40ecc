/** The four commands. Each returns its exit code; problems with the input throw `CliError`. */
import { randomBytes } from 'node:crypto'
import { writeSync } from 'node:fs'
import { open, readdir, rename, unlink } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import { evaluateRun, formatRun, parseQrels, parseRun } from '../evaluation/index.js'
import type { Run } from '../evaluation/index.js'
import { DEFAULT_K } from '../ranking/defaults.js'
import type { RelatedEntry } from '../ranking/batch.js'
import type { RelatedIndex } from '../ranking/related-index.js'
import { RelatedPool, defaultThreads } from '../workers/pool.js'
import type { RelatedResult } from '../ranking/result.js'
import type { RelatedOptions } from '../ranking/options.js'
import type { Draft } from '../article.js'
import { RelatedArticlesError } from '../errors.js'
import { expectPositionals, parseCommandArgs, parseK, requireString } from './args.js'
import { CliError, describeFsError, messageOf } from './errors.js'
import { ARTICLE_FIELDS, describeInvalidUtf8, readLines, readText } from './jsonl.js'
import { buildIndex, checkOptions, inFile, loadSnapshot, readArticlesReporting, readConfig } from './load.js'
import { BufferedWriter } from './output.js'
import type { OutputStream } from './output.js'
import type { ProgressStream } from './progress.js'
import { createProgress } from './progress.js'
import { PARALLEL_BATCH_ARTICLES } from './help.js'
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
    threads: { type: 'string' },
    quiet: { type: 'boolean', short: 'q' },
  })
  const [path] = expectPositionals('batch', positionals, ['articles.jsonl']) as [string]
  const threadsOption = parseThreads(values.threads)
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
  const read = await readArticlesReporting(path, values['skip-invalid'] === true, io.stderr, config.index)
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
  const threads = threadsOption ?? (read.articles.length < PARALLEL_BATCH_ARTICLES ? 1 : defaultThreads())
  const index = await buildIndex(read, config.index, progress, path, threads)
  const pool = threads > 1 ? await RelatedPool.fromIndex(index, { threads }) : undefined
  const onProgress = ({ done }: { done: number }): void => progress.update(done)
  let lists: Iterable<RelatedEntry> | AsyncIterable<RelatedEntry>
  try {
    lists = pool === undefined ? index.iterateRelated({ ...query, ids, onProgress }) : pool.iterateRelated({ ...query, ids, onProgress })
  } catch (error) {
    throw new CliError(`config: ${messageOf(error)}`)
  }
  const out = new BufferedWriter(io.stdout)
  progress.start('related lists', ids.length, 'articles')
  try {
    for await (const [id, results] of lists) {
      if (format === 'jsonl') await out.write(`${JSON.stringify({ id, related: results })}\n`)
      else await out.write(formatRun(new Map([[id, results.map((r) => ({ id: r.id, score: r.score }))]]), { tag: runTag }))
    }
  } finally {
    progress.stop()
    await pool?.close()
  }
  await out.flush()
  return 0
}

/** `--threads`: a whole number of worker threads, 1 to 64. */
function parseThreads(value: string | boolean | undefined): number | undefined {
  if (value === undefined) return undefined
  const n = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : NaN
  if (!(n >= 1 && n <= 64)) throw new CliError(`--threads must be an integer from 1 to 64, got ${JSON.stringify(value)}`)
  return n
}

export async function indexCommand(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs('index', argv, {
    output: { type: 'string', short: 'o' },
    config: { type: 'string' },
    'skip-invalid': { type: 'boolean' },
    threads: { type: 'string' },
    quiet: { type: 'boolean', short: 'q' },
  })
  const [path] = expectPositionals('index', positionals, ['articles.jsonl']) as [string]
  const threadsOption = parseThreads(values.threads)
  const output = requireString('index', values, 'output', 'snapshot')
  const config = await readConfig(values.config as string | undefined)
  checkOptions(config.index, config.query)
  const read = await readArticlesReporting(path, values['skip-invalid'] === true, io.stderr, config.index)
  const threads = threadsOption ?? (read.articles.length < PARALLEL_BATCH_ARTICLES ? 1 : defaultThreads())
  const index = await buildIndex(read, config.index, createProgress(io.stderr, values.quiet === true), path, threads)
  const written = await writeAtomically(output, index)
  const skipped = read.skipped.length === 0 ? '' : `, skipped ${read.skipped.length} invalid line${read.skipped.length === 1 ? '' : 's'}`
  const plural = index.size === 1 ? '' : 's'
  if (values.quiet !== true) io.stderr.write(`related-articles: indexed ${index.size} article${plural}${skipped}; wrote ${output} (${megabytes(written)} MB)\n`)
  return 0
}

export async function relatedCommand(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs('related', argv, {
    index: { type: 'string' },
    k: { type: 'string' },
    json: { type: 'boolean' },
    draft: { type: 'string' },
    config: { type: 'string' },
    'min-score': { type: 'string' },
  })
  const draftPath = values.draft as string | undefined
  const [id] = expectPositionals('related', positionals, draftPath === undefined ? ['id'] : []) as [string | undefined]
  const snapshot = requireString('related', values, 'index', 'snapshot')
  const config = await readConfig(values.config as string | undefined)
  const query: RelatedOptions = { ...config.index, ...config.query }
  query.k = values.k !== undefined ? parseK(values.k, DEFAULT_RELATED_K) : (config.query.k ?? DEFAULT_RELATED_K)
  if (values['min-score'] !== undefined) query.minScore = parseMinScore(values['min-score'] as string)
  const draft = draftPath === undefined ? undefined : await readDraft(draftPath)
  const index = await loadSnapshot(snapshot)
  let results: RelatedResult[]
  try {
    if (draft !== undefined) {
      results = index.relatedTo(draft, query)
    } else {
      if (!index.has(id as string)) throw new CliError(`no article with id ${JSON.stringify(id)} in ${snapshot}`)
      results = index.related(id as string, query)
    }
  } catch (error) {
    if (!(error instanceof RelatedArticlesError)) throw error
    if (error.code === 'INVALID_ARTICLE' || error.code === 'LIMIT_EXCEEDED') {
      if (draftPath !== undefined && error.field !== 'k') return inFile(draftLabel(draftPath), error)
    }
    const fixed = error.code === 'INVALID_OPTION' && /unknown option/.test(error.message)
    throw new CliError(
      `${values.config === undefined ? '' : 'config: '}${error.message}${fixed ? '; index options are fixed when the snapshot is built (pass them to index --config)' : ''}`,
    )
  }
  const title = draft === undefined ? undefined : draft.title
  const text = values.json === true ? `${JSON.stringify(results, null, 2)}\n` : `${tableFor(index, id, results, io, title)}\n`
  const out = new BufferedWriter(io.stdout)
  await out.write(text)
  await out.flush()
  return 0
}

/** `--min-score`: a number from 0 to 1. */
function parseMinScore(text: string): number {
  const value = /^\d+(\.\d+)?$|^\.\d+$/.test(text) ? Number(text) : NaN
  if (!(value >= 0 && value <= 1)) throw new CliError(`--min-score must be a number from 0 to 1, got ${JSON.stringify(text)}`)
  return value
}

function draftLabel(path: string): string {
  return path === '-' ? 'draft on standard input' : `draft ${path}`
}

/**
 * `--draft <file>` (`-`: standard input): a JSON object with the fields of an article (`id`
 * optional), or plain text whose first non-blank line is the title and the rest the body.
 */
async function readDraft(path: string): Promise<Draft> {
  const text = await readText(path, 'draft file')
  if (text.trimStart().startsWith('{')) {
    let value: unknown
    try {
      value = JSON.parse(text)
    } catch (error) {
      throw new CliError(`${draftLabel(path)} is not valid JSON (${messageOf(error)}); give a JSON object or plain text`)
    }
    const record = value as Record<string, unknown>
    const draft: Record<string, unknown> = {}
    for (const field of ARTICLE_FIELDS) if (Object.hasOwn(record, field)) draft[field] = record[field]
    return draft as unknown as Draft
  }
  const lines = text.replace(/\r\n/g, '\n').split('\n')
  const first = lines.findIndex((l) => l.trim() !== '')
  if (first === -1) throw new CliError(`${draftLabel(path)} is empty`)
  return { title: (lines[first] as string).trim(), body: lines.slice(first + 1).join('\n').trim() }
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
  // A run cut shorter than a cutoff (batch --k 5 scored at 10) silently lowers P@k and R@k.
  const deepest = Math.max(...cutoffs)
  const short = [...qrels.keys()].filter((q) => {
    const ranking = run.get(q)
    return ranking !== undefined && ranking.length < deepest
  }).length
  if (short > 0) {
    io.stderr.write(
      `related-articles: ${short} of ${result.queryCount} queries have fewer than ${deepest} results in ${runPath}; the missing ranks count as not relevant at the deeper cutoffs\n`,
    )
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

function megabytes(bytes: number): string {
  return (bytes / 1e6).toFixed(bytes < 1e5 ? 2 : 1)
}

function tableFor(index: RelatedIndex, id: string | undefined, results: RelatedResult[], io: CliIo, draftTitle?: string): string {
  const width = io.stdout.isTTY === true && typeof io.stdout.columns === 'number' ? io.stdout.columns : 100
  const title = (id === undefined ? draftTitle : index.get(id)?.title)?.replace(/\s+/g, ' ').trim() ?? ''
  return `Related to ${id ?? 'the draft'}: ${title}\n\n${formatRelatedTable(results, (other) => index.get(other), { width })}`
}

/** Ids of a `--queries` file: one per line, blank lines skipped, each listed once. */
async function readQueryIds(path: string): Promise<Array<{ line: number; id: string }>> {
  const ids: Array<{ line: number; id: string }> = []
  const seen = new Map<string, number>()
  for await (const { line, text, invalidUtf8 } of readLines(path)) {
    if (invalidUtf8 !== undefined) throw new CliError(`${path} line ${line} ${describeInvalidUtf8(invalidUtf8)}`)
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

/**
 * Writes to a temporary file beside `path`, flushes it to disk (fsync), renames it over `path`
 * and flushes the directory, so `path` is never half-written and survives a power cut once this
 * returns. The temporary name carries this process's id: a run killed outright (`kill -9`)
 * leaves its file behind, and the next run removes leftovers whose process is gone.
 */
async function writeAtomically(path: string, index: RelatedIndex): Promise<number> {
  const dir = dirname(path)
  await removeLeftovers(dir, basename(path))
  const temporary = join(dir, `${temporaryPrefix(basename(path))}${process.pid}.${randomBytes(6).toString('hex')}.tmp`)
  let written = 0
  try {
    const handle = await open(temporary, 'wx')
    try {
      // Streamed in parts as the snapshot is built, so its size has no 2 GiB / 4 GiB ceiling.
      index.serializeTo((part) => {
        for (let at = 0; at < part.length; ) at += writeSync(handle.fd, part, at, Math.min(SNAPSHOT_PART_BYTES, part.length - at))
        written += part.length
      }, SNAPSHOT_PART_BYTES)
      await handle.sync()
    } finally {
      await handle.close()
    }
    await rename(temporary, path)
  } catch (error) {
    await unlink(temporary).catch(() => undefined)
    throw new CliError(`cannot write snapshot ${path}: ${describeFsError(error)}`)
  }
  await syncDirectory(dir)
  return written
}

/** Bytes written per call when the CLI writes a snapshot. */
const SNAPSHOT_PART_BYTES = 64 * 1024 * 1024

function temporaryPrefix(name: string): string {
  return `.${name}.`
}

/** Removes temporary files of earlier runs for `name` in `dir` whose process no longer runs. */
async function removeLeftovers(dir: string, name: string): Promise<void> {
  const prefix = temporaryPrefix(name)
  let entries: string[]
  try {
    entries = await readdir(dir)
  } catch {
    return // the write itself reports an unusable directory
  }
  for (const entry of entries) {
    if (!entry.startsWith(prefix) || !entry.endsWith('.tmp')) continue
    const pid = Number(entry.slice(prefix.length).split('.')[0])
    if (Number.isSafeInteger(pid) && pid > 0 && !isRunning(pid)) await unlink(join(dir, entry)).catch(() => undefined)
  }
}

function isRunning(pid: number): boolean {
  if (pid === process.pid) return true
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    // EPERM: it runs, as another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/** Makes a rename durable; not every platform can open a directory, which is then skipped. */
async function syncDirectory(dir: string): Promise<void> {
  try {
    const handle = await open(dir, 'r')
    try {
      await handle.sync()
    } finally {
      await handle.close()
    }
  } catch {
    // Windows cannot fsync a directory; the rename is as durable as the platform makes it.
  }
}
