/**
 * A sparse TF-IDF field: vocabulary, document frequencies, postings (term → documents) and a
 * forward list per document (document → terms). Weights are stored as raw term-frequency weights
 * and combined with the current idf at query time, so document frequencies can change with every
 * add or remove and scores still equal those of an index built afresh from the same articles.
 *
 * Storage is two pools of parallel typed arrays (one for postings, one for forward lists) with an
 * offset and a length per term or slot, rather than two small typed arrays per term and per
 * document: a typed array costs about 100 bytes before its first element, which at 50,000 terms
 * and 20,000 articles was more than the data. A list that outgrows its room moves to the end of
 * its pool; the space it leaves is reclaimed by compacting the pool once half of it is garbage.
 */

/** The terms of one document, sorted by term id, with raw tf weights. Views: valid until the field changes. */
export interface ForwardList {
  readonly terms: Int32Array
  readonly tfs: Float32Array
}

/** Smoothed inverse document frequency, as scikit-learn's `smooth_idf`: never zero, never infinite. */
export function smoothedIdf(documentCount: number, documentFrequency: number): number {
  return Math.log((1 + documentCount) / (1 + documentFrequency)) + 1
}

/** Parallel int/float arrays holding many variable-length lists, each at [start, start + cap). */
class ListPool {
  ids: Int32Array
  values: Float32Array
  start = new Int32Array(64)
  length = new Int32Array(64)
  capacity = new Int32Array(64)
  /** First free position at the end of the pool. */
  end = 0
  /** Positions no list uses any more (left behind by moves and removals). */
  garbage = 0

  constructor(initial = 1024) {
    this.ids = new Int32Array(initial)
    this.values = new Float32Array(initial)
  }

  /** Makes room for list number `list` (growing the per-list arrays). */
  ensureList(list: number): void {
    if (list < this.start.length) return
    let size = this.start.length
    while (size <= list) size *= 2
    this.start = grow(this.start, size)
    this.length = grow(this.length, size)
    this.capacity = grow(this.capacity, size)
  }

  /** Gives `list` (empty) exactly `room` positions at the end of the pool. */
  place(list: number, room: number): void {
    this.clear(list)
    this.reserveEnd(room)
    this.start[list] = this.end
    this.capacity[list] = room
    this.length[list] = 0
    this.end += room
  }

  /** Appends one entry to `list`, moving it to the end of the pool (with doubled room) when full. */
  push(list: number, id: number, value: number): void {
    let len = this.length[list] as number
    if (len === this.capacity[list]) {
      const room = Math.max(2, len * 2)
      this.reserveEnd(room)
      const from = this.start[list] as number
      this.ids.copyWithin(this.end, from, from + len)
      this.values.copyWithin(this.end, from, from + len)
      this.garbage += this.capacity[list] as number
      this.start[list] = this.end
      this.capacity[list] = room
      this.end += room
    }
    const at = (this.start[list] as number) + len++
    this.ids[at] = id
    this.values[at] = value
    this.length[list] = len
  }

  /** Removes the entry with `id` from `list` by moving the last entry into its place. */
  removeId(list: number, id: number): void {
    const from = this.start[list] as number
    const last = from + (this.length[list] as number) - 1
    for (let i = from; i <= last; i++) {
      if (this.ids[i] === id) {
        this.ids[i] = this.ids[last] as number
        this.values[i] = this.values[last] as number
        this.length[list] = (this.length[list] as number) - 1
        return
      }
    }
  }

  /** Frees a whole list. */
  clear(list: number): void {
    this.garbage += this.capacity[list] as number
    this.capacity[list] = 0
    this.length[list] = 0
  }

  private reserveEnd(room: number): void {
    if (this.end + room <= this.ids.length) return
    const live = this.end - this.garbage
    // Compact when at least half the pool is garbage; grow (doubling) otherwise.
    if (this.garbage * 2 >= this.end) this.compact(Math.max(1024, (live + room) * 2))
    if (this.end + room > this.ids.length) {
      let size = this.ids.length
      while (this.end + room > size) size *= 2
      this.ids = grow(this.ids, size)
      this.values = grow(this.values, size)
    }
  }

  /** Rewrites every list with no spare room into arrays of exactly the live size (after a bulk load). */
  trim(): void {
    let live = 0
    for (let list = 0; list < this.start.length; list++) {
      this.capacity[list] = this.length[list] as number
      live += this.length[list] as number
    }
    this.compact(live)
  }

  /** Rewrites the live lists contiguously (keeping each list's room) into arrays of `size`. */
  private compact(size: number): void {
    const ids = new Int32Array(size)
    const values = new Float32Array(size)
    let end = 0
    for (let list = 0; list < this.start.length; list++) {
      const room = this.capacity[list] as number
      if (room === 0) continue
      const from = this.start[list] as number
      const len = this.length[list] as number
      ids.set(this.ids.subarray(from, from + len), end)
      values.set(this.values.subarray(from, from + len), end)
      this.start[list] = end
      end += room
    }
    this.ids = ids
    this.values = values
    this.end = end
    this.garbage = 0
  }
}

