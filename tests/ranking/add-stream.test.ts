import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { Article } from '../../src/article.js'
import { RelatedIndex } from '../../src/ranking/related-index.js'
import { NEWS } from '../helpers/corpus.js'
import { rejection } from '../helpers/errors.js'

async function* slowly(articles: readonly unknown[]): AsyncGenerator<Article> {
  for (const a of articles) {
    await new Promise((resolve) => setImmediate(resolve))
    yield a as Article
  }
}

function rankings(index: RelatedIndex): string {
  return JSON.stringify(index.ids().sort().map((id) => [id, index.related(id, { k: 5 })]))
}

function statsFresh(index: RelatedIndex): boolean {
  const { text, entities, tags } = (index as unknown as { store: Record<string, { statsFresh: boolean }> }).store
  return text!.statsFresh && entities!.statsFresh && tags!.statsFresh
}


describe('RelatedIndex.addStream', () => {
  it('ranks exactly as addAll of the same articles, from an array or an async iterable, whatever the batch size', async () => {
    const reference = new RelatedIndex()
    reference.addAll(NEWS)
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: NEWS.length + 2 }), fc.boolean(), async (batchSize, async) => {
        const index = new RelatedIndex()
        const { added } = await index.addStream(async ? slowly(NEWS) : NEWS, { batchSize })
        expect(added).toBe(NEWS.length)
        expect(rankings(index)).toBe(rankings(reference))
        expect(index.serialize()).toEqual(reference.serialize())
      }),
      { numRuns: 12 },
    )
  })

  it('reports progress after each stored batch, with the total when the source is an array', async () => {
    const seen: Array<[number, number | undefined, number]> = []
    const index = new RelatedIndex()
    await index.addStream(NEWS, { batchSize: 3, onProgress: ({ done, total }) => seen.push([done, total, index.size]) })
    const expected = []
    for (let done = 3; done < NEWS.length; done += 3) expected.push([done, NEWS.length, done])
    expected.push([NEWS.length, NEWS.length, NEWS.length])
    expect(seen).toEqual(expected)
    const streamed: Array<number | undefined> = []
    await new RelatedIndex().addStream(slowly(NEWS), { batchSize: 4, onProgress: ({ total }) => streamed.push(total) })
    expect(streamed.every((t) => t === undefined)).toBe(true)
  })

  it('keeps the batches before a bad article, none of its batch, and names its stream position and id', async () => {
    const articles: unknown[] = [...NEWS.slice(0, 7), { ...NEWS[0], id: 'bad', title: 42 }, ...NEWS.slice(7)]
    const index = new RelatedIndex()
    const error = await rejection(index.addStream(slowly(articles), { batchSize: 3 }))
    expect(error.code).toBe('INVALID_ARTICLE')
    expect(error.field).toBe('articles[7].title')
    expect(error.message).toMatch(/^articles\[7\]: /)
    expect(error.id).toBe('bad')
    // Position 7 is in the batch [6, 9): articles 0-5 stay, 6 does not.
    expect(index.ids().sort()).toEqual(NEWS.slice(0, 6).map((a) => a.id).sort())
    const fresh = new RelatedIndex()
    fresh.addAll(NEWS.slice(0, 6))
    expect(rankings(index)).toBe(rankings(fresh))
  })

  it('refuses an id repeated across batches with DUPLICATE_ID at the second position', async () => {
    const index = new RelatedIndex()
    const error = await rejection(index.addStream([...NEWS.slice(0, 5), NEWS[1]!], { batchSize: 2 }))
    expect(error.code).toBe('DUPLICATE_ID')
    expect(error.field).toBe('articles[5].id')
    expect(error.id).toBe(NEWS[1]!.id)
    expect(index.size).toBe(4)
  })

  it('keeps every stored batch when the source itself fails, and closes the source on a bad article', async () => {
    const index = new RelatedIndex()
    async function* failing(): AsyncGenerator<Article> {
      yield* NEWS.slice(0, 5)
      throw new Error('disk went away')
    }
    await expect(index.addStream(failing(), { batchSize: 2 })).rejects.toThrow('disk went away')
    expect(index.size).toBe(4)
    let closed = false
    async function* tracked(): AsyncGenerator<unknown> {
      try {
        yield* [NEWS[0], { id: 'x' }, NEWS[1], NEWS[2]]
      } finally {
        closed = true
      }
    }
    await rejection(new RelatedIndex().addStream(tracked() as AsyncIterable<Article>, { batchSize: 1 }))
    expect(closed).toBe(true)
  })

  it('stops between batches on abort, keeping what was stored', async () => {
    const controller = new AbortController()
    const index = new RelatedIndex()
    const promise = index.addStream(NEWS, { batchSize: 2, signal: controller.signal, onProgress: ({ done }) => done === 4 && controller.abort() })
    await expect(promise).rejects.toThrow(/abort/i)
    expect(index.size).toBe(4)
  })

  it('refuses bad options and sources before storing anything', async () => {
    const index = new RelatedIndex()
    for (const [options, field] of [
      [{ batchSize: 0 }, 'batchSize'],
      [{ batchSize: 1.5 }, 'batchSize'],
      [{ batchSize: 200_000 }, 'batchSize'],
      [{ onProgress: 'no' }, 'onProgress'],
      [{ signal: {} }, 'signal'],
      [{ batchsize: 10 }, 'batchsize'],
    ] as const) {
      const error = await rejection(index.addStream(NEWS, options as never))
      expect([error.code, error.field]).toEqual(['INVALID_OPTION', field])
    }
    const error = await rejection(index.addStream(42 as never))
    expect([error.code, error.field]).toEqual(['INVALID_OPTION', 'source'])
    expect(index.size).toBe(0)
  })

  it('lets queries run between batches, and leaves idf and norms ready when it resolves', async () => {
    const index = new RelatedIndex()
    const sizes: number[] = []
    const load = index.addStream(NEWS, { batchSize: 2 })
    const probe = setInterval(() => sizes.push(index.size), 0)
    await load
    clearInterval(probe)
    expect(sizes.some((n) => n > 0 && n < NEWS.length)).toBe(true)
    // Ready: the fields' statistics are fresh, so the first query computes nothing.
    expect(statsFresh(index)).toBe(true)
  })

  it('leaves idf and norms ready after deserialize and warmUp too', () => {
    const index = new RelatedIndex()
    index.addAll(NEWS)
    expect(statsFresh(index)).toBe(false)
    expect(statsFresh(RelatedIndex.deserialize(index.serialize()))).toBe(true)
    index.warmUp()
    expect(statsFresh(index)).toBe(true)
  })
})
