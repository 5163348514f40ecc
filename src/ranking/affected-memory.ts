import type { Article } from '../article.js'
import type { FieldIndex } from '../index/field-index.js'
import type { SavedWitnessMemory } from '../index/snapshot.js'
import type { ArticleStore } from '../index/store.js'
import type { ResolvedQueryOptions } from './options.js'

/**
 * What `affectedBy` remembers between calls, so that a call costs a few queries instead of a
 * pass over every neighbour (see `affected.ts`): for every stored article x, up to `k` *witnesses*
 * (articles that ranked high in x's list, pairwise far enough apart that no two fold into one
 * result) and a lower bound `tau` on all their scores when they were established, at an *epoch*
 * (the number of the call that established them).
 *
 * Every change to the archive moves scores a little: the document count is in every idf, and an
 * added or removed article moves its terms' document frequencies. So a remembered bound is used
 * only through a provable factor by which any pair's score can have shrunk since its epoch
 * ({@link DriftBound}). Each call compares every term's document frequency with the last call's
 * (one pass over the vocabulary) and bounds each idf's change exactly:
 *
 * - a term whose df moved enough to matter (a rare term of an added or removed article) *marks*
 *   the articles that contain it, with a level saying how much it moved;
 * - every other term moved by a factor within a tight per-call range (the document count alone
 *   moves an idf by about 1/n).
 *
 * A pair of articles, neither marked since the epoch, has all its terms within the tight ranges,
 * so its score moved by at most their product; a marked pair gets, at each call, the range of
 * the terms up to the level it may have been marked with then. An entry whose article or a
 * witness was removed, replaced or updated since (seen by article identity: the index stores a
 * fresh frozen object on every add and update) is not used; a compaction (slots and term ids
 * renumbered) forgets everything.
 *
 * Memory: about `4k + 64` bytes per slot (witness slots, bound, epoch, witness cosines, change
 * stamp, five mark stamps, scratch, one reference to the article last seen there), and 4 bytes
 * per term of each field for the last call's document frequencies.
 */
export class WitnessMemory {
  /** Witness slots, `k` per slot (-1: none). Also hints for a new search when the bound fails. */
  private witnessSlots = new Int32Array(0)
  /** Lower bound on every witness's score at the epoch (0: fewer than `k` witnesses, no bound). */
  private tau = new Float64Array(0)
  /** The largest text cosine of a witness with the article at the epoch. */
  private selfCosine = new Float64Array(0)
  /** The largest text cosine between two of the witnesses at the epoch (0 with folding off). */
  private pairCosine = new Float64Array(0)
  /** 1 where the witnesses came from a quick search (see `affected.ts`). */
  private weak = new Uint8Array(0)
  /** Call number the entry was made at (-1: none). */
  private epoch = new Int32Array(0)
  /** Call number at which a change to the slot's article was last seen. */
  private changedAt = new Int32Array(0)
  /**
   * Per slot and mark level ℓ (1…{@link MARK_LEVELS}, at `slot · MARK_LEVELS + ℓ − 1`): the call
   * number at which the slot last held a term whose idf moved by a level-ℓ amount (see {@link MARK_STEPS}).
   */
  private markedAt = new Int32Array(0)
  /** Per slot, the latest call of any of its marks (a quick test before the levels are read). */
  private markedAny = new Int32Array(0)
  private readonly marks = new Int32Array(MARK_LEVELS)
  private seen: Array<Article | undefined> = []
  private call = 0
  /** The latest call at which some slot that held an article was seen to have lost it. */
  private replacedAt = 0
  private compactions = -1
  /** The store's revision at the start of the last call: unchanged since, the last call's bounds hold now. */
  private revision = -1
  /**
   * Per call (a ring of {@link EPOCH_WINDOW}), field and mark level: the running sums of the
   * logarithms of the per-call idf ranges (see {@link step}), so that a range over any run of
   * calls is one subtraction.
   */
  private readonly logLo = new Float64Array(EPOCH_WINDOW * STRIDE)
  private readonly logHi = new Float64Array(EPOCH_WINDOW * STRIDE)
  private readonly callAt = new Int32Array(EPOCH_WINDOW).fill(-1)
  /** The latest call whose ranges are unknown (the first, or the first after a reset): no run may span it. */
  private unknownAt = 0
  private readonly fields: FieldState[] = [new FieldState(), new FieldState(), new FieldState()]
  private scratchSeen = new Uint8Array(0)
  private scratchSlots = new Int32Array(0)
  private drift: DriftBound | undefined