function grow<T extends Int32Array | Float32Array>(array: T, size: number): T {
  const grown = new (array.constructor as new (n: number) => T)(size)
  grown.set(array)
  return grown
}

export class FieldIndex {
  private readonly vocabulary = new Map<string, number>()
  private readonly terms: string[] = []
  private df = new Int32Array(64)
  /** Term → (slot, raw tf) entries. */
  private readonly postings = new ListPool()
  /** Slot → (term id, raw tf) entries, sorted by term id. */
  private readonly forward = new ListPool()
  /** One more than the largest slot ever added. */
  private slotCount = 0
  private idfCache = new Float64Array(0)
  private norms = new Float64Array(0)
  private statsFresh = false
  private documentCount = 0

  /** Number of documents currently in the field (documents with no terms count too). */
  get size(): number {
    return this.documentCount
  }

  /** Number of distinct terms ever seen (terms whose df fell to 0 keep their id). */
  get vocabularySize(): number {
    return this.terms.length
  }

  termId(term: string): number | undefined {
    return this.vocabulary.get(term)
  }

  term(id: number): string {
    return this.terms[id] as string
  }

  documentFrequency(termId: number): number {
    return this.df[termId] ?? 0
  }

  /** Adds a document's raw tf weights under `slot`; the slot must be free. */
  add(slot: number, tfs: ReadonlyMap<string, number>): void {
    const entries: Array<[number, number]> = []
    for (const [term, tf] of tfs) {
      if (!(tf > 0)) continue
      entries.push([this.intern(term), tf])
    }
    entries.sort((a, b) => a[0] - b[0])
    const fwd = this.forward
    fwd.ensureList(slot)
    fwd.place(slot, entries.length)
    for (const [t, tf] of entries) {
      fwd.push(slot, t, tf)
      this.df[t] = (this.df[t] as number) + 1
      this.postings.push(t, slot, Math.fround(tf))
    }
    if (slot >= this.slotCount) this.slotCount = slot + 1
    this.documentCount++
    this.statsFresh = false
  }

  /** Removes the document in `slot` from postings and statistics. */
  remove(slot: number): void {
    if (slot >= this.slotCount) return
    const fwd = this.forward
    const from = fwd.start[slot] as number
    const len = fwd.length[slot] as number
    for (let i = from; i < from + len; i++) {
      const t = fwd.ids[i] as number
      this.df[t] = (this.df[t] as number) - 1
      this.postings.removeId(t, slot)
    }
    fwd.clear(slot)
    this.documentCount--
    this.statsFresh = false
  }

  /** The document's terms and raw tf weights, as views into the pool (valid until the next change). */
  forwardList(slot: number): ForwardList {
    if (slot >= this.slotCount) return { terms: new Int32Array(0), tfs: new Float32Array(0) }
    const from = this.forward.start[slot] as number
    const to = from + (this.forward.length[slot] as number)
    return { terms: this.forward.ids.subarray(from, to), tfs: this.forward.values.subarray(from, to) }
  }

  /** Number of distinct terms of the document in `slot`. */
  forwardLength(slot: number): number {
    return slot < this.slotCount ? (this.forward.length[slot] as number) : 0
  }

  /** Current idf of every term; recomputed lazily after the field changed. */
  idf(): Float64Array {
    this.refresh()
    return this.idfCache
  }

  /** L2 norm of each document's tf·idf vector (0 for an empty document). */
  documentNorms(): Float64Array {
    this.refresh()
    return this.norms
  }

  /**
   * Adds `weight · tf` of every posting of `termId` into `acc` (`weight` already includes the
   * query weight and the term's idf), with no bookkeeping: a loop without branches, several times
   * faster than tracking touched documents inside it; the caller finds them afterwards by
   * scanning `acc` for non-zero entries.
   */
  addPostings(termId: number, weight: number, acc: Float64Array): void {
    const p = this.postings
    const from = p.start[termId] as number
    const to = from + (p.length[termId] as number)
    const docs = p.ids
    const tfs = p.values
    for (let i = from; i < to; i++) {
      const d = docs[i] as number
      acc[d] = (acc[d] as number) + weight * (tfs[i] as number)
    }
  }

  /** Like {@link addPostings}, but only into documents whose mark in `seen` equals `mark`. */
  accumulateMarked(termId: number, weight: number, acc: Float64Array, seen: Uint8Array, mark: number): void {
    const p = this.postings
    const from = p.start[termId] as number
    const to = from + (p.length[termId] as number)
    const docs = p.ids
    const tfs = p.values
    for (let i = from; i < to; i++) {
      const d = docs[i] as number
      if (seen[d] === mark) acc[d] = (acc[d] as number) + weight * (tfs[i] as number)
    }
  }

