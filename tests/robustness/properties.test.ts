import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { Article } from '../../src/article.js'
import { RelatedArticlesError } from '../../src/errors.js'
import type { RelatedIndexOptions } from '../../src/ranking/options.js'
import { RelatedIndex } from '../../src/ranking/related-index.js'
import { DRAFT, answers, thrown } from './helpers.js'
import { NEWS_WORDS, newsSentence } from '../helpers/arbitraries.js'

const ODD = ['', '\u0000', '\ud800', '🔥', 'زار', '東京', '<b>', '&amp;', '\u200b']

// Real news words plus a little hostile text.
const sentence = newsSentence([...NEWS_WORDS, ...ODD])
const day = fc.integer({ min: 0, max: 60 }).map((d) => new Date(Date.UTC(2025, 0, 1 + d)))
const articleBody = fc.record({
  title: sentence,
  // Up to 12 sentences: sometimes longer than the 300-character limit used below.
  body: fc.array(sentence, { minLength: 1, maxLength: 12 }).map((s) => s.join(' ')),
  publishedAt: fc.option(fc.oneof(day.map((d) => d.toISOString()), day), { nil: undefined }),
  tags: fc.option(fc.subarray(['Ukraine war', 'Economy', 'Weather', '__proto__']), { nil: undefined }),
  section: fc.option(fc.constantFrom('World', 'Business'), { nil: undefined }),
})
type Body = Omit<Article, 'id'>

/** Ids drawn from a small pool, so adds collide with stored ids and removes hit absent ones. */
const ID_POOL = ['a', 'b', 'c', 'd', 'e', '__proto__', 'constructor', '\u200b', 'x'.repeat(300)]
const idAt = fc.nat({ max: ID_POOL.length - 1 }).map((i) => ID_POOL[i] as string)

const op = fc.oneof(
  { arbitrary: fc.record({ kind: fc.constant('add' as const), id: idAt, body: articleBody }), weight: 4 },
  { arbitrary: fc.record({ kind: fc.constant('update' as const), id: idAt, body: articleBody }), weight: 2 },
  { arbitrary: fc.record({ kind: fc.constant('remove' as const), id: idAt }), weight: 2 },
  { arbitrary: fc.record({ kind: fc.constant('invalid' as const), id: idAt }), weight: 1 },
  {
    arbitrary: fc.record({ kind: fc.constant('addAll' as const), items: fc.array(fc.tuple(idAt, articleBody), { minLength: 1, maxLength: 3 }) }),
    weight: 2,
  },
  { arbitrary: fc.record({ kind: fc.constant('reload' as const) }), weight: 2 },
)
type Op = typeof op extends fc.Arbitrary<infer T> ? T : never

const OPTION_SETS: Array<[name: string, options: RelatedIndexOptions]> = [
  ['default options', {}],
  ['a 300-character limit that refuses', { maxArticleLength: 300 }],
  ['a 300-character limit that truncates', { maxArticleLength: 300, oversized: 'truncate' }],
]

const tooLong = (options: RelatedIndexOptions, a: Body): boolean =>
  options.oversized !== 'truncate' && a.title.length + a.body.length > (options.maxArticleLength ?? 1_000_000)

/**
 * Applies the operations to an index and to a model (a map of the articles that should be
 * stored), checking that each call succeeds or fails exactly as the model predicts. Returns the
 * index (which `reload` replaces by its deserialised snapshot) and the model.
 */
function run(options: RelatedIndexOptions, ops: Op[]): { index: RelatedIndex; model: Map<string, Article> } {
  let index = new RelatedIndex(options)
  const model = new Map<string, Article>()
  const expectCode = (call: () => unknown, code: string | undefined): void => {
    const error = thrown(call)
    if (code === undefined) expect(error).toBeUndefined()
    else {
      expect(error).toBeInstanceOf(RelatedArticlesError)
      expect((error as RelatedArticlesError).code).toBe(code)
    }
  }
  for (const o of ops) {
    switch (o.kind) {
      case 'add': {
        const a = { id: o.id, ...o.body }
        // The article is checked first (fields, then size), then its id.
        const code = tooLong(options, a) ? 'LIMIT_EXCEEDED' : model.has(o.id) ? 'DUPLICATE_ID' : undefined
        expectCode(() => index.add(a), code)
        if (code === undefined) model.set(o.id, a)
        break
      }
      case 'update': {
        const a = { id: o.id, ...o.body }
        const code = tooLong(options, a) ? 'LIMIT_EXCEEDED' : undefined
        expectCode(() => index.update(a), code)
        if (code === undefined) model.set(o.id, a)
        break
      }
      case 'remove':
        expect(index.remove(o.id)).toBe(model.delete(o.id))
        break
      case 'invalid':
        expectCode(() => index.add({ id: o.id, title: 5, body: 'b' } as never), 'INVALID_ARTICLE')
        break
      case 'addAll': {
        const batch = o.items.map(([id, body]) => ({ id, ...body }))
        const ids = batch.map((a) => a.id)
        const fails = batch.some((a, i) => model.has(a.id) || ids.indexOf(a.id) !== i || tooLong(options, a))
        const error = thrown(() => index.addAll(batch))
        expect(error === undefined).toBe(!fails)
        if (!fails) for (const a of batch) model.set(a.id, a)
        break
      }
      case 'reload':
        index = RelatedIndex.deserialize(index.serialize())
        break
    }
  }
  return { index, model }
}

