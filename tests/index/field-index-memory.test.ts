import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { FieldIndex, smoothedIdf, type FieldFootprint } from '../../src/index/field-index.js'
import { seededRandom as random } from '../../src/evaluation/random.js'

/**
 * Memory under churn: a field that went through many rounds of updates, removals and adds holds
 * its pools within a small factor of the entries in use, close to a fresh build of the same
 * documents, and answers exactly as that fresh build (the pool rewrites that give memory back
 * move lists around, never change them).
 */

/** A document of 20 to 80 distinct terms drawn Zipf-like from 3,000 (a few common, most rare), sometimes with a word of its own. */
function document(next: () => number, unique: number | undefined): Map<string, number> {
  const terms = new Map<string, number>()
  const size = 20 + Math.floor(next() * 60)
  while (terms.size < size) terms.set(`w${Math.floor(3000 ** next())}`, 1 + Math.floor(next() * 4))
  if (unique !== undefined) terms.set(`u${unique}`, 1)
  return terms
}

/** Bytes of the pools' arrays and per-term/per-slot arrays, and the bytes their entries use. */
function sizes(f: FieldFootprint): { typed: number; pools: number; used: number } {
  return { typed: f.typedBytes, pools: f.postingsBytes + f.forwardBytes, used: f.postingsUsedBytes + f.forwardUsedBytes }
}

function freshBuild(docs: ReadonlyMap<number, Map<string, number>>): { field: FieldIndex; slotOf: Map<number, number> } {
  const field = new FieldIndex()
  const slotOf = new Map<number, number>()
  for (const [key, tfs] of docs) {
    slotOf.set(key, slotOf.size)
    field.add(slotOf.size - 1, tfs)
  }
  field.trim()
  return { field, slotOf }
}

/** Whether every term's postings list its documents in increasing slot order (`collect` walks them in list order). */
function postingsSorted(field: FieldIndex, slots: number): boolean {
  const seen = new Uint8Array(slots)
  const touched = new Int32Array(slots)
  for (let t = 0; t < field.vocabularySize; t++) {
    if (field.documentFrequency(t) === 0) continue
    const n = field.collect(t, seen, touched, 0)
    for (let i = 0; i < n; i++) seen[touched[i] as number] = 0
    for (let i = 1; i < n; i++) if ((touched[i] as number) < (touched[i - 1] as number)) return false
  }
  return true
}

