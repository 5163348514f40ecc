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
 * its pool; the space it leaves is reclaimed by rewriting the pool (see `ListPool`) once a quarter
 * of what it holds is dead room, so memory stays within about 1.25 times the entries in use.
 */

import { BIN, BIN_MAGIC, orderFreeSum } from './exact-sum.js'
import { TermTable } from './term-table.js'

/** The terms of one document, sorted by term id, with raw tf weights. Views: valid until the field changes. */
export interface ForwardList {
  readonly terms: Int32Array
  readonly tfs: Float32Array
}

/** Smoothed inverse document frequency, as scikit-learn's `smooth_idf`: never zero, never infinite. */
export function smoothedIdf(documentCount: number, documentFrequency: number): number {
  return Math.log((1 + documentCount) / (1 + documentFrequency)) + 1
}

/**
 * Parallel int/float arrays (and, for forward lists, a second int array) holding many
 * variable-length lists, each at [start, start + cap).
 *
 * Memory stays within a small factor of the entries in use, under any history of pushes and
 * removals. *Dead* room is everything below `end` that no entry uses: lists left behind by a
 * move or freed, and spare room inside lists (after removals, or kept to grow). While the pool
 * holds about what it held at its last rewrite (churn), it is rewritten when its arrays are full
 * and a sixteenth of `used` is dead: every list at its length plus `length >> slackShift` spare
 * (an eighth for postings, whose lengths go up and down with adds and removes; none for forward
 * lists, which never grow), in arrays with an eighth of `used` free at the end. While it grows (a
 * build) it is rewritten only when half is dead (lists keeping their room), and grows by half
 * otherwise; after a removal it is rewritten when more than half is dead. So after churn the
 * arrays hold at most about 1.25 times the live entries, against exactly 1 for a trimmed bulk
 * build. A rewrite costs O(entries + lists) and follows at least an eighth of `used` in new dead
 * room or new entries (each made by O(1) work), so it is amortised O(1) per change.
 */
class ListPool {
  ids: Int32Array
  values: Float32Array
  /** A third parallel array (the display form of each forward-list entry), when the pool has one. */
  aux: FormCodes | undefined
  start = new Int32Array(64)
  length = new Int32Array(64)
  capacity = new Int32Array(64)
  /** First free position at the end of the pool. */
  end = 0
  /** Entries in use (the sum of the lengths). */
  used = 0
  /** Rewrites so far (for tests). */
  rewrites = 0
  /** `used` at the last rewrite: the pool is growing while `used` is well above it. */
  private usedAtRewrite = 0
  /** Spare room a rewrite leaves in a list: `length >> slackShift` (none when undefined). */
  private readonly slackShift: number | undefined

  constructor(initial = 1024, withAux = false, slackShift?: number) {
    this.ids = new Int32Array(initial)
    this.values = new Float32Array(initial)
    if (withAux) this.aux = new Uint8Array(initial)
    this.slackShift = slackShift
  }

