/**
 * Caller-supplied embeddings, one dense vector per slot, kept in one pooled Float32Array (slot s
 * at `s × dimension`) with its L2 norm beside it. One pool rather than a typed array per article:
 * a typed array costs about 100 bytes before its first element, and the scoring loop reads one
 * contiguous block. Values are stored as given (rounded to 32-bit floats), so `get` can return
 * them; the norm is computed once here, so cosine costs one dot product per pair and nothing is
 * validated again at query time.
 *
 * Every embedding shares one dimension: the first one stored sets it, and it is forgotten when the
 * last one is removed (so an index and its reloaded snapshot always agree on it).
 */
export class EmbeddingStore {
  private dim = 0
  private count = 0
  private pool = new Float32Array(0)
  /** L2 norm by slot; 0 where the slot has no embedding (a stored embedding is never all zeros). */
  private normBySlot = new Float64Array(0)

  /** Length of every stored embedding, or 0 when none is stored. */
  get dimension(): number {
    return this.dim
  }

  /** Number of slots holding an embedding. */
  get size(): number {
    return this.count
  }

  /** The pooled values (slot s at `s × dimension`); read-only for callers. */
  get values(): Float32Array {
    return this.pool
  }

  /** Norms by slot (0 = no embedding); read-only for callers. */
  get norms(): Float64Array {
    return this.normBySlot
  }

  has(slot: number): boolean {
    return slot < this.normBySlot.length && (this.normBySlot[slot] as number) > 0
  }

  /** A view of the slot's embedding (valid until the store changes), or undefined. */
  vector(slot: number): Float32Array | undefined {
    if (!this.has(slot)) return undefined
    return this.pool.subarray(slot * this.dim, (slot + 1) * this.dim)
  }

  /**
   * Stores a validated embedding (finite, not all zero, of the store's dimension unless it holds
   * none) at a slot that has none. Never throws on such input.
   */
  set(slot: number, vector: Float32Array): void {
    if (this.count === 0) this.dim = vector.length
    if (vector.length !== this.dim) throw new Error(`EmbeddingStore.set: dimension ${vector.length}, expected ${this.dim}`)
    this.reserve(slot + 1)
    this.pool.set(vector, slot * this.dim)
    this.normBySlot[slot] = l2Norm(vector)
    this.count++
  }

  /** Forgets the slot's embedding, if any. */
  delete(slot: number): void {
    if (!this.has(slot)) return
    this.pool.fill(0, slot * this.dim, (slot + 1) * this.dim)
    this.normBySlot[slot] = 0
    if (--this.count === 0) {
      this.dim = 0
      this.pool = new Float32Array(0)
      this.normBySlot = new Float64Array(0)
    }
  }

  /** Moves the embedding of slot `order[i]` to slot i (for `ArticleStore.compact`), at its live size. */
  compact(order: ArrayLike<number>): void {
    if (this.count === 0) return
    const size = Math.max(order.length, 16)
    const norms = new Float64Array(size)
    const pool = new Float32Array(size * this.dim)
    for (let i = 0; i < order.length; i++) {
      const old = order[i] as number
      if (!this.has(old)) continue
      norms[i] = this.normBySlot[old] as number
      pool.set(this.pool.subarray(old * this.dim, (old + 1) * this.dim), i * this.dim)
    }
    this.normBySlot = norms
    this.pool = pool
  }

  private reserve(slots: number): void {
    if (this.normBySlot.length >= slots) return
    const size = Math.max(slots, this.normBySlot.length * 2, 16)
    const norms = new Float64Array(size)
    norms.set(this.normBySlot)
    const pool = new Float32Array(size * this.dim)
    pool.set(this.pool)
    this.normBySlot = norms
    this.pool = pool
  }
}

/** L2 norm, summed in double precision. @internal */
export function l2Norm(vector: ArrayLike<number>): number {
  let sq = 0
  for (let i = 0; i < vector.length; i++) sq += (vector[i] as number) * (vector[i] as number)
  return Math.sqrt(sq)
}
