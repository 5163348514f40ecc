import { describe, expect, it } from 'vitest'
import type { Article } from '../../src/article.js'
import { DEFAULT_MAX_ARTICLE_LENGTH } from '../../src/article.js'
import { DEFAULT_MAX_SNAPSHOT_BYTES, MAX_K } from '../../src/index.js'
import type { RelatedIndexOptions } from '../../src/ranking/options.js'
import { RelatedIndex } from '../../src/ranking/related-index.js'
import { NEWS } from '../helpers/corpus.js'
import { answers, indexOf, rankings, thrown, typedError } from './helpers.js'

const MB = 2 ** 20
/** News-like text of exactly `length` characters, so analysis finds real words. */
function newsText(length: number): string {
  const para = `${NEWS.map((a) => a.body).join(' ')} `
  return para.repeat(Math.ceil(length / para.length)).slice(0, length)
}

describe('maximum article size (maxArticleLength)', () => {
  it('defaults to 1,000,000 characters of title and body: exactly that many are indexed, one more is refused', () => {
    expect(DEFAULT_MAX_ARTICLE_LENGTH).toBe(1_000_000)
    const index = indexOf()
    const title = 'Ceasefire talks in Istanbul'
    index.add({ id: 'at-limit', title, body: newsText(DEFAULT_MAX_ARTICLE_LENGTH - title.length) })
    expect(index.related('at-limit', { k: 3 }).length).toBeGreaterThan(0)
    const error = typedError(() => index.add({ id: 'over', title, body: newsText(DEFAULT_MAX_ARTICLE_LENGTH - title.length + 1) }))
    expect(error.code).toBe('LIMIT_EXCEEDED')
    expect(error.field).toBe('body')
    expect(index.has('over')).toBe(false)
  })

  it('refuses a 50 MB body with LIMIT_EXCEEDED naming the body, before analysing anything', () => {
    const index = new RelatedIndex()
    const error = typedError(() => index.add({ id: 'huge', title: 'Huge', body: 'lorem ipsum '.repeat(50 * MB / 12 + 1).slice(0, 50 * MB) }))
    expect(error.code).toBe('LIMIT_EXCEEDED')
    expect(error.field).toBe('body')
    expect(error.id).toBe('huge')
    expect(error.message).toMatch(/^body \(article "huge"\) must be at most 1000000 characters .* got 52428804 characters \(title 4, body 52428800\)/)
    expect(index.analysedCount).toBe(0)
    expect(index.size).toBe(0)
  })

  it("truncates a 50 MB body with oversized: 'truncate', storing and ranking the shortened article", () => {
    const index = indexOf(NEWS, { oversized: 'truncate' })
    const body = newsText(50 * MB)
    index.add({ id: 'huge', title: 'Istanbul ceasefire talks', body })
    const stored = index.get('huge') as Article
    expect(stored.title).toBe('Istanbul ceasefire talks')
    expect(stored.title.length + stored.body.length).toBe(DEFAULT_MAX_ARTICLE_LENGTH)
    expect(body.startsWith(stored.body)).toBe(true)
    expect(index.analysedCount).toBe(NEWS.length + 1)
    // The shortened text repeats every story of the corpus, so it is related to each of them.
    expect(index.related('huge', { k: 1000, foldDuplicates: false }).map((r) => r.id).sort()).toEqual(NEWS.map((a) => a.id).sort())
  })

  it.each<[string, Partial<Article>, number, { title: string; body: string }]>([
    ['cuts the body first', { title: 'Oil', body: 'prices rose' }, 8, { title: 'Oil', body: 'price' }],
    ['cuts the title when it alone is too long', { title: 'Oil prices rose', body: 'sharply' }, 6, { title: 'Oil pr', body: '' }],
    ['keeps an article of exactly the limit whole', { title: 'Oil', body: 'prices' }, 9, { title: 'Oil', body: 'prices' }],
    ['never splits a surrogate pair', { title: 'Up', body: '🚀🚀🚀' }, 5, { title: 'Up', body: '🚀' }],
    ['never splits a pair in the title, and gives the room left to the body', { title: '🚀🚀', body: 'xy' }, 3, { title: '🚀', body: 'x' }],
  ])("with oversized: 'truncate', %s", (_why, input, maxArticleLength, expected) => {
    const index = new RelatedIndex({ maxArticleLength, oversized: 'truncate' })
    index.add({ id: 'a', title: '', body: '', ...input })
    expect(index.get('a')).toEqual({ id: 'a', ...expected })
  })

  it('applies the limit to drafts of relatedTo, refusing or truncating as configured', () => {
    const draft = { title: 'Istanbul talks', body: newsText(5_000) }
    const refusing = indexOf(NEWS, { maxArticleLength: 1_000 })
    expect(typedError(() => refusing.relatedTo(draft)).code).toBe('LIMIT_EXCEEDED')
    const truncating = indexOf(NEWS, { maxArticleLength: 1_000, oversized: 'truncate' })
    const cut = { title: draft.title, body: draft.body.slice(0, 1_000 - draft.title.length) }
    expect(truncating.relatedTo(draft)).toEqual(truncating.relatedTo(cut))
  })

  it('refuses an oversized update and keeps the stored version', () => {
    const index = indexOf(NEWS, { maxArticleLength: 2_000 })
    const before = answers(index)
    const error = typedError(() => index.update({ ...(NEWS[0] as Article), body: newsText(3_000) }))
    expect(error.code).toBe('LIMIT_EXCEEDED')
    expect(answers(index)).toEqual(before)
  })

  it('turns the limit off with maxArticleLength: Infinity', () => {
    const index = new RelatedIndex({ maxArticleLength: Infinity })
    index.add({ id: 'long', title: 'Long', body: newsText(DEFAULT_MAX_ARTICLE_LENGTH + 10) })
    expect(index.get('long')?.body.length).toBe(DEFAULT_MAX_ARTICLE_LENGTH + 10)
  })

  it.each<[string, RelatedIndexOptions]>([
    ['maxArticleLength 0', { maxArticleLength: 0 }],
    ['a negative maxArticleLength', { maxArticleLength: -5 }],
    ['a fractional maxArticleLength', { maxArticleLength: 10.5 }],
    ['a NaN maxArticleLength', { maxArticleLength: NaN }],
    ['a string maxArticleLength', { maxArticleLength: '1000' as never }],
    ['an unknown oversized policy', { oversized: 'cut' as never }],
    ['a boolean oversized', { oversized: true as never }],
    ['a misspelt option name', { maxArticleLenght: 5 } as never],
  ])('refuses %s as INVALID_OPTION', (_why, options) => {
    expect(typedError(() => new RelatedIndex(options)).code).toBe('INVALID_OPTION')
  })

  it('keeps maxArticleLength and oversized in a snapshot: a loaded index limits new articles as the original did', () => {
    for (const options of [{}, { maxArticleLength: 300, oversized: 'truncate' }, { maxArticleLength: Infinity }] as RelatedIndexOptions[]) {
      const original = indexOf(NEWS, options)
      const loaded = RelatedIndex.deserialize(original.serialize())
      expect(answers(loaded)).toEqual(answers(original))
      const long = { id: 'long', title: 'Istanbul ceasefire talks', body: newsText(1_000_001) }
      const a = thrown(() => original.add(long))
      const b = thrown(() => loaded.add(long))
      expect((b as { code?: string } | undefined)?.code).toBe((a as { code?: string } | undefined)?.code)
      expect(rankings(loaded)).toEqual(rankings(original))
    }
  })
})

