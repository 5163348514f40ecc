/**
 * Reading and writing relevance judgments and runs as text. Pure string functions: reading and
 * writing files is left to the caller.
 *
 * Qrels come in two formats, detected from the first line that is not blank or a `#` comment:
 * - `tsv` (our datasets): the header `query_id<TAB>doc_id<TAB>relevance`, then one
 *   tab-separated judgment per line.
 * - `trec` (`trec_eval`): `qid iter docid rel`, separated by any whitespace; `iter` is ignored.
 *
 * Runs use the TREC format `qid Q0 docid rank score tag`. As in `trec_eval`, the rank column is
 * checked but not used: each query's documents are ordered by score, highest first, and equal
 * scores by document id in descending code-unit order.
 *
 * Every syntax error is a `RelatedArticlesError` with code `INVALID_OPTION`, `field` set to
 * `line <n>` (1-based) and a message that names the line.
 */
import { RelatedArticlesError, describeValue, invalid } from '../errors.js'
import type { Run, ScoredDoc } from './metrics.js'

/** The two qrels formats {@link parseQrels} reads. */
export type QrelsFormat = 'tsv' | 'trec'

/** Options of {@link parseQrels}. */
export interface ParseQrelsOptions {
  /** `auto` (default) detects the format from the first content line. */
  format?: QrelsFormat | 'auto'
}

/** Options of {@link formatRun}. */
export interface FormatRunOptions {
  /** The run tag written in the last column: non-empty, no whitespace. */
  tag: string
}

/** The header line of a `tsv` qrels file. */
export const QRELS_TSV_HEADER = 'query_id\tdoc_id\trelevance'

const INTEGER = /^[+-]?\d+$/
const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/
const WHITESPACE = /\s/

function parseError(what: string, lineNumber: number, problem: string, line: string): RelatedArticlesError {
  return new RelatedArticlesError('INVALID_OPTION', `${what} line ${lineNumber}: ${problem}, got ${describeValue(line)}`, {
    field: `line ${lineNumber}`,
    expected: problem,
    got: describeValue(line),
  })
}

/** Lines without their line terminators (`\n` or `\r\n`). */
function splitLines(text: string): string[] {
  return text.split('\n').map((line) => (line.endsWith('\r') ? line.slice(0, -1) : line))
}

function isSkippable(line: string): boolean {
  return line.trim() === '' || line.startsWith('#')
}

/**
 * The format of a qrels text: `tsv` when its first content line is {@link QRELS_TSV_HEADER},
 * otherwise `trec`.
 */
export function detectQrelsFormat(text: string): QrelsFormat {
  if (typeof text !== 'string') throw invalid('INVALID_OPTION', 'text', 'a string', text)
  const first = splitLines(text).find((line) => !isSkippable(line))
  return first === QRELS_TSV_HEADER ? 'tsv' : 'trec'
}

/**
 * Parses relevance judgments in the `tsv` or `trec` format (see the module comment). Every judged
 * pair is kept, grade 0 included, so a query judged only non-relevant is still a query of the
 * qrels (as in `trec_eval`). Blank lines and lines starting with `#` are skipped.
 *
 * @returns query id → (document id → integer grade), in order of first appearance.
 * @throws RelatedArticlesError `INVALID_OPTION` with the line number for a missing header, a line
 *   with the wrong number of fields, a non-integer grade or a pair judged twice.
 */
export function parseQrels(text: string, options: ParseQrelsOptions = {}): Map<string, Map<string, number>> {
  if (typeof text !== 'string') throw invalid('INVALID_OPTION', 'text', 'a string', text)
  const requested = options.format ?? 'auto'
  if (requested !== 'auto' && requested !== 'tsv' && requested !== 'trec') {
    throw invalid('INVALID_OPTION', 'format', '"auto", "tsv" or "trec"', requested)
  }
  const format = requested === 'auto' ? detectQrelsFormat(text) : requested
  const qrels = new Map<string, Map<string, number>>()
  let headerSeen = false
  splitLines(text).forEach((line, index) => {
    const lineNumber = index + 1
    if (isSkippable(line)) return
    let fields: string[]
    if (format === 'tsv') {
      if (!headerSeen) {
        if (line !== QRELS_TSV_HEADER) {
          throw parseError('qrels', lineNumber, 'the header "query_id<TAB>doc_id<TAB>relevance"', line)
        }
        headerSeen = true
        return
      }
      fields = line.split('\t')
      if (fields.length !== 3 || fields.some((field) => field === '')) {
        throw parseError('qrels', lineNumber, '3 non-empty tab-separated fields: query_id, doc_id, relevance', line)
      }
    } else {
      const parts = line.trim().split(/\s+/)
      if (parts.length !== 4) {
        throw parseError(
          'qrels',
          lineNumber,
          '4 whitespace-separated fields: qid iter docid rel (a tab-separated file starts with the header query_id<TAB>doc_id<TAB>relevance)',
          line,
        )
      }
      fields = [parts[0] as string, parts[2] as string, parts[3] as string]
    }
    const [queryId, docId, grade] = fields as [string, string, string]
    if (!INTEGER.test(grade) || !Number.isSafeInteger(Number(grade))) {
      throw parseError('qrels', lineNumber, 'an integer relevance grade in the last field', line)
    }
    let judgments = qrels.get(queryId)
    if (judgments === undefined) {
      judgments = new Map()
      qrels.set(queryId, judgments)
    }
    if (judgments.has(docId)) throw parseError('qrels', lineNumber, `a pair not judged before (${queryId}, ${docId} is judged twice)`, line)
    judgments.set(docId, Number(grade))
  })
  if (format === 'tsv' && !headerSeen) throw parseError('qrels', 1, 'the header "query_id<TAB>doc_id<TAB>relevance"', '')
  return qrels
}