  /** Makes room for list number `list` (growing the per-list arrays by a quarter). */
  ensureList(list: number): void {
    if (list < this.start.length) return
    const size = grownSize(this.start.length, list + 1)
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
  push(list: number, id: number, value: number, aux = -1): void {
    let len = this.length[list] as number
    if (len === this.capacity[list]) {
      const room = Math.max(2, len * 2)
      this.reserveEnd(room)
      // A rewrite on the way may have given the list spare room already.
      if (len === this.capacity[list]) {
        const from = this.start[list] as number
        this.ids.copyWithin(this.end, from, from + len)
        this.values.copyWithin(this.end, from, from + len)
        this.aux?.copyWithin(this.end, from, from + len)
        this.start[list] = this.end
        this.capacity[list] = room
        this.end += room
      }
    }
    const at = (this.start[list] as number) + len++
    this.ids[at] = id
    this.values[at] = value
    if (this.aux !== undefined) this.aux[at] = aux
    this.length[list] = len
    this.used++
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
        this.used--
        return
      }
    }
  }

  /** Frees a whole list. */
  clear(list: number): void {
    this.used -= this.length[list] as number
    this.capacity[list] = 0
    this.length[list] = 0
  }

  /** Positions below `end` that no entry uses. */
  get dead(): number {
    return this.end - this.used
  }

  /** Bytes of the pool's typed arrays, and the part the lists hold (entries in use). */
  footprint(): { bytes: number; usedBytes: number } {
    const perEntry = 8 + (this.aux === undefined ? 0 : this.aux.BYTES_PER_ELEMENT)
    return {
      bytes: this.ids.byteLength + this.values.byteLength + (this.aux?.byteLength ?? 0) + this.start.byteLength + this.length.byteLength + this.capacity.byteLength,
      usedBytes: this.used * perEntry,
    }
  }

  /**
   * After removals: rewrites the pool when more than half of `used` is dead (past a small floor),
   * or when the arrays are more than twice `used`, so memory follows what the lists hold.
   */
  tidy(): void {
    if (this.sparse()) this.rewrite(0, this.used >> 3, false)
  }

  /** Whether more than half of `used` is dead (past a small floor), or the arrays are more than twice `used`. */
  sparse(): boolean {
    const floor = 4096
    const dead = this.dead
    return (dead > floor && dead * 2 > this.used) || (this.ids.length > floor && this.ids.length > 2 * this.used + floor)
  }

  /**
   * Whether a churn rewrite (see {@link reserveEnd}) is near: the end is within a 32nd of `used`
   * of the arrays' end while the pool is not growing, and a 16th of `used` is dead. The owner can
   * then rewrite the lists its own way first (postings sorted by slot).
   */
  rewriteNear(): boolean {
    const used = this.used
    return !this.growing && this.end + (used >> 5) >= this.ids.length && this.dead * 16 >= used
  }

  /** Whether the lists hold well over what they held at the last rewrite (a build, not churn). */
  private get growing(): boolean {
    return this.used > this.usedAtRewrite + (this.usedAtRewrite >> 2)
  }

  /** The room a rewrite gives a list of `length` entries: its length plus its slack. */
  roomFor(length: number): number {
    return this.slackShift === undefined ? length : length + (length >> this.slackShift)
  }

  /** Marks the current contents as rewritten (a pool filled at its final size by its owner). */
  settle(): void {
    this.usedAtRewrite = this.used
    this.rewrites++
  }

  private reserveEnd(room: number): void {
    if (this.end + room <= this.ids.length) return
    // Full. While the lists hold about what they held at the last rewrite (churn), rewrite when
    // a sixteenth of that is dead (a rewrite leaves an eighth free at the end, and churn turns
    // about as much into dead room as it takes from the end), keeping memory near the live size. While they grow (a build),
    // rewrite only when half is dead, with room to grow: rewriting every eighth would copy the
    // pool many times over during a bulk load. Otherwise grow the arrays by half.
    const used = this.used
    const dead = this.dead
    if (this.growing) {
      // Lists keep their room: the ones that grew will grow again.
      if (dead * 2 >= used) this.rewrite(room, used >> 1, true)
    } else if (dead * 16 >= used) this.rewrite(room, used >> 3, false)
    if (this.end + room > this.ids.length) {
      const size = Math.max(this.end + room, this.ids.length + (this.ids.length >> 1), 1024)
      this.ids = grow(this.ids, size)
      this.values = grow(this.values, size)
      if (this.aux !== undefined) this.aux = grow(this.aux, size)
    }
  }

  /**
   * Rewrites every list with its slack (or, with `keepRoom`, the room it has), leaving `room`
   * plus `tail` free at the end.
   */
  private rewrite(room: number, tail: number, keepRoom: boolean): void {
    let end = 0
    for (let list = 0; list < this.start.length; list++) {
      if ((this.capacity[list] as number) === 0) continue
      if (keepRoom) {
        end += this.capacity[list] as number
        continue
      }
      const keep = this.roomFor(this.length[list] as number)
      // A list emptied by removals keeps no room (the next push places it anew).
      this.capacity[list] = keep
      end += keep
    }
    this.compact(end + room + tail)
    this.rewrites++
  }

  /**
   * Rewrites every list with no spare room into arrays of exactly the live size, and the per-list
   * arrays at `lists` (the lists in use), after a bulk load.
   */
  trim(lists = this.start.length): void {
    this.start = fit(this.start, lists)
    this.length = fit(this.length, lists)
    this.capacity = fit(this.capacity, lists)
    let live = 0
    for (let list = 0; list < this.start.length; list++) {
      this.capacity[list] = this.length[list] as number
      live += this.length[list] as number
    }
    this.compact(live)
  }

  /** Rewrites the lists contiguously, each at its `capacity` (at least its length), into arrays of `size`. */
  private compact(size: number): void {
    const ids = new Int32Array(size)
    const values = new Float32Array(size)
    const aux = this.aux === undefined ? undefined : new (this.aux.constructor as new (n: number) => FormCodes)(size)
    let end = 0
    for (let list = 0; list < this.start.length; list++) {
      const room = this.capacity[list] as number
      if (room === 0) continue
      const from = this.start[list] as number
      const len = this.length[list] as number
      ids.set(this.ids.subarray(from, from + len), end)
      values.set(this.values.subarray(from, from + len), end)
      aux?.set((this.aux as FormCodes).subarray(from, from + len), end)
      this.start[list] = end
      end += room
    }
    this.ids = ids
    this.values = values
    this.aux = aux
    this.end = end
    this.usedAtRewrite = this.used
  }
}

/** A length for an array that must hold `needed` entries, grown by a quarter at least (amortised O(1) appends). */
function grownSize(current: number, needed: number): number {
  return Math.max(needed, current + (current >> 2), 64)
}

/**
 * The array cut to `size` entries (at least 64) in a buffer of its own, when it is longer:
 * arrays grown by doubling are up to twice what they hold. Later growth doubles from there.
 */
function fit<T extends Int32Array | Int16Array | Uint16Array | Uint8Array | Float64Array>(array: T, size: number): T {
  const keep = Math.max(64, size)
  return array.length > keep ? (array.slice(0, keep) as T) : array
}