  /**
   * @param k The list length.
   * @param limits What folding demands of a witness set: text cosines pairwise below `apart`
   *   and below `copyLimit` with the article (Infinity: folding off). Fixed for an index.
   */
  constructor(
    readonly k: number,
    readonly limits: { apart: number; copyLimit: number },
  ) {}

  /**
   * Starts a call: notes which slots changed since the last one (one pass of reference
   * comparisons) and how far every idf moved (one pass over each field's vocabulary).
   */
  begin(store: ArticleStore): void {
    if (store.compactionCount !== this.compactions) {
      // Slots and term ids were renumbered: nothing remembered refers to the right thing any more.
      this.compactions = store.compactionCount
      this.witnessSlots = new Int32Array(0)
      this.tau = new Float64Array(0)
      this.selfCosine = new Float64Array(0)
      this.pairCosine = new Float64Array(0)
      this.weak = new Uint8Array(0)
      this.epoch = new Int32Array(0)
      this.changedAt = new Int32Array(0)
      this.markedAt = new Int32Array(0)
      this.markedAny = new Int32Array(0)
      this.seen = []
      this.replacedAt = 0
      this.callAt.fill(-1)
      for (let i = 0; i < this.fields.length; i++) this.fields[i] = new FieldState()
    }
    this.call++
    this.reserve(store.capacity)
    const { changedAt, seen, call } = this
    const capacity = store.capacity
    for (let s = 0; s < capacity; s++) {
      const article = store.storedAt(s)
      if (article !== seen[s]) {
        // A slot that held an article lost it (removed, replaced or updated).
        if (seen[s] !== undefined) this.replacedAt = call
        seen[s] = article
        changedAt[s] = call
      }
    }
    const fields = [store.text, store.entities, store.tags]
    const ranges = fields.map((field, i) => this.step(field, this.fields[i] as FieldState))
    const at = (call % EPOCH_WINDOW) * STRIDE
    const before = ((call - 1) % EPOCH_WINDOW) * STRIDE
    const known = this.callAt[(call - 1) % EPOCH_WINDOW] === call - 1 && ranges.every((r) => r !== undefined)
    if (!known) this.unknownAt = call
    for (let f = 0; f < 3; f++) {
      const range = ranges[f]
      for (let level = 0; level <= MARK_LEVELS; level++) {
        const i = f * (MARK_LEVELS + 1) + level
        this.logLo[at + i] = known && range !== undefined ? (this.logLo[before + i] as number) + Math.log(range.lo[level] as number) : 0
        this.logHi[at + i] = known && range !== undefined ? (this.logHi[before + i] as number) + Math.log(range.hi[level] as number) : 0
      }
    }
    this.callAt[call % EPOCH_WINDOW] = call
    this.drift = undefined
    this.revision = store.revision
  }

  /**
   * The memory for a snapshot: every entry with its bounds carried to now (tau times the drift
   * factor since its epoch, the cosines through {@link cosineCeiling}), so a load can take them
   * as established at its own first call. An entry the bound cannot carry (too old, a changed
   * article or witness, stored embeddings weighted) is saved as hints only. Undefined when
   * nothing is remembered.
   */
  save(store: ArticleStore, q: ResolvedQueryOptions): SavedWitnessMemory | undefined {
    if (store.compactionCount !== this.compactions || store.revision !== this.revision) this.begin(store)
    const drift = this.driftBound(store, q)
    const { k, call, epoch, witnessSlots } = this
    const capacity = store.capacity
    const saved: SavedWitnessMemory = {
      k,
      apart: this.limits.apart,
      copyLimit: this.limits.copyLimit,
      flags: new Uint8Array(capacity),
      witnesses: new Int32Array(capacity * k).fill(-1),
      tau: new Float64Array(capacity),
      selfCosine: new Float64Array(capacity),
      pairCosine: new Float64Array(capacity),
    }
    let entries = 0
    for (let x = 0; x < capacity; x++) {
      const e = epoch[x] as number
      if (e < 0 || store.storedAt(x) === undefined) continue
      entries++
      saved.flags[x] = this.weak[x] === 1 ? 3 : 1
      for (let i = x * k; i < x * k + k; i++) {
        const w = witnessSlots[i] as number
        saved.witnesses[i] = w >= 0 && store.storedAt(w) !== undefined ? w : -1
      }
      // Only hints unless the bound carries (a removed witness changed since e: the begin above saw it).
      let tau = this.tau[x] as number
      if (drift === undefined || !(tau > 0) || !this.intact(x)) continue
      let self = this.selfCosine[x] as number
      let pair = this.pairCosine[x] as number
      // An entry of this very call needs no drift: the store has not changed since it began.
      if (e !== call) {
        const bound = drift.at(e, this.marksSince(x, e))
        tau *= bound.score
        self = cosineCeiling(self, bound.text)
        pair = cosineCeiling(pair, bound.text)
      }
      // A score factor above 0 implies a text factor above 0 (the score's is at most the text's).
      if (!(tau > 0)) continue
      saved.tau[x] = tau
      saved.selfCosine[x] = self
      saved.pairCosine[x] = pair
    }
    return entries > 0 ? saved : undefined
  }