describe('FieldIndex memory under churn', () => {
  it('never rebuilds the postings of a field that only grows (they are in slot order already)', () => {
    const next = random(16)
    const field = new FieldIndex()
    for (let slot = 0; slot < 4000; slot++) field.add(slot, document(next, slot % 3 === 0 ? slot : undefined))
    expect(field.footprint().postingsRebuilds).toBe(0)
    expect(postingsSorted(field, 4000)).toBe(true)
    // Nor after a bulk load's trim, growing again one document at a time.
    field.trim()
    for (let slot = 4000; slot < 6000; slot++) field.add(slot, document(next, slot))
    expect(field.footprint().postingsRebuilds).toBe(0)
    expect(postingsSorted(field, 6000)).toBe(true)
  })

  it('stays within 1.3 times a fresh build after 40 rounds of updates, removals and adds, with identical norms and cosines', () => {
    const next = random(14)
    const churned = new FieldIndex()
    // Document key → its terms; the slot of a key is the key itself (slots are reused as keys are).
    const docs = new Map<number, Map<string, number>>()
    const freeSlots: number[] = []
    let nextSlot = 0
    let unique = 0
    const addDoc = (): void => {
      const slot = freeSlots.length > 0 ? (freeSlots.pop() as number) : nextSlot++
      const tfs = document(next, unique++)
      churned.add(slot, tfs)
      docs.set(slot, tfs)
    }
    for (let i = 0; i < 1500; i++) addDoc()
    churned.trim()
    // Right after each rewrite of the postings in slot order, every list is sorted by slot.
    let lastRebuilds = churned.footprint().postingsRebuilds
    let sortedChecks = 0
    const checkSorted = (): void => {
      const rebuilds = churned.footprint().postingsRebuilds
      if (rebuilds > lastRebuilds) {
        expect(postingsSorted(churned, nextSlot)).toBe(true)
        sortedChecks++
      }
      lastRebuilds = rebuilds
    }
    for (let round = 0; round < 40; round++) {
      // Update 5% (a new body: a new word of its own, the previous one forgotten), replace 2%.
      const keys = [...docs.keys()]
      for (let i = 0; i < 75; i++) {
        const slot = keys[Math.floor(next() * keys.length)] as number
        churned.remove(slot)
        checkSorted()
        const tfs = document(next, unique++)
        churned.add(slot, tfs)
        checkSorted()
        docs.set(slot, tfs)
      }
      for (let i = 0; i < 30; i++) {
        const slot = [...docs.keys()][Math.floor(next() * docs.size)] as number
        churned.remove(slot)
        checkSorted()
        docs.delete(slot)
        freeSlots.push(slot)
      }
      for (let i = 0; i < 30; i++) {
        addDoc()
        checkSorted()
      }
    }
    expect(sortedChecks).toBeGreaterThan(0)
    const { field: fresh, slotOf } = freshBuild(docs)
    const c = sizes(churned.footprint())
    const f = sizes(fresh.footprint())
    expect(c.used).toBe(f.used)
    // Without the rewrites the churned pools held 3.3 times the entries in use.
    expect(c.pools).toBeLessThanOrEqual(1.3 * c.used)
    expect(c.typed).toBeLessThanOrEqual(1.3 * f.typed)
    expect(churned.liveTerms).toBe(fresh.liveTerms)
    expect(churned.vocabularySize).toBeLessThanOrEqual(Math.ceil(1.05 * fresh.vocabularySize))
    const churnedNorms = churned.documentNorms()
    const freshNorms = fresh.documentNorms()
    const pairs = [...docs.keys()].slice(0, 40)
    for (const a of pairs) {
      expect(churnedNorms[a]).toBe(freshNorms[slotOf.get(a) as number])
      for (const b of pairs) expect(churned.cosine(a, b)).toBe(fresh.cosine(slotOf.get(a) as number, slotOf.get(b) as number))
    }
  })

  it('after removing almost everything, gives the memory back', () => {
    const next = random(7)
    const field = new FieldIndex()
    for (let slot = 0; slot < 2000; slot++) field.add(slot, document(next, slot))
    const full = sizes(field.footprint())
    for (let slot = 0; slot < 1980; slot++) field.remove(slot)
    const after = sizes(field.footprint())
    expect(after.used).toBeLessThan(full.used / 50)
    // Pools within twice the live entries plus the floor below which they are left alone.
    expect(after.pools).toBeLessThanOrEqual(2 * after.used + 200_000)
    expect(after.pools).toBeLessThan(full.pools / 5)
  })

  it('keeps every list intact through any sequence of adds and removes (property)', () => {
    const op = fc.oneof(
      fc.record({ kind: fc.constant('add' as const), terms: fc.uniqueArray(fc.integer({ min: 0, max: 400 }), { minLength: 1, maxLength: 60 }), tf: fc.integer({ min: 1, max: 5 }) }),
      fc.record({ kind: fc.constant('remove' as const), at: fc.nat() }),
    )
    fc.assert(
      fc.property(fc.array(op, { minLength: 1, maxLength: 300 }), (ops) => {
        const field = new FieldIndex()
        const docs = new Map<number, Map<string, number>>()
        let nextSlot = 0
        for (const o of ops) {
          if (o.kind === 'add') {
            const tfs = new Map(o.terms.map((t, i) => [`t${t}`, o.tf + (i % 3)]))
            field.add(nextSlot, tfs)
            docs.set(nextSlot++, tfs)
          } else if (docs.size > 0) {
            const slot = [...docs.keys()][o.at % docs.size] as number
            field.remove(slot)
            docs.delete(slot)
          }
        }
        // Every document's forward list, and every term's document frequency, as a fresh build's.
        const { field: fresh, slotOf } = freshBuild(docs)
        for (const [slot, tfs] of docs) {
          const { terms, tfs: weights } = field.forwardList(slot)
          const got = new Map([...terms].map((t, i) => [field.term(t), weights[i]]))
          expect(got).toEqual(tfs)
          for (const term of tfs.keys()) expect(field.documentFrequency(field.termId(term) as number)).toBe(fresh.documentFrequency(fresh.termId(term) as number))
          expect(field.documentNorms()[slot]).toBe(fresh.documentNorms()[slotOf.get(slot) as number])
        }
        expect(field.liveTerms).toBe(fresh.liveTerms)
        // Every term's postings name exactly the documents that have it.
        const holders = new Map<string, number[]>()
        for (const [slot, tfs] of docs) for (const term of tfs.keys()) holders.set(term, [...(holders.get(term) ?? []), slot])
        for (const [term, slots] of holders) {
          const seen = new Uint8Array(nextSlot)
          const touched = new Int32Array(nextSlot)
          const n = field.collect(field.termId(term) as number, seen, touched, 0)
          expect([...touched.subarray(0, n)].sort((x, y) => x - y)).toEqual(slots.sort((x, y) => x - y))
        }
        const c = sizes(field.footprint())
        expect(c.used).toBe(sizes(fresh.footprint()).used)
      }),
      { numRuns: 60 },
    )
  })
})