function grow<T extends FormCodes | Float32Array | Float64Array>(array: T, size: number): T {
  const grown = new (array.constructor as new (n: number) => T)(size)
  grown.set(array)
  return grown
}

/**
 * Many forward lists in flat arrays, as {@link FieldIndex.restore} takes them: list i is the next
 * `lengths[i]` entries of `ids` (term ids, strictly increasing), `tfs` (raw weights, > 0) and
 * `formIds` (an index into `forms`, or −1: no display form recorded). Flat rather than one typed
 * array view per list: a view costs about 100 bytes, more than a short list's data.
 */
export interface FlatLists {
  lengths: ArrayLike<number>
  ids: Int32Array
  tfs: Float32Array
  formIds?: Int32Array
  forms?: readonly string[]
}

/**
 * What a forward-list entry records for its display form: a number within the term in 1 byte,
 * in 2 bytes once a term has more than 255 spellings at once, the form id in 4 past 65,535.
 */
type FormCodes = Uint8Array | Uint16Array | Int32Array
/** An entry with no display form, while entries hold numbers within the term: all ones at that width (what −1 stores). */
const NO_FORM_1 = 0xff
const NO_FORM_2 = 0xffff
/** Forms one term may have in 1-byte and in 2-byte entries (lowered by tests to reach the wider paths). */
let oneByteForms = NO_FORM_1
let twoByteForms = NO_FORM_2

/** Sets how many forms of one term fit in 1-byte and in 2-byte entries (tests only; at most 255 and 65,535). @internal */
export function setNarrowFormLimits(oneByte: number, twoBytes: number): void {
  oneByteForms = Math.min(NO_FORM_1, oneByte)
  twoByteForms = Math.min(NO_FORM_2, twoBytes)
}

/** What {@link FieldIndex.footprint} reports: bytes of typed arrays, and lengths of plain arrays. @internal */
export interface FieldFootprint {
  postingsBytes: number
  postingsUsedBytes: number
  forwardBytes: number
  forwardUsedBytes: number
  perTermBytes: number
  perFormBytes: number
  perSlotBytes: number
  /** Sum of the byte counts above (used bytes excluded: they are part of the pools). */
  typedBytes: number
  /** Times the postings were rewritten in slot order. */
  postingsRebuilds: number
  termSlots: number
  freeTerms: number
  formSlots: number
  freeForms: number
}

/** A rewritten postings list keeps an eighth of its length spare (its df goes up and down with churn). */
const POSTINGS_SLACK = 3

/** Dead terms (and free slots) tolerated before a compaction, whatever the live count. */
const COMPACT_FLOOR = 4096

export class FieldIndex {
  /** Term → id (over `terms`); a hash table whose size follows the live count under churn. */
  private vocabulary = new TermTable()
  /** Term strings by id; `undefined` for an id whose term no document uses any more (free for reuse). */
  private terms: Array<string | undefined> = []
  /** Ids of dead terms, reused by the next new terms. */
  private freeTerms: number[] = []
  private df: Int32Array = new Int32Array(64)
  /** Term → (slot, raw tf) entries. */
  private postings = new ListPool(1024, false, POSTINGS_SLACK)
  /** Rewrites of the postings in slot order (see {@link rebuildPostings}), for tests and benchmarks. */
  private postingsRebuilds = 0
  /**
   * Documents removed since the postings were last rebuilt. Only removals (and the slots they
   * free for reuse) put postings out of slot order; a field that only grows keeps them in order,
   * and rebuilding it whenever its pool fills would copy the pool over and over during a build.
   */
  private removalsSinceRebuild = 0
  /** Slot → (term id, raw tf, display form id) entries, sorted by term id. */
  private forward = new ListPool(1024, true)
  /** One more than the largest slot ever added. */
  private slotCount = 0
  private idfCache = new Float64Array(0)
  /** Smoothed idf by document frequency, for the current document count (a refresh takes one log per distinct df). */
  private idfByDf = new Float64Array(0)
  private norms = new Float64Array(0)
  /**
   * Per slot: ⌈log₂⌉ of the document's largest stored weight. With the largest idf (a function
   * of the document count), it bounds every term of the norm's sum without a pass over them.
   */
  private tfExponent = new Int16Array(64)
  private statsFresh = false
  private documentCount = 0
  /** Scratch for the terms of one order-free sum (see orderFreeSum). */
  private terms64 = new Float64Array(256)
  // Display forms: every distinct (term, form) pair that current documents use gets a form id
  // with a count of the documents using it. A term shows its best form (most documents, then
  // shortest, then first in code-unit order), chosen from current documents only, so reasons
  // never show a form from an article that is gone and equal a fresh build's.
  private formText: Array<string | undefined> = []
  private formCount: Int32Array = new Int32Array(64)
  /**
   * Each form's number among its term's forms (the smallest free one when it was created). A
   * forward-list entry records that number in 1 byte (2 once a term has more than 255
   * spellings at once) rather than the form id in 4; a term with more than 65,535 switches the
   * field to form ids ({@link wideForms}). Terms have a handful of spellings: at most 16 in the
   * 100,000-article scaling corpus.
   */
  private formLocal: Uint16Array = new Uint16Array(64)
  /** Whether forward-list entries hold form ids (Int32) instead of numbers within the term (Uint8 or Uint16). */
  private wideForms = false
  /** Next form of the same term (a linked list per term), −1 at the end. */
  private formNext: Int32Array = new Int32Array(64)
  private freeForms: number[] = []
  /** Per term: its first form id and its best form id (−1: none). */
  private firstForm: Int32Array = new Int32Array(64).fill(-1)
  private bestForm: Int32Array = new Int32Array(64).fill(-1)

