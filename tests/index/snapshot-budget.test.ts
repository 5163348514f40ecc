import { describe, expect, it } from 'vitest'
import { RelatedArticlesError } from '../../src/errors.js'
import { LOAD_MEMORY_FACTOR, LOAD_MEMORY_FLOOR, crc32 } from '../../src/index/snapshot.js'
import { RelatedIndex } from '../../src/ranking/related-index.js'
import { NEWS } from '../helpers/corpus.js'

/**
 * Hostile snapshots with a valid checksum whose load would need many times their size: millions
 * of empty articles, or a vocabulary of short made-up terms. The loader estimates what the load
 * needs from the counts in the file and refuses before allocating (LIMIT_EXCEEDED), instead of
 * running the process out of heap.
 */
const MAGIC = Uint8Array.of(0x89, 0x52, 0x45, 0x4c, 0x41, 0x52, 0x54, 0x0a)
const encoder = new TextEncoder()

/** A format-2 snapshot written piece by piece: articles as JSON, then three fields of flat lists. */
function crafted(articles: string, count: number, text: { terms: string[]; lengths: number[] }): Uint8Array {
  const parts: Uint8Array[] = []
  const u32 = (n: number): void => {
    const b = new Uint8Array(4)
    new DataView(b.buffer).setUint32(0, n, true)
    parts.push(b)
  }
  const str = (s: string): void => {
    const b = encoder.encode(s)
    u32(b.length)
    parts.push(b)
  }
  parts.push(MAGIC)
  // Format 2: what an index without an affectedBy memory writes (format 3 adds a section after the fields).
  u32(2)
  str('0.0.0-test')
  str('{}')
  u32(count)
  u32(1)
  str(articles)
  parts.push(new Uint8Array(count)) // date flags
  const field = (terms: string[], lengths: number[]): void => {
    u32(terms.length)
    str(JSON.stringify(terms))
    str('[]')
    parts.push(new Uint8Array(Uint32Array.from(lengths).buffer))
    const total = lengths.reduce((a, b) => a + b, 0)
    parts.push(new Uint8Array(Int32Array.from({ length: total }, (_, i) => i).buffer))
    parts.push(new Uint8Array(new Float32Array(total).fill(1).buffer))
    parts.push(new Uint8Array(new Int32Array(total).fill(-1).buffer))
  }
  field(text.terms, text.lengths)
  field([], new Array<number>(count).fill(0))
  field([], new Array<number>(count).fill(0))
  const size = parts.reduce((n, p) => n + p.length, 0)
  const out = new Uint8Array(size + 4)
  let at = 0
  for (const p of parts) {
    out.set(p, at)
    at += p.length
  }
  new DataView(out.buffer).setUint32(size, crc32(out.subarray(0, size)), true)
  return out
}

function refusal(bytes: Uint8Array): RelatedArticlesError {
  try {
    RelatedIndex.deserialize(bytes)
  } catch (error) {
    if (error instanceof RelatedArticlesError) return error
    throw error
  }
  throw new Error('expected the snapshot to be refused')
}

describe('the load budget of snapshots', () => {
  it('refuses a million empty articles (a 45 MB file that needs over 500 MB) with LIMIT_EXCEEDED', () => {
    const count = 1_000_000
    const articles = `[${Array.from({ length: count }, (_, i) => `{"id":"${i.toString(36)}","title":"","body":""}`).join(',')}]`
    const bytes = crafted(articles, count, { terms: [], lengths: new Array<number>(count).fill(0) })
    const error = refusal(bytes)
    expect(error.code).toBe('LIMIT_EXCEEDED')
    expect(error.field).toBe('bytes')
    expect(error.message).toMatch(/would need about [\d.]+ MB to load \(1000000 articles, 0 terms, 0 term entries\)/)
    expect(error.message).toContain(`${LOAD_MEMORY_FACTOR} times its size`)
  })

  it('refuses a vocabulary of a million short made-up terms in one article', () => {
    const count = 1_000_000
    const terms = Array.from({ length: count }, (_, i) => i.toString(36))
    const bytes = crafted('[{"id":"a","title":"","body":""}]', 1, { terms, lengths: [count] })
    const error = refusal(bytes)
    expect(error.code).toBe('LIMIT_EXCEEDED')
    expect(error.message).toMatch(/1 articles, 1000000 terms, 1000000 term entries/)
  })

  it('loads the same shapes when they are small enough for the floor', () => {
    const count = 20_000
    const articles = `[${Array.from({ length: count }, (_, i) => `{"id":"${i}","title":"","body":""}`).join(',')}]`
    expect(RelatedIndex.deserialize(crafted(articles, count, { terms: [], lengths: new Array<number>(count).fill(0) })).size).toBe(count)
    const terms = Array.from({ length: 50_000 }, (_, i) => i.toString(36))
    const loaded = RelatedIndex.deserialize(crafted('[{"id":"a","title":"","body":""}]', 1, { terms, lengths: [terms.length] }))
    expect(loaded.size).toBe(1)
    expect(LOAD_MEMORY_FLOOR).toBe(64 * 1024 * 1024)
  })

  it('never refuses a snapshot of real articles', () => {
    const index = new RelatedIndex()
    index.addAll(NEWS)
    expect(RelatedIndex.deserialize(index.serialize()).size).toBe(NEWS.length)
  })
})
