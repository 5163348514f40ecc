import { describe, expect, it } from 'vitest'
import type { Article } from '../../src/article.js'
import { crc32 } from '../../src/index/snapshot.js'
import type { RelatedIndexOptions } from '../../src/ranking/options.js'
import { RelatedIndex } from '../../src/ranking/related-index.js'
import { NEWS } from '../helpers/corpus.js'
import { answers } from '../robustness/helpers.js'
import { codeOf } from '../helpers/errors.js'

/** The test corpus, every other article with a 3-d embedding (so both kinds are stored). */
const ARTICLES: Article[] = NEWS.map((a, i) => (i % 2 === 0 ? { ...a, embedding: [Math.cos(i), Math.sin(i), 0.1 * i] } : a))

function build(options?: RelatedIndexOptions, articles: Article[] = ARTICLES): RelatedIndex {
  const index = new RelatedIndex(options)
  index.addAll(articles)
  return index
}

/** Replaces the bytes of the embeddings section (everything between the last field and the checksum) and fixes the checksum. */
function withEmbeddingSection(bytes: Uint8Array, sectionStart: number, section: Uint8Array): Uint8Array {
  const body = new Uint8Array(sectionStart + section.length)
  body.set(bytes.subarray(0, sectionStart))
  body.set(section, sectionStart)
  const out = new Uint8Array(body.length + 4)
  out.set(body)
  new DataView(out.buffer).setUint32(body.length, crc32(body), true)
  return out
}

describe('snapshots with embeddings', () => {
  it('round-trip: a loaded index answers every query exactly as the original, embeddings and signals included', () => {
    const index = build()
    const loaded = RelatedIndex.deserialize(index.serialize())
    expect(answers(loaded)).toEqual(answers(index))
    expect(loaded.get('ukr-talks-1')?.embedding).toEqual(index.get('ukr-talks-1')?.embedding)
    const signals = loaded.related('ukr-talks-1').map((r) => r.signals.embedding)
    expect(signals.some((s) => s.weight > 0)).toBe(true)
    expect(loaded.serialize()).toEqual(index.serialize())
  })

  it('keep the measure and the embedding weight, and the dimension rule', () => {
    const index = build({ embeddingSimilarity: 'pearson', weights: { embedding: 2 } })
    const loaded = RelatedIndex.deserialize(index.serialize())
    expect(answers(loaded)).toEqual(answers(index))
    expect(loaded.related('ukr-talks-1').find((r) => r.signals.embedding.weight > 0)?.signals.embedding.weight).toBe(2)
    expect(() => loaded.add({ id: 'n', title: 'Oil', body: 'Oil output.', embedding: [1, 2] })).toThrow(/must have 3 values/)
  })

  it('behave after a load exactly as the original under further changes', () => {
    const index = build()
    const loaded = RelatedIndex.deserialize(index.serialize())
    for (const i of [index, loaded]) {
      i.add({ id: 'n', title: 'Ceasefire talks', body: 'Envoys met in Istanbul.', embedding: [1, 0, 0] })
      i.update({ ...(i.get('fire-1') as Article), embedding: undefined })
      i.remove('ukr-talks-1')
    }
    expect(answers(loaded)).toEqual(answers(index))
    expect(loaded.serialize()).toEqual(index.serialize())
  })

  it('add no bytes for an index without embeddings, and forget the dimension once the last embedding is gone', () => {
    const plain = build(undefined, NEWS)
    const index = build()
    for (const a of ARTICLES) if (a.embedding !== undefined) index.update({ ...a, embedding: undefined })
    // The same bytes but for the order of term ids (freed and reused by the updates).
    expect(index.serialize().length).toBe(plain.serialize().length)
    expect(RelatedIndex.deserialize(index.serialize()).relatedAll()).toEqual(RelatedIndex.deserialize(plain.serialize()).relatedAll())
    const loaded = RelatedIndex.deserialize(index.serialize())
    loaded.add({ id: 'n', title: 'Oil', body: 'Oil output.', embedding: [1, 2, 3, 4, 5] })
    expect(loaded.get('n')?.embedding).toHaveLength(5)
  })

  describe('refuse a damaged embeddings section with SNAPSHOT_CORRUPT', () => {
    const plainBytes = build(undefined, NEWS).serialize()
    // Without embeddings the file ends at the checksum; with them, the section starts right there.
    const start = plainBytes.length - 4
    const n = NEWS.length
    const section = (dimension: number, flags: number[], values: number[]): Uint8Array => {
      const out = new Uint8Array(4 + n + values.length * 4)
      const dv = new DataView(out.buffer)
      dv.setUint32(0, dimension, true)
      out.set(flags, 4)
      values.forEach((v, i) => dv.setFloat32(4 + n + i * 4, v, true))
      return out
    }
    const oneFlag = [1, ...new Array<number>(n - 1).fill(0)]

    it('reads a well-formed hand-made section (the documented layout is the real one)', () => {
      const loaded = RelatedIndex.deserialize(withEmbeddingSection(plainBytes, start, section(2, oneFlag, [0.5, -1])))
      expect(loaded.get(NEWS[0]?.id as string)?.embedding).toEqual(Float32Array.of(0.5, -1))
      expect(loaded.get(NEWS[1]?.id as string)?.embedding).toBeUndefined()
    })

    it.each([
      ['dimension 0', section(0, oneFlag, [])],
      ['a flag that is neither 0 nor 1', section(2, [2, ...new Array<number>(n - 1).fill(0)], [1, 1])],
      ['a dimension but no embedding', section(2, new Array<number>(n).fill(0), [])],
      ['fewer values than the flags promise', section(2, [1, 1, ...new Array<number>(n - 2).fill(0)], [1, 1, 1])],
      ['a NaN value', section(2, oneFlag, [NaN, 1])],
      ['an infinite value', section(2, oneFlag, [1, Infinity])],
      ['an embedding of zeros', section(2, oneFlag, [0, 0])],
      ['a huge dimension', section(0xffffffff, oneFlag, [1])],
      ['bytes after the section', Uint8Array.from([...section(1, oneFlag, [1]), 7])],
    ])('refuses %s', (_why, bytes) => {
      expect(codeOf(() => RelatedIndex.deserialize(withEmbeddingSection(plainBytes, start, bytes)))).toBe('SNAPSHOT_CORRUPT')
    })

    it('refuses a negative value under a measure for non-negative vectors', () => {
      const ruzicka = build({ embeddingSimilarity: 'ruzicka' }, NEWS).serialize()
      const bytes = withEmbeddingSection(ruzicka, ruzicka.length - 4, section(2, oneFlag, [0.5, -1]))
      expect(codeOf(() => RelatedIndex.deserialize(bytes))).toBe('SNAPSHOT_CORRUPT')
      expect(() => RelatedIndex.deserialize(bytes)).toThrow(/negative embedding value/)
    })
  })
})
