/**
 * A sparse TF-IDF field: vocabulary, document frequencies, postings (term → documents) and a
 * forward list per document (document → terms). Weights are stored as raw term-frequency weights
 * and combined with the current idf at query time, so document frequencies can change with every
 * add or remove and scores still equal those of an index built afresh from the same articles.
 *
 * Typed arrays keep the hot loops free of object allocation and the memory per posting at 8 bytes.
 */

/** Growable posting list: parallel arrays of document slots and raw tf weights. */
interface Postings {
  docs: Int32Array
  tfs: Float32Array
  length: number
}

/** The terms of one document, sorted by term id, with raw tf weights. */
export interface ForwardList {
  readonly terms: Int32Array
  readonly tfs: Float32Array
}

const EMPTY_FORWARD: ForwardList = { terms: new Int32Array(0), tfs: new Float32Array(0) }

/** Smoothed inverse document frequency, as scikit-learn's `smooth_idf`: never zero, never infinite. */
export function smoothedIdf(documentCount: number, documentFrequency: number): number {
  return Math.log((1 + documentCount) / (1 + documentFrequency)) + 1
}

export class FieldIndex {
  private readonly vocabulary = new Map<string, number>()
  private readonly terms: string[] = []
  private df = new Int32Array(64)
  private readonly postings: Postings[] = []
  private forward: ForwardList[] = []
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
    const list: ForwardList = {
      terms: Int32Array.from(entries, (e) => e[0]),
      tfs: Float32Array.from(entries, (e) => e[1]),
    }
    for (let i = 0; i < list.terms.length; i++) {
      const t = list.terms[i] as number
      this.df[t] = (this.df[t] as number) + 1
      push(this.postings[t] as Postings, slot, list.tfs[i] as number)
    }
    while (this.forward.length <= slot) this.forward.push(EMPTY_FORWARD)
    this.forward[slot] = list
    this.documentCount++
    this.statsFresh = false
  }

  /** Removes the document in `slot` from postings and statistics. */
  remove(slot: number): void {
    const list = this.forward[slot]
    if (list === undefined) return
    for (let i = 0; i < list.terms.length; i++) {
      const t = list.terms[i] as number
      this.df[t] = (this.df[t] as number) - 1
      removeDoc(this.postings[t] as Postings, slot)
    }
    this.forward[slot] = EMPTY_FORWARD
    this.documentCount--
    this.statsFresh = false
  }

  forwardList(slot: number): ForwardList {
    return this.forward[slot] ?? EMPTY_FORWARD
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
   * Adds `weight · tf` of every posting of `termId` into `acc`, appending newly touched slots to
   * `touched` from `count` on; returns the new count. `weight` already includes the query weight
   * and the term's idf.
   */
  accumulate(termId: number, weight: number, acc: Float64Array, seen: Uint8Array, touched: Int32Array, count: number): number {
    const p = this.postings[termId]
    if (p === undefined) return count
    const { docs, tfs, length } = p
    for (let i = 0; i < length; i++) {
      const d = docs[i] as number
      acc[d] = (acc[d] as number) + weight * (tfs[i] as number)
      if (seen[d] === 0) {
        seen[d] = 1
        touched[count++] = d
      }
    }
    return count
  }

  /** Like {@link accumulate}, but only into documents whose mark in `seen` equals `mark`. */
  accumulateMarked(termId: number, weight: number, acc: Float64Array, seen: Uint8Array, mark: number): void {
    const p = this.postings[termId]
    if (p === undefined) return
    const { docs, tfs, length } = p
    for (let i = 0; i < length; i++) {
      const d = docs[i] as number
      if (seen[d] === mark) acc[d] = (acc[d] as number) + weight * (tfs[i] as number)
    }
  }

  /** Marks every document that has `termId` as touched without scoring it; returns the new count. */
  collect(termId: number, seen: Uint8Array, touched: Int32Array, count: number): number {
    const p = this.postings[termId]
    if (p === undefined) return count
    for (let i = 0; i < p.length; i++) {
      const d = p.docs[i] as number
      if (seen[d] === 0) {
        seen[d] = 1
        touched[count++] = d
      }
    }
    return count
  }

  /** Dot product of a dense query (indexed by term id, already ·idf and normalised) with a document's tf·idf vector, before the document's norm. */
  dotDense(slot: number, dense: Float64Array, idf: Float64Array): number {
    const { terms, tfs } = this.forwardList(slot)
    let sum = 0
    for (let i = 0; i < terms.length; i++) {
      const t = terms[i] as number
      const q = dense[t] as number
      if (q !== 0) sum += q * (tfs[i] as number) * (idf[t] as number)
    }
    return sum
  }

  /** Exact cosine similarity of two stored documents. */
  cosine(a: number, b: number): number {
    this.refresh()
    const na = this.norms[a] as number
    const nb = this.norms[b] as number
    if (na === 0 || nb === 0) return 0
    const la = this.forwardList(a)
    const lb = this.forwardList(b)
    let i = 0
    let j = 0
    let sum = 0
    while (i < la.terms.length && j < lb.terms.length) {
      const ta = la.terms[i] as number
      const tb = lb.terms[j] as number
      if (ta === tb) {
        const w = this.idfCache[ta] as number
        sum += (la.tfs[i] as number) * (lb.tfs[j] as number) * w * w
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
   * snapshot reader). Postings and document frequencies are rebuilt in O(postings). @internal
   */
  restore(terms: readonly string[], forward: readonly ForwardList[]): void {
    if (this.terms.length > 0 || this.documentCount > 0) throw new Error('FieldIndex.restore needs an empty field')
    for (const term of terms) {
      this.vocabulary.set(term, this.terms.length)
      this.terms.push(term)
    }
    const df = new Int32Array(Math.max(64, terms.length))
    let total = 0
    for (let slot = 0; slot < forward.length; slot++) {
      const ids = (forward[slot] as ForwardList).terms
      for (let i = 0; i < ids.length; i++) df[ids[i] as number] = (df[ids[i] as number] as number) + 1
      total += ids.length
    }
    this.df = df
    // Every posting list is a view into two shared arrays, filled to capacity: one allocation
    // instead of two per term. A list that grows later moves to its own arrays (see `push`).
    const allDocs = new Int32Array(total)
    const allTfs = new Float32Array(total)
    let offset = 0
    for (let t = 0; t < terms.length; t++) {
      const n = df[t] as number
      this.postings.push(
        n === 0
          ? { docs: new Int32Array(2), tfs: new Float32Array(2), length: 0 }
          : { docs: allDocs.subarray(offset, offset + n), tfs: allTfs.subarray(offset, offset + n), length: 0 },
      )
      offset += n
    }
    for (let slot = 0; slot < forward.length; slot++) {
      const { terms: ids, tfs } = forward[slot] as ForwardList
      for (let i = 0; i < ids.length; i++) {
        const p = this.postings[ids[i] as number] as Postings
        p.docs[p.length] = slot
        p.tfs[p.length] = tfs[i] as number
        p.length++
      }
    }
    this.forward = [...forward]
    this.documentCount = forward.length
    this.statsFresh = false
  }

  /** Makes sure the internal arrays can hold `capacity` slots. */
  reserve(capacity: number): void {
    while (this.forward.length < capacity) this.forward.push(EMPTY_FORWARD)
  }

  private intern(term: string): number {
    let id = this.vocabulary.get(term)
    if (id === undefined) {
      id = this.terms.length
      this.vocabulary.set(term, id)
      this.terms.push(term)
      this.postings.push({ docs: new Int32Array(2), tfs: new Float32Array(2), length: 0 })
      if (id >= this.df.length) {
        const grown = new Int32Array(this.df.length * 2)
        grown.set(this.df)
        this.df = grown
      }
    }
    return id
  }

  private refresh(): void {
    if (this.statsFresh) return
    const n = this.documentCount
    const v = this.terms.length
    if (this.idfCache.length < v) this.idfCache = new Float64Array(Math.max(v, this.idfCache.length * 2))
    for (let t = 0; t < v; t++) this.idfCache[t] = smoothedIdf(n, this.df[t] as number)
    if (this.norms.length < this.forward.length) this.norms = new Float64Array(Math.max(this.forward.length, this.norms.length * 2))
    for (let s = 0; s < this.forward.length; s++) {
      const { terms, tfs } = this.forward[s] as ForwardList
      let sq = 0
      for (let i = 0; i < terms.length; i++) {
        const w = (tfs[i] as number) * (this.idfCache[terms[i] as number] as number)
        sq += w * w
      }
      this.norms[s] = Math.sqrt(sq)
    }
    this.statsFresh = true
  }
}

function push(p: Postings, doc: number, tf: number): void {
  if (p.length === p.docs.length) {
    const docs = new Int32Array(p.docs.length * 2)
    docs.set(p.docs)
    const tfs = new Float32Array(p.tfs.length * 2)
    tfs.set(p.tfs)
    p.docs = docs
    p.tfs = tfs
  }
  p.docs[p.length] = doc
  p.tfs[p.length] = tf
  p.length++
}

// Swap-remove: posting order never affects a score, since each document receives one
// contribution per query term.
function removeDoc(p: Postings, doc: number): void {
  for (let i = 0; i < p.length; i++) {
    if (p.docs[i] === doc) {
      const last = p.length - 1
      p.docs[i] = p.docs[last] as number
      p.tfs[i] = p.tfs[last] as number
      p.length = last
      return
    }
  }
}

export function clamp01(x: number): number {
  return x > 1 ? 1 : x < 0 ? 0 : x
}