  /**
   * A memory from {@link save}, for a store just loaded from the same snapshot (article numbers
   * are its slots): every entry is established at call 1, which is the load, with the loaded
   * document frequencies as that call's.
   */
  static restored(store: ArticleStore, saved: SavedWitnessMemory): WitnessMemory {
    const memory = new WitnessMemory(saved.k, { apart: saved.apart, copyLimit: saved.copyLimit })
    const capacity = store.capacity
    memory.compactions = store.compactionCount
    memory.reserve(capacity)
    memory.call = 1
    memory.witnessSlots.set(saved.witnesses)
    memory.tau.set(saved.tau)
    memory.selfCosine.set(saved.selfCosine)
    memory.pairCosine.set(saved.pairCosine)
    for (let x = 0; x < capacity; x++) {
      const flag = saved.flags[x] as number
      memory.epoch[x] = flag === 0 ? -1 : 1
      memory.weak[x] = flag === 3 ? 1 : 0
      memory.seen[x] = store.storedAt(x)
    }
    const fields = [store.text, store.entities, store.tags]
    fields.forEach((field, i) => {
      const state = memory.fields[i] as FieldState
      state.df = documentFrequencies(field)
      state.size = field.size
      state.call = 1
    })
    // Call 1's running sums are zero (the arrays start so): drift is measured from the load.
    memory.callAt[1] = 1
    memory.unknownAt = 1
    memory.revision = store.revision
    return memory
  }

  /** The drift bounds of this call, for the signals `q` weights; undefined when no bound is proven for them (stored embeddings, weighted). */
  driftBound(store: ArticleStore, q: ResolvedQueryOptions): DriftBound | undefined {
    // An article's embedding is part of it: with none stored now, no unchanged article had one then.
    if (q.weights.embedding > 0 && store.embeddings.size > 0) return undefined
    this.drift ??= new DriftBound(q, this.logLo, this.logHi, this.callAt, this.unknownAt, this.call)
    return this.drift
  }

  /**
   * Whether x's remembered witnesses still prove that `n`, which scores `scoreOfN` in x's
   * ranking, is not in x's list: each scores at least `tau · factor` now, above `scoreOfN` by a
   * margin, they are still pairwise too far apart to fold (and none a copy of x), and none is n.
   */
  rulesOut(x: number, n: number, scoreOfN: number, drift: DriftBound): boolean {
    const e = this.epoch[x] as number
    if (e < 0 || e <= this.call - EPOCH_WINDOW) return false
    const tau = this.tau[x] as number
    if (!(tau > 0) || (this.changedAt[x] as number) > e) return false
    const { k, changedAt, witnessSlots } = this
    // Quick: when no stored article was removed or replaced since e, every witness is as it
    // was, and when n arrived after e it is none of them; then the loosest bound (every call
    // at the highest level, memoised) needs no witness read.
    if (this.replacedAt <= e && (changedAt[n] as number) > e && this.holds(x, tau, scoreOfN, drift.atLevel(e, MARK_LEVELS))) return true
    let top = this.levelSince(x, e)
    for (let i = x * k; i < x * k + k; i++) {
      const w = witnessSlots[i] as number
      if (w === n || (changedAt[w] as number) > e) return false
      if (top < MARK_LEVELS) top = Math.max(top, this.levelSince(w, e))
    }
    // First the bound of the highest level over every call since e (memoised), then, when
    // that is not enough, the one that gives each call its own level.
    let bound = drift.atLevel(e, top)
    if (top > 0 && !(bound.score * tau - MEMORY_MARGIN > scoreOfN + MEMORY_MARGIN)) bound = drift.at(e, this.marksSince(x, e))
    return this.holds(x, tau, scoreOfN, bound)
  }

