import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { linearTf, sublinearTf, textTf } from '../../src/ranking/signals.js'

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
