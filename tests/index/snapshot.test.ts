import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { Article } from '../../src/article.js'
import { RelatedArticlesError } from '../../src/errors.js'
import { DEFAULT_MAX_SNAPSHOT_BYTES, SNAPSHOT_FORMAT_VERSION, crc32, encodeJson } from '../../src/index/snapshot.js'
import type { RelatedIndexOptions } from '../../src/ranking/options.js'
import { RelatedIndex } from '../../src/ranking/related-index.js'
import { NEWS } from '../helpers/corpus.js'
import { codeOf } from '../helpers/errors.js'
import { newsSentence } from '../helpers/arbitraries.js'


// Real news words and names, so analysis yields real stems and entities.
const sentence = newsSentence()

const day = fc.integer({ min: 0, max: 60 }).map((d) => new Date(Date.UTC(2025, 0, 1 + d)))
const articleBody = fc.record({
  title: sentence,
  body: fc.array(sentence, { minLength: 1, maxLength: 4 }).map((s) => s.join(' ')),
  // Strings and Dates both, so the Date flag of the format is exercised.
  publishedAt: fc.option(fc.oneof(day.map((d) => d.toISOString()), day), { nil: undefined }),
  tags: fc.option(fc.subarray(['Ukraine war', 'Economy', 'Weather']), { nil: undefined }),
  section: fc.option(fc.constantFrom('World', 'Business'), { nil: undefined }),
})

const corpus = fc
  .array(articleBody, { minLength: 1, maxLength: 10 })
  .map((items) => items.map((a, i): Article => ({ id: i === 0 ? '__proto__' : `a${i}`, ...a })))

const op = fc.oneof(
  fc.record({ kind: fc.constant('add' as const), body: articleBody }),
  fc.record({ kind: fc.constant('update' as const), at: fc.nat(), body: articleBody }),
  fc.record({ kind: fc.constant('remove' as const), at: fc.nat() }),
)
type Op = typeof op extends fc.Arbitrary<infer T> ? T : never

/** Applies operations to every index given, identically; returns the ids stored afterwards. */
function apply(indexes: RelatedIndex[], ops: Op[], start: string[], prefix: string): string[] {
  const live = [...start]
  let next = 0
  for (const o of ops) {
    if (o.kind === 'add') {
      const a = { id: `${prefix}${next++}`, ...o.body }
      for (const index of indexes) index.add(a)
      live.push(a.id)
    } else if (live.length > 0) {
      const id = live[o.at % live.length] as string
      if (o.kind === 'update') for (const index of indexes) index.update({ id, ...o.body })
      else {
        for (const index of indexes) index.remove(id)
        live.splice(live.indexOf(id), 1)
      }
    }
  }
  return live
}

/** Every observable answer of an index: stored articles and full result lists. */
function answers(index: RelatedIndex, ids: string[]): unknown {
  return {
    size: index.size,
    ids: index.ids().sort(),
    articles: ids.map((id) => index.get(id)),
    related: ids.map((id) => index.related(id, { k: 1000 })),
    diverse: ids.map((id) => index.related(id, { k: 3, diversity: 0.5 })),
    draft: index.relatedTo({ title: 'Russia talks on tariffs', body: 'Kyiv troops and Nato ceasefire talks.' }, { k: 1000 }),
  }
}

function snapshotOf(articles: Article[], options?: RelatedIndexOptions): Uint8Array {
  const index = new RelatedIndex(options)
  index.addAll(articles)
  return index.serialize()
}

/** Little-endian u32. */
function u32(n: number): Uint8Array {
  const b = new Uint8Array(4)
  new DataView(b.buffer).setUint32(0, n, true)
  return b
}

function str(text: string): Uint8Array {
  const data = new TextEncoder().encode(text)
  return concat([u32(data.length), data])
}

function options(value: string | Uint8Array): Uint8Array {
  return typeof value === 'string' ? str(value) : concat([u32(value.length), value])
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0))
  let at = 0
  for (const p of parts) {
    out.set(p, at)
    at += p.length
  }
  return out
}

