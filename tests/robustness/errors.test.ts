import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import type { Article } from '../../src/article.js'
import type { RelatedArticlesErrorCode } from '../../src/errors.js'
import { RelatedArticlesError } from '../../src/errors.js'
import { RelatedIndex } from '../../src/ranking/related-index.js'
import { NEWS } from '../helpers/corpus.js'
import { indexOf, thrown, typedError } from './helpers.js'

interface Case {
  /** The call, in words. */
  call: string
  run: () => unknown
  field: string | undefined
  message: RegExp
  /** The `expected` and `got` details, when the error carries them. */
  expected?: string | RegExp
  got?: string | RegExp
}

const stored = (): RelatedIndex => indexOf(NEWS.slice(0, 4))
const snapshot = stored().serialize()
const withVersion = (bytes: Uint8Array, version: number): Uint8Array => {
  const copy = bytes.slice()
  new DataView(copy.buffer).setUint32(8, version, true)
  return copy
}

/**
 * The catalogue, code by code. A `Record` over the code union: adding a code to
 * `RelatedArticlesErrorCode` without a case here fails type-checking.
 */
const catalogue: Record<RelatedArticlesErrorCode, Case[]> = {
  INVALID_ARTICLE: [
    {
      call: 'add() of an article with a numeric title',
      run: () => new RelatedIndex().add({ id: 'a', title: 5, body: 'b' } as never),
      field: 'title',
      message: /^title \(article "a"\) must be a string, got number 5$/,
      expected: 'a string',
      got: 'number 5',
    },
    {
      call: 'add() of null',
      run: () => new RelatedIndex().add(null as never),
      field: 'article',
      message: /^article must be an article object \{ id, title, body, … \}, got null$/,
      got: 'null',
    },
    {
      call: 'add() with an empty id',
      run: () => new RelatedIndex().add({ id: '', title: 't', body: 'b' }),
      field: 'id',
      message: /^id must be a non-empty string, got the string ""$/,
      expected: 'a non-empty string',
    },
    {
      call: 'update() with a tag that is not a string',
      run: () => stored().update({ id: 'ukr-drone', title: 't', body: 'b', tags: ['x', 3] } as never),
      field: 'tags[1]',
      message: /^tags\[1\] \(article "ukr-drone"\) must be a string, got number 3$/,
    },
    {
      call: 'addAll() whose last article has a null body',
      run: () => new RelatedIndex().addAll([{ id: 'a', title: 't', body: 'b' }, { id: 'z', title: 't', body: null }] as never),
      field: 'articles[1].body',
      message: /^articles\[1\]: body \(article "z"\) must be a string, got null$/,
      expected: 'a string',
      got: 'null',
    },
    {
      call: 'addAll() of a string',
      run: () => new RelatedIndex().addAll('abc' as never),
      field: 'articles',
      message: /^articles must be an iterable of articles, got the string "abc"$/,
    },
    {
      call: 'remove() of a number',
      run: () => stored().remove(7 as never),
      field: 'id',
      message: /^id must be a string, got number 7$/,
    },
    {
      call: 'relatedTo() a draft with an invalid date',
      run: () => stored().relatedTo({ title: 't', body: 'b', publishedAt: 'next Tuesday' }),
      field: 'publishedAt',
      message: /^publishedAt must be an ISO 8601 date string or a valid Date, got the string "next Tuesday"$/,
    },
  ],
  DUPLICATE_ID: [
    {
      call: 'add() of a stored id',
      run: () => stored().add({ id: 'ukr-drone', title: 't', body: 'b' }),
      field: 'id',
      message: /^id "ukr-drone" is already stored; use update\(\) to replace it$/,
      expected: 'an id that is not stored yet',
      got: '"ukr-drone"',
    },
    {
      call: 'addAll() listing one id twice',
      run: () => new RelatedIndex().addAll([{ id: 'x', title: 't', body: 'b' }, { id: 'x', title: 'u', body: 'c' }]),
      field: 'articles[1].id',
      message: /^articles\[1\]: id "x" is already stored/,
    },
  ],
  NOT_FOUND: [
    {
      call: 'related() of an id that is not stored',
      run: () => stored().related('nope'),
      field: 'id',
      message: /^No article with id "nope" is stored$/,
      expected: 'the id of a stored article',
      got: '"nope"',
    },
    {
      call: 'relatedAll() with an unknown id in ids',
      run: () => stored().relatedAll({ ids: ['ukr-drone', 'gone'] }),
      field: 'id',
      message: /"gone"/,
    },
    {
      call: 'affectedBy() of a removed id',
      run: () => {
        const index = stored()
        index.remove('ukr-drone')
        return index.affectedBy('ukr-drone')
      },
      field: 'id',
      message: /"ukr-drone"/,
    },
  ],
  INVALID_OPTION: [
    {
      call: 'an unknown index option',
      run: () => new RelatedIndex({ tittleWeight: 2 } as never),
      field: 'tittleWeight',
      message: /^options has an unknown option "tittleWeight"; expected one of .*titleWeight.*maxArticleLength, oversized$/,
    },
    {
      call: 'a fractional k',
      run: () => stored().related('ukr-drone', { k: 2.5 }),
      field: 'k',
      message: /^k must be an integer from 1 to 1000, got number 2\.5$/,
      expected: 'an integer from 1 to 1000',
      got: 'number 2.5',
    },
    {
      call: 'an oversized policy that does not exist',
      run: () => new RelatedIndex({ oversized: 'drop' } as never),
      field: 'oversized',
      message: /^oversized must be 'reject' or 'truncate', got the string "drop"$/,
    },
    {
      call: 'a maxArticleLength of 0',
      run: () => new RelatedIndex({ maxArticleLength: 0 }),
      field: 'maxArticleLength',
      message: /^maxArticleLength must be an integer of at least 1, got number 0$/,
    },
    {
      call: 'a filter that is not a function',
      run: () => stored().related('ukr-drone', { filter: 'World' } as never),
      field: 'filter',
      message: /^filter must be a function \(article\) => boolean, got the string "World"$/,
    },
    {
      call: 'addAll() options that are null',
      run: () => new RelatedIndex().addAll([], null as never),
      field: 'options',
      message: /^options must be an options object \{ onProgress \}, got null$/,
    },
    {
      call: 'an unknown affectedBy option',
      run: () => stored().affectedBy('ukr-drone', { kk: 3 } as never),
      field: 'kk',
      message: /^kk must be no option but k, got number 3$/,
    },
    {
      call: 'deserialize() with a negative maxSnapshotBytes',
      run: () => RelatedIndex.deserialize(snapshot, { maxSnapshotBytes: -1 }),
      field: 'maxSnapshotBytes',
      message: /^maxSnapshotBytes must be a positive integer, got number -1$/,
    },
  ],
  LIMIT_EXCEEDED: [
    {
      call: 'a k above MAX_K',
      run: () => stored().related('ukr-drone', { k: 5000 }),
      field: 'k',
      message: /^k must be at most 1000 \(MAX_K\), got number 5000$/,
    },
    {
      call: 'add() of a body longer than maxArticleLength',
      run: () => new RelatedIndex({ maxArticleLength: 100 }).add({ id: 'long', title: 'Short title', body: 'x'.repeat(200) }),
      field: 'body',
      message:
        /^body \(article "long"\) must be at most 100 characters of title and body together \(maxArticleLength\), got 211 characters \(title 11, body 200\); raise maxArticleLength or set oversized: 'truncate'$/,
      expected: 'at most 100 characters of title and body together (maxArticleLength)',
      got: '211 characters (title 11, body 200)',
    },
    {
      call: 'relatedTo() a draft whose title alone is too long',
      run: () => new RelatedIndex({ maxArticleLength: 10 }).relatedTo({ title: 'A headline longer than ten', body: '' }),
      field: 'title',
      message: /^title must be at most 10 characters/,
    },
    {
      call: 'deserialize() of a snapshot above maxSnapshotBytes',
      run: () => RelatedIndex.deserialize(snapshot, { maxSnapshotBytes: 100 }),
      field: 'maxSnapshotBytes',
      message: new RegExp(`^snapshot is ${snapshot.length} bytes, above maxSnapshotBytes \\(100\\); raise the limit to load it$`),
      expected: 'at most 100 bytes',
      got: `${snapshot.length} bytes`,
    },
  ],
  SNAPSHOT_CORRUPT: [
    {
      call: 'deserialize() of a truncated snapshot',
      run: () => RelatedIndex.deserialize(snapshot.subarray(0, snapshot.length - 1)),
      field: 'bytes',
      message: /^snapshot is truncated or damaged: its checksum does not match its contents$/,
    },
    {
      call: 'deserialize() of JSON text',
      run: () => RelatedIndex.deserialize(new TextEncoder().encode('{"articles": []}')),
      field: 'bytes',
      message: /^snapshot is not a related-articles snapshot/,
    },
  ],
  SNAPSHOT_VERSION: [
    {
      call: 'deserialize() of a newer format version',
      run: () => RelatedIndex.deserialize(withVersion(snapshot, 4)),
      field: 'formatVersion',
      message: /^snapshot has format version 4 \(written by related-articles [^)]+\); this library reads versions up to 3: upgrade related-articles to load it$/,
      expected: 'at most 3',
      got: '4',
    },
  ],
  INVALID_STATE: [
    {
      call: 'iterateRelated() continued after an add',
      run: () => {
        const index = stored()
        const lists = index.iterateRelated()
        lists.next()
        index.add({ id: 'late', title: 'Late', body: 'Late news.' })
        return lists.next()
      },
      field: undefined,
      message: /^the index changed during iterateRelated\/relatedAll; finish or restart the iteration/,
    },
    {
      call: 'add() inside a query filter',
      run: () => {
        const index = stored()
        return index.related('ukr-drone', { filter: () => (index.add({ id: 'sneak', title: 't', body: 'b' }), true) })
      },
      field: 'filter',
      message: /^add\(\) was called inside a query's filter callback; a filter must only inspect the article it is given$/,
      got: 'add()',
    },
    {
      call: 'related() inside a query filter',
      run: () => {
        const index = stored()
        return index.related('ukr-drone', { filter: () => index.related('ukr-talks-1').length > 0 })
      },
      field: 'filter',
      message: /^related\(\) was called inside a query's filter callback/,
    },
    {
      call: 'remove() inside addAll onProgress',
      run: () => {
        const index = stored()
        return index.addAll([{ id: 'n', title: 't', body: 'b' }], { onProgress: () => index.remove('ukr-drone') })
      },
      field: 'onProgress',
      message: /^remove\(\) was called inside addAll's onProgress callback; change the index after addAll returns$/,
    },
  ],
}

