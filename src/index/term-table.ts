/**
 * Term → id lookup of a `FieldIndex`, and article id → slot of the `ArticleStore`: an
 * open-addressing hash table (linear probing, deletion by backward shift, so no tombstones) of
 * ids and their hashes in two typed arrays, over the owner's own array of strings by id. It
 * replaces a `Map<string, number>`, for memory under churn: V8 rebuilds a Map that deleted
 * entries have filled at twice its capacity whenever more than half of it is live, so a
 * vocabulary that loses and gains terms every day sat at 2 to 4 times the slots of a freshly
 * built one (1.4 MB more heap than a fresh build after 30 rounds of churn at 3,000 Reuters
 * articles). Here the size follows the live count only (load between 3/16 and 3/4), about 11 to
 * 43 bytes an entry, in any history.
 */

const EMPTY = -1
const MIN_CAPACITY = 64

/** FNV-1a over the UTF-16 code units: cheap for short terms, deterministic. */
function hashOf(term: string): number {
  let h = 0x811c9dc5
  for (let i = 0; i < term.length; i++) h = Math.imul(h ^ term.charCodeAt(i), 0x01000193)
  return h | 0
}

export class TermTable {
  /** Term id in each slot, or EMPTY. */
  private ids = new Int32Array(MIN_CAPACITY).fill(EMPTY)
  /** The hash of the term in each slot (compared before the strings). */
  private hashes = new Int32Array(MIN_CAPACITY)
  private count = 0

  /** Number of terms in the table. */
  get size(): number {
    return this.count
  }

  /** Bytes of the table's arrays. */
  get bytes(): number {
    return this.ids.byteLength + this.hashes.byteLength
  }

  /** The id of `term`, where `terms[id]` is the string of each id in the table. */
  get(term: string, terms: ReadonlyArray<string | undefined>): number | undefined {
    const h = hashOf(term)
    const mask = this.ids.length - 1
    for (let i = h & mask; ; i = (i + 1) & mask) {
      const id = this.ids[i] as number
      if (id === EMPTY) return undefined
      if (this.hashes[i] === h && terms[id] === term) return id
    }
  }

  /** Adds `term` (not in the table) with `id`; `terms[id]` must be the term from now on. */
  add(term: string, id: number): void {
    if ((this.count + 1) * 4 > this.ids.length * 3) this.resize(this.ids.length * 2)
    this.place(hashOf(term), id)
    this.count++
  }

  /** Removes `term` (in the table). */
  delete(term: string, terms: ReadonlyArray<string | undefined>): void {
    const h = hashOf(term)
    const ids = this.ids
    const hashes = this.hashes
    const mask = ids.length - 1
    let i = h & mask
    while (!(hashes[i] === h && terms[ids[i] as number] === term)) {
      if (ids[i] === EMPTY) return
      i = (i + 1) & mask
    }
    // Backward shift: move later entries of the run up when the hole lies between their home and them.
    for (let j = (i + 1) & mask; ids[j] !== EMPTY; j = (j + 1) & mask) {
      const home = (hashes[j] as number) & mask
      const stays = i <= j ? i < home && home <= j : i < home || home <= j
      if (stays) continue
      ids[i] = ids[j] as number
      hashes[i] = hashes[j] as number
      i = j
    }
    ids[i] = EMPTY
    this.count--
    if (this.ids.length > MIN_CAPACITY && this.count * 16 < this.ids.length * 3) this.resize(this.ids.length / 2)
  }

  /** Empties the table (and gives its memory back). */
  clear(): void {
    this.ids = new Int32Array(MIN_CAPACITY).fill(EMPTY)
    this.hashes = new Int32Array(MIN_CAPACITY)
    this.count = 0
  }

  private place(h: number, id: number): void {
    const mask = this.ids.length - 1
    let i = h & mask
    while (this.ids[i] !== EMPTY) i = (i + 1) & mask
    this.ids[i] = id
    this.hashes[i] = h
  }

  private resize(capacity: number): void {
    const ids = this.ids
    const hashes = this.hashes
    this.ids = new Int32Array(capacity).fill(EMPTY)
    this.hashes = new Int32Array(capacity)
    for (let i = 0; i < ids.length; i++) if (ids[i] !== EMPTY) this.place(hashes[i] as number, ids[i] as number)
  }
}