function withChecksum(body: Uint8Array): Uint8Array {
  return concat([body, u32(crc32(body))])
}

const MAGIC = Uint8Array.of(0x89, 0x52, 0x45, 0x4c, 0x41, 0x52, 0x54, 0x0a)

interface FieldParts {
  terms: string[]
  display?: Array<[number, string]>
  lists: Array<Array<[number, number]>>
}

/**
 * Writes a format-1 snapshot from parts, independently of the library's writer: the format as a
 * test oracle, and a way to build files that pass the checksum but lie in their contents.
 */
function handMade(parts: {
  version?: number
  options?: string | Uint8Array
  count?: number
  chunks?: string[]
  flags?: number[]
  fields?: FieldParts[]
  trailing?: Uint8Array
}): Uint8Array {
  const articles = [{ id: 'x', title: 'Oil prices', body: 'Oil prices rose.' }]
  const n = parts.count ?? articles.length
  const fields = parts.fields ?? [
    { terms: ['oil', 'price', 'rose'], lists: [[[0, 2], [1, 2], [2, 1]]] },
    { terms: [], lists: [[]] },
    { terms: [], lists: [[]] },
  ]
  const out: Uint8Array[] = [MAGIC, u32(parts.version ?? 1), str('0.0.0-test'), options(parts.options ?? '{}'), u32(n)]
  const chunks = parts.chunks ?? [JSON.stringify(articles)]
  out.push(u32(chunks.length), ...chunks.map(str))
  out.push(Uint8Array.from(parts.flags ?? new Array(n).fill(0)))
  for (const f of fields) {
    out.push(u32(f.terms.length), str(JSON.stringify(f.terms)), str(JSON.stringify(f.display ?? [])))
    out.push(...f.lists.map((l) => u32(l.length)))
    for (const l of f.lists) for (const [t] of l) out.push(u32(t >>> 0))
    for (const l of f.lists) {
      for (const [, w] of l) {
        const b = new Uint8Array(4)
        new DataView(b.buffer).setFloat32(0, w, true)
        out.push(b)
      }
    }
  }
  if (parts.trailing) out.push(parts.trailing)
  return withChecksum(concat(out))
}