describe('maximum k', () => {
  const index = indexOf()
  const calls: Array<[string, (k: number) => unknown]> = [
    ['related', (k) => index.related('fire-1', { k })],
    ['relatedTo', (k) => index.relatedTo({ title: 'Wildfire', body: 'Marseille' }, { k })],
    ['relatedExhaustive', (k) => index.relatedExhaustive('fire-1', { k })],
    ['relatedAll', (k) => index.relatedAll({ k })],
    ['iterateRelated', (k) => index.iterateRelated({ k })],
    ['affectedBy', (k) => index.affectedBy('fire-1', { k })],
  ]
  it.each(calls)('%s accepts k = MAX_K (1000) and refuses k = 1001 with LIMIT_EXCEEDED naming k', (_name, call) => {
    expect(MAX_K).toBe(1000)
    expect(thrown(() => call(MAX_K))).toBeUndefined()
    const error = typedError(() => call(MAX_K + 1))
    expect(error.code).toBe('LIMIT_EXCEEDED')
    expect(error.field).toBe('k')
    expect(error.message).toMatch(/^k must be at most 1000 \(MAX_K\), got number 1001$/)
  })

  it('answers a malformed k with INVALID_OPTION and a k over the limit with LIMIT_EXCEEDED, in different words', () => {
    for (const k of [0, -1, 2.5, Number.NaN, Infinity, '5']) {
      const error = typedError(() => index.related('fire-1', { k } as never))
      expect(error.code, String(k)).toBe('INVALID_OPTION')
      expect(error.message).toMatch(/^k must be an integer from 1 to 1000, got /)
    }
    for (const k of [1001, 5000, 1e9]) {
      const error = typedError(() => index.related('fire-1', { k }))
      expect(error.code, String(k)).toBe('LIMIT_EXCEEDED')
      expect(error.message).toMatch(/^k must be at most 1000 \(MAX_K\), got number /)
    }
  })
})

describe('maximum snapshot size (maxSnapshotBytes)', () => {
  const bytes = indexOf().serialize()

  it('defaults to 2 GiB and loads a snapshot of exactly maxSnapshotBytes', () => {
    expect(DEFAULT_MAX_SNAPSHOT_BYTES).toBe(2 ** 31)
    expect(RelatedIndex.deserialize(bytes, { maxSnapshotBytes: bytes.length }).size).toBe(NEWS.length)
  })

  it('refuses one byte more with LIMIT_EXCEEDED before reading anything, even garbage', () => {
    expect(typedError(() => RelatedIndex.deserialize(bytes, { maxSnapshotBytes: bytes.length - 1 })).code).toBe('LIMIT_EXCEEDED')
    // Garbage above the limit is refused for its size, not parsed: the check comes first.
    const garbage = new Uint8Array(4096).fill(0xab)
    expect(typedError(() => RelatedIndex.deserialize(garbage, { maxSnapshotBytes: 4095 })).code).toBe('LIMIT_EXCEEDED')
    expect(typedError(() => RelatedIndex.deserialize(garbage, { maxSnapshotBytes: 4096 })).code).toBe('SNAPSHOT_CORRUPT')
  })
})
