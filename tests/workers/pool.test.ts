import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { RelatedIndex } from '../../src/ranking/related-index.js'
import { RelatedPool, createRelatedPool, defaultThreads } from '../../src/workers/pool.js'
import { NEWS } from '../helpers/corpus.js'
import { rejection } from '../helpers/errors.js'


describe('RelatedPool', () => {
  const index = new RelatedIndex()
  index.addAll(NEWS)
  let pool: RelatedPool

  beforeAll(async () => {
    pool = await RelatedPool.fromIndex(index, { threads: 2 })
  })
  afterAll(async () => {
    await pool.close()
  })

  it('starts the threads asked for, each with the whole index', () => {
    expect(pool.threadCount).toBe(2)
    expect(pool.size).toBe(index.size)
  })

  it('answers related and relatedTo exactly as the index does', async () => {
    for (const article of NEWS) {
      expect(await pool.related(article.id, { k: 4, pastOnly: true })).toEqual(index.related(article.id, { k: 4, pastOnly: true }))
      const draft = { title: article.title, body: article.body, publishedAt: new Date(Date.parse(String(article.publishedAt)) + 1) }
      expect(await pool.relatedTo(draft, { k: 3 })).toEqual(index.relatedTo(draft, { k: 3 }))
    }
  })

  it('gives relatedAll identical to one thread, in the same order, whatever the chunk size', async () => {
    const one = [...index.relatedAll({ k: 5 })]
    for (const chunkSize of [1, 2, 3, 100]) {
      expect([...(await pool.relatedAll({ k: 5, chunkSize }))]).toEqual(one)
    }
    const ids = [NEWS[3]!.id, NEWS[0]!.id, NEWS[5]!.id]
    const progress: number[] = []
    const entries = []
    for await (const entry of pool.iterateRelated({ ids, k: 2, chunkSize: 1, onProgress: ({ done }) => progress.push(done) })) entries.push(entry)
    expect(entries).toEqual([...index.iterateRelated({ ids, k: 2 })])
    expect(progress).toEqual([1, 2, 3])
  })

  it('shares the frozen inactive signal in its results as the index does', async () => {
    const lists = [...(await pool.relatedAll({ k: 5 })).values(), await pool.related(NEWS[0]!.id, { k: 5 })]
    const signals = lists.flat().flatMap((r) => Object.values(r.signals))
    const inactive = signals.filter((s) => s.weight === 0)
    expect(inactive.length).toBeGreaterThan(0)
    expect(new Set(inactive)).toEqual(new Set([index.related(NEWS[0]!.id, { k: 1 })[0]!.signals.embedding]))
    expect(inactive.every((s) => Object.isFrozen(s))).toBe(true)
    expect(signals.filter((s) => s.weight > 0).every((s) => !Object.isFrozen(s))).toBe(true)
  })

  it('passes typed errors back from the threads', async () => {
    const missing = await rejection(pool.related('no-such-story'))
    expect([missing.code, missing.id]).toEqual(['NOT_FOUND', 'no-such-story'])
    const k = await rejection(pool.related(NEWS[0]!.id, { k: 0 }))
    expect([k.code, k.field]).toEqual(['INVALID_OPTION', 'k'])
    const unknownId = await rejection(pool.relatedAll({ ids: [NEWS[0]!.id, 'nope'] }))
    expect([unknownId.code, unknownId.id]).toEqual(['NOT_FOUND', 'nope'])
    const draft = await rejection(pool.relatedTo({ title: 7 } as never))
    expect(draft.code).toBe('INVALID_ARTICLE')
  })

  it('refuses a filter function and bad pool options', async () => {
    const filter = await rejection(pool.related(NEWS[0]!.id, { filter: () => true }))
    expect([filter.code, filter.field]).toEqual(['INVALID_OPTION', 'filter'])
    const chunk = await rejection(pool.relatedAll({ chunkSize: 0 }))
    expect([chunk.code, chunk.field]).toEqual(['INVALID_OPTION', 'chunkSize'])
    const prime = await rejection(pool.relatedAll({ k: 5, primeAffectedBy: true } as never))
    expect([prime.code, prime.field]).toEqual(['INVALID_OPTION', 'primeAffectedBy'])
    for (const threads of [0, 1.5, 65, '2']) {
      const error = await rejection(createRelatedPool(index.serialize(), { threads } as never))
      expect([error.code, error.field]).toEqual(['INVALID_OPTION', 'threads'])
    }
    expect(defaultThreads()).toBeGreaterThanOrEqual(1)
    expect(defaultThreads()).toBeLessThanOrEqual(4)
  })

  it('refuses damaged snapshot bytes with the error of deserialize', async () => {
    const bytes = index.serialize()
    bytes[bytes.length - 1] = (bytes[bytes.length - 1] as number) ^ 0xff
    const error = await rejection(createRelatedPool(bytes, { threads: 1 }))
    expect(error.code).toBe('SNAPSHOT_CORRUPT')
  })

  it('rejects calls after close with INVALID_STATE', async () => {
    const small = await createRelatedPool(index.serialize(), { threads: 1 })
    await small.close()
    const error = await rejection(small.related(NEWS[0]!.id))
    expect(error.code).toBe('INVALID_STATE')
  })
})
