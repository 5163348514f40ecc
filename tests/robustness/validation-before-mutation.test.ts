import { describe, expect, it } from 'vitest'
import type { Article } from '../../src/article.js'
import { RelatedArticlesError } from '../../src/errors.js'
import type { RelatedIndexOptions } from '../../src/ranking/options.js'
import { RelatedIndex } from '../../src/ranking/related-index.js'
import { NEWS } from '../helpers/corpus.js'
import { answers, thrown } from './helpers.js'
import { SNAPSHOT_FORMAT_VERSION } from '../../src/index/snapshot.js'

// Odd ids next to the news, so a failed call has every kind of key to disturb.
const ARTICLES: Article[] = [
  ...NEWS,
  { id: '__proto__', title: 'Wildfire near Marseille', body: 'Firefighters fought a wildfire near Marseille.' },
  { id: '\u200b', title: 'Interest rates', body: 'The Bank of England held interest rates.' },
]
const OPTIONS: RelatedIndexOptions = { maxArticleLength: 2_000 }
const build = (): RelatedIndex => {
  const index = new RelatedIndex(OPTIONS)
  index.addAll(ARTICLES)
  return index
}

const fresh = (id: string): Article => ({ id, title: 'Oil prices fall', body: 'Oil prices fell as Opec raised output.' })
const oversized = (id: string): Article => ({ id, title: 'Long', body: 'word '.repeat(1_000) })
const corruptSnapshot = (): Uint8Array => {
  const bytes = build().serialize()
  return bytes.subarray(0, bytes.length - 1)
}
const newerSnapshot = (): Uint8Array => {
  const bytes = build().serialize().slice()
  new DataView(bytes.buffer).setUint32(8, SNAPSHOT_FORMAT_VERSION + 1, true)
  return bytes
}
class CallerError extends Error {}
function* articlesThenThrow(): Generator<Article> {
  yield fresh('gen-1')
  yield fresh('gen-2')
  throw new CallerError('the source of articles failed')
}

/** A failing call, the code it fails with (`caller` for an error thrown by the caller's own code). */
type FailingCall = [name: string, code: string, call: (index: RelatedIndex) => unknown]