describe('snapshots round-trip', () => {
  it('a deserialised index answers every query exactly as the original, also after adds, updates and removes', () => {
    fc.assert(
      fc.property(corpus, fc.array(op, { maxLength: 8 }), fc.array(op, { maxLength: 4 }), (articles, before, after) => {
        const original = new RelatedIndex()
        original.addAll(articles)
        const live = apply([original], before, articles.map((a) => a.id), 'n')
        const loaded = RelatedIndex.deserialize(original.serialize())
        expect(answers(loaded, live)).toEqual(answers(original, live))
        // Both keep behaving the same under further changes (free slots, term ids, display forms).
        const later = apply([original, loaded], after, live, 'm')
        expect(answers(loaded, later)).toEqual(answers(original, later))
      }),
      { numRuns: 30 },
    )
  })

  it('the query a load runs to ready the query path leaves nothing behind, whatever signals the index weighs', () => {
    // A load allocates the query scratch and runs one query on its first article (see
    // readyQueryPath); a residue in the accumulators would change the loaded index's answers.
    const weight = fc.constantFrom(0, 0.3, 1)
    const weights = fc.record({ text: fc.constantFrom(0.3, 1), entities: weight, tags: weight, time: weight })
    fc.assert(
      fc.property(corpus, weights, (articles, w) => {
        const original = new RelatedIndex({ weights: w })
        original.addAll(articles)
        const ids = articles.map((a) => a.id)
        const loaded = RelatedIndex.deserialize(original.serialize())
        // The loaded index's very first queries, before anything else touches it.
        expect(ids.map((id) => loaded.related(id, { k: 1000 }))).toEqual(ids.map((id) => original.related(id, { k: 1000 })))
        expect(answers(loaded, ids)).toEqual(answers(original, ids))
      }),
      { numRuns: 30 },
    )
  })

  it('re-serialising a loaded index gives the same bytes', () => {
    fc.assert(
      fc.property(corpus, fc.array(op, { maxLength: 6 }), (articles, ops) => {
        const original = new RelatedIndex()
        original.addAll(articles)
        apply([original], ops, articles.map((a) => a.id), 'n')
        const bytes = original.serialize()
        expect(RelatedIndex.deserialize(bytes).serialize()).toEqual(bytes)
      }),
      { numRuns: 20 },
    )
  })

  it('keeps a Date publishedAt a Date and a string a string', () => {
    const index = new RelatedIndex()
    index.add({ id: 'd', title: 'Oil', body: 'Oil prices.', publishedAt: new Date('2025-03-01T10:00:00Z') })
    index.add({ id: 's', title: 'Oil', body: 'Oil output.', publishedAt: '2025-03-02' })
    const loaded = RelatedIndex.deserialize(index.serialize())
    expect(loaded.get('d')?.publishedAt).toEqual(new Date('2025-03-01T10:00:00Z'))
    expect(loaded.get('s')?.publishedAt).toBe('2025-03-02')
  })

  it('keeps the index options, including Infinity and RegExp clutter patterns', () => {
    const options: RelatedIndexOptions = {
      weights: { text: 1, entities: 0.2, tags: 0, time: 0.5 },
      titleWeight: 3,
      candidateTerms: Infinity,
      newerHalfLifeDays: 3,
      analysis: { clutter: [/^read more\b/i, 'Sign up'], stemmer: 'none' },
    }
    const original = new RelatedIndex(options)
    const articles = [...NEWS, { id: 'x', title: 'Oil prices', body: 'Oil prices rose.\nRead more about oil\nSign up' }]
    original.addAll(articles)
    const loaded = RelatedIndex.deserialize(original.serialize())
    expect(answers(loaded, articles.map((a) => a.id))).toEqual(answers(original, articles.map((a) => a.id)))
    // The analysis options came back too: new articles are analysed the same way.
    const extra = { id: 'y', title: 'Read more prices', body: 'Sign up\nOil prices fell.\nRead more here' }
    original.add(extra)
    loaded.add(extra)
    expect(loaded.related('y')).toEqual(original.related('y'))
  })

  it('round-trips the real-text fixtures and an empty index', () => {
    const original = new RelatedIndex()
    original.addAll(NEWS)
    const loaded = RelatedIndex.deserialize(original.serialize())
    for (const a of NEWS) expect(loaded.related(a.id)).toEqual(original.related(a.id))
    const empty = RelatedIndex.deserialize(new RelatedIndex().serialize())
    expect(empty.size).toBe(0)
    empty.add(NEWS[0] as Article)
    expect(empty.related(NEWS[0]!.id)).toEqual([])
  })

  it('round-trips hostile strings: odd ids, lone surrogates, null bytes, RTL, CJK and emoji', () => {
    const odd: Article[] = [
      { id: 'constructor', title: 'Oil \u0000 prices \ud800 rise', body: 'النفط يرتفع. 石油価格が上昇. Oil 🚀 prices rise in Kyiv.' },
      { id: 'hasOwnProperty', title: 'Oil prices', body: 'Oil prices rose \udc00 in Kyiv.', tags: ['\u200f', 'Énergie'], entities: ['Kyiv'] },
      { id: '\u200b', title: '<b>Oil</b>', body: '<p>Oil &amp; gas</p>', section: 'World', url: 'https://example.org/?a=1&b=\u2028' },
    ]
    const original = new RelatedIndex()
    original.addAll(odd)
    const loaded = RelatedIndex.deserialize(original.serialize())
    expect(answers(loaded, odd.map((a) => a.id))).toEqual(answers(original, odd.map((a) => a.id)))
  })

  it('reads a hand-written format-1 file (the documented layout is the real one)', () => {
    const index = RelatedIndex.deserialize(handMade({}))
    expect(index.get('x')).toEqual({ id: 'x', title: 'Oil prices', body: 'Oil prices rose.' })
    expect(SNAPSHOT_FORMAT_VERSION).toBe(3)
  })
})

