import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { RelatedIndex } from '../../src/ranking/related-index.js'

/**
 * A v1 snapshot of the test corpus written before the memory and canonical-order work on the
 * index core, with the top-5 answers it gave then. Later versions must keep loading it and
 * ranking identically, so an internal change cannot silently break snapshots already on disk.
 * Ids and their order must match exactly; scores to 12 digits, because norms are now summed
 * exactly (independent of term order) where the old code summed in term-id order, which moves
 * some scores by an ulp or two (at most 1.7e-16 on this fixture).
 */
/** The ranking defaults the answers were written under: a later change of defaults is not a core change. */
const WRITTEN_UNDER = { weights: { time: 0 }, contextGate: 0 } as const

const fixture = (name: string): URL => new URL(`../fixtures/${name}`, import.meta.url)

describe('frozen v1 snapshot', () => {
  it('still loads and answers every query as when it was written', () => {
    const loaded = RelatedIndex.deserialize(new Uint8Array(readFileSync(fixture('v1.snapshot'))))
    const expected = JSON.parse(readFileSync(fixture('v1.related.json'), 'utf8')) as Record<string, [string, number][]>
    expect([...loaded.ids()].sort()).toEqual(Object.keys(expected).sort())
    for (const id of loaded.ids()) {
      const got = loaded.related(id, { k: 5, ...WRITTEN_UNDER })
      const want = expected[id] ?? []
      expect(got.map((r) => r.id)).toEqual(want.map(([other]) => other))
      got.forEach((r, i) => expect(r.score).toBeCloseTo((want[i] as [string, number])[1], 12))
    }
  })
})
