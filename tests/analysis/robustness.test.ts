import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { createAnalyzer, entityKey, type Analysis } from '../../src/analysis/index.js'
import { foldForTokenizer, MAX_CHUNK_LENGTH, stripHtml } from '../../src/analysis/normalize.js'
import { HOSTILE_MARKUP } from '../helpers/hostile.js'

const analyzer = createAnalyzer()

/** Counts must be positive integers; the entity list sorted by key. */
function expectWellFormed(analysis: Analysis): void {
  for (const field of [analysis.title, analysis.body]) {
    for (const [term, count] of field) {
      expect(term.length).toBeGreaterThan(0)
      expect(Number.isInteger(count) && count > 0).toBe(true)
    }
  }
  for (const e of analysis.entities) expect(Number.isInteger(e.count) && e.count > 0).toBe(true)
  const keys = analysis.entities.map((e) => e.key)
  expect(keys).toEqual([...keys].sort())
  expect(new Set(keys).size).toBe(keys.length)
  expect(Number.isInteger(analysis.wordCount) && analysis.wordCount >= 0).toBe(true)
}

describe('hostile and odd input', () => {
  const cases: [why: string, body: string][] = [
    ['an empty body', ''],
    ['only whitespace', ' \n\t\r\n  '],
    ['only punctuation', '!!! ... ??? --- ;;; ((( ))) """ \'\'\''],
    ['only emoji', '😀🎉🔥 👍🏽 👨‍👩‍👧‍👦'],
    ['Chinese text', '俄罗斯外长拉夫罗夫访问平壤。朝鲜向俄罗斯派遣了军队。'],
    ['Arabic text', 'زار وزير الخارجية الروسي سيرغي لافروف بيونغ يانغ.'],
    ['null bytes', 'a\u0000b\u0000\u0000c Lavrov\u0000'],
    ['lone surrogates', 'Lavrov \ud800 met \udc00 Kim \ud83d'],
    ['a 100,000-character token', 'x'.repeat(100_000)],
    ['a 100,000-character token of quotes', "'".repeat(100_000)],
    ['a 100,000-character hyphen chain', 'a-'.repeat(50_000)],
    ['deeply nested broken HTML', '<div>'.repeat(100_000)],
    ['unclosed tags and stray brackets', '<a<b<c<d '.repeat(10_000)],
    ['endless entities', '&amp;&#x41;&bogus;&'.repeat(10_000)],
    ['repeated clutter', 'Advertisement. Advertisement More to follow ...\n'.repeat(5_000)],
    ['one very long line of names', 'Sergey Lavrov of Russia and '.repeat(5_000)],
    // One proper-noun run of 20,000 words: merging short mentions used to build every prefix and
    // suffix of it (quadratic strings of linear length: the process ran out of memory).
    ['20,000 distinct code-like words', Array.from({ length: 20_000 }, (_, i) => `tok0x${i.toString(16)}`).join(' ')],
  ]
  it.each(cases)('analyses %s without throwing', (_why, body) => {
    const result = analyzer.analyze({ title: body.slice(0, 1000), body })
    expectWellFormed(result)
  })

  it('analyses a 5 MB body in a few seconds', () => {
    const paragraph =
      'Russia\u2019s appeals to North Korea for military manpower have taken on new urgency with Foreign Minister Sergey Lavrov\u2019s trip to Pyongyang. '
    const body = paragraph.repeat(Math.ceil(5_000_000 / paragraph.length))
    const start = performance.now()
    const result = analyzer.analyze({ title: 'Big', body })
    expect(performance.now() - start).toBeLessThan(30_000)
    expect(result.body.get('pyongyang')).toBeGreaterThan(30_000)
  })
})

describe('work grows linearly with input size', () => {
  // Deterministic measures of work: wink's tokenizer is quadratic in the length of a run of
  // non-space characters, so bounding every run bounds its work per character; the other stages
  // are single passes whose output and token counts we compare.
  const hostile: [why: string, unit: string][] = [
    ...HOSTILE_MARKUP,
    ['inline clutter', 'Advertisement. '],
    ['words', 'Lavrov met Kim. '],
  ]
  it.each(hostile)('for %s', (_why, unit) => {
    const size = 200_000
    const small = unit.repeat(Math.ceil(size / unit.length))
    const large = small + small
    for (const text of [small, large]) {
      const { folded } = foldForTokenizer(text)
      const longestRun = Math.max(0, ...folded.split(/\s+/).map((run) => run.length))
      expect(longestRun).toBeLessThanOrEqual(MAX_CHUNK_LENGTH)
    }
    expect(stripHtml(large).length).toBeLessThanOrEqual(2 * stripHtml(small).length + 1)
    const a = analyzer.analyze({ title: '', body: small })
    const b = analyzer.analyze({ title: '', body: large })
    expect(b.wordCount).toBeLessThanOrEqual(2 * a.wordCount + 1)
  })
})

describe('properties', () => {
  // Any UTF-16 code units, lone surrogates included.
  const anyText = fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)), maxLength: 200 })
  const newsLike = fc.array(
    fc.constantFrom('Lavrov', 'Russia', "Russia's", 'North', 'Korean', 'Kim', 'Jong-un', 'said', 'the', 'of', 'Bank', 'Łódź', 'Erdoğan', '.', ',', '\n', '<p>', '&amp;', 'Advertisement', '2025', 'President', '-', "'"),
    { maxLength: 60 },
  ).map((words) => words.join(' '))

  it('never throws and gives well-formed results on arbitrary strings', () => {
    fc.assert(
      fc.property(anyText, fc.string({ unit: 'grapheme', maxLength: 100 }), (body, title) => {
        expectWellFormed(analyzer.analyze({ title, body }))
      }),
      { numRuns: 300 },
    )
  })

  it('is deterministic, across calls and across analyzers', () => {
    fc.assert(
      fc.property(fc.oneof(anyText, newsLike), newsLike, (body, title) => {
        const first = analyzer.analyze({ title, body })
        expect(analyzer.analyze({ title, body })).toEqual(first)
        expect(createAnalyzer().analyze({ title, body })).toEqual(first)
      }),
      { numRuns: 200 },
    )
  })

  it('gives news-like text well-formed entities whose display folds to the key', () => {
    fc.assert(
      fc.property(newsLike, newsLike, (title, body) => {
        const result = analyzer.analyze({ title, body })
        expectWellFormed(result)
        for (const e of result.entities) {
          expect(e.firstPosition).toBeLessThan(Math.max(1, result.wordCount))
          expect(entityKey(e.display)).toBe(e.key)
        }
      }),
      { numRuns: 300 },
    )
  })
})