  /** Whether x's witnesses, under drift `bound`, still beat `scoreOfN` and stay clear of folding. */
  private holds(x: number, tau: number, scoreOfN: number, bound: { score: number; text: number }): boolean {
    if (!(bound.score * tau - MEMORY_MARGIN > scoreOfN + MEMORY_MARGIN)) return false
    const { copyLimit, apart } = this.limits
    if (copyLimit !== Infinity && !(cosineCeiling(this.selfCosine[x] as number, bound.text) < copyLimit)) return false
    return apart === Infinity || this.k === 1 || cosineCeiling(this.pairCosine[x] as number, bound.text) < apart
  }

  /**
   * An upper bound on the text cosine between any two of x's remembered witnesses now, when x
   * and all `k` of them are unchanged since the entry was made; NaN otherwise (or without a
   * drift bound), and the caller measures the cosines itself.
   */
  pairCosineNow(x: number, drift: DriftBound | undefined): number {
    if (drift === undefined || !this.intact(x)) return NaN
    const e = this.epoch[x] as number
    return cosineCeiling(this.pairCosine[x] as number, drift.at(e, this.marksSince(x, e)).text)
  }

  /** Whether x's entry is inside the window, with x and all `k` of its witnesses unchanged since it was made. */
  private intact(x: number): boolean {
    const e = this.epoch[x] as number
    if (e < 0 || e <= this.call - EPOCH_WINDOW || (this.changedAt[x] as number) > e) return false
    const { k, changedAt, witnessSlots } = this
    for (let i = x * k; i < x * k + k; i++) {
      const w = witnessSlots[i] as number
      if (w < 0 || (changedAt[w] as number) > e) return false
    }
    return true
  }

  /** The highest mark level slot s received after call e (0: none). */
  private levelSince(s: number, e: number): number {
    if ((this.markedAny[s] as number) <= e) return 0
    const { markedAt } = this
    for (let level = MARK_LEVELS; level >= 1; level--) if ((markedAt[s * MARK_LEVELS + level - 1] as number) > e) return level
    return 0
  }

  /**
   * Per mark level ℓ (at ℓ − 1), the latest call after `e` at which x or one of its witnesses
   * was marked with level ℓ (0: none). Since a mark stamp is the latest of its level, at any
   * call c after e each of them held terms of at most the highest level whose stamp is ≥ c.
   */
  private marksSince(x: number, e: number): Int32Array {
    const { k, markedAt, markedAny, witnessSlots } = this
    const marks = this.marks.fill(0)
    for (let i = -1; i < k; i++) {
      const s = i < 0 ? x : (witnessSlots[x * k + i] as number)
      if ((markedAny[s] as number) <= e) continue
      for (let level = 0; level < MARK_LEVELS; level++) {
        const c = markedAt[s * MARK_LEVELS + level] as number
        if (c > e && c > (marks[level] as number)) marks[level] = c
      }
    }
    return marks
  }

  /** Whether x has a remembered witness set (of any age, maybe only hints). */
  hasEntry(x: number): boolean {
    return (this.epoch[x] as number) >= 0
  }

  /** Whether x's remembered witnesses came from a quick search (not from the top of x's list). */
  isWeak(x: number): boolean {
    return this.weak[x] === 1
  }

  /** x's remembered witness slots (-1 for none), as hints: a caller rescoring them trusts only their ids. */
  hints(x: number): Int32Array {
    const at = x * this.k
    return at + this.k <= this.witnessSlots.length ? this.witnessSlots.subarray(at, at + this.k) : EMPTY_SLOTS
  }

