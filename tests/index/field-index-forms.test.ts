import fc from 'fast-check'
import { afterEach, describe, expect, it } from 'vitest'
import { FieldIndex, setNarrowFormLimits } from '../../src/index/field-index.js'

afterEach(() => setNarrowFormLimits(0xff, 0xffff))

/** One document: term → form it writes the term in. */
type Doc = Array<[term: string, form: string]>

function build(docs: ReadonlyArray<Doc | undefined>, order: readonly number[]): FieldIndex {
  const field = new FieldIndex()
  for (const slot of order) {
    const doc = docs[slot]
    if (doc === undefined) continue
    field.add(slot, new Map(doc.map(([t]) => [t, 1])), new Map(doc))
  }
  return field
}

/** The form each term of the document in `slot` records, by term (term ids differ between builds). */
function formsOf(field: FieldIndex, slot: number): Map<string, string | undefined> {
  const { terms } = field.forwardList(slot)
  const forms = field.forwardForms(slot)
  return new Map(Array.from(terms, (id, i) => [field.term(id), forms[i]]))
}

function displays(field: FieldIndex, terms: readonly string[]): Array<string | undefined> {
  return terms.map((t) => {
    const id = field.termId(t)
    return id === undefined ? undefined : field.display(id)
  })
}

describe('display forms kept per forward-list entry', () => {
  it('equal a fresh build after random adds and removes, in any order', () => {
    const term = fc.constantFrom('oil', 'bank', 'fed')
    const form = fc.constantFrom('Oil', 'OIL', 'oil', 'oils', 'Bank', 'banks', 'BANK', 'Fed', 'FED')
    const doc = fc.uniqueArray(fc.tuple(term, form), { selector: ([t]) => t, maxLength: 3 })
    fc.assert(
      fc.property(fc.array(doc, { minLength: 1, maxLength: 30 }), fc.array(fc.nat(), { maxLength: 20 }), (docs, removals) => {
        const field = build(docs, docs.map((_, i) => i))
        const kept: Array<Doc | undefined> = [...docs]
        for (const r of removals) {
          const slot = r % docs.length
          if (kept[slot] === undefined) continue
          field.remove(slot)
          kept[slot] = undefined
        }
        const fresh = build(kept, kept.map((_, i) => kept.length - 1 - i))
        expect(displays(field, ['oil', 'bank', 'fed'])).toEqual(displays(fresh, ['oil', 'bank', 'fed']))
        kept.forEach((d, slot) => {
          if (d !== undefined) expect(formsOf(field, slot)).toEqual(formsOf(fresh, slot))
        })
      }),
    )
  })

  // 40 spellings of one term: 1-byte entries hold them; with the 1-byte limit lowered to 3,
  // 2-byte ones do; with both lowered, form ids do.
  it.each([
    [0xff, 0xffff, Uint8Array],
    [0xff, 3, Uint8Array],
    [3, 0xffff, Uint16Array],
    [3, 3, Int32Array],
  ])('with %i forms a term in 1-byte entries and %i in 2-byte ones (4-byte form ids past them), stay exact', (oneByte, twoBytes, width) => {
    setNarrowFormLimits(oneByte, twoBytes)
    const n = 400
    const docs: Doc[] = Array.from({ length: n }, (_, i) => [
      ['oil', `oil${(i % 40).toString(36)}`],
      ['bank', i % 3 === 0 ? 'Bank' : 'banks'],
    ])
    const field = new FieldIndex()
    // The first document also has a term with no display form: an entry that must stay formless
    // through every widening.
    field.add(0, new Map([['oil', 1], ['bank', 1], ['fed', 1]]), new Map(docs[0]))
    for (let slot = 1; slot < n; slot++) field.add(slot, new Map((docs[slot] as Doc).map(([t]) => [t, 1])), new Map(docs[slot]))
    // 40 spellings, 10 documents each: the shortest, then the first in code-unit order.
    expect(displays(field, ['oil', 'bank'])).toEqual(['oil0', 'banks'])
    expect((field as unknown as { wideForms: boolean }).wideForms).toBe(width === Int32Array)
    expect((field as unknown as { forward: { aux: unknown } }).forward.aux).toBeInstanceOf(width)
    expect(formsOf(field, 399)).toEqual(new Map([['oil', 'oil' + (399 % 40).toString(36)], ['bank', 'Bank']]))
    expect(formsOf(field, 0)).toEqual(new Map([['oil', 'oil0'], ['bank', 'Bank'], ['fed', undefined]]))
    field.remove(0)
    field.add(0, new Map([['oil', 1], ['bank', 1]]), new Map(docs[0]))
    const kept: Array<Doc | undefined> = [...docs]
    for (let slot = 0; slot < n; slot += 40) {
      field.remove(slot)
      kept[slot] = undefined
    }
    const fresh = build(kept, kept.map((_, i) => kept.length - 1 - i))
    expect(displays(field, ['oil', 'bank'])).toEqual(['oil1', 'banks'])
    expect(displays(fresh, ['oil', 'bank'])).toEqual(['oil1', 'banks'])
    kept.forEach((d, slot) => {
      if (d !== undefined) expect(formsOf(field, slot)).toEqual(formsOf(fresh, slot))
    })
    // Compaction renumbers terms and forms, into entries as narrow as the spellings allow.
    field.compact(Int32Array.from(kept.flatMap((d, slot) => (d === undefined ? [] : [slot]))))
    expect(displays(field, ['oil', 'bank'])).toEqual(['oil1', 'banks'])
    expect((field as unknown as { forward: { aux: unknown } }).forward.aux).toBeInstanceOf(width)
  })
})
