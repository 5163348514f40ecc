/**
 * Steps the commands share: reading an options file, reading articles and building an index
 * with progress, loading a snapshot.
 */
import { stat } from 'node:fs/promises'
import { RelatedArticlesError } from '../errors.js'
import type { RelatedIndexOptions, RelatedOptions } from '../ranking/options.js'
import { RelatedIndex } from '../ranking/related-index.js'
import { MAX_SNAPSHOT_FILE_BYTES, loadSnapshotFile } from '../snapshot-file.js'
import { CliError, describeFsError, messageOf } from './errors.js'
import type { ArticleLines } from './jsonl.js'
import { readArticles, readText } from './jsonl.js'
import type { Progress, ProgressStream } from './progress.js'

/** Options of a `--config` file, split into those of the index and those of each query. */
export interface ConfigOptions {
  index: RelatedIndexOptions
  query: RelatedOptions
}

/**
 * Query options a config file may hold. Every other key configures the index; names both have
 * (`weights`, half-lives) configure the index, whose values are every query's defaults.
 */
const QUERY_ONLY = new Set(['k', 'minScore', 'exclude', 'sections', 'publishedAfter', 'publishedBefore', 'pastOnly', 'now', 'diversity', 'foldDuplicates'])

/** Reads `--config`: a JSON object of index options and, optionally, query options. */
export async function readConfig(path: string | undefined): Promise<ConfigOptions> {
  if (path === undefined) return { index: {}, query: {} }
  const text = await readText(path, 'config file')
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (error) {
    throw new CliError(`config file ${path} is not valid JSON (${messageOf(error)})`)
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new CliError(`config file ${path} must hold a JSON object of options, like {"weights": {"time": 0}, "minScore": 0.2}`)
  }
  // Prototype-less objects: a "__proto__" key in the file stays an ordinary (and unknown, hence
  // refused) option instead of replacing the prototype and slipping past option checking.
  const index: Record<string, unknown> = Object.create(null) as Record<string, unknown>
  const query: Record<string, unknown> = Object.create(null) as Record<string, unknown>
  for (const [key, v] of Object.entries(value)) (QUERY_ONLY.has(key) ? query : index)[key] = v
  return { index, query }
}

/**
 * Checks a config's index and query options before any slow work, so a typo in the config fails
 * in milliseconds rather than after indexing.
 */
export function checkOptions(index: RelatedIndexOptions, query: RelatedOptions): void {
  try {
    new RelatedIndex(index).iterateRelated({ ...query, ids: [] })
  } catch (error) {
    const unknown = error instanceof RelatedArticlesError && error.code === 'INVALID_OPTION' && /unknown option/.test(error.message)
    // Every key that is not a query option is taken for an index option, so the library's list
    // names index options only: name both kinds a config file may hold.
    if (unknown && error.field !== undefined && !error.field.includes('.')) {
      throw new CliError(
        `config: unknown option ${JSON.stringify(error.field)}; a config file holds index options (${indexOptionNames().join(', ')}) and query options (${[...QUERY_ONLY].join(', ')})`,
      )
    }
    throw new CliError(`config: ${messageOf(error)}`)
  }
}

/** Names of the index options, as the library fills them in. */
function indexOptionNames(): string[] {
  const names = Object.keys(new RelatedIndex().options).flatMap((name) => (name === 'olderHalfLifeDays' ? ['halfLifeDays', name] : [name]))
  return [...new Set(['analysis', ...names])]
}

/** Prefixes a library error with where its input came from. */
export function inFile(path: string, error: unknown): never {
  if (error instanceof RelatedArticlesError) throw new CliError(`${path}: ${error.message}`)
  throw error
}

/** Reads articles, reporting skipped lines on standard error. */
export async function readArticlesReporting(
  path: string,
  skipInvalid: boolean,
  stderr: ProgressStream,
  indexOptions: RelatedIndexOptions = {},
): Promise<ArticleLines> {
  // The options were checked already (checkOptions); an over-long article is a bad line, skippable.
  const { maxArticleLength, oversized } = new RelatedIndex(indexOptions).options
  const read = await readArticles(path, { skipInvalid, maxArticleLength, oversized })
  if (read.skipped.length > 0) {
    const shown = read.skipped.slice(0, 5).map((p) => `  ${p.message}`)
    if (read.skipped.length > shown.length) shown.push(`  … and ${read.skipped.length - shown.length} more`)
    stderr.write(`related-articles: skipped ${read.skipped.length} invalid line${read.skipped.length === 1 ? '' : 's'} of ${path}:\n${shown.join('\n')}\n`)
  }
  if (read.articles.length === 0) throw new CliError(`${path} holds no articles`)
  return read
}

/**
 * Builds an index of the articles with a progress bar (articles stored, rate, ETA), in batches
 * (`addStream`), so that memory beyond the index is one batch's analyses, not the whole file's;
 * with `threads` > 1 the analysis runs on that many worker threads.
 */
export async function buildIndex(read: ArticleLines, options: RelatedIndexOptions, progress: Progress, path: string, threads = 1): Promise<RelatedIndex> {
  let index: RelatedIndex
  try {
    index = new RelatedIndex(options)
  } catch (error) {
    throw new CliError(`config: ${messageOf(error)}`)
  }
  const total = read.articles.length
  progress.start('indexing', total, 'articles')
  try {
    await index.addStream(read.articles, { threads, onProgress: ({ done }) => progress.update(done) })
  } catch (error) {
    // Lines were validated while reading; this is a limit of the index (such as article size).
    const position = /^articles\[(\d+)\]/.exec(messageOf(error))
    const line = position ? read.lineNumbers[Number(position[1])] : undefined
    throw new CliError(`${path}${line === undefined ? '' : ` line ${line}`}: ${messageOf(error).replace(/^articles\[\d+\]: /, '')}`)
  } finally {
    progress.stop()
  }
  return index
}

/** Loads a snapshot file, with one-line errors for a missing, oversized or damaged file. */
export async function loadSnapshot(path: string): Promise<RelatedIndex> {
  let size: number
  try {
    const stats = await stat(path)
    if (stats.isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' })
    size = stats.size
  } catch (error) {
    throw new CliError(`cannot open snapshot ${path}: ${describeFsError(error)}`)
  }
  if (size > MAX_SNAPSHOT_FILE_BYTES) {
    throw new CliError(`snapshot ${path} is ${size} bytes, above the ${MAX_SNAPSHOT_FILE_BYTES}-byte limit`)
  }
  // Read in parts, so snapshots over the 2 GiB of one readFile load too.
  try {
    return await loadSnapshotFile(path, { maxSnapshotBytes: MAX_SNAPSHOT_FILE_BYTES })
  } catch (error) {
    if (error instanceof RelatedArticlesError) return inFile(path, error)
    throw new CliError(`cannot read snapshot ${path}: ${describeFsError(error)}`)
  }
}