  /** Number of documents currently in the field (documents with no terms count too). */
  get size(): number {
    return this.documentCount
  }

  /**
   * Size of the term-id space: one more than the largest term id in use. Ids of terms no
   * document uses any more are reused, and compaction renumbers, so this stays within about
   * twice the live vocabulary.
   */
  get vocabularySize(): number {
    return this.terms.length
  }

  /** Number of distinct terms that current documents use. */
  get liveTerms(): number {
    return this.vocabulary.size
  }

  termId(term: string): number | undefined {
    return this.vocabulary.get(term, this.terms)
  }

  /** The term with this id ('' for an id no document uses). */
  term(id: number): string {
    return this.terms[id] ?? ''
  }

  /** The readable form of a term: its best display form among current documents, else the term itself. */
  display(id: number): string {
    const best = this.bestForm[id] ?? -1
    return best >= 0 ? (this.formText[best] as string) : this.term(id)
  }

  documentFrequency(termId: number): number {
    return this.df[termId] ?? 0
  }

  /**
   * Adds a document's raw tf weights under `slot` (the slot must be free), with the display form
   * the document uses for each term, if known.
   */
  add(slot: number, tfs: ReadonlyMap<string, number>, display?: ReadonlyMap<string, string>): void {
    const entries: Array<[number, number, string | undefined]> = []
    for (const [term, tf] of tfs) {
      if (!(tf > 0)) continue
      entries.push([this.intern(term), tf, display?.get(term)])
    }
    // An empty document past every stored list only counts (for idf): a field no article uses,
    // tags in an untagged archive, keeps no per-slot list head, norm or exponent (22 bytes an
    // article). Readers treat slots past `slotCount` as empty.
    if (entries.length === 0 && slot >= this.slotCount) {
      this.documentCount++
      this.statsFresh = false
      return
    }
    entries.sort((a, b) => a[0] - b[0])
    const fwd = this.forward
    fwd.ensureList(slot)
    fwd.place(slot, entries.length)
    let maxTf = 0
    for (const [t, tf, shown] of entries) {
      if (Math.fround(tf) > maxTf) maxTf = Math.fround(tf)
      fwd.push(slot, t, tf, shown === undefined ? -1 : this.useForm(t, shown))
      this.df[t] = (this.df[t] as number) + 1
      this.postings.push(t, slot, Math.fround(tf))
    }
    this.setTfExponent(slot, maxTf)
    if (slot >= this.slotCount) this.slotCount = slot + 1
    this.documentCount++
    this.statsFresh = false
    // A rebuild pays when churn put a share of the lists out of slot order (a 32nd of the
    // documents removed since the last one), not while the archive grows.
    if (this.removalsSinceRebuild * 32 >= this.documentCount && this.postings.rewriteNear()) this.rebuildPostings()
  }

  /**
   * Removes the document in `slot` from postings and statistics. A term no document uses any more
   * is forgotten (its id, its postings room and its display forms are freed for reuse).
   */
  remove(slot: number): void {
    if (slot >= this.slotCount) {
      // An empty document stored without a list (see `add`). Callers remove only slots they
      // added (the store removes a stored article's slot from every field once).
      this.documentCount--
      this.statsFresh = false
      return
    }
    const fwd = this.forward
    const from = fwd.start[slot] as number
    const len = fwd.length[slot] as number
    const aux = fwd.aux as FormCodes
    for (let i = from; i < from + len; i++) {
      const t = fwd.ids[i] as number
      const form = this.formOfEntry(t, aux[i] as number)
      if (form >= 0) this.releaseForm(t, form)
      const df = (this.df[t] as number) - 1
      this.df[t] = df
      if (df === 0) this.forget(t)
      else this.postings.removeId(t, slot)
    }
    fwd.clear(slot)
    this.documentCount--
    this.statsFresh = false
    this.removalsSinceRebuild++
    if (this.postings.sparse() || this.postings.rewriteNear()) this.rebuildPostings()
    this.forward.tidy()
  }

  /** The document's terms and raw tf weights, as views into the pool (valid until the next change). */
  forwardList(slot: number): ForwardList {
    if (slot >= this.slotCount) return { terms: new Int32Array(0), tfs: new Float32Array(0) }
    const from = this.forward.start[slot] as number
    const to = from + (this.forward.length[slot] as number)
    return { terms: this.forward.ids.subarray(from, to), tfs: this.forward.values.subarray(from, to) }
  }