/** `trec_eval` order: score descending, then document id descending. */
function compareTrecEval(a: ScoredDoc, b: ScoredDoc): number {
  if (a.score !== b.score) return b.score - a.score
  return a.id < b.id ? 1 : a.id > b.id ? -1 : 0
}

/**
 * Parses a TREC run (`qid Q0 docid rank score tag`, whitespace-separated). Blank lines and lines
 * starting with `#` are skipped. Each query's documents are returned in `trec_eval` order (score
 * descending, ties by document id descending); the rank column must be an integer but is not used.
 *
 * @returns query id → scored documents, queries in order of first appearance.
 * @throws RelatedArticlesError `INVALID_OPTION` with the line number for a line without 6 fields,
 *   a non-integer rank, a non-numeric score or a document listed twice for a query.
 */
export function parseRun(text: string): Map<string, ScoredDoc[]> {
  if (typeof text !== 'string') throw invalid('INVALID_OPTION', 'text', 'a string', text)
  const run = new Map<string, ScoredDoc[]>()
  const seen = new Map<string, Set<string>>()
  splitLines(text).forEach((line, index) => {
    const lineNumber = index + 1
    if (isSkippable(line)) return
    const fields = line.trim().split(/\s+/)
    if (fields.length !== 6) {
      throw parseError('run', lineNumber, '6 whitespace-separated fields: qid Q0 docid rank score tag', line)
    }
    const [queryId, , docId, rank, score] = fields as [string, string, string, string, string, string]
    if (!INTEGER.test(rank)) throw parseError('run', lineNumber, 'an integer rank in field 4', line)
    if (!DECIMAL.test(score) || !Number.isFinite(Number(score))) {
      throw parseError('run', lineNumber, 'a finite number as the score in field 5', line)
    }
    let docs = run.get(queryId)
    let ids = seen.get(queryId)
    if (docs === undefined || ids === undefined) {
      docs = []
      ids = new Set()
      run.set(queryId, docs)
      seen.set(queryId, ids)
    }
    if (ids.has(docId)) throw parseError('run', lineNumber, `a document not listed before for query ${queryId}`, line)
    ids.add(docId)
    docs.push({ id: docId, score: Number(score) })
  })
  for (const docs of run.values()) docs.sort(compareTrecEval)
  return run
}

function checkToken(value: unknown, field: string): string {
  if (typeof value !== 'string' || value === '' || WHITESPACE.test(value)) {
    throw invalid('INVALID_OPTION', field, 'a non-empty string without whitespace', value)
  }
  return value
}

/**
 * Writes a run as TREC lines `qid Q0 docid rank score tag`, one per ranked document, in the
 * run's order, ranks from 1. A plain id gets the score `length - index`, so `trec_eval` reads
 * the list back in the same order. Given scores are written as they are: `trec_eval` orders by
 * score, so equal scores come back ordered by document id (descending), not by list position.
 *
 * @throws RelatedArticlesError `INVALID_OPTION` for a tag, query id or document id that is empty
 *   or contains whitespace, or a score that is not finite.
 */
export function formatRun(run: Run, options: FormatRunOptions): string {
  if (!(run instanceof Map)) throw invalid('INVALID_OPTION', 'run', 'a Map of query id to ranking', run)
  const tag = checkToken(options?.tag, 'tag')
  const lines: string[] = []
  for (const [queryId, ranking] of run) {
    checkToken(queryId, 'run query id')
    if (!Array.isArray(ranking)) throw invalid('INVALID_OPTION', `run.get(${JSON.stringify(queryId)})`, 'an array', ranking)
    ranking.forEach((entry: unknown, i) => {
      const field = `run.get(${JSON.stringify(queryId)})[${i}]`
      const scored = typeof entry === 'string' ? { id: entry, score: ranking.length - i } : (entry as ScoredDoc | null)
      if (scored === null || typeof scored !== 'object') throw invalid('INVALID_OPTION', field, 'an id or an { id, score } object', entry)
      const docId = checkToken(scored.id, `${field}.id`)
      if (typeof scored.score !== 'number' || !Number.isFinite(scored.score)) {
        throw invalid('INVALID_OPTION', `${field}.score`, 'a finite number', scored.score)
      }
      lines.push(`${queryId} Q0 ${docId} ${i + 1} ${String(scored.score)} ${tag}`)
    })
  }
  return lines.length === 0 ? '' : `${lines.join('\n')}\n`
}
