import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { RelatedArticlesError } from '../../src/index.js'
import { ident, literal, objectNames, resolveMapping } from '../../src/postgres/mapping.js'

// No database needed: the mapping is checked and completed before anything connects.
describe('table mappings', () => {
  it('fills in the default column names and schema, and marks only what the caller named as explicit', () => {
    const m = resolveMapping({ table: 'stories', columns: { title: 'headline' } })
    expect(m.schema).toBe('public')
    expect(m.prefix).toBe('related_articles')
    expect(m.columns.get('title')).toEqual({ name: 'headline', explicit: true, required: true })
    expect(m.columns.get('publishedAt')).toEqual({ name: 'published_at', explicit: false, required: false })
    expect(m.columns.get('id')).toEqual({ name: 'id', explicit: false, required: true })
  })

  it.each([
    ['not an object', 'stories', /^mapping must be a table mapping/],
    ['no table', {}, /^mapping\.table must be a non-empty identifier/],
    ['an unknown key', { table: 't', tabel: 'x' }, /^mapping\.tabel must be one of table, schema, columns, prefix/],
    ['an unknown field', { table: 't', columns: { headline: 'h' } }, /^mapping\.columns\.headline must be one of id, title/],
    ['an empty column name', { table: 't', columns: { body: '' } }, /^mapping\.columns\.body must be a non-empty column name/],
    ['a prefix that is not a plain identifier', { table: 't', prefix: 'Ra-1' }, /^mapping\.prefix must be lower-case letters/],
    ['a NUL in a name', { table: 't\0' }, /^mapping\.table must be a non-empty identifier/],
  ])('refuses %s with INVALID_OPTION naming the key', (_why, mapping, message) => {
    let error: unknown
    try {
      resolveMapping(mapping)
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(RelatedArticlesError)
    expect((error as RelatedArticlesError).code).toBe('INVALID_OPTION')
    expect((error as Error).message).toMatch(message)
  })

  it('gives each schema and table its own NOTIFY channel, within PostgreSQL’s 63-byte names', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), fc.string({ minLength: 1 }), fc.string({ minLength: 1 }), (schema, a, b) => {
        fc.pre(!schema.includes('\0') && !a.includes('\0') && !b.includes('\0') && a !== b)
        const longest = 'p'.repeat(47)
        const ca = objectNames(resolveMapping({ table: a, schema, prefix: longest })).channel
        const cb = objectNames(resolveMapping({ table: b, schema, prefix: longest })).channel
        expect(Buffer.byteLength(ca)).toBeLessThanOrEqual(63)
        return ca !== cb || a === b
      }),
    )
    expect(objectNames(resolveMapping({ table: 'articles', schema: 'x' })).channel).not.toBe(
      objectNames(resolveMapping({ table: 'articles', schema: 'y' })).channel,
    )
  })

  it('quotes identifiers and literals by doubling their quote character', () => {
    expect(ident('a"b')).toBe('"a""b"')
    expect(literal("it's")).toBe("'it''s'")
  })
})
