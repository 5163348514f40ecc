/**
 * Reading articles from JSON Lines: one article object per line. Lines are read as a stream, so
 * a large file is never held as one string; only the documented article fields of each object
 * are kept (label fields in a data file never reach the index); every problem names the line and
 * the field.
 */
import { open } from 'node:fs/promises'
import type { Readable } from 'node:stream'
import type { Article } from '../article.js'
import { validateArticle } from '../article.js'
import { CliError, describeFsError, messageOf } from './errors.js'

/** The fields of an article the library reads; every other key of a line is ignored. */
export const ARTICLE_FIELDS = ['id', 'title', 'body', 'publishedAt', 'tags', 'section', 'source', 'url', 'entities', 'embedding'] as const

const REQUIRED_FIELDS = ['id', 'title', 'body'] as const

/** A line that is not a valid article. */
export interface LineProblem {
  /** 1-based line number. */
  line: number
  /** The field at fault, when one is (`title`, `tags[2]`, `id` …). */
  field: string | undefined
  /** One line saying what is wrong, starting with "line N: ". */
  message: string
}

/** What {@link readArticles} found. */
export interface ArticleLines {
  articles: Article[]
  /** Line number of each article, parallel to `articles`. */
  lineNumbers: number[]
  /** Invalid lines that were skipped (only with `skipInvalid`). */
  skipped: LineProblem[]
}

/** Options of {@link readArticles}. */
export interface ReadArticlesOptions {
  /** Skip invalid lines and report them instead of stopping at the first. Defaults to false. */
  skipInvalid?: boolean
  /** Called every 1,000 lines with the number of lines read so far. */
  onLines?: (lines: number) => void
}

/**
 * Parses one line into an article with only the documented fields, validated. Throws a
 * {@link LineProblem}-shaped {@link ArticleLineError}.
 */
export function parseArticleLine(text: string, line: number): Article {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (error) {
    throw new ArticleLineError(line, undefined, `not valid JSON (${printable(messageOf(error))})`)
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    const got = Array.isArray(value) ? 'an array' : value === null ? 'null' : `a ${typeof value}`
    throw new ArticleLineError(line, undefined, `expected an article object {"id", "title", "body", …}, got ${got}`)
  }
  const record = value as Record<string, unknown>
  for (const field of REQUIRED_FIELDS) {
    if (!Object.hasOwn(record, field)) throw new ArticleLineError(line, field, `missing the required field "${field}"`)
  }
  const picked: Record<string, unknown> = {}
  for (const field of ARTICLE_FIELDS) if (Object.hasOwn(record, field)) picked[field] = record[field]
  try {
    const valid = validateArticle(picked)
    return valid.embedding === undefined ? valid.article : { ...valid.article, embedding: valid.embedding }
  } catch (error) {
    const field = (error as { field?: unknown }).field
    throw new ArticleLineError(line, typeof field === 'string' ? field : undefined, printable(messageOf(error)))
  }
}

/** An invalid article line: its number, the field at fault and what is wrong. */
export class ArticleLineError extends CliError implements LineProblem {
  constructor(
    readonly line: number,
    readonly field: string | undefined,
    problem: string,
  ) {
    super(`line ${line}: ${problem}`)
  }
}

/**
 * Reads every article of a JSON Lines file (`-` for standard input). Blank lines are skipped; a
 * byte-order mark on the first line is ignored; ids must be unique.
 * @throws CliError naming the file and line for the first invalid line (unless `skipInvalid`),
 *   or a missing or unreadable file.
 */
export async function readArticles(path: string, options: ReadArticlesOptions = {}): Promise<ArticleLines> {
  const articles: Article[] = []
  const lineNumbers: number[] = []
  const skipped: LineProblem[] = []
  const firstLine = new Map<string, number>()
  const label = path === '-' ? 'standard input' : path
  for await (const { line, text } of readLines(path)) {
    if (line % 1000 === 0) options.onLines?.(line)
    if (text.trim() === '') continue
    try {
      const article = parseArticleLine(line === 1 ? text.replace(/^\uFEFF/, '') : text, line)
      const earlier = firstLine.get(article.id)
      if (earlier !== undefined) throw new ArticleLineError(line, 'id', `id ${JSON.stringify(article.id)} is already used on line ${earlier}`)
      firstLine.set(article.id, line)
      articles.push(article)
      lineNumbers.push(line)
    } catch (error) {
      if (!(error instanceof ArticleLineError)) throw error
      if (!options.skipInvalid) throw new CliError(`${label} ${error.message}`)
      skipped.push({ line: error.line, field: error.field, message: error.message })
    }
  }
  return { articles, lineNumbers, skipped }
}

/**
 * The lines of a text file (`-`: standard input), split on `\n` with a trailing `\r` removed,
 * numbered from 1, streamed chunk by chunk.
 */
export async function* readLines(path: string): AsyncGenerator<{ line: number; text: string }> {
  const stream = await openStream(path)
  stream.setEncoding('utf8')
  // The current line's text, as the pieces of the chunks it spans. Appending to one string and
  // searching it flattened the growing string on every chunk: quadratic time on a long line.
  let pieces: string[] = []
  let line = 0
  try {
    for await (const chunk of stream as AsyncIterable<string>) {
      let start = 0
      let end: number
      while ((end = chunk.indexOf('\n', start)) !== -1) {
        pieces.push(chunk.slice(start, end))
        const text = pieces.length === 1 ? (pieces[0] as string) : pieces.join('')
        pieces = []
        line++
        yield { line, text: stripCr(text) }
        start = end + 1
      }
      if (start < chunk.length) pieces.push(start === 0 ? chunk : chunk.slice(start))
    }
  } catch (error) {
    if (error instanceof CliError) throw error
    throw new CliError(`cannot read ${path === '-' ? 'standard input' : path}: ${describeFsError(error)}`)
  } finally {
    stream.destroy()
  }
  const rest = pieces.join('')
  if (rest !== '') yield { line: line + 1, text: stripCr(rest) }
}

/** The whole text of a file, with a one-line error for a missing or unreadable one. */
export async function readText(path: string, what: string): Promise<string> {
  const stream = await openStream(path, what)
  stream.setEncoding('utf8')
  let text = ''
  try {
    for await (const chunk of stream as AsyncIterable<string>) text += chunk
  } catch (error) {
    throw new CliError(`cannot read ${what} ${path}: ${describeFsError(error)}`)
  } finally {
    stream.destroy()
  }
  return text.replace(/^\uFEFF/, '')
}

/** The text with control characters escaped, so a message stays on one line and prints cleanly. */
export function printable(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
}

function stripCr(text: string): string {
  return text.endsWith('\r') ? text.slice(0, -1) : text
}

async function openStream(path: string, what = 'file'): Promise<Readable> {
  if (path === '-') return process.stdin
  let handle
  try {
    handle = await open(path, 'r')
  } catch (error) {
    throw new CliError(`cannot open ${what} ${path}: ${describeFsError(error)}`)
  }
  // Pipes and devices (`<(zcat articles.jsonl.gz)`) are fine; a directory is not.
  if ((await handle.stat()).isDirectory()) {
    await handle.close()
    throw new CliError(`cannot read ${what} ${path}: is a directory, not a file`)
  }
  return handle.createReadStream({ autoClose: true })
}