const rows = Object.entries(catalogue).flatMap(([code, cases]) => cases.map((c) => [code, c.call, c] as const))

describe('the error catalogue', () => {
  it('lists every code of RelatedArticlesErrorCode in src/errors.ts', () => {
    const source = readFileSync(new URL('../../src/errors.ts', import.meta.url), 'utf8')
    const union = /export type RelatedArticlesErrorCode =([\s\S]*?)\n\n/.exec(source)?.[1] ?? ''
    const codes = [...union.matchAll(/\|\s*'([A-Z_]+)'/g)].map((m) => m[1])
    expect(codes.length).toBeGreaterThan(0)
    expect(Object.keys(catalogue).sort()).toEqual([...codes].sort())
    for (const cases of Object.values(catalogue)) expect(cases.length).toBeGreaterThan(0)
  })

  it.each(rows)('produces %s for %s, with a message naming the field, what was expected and what was found', (code, _call, c) => {
    const error = typedError(c.run)
    expect(error).toBeInstanceOf(Error)
    expect(error.name).toBe('RelatedArticlesError')
    expect(error.code).toBe(code)
    expect(error.message).toMatch(c.message)
    expect(error.field).toBe(c.field)
    if (c.expected !== undefined) expect(error.expected).toMatch(c.expected)
    if (c.got !== undefined) expect(error.got).toMatch(c.got)
    // One short line, fit for a log: no stack of values, no newline.
    expect(error.message).not.toContain('\n')
    expect(error.message.length).toBeLessThan(400)
  })

  it('keeps messages short for huge values: a 50 MB body, a 10,000-character id', () => {
    const long = 'i'.repeat(10_000)
    const messages = [
      typedError(() => new RelatedIndex().add({ id: 'big', title: 't', body: 'x'.repeat(50 * 2 ** 20) })).message,
      typedError(() => stored().related(long)).message,
      typedError(() => new RelatedIndex().add({ id: long, title: 5 } as never)).message,
      typedError(() => indexOf([{ id: long, title: 't', body: 'b' }]).add({ id: long, title: 't', body: 'b' })).message,
    ]
    for (const message of messages) expect(message.length).toBeLessThan(300)
  })

  it('names the article id on errors about a stored article, and exports the error class from the package entry', async () => {
    const error = typedError(() => stored().add({ ...(NEWS[0] as Article) }))
    expect(error.id).toBe(NEWS[0]?.id)
    const entry = await import('../../src/index.js')
    expect(entry.RelatedArticlesError).toBe(RelatedArticlesError)
  })
})