  /** The display form the document in `slot` uses for each of its terms (aligned with {@link forwardList}; undefined: none). */
  forwardForms(slot: number): Array<string | undefined> {
    if (slot >= this.slotCount) return []
    const from = this.forward.start[slot] as number
    const to = from + (this.forward.length[slot] as number)
    const aux = this.forward.aux as FormCodes
    const out: Array<string | undefined> = []
    for (let i = from; i < to; i++) {
      const form = this.formOfEntry(this.forward.ids[i] as number, aux[i] as number)
      out.push(form >= 0 ? this.formText[form] : undefined)
    }
    return out
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

  /**
   * Dot product of a dense query (indexed by term id, already ·idf and normalised) with a
   * document's tf·idf vector, before the document's norm. Summed order-free (orderFreeSum), so the result does not
   * depend on the order of the document's term ids.
   */
  dotDense(slot: number, dense: Float64Array, idf: Float64Array): number {
    if (slot >= this.slotCount) return 0
    const f = this.forward
    const from = f.start[slot] as number
    const to = from + (f.length[slot] as number)
    const parts = this.scratch(to - from)
    let n = 0
    for (let i = from; i < to; i++) {
      const t = f.ids[i] as number
      const q = dense[t] as number
      if (q !== 0) parts[n++] = q * (f.values[i] as number) * (idf[t] as number)
    }
    return orderFreeSum(parts, n)
  }

  /** Exact cosine similarity of two stored documents (the dot product summed order-free, as the norms). */
  cosine(a: number, b: number): number {
    if (a >= this.slotCount || b >= this.slotCount) return 0
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
    const parts = this.scratch(Math.min(iEnd - i, jEnd - j))
    let n = 0
    while (i < iEnd && j < jEnd) {
      const ta = ids[i] as number
      const tb = ids[j] as number
      if (ta === tb) {
        const w = this.idfCache[ta] as number
        parts[n++] = (values[i] as number) * (values[j] as number) * w * w
        i++
        j++
      } else if (ta < tb) i++
      else j++
    }
    return clamp01(orderFreeSum(parts, n) / (na * nb))
  }

  /**
   * Fills an empty field: the vocabulary in id order and the forward list of slots 0…n−1 (term
   * ids strictly increasing and in range, weights > 0, already checked by the caller), with the
   * display form of each entry when known. Postings, document frequencies and form counts are
   * rebuilt in O(postings), each list placed at its final size. Terms no list uses are dropped
   * and the others renumbered (in id order, so every list stays sorted). @internal
   */
  restore(terms: readonly string[], lists: FlatLists): void {
    if (this.terms.length > 0 || this.documentCount > 0) throw new Error('FieldIndex.restore needs an empty field')
    const { lengths, ids, tfs, formIds, forms } = lists
    const n = lengths.length
    const total = ids.length
    const df = new Int32Array(Math.max(64, terms.length))
    for (let j = 0; j < total; j++) df[ids[j] as number] = (df[ids[j] as number] as number) + 1
    // Keep only the terms some list uses, renumbered in id order.
    const newId = new Int32Array(terms.length).fill(-1)
    let live = 0
    for (let t = 0; t < terms.length; t++) {
      if ((df[t] as number) === 0) continue
      newId[t] = live
      df[live] = df[t] as number
      this.terms.push(terms[t] as string)
      this.vocabulary.add(terms[t] as string, live)
      live++
    }
    df.fill(0, live)
    this.df = df
    this.firstForm = new Int32Array(df.length).fill(-1)
    this.bestForm = new Int32Array(df.length).fill(-1)
    this.postings = new ListPool(Math.max(1024, total), false, POSTINGS_SLACK)
    this.forward = new ListPool(Math.max(1024, total), true)
    this.wideForms = false
    this.postings.ensureList(Math.max(0, live - 1))
    for (let t = 0; t < live; t++) this.postings.place(t, df[t] as number)
    // Empty documents after the last non-empty one keep no list (as `add` leaves them).
    let listed = n
    while (listed > 0 && (lengths[listed - 1] as number) === 0) listed--
    this.forward.ensureList(Math.max(0, listed - 1))
    let at = 0
    this.tfExponent = new Int16Array(Math.max(64, listed))
    for (let slot = 0; slot < listed; slot++) {
      const length = lengths[slot] as number
      this.forward.place(slot, length)
      let maxTf = 0
      for (let end = at + length; at < end; at++) {
        if ((tfs[at] as number) > maxTf) maxTf = tfs[at] as number
        const t = newId[ids[at] as number] as number
        const f = formIds === undefined ? -1 : (formIds[at] as number)
        const form = f >= 0 ? this.useForm(t, (forms as readonly string[])[f] as string) : -1
        this.forward.push(slot, t, tfs[at] as number, form)
        this.postings.push(t, slot, tfs[at] as number)
      }
      this.setTfExponent(slot, maxTf)
    }
    this.slotCount = listed
    this.documentCount = n
    this.statsFresh = false
  }

  /**
   * Rewrites the postings from the forward lists, walking the slots in order: every list at its
   * document frequency plus an eighth, its entries in increasing slot order, as a bulk build or a
   * loaded snapshot has them. Removals (last entry moved into the hole) and reused slots leave
   * lists in any order, and a query then adds into its accumulators by random access rather
   * than in one sweep (shuffling the postings of 19,043 Reuters articles made `related` 1.09
   * times slower). O(postings), where an in-place rewrite would be due anyway.
   */
  private rebuildPostings(): void {
    const v = this.terms.length
    const used = this.postings.used
    const old = this.postings
    let total = 0
    for (let t = 0; t < v; t++) total += old.roomFor(this.df[t] as number)
    // At least 1,024 entries, like a new pool: a small field is not rewritten on every add.
    const pool = new ListPool(Math.max(1024, total + (used >> 3) + (used >> 5)), false, POSTINGS_SLACK)
    pool.ensureList(Math.max(0, v - 1))
    for (let t = 0; t < v; t++) {
      const df = this.df[t] as number
      if (df > 0) pool.place(t, pool.roomFor(df))
    }
    const f = this.forward
    for (let slot = 0; slot < this.slotCount; slot++) {
      const from = f.start[slot] as number
      for (let i = from, to = from + (f.length[slot] as number); i < to; i++) pool.push(f.ids[i] as number, slot, f.values[i] as number)
    }
    pool.rewrites = this.postings.rewrites
    pool.settle()
    this.postings = pool
    this.postingsRebuilds++
    this.removalsSinceRebuild = 0
  }

  /** Whether a {@link compact} would pay: more dead term ids than live terms, past a small floor. */
  wantsCompaction(): boolean {
    return this.freeTerms.length > Math.max(COMPACT_FLOOR, this.vocabulary.size)
  }

  /**
   * Rewrites the field with document `order[i]` in slot i and the live terms renumbered
   * densely (in id order), every pool and per-term array at its live size. O(postings); the
   * caller renumbers its own per-slot data the same way. @internal
   */
  compact(order: ArrayLike<number>): void {
    const terms = this.terms.map((t) => t ?? '')
    let total = 0
    for (let i = 0; i < order.length; i++) total += this.forwardLength(order[i] as number)
    const lengths = new Int32Array(order.length)
    const ids = new Int32Array(total)
    const tfs = new Float32Array(total)
    const formIds = new Int32Array(total)
    // Form ids are dense already; formText is the table (freed entries are never referenced).
    const forms = this.formText.map((f) => f ?? '')
    const aux = this.forward.aux as FormCodes
    let at = 0
    for (let i = 0; i < order.length; i++) {
      const slot = order[i] as number
      // A slot past `slotCount` holds an empty document with no list (see `add`).
      const length = this.forwardLength(slot)
      const from = length > 0 ? (this.forward.start[slot] as number) : 0
      lengths[i] = length
      ids.set(this.forward.ids.subarray(from, from + length), at)
      tfs.set(this.forward.values.subarray(from, from + length), at)
      for (let j = from; j < from + length; j++) formIds[at++] = this.formOfEntry(this.forward.ids[j] as number, aux[j] as number)
    }
    this.vocabulary.clear()
    this.terms = []
    this.freeTerms = []
    this.formText = []
    this.freeForms = []
    this.formCount = new Int32Array(64)
    this.formNext = new Int32Array(64)
    this.formLocal = new Uint16Array(64)
    this.documentCount = 0
    this.slotCount = 0
    this.idfCache = new Float64Array(0)
    this.norms = new Float64Array(0)
    this.restore(terms, { lengths, ids, tfs, formIds, forms })
  }

  /**
   * Bytes of the field's typed arrays by structure (postings and forward pools with the part
   * their entries use, per-term and per-form arrays, per-slot statistics), and the lengths of
   * its plain arrays. For memory benchmarks and tests. @internal
   */
  footprint(): FieldFootprint {
    const postings = this.postings.footprint()
    const forward = this.forward.footprint()
    const perTerm = this.df.byteLength + this.firstForm.byteLength + this.bestForm.byteLength + this.idfCache.byteLength + this.vocabulary.bytes
    const perForm = this.formCount.byteLength + this.formNext.byteLength + this.formLocal.byteLength
    const perSlot = this.norms.byteLength + this.tfExponent.byteLength + this.terms64.byteLength + this.idfByDf.byteLength
    return {
      postingsBytes: postings.bytes,
      postingsUsedBytes: postings.usedBytes,
      forwardBytes: forward.bytes,
      forwardUsedBytes: forward.usedBytes,
      perTermBytes: perTerm,
      perFormBytes: perForm,
      perSlotBytes: perSlot,
      typedBytes: postings.bytes + forward.bytes + perTerm + perForm + perSlot,
      postingsRebuilds: this.postingsRebuilds,
      termSlots: this.terms.length,
      freeTerms: this.freeTerms.length,
      formSlots: this.formText.length,
      freeForms: this.freeForms.length,
    }
  }

  /** Releases spare room in the pools and the per-term and per-slot arrays; worth it after adding many documents at once. */
  trim(): void {
    const terms = this.terms.length
    const forms = this.formText.length
    this.postings.trim(terms)
    this.forward.trim(this.slotCount)
    this.df = fit(this.df, terms)
    this.firstForm = fit(this.firstForm, terms)
    this.bestForm = fit(this.bestForm, terms)
    this.formCount = fit(this.formCount, forms)
    this.formNext = fit(this.formNext, forms)
    this.formLocal = fit(this.formLocal, forms)
    this.idfCache = fit(this.idfCache, terms)
    this.norms = fit(this.norms, this.slotCount)
    this.tfExponent = fit(this.tfExponent, this.slotCount)
  }

  private setTfExponent(slot: number, maxTf: number): void {
    if (slot >= this.tfExponent.length) {
      const grown = new Int16Array(grownSize(this.tfExponent.length, slot + 1))
      grown.set(this.tfExponent)
      this.tfExponent = grown
    }
    // A Float32 weight is below 2^128 and at least 2^−149: the exponent fits in 16 bits.
    this.tfExponent[slot] = maxTf > 0 ? Math.ceil(Math.log2(maxTf)) : 0
  }

  private intern(term: string): number {
    let id = this.vocabulary.get(term, this.terms)
    if (id === undefined) {
      id = this.freeTerms.length > 0 ? (this.freeTerms.pop() as number) : this.terms.length
      const own = ownString(term)
      if (id === this.terms.length) this.terms.push(own)
      else this.terms[id] = own
      this.vocabulary.add(own, id)
      this.postings.ensureList(id)
      this.reserveTerms(id + 1)
    }
    return id
  }

  /** Forgets a term no document uses: its postings room, its id (for reuse), its string. */
  private forget(t: number): void {
    this.postings.clear(t)
    this.vocabulary.delete(this.terms[t] as string, this.terms)
    this.terms[t] = undefined
    this.freeTerms.push(t)
  }

  private reserveTerms(count: number): void {
    if (count <= this.df.length) return
    const size = grownSize(this.df.length, count)
    this.df = grow(this.df, size)
    this.firstForm = growFilled(this.firstForm, size)
    this.bestForm = growFilled(this.bestForm, size)
  }

  /**
   * The forward-list entry code of `shown` for term `t` (see {@link formLocal}); the form is
   * created when new, and its count raised by one.
   */
  private useForm(t: number, shown: string): number {
    let forms = 0
    for (let f = this.firstForm[t] as number; f >= 0; f = this.formNext[f] as number) {
      if (this.formText[f] === shown) {
        this.countForm(t, f)
        return this.entryCode(f)
      }
      forms++
    }
    const f = this.freeForms.length > 0 ? (this.freeForms.pop() as number) : this.formText.length
    const own = ownString(shown)
    if (f === this.formText.length) this.formText.push(own)
    else this.formText[f] = own
    if (f >= this.formCount.length) {
      const size = grownSize(this.formCount.length, f + 1)
      this.formCount = grow(this.formCount, size)
      this.formNext = grow(this.formNext, size)
      this.formLocal = grow(this.formLocal, size)
    }
    if (!this.wideForms) {
      // The smallest number no other form of the term has (at most `forms`).
      const used = new Uint8Array(forms + 1)
      for (let g = this.firstForm[t] as number; g >= 0; g = this.formNext[g] as number) {
        const k = this.formLocal[g] as number
        if (k <= forms) used[k] = 1
      }
      let local = 0
      while (used[local] === 1) local++
      const twoBytes = this.forward.aux instanceof Uint16Array
      if (local < (twoBytes ? twoByteForms : oneByteForms)) this.formLocal[f] = local
      else if (!twoBytes && local < twoByteForms) {
        this.formLocal[f] = local
        this.widenToTwoBytes()
      } else this.widenForms()
    }
    this.formCount[f] = 0
    this.formNext[f] = this.firstForm[t] as number
    this.firstForm[t] = f
    this.countForm(t, f)
    return this.entryCode(f)
  }

  /** What a forward-list entry records for form `f`. */
  private entryCode(f: number): number {
    return this.wideForms ? f : (this.formLocal[f] as number)
  }

  /** The form id an entry of term `t` records with `code`, or −1: none. */
  private formOfEntry(t: number, code: number): number {
    if (this.wideForms) return code
    if (code === (this.forward.aux instanceof Uint8Array ? NO_FORM_1 : NO_FORM_2)) return -1
    for (let f = this.firstForm[t] as number; f >= 0; f = this.formNext[f] as number) if (this.formLocal[f] === code) return f
    return -1
  }

  /** Switches forward-list entries from 1-byte to 2-byte numbers within the term (a term has more than 255 forms). */
  private widenToTwoBytes(): void {
    const fwd = this.forward
    const narrow = fwd.aux as Uint8Array
    const wider = new Uint16Array(narrow.length)
    for (let i = 0; i < narrow.length; i++) wider[i] = narrow[i] === NO_FORM_1 ? NO_FORM_2 : (narrow[i] as number)
    fwd.aux = wider
  }

  /** Switches forward-list entries from numbers within the term to form ids (a term has too many forms). */
  private widenForms(): void {
    const fwd = this.forward
    const narrow = fwd.aux as Uint8Array | Uint16Array
    const wide = new Int32Array(narrow.length)
    for (let list = 0; list < fwd.start.length; list++) {
      const from = fwd.start[list] as number
      const to = from + (fwd.length[list] as number)
      for (let i = from; i < to; i++) wide[i] = this.formOfEntry(fwd.ids[i] as number, narrow[i] as number)
    }
    fwd.aux = wide
    this.wideForms = true
  }

  private countForm(t: number, f: number): void {
    this.formCount[f] = (this.formCount[f] as number) + 1
    const best = this.bestForm[t] as number
    if (best < 0 || this.betterForm(f, best)) this.bestForm[t] = f
  }

  /** One document less uses form `f` of term `t`; frees the form at 0 and re-picks the best. */
  private releaseForm(t: number, f: number): void {
    const count = (this.formCount[f] as number) - 1
    this.formCount[f] = count
    if (count === 0) {
      // Unlink f from the term's list.
      let previous = -1
      for (let g = this.firstForm[t] as number; g >= 0; g = this.formNext[g] as number) {
        if (g === f) {
          if (previous < 0) this.firstForm[t] = this.formNext[f] as number
          else this.formNext[previous] = this.formNext[f] as number
          break
        }
        previous = g
      }
      this.formText[f] = undefined
      this.freeForms.push(f)
    }
    if (this.bestForm[t] !== f) return
    let best = -1
    for (let g = this.firstForm[t] as number; g >= 0; g = this.formNext[g] as number) if (best < 0 || this.betterForm(g, best)) best = g
    this.bestForm[t] = best
  }

  /** Most documents, then shortest, then first in code-unit order: a choice no arrival order can change. */
  private betterForm(f: number, g: number): boolean {
    const cf = this.formCount[f] as number
    const cg = this.formCount[g] as number
    if (cf !== cg) return cf > cg
    const a = this.formText[f] as string
    const b = this.formText[g] as string
    return a.length !== b.length ? a.length < b.length : a < b
  }

  private scratch(size: number): Float64Array {
    if (this.terms64.length < size) this.terms64 = new Float64Array(Math.max(size, this.terms64.length * 2))
    return this.terms64
  }

  private refresh(): void {
    if (this.statsFresh) return
    const n = this.documentCount
    const v = this.terms.length
    if (this.idfCache.length < v) this.idfCache = new Float64Array(grownSize(this.idfCache.length, v))
    for (let t = 0; t < v; t++) this.idfCache[t] = smoothedIdf(n, this.df[t] as number)
    if (this.norms.length < this.slotCount) this.norms = new Float64Array(grownSize(this.norms.length, this.slotCount))
    const f = this.forward
    const idf = this.idfCache
    const tfs = f.values
    const ids = f.ids
    // The largest idf any stored term can have (df 1), as a power of two: with a document's
    // largest weight (tfExponent) it bounds each squared weight of the document, so the grids
    // below need no pass to find the document's largest term. The bound depends only on the
    // document and the document count, as a fresh build's does.
    const idfExponent = Math.ceil(Math.log2(smoothedIdf(n, 1)))
    for (let s = 0; s < this.slotCount; s++) {
      const from = f.start[s] as number
      const length = f.length[s] as number
      if (length === 0) {
        this.norms[s] = 0
        continue
      }
      // Summed order-free (binned pre-rounding as in orderFreeSum, inlined: this loop is the
      // cost of every refresh): the order of a document's terms is the order of their ids,
      // which depends on the order articles arrived in; this sum does not. σ = 2^e is at least
      // length · (largest weight · largest idf)², so at least the sum of the squares.
      const e = Math.ceil(Math.log2(length)) + 2 * ((this.tfExponent[s] as number) + idfExponent)
      const u1 = 2 ** e * BIN
      const c1 = BIN_MAGIC * u1
      const c2 = c1 * BIN
      const c3 = c2 * BIN
      let s1 = 0
      let s2 = 0
      let s3 = 0
      for (let i = from, to = from + length; i < to; i++) {
        const w = (tfs[i] as number) * (idf[ids[i] as number] as number)
        const x = w * w
        const h1 = x + c1 - c1
        const r1 = x - h1
        const h2 = r1 + c2 - c2
        s1 += h1
        s2 += h2
        s3 += r1 - h2 + c3 - c3
      }
      this.norms[s] = Math.sqrt(s1 + s2 + s3)
    }
    this.statsFresh = true
  }

}

/**
 * A copy of `text` that holds no other string. A display form (or a term) is a substring of the
 * analysed text, and V8 keeps a substring of 13 or more characters as a slice that holds its whole
 * parent alive: keeping the form kept the article's cleaned text (about 500 bytes an article at
 * 20,000 articles). Copied only when a form is new.
 */
function ownString(text: string): string {
  return text.length < 13 ? text : (JSON.parse(JSON.stringify(text)) as string)
}

function growFilled(array: Int32Array, size: number): Int32Array {
  const grown = new Int32Array(size).fill(-1)
  grown.set(array)
  return grown
}

export function clamp01(x: number): number {
  return x > 1 ? 1 : x < 0 ? 0 : x
}