/** Ids and scores of every full list, without duplicate folding (whose choices can flip on float ties). */
function scores(index: RelatedIndex): Map<string, Map<string, number>> {
  const out = new Map<string, Map<string, number>>()
  for (const id of index.ids()) out.set(id, new Map(index.related(id, { k: 1000, foldDuplicates: false }).map((r) => [r.id, r.score])))
  out.set('\u0000draft', new Map(index.relatedTo(DRAFT, { k: 1000, foldDuplicates: false }).map((r) => [r.id, r.score])))
  return out
}

function expectSameScores(actual: Map<string, Map<string, number>>, expected: Map<string, Map<string, number>>): void {
  expect([...actual.keys()].sort()).toEqual([...expected.keys()].sort())
  for (const [query, results] of actual) {
    const other = expected.get(query) as Map<string, number>
    expect([...results.keys()].sort()).toEqual([...other.keys()].sort())
    for (const [id, score] of results) expect(Math.abs(score - (other.get(id) as number))).toBeLessThan(1e-9)
  }
}

const settings = { numRuns: 30 }

describe.each(OPTION_SETS)('random sequences of add, update, remove, failing calls and snapshot reloads, with %s', (_name, options) => {
  const sequences = fc.array(op, { maxLength: 12 })

  it('succeed or fail exactly as a model of the stored articles predicts, and store what the model holds', () => {
    fc.assert(
      fc.property(sequences, (ops) => {
        const { index, model } = run(options, ops)
        expect(index.size).toBe(model.size)
        expect(index.ids().sort()).toEqual([...model.keys()].sort())
        const rebuilt = new RelatedIndex(options)
        rebuilt.addAll(model.values())
        for (const id of model.keys()) expect(index.get(id)).toEqual(rebuilt.get(id))
      }),
      settings,
    )
  })

  it('are deterministic: the same sequence gives the same answers, to the last bit', () => {
    fc.assert(
      fc.property(sequences, (ops) => {
        expect(answers(run(options, ops).index)).toEqual(answers(run(options, ops).index))
      }),
      settings,
    )
  })

  it('give the scores of a fresh index rebuilt from the final articles, within 1e-9', () => {
    fc.assert(
      fc.property(sequences, (ops) => {
        const { index, model } = run(options, ops)
        const rebuilt = new RelatedIndex(options)
        rebuilt.addAll([...model.values()].reverse())
        expectSameScores(scores(index), scores(rebuilt))
      }),
      settings,
    )
  })

  it('keep every score in [0, 1] and every result a stored article other than the query', () => {
    fc.assert(
      fc.property(sequences, (ops) => {
        const { index } = run(options, ops)
        for (const id of index.ids()) {
          for (const r of index.related(id, { k: 1000 })) {
            expect(r.id).not.toBe(id)
            expect(index.has(r.id)).toBe(true)
            expect(r.score).toBeGreaterThanOrEqual(0)
            expect(r.score).toBeLessThanOrEqual(1)
          }
        }
      }),
      settings,
    )
  })
})

describe('display words across a snapshot', () => {
  // Which readable form a term shows depends on the forms seen so far, so a snapshot keeps every
  // recorded form, even one equal to its term ("year"), or a later article's "years" would win.
  it('a loaded index explains results with the same shared words as the saved one after more adds', () => {
    const original = new RelatedIndex()
    original.addAll([
      { id: 'a', title: 'Rates', body: 'Rates were cut this year.' },
      { id: 'b', title: 'Rates', body: 'Rates rose for two years.' },
    ])
    const loaded = RelatedIndex.deserialize(original.serialize())
    const extra = { id: 'c', title: 'Rates', body: 'Rates fell over the years.' }
    original.add(extra)
    loaded.add(extra)
    expect(loaded.related('c')).toEqual(original.related('c'))
  })
})