describe('loading bad snapshots', () => {
  const good = snapshotOf(NEWS.slice(0, 3))

  it.each([
    ['empty bytes', new Uint8Array(0)],
    ['a JSON file', new TextEncoder().encode('{"articles": []}')],
    ['gzip bytes', Uint8Array.of(0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3)],
    ['the signature alone', MAGIC],
  ])('refuses %s as SNAPSHOT_CORRUPT', (_name, bytes) => {
    expect(codeOf(() => RelatedIndex.deserialize(bytes))).toBe('SNAPSHOT_CORRUPT')
  })

  it('refuses every truncation of a real snapshot as SNAPSHOT_CORRUPT', () => {
    for (let length = 0; length < good.length; length++) {
      expect(codeOf(() => RelatedIndex.deserialize(good.subarray(0, length)))).toBe('SNAPSHOT_CORRUPT')
    }
  })

  it('refuses a snapshot with any single flipped bit', () => {
    for (let at = 0; at < good.length; at++) {
      const damaged = good.slice()
      damaged[at] = (damaged[at] as number) ^ (1 << at % 8)
      // A flipped bit in the version field reads as "a newer version"; everything else is caught by the checksum.
      expect(['SNAPSHOT_CORRUPT', 'SNAPSHOT_VERSION']).toContain(codeOf(() => RelatedIndex.deserialize(damaged)))
    }
  })

  it('refuses a newer format version with SNAPSHOT_VERSION, naming both versions', () => {
    const newer = good.slice()
    new DataView(newer.buffer).setUint32(8, SNAPSHOT_FORMAT_VERSION + 1, true)
    expect(() => RelatedIndex.deserialize(newer)).toThrow(
      new RegExp(`format version ${SNAPSHOT_FORMAT_VERSION + 1} \\(written by related-articles [^)]+\\).*up to ${SNAPSHOT_FORMAT_VERSION}`),
    )
    expect(codeOf(() => RelatedIndex.deserialize(newer))).toBe('SNAPSHOT_VERSION')
    expect(codeOf(() => RelatedIndex.deserialize(handMade({ version: 0 })))).toBe('SNAPSHOT_CORRUPT')
  })

  it('refuses a snapshot above maxSnapshotBytes with LIMIT_EXCEEDED before reading it', () => {
    expect(codeOf(() => RelatedIndex.deserialize(good, { maxSnapshotBytes: good.length - 1 }))).toBe('LIMIT_EXCEEDED')
    expect(RelatedIndex.deserialize(good, { maxSnapshotBytes: good.length }).size).toBe(3)
    expect(DEFAULT_MAX_SNAPSHOT_BYTES).toBe(2 ** 31)
  })

  it.each([
    ['a string instead of bytes', () => RelatedIndex.deserialize('RELART' as unknown as Uint8Array)],
    ['maxSnapshotBytes 0', () => RelatedIndex.deserialize(good, { maxSnapshotBytes: 0 })],
    ['maxSnapshotBytes NaN', () => RelatedIndex.deserialize(good, { maxSnapshotBytes: NaN })],
    ['an unknown option', () => RelatedIndex.deserialize(good, { maxBytes: 5 } as never)],
  ])('refuses %s with INVALID_OPTION', (_name, call) => {
    expect(codeOf(call)).toBe('INVALID_OPTION')
  })

  // Files that pass the checksum but lie: only a hostile writer makes these.
  it.each<[string, Parameters<typeof handMade>[0]]>([
    ['an article count larger than the file', { count: 0x7fffffff, flags: [] }],
    ['more articles than the header says', { count: 0, flags: [] }],
    ['an article chunk that is not an array', { chunks: ['{"id":"x"}'] }],
    ['an article that is not an object', { chunks: ['[5]'] }],
    ['an article with an undocumented field', { chunks: ['[{"id":"x","title":"t","body":"b","label":3}]'] }],
    ['an article with a __proto__ key', { chunks: ['[{"id":"x","title":"t","body":"b","__proto__":{"polluted":1}}]'] }],
    ['an invalid article', { chunks: ['[{"id":"","title":"t","body":"b"}]'] }],
    ['the same id twice', { count: 2, chunks: ['[{"id":"x","title":"t","body":"b"},{"id":"x","title":"t","body":"b"}]'], flags: [0, 0] }],
    ['a Date flag without a date', { flags: [1] }],
    ['an unknown flag', { flags: [4] }],
    ['options with a __proto__ key', { options: '{"__proto__":{"polluted":1}}' }],
    ['options the index refuses', { options: '{"candidateTerms":-1}' }],
    ['options that are not JSON', { options: '{candidateTerms:' }],
    ['a bad $number', { options: '{"candidateTerms":{"$number":"lots"}}' }],
    ['a bad $regexp', { options: '{"analysis":{"clutter":[{"$regexp":["(", ""]}]}}' }],
    ['text that is not UTF-8', { options: Uint8Array.of(0x7b, 0xff, 0x7d) }],
    ['a vocabulary that is not strings', { fields: [{ terms: [1 as unknown as string], lists: [[]] }] }],
    ['a term listed twice', { fields: [{ terms: ['oil', 'oil'], lists: [[]] }] }],
    ['a display entry for a missing term', { fields: [{ terms: ['oil'], display: [[7, 'Oil']], lists: [[]] }] }],
    ['a term id out of range', { fields: [{ terms: ['oil'], lists: [[[3, 1]]] }] }],
    ['a negative term id', { fields: [{ terms: ['oil'], lists: [[[-1, 1]]] }] }],
    ['term ids out of order', { fields: [{ terms: ['oil', 'price'], lists: [[[1, 1], [0, 1]]] }] }],
    ['a weight of 0', { fields: [{ terms: ['oil'], lists: [[[0, 0]]] }] }],
    ['a NaN weight', { fields: [{ terms: ['oil'], lists: [[[0, NaN]]] }] }],
    ['an infinite weight', { fields: [{ terms: ['oil'], lists: [[[0, Infinity]]] }] }],
    ['bytes after the last section', { trailing: Uint8Array.of(0) }],
  ])('refuses a checksum-valid file with %s as SNAPSHOT_CORRUPT', (_name, parts) => {
    expect(codeOf(() => RelatedIndex.deserialize(handMade(parts)))).toBe('SNAPSHOT_CORRUPT')
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
  })

  it('stays typed on random bytes, on random bytes behind a valid envelope, and on mutated real snapshots', () => {
    const allowed = ['SNAPSHOT_CORRUPT', 'SNAPSHOT_VERSION', 'LIMIT_EXCEEDED']
    const check = (bytes: Uint8Array): void => {
      let index: RelatedIndex
      try {
        index = RelatedIndex.deserialize(bytes, { maxSnapshotBytes: 1 << 20 })
      } catch (error) {
        if (!(error instanceof RelatedArticlesError) || !allowed.includes(error.code)) throw error
        return
      }
      // A mutation can yield a valid snapshot (a changed letter in a body): it must then work.
      for (const id of index.ids()) index.related(id)
    }
    const body = good.subarray(12, good.length - 4)
    const envelope = (payload: Uint8Array): Uint8Array => withChecksum(concat([MAGIC, u32(1), payload]))
    const mutation = fc.record({
      at: fc.nat(),
      kind: fc.constantFrom('set', 'insert', 'delete', 'u32'),
      value: fc.integer({ min: 0, max: 0xffffffff }),
    })
    const mutate = (ms: Array<{ at: number; kind: string; value: number }>): Uint8Array => {
      let b: Uint8Array = body.slice()
      for (const m of ms) {
        const at = m.at % (b.length + 1)
        if (m.kind === 'set') b[at % b.length] = m.value & 0xff
        else if (m.kind === 'insert') b = concat([b.subarray(0, at), Uint8Array.of(m.value & 0xff), b.subarray(at)])
        else if (m.kind === 'delete') b = concat([b.subarray(0, at), b.subarray(at + 1)])
        else if (at + 4 <= b.length) new DataView(b.buffer, b.byteOffset).setUint32(at, m.value, true)
      }
      return envelope(b)
    }
    fc.assert(
      fc.property(
        fc.oneof(
          fc.uint8Array({ maxLength: 2000 }),
          fc.uint8Array({ maxLength: 2000 }).map((b) => concat([MAGIC, b])),
          fc.uint8Array({ maxLength: 2000 }).map(envelope),
          fc.array(mutation, { minLength: 1, maxLength: 4 }).map(mutate),
        ),
        (bytes) => check(bytes),
      ),
      { numRuns: 1500 },
    )
  })

  it('never leaves an index half-loaded: a failed load returns nothing and changes nothing', () => {
    const index = new RelatedIndex()
    index.addAll(NEWS)
    const before = NEWS.map((a) => index.related(a.id))
    expect(codeOf(() => RelatedIndex.deserialize(good.subarray(0, good.length - 1)))).toBe('SNAPSHOT_CORRUPT')
    expect(NEWS.map((a) => index.related(a.id))).toEqual(before)
  })
})