describe('junk arguments to every public method', () => {
  // Values a caller in plain JavaScript might pass by mistake.
  const junk: unknown[] = [
    undefined, null, 0, -1, NaN, Infinity, 2 ** 53, '', 'ukr-drone', true, 10n, Symbol('s'), () => true,
    [], [1, 'a'], {}, { k: 'x' }, { id: 'a' }, new Date(NaN), new Map(), Object.create(null), { toString: 1 },
  ]
  const index = stored()
  const methods: Array<[string, (a: unknown, b: unknown) => unknown]> = [
    ['new RelatedIndex', (a) => new RelatedIndex(a as never)],
    ['add', (a) => new RelatedIndex().add(a as never)],
    ['addAll (articles)', (a, b) => new RelatedIndex().addAll([a] as never, b as never)],
    ['addAll (options)', (_a, b) => new RelatedIndex().addAll([NEWS[0] as Article], b as never)],
    ['update', (a) => new RelatedIndex().update(a as never)],
    ['remove', (a) => stored().remove(a as never)],
    ['has', (a) => index.has(a as never)],
    ['get', (a) => index.get(a as never)],
    ['related', (a, b) => index.related(a as never, b as never)],
    ['related (options)', (_a, b) => index.related('ukr-drone', b as never)],
    ['relatedTo', (a, b) => index.relatedTo(a as never, b as never)],
    ['relatedExhaustive', (a, b) => index.relatedExhaustive(a as never, b as never)],
    ['affectedBy', (a, b) => index.affectedBy(a as never, b as never)],
    ['affectedBy (options)', (_a, b) => index.affectedBy('ukr-drone', b as never)],
    ['copiesOf', (a) => index.copiesOf(a as never)],
    ['relatedAll', (a) => index.relatedAll(a as never)],
    ['iterateRelated', (a) => [...index.iterateRelated(a as never)]],
    ['deserialize', (a, b) => RelatedIndex.deserialize(a as never, b as never)],
    ['deserialize (options)', (_a, b) => RelatedIndex.deserialize(snapshot, b as never)],
  ]
  it.each(methods)('%s returns or throws a RelatedArticlesError, never anything else', (_name, call) => {
    // affectedBy fills its witness memory, which snapshots carry: for it, what the index answers must not change.
    const observe = (): unknown =>
      _name.startsWith('affectedBy') ? index.ids().map((id) => [index.get(id), index.related(id, { k: 50 })]) : index.serialize()
    const before = observe()
    for (const a of junk) {
      for (const b of junk) {
        const error = thrown(() => call(a, b))
        if (error !== undefined && !(error instanceof RelatedArticlesError)) {
          throw new Error(`${_name}(${show(a)}, ${show(b)}) threw ${String(error)}`)
        }
      }
    }
    expect(observe()).toEqual(before)
  })
})

function show(value: unknown): string {
  if (typeof value === 'symbol' || typeof value === 'bigint') return value.toString()
  try {
    return JSON.stringify(value) ?? String(value)
  } catch {
    return Object.prototype.toString.call(value)
  }
}
