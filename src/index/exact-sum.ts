/**
 * The correctly rounded sum of many doubles, whatever order they come in (Shewchuk's
 * non-overlapping partials, as Python's `math.fsum`). Floating-point addition is not associative,
 * so a plain loop gives a result that depends on the order of the terms, and the order of a
 * document's terms is its term ids, which depend on the order articles arrived in. Summing
 * exactly makes norms and pairwise cosines bit-identical between an index and a fresh build of
 * the same articles in any order.
 *
 * A reusable accumulator: `reset`, `add` each term, then `value`. The partials are few (two or
 * three for the sums of positive, similar-sized terms the index computes), so an `add` costs a
 * few additions more than `+=`.
 * @internal
 */
export class ExactSum {
  private partials = new Float64Array(16)
  private count = 0

  reset(): void {
    this.count = 0
  }

  add(value: number): void {
    let x = value
    let p = this.partials
    let kept = 0
    for (let j = 0; j < this.count; j++) {
      let y = p[j] as number
      if (Math.abs(x) < Math.abs(y)) {
        const swap = x
        x = y
        y = swap
      }
      const hi = x + y
      const lo = y - (hi - x)
      if (lo !== 0) p[kept++] = lo
      x = hi
    }
    if (kept >= p.length) {
      const grown = new Float64Array(p.length * 2)
      grown.set(p)
      this.partials = p = grown
    }
    p[kept] = x
    this.count = kept + 1
  }

  /** The sum of every value added since the last reset, rounded once (half to even). */
  value(): number {
    const p = this.partials
    let n = this.count
    if (n === 0) return 0
    let hi = p[--n] as number
    let lo = 0
    while (n > 0) {
      const x = hi
      const y = p[--n] as number
      hi = x + y
      lo = y - (hi - x)
      if (lo !== 0) break
    }
    // Round half to even across the partials below: when the rest has the sign of `lo`, the
    // exact sum lies beyond the half-way point that `hi + lo` rounded away from.
    if (n > 0 && ((lo < 0 && (p[n - 1] as number) < 0) || (lo > 0 && (p[n - 1] as number) > 0))) {
      const y = lo * 2
      const x = hi + y
      if (y === x - hi) hi = x
    }
    return hi
  }
}