describe('tagged JSON of options', () => {
  it('writes Infinity and RegExp so they can be read back', () => {
    expect(encodeJson({ a: Infinity, b: [/x+/gi] })).toBe('{"a":{"$number":"Infinity"},"b":[{"$regexp":["x+","gi"]}]}')
  })
})

describe('format 3: the affectedBy witness memory', () => {
  /** A snapshot of the first articles of NEWS with one witness memory (k = 2). */
  function withMemory(): { bytes: Uint8Array; n: number; k: number } {
    const index = new RelatedIndex()
    index.addAll(NEWS)
    index.affectedBy(NEWS[0]!.id, { k: 2 })
    return { bytes: index.serialize(), n: NEWS.length, k: 2 }
  }

  /** Where each part of the (single) memory section starts, counted from the end of the file. */
  function sections(bytes: Uint8Array, n: number, k: number): Record<'count' | 'k' | 'limits' | 'flags' | 'witnesses' | 'tau' | 'pair', number> {
    const pair = bytes.length - 4 - 8 * n
    const tau = pair - 16 * n
    const witnesses = tau - 4 * n * k
    const flags = witnesses - n
    const limits = flags - 16
    return { count: limits - 8, k: limits - 4, limits, flags, witnesses, tau, pair }
  }

  /** The file with `edit` applied to its body and its checksum made valid again. */
  function edited(bytes: Uint8Array, edit: (view: DataView, body: Uint8Array) => void): Uint8Array {
    const body = bytes.slice(0, bytes.length - 4)
    edit(new DataView(body.buffer), body)
    return withChecksum(body)
  }

  it('is the documented layout: a memory of k = 2 whose flags and witnesses hold together', () => {
    const { bytes, n, k } = withMemory()
    const view = new DataView(bytes.buffer, bytes.byteOffset)
    const at = sections(bytes, n, k)
    expect(view.getUint32(8, true)).toBe(3)
    expect(view.getUint32(at.count, true)).toBe(1)
    expect(view.getUint32(at.k, true)).toBe(2)
    const flags = bytes.subarray(at.flags, at.flags + n)
    expect([...flags].every((f) => f === 0 || f === 1 || f === 3)).toBe(true)
    expect([...flags].some((f) => f !== 0)).toBe(true)
    for (let i = 0; i < n; i++) {
      const tau = view.getFloat64(at.tau + 8 * i, true)
      for (let j = 0; j < k; j++) {
        const w = view.getInt32(at.witnesses + 4 * (i * k + j), true)
        expect(w).not.toBe(i)
        if (tau > 0) expect(w).toBeGreaterThanOrEqual(0)
      }
    }
  })

  it.each<[string, (view: DataView, at: ReturnType<typeof sections>) => void]>([
    ['no memories', (v, at) => v.setUint32(at.count, 0, true)],
    ['a memory for k = 0', (v, at) => v.setUint32(at.k, 0, true)],
    ['a memory for k = 1001', (v, at) => v.setUint32(at.k, 1001, true)],
    ['NaN limits', (v, at) => v.setFloat64(at.limits, NaN, true)],
    ['an unknown flag', (v, at) => v.setUint8(at.flags, 2)],
    ['an article that is its own witness', (v, at) => v.setInt32(at.witnesses, 0, true)],
    ['a witness beyond the articles', (v, at) => v.setInt32(at.witnesses, 10_000, true)],
    ['a NaN bound', (v, at) => v.setFloat64(at.tau, NaN, true)],
    ['an infinite cosine', (v, at) => v.setFloat64(at.pair, Infinity, true)],
    ['a bound above 1 (no score is)', (v, at) => {
      for (let j = 0; j < 2; j++) v.setInt32(at.witnesses + 4 * j, j + 1, true)
      v.setFloat64(at.tau, 1.5, true)
    }],
    ['a bound from one witness named twice', (v, at) => {
      for (let j = 0; j < 2; j++) v.setInt32(at.witnesses + 4 * j, 1, true)
      v.setFloat64(at.tau, 0.5, true)
    }],
  ])('refuses a checksum-valid file with %s as SNAPSHOT_CORRUPT', (_name, edit) => {
    const { bytes, n, k } = withMemory()
    const at = sections(bytes, n, k)
    const bad = edited(bytes, (view, body) => {
      // Article 0 must have an entry for the witness edits to be checked as such.
      body[at.flags] = 1
      edit(view, at)
    })
    expect(codeOf(() => RelatedIndex.deserialize(bad))).toBe('SNAPSHOT_CORRUPT')
  })

  it('refuses every truncation of the memory section (checksum made valid) and a memory with no entry but a bound', () => {
    const { bytes, n, k } = withMemory()
    const body = bytes.subarray(0, bytes.length - 4)
    for (let length = body.length - 300; length < body.length; length++) {
      expect(codeOf(() => RelatedIndex.deserialize(withChecksum(body.slice(0, length))))).toBe('SNAPSHOT_CORRUPT')
    }
    const at = sections(bytes, n, k)
    const boundWithoutEntry = edited(bytes, (view, body) => {
      body[at.flags] = 0
      for (let j = 0; j < k; j++) view.setInt32(at.witnesses + 4 * j, -1, true)
      view.setFloat64(at.tau, 0.5, true)
    })
    expect(codeOf(() => RelatedIndex.deserialize(boundWithoutEntry))).toBe('SNAPSHOT_CORRUPT')
  })

  it('keeps embeddings and the memory together, and re-serialises to the same bytes', () => {
    const index = new RelatedIndex({ weights: { embedding: 0.5 } })
    index.addAll(NEWS.map((a, i) => ({ ...a, embedding: Float32Array.of(1, i + 1, 2) })))
    index.affectedBy(NEWS[1]!.id, { k: 3 })
    const bytes = index.serialize()
    const loaded = RelatedIndex.deserialize(bytes)
    expect(loaded.serialize()).toEqual(bytes)
    expect(loaded.get(NEWS[2]!.id)?.embedding).toEqual(Float32Array.of(1, 3, 2))
    for (const a of NEWS) expect(loaded.related(a.id)).toEqual(index.related(a.id))
  })
})
