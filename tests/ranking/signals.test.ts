import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { contextShare, linearTf, sublinearTf, textTf, timeCloseness } from '../../src/ranking/signals.js'

describe('term-frequency weights', () => {
  it('sublinearTf is 1 + ln tf from one mention on, and linear below', () => {
    expect(sublinearTf(1)).toBe(1)
    expect(sublinearTf(Math.E)).toBeCloseTo(2, 12)
    expect(sublinearTf(0.5)).toBe(0.5)
    expect(textTf(1, 3, 2)).toBeCloseTo(1 + Math.log(5), 12)
  })

  it('linearTf undoes sublinearTf for any positive weighted count', () => {
    fc.assert(
      fc.property(fc.double({ min: 1e-6, max: 1e6, noNaN: true }), (count) => {
        expect(Math.abs(linearTf(sublinearTf(count)) - count) / count).toBeLessThan(1e-9)
      }),
    )
  })

  it('linearTf recovers counts from the 32-bit weights the index stores to within 1e-6 relative', () => {
    for (const count of [1, 2, 3, 7, 42, 1000]) {
      const stored = Math.fround(sublinearTf(count))
      expect(Math.abs(linearTf(stored) - count) / count).toBeLessThan(1e-6)
    }
  })
})

describe('time closeness', () => {
  const DAY = 86_400_000
  it('is 1 at the same instant and 0.5 one half-life apart, in either direction, for both shapes', () => {
    for (const decay of ['exponential', 'hyperbolic'] as const) {
      expect(timeCloseness(0, 0, 14, 14, decay)).toBe(1)
      expect(timeCloseness(0, 14 * DAY, 14, 14, decay)).toBeCloseTo(0.5, 12)
      expect(timeCloseness(14 * DAY, 0, 14, 14, decay)).toBeCloseTo(0.5, 12)
    }
  })

  it('keeps a long tail when hyperbolic: follow-ups three months on still count', () => {
    // 90 days is about the 95th percentile of follow-ups in the dated labelled set.
    expect(timeCloseness(0, 90 * DAY, 14, 14, 'exponential')).toBeLessThan(0.02)
    expect(timeCloseness(0, 90 * DAY, 14, 14, 'hyperbolic')).toBeCloseTo(1 / (1 + 90 / 14), 12)
  })

  it('is NaN when either time is missing, and falls monotonically with distance', () => {
    expect(timeCloseness(NaN, 0, 14, 14)).toBeNaN()
    fc.assert(
      fc.property(fc.double({ min: 0, max: 3650, noNaN: true }), fc.double({ min: 0, max: 3650, noNaN: true }), fc.constantFrom('exponential' as const, 'hyperbolic' as const), (a, b, decay) => {
        const near = timeCloseness(0, Math.min(a, b) * DAY, 7, 30, decay)
        const far = timeCloseness(0, Math.max(a, b) * DAY, 7, 30, decay)
        expect(far).toBeLessThanOrEqual(near)
        expect(far).toBeGreaterThanOrEqual(0)
        expect(near).toBeLessThanOrEqual(1)
      }),
    )
  })
})

describe('context share', () => {
  it('gives context signals nothing without shared content and full weight from the gate on', () => {
    expect(contextShare(0, 0.5)).toBe(0)
    expect(contextShare(0.25, 0.5)).toBe(0.5)
    expect(contextShare(0.5, 0.5)).toBe(1)
    expect(contextShare(0.9, 0.5)).toBe(1)
    expect(contextShare(0, 0)).toBe(1)
  })
})
