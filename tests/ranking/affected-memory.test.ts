import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { cosineCeiling } from '../../src/ranking/affected-memory.js'

/** Cosine of two non-negative vectors under per-coordinate weights (idf², as the index weighs terms). */
function weightedCosine(a: readonly number[], b: readonly number[], w: readonly number[]): number {
  let dot = 0
  let na = 0
  let nb = 0
  for (let i = 0; i < a.length; i++) {
    const wi = (w[i] as number) ** 2
    dot += (a[i] as number) * (b[i] as number) * wi
    na += (a[i] as number) ** 2 * wi
    nb += (b[i] as number) ** 2 * wi
  }
  return na > 0 && nb > 0 ? dot / Math.sqrt(na * nb) : 0
}

describe('the drift bounds of the affectedBy memory', () => {
  it('cosineCeiling bounds a cosine after every idf moved within [lo, hi], and the cosine shrinks by at most (lo/hi)² (property)', () => {
    // Zero or far from underflow (stored weights are sublinear counts, at least about 1e-3).
    const weight = fc.oneof(fc.constant(0), fc.double({ min: 1e-3, max: 5, noNaN: true }))
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 12 }).chain((n) =>
          fc.tuple(
            fc.array(weight, { minLength: n, maxLength: n }),
            fc.array(weight, { minLength: n, maxLength: n }),
            fc.array(fc.double({ min: 1, max: 12, noNaN: true }), { minLength: n, maxLength: n }),
            fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: n, maxLength: n }),
          ),
        ),
        fc.double({ min: 0.5, max: 1, noNaN: true }),
        fc.double({ min: 1, max: 1.5, noNaN: true }),
        ([a, b, idf, position], lo, hi) => {
          const before = weightedCosine(a, b, idf)
          const after = weightedCosine(a, b, idf.map((w, i) => w * (lo + (hi - lo) * (position[i] as number))))
          const f = (lo / hi) ** 2
          expect(after).toBeLessThanOrEqual(cosineCeiling(before, f) + 1e-12)
          expect(after).toBeGreaterThanOrEqual(f * before - 1e-12)
        },
      ),
      { numRuns: 500, seed: 15 },
    )
  })

  it('cosineCeiling is tight near 1, where c / f would pass 1', () => {
    // 0.999 drifted by 2%: the multiplicative bound says 1.019, the sine bound stays below 1.
    expect(0.999 / 0.98).toBeGreaterThan(1)
    expect(cosineCeiling(0.999, 0.98)).toBeLessThan(0.9992)
    expect(cosineCeiling(0.5, 1)).toBeCloseTo(0.5, 10)
    expect(cosineCeiling(0.5, 0)).toBe(Infinity)
  })
})