describe('FieldIndex with empty documents', () => {
  // Tags in an untagged archive: every document is empty. They count for idf, but keep no
  // per-slot list head, norm or exponent past the last non-empty document.
  it('keeps no per-slot arrays for trailing empty documents, counts them, and reads them as empty', () => {
    const field = new FieldIndex()
    for (let slot = 0; slot < 5000; slot++) field.add(slot, new Map())
    const bytes = (f: FieldIndex): number => f.footprint().forwardBytes + f.footprint().perSlotBytes
    // Nothing grew: the arrays of a new field (22 bytes a slot would add 110,000).
    expect(bytes(field)).toBe(bytes(new FieldIndex()))
    expect(field.size).toBe(5000)
    expect(field.forwardLength(4999)).toBe(0)
    expect(field.forwardList(4999).terms.length).toBe(0)
    expect(field.cosine(1, 2)).toBe(0)
    expect(field.dotDense(3, new Float64Array(8), new Float64Array(8))).toBe(0)
    field.remove(10)
    expect(field.size).toBe(4999)
    // A term in a later document sees every empty document in its idf, as a field with lists would.
    field.add(5000, new Map([['oil', 2]]))
    expect(field.size).toBe(5000)
    expect(field.idf()[field.termId('oil') as number]).toBe(smoothedIdf(5000, 1))
    expect(field.documentNorms()[5000]).toBe(2 * smoothedIdf(5000, 1))
    expect(field.forwardLength(4000)).toBe(0)
    // Removing an empty document that now has a list (slot 4000 is below the non-empty one).
    field.remove(4000)
    expect(field.size).toBe(4999)
  })

  it('restores trailing empty documents without lists, and keeps their count', () => {
    const field = new FieldIndex()
    field.add(0, new Map([['oil', 1]]))
    field.add(1, new Map([['gas', 3]]))
    for (let slot = 2; slot < 3000; slot++) field.add(slot, new Map())
    field.remove(0)
    field.compact(Int32Array.from({ length: 2999 }, (_, i) => i + 1))
    expect(field.size).toBe(2999)
    // Lists for 2,999 slots would add 66,000 bytes to the arrays' fixed minimum (about 12,000).
    expect(field.footprint().forwardBytes + field.footprint().perSlotBytes).toBeLessThan(20_000)
    expect(field.forwardList(0).terms.length).toBe(1)
    expect(field.idf()[field.termId('gas') as number]).toBe(smoothedIdf(2999, 1))
    expect(field.documentNorms()[0]).toBe(3 * smoothedIdf(2999, 1))
  })
})
