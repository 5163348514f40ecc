import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { TermTable } from '../../src/index/term-table.js'

/** The table answers as a Map under any sequence of adds and deletes, and its size follows the live count. */
describe('TermTable', () => {
  it('answers as a Map under any sequence of adds and deletes (property)', () => {
    // Few distinct strings, so adds and deletes hit the same terms and probe runs collide.
    const term = fc.oneof(fc.constantFrom('oil', 'rate', 'rates', 'talks', ''), fc.string({ maxLength: 4 }))
    const op = fc.record({ add: fc.boolean(), term })
    fc.assert(
      fc.property(fc.array(op, { maxLength: 400 }), fc.array(term, { maxLength: 20 }), (ops, probes) => {
        const table = new TermTable()
        const model = new Map<string, number>()
        const terms: Array<string | undefined> = []
        const free: number[] = []
        for (const { add, term: t } of ops) {
          if (add && !model.has(t)) {
            const id = free.length > 0 ? (free.pop() as number) : terms.length
            terms[id] = t
            table.add(t, id)
            model.set(t, id)
          } else if (!add && model.has(t)) {
            const id = model.get(t) as number
            table.delete(t, terms)
            terms[id] = undefined
            free.push(id)
            model.delete(t)
          }
          expect(table.size).toBe(model.size)
        }
        for (const t of [...model.keys(), ...probes]) expect(table.get(t, terms)).toBe(model.get(t))
      }),
      { numRuns: 300 },
    )
  })

  it('gives memory back when most terms are deleted, and grows again', () => {
    const table = new TermTable()
    const terms: string[] = []
    for (let i = 0; i < 100_000; i++) {
      terms.push(`term${i}`)
      table.add(`term${i}`, i)
    }
    const full = table.bytes
    expect(full).toBeLessThanOrEqual(8 * 4 * 100_000)
    for (let i = 0; i < 99_000; i++) table.delete(`term${i}`, terms)
    expect(table.bytes).toBeLessThanOrEqual(full / 16)
    for (let i = 99_000; i < 100_000; i++) expect(table.get(`term${i}`, terms)).toBe(i)
    expect(table.get('term5', terms)).toBeUndefined()
  })
})
