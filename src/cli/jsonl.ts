/**
 * Reading articles from JSON Lines: one article object per line. Lines are read as a stream, so
 * a large file is never held as one string; only the documented article fields of each object
 * are kept (label fields in a data file never reach the index); every problem names the line and
 * the field.
 */
import { isUtf8 } from 'node:buffer'
import { open } from 'node:fs/promises'
import type { Readable } from 'node:stream'
import type { Article } from '../article.js'
import { limitArticleLength, validateArticle } from '../article.js'
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
  /** Refuse (or with `skipInvalid`, skip) an article longer than this, as the index would. Defaults to no limit. */
  maxArticleLength?: number
  /** The index's `oversized` policy: with `'truncate'` a long article is kept (the index cuts it). */
  oversized?: 'reject' | 'truncate'
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
  const maxLength = options.maxArticleLength ?? Infinity
  // Over-long articles are refused here, where the line is known and --skip-invalid can skip
  // them, rather than by the index after every line was read.
  const limit = (article: Article, line: number): Article => {
    if (options.oversized === 'truncate' || maxLength === Infinity) return article
    try {
      limitArticleLength({ article, time: NaN, embedding: undefined }, maxLength, 'reject')
    } catch (error) {
      const field = (error as { field?: unknown }).field
      throw new ArticleLineError(line, typeof field === 'string' ? field : undefined, printable(messageOf(error)))
    }
    return article
  }
  for await (const { line, text, invalidUtf8 } of readLines(path)) {
    if (line % 1000 === 0) options.onLines?.(line)
    if (text.trim() === '' && invalidUtf8 === undefined) continue
    try {
      if (invalidUtf8 !== undefined) throw new ArticleLineError(line, undefined, describeInvalidUtf8(invalidUtf8))
      const article = limit(parseArticleLine(line === 1 ? text.replace(/^\uFEFF/, '') : text, line), line)
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

/** One line of {@link readLines}. */
export interface TextLine {
  /** 1-based line number. */
  line: number
  /** The line without its `\n` (and a trailing `\r`); invalid UTF-8 decoded as U+FFFD. */
  text: string
  /** Where the line is not valid UTF-8: the first bad byte's offset in the line and value. */
  invalidUtf8?: { offset: number; byte: number }
}

/**
 * The lines of a text file (`-`: standard input), split on `\n` with a trailing `\r` removed,
 * numbered from 1, streamed chunk by chunk. Lines are split on bytes and decoded one by one, so a
 * line that is not valid UTF-8 is reported (`invalidUtf8`) instead of silently becoming U+FFFD.
 */
export async function* readLines(path: string): AsyncGenerator<TextLine> {
  const stream = await openStream(path)
  // The current line's bytes, as the pieces of the chunks it spans: joined once per line, so a
  // long line costs linear time (appending to one growing string and searching it was quadratic).
  let pieces: Buffer[] = []
  let line = 0
  try {
    for await (const data of stream as AsyncIterable<Buffer | string>) {
      const chunk = typeof data === 'string' ? Buffer.from(data, 'utf8') : data
      let start = 0
      let end: number
      while ((end = chunk.indexOf(NEWLINE, start)) !== -1) {
        pieces.push(chunk.subarray(start, end))
        const bytes = pieces.length === 1 ? (pieces[0] as Buffer) : Buffer.concat(pieces)
        pieces = []
        line++
        yield decodeLine(bytes, line)
        start = end + 1
      }
      if (start < chunk.length) pieces.push(start === 0 ? chunk : chunk.subarray(start))
    }
  } catch (error) {
    if (error instanceof CliError) throw error
    throw new CliError(`cannot read ${path === '-' ? 'standard input' : path}: ${describeFsError(error)}`)
  } finally {
    stream.destroy()
  }
  if (pieces.length > 0) {
    const rest = Buffer.concat(pieces)
    if (rest.length > 0) yield decodeLine(rest, line + 1)
  }
}

const NEWLINE = 0x0a

function decodeLine(bytes: Buffer, line: number): TextLine {
  const text = stripCr(bytes.toString('utf8'))
  if (isUtf8(bytes)) return { line, text }
  const offset = firstInvalidUtf8(bytes)
  return { line, text, invalidUtf8: { offset, byte: bytes[offset] ?? 0 } }
}

/** Offset of the first byte that is not part of a well-formed UTF-8 sequence (`bytes.length` if none). */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0
  while (i < bytes.length) {
    const b = bytes[i] as number
    let need: number
    let min: number
    if (b < 0x80) {
      i++
      continue
    } else if (b >= 0xc2 && b <= 0xdf) [need, min] = [1, 0x80]
    else if (b >= 0xe0 && b <= 0xef) [need, min] = [2, 0x800]
    else if (b >= 0xf0 && b <= 0xf4) [need, min] = [3, 0x10000]
    else return i
    let cp = b & (need === 1 ? 0x1f : need === 2 ? 0x0f : 0x07)
    for (let j = 1; j <= need; j++) {
      const c = bytes[i + j]
      if (c === undefined || (c & 0xc0) !== 0x80) return i
      cp = (cp << 6) | (c & 0x3f)
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i
    i += need + 1
  }
  return bytes.length
}

/** A one-line description of a line's invalid UTF-8, for messages. */
export function describeInvalidUtf8(problem: { offset: number; byte: number }): string {
  return `is not valid UTF-8 (byte 0x${problem.byte.toString(16).padStart(2, '0')} at byte ${problem.offset + 1} of the line); save the file as UTF-8`
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
