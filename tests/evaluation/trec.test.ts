import { describe, expect, it } from 'vitest'
import { RelatedArticlesError } from '../../src/errors.js'
import { detectQrelsFormat, formatRun, parseQrels, parseRun, type Ranking } from '../../src/evaluation/index.js'

function errorOf(action: () => unknown): RelatedArticlesError {
  try {
    action()
  } catch (error) {
    if (error instanceof RelatedArticlesError) return error
    throw error
  }
  throw new Error('expected a RelatedArticlesError')
}

const asObject = (qrels: Map<string, Map<string, number>>) =>
  Object.fromEntries([...qrels].map(([q, judgments]) => [q, Object.fromEntries(judgments)]))

describe('parseQrels', () => {
  const expected = { q1: { d1: 2, d2: 0 }, q2: { d1: 1 } }
  const cases: Array<[string, string]> = [
    ['reads our tab-separated format with its header', 'query_id\tdoc_id\trelevance\nq1\td1\t2\nq1\td2\t0\nq2\td1\t1\n'],
    ['reads the TREC format and ignores the iteration column', 'q1 0 d1 2\nq1 0 d2 0\nq2 Q0 d1 1'],
    ['accepts any whitespace and CRLF line ends in the TREC format', 'q1\t0  d1 2\r\n q1 0 d2 0 \r\n\r\nq2 0 d1 1\r\n'],
    ['skips blank and # comment lines before the header', '# judged by editors\n\nquery_id\tdoc_id\trelevance\nq1\td1\t2\nq1\td2\t0\nq2\td1\t1'],
  ]
  it.each(cases)('%s', (_name, text) => {
    expect(asObject(parseQrels(text))).toEqual(expected)
  })

  it('keeps a query judged only non-relevant, as trec_eval does', () => {
    expect(asObject(parseQrels('q1 0 d1 0\n'))).toEqual({ q1: { d1: 0 } })
  })

  it('detects the format from the first content line', () => {
    expect(detectQrelsFormat('query_id\tdoc_id\trelevance\n')).toBe('tsv')
    expect(detectQrelsFormat('q1 0 d1 1\n')).toBe('trec')
    expect(detectQrelsFormat('')).toBe('trec')
  })

  it('returns an empty map for an empty TREC file', () => {
    expect(parseQrels('').size).toBe(0)
  })

  const errors: Array<[string, string, object | undefined, number, RegExp]> = [
    ['a TSV line with two fields', 'query_id\tdoc_id\trelevance\nq1\td1\t2\nq1\td2\n', undefined, 3, /qrels line 3: 3 non-empty tab-separated fields/],
    ['a TSV line with an empty field', 'query_id\tdoc_id\trelevance\nq1\t\t2\n', undefined, 2, /qrels line 2: 3 non-empty/],
    ['a TREC line with three fields', 'q1 0 d1 2\nq1 d2 1\n', undefined, 2, /qrels line 2: 4 whitespace-separated fields/],
    ['a headerless tab-separated file', 'q1\td1\t2\n', undefined, 1, /qrels line 1: 4 whitespace-separated fields.*header/],
    ['a non-integer grade', 'q1 0 d1 2\nq1 0 d2 high\n', undefined, 2, /qrels line 2: an integer relevance grade/],
    ['a fractional grade', 'query_id\tdoc_id\trelevance\nq1\td1\t1.5\n', undefined, 2, /line 2: an integer relevance grade/],
    ['a pair judged twice', 'q1 0 d1 2\nq2 0 d1 1\nq1 0 d1 1\n', undefined, 3, /line 3: .*q1, d1 is judged twice/],
    ['a missing header when tsv is forced', 'q1\td1\t2\n', { format: 'tsv' }, 1, /line 1: the header/],
  ]
  it.each(errors)('reports %s with its line number', (_name, text, options, line, message) => {
    const error = errorOf(() => parseQrels(text, options))
    expect(error.code).toBe('INVALID_OPTION')
    expect(error.field).toBe(`line ${line}`)
    expect(error.message).toMatch(message)
  })
})

