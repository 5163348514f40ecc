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


describe('addStream with analysis on worker threads', () => {
  it('builds the same index as addAll, byte for byte, whatever the batch size', async () => {
    const reference = new RelatedIndex({ titleWeight: 3 })
    reference.addAll(NEWS)
    for (const [batchSize, source] of [
      [3, NEWS],
      [100, slowly(NEWS)],
      [1, NEWS],
    ] as const) {
      const index = new RelatedIndex({ titleWeight: 3 })
      const progress: number[] = []
      const { added } = await index.addStream(source, { batchSize, threads: 2, onProgress: ({ done }) => progress.push(done) })
      expect(added).toBe(NEWS.length)
      expect(progress.at(-1)).toBe(NEWS.length)
      expect(index.serialize()).toEqual(reference.serialize())
      expect(index.analysedCount).toBe(NEWS.length)
      expect(Object.isFrozen(index.get(NEWS[0]!.id))).toBe(true)
      expect(Object.isFrozen(index.get(NEWS[0]!.id)!.tags)).toBe(true)
    }
  })

  it('reports the same first error, at the same stream position, as one thread, keeping earlier batches', async () => {
    const bad: unknown[] = [...NEWS.slice(0, 5), { ...NEWS[0], id: 'late-dup' }, { ...NEWS[1], id: 'bad', body: 7 }, NEWS[2], ...NEWS.slice(6)]
    for (const threads of [1, 2]) {
      const index = new RelatedIndex()
      const error = await rejection(index.addStream(bad as Article[], { batchSize: 4, threads }))
      expect([error.code, error.field, error.id]).toEqual(['INVALID_ARTICLE', 'articles[6].body', 'bad'])
      expect(index.size).toBe(4)
      const dup = await rejection(new RelatedIndex().addStream([...NEWS.slice(0, 3), NEWS[1]!], { batchSize: 2, threads }))
      expect([dup.code, dup.field]).toEqual(['DUPLICATE_ID', 'articles[3].id'])
    }
  })

  it('checks embedding lengths against the index and the batch on the storing thread', async () => {
    const index = new RelatedIndex()
    index.add({ ...NEWS[0]!, embedding: [1, 2, 3] })
    const articles = [{ ...NEWS[1]!, embedding: [1, 2, 3] }, { ...NEWS[2]!, embedding: [1, 2] }]
    const error = await rejection(index.addStream(articles, { threads: 2 }))
    expect([error.code, error.field]).toEqual(['INVALID_ARTICLE', 'articles[1].embedding'])
    expect(index.size).toBe(1)
  })

  it('refuses a bad thread count before starting anything', async () => {
    for (const threads of [0, 2.5, 65]) {
      const error = await rejection(new RelatedIndex().addStream(NEWS, { threads }))
      expect([error.code, error.field]).toEqual(['INVALID_OPTION', 'threads'])
    }
  })
})
