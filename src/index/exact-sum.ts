/**
 * A sum of doubles that does not depend on the order of its terms. Floating-point addition is not
 * associative, so a plain loop gives a result that depends on the order of the terms, and the
 * order of a document's terms is its term ids, which depend on the order articles arrived in.
 * Summing order-free makes norms and pairwise cosines bit-identical between an index and a fresh
 * build of the same articles in any order.
 *
 * The method is binned pre-rounding (as in reproducible BLAS): with σ a power of two at least the
 * sum of the magnitudes (from the largest term, a value no order can change), every term is split
 * into three parts on fixed grids of σ·2⁻³⁰, σ·2⁻⁶⁰ and σ·2⁻⁹⁰ by the "add and subtract a large
 * constant" rounding trick. Each part is a multiple of its grid and the parts of one level add
 * up to less than 2⁵³ grid steps (for up to 2²³ terms), so every level's sum is exact, and
 * therefore the same in any order; the three level sums are added in a fixed order. What is cut
 * off below the last grid is under 2⁻⁹⁰·σ a term, far below the 2⁻⁵³ of a double. Cost: two
 * passes and about ten flops a term, several times cheaper than exact (Shewchuk) summation,
 * which this replaced. `ExactSum` is a small accumulator over it for callers that add one term
 * at a time.
 * @internal
 */
export class ExactSum {
  private values = new Float64Array(64)
  private count = 0

  reset(): void {
    this.count = 0
  }

  add(value: number): void {
    if (this.count === this.values.length) {
      const grown = new Float64Array(this.values.length * 2)
      grown.set(this.values)
      this.values = grown
    }
    this.values[this.count++] = value
  }

  /** The sum of every value added since the last reset, independent of their order. */
  value(): number {
    return orderFreeSum(this.values, this.count)
  }
}

/** 2^−30: the ratio between two grids. @internal */
export const BIN = 2 ** -30
/** 1.5 · 2^52: adding u · BIN_MAGIC and subtracting it again rounds to a multiple of u (for |x| < 2^51 · u). @internal */
export const BIN_MAGIC = 1.5 * 2 ** 52
const LEVEL = BIN
const MAGIC = BIN_MAGIC

/** The sum of `values[0…count)`, the same for any order of them (see {@link ExactSum}). @internal */
export function orderFreeSum(values: Float64Array, count: number): number {
  let max = 0
  for (let i = 0; i < count; i++) {
    const a = Math.abs(values[i] as number)
    if (a > max) max = a
  }
  // σ: a power of two ≥ count · max ≥ the sum of magnitudes. No terms, zeros only, or terms that
  // are not finite (never in an index): the plain sum is as good as any.
  const sigma = 2 ** Math.ceil(Math.log2(count * max))
  if (!(max > 0) || !Number.isFinite(sigma)) {
    let plain = 0
    for (let i = 0; i < count; i++) plain += values[i] as number
    return plain
  }
  const u1 = sigma * LEVEL
  const u2 = u1 * LEVEL
  const c1 = MAGIC * u1
  const c2 = MAGIC * u2
  const c3 = MAGIC * u2 * LEVEL
  let s1 = 0
  let s2 = 0
  let s3 = 0
  for (let i = 0; i < count; i++) {
    const x = values[i] as number
    const h1 = x + c1 - c1
    const r1 = x - h1
    const h2 = r1 + c2 - c2
    s1 += h1
    s2 += h2
    s3 += r1 - h2 + c3 - c3
  }
  return s1 + s2 + s3
}