  /** Marks every document that has `termId` as touched without scoring it; returns the new count. */
  collect(termId: number, seen: Uint8Array, touched: Int32Array, count: number): number {
    const p = this.postings
    const from = p.start[termId] as number
    const to = from + (p.length[termId] as number)
    for (let i = from; i < to; i++) {
      const d = p.ids[i] as number
      if (seen[d] === 0) {
        seen[d] = 1
        touched[count++] = d
      }
    }
    return count
  }

  /** Dot product of a dense query (indexed by term id, already ·idf and normalised) with a document's tf·idf vector, before the document's norm. */
  dotDense(slot: number, dense: Float64Array, idf: Float64Array): number {
    const f = this.forward
    const from = f.start[slot] as number
    const to = from + (f.length[slot] as number)
    let sum = 0
    for (let i = from; i < to; i++) {
      const t = f.ids[i] as number
      const q = dense[t] as number
      if (q !== 0) sum += q * (f.values[i] as number) * (idf[t] as number)
    }
    return sum
  }

  /** Exact cosine similarity of two stored documents. */
  cosine(a: number, b: number): number {
    this.refresh()
    const na = this.norms[a] as number
    const nb = this.norms[b] as number
    if (na === 0 || nb === 0) return 0
    const f = this.forward
    const ids = f.ids
    const values = f.values
    let i = f.start[a] as number
    const iEnd = i + (f.length[a] as number)
    let j = f.start[b] as number
    const jEnd = j + (f.length[b] as number)
    let sum = 0
    while (i < iEnd && j < jEnd) {
      const ta = ids[i] as number
      const tb = ids[j] as number
      if (ta === tb) {
        const w = this.idfCache[ta] as number
        sum += (values[i] as number) * (values[j] as number) * w * w
        i++
        j++
      } else if (ta < tb) i++
      else j++
    }
    return clamp01(sum / (na * nb))
  }

  /**
   * Fills an empty field from a snapshot: the vocabulary in id order and the forward list of
   * slots 0…n−1 (term ids strictly increasing and in range, weights > 0, already checked by the
   * snapshot reader). Postings and document frequencies are rebuilt in O(postings), each list
   * placed at its final size. @internal
   */
  restore(terms: readonly string[], forward: readonly ForwardList[]): void {
    if (this.terms.length > 0 || this.documentCount > 0) throw new Error('FieldIndex.restore needs an empty field')
    for (const term of terms) {
      this.vocabulary.set(term, this.terms.length)
      this.terms.push(term)
    }
    const df = new Int32Array(Math.max(64, terms.length))
    for (const list of forward) for (const t of list.terms) df[t] = (df[t] as number) + 1
    this.df = df
    this.postings.ensureList(Math.max(0, terms.length - 1))
    for (let t = 0; t < terms.length; t++) this.postings.place(t, df[t] as number)
    this.forward.ensureList(Math.max(0, forward.length - 1))
    for (let slot = 0; slot < forward.length; slot++) {
      const { terms: ids, tfs } = forward[slot] as ForwardList
      this.forward.place(slot, ids.length)
      for (let i = 0; i < ids.length; i++) {
        this.forward.push(slot, ids[i] as number, tfs[i] as number)
        this.postings.push(ids[i] as number, slot, tfs[i] as number)
      }
    }
    this.slotCount = forward.length
    this.documentCount = forward.length
    this.statsFresh = false
    this.trim()
  }

  /** Releases spare room in both pools; worth it after adding many documents at once. */
  trim(): void {
    this.postings.trim()
    this.forward.trim()
  }

  private intern(term: string): number {
    let id = this.vocabulary.get(term)
    if (id === undefined) {
      id = this.terms.length
      this.vocabulary.set(term, id)
      this.terms.push(term)
      this.postings.ensureList(id)
      if (id >= this.df.length) this.df = grow(this.df, this.df.length * 2)
    }
    return id
  }

  private refresh(): void {
    if (this.statsFresh) return
    const n = this.documentCount
    const v = this.terms.length
    if (this.idfCache.length < v) this.idfCache = new Float64Array(Math.max(v, this.idfCache.length * 2))
    for (let t = 0; t < v; t++) this.idfCache[t] = smoothedIdf(n, this.df[t] as number)
    if (this.norms.length < this.slotCount) this.norms = new Float64Array(Math.max(this.slotCount, this.norms.length * 2))
    const f = this.forward
    for (let s = 0; s < this.slotCount; s++) {
      const from = f.start[s] as number
      const to = from + (f.length[s] as number)
      let sq = 0
      for (let i = from; i < to; i++) {
        const w = (f.values[i] as number) * (this.idfCache[f.ids[i] as number] as number)
        sq += w * w
      }
      this.norms[s] = Math.sqrt(sq)
    }
    this.statsFresh = true
  }
}

export function clamp01(x: number): number {
  return x > 1 ? 1 : x < 0 ? 0 : x
}
