import { describe, expect, it } from 'vitest'
import type { Article } from '../../src/article.js'
import { RelatedArticlesError } from '../../src/errors.js'
import { RelatedIndex } from '../../src/ranking/related-index.js'
import { NEWS } from '../helpers/corpus.js'

/**
 * Caller code runs in the middle of a mutation when the input is a generator or an article has
 * getters. It may read the index but not change it: a change from there is INVALID_STATE and the
 * batch is not stored, so ids stay unique and the index stays serialisable.
 */
function stateOf(index: RelatedIndex): unknown {
  return { ids: index.ids().sort(), related: index.ids().sort().map((id) => index.related(id, { k: 3 })) }
}

function thrown(fn: () => unknown): RelatedArticlesError {
  try {
    fn()
  } catch (error) {
    if (error instanceof RelatedArticlesError) return error
    throw error
  }
  throw new Error('expected a RelatedArticlesError')
}

describe('re-entrant changes through the input', () => {
  it('refuses a generator that adds to the index between yields, storing nothing of the batch', () => {
    const index = new RelatedIndex()
    index.add({ id: 'b0', title: 'Earlier', body: 'An earlier story about rates.' })
    const before = stateOf(index)
    function* g(): Generator<Article> {
      yield { id: 'a', title: 'Rates', body: 'Rates were cut.' }
      index.add({ id: 'a', title: 'Rates', body: 'Rates were cut.' })
      yield { id: 'b', title: 'More rates', body: 'Rates may be cut again.' }
    }
    const error = thrown(() => index.addAll(g()))
    expect(error.code).toBe('INVALID_STATE')
    expect(error.field).toBe('articles')
    expect(error.message).toMatch(/add\(\) was called while the index was reading its input/)
    expect(stateOf(index)).toEqual(before)
    // The index is still consistent: it serialises and loads.
    expect(RelatedIndex.deserialize(index.serialize()).ids()).toEqual(['b0'])
  })

  it('keeps the batch whole when the generator swallows the refusal', () => {
    const index = new RelatedIndex()
    let refused = ''
    function* g(): Generator<Article> {
      yield { id: 'a', title: 'Rates', body: 'Rates were cut.' }
      try {
        index.remove('a')
      } catch (error) {
        refused = (error as RelatedArticlesError).code
      }
      yield { id: 'b', title: 'More rates', body: 'Rates may be cut again.' }
    }
    index.addAll(g())
    expect(refused).toBe('INVALID_STATE')
    expect(index.ids().sort()).toEqual(['a', 'b'])
    expect(RelatedIndex.deserialize(index.serialize()).ids().sort()).toEqual(['a', 'b'])
  })

  it('refuses a getter that changes the embedding dimension mid-batch, with a typed error and nothing stored', () => {
    const index = new RelatedIndex()
    const sneaky = {
      id: 'x',
      body: 'A body.',
      get title(): string {
        index.add({ id: 'y', title: 'Other', body: 'Another body.', embedding: [1, 2, 3] })
        return 'A title'
      },
    }
    const error = thrown(() => index.addAll([{ id: 'w', title: 'W', body: 'Words.', embedding: [1, 0] }, sneaky as Article]))
    expect(error.code).toBe('INVALID_STATE')
    expect(index.size).toBe(0)
  })

  it('refuses a getter of a single add or update that changes the index', () => {
    const index = new RelatedIndex()
    index.addAll(NEWS)
    const before = stateOf(index)
    const article = {
      id: 'new',
      body: 'A body.',
      get title(): string {
        index.remove('fire-1')
        return 'A title'
      },
    }
    expect(thrown(() => index.add(article as Article)).code).toBe('INVALID_STATE')
    expect(thrown(() => index.update(article as Article)).code).toBe('INVALID_STATE')
    expect(stateOf(index)).toEqual(before)
  })

  it('lets the input read the index while it is read', () => {
    const index = new RelatedIndex()
    index.addAll(NEWS.slice(0, 3))
    const sizes: number[] = []
    function* g(): Generator<Article> {
      for (const a of NEWS.slice(3)) {
        sizes.push(index.size)
        index.related('ukr-talks-1', { k: 1 })
        yield a
      }
    }
    index.addAll(g())
    expect(new Set(sizes)).toEqual(new Set([3]))
    expect(index.size).toBe(NEWS.length)
  })

  it('reports the total of a generator to onProgress, since the input is read in full first', () => {
    const index = new RelatedIndex()
    const totals: Array<number | undefined> = []
    index.addAll(
      (function* () {
        yield* NEWS
      })(),
      { onProgress: (p) => totals.push(p.total) },
    )
    expect(new Set(totals)).toEqual(new Set([NEWS.length]))
  })
})