  /**
   * Remembers x's witnesses as of this call, unless x already has a stronger set from this call.
   * `scores` are their scores in x's ranking now; with fewer than `k` of them they are kept as
   * hints only. `selfCosine` is the largest text cosine of a witness with x and `pairCosine` the
   * largest between two witnesses (the caller checked both against the fold limits). `weak`:
   * the witnesses came from a quick search, not from near the top of x's list.
   */
  offer(x: number, witnesses: ArrayLike<number>, scores: ArrayLike<number>, selfCosine: number, pairCosine: number, weak = false): void {
    const { k } = this
    const count = Math.min(k, witnesses.length)
    let tau = count >= k ? Infinity : 0
    for (let i = 0; i < count; i++) tau = Math.min(tau, scores[i] as number)
    if (!(tau > 0)) tau = 0
    if (this.epoch[x] === this.call && (this.tau[x] as number) > 0 && (this.tau[x] as number) >= tau) return
    for (let i = 0; i < k; i++) this.witnessSlots[x * k + i] = i < count ? (witnesses[i] as number) : -1
    this.tau[x] = tau
    this.selfCosine[x] = selfCosine
    this.pairCosine[x] = pairCosine
    this.weak[x] = weak ? 1 : 0
    this.epoch[x] = this.call
  }

  /**
   * The idf ranges of one field since the last call, marking the slots that hold a term whose
   * idf moved by more than the first of {@link MARK_STEPS}. Only terms some document holds at
   * both calls matter (a pair of unchanged articles shares nothing else), and such a term keeps
   * its id.
   */
  private step(field: FieldIndex, state: FieldState): StepRange | undefined {
    const n0 = state.size
    const n1 = field.size
    const vocabulary = field.vocabularySize
    const previous = state.df
    const first = state.call === 0
    const df = documentFrequencies(field)
    state.df = df
    state.size = n1
    state.call = this.call
    if (first || !(n0 >= 1) || !(n1 >= 1)) return undefined
    const l0 = 1 + Math.log(1 + n0)
    const l1 = 1 + Math.log(1 + n1)
    // A term whose df did not move: (l1 − u) / (l0 − u) with u = ln(1 + df), monotone in u, so
    // its extremes are at df = 1 and df = min(n0, n1).
    const still = (d: number): number => (l1 - Math.log(1 + d)) / (l0 - Math.log(1 + d))
    const a = still(1)
    const b = still(Math.min(n0, n1))
    // Extremes of the terms of each level alone; made cumulative below.
    const lo = new Array<number>(MARK_LEVELS + 1).fill(1)
    const hi = new Array<number>(MARK_LEVELS + 1).fill(1)
    lo[0] = Math.min(a, b)
    hi[0] = Math.max(a, b)
    const { scratchSeen, scratchSlots, markedAt, call } = this
    const shared = Math.min(vocabulary, previous.length)
    for (let t = 0; t < shared; t++) {
      const d0 = previous[t] as number
      const d1 = df[t] as number
      if (d0 === d1 || d0 === 0 || d1 === 0) continue
      const r = (l1 - Math.log(1 + d1)) / (l0 - Math.log(1 + d0))
      const change = Math.abs(r - 1)
      let level = 0
      while (level < MARK_LEVELS && change > (MARK_STEPS[level] as number)) level++
      if (r < (lo[level] as number)) lo[level] = r
      if (r > (hi[level] as number)) hi[level] = r
      if (level === 0) continue
      // Mark the term's documents with the level (one level at a time, through the scratch marks).
      const count = field.collect(t, scratchSeen, scratchSlots, 0)
      for (let i = 0; i < count; i++) {
        const s = scratchSlots[i] as number
        markedAt[s * MARK_LEVELS + level - 1] = call
        this.markedAny[s] = call
        scratchSeen[s] = 0
      }
    }
    for (let level = 1; level <= MARK_LEVELS; level++) {
      lo[level] = Math.min(lo[level] as number, lo[level - 1] as number)
      hi[level] = Math.max(hi[level] as number, hi[level - 1] as number)
    }
    // Rounding of the logarithms: far below the callers' margins, but never trusted to the last bit.
    return { lo: lo.map((v) => v * (1 - 1e-12)), hi: hi.map((v) => v * (1 + 1e-12)) }
  }

  private reserve(capacity: number): void {
    if (this.tau.length >= capacity) return
    const size = Math.max(capacity, this.tau.length * 2, 64)
    const grow = <T extends Int32Array | Float64Array | Uint8Array>(old: T, make: (n: number) => T, fill: number, per = 1): T => {
      const next = make(size * per)
      next.fill(fill)
      next.set(old)
      return next
    }
    this.witnessSlots = grow(this.witnessSlots, (n) => new Int32Array(n), -1, this.k)
    this.tau = grow(this.tau, (n) => new Float64Array(n), 0)
    this.selfCosine = grow(this.selfCosine, (n) => new Float64Array(n), 0)
    this.pairCosine = grow(this.pairCosine, (n) => new Float64Array(n), 0)
    this.weak = grow(this.weak, (n) => new Uint8Array(n), 0)
    this.epoch = grow(this.epoch, (n) => new Int32Array(n), -1)
    this.changedAt = grow(this.changedAt, (n) => new Int32Array(n), 0)
    this.markedAt = grow(this.markedAt, (n) => new Int32Array(n), 0, MARK_LEVELS)
    this.markedAny = grow(this.markedAny, (n) => new Int32Array(n), 0)
    this.scratchSeen = new Uint8Array(size)
    this.scratchSlots = new Int32Array(size)
  }
}

