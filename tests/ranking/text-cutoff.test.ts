import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { textCutoff } from '../../src/ranking/engine.js'
import { contextShare } from '../../src/ranking/signals.js'

/** The score bound the cutoff inverts: text x, time closeness and embedding similarity 1, time weight gated by x. */
function bound(x: number, wt: number, wtime: number, gate: number, wemb = 0): number {
  const w = wtime * contextShare(x, gate)
  return (wt * x + w + wemb) / (wt + w + wemb)
}

const weight = fc.double({ min: 0.01, max: 10, noNaN: true })
const unit = fc.double({ min: 0, max: 1, noNaN: true })

describe('textCutoff', () => {
  it('is safe: a text cosine below the cutoff bounds the score below the threshold', () => {
    fc.assert(
      fc.property(weight, fc.oneof(fc.constant(0), weight), fc.constantFrom(0, 0.01, 0.25, 0.5, 1, 2), fc.double({ min: 1e-6, max: 1, noNaN: true }), unit, fc.oneof(fc.constant(0), weight), (wt, wtime, gate, threshold, f, wemb) => {
        const cut = textCutoff(threshold, wt, wtime, gate, wemb)
        const x = Math.max(0, cut) * f
        if (x < cut) expect(bound(x, wt, wtime, gate, wemb)).toBeLessThan(threshold)
      }),
      { numRuns: 2000 },
    )
  })

  it('is tight: just above the cutoff the bound reaches the threshold', () => {
    fc.assert(
      fc.property(weight, fc.oneof(fc.constant(0), weight), fc.constantFrom(0, 0.01, 0.25, 0.5, 1, 2), fc.double({ min: 0.01, max: 0.99, noNaN: true }), fc.oneof(fc.constant(0), weight), (wt, wtime, gate, threshold, wemb) => {
        const cut = textCutoff(threshold, wt, wtime, gate, wemb)
        if (cut >= 0 && cut + 1e-6 <= 1) expect(bound(cut + 1e-6, wt, wtime, gate, wemb)).toBeGreaterThanOrEqual(threshold - 1e-9)
      }),
      { numRuns: 2000 },
    )
  })

  it('is the threshold itself for text alone, and lower than it with time (which can only lift a score)', () => {
    expect(textCutoff(0.4, 1, 0, 0.5)).toBeCloseTo(0.4, 8)
    // Defaults (text 1, time 1, gate 0.5): below the gate the bound is 3x / (1 + 2x).
    expect(textCutoff(0.4, 1, 1, 0.5)).toBeCloseTo(0.4 / (3 - 0.8), 8)
    // Above the gate's score (0.75) time has its full weight: (x + 1) / 2.
    expect(textCutoff(0.9, 1, 1, 0.5)).toBeCloseTo(0.8, 8)
    // A threshold no score is below skips nothing.
    expect(textCutoff(Number.MIN_VALUE, 1, 1, 0.5)).toBeLessThan(0)
  })
})