const calls: FailingCall[] = [
  ['add() of an article with a numeric title', 'INVALID_ARTICLE', (i) => i.add({ id: 'n', title: 1, body: 'b' } as never)],
  ['add() of an article with an invalid date', 'INVALID_ARTICLE', (i) => i.add({ ...fresh('n'), publishedAt: 'soon' })],
  ['add() of an oversized article', 'LIMIT_EXCEEDED', (i) => i.add(oversized('n'))],
  ['add() of a stored id', 'DUPLICATE_ID', (i) => i.add(fresh('fire-1'))],
  ['add() of the stored id __proto__', 'DUPLICATE_ID', (i) => i.add(fresh('__proto__'))],
  ['update() with a tag that is not a string', 'INVALID_ARTICLE', (i) => i.update({ ...fresh('fire-1'), tags: [7] } as never)],
  ['update() with an oversized body', 'LIMIT_EXCEEDED', (i) => i.update(oversized('fire-1'))],
  ['update() of a new id with a null body', 'INVALID_ARTICLE', (i) => i.update({ id: 'n', title: 't', body: null } as never)],
  [
    'addAll() failing at its last item: an invalid article',
    'INVALID_ARTICLE',
    (i) => i.addAll([fresh('n1'), fresh('n2'), { id: 'n3', title: 't', body: 3 } as never]),
  ],
  ['addAll() failing at its last item: a stored id', 'DUPLICATE_ID', (i) => i.addAll([fresh('n1'), fresh('n2'), fresh('rates-1')])],
  ['addAll() failing at its last item: an id repeated in the batch', 'DUPLICATE_ID', (i) => i.addAll([fresh('n1'), fresh('n2'), fresh('n1')])],
  ['addAll() failing at its last item: an oversized article', 'LIMIT_EXCEEDED', (i) => i.addAll([fresh('n1'), fresh('n2'), oversized('n3')])],
  ['addAll() whose iterable throws after its last item', 'caller', (i) => i.addAll(articlesThenThrow())],
  [
    'addAll() whose onProgress throws at the last item',
    'caller',
    (i) =>
      i.addAll([fresh('n1'), fresh('n2')], {
        onProgress: ({ done }) => {
          if (done === 2) throw new CallerError('progress bar failed')
        },
      }),
  ],
  ['addAll() whose onProgress adds an article', 'INVALID_STATE', (i) => i.addAll([fresh('n1'), fresh('n2')], { onProgress: () => i.add(fresh('side')) })],
  ['addAll() whose onProgress re-adds a batch id', 'INVALID_STATE', (i) => i.addAll([fresh('n1'), fresh('n2')], { onProgress: () => i.add(fresh('n1')) })],
  ['addAll() of a non-iterable', 'INVALID_ARTICLE', (i) => i.addAll(42 as never)],
  ['remove() of a number', 'INVALID_ARTICLE', (i) => i.remove(1 as never)],
  ['remove() of null', 'INVALID_ARTICLE', (i) => i.remove(null as never)],
  ['related() of an id that is not stored', 'NOT_FOUND', (i) => i.related('missing')],
  ['related() with k above MAX_K', 'LIMIT_EXCEEDED', (i) => i.related('fire-1', { k: 1001 })],
  ['related() with an unknown option', 'INVALID_OPTION', (i) => i.related('fire-1', { limit: 3 } as never)],
  ['related() with bad sections', 'INVALID_OPTION', (i) => i.related('fire-1', { sections: { include: 'World' } } as never)],
  [
    'related() whose filter throws midway',
    'caller',
    (i) => {
      let calls = 0
      return i.related('ukr-talks-1', {
        filter: () => {
          if (++calls === 3) throw new CallerError('filter failed')
          return true
        },
      })
    },
  ],
  ['related() whose filter updates an article', 'INVALID_STATE', (i) => i.related('fire-1', { filter: () => (i.update(fresh('fire-2')), true) })],
  ['related() whose filter removes an article', 'INVALID_STATE', (i) => i.related('fire-1', { filter: () => i.remove('fire-2') })],
  ['relatedTo() an invalid draft', 'INVALID_ARTICLE', (i) => i.relatedTo({ title: 'Oil', body: ['b'] } as never)],
  ['relatedTo() an oversized draft', 'LIMIT_EXCEEDED', (i) => i.relatedTo({ title: 'Oil', body: 'oil '.repeat(1_000) })],
  ['relatedAll() with an id that is not stored', 'NOT_FOUND', (i) => i.relatedAll({ ids: ['fire-1', 'missing'] })],
  ['iterateRelated() with a bad onProgress', 'INVALID_OPTION', (i) => i.iterateRelated({ onProgress: 5 } as never)],
  ['affectedBy() of an id that is not stored', 'NOT_FOUND', (i) => i.affectedBy('missing')],
  ['relatedExhaustive() with a negative minScore', 'INVALID_OPTION', (i) => i.relatedExhaustive('fire-1', { minScore: -1 })],
  ['deserialize() of corrupt bytes', 'SNAPSHOT_CORRUPT', () => RelatedIndex.deserialize(corruptSnapshot())],
  ['deserialize() of a newer format', 'SNAPSHOT_VERSION', () => RelatedIndex.deserialize(newerSnapshot())],
  ['new RelatedIndex() with bad options', 'INVALID_OPTION', () => new RelatedIndex({ weights: { text: -1 } })],
]

describe('validation before mutation', () => {
  const pristine = build()
  const expected = answers(pristine)
  const expectedBytes = pristine.serialize()

  it.each(calls)('after %s (%s), every stored article has exactly the same full result set as before', (_name, code, call) => {
    const index = build()
    expect(answers(index)).toEqual(expected)
    const error = thrown(() => call(index))
    if (code === 'caller') expect(error).toBeInstanceOf(CallerError)
    else {
      expect(error).toBeInstanceOf(RelatedArticlesError)
      expect((error as RelatedArticlesError).code).toBe(code)
    }
    expect(answers(index)).toEqual(expected)
    // Nothing hidden changed either: the snapshot bytes are identical, and the index goes on
    // to behave exactly as one that never saw the failed call.
    expect(index.serialize()).toEqual(expectedBytes)
    const control = build()
    for (const i of [index, control]) {
      i.add(fresh('after'))
      i.update({ ...fresh('fire-2'), publishedAt: '2025-07-01' })
      i.remove('rates-2-copy')
    }
    expect(answers(index)).toEqual(answers(control))
  })
})