/** Margin of the remembered bound: covers the rounding between scores summed in different orders. */
const MEMORY_MARGIN = 1e-9
/** Entries older than this many calls are not used (and the per-call ranges are a ring of this size). */
export const EPOCH_WINDOW = 256
/**
 * An idf that moved since the last call by a factor further from 1 than `MARK_STEPS[ℓ − 1]` (and
 * no further than `MARK_STEPS[ℓ]`) marks the articles holding its term with level ℓ. Moves within
 * the first step are the tight range every pair gets (the document count alone moves an idf by
 * about 1/n); a level-ℓ pair gets the range of every term up to level ℓ. Rare terms move most and
 * mark few articles.
 */
const MARK_STEPS = [3e-4, 1e-3, 4e-3, 1.6e-2, 6.4e-2]
const MARK_LEVELS = MARK_STEPS.length
/** Entries per call in the running sums: three fields, each with the unmarked range and one per level. */
const STRIDE = 3 * (MARK_LEVELS + 1)
const EMPTY_SLOTS = new Int32Array(0)

/** Every term's document frequency now, by term id. */
function documentFrequencies(field: FieldIndex): Int32Array<ArrayBuffer> {
  const df = new Int32Array(field.vocabularySize)
  for (let t = 0; t < df.length; t++) df[t] = field.documentFrequency(t)
  return df
}

/** One field's document frequencies and document count at the last call. */
class FieldState {
  df = new Int32Array(0)
  size = 0
  call = 0
}

/** Each idf of a field whose terms marked up to level ℓ (0: none) moved by a factor in `[lo[ℓ], hi[ℓ]]`. */
interface StepRange {
  lo: number[]
  hi: number[]
}

/**
 * How far scores can have moved since an earlier call. Within a field, every idf moved by a
 * factor in `[lo, hi]` (the product of the per-call ranges since, each of the level the pair
 * was marked with at that call), so a cosine — a ratio of sums of products of two idfs — moved
 * by a factor in `[(lo/hi)², (hi/lo)²]`. A score is a weighted mean of cosines, or, with context
 * signals (time, tags), one whose context weights scale with the content similarity: when every
 * similarity shrinks by at most `f`, the score shrinks by at most `f`, or `f²` with context (the
 * context weight may shrink by `f` as well, and the weights may grow by `1/f` where context
 * pulls the mean down).
 */
export class DriftBound {
  /** Bounds by `(e mod EPOCH_WINDOW) · (MARK_LEVELS + 1) + level` (a call's epochs are all within the window). */
  private readonly memo: Array<{ score: number; text: number } | undefined> = []

  constructor(
    private readonly q: ResolvedQueryOptions,
    private readonly logLo: Float64Array,
    private readonly logHi: Float64Array,
    private readonly callAt: Int32Array,
    private readonly unknownAt: number,
    private readonly call: number,
  ) {}

  /**
   * Factors for pairs of articles unchanged since call `e`: any such pair's score now is at least
   * `score` times what it was then, and its text cosine at most `cosineCeiling(then, text)`.
   * `marks`: per level, the latest call after e at which either article was marked with it
   * (none: unmarked since e).
   */
  at(e: number, marks?: Int32Array): { score: number; text: number } {
    return marks === undefined ? this.atLevel(e, 0) : this.compute(e, marks, 0)
  }

  /** {@link at} with every call since e at mark level `level` (a looser bound for a pair marked up to that level), memoised. */
  atLevel(e: number, level: number): { score: number; text: number } {
    if (!(e > this.call - EPOCH_WINDOW && e <= this.call)) return this.compute(e, undefined, level)
    const key = (e % EPOCH_WINDOW) * (MARK_LEVELS + 1) + level
    let bound = this.memo[key]
    if (bound === undefined) {
      bound = this.compute(e, undefined, level)
      this.memo[key] = bound
    }
    return bound
  }