describe('parseRun', () => {
  it('orders each query by score, highest first, ignoring the rank column', () => {
    const run = parseRun('q1 Q0 a 1 0.5 tag\nq1 Q0 b 2 0.9 tag\nq2 Q0 c 1 3 tag\n')
    expect([...run.keys()]).toEqual(['q1', 'q2'])
    expect(run.get('q1')).toEqual([
      { id: 'b', score: 0.9 },
      { id: 'a', score: 0.5 },
    ])
  })

  it('breaks score ties by document id in descending order, as trec_eval does', () => {
    const run = parseRun('q1 Q0 a 1 1 t\nq1 Q0 c 2 1 t\nq1 Q0 b 3 1 t\n')
    expect(run.get('q1')?.map((d) => d.id)).toEqual(['c', 'b', 'a'])
  })

  it('reads exponents and negative scores', () => {
    expect(parseRun('q Q0 a 1 -1.5e-3 t\nq Q0 b 2 2E2 t').get('q')).toEqual([
      { id: 'b', score: 200 },
      { id: 'a', score: -0.0015 },
    ])
  })

  const errors: Array<[string, string, number, RegExp]> = [
    ['a line with five fields', 'q Q0 a 1 0.5 t\nq Q0 b 2 0.4\n', 2, /run line 2: 6 whitespace-separated fields/],
    ['a non-integer rank', 'q Q0 a first 0.5 t\n', 1, /run line 1: an integer rank/],
    ['a non-numeric score', 'q Q0 a 1 NaN t\n', 1, /run line 1: a finite number as the score/],
    ['a document listed twice', 'q Q0 a 1 0.5 t\nq Q0 a 2 0.4 t\n', 2, /run line 2: a document not listed before for query q/],
  ]
  it.each(errors)('reports %s with its line number', (_name, text, line, message) => {
    const error = errorOf(() => parseRun(text))
    expect(error.field).toBe(`line ${line}`)
    expect(error.message).toMatch(message)
  })
})

describe('formatRun', () => {
  it('writes one TREC line per document with ranks from 1', () => {
    const run = new Map<string, Ranking>([
      ['q1', [{ id: 'a', score: 0.75 }, { id: 'b', score: 0.5 }]],
      ['q2', ['c', 'd']],
    ])
    expect(formatRun(run, { tag: 'tfidf' })).toBe('q1 Q0 a 1 0.75 tfidf\nq1 Q0 b 2 0.5 tfidf\nq2 Q0 c 1 2 tfidf\nq2 Q0 d 2 1 tfidf\n')
  })

  it('gives plain ids decreasing scores so the order survives a round trip', () => {
    const run = new Map<string, Ranking>([['q', ['a', 'c', 'b']]])
    expect(parseRun(formatRun(run, { tag: 't' })).get('q')?.map((d) => d.id)).toEqual(['a', 'c', 'b'])
  })

  it('writes nothing for an empty run', () => {
    expect(formatRun(new Map(), { tag: 't' })).toBe('')
  })

  const errors: Array<[string, Map<string, Ranking>, string, RegExp]> = [
    ['a tag with a space', new Map([['q', ['a']]]), 'my run', /tag must be a non-empty string without whitespace/],
    ['a document id with a space', new Map([['q', ['a b']]]), 't', /\[0\]\.id must be a non-empty string without whitespace/],
    ['an empty query id', new Map([['', ['a']]]), 't', /run query id must be a non-empty string/],
    ['a non-finite score', new Map([['q', [{ id: 'a', score: Number.POSITIVE_INFINITY }]]]), 't', /\.score must be a finite number/],
  ]
  it.each(errors)('rejects %s', (_name, run, tag, message) => {
    expect(() => formatRun(run, { tag })).toThrow(message)
  })
})