  private compute(e: number, marks: Int32Array | undefined, base: number): { score: number; text: number } {
    const { logLo, logHi, callAt, call } = this
    if (e < this.unknownAt || e <= call - EPOCH_WINDOW || e > call || callAt[e % EPOCH_WINDOW] !== e) return { score: 0, text: 0 }
    // Runs of calls at one level: up to the latest mark of the highest level, then of the next…
    const logShrink = [0, 0, 0]
    const run = (from: number, to: number, level: number): void => {
      const a = (from % EPOCH_WINDOW) * STRIDE
      const b = (to % EPOCH_WINDOW) * STRIDE
      for (let f = 0; f < 3; f++) {
        const i = f * (MARK_LEVELS + 1) + level
        const lo = (logLo[b + i] as number) - (logLo[a + i] as number)
        const hi = (logHi[b + i] as number) - (logHi[a + i] as number)
        logShrink[f] = (logShrink[f] as number) + 2 * (lo - hi)
      }
    }
    let from = e
    if (marks !== undefined) {
      for (let level = MARK_LEVELS; level >= 1; level--) {
        const until = marks[level - 1] as number
        if (until > from) {
          run(from, until, level)
          from = until
        }
      }
    }
    if (call > from) run(from, call, base)
    // Rounding of the logarithms and their sums: far below the callers' margins, never trusted to the last bit.
    const shrink = (f: number): number => Math.min(1, Math.exp(logShrink[f] as number)) * (1 - 1e-12)
    const w = this.q.weights
    const text = shrink(0)
    let factor = text
    if (w.entities > 0) factor = Math.min(factor, shrink(1))
    if (w.tags > 0) factor = Math.min(factor, shrink(2))
    if (w.time > 0 || w.tags > 0) factor *= factor
    return { score: factor, text }
  }
}

/**
 * An upper bound on a text cosine now, from its value `c` then and the factor `f` ≤ 1 by which
 * any text cosine can have shrunk since (every idf moved within `[lo, hi]`, `f = (lo/hi)²`):
 * `c / f`, and, tighter near 1, `√(1 − f·(1 − c²))`, since the squared sine (the squared distance
 * of one unit vector from the other's line, a minimum of weighted sums of squares) can shrink by
 * at most `f` as well.
 */
export function cosineCeiling(c: number, f: number): number {
  if (!(f > 0)) return Infinity
  return Math.min(c / f, Math.sqrt(1 - f * (1 - c * c))) * (1 + 1e-12)
}

/** Witness memories by archive: one per `k` (and fold limits), the {@link KEPT_MEMORIES} most recently used. */
const memories = new WeakMap<ArticleStore, WitnessMemory[]>()
/** A site may ask for two list lengths (a sidebar and a page, say) without refilling a memory on every call. */
const KEPT_MEMORIES = 2

/**
 * The witness memories of `store` for a snapshot, most recently used first ([] when none);
 * `queryFor(k)` resolves the ranking `affectedBy` uses for `k`, whose weights the drift bound needs.
 */
export function saveWitnessMemories(store: ArticleStore, queryFor: (k: number) => ResolvedQueryOptions): SavedWitnessMemory[] {
  const out: SavedWitnessMemory[] = []
  for (const memory of memories.get(store) ?? []) {
    const saved = memory.save(store, queryFor(memory.k))
    if (saved !== undefined) out.push(saved)
  }
  return out
}

/** Gives a store just loaded from a snapshot the witness memories the snapshot holds. */
export function restoreWitnessMemories(store: ArticleStore, saved: readonly SavedWitnessMemory[]): void {
  if (saved.length === 0) return
  memories.set(
    store,
    saved.slice(0, KEPT_MEMORIES).map((m) => WitnessMemory.restored(store, m)),
  )
}

export function witnessMemory(store: ArticleStore, k: number, limits: { apart: number; copyLimit: number }): WitnessMemory {
  const kept = memories.get(store) ?? []
  const at = kept.findIndex((m) => m.k === k && m.limits.apart === limits.apart && m.limits.copyLimit === limits.copyLimit)
  const memory = at >= 0 ? (kept[at] as WitnessMemory) : new WitnessMemory(k, limits)
  if (at >= 0) kept.splice(at, 1)
  kept.unshift(memory)
  kept.length = Math.min(kept.length, KEPT_MEMORIES)
  memories.set(store, kept)
  return memory
}
