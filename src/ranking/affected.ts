import type { FieldIndex } from '../index/field-index.js'
import { clamp01 } from '../index/field-index.js'
import type { ArticleStore } from '../index/store.js'
import { witnessMemory, type DriftBound, type WitnessMemory } from './affected-memory.js'
import type { QueryEngine } from './engine.js'
import { embeddingSimilarity } from './embedding-similarity.js'
import type { ResolvedIndexOptions, ResolvedQueryOptions } from './options.js'
import type { RelatedResult } from './result.js'
import { contextShare, timeCloseness } from './signals.js'

/**
 * Reverse top-k for `RelatedIndex.affectedBy`: which stored articles X show article N in their
 * top-k list (as a result or folded into one as a duplicate)?
 *
 * Running X's query for every X that shares a term with N is exact but costs one query per
 * neighbour: nearly the whole archive, since common words link almost every pair. Instead:
 *
 * 1. One pass over N's postings gives, for every neighbour X, the score N has in X's ranking
 *    (`s(X, N)`, computed from X's side: X's active signals, X's time as the reference).
 * 2. A *witness* for X is an article that beats N in X's ranking by a margin. X with `k`
 *    witnesses cannot list N: the witnesses rank above N, and with duplicate folding on, they
 *    are pairwise less similar than `2·t² − 1` (t: `duplicateThreshold`), so no two of them can
 *    fold into one kept result (two texts within angle `acos t` of one result are within
 *    `2·acos t` of each other), nor can one be a copy of X (text cosine < t). So at least `k`
 *    kept results rank above N and the list is full before N is reached.
 * 3. The witness memory (`affected-memory.ts`) holds, from earlier calls, `k` witnesses per
 *    article and a lower bound on their scores then; a proven bound on how far any score can
 *    have drifted since turns it into a bound now. X whose bound beats `s(X, N)` is settled in
 *    O(k), with no scoring: after the first call, nearly every neighbour.
 * 4. The rest rescore their remembered witnesses (k pair scores), then search for better ones
 *    among the articles sharing their strongest terms (a few dozen pair scores).
 * 5. Every other neighbour is decided by running its query: exact by construction.
 *
 * Steps 4 and 5 remember the strongest witnesses they saw (a query's own results, the search's
 * best `k`), so an article needs work again only when a new article comes close to its list.
 * The memory fills lazily: a neighbour with no witnesses yet gets a quick search (a few hundred
 * postings of its rarer terms, a few dozen pair scores), enough for the many neighbours that
 * score N far below their lists' ends; its witnesses are marked weak, and when a later article
 * beats one of them the thorough search follows (not a query, as for witnesses from the top of
 * the list). So the first call on an archive costs a quick search per neighbour instead of a
 * thorough one per article, and the thorough searches are spread over the calls that need them.
 *
 * The margin (1e-9) covers the last-bit differences between a score summed from N's side and
 * the engine's, which sums from X's side; near-ties simply go to step 5. Steps 2–4 need the
 * ranking to be an exact top by score, so an index that prunes candidates (`candidateTerms`
 * finite) and queries with `diversity` use step 5 for every neighbour. With embeddings stored
 * and weighted no drift bound is proven, so step 3 is skipped (step 4 still starts from the
 * remembered witnesses).
 *
 * The pair score below mirrors `QueryEngine.scoreOf`; `tests/ranking/affected.test.ts` holds
 * the two together by comparing with brute force under several weightings.
 */
export function affectedSlots(
  store: ArticleStore,
  engine: QueryEngine,
  options: ResolvedIndexOptions,
  slot: number,
  q: ResolvedQueryOptions,
): number[] {
  const k = q.k
  const fold = q.foldDuplicates
  if (!usesMemory(options, q)) return engine.neighbours(slot).filter((x) => listsSlot(store, engine, x, slot, q))
  const limits = foldLimits(options, q)
  const memory = witnessMemory(store, k, limits)
  memory.begin(store)
  const verify = (x: number): boolean => listsSlot(store, engine, x, slot, q, { memory, limits })
  const scorer = new PairScorer(store, options, q)
  const drift = memory.driftBound(store, q)

  // Step 1: N's score in each neighbour's ranking; step 3 as each is scored.
  const neighbours = scorer.scoreAll(slot)
  const scoreOfN = new Float64Array(store.capacity)
  const open: number[] = []
  for (const x of neighbours) {
    const s = scorer.score[x] as number
    if (!(s > 0 && s >= q.minScore)) continue
    // N is a copy of X: the list skips it.
    if (fold && (scorer.text[x] as number) >= options.duplicateThreshold + MARGIN) continue
    if (drift !== undefined && memory.rulesOut(x, slot, s, drift)) continue
    scoreOfN[x] = s
    open.push(x)
  }
  scorer.clear()

  // Step 4. A neighbour whose remembered witnesses are intact but one of them no longer beats N
  // goes straight to its query: its witnesses were about its best, so N is a contender.
  const search = new WitnessSearch(store, memory, drift, scorer, k, limits)
  const remaining = open.filter((x) => {
    const s = scoreOfN[x] as number
    const remembered = search.fromMemory(x, slot, s)
    if (remembered === RULED_OUT) return false
    if (remembered === BEATEN) return true
    // An article with no witnesses yet (the first calls on an archive, a new article) gets the
    // quick search first: most neighbours score n far below their lists' ends.
    if (remembered === UNKNOWN && !memory.hasEntry(x) && search.full(x, slot, s, QUICK)) return false
    return !search.full(x, slot, s, THOROUGH)
  })
  // Step 5.
  return remaining.filter(verify).sort((a, b) => a - b)
}

/**
 * For a batch of lists computed with `affectedBy`'s own ranking (`q` resolved from `{ k }` alone,
 * `primeAffectedBy`): a function that remembers each list's results as its article's witnesses,
 * as the queries of step 5 do, so that `affectedBy` after `relatedAll`/`iterateRelated` (the
 * usual precompute of cached lists) starts from the strongest witnesses instead of filling the
 * memory with searches. Undefined when `affectedBy` does not use the memory (finite
 * `candidateTerms`). Needs the index unchanged while it is used (a batch guarantees that).
 */
export function witnessRecorder(
  store: ArticleStore,
  options: ResolvedIndexOptions,
  q: ResolvedQueryOptions,
): ((x: number, results: readonly RelatedResult[]) => void) | undefined {
  if (!usesMemory(options, q)) return undefined
  const limits = foldLimits(options, q)
  const memory = witnessMemory(store, q.k, limits)
  memory.begin(store)
  return (x, results) => {
    const chosen = witnessesAmong(store, x, results, q.k, limits)
    memory.offer(x, chosen.slots, chosen.scores, chosen.self, chosen.pair)
  }
}

/** Whether the ranking is an exact top by score (no pruned candidates, no diversity), which witnesses need. */
function usesMemory(options: ResolvedIndexOptions, q: ResolvedQueryOptions): boolean {
  return options.candidateTerms === Infinity && !(q.diversity > 0)
}

/** Witnesses must be pairwise below `apart` in text cosine to count separately, and below `copyLimit` against X. */
function foldLimits(options: ResolvedIndexOptions, q: ResolvedQueryOptions): FoldLimits {
  const threshold = options.duplicateThreshold
  const fold = q.foldDuplicates
  return {
    fold,
    apart: fold ? 2 * threshold * threshold - 1 - MARGIN : Infinity,
    copyLimit: fold ? threshold - 2 * MARGIN : Infinity,
  }
}

/** Outcomes of `WitnessSearch.fromMemory`. */
const RULED_OUT = 0
const BEATEN = 1
const UNKNOWN = 2
/** The remembered witnesses, from a quick search, are intact but one no longer beats n: search again. */
const WEAK_BEATEN = 3

const MARGIN = 1e-9
/**
 * How far a witness search looks: it reads the postings of a neighbour's strongest terms up to
 * `postings` (at least one term's), and scores `perWitness` best-matching articles per witness
 * needed. The thorough search finds witnesses close to the top of the list, which later calls
 * rarely need to replace; the quick one, for an article with no witnesses yet, costs a few
 * dozen pair scores and is enough for the many neighbours that score n far below their lists'
 * ends (its witnesses are remembered as *weak*: when n beats one, the thorough search follows
 * instead of a query).
 */
interface SearchBudget {
  postings: number
  perWitness: number
  /** Candidates ranked by their guaranteed score, as a multiple of those scored (copies are skipped unscored). */
  spare: number
  weak: boolean
}
const THOROUGH: SearchBudget = { postings: 4000, perWitness: 5, spare: 4, weak: false }
const QUICK: SearchBudget = { postings: 400, perWitness: 3, spare: 2, weak: true }
/** A list whose results hold fewer than `k` usable witnesses is widened to this many times `k` for more. */
const WIDEN_FOR_WITNESSES = 3

/** What folding demands of a witness set (see {@link affectedSlots}); the limits are Infinity with folding off. */
interface FoldLimits {
  fold: boolean
  /** Witnesses pairwise below this text cosine. */
  apart: number
  /** Each witness below this text cosine with X. */
  copyLimit: number
}

/**
 * Looks for `k` witnesses of one article x: first the ones it had last time, rescored; then the
 * best of the articles that share its strongest terms (their partial dot products pick the
 * likeliest, whose full pair scores are then computed).
 */
class WitnessSearch {
  private readonly acc: Float64Array
  /** The score each of the best partial sums guarantees (only those slots are meaningful). */
  private readonly floor: Float64Array
  private readonly seen: Uint8Array
  private readonly touched: Int32Array
  private heap = new Int32Array(0)

  constructor(
    private readonly store: ArticleStore,
    private readonly memory: WitnessMemory,
    private readonly drift: DriftBound | undefined,
    private readonly scorer: PairScorer,
    private readonly k: number,
    private readonly limits: FoldLimits,
  ) {
    const capacity = store.capacity
    this.acc = new Float64Array(capacity)
    this.floor = new Float64Array(capacity)
    this.seen = new Uint8Array(capacity)
    this.touched = new Int32Array(capacity)
  }

  /**
   * Whether x's remembered witnesses, rescored now, still show its list is full without `n`
   * (which scores `scoreOfN` there): {@link RULED_OUT}, {@link BEATEN} when the set is intact
   * but one of them no longer beats n, else {@link UNKNOWN}.
   */
  fromMemory(x: number, n: number, scoreOfN: number): number {
    const hints = this.memory.hints(x)
    if (hints.length < this.k || (hints[this.k - 1] as number) < 0) return UNKNOWN
    const store = this.store
    const slots: number[] = []
    const scores: number[] = []
    const texts: number[] = []
    let self = 0
    let beaten = false
    for (const y of hints) {
      if (y === n || y === x || store.idAt(y) === undefined) return UNKNOWN
      const { score, text } = this.scorer.pairScore(x, y)
      if (this.limits.fold && !(text < this.limits.copyLimit)) return UNKNOWN
      if (!(score > scoreOfN + MARGIN)) beaten = true
      slots.push(y)
      scores.push(score)
      texts.push(text)
      self = Math.max(self, text)
    }
    if (beaten) return this.memory.isWeak(x) ? WEAK_BEATEN : BEATEN
    let pair = 0
    if (this.limits.apart !== Infinity) {
      // The set's remembered spread, drifted, when it is intact; else measured.
      pair = this.memory.pairCosineNow(x, this.drift)
      if (!(pair < this.limits.apart)) {
        pair = 0
        for (let i = 1; i < slots.length; i++) {
          for (let j = 0; j < i; j++) pair = Math.max(pair, pairCeiling(store.text, slots[i] as number, texts[i] as number, slots[j] as number, texts[j] as number, this.limits.apart))
        }
        if (!(pair < this.limits.apart)) return UNKNOWN
      }
    }
    this.memory.offer(x, slots, scores, self, pair, this.memory.isWeak(x))
    return RULED_OUT
  }

  /**
   * Whether `k` witnesses among the articles sharing x's strongest terms show x's list is full
   * without `n`. The best `k` found are remembered either way.
   */
  full(x: number, n: number, scoreOfN: number, budget: SearchBudget): boolean {
    const { store, acc, seen, touched, k } = this
    const field = store.text
    const idf = field.idf()
    const { terms, tfs } = field.forwardList(x)
    const weights = new Float64Array(terms.length)
    const order: number[] = []
    for (let i = 0; i < terms.length; i++) {
      weights[i] = (tfs[i] as number) * (idf[terms[i] as number] as number)
      order.push(i)
    }
    order.sort((a, b) => (weights[b] as number) - (weights[a] as number))
    let count = 0
    let read = 0
    for (const i of order) {
      const t = terms[i] as number
      const df = field.documentFrequency(t)
      if (read + df > budget.postings) {
        // The thorough search reads at least the strongest term; the quick one passes over
        // terms too common for its budget and reads the rarer ones.
        if (budget.weak) continue
        if (read > 0) break
      }
      read += df
      count = field.collect(t, seen, touched, count)
      field.addPostings(t, (weights[i] as number) * (idf[t] as number), acc)
    }
    const want = k * budget.perWitness
    // Copies are skipped below without counting, so keep some spare.
    const best = this.bestByPartial(count, x, budget.spare * want)
    // Ranked again by the score their partial text sum guarantees (a lower bound: the score grows
    // with every similarity), which brings in the time signal; the best are scored exactly.
    const norms = field.documentNorms()
    const normX = norms[x] as number
    const floor = this.floor
    for (const y of best) floor[y] = this.scorer.scoreWithText(x, y, (acc[y] as number) / (normX * (norms[y] as number)))
    best.sort((a, b) => (floor[b] as number) - (floor[a] as number) || (acc[b] as number) - (acc[a] as number) || a - b)
    const tried: Array<{ y: number; score: number; text: number }> = []
    let previous = NaN
    for (let i = 0; i < best.length && tried.length < want; i++) {
      const y = best[i] as number
      // An exact copy of the article just tried has the same partial sum: skip it unscored (any
      // article may be left out; a copy could not count beside its original anyway).
      const partial = acc[y] as number
      if (partial === previous) continue
      previous = partial
      const { score, text } = this.scorer.pairScore(x, y)
      if (this.limits.fold && !(text < this.limits.copyLimit)) continue
      tried.push({ y, score, text })
    }
    for (let i = 0; i < count; i++) {
      const y = touched[i] as number
      acc[y] = 0
      seen[y] = 0
    }
    // The best k, best first, pairwise apart.
    tried.sort((a, b) => b.score - a.score || a.y - b.y)
    const { slots, scores, self, pair } = pickApart(field, tried, k, this.limits.apart)
    this.memory.offer(x, slots, scores, self, pair, budget.weak)
    // N itself may be among them (it is stored): it cannot witness against itself.
    return slots.length >= k && !slots.includes(n) && (scores[k - 1] as number) > scoreOfN + MARGIN
  }

  /** The `m` touched slots (not x) with the largest partial sums, best first: a min-heap of slots keyed by `acc`. */
  private bestByPartial(count: number, x: number, m: number): number[] {
    const { acc, touched } = this
    const heap = this.heap.length >= m ? this.heap : (this.heap = new Int32Array(m))
    let size = 0
    for (let i = 0; i < count; i++) {
      const y = touched[i] as number
      if (y === x) continue
      const v = acc[y] as number
      if (size < m) {
        // Sift up.
        let j = size++
        while (j > 0) {
          const parent = (j - 1) >> 1
          if ((acc[heap[parent] as number] as number) <= v) break
          heap[j] = heap[parent] as number
          j = parent
        }
        heap[j] = y
      } else if (v > (acc[heap[0] as number] as number)) {
        // Replace the minimum and sift down.
        let j = 0
        for (;;) {
          const left = 2 * j + 1
          if (left >= size) break
          const right = left + 1
          const child = right < size && (acc[heap[right] as number] as number) < (acc[heap[left] as number] as number) ? right : left
          if ((acc[heap[child] as number] as number) >= v) break
          heap[j] = heap[child] as number
          j = child
        }
        heap[j] = y
      }
    }
    return Array.from(heap.subarray(0, size)).sort((a, b) => (acc[b] as number) - (acc[a] as number) || a - b)
  }
}

/**
 * An upper bound on the text cosine of a and b, whose text cosines with a third article are
 * `ta` and `tb`: as unit vectors, a and b are at least `|ta − tb|` apart, so their cosine is at
 * most `1 − |ta − tb|² / 2`. Only when that is not well below `apart` is the cosine computed.
 */
function pairCeiling(field: FieldIndex, a: number, ta: number, b: number, tb: number, apart: number): number {
  const d = Math.abs(ta - tb) - MARGIN
  if (d > 0) {
    const ceiling = 1 - (d * d) / 2
    if (ceiling < apart - PAIR_SLACK) return ceiling
  }
  return fastCosine(field, a, b)
}

/** A cosine ceiling this far below `apart` is kept without computing the cosine (room for later drift). */
const PAIR_SLACK = 1e-3

/**
 * Whether `x`'s top-k list shows `slot`, as a result or among a result's duplicates. The list's
 * results, the strongest witnesses x can have, are remembered for later calls (widened once
 * when folding rules out too many of them).
 */
function listsSlot(
  store: ArticleStore,
  engine: QueryEngine,
  x: number,
  slot: number,
  q: ResolvedQueryOptions,
  remember?: { memory: WitnessMemory; limits: FoldLimits },
): boolean {
  const id = store.idAt(slot) as string
  const profile = engine.profileOf(x)
  const results = engine.run(profile, q)
  const listed = results.some((r) => r.id === id || r.reasons.duplicates.includes(id))
  if (remember === undefined) return listed
  const { memory, limits } = remember
  let chosen = witnessesAmong(store, x, results, q.k, limits)
  if (chosen.slots.length < q.k && results.length >= q.k) chosen = witnessesAmong(store, x, engine.run(profile, { ...q, k: q.k * WIDEN_FOR_WITNESSES }), q.k, limits)
  memory.offer(x, chosen.slots, chosen.scores, chosen.self, chosen.pair)
  return listed
}

/** Up to `k` results, best first, pairwise far enough apart (and from the query) to serve as witnesses. */
function witnessesAmong(
  store: ArticleStore,
  x: number,
  results: readonly RelatedResult[],
  k: number,
  limits: FoldLimits,
): { slots: number[]; scores: number[]; self: number; pair: number } {
  function* candidates(): Generator<WitnessCandidate> {
    for (const r of results) {
      const y = store.slotOf(r.id) as number
      // The result's text signal is that cosine (summed exactly) when text is weighted.
      const text = !limits.fold ? 0 : r.signals.text.weight > 0 ? r.signals.text.value : fastCosine(store.text, x, y)
      if (limits.fold && !(text < limits.copyLimit)) continue
      yield { y, score: r.score, text }
    }
  }
  return pickApart(store.text, candidates(), k, limits.apart)
}

interface WitnessCandidate {
  y: number
  score: number
  /** Its text cosine with the article whose witnesses these are (0 when copies do not fold). */
  text: number
}

/**
 * Up to `k` of the candidates (best first), each kept only if its pair ceiling with every one kept
 * before it is below `apart`, with the largest text cosine to the query (`self`) and pair ceiling
 * (`pair`) among them. Stops pulling candidates once `k` are kept.
 */
function pickApart(
  field: FieldIndex,
  candidates: Iterable<WitnessCandidate>,
  k: number,
  apart: number,
): { slots: number[]; scores: number[]; self: number; pair: number } {
  const slots: number[] = []
  const scores: number[] = []
  const texts: number[] = []
  let self = 0
  let pair = 0
  if (k <= 0) return { slots, scores, self, pair }
  for (const c of candidates) {
    let most = 0
    if (apart !== Infinity) {
      for (let i = 0; i < slots.length; i++) most = Math.max(most, pairCeiling(field, c.y, c.text, slots[i] as number, texts[i] as number, apart))
      if (!(most < apart)) continue
    }
    pair = Math.max(pair, most)
    self = Math.max(self, c.text)
    slots.push(c.y)
    scores.push(c.score)
    texts.push(c.text)
    if (slots.length >= k) break
  }
  return { slots, scores, self, pair }
}

/**
 * The cosine of two stored documents summed in plain floating point: within about 1e-14 of
 * `FieldIndex.cosine` (which sums exactly, order-free), far inside the 1e-9 margin every
 * comparison here keeps, and several times cheaper.
 */
function fastCosine(field: FieldIndex, a: number, b: number): number {
  const norms = field.documentNorms()
  const na = norms[a] as number
  const nb = norms[b] as number
  if (!(na > 0) || !(nb > 0)) return 0
  const idf = field.idf()
  const x = field.forwardList(a)
  const y = field.forwardList(b)
  const xt = x.terms
  const yt = y.terms
  let i = 0
  let j = 0
  let dot = 0
  while (i < xt.length && j < yt.length) {
    const ta = xt[i] as number
    const tb = yt[j] as number
    if (ta === tb) {
      const w = idf[ta] as number
      dot += (x.tfs[i] as number) * (y.tfs[j] as number) * w * w
      i++
      j++
    } else if (ta < tb) i++
    else j++
  }
  return clamp01(dot / (na * nb))
}

/**
 * Scores one stored article P against every article that shares a term, entity or tag with it,
 * from the other article's side: `score[x]` is the score P has in x's ranking, `text[x]` their
 * text cosine.
 */
class PairScorer {
  readonly score: Float64Array
  readonly text: Float64Array
  private readonly accText: Float64Array
  private readonly accEntities: Float64Array
  private readonly accTags: Float64Array
  private readonly touched: Int32Array
  private readonly mark: Uint8Array
  private count = 0
  /** x's text weights by term for {@link textCosine} (all zero but the terms of `denseSlot`). */
  private dense = new Float64Array(0)
  private denseSlot = -1

  constructor(
    private readonly store: ArticleStore,
    private readonly options: ResolvedIndexOptions,
    private readonly q: ResolvedQueryOptions,
  ) {
    const capacity = store.capacity
    this.score = new Float64Array(capacity)
    this.text = new Float64Array(capacity)
    this.accText = new Float64Array(capacity)
    this.accEntities = new Float64Array(capacity)
    this.accTags = new Float64Array(capacity)
    this.touched = new Int32Array(capacity)
    this.mark = new Uint8Array(capacity)
  }

  /** Fills `score` and `text` for every slot sharing something with `p`; returns those slots (not `p`). */
  scoreAll(p: number): Int32Array {
    const { store, q } = this
    const w = q.weights
    accumulate(store.text, p, this.accText)
    if (w.entities > 0) accumulate(store.entities, p, this.accEntities)
    if (w.tags > 0) accumulate(store.tags, p, this.accTags)
    const capacity = store.capacity
    const { accText, accEntities, accTags, mark, touched } = this
    let count = 0
    for (let x = 0; x < capacity; x++) {
      if (x !== p && ((accText[x] as number) !== 0 || (accEntities[x] as number) !== 0 || (accTags[x] as number) !== 0)) {
        mark[x] = 1
        touched[count++] = x
      }
    }
    this.count = count
    for (let i = 0; i < count; i++) this.scorePair(touched[i] as number, p)
    return touched.subarray(0, count)
  }

  /** Resets the accumulators after {@link scoreAll}. */
  clear(): void {
    const { accText, accEntities, accTags, mark, touched } = this
    for (let i = 0; i < this.count; i++) {
      const x = touched[i] as number
      accText[x] = 0
      accEntities[x] = 0
      accTags[x] = 0
      mark[x] = 0
    }
    this.count = 0
  }

  /** The score `p` has in `x`'s ranking with text cosine `text` and no entity or tag similarity. */
  scoreWithText(x: number, p: number, text: number): number {
    return this.combine(x, p, clamp01(text), 0, 0)
  }

  /** The score `p` has as a candidate in `x`'s ranking, and their text cosine, from whole vectors. */
  pairScore(x: number, p: number): { score: number; text: number } {
    const { store } = this
    const w = this.q.weights
    const text = this.textCosine(x, p)
    const entities = w.entities > 0 ? fastCosine(store.entities, x, p) : 0
    const tags = w.tags > 0 ? fastCosine(store.tags, x, p) : 0
    return { score: this.combine(x, p, text, entities, tags), text }
  }

  /**
   * The text cosine of x and p as {@link fastCosine} computes it (to the last few bits), with x's
   * weights scattered into a dense array by term: callers score many articles against one x in
   * a row, and a pass over p's terms alone is several times cheaper than merging two lists.
   */
  textCosine(x: number, p: number): number {
    const field = this.store.text
    const norms = field.documentNorms()
    const nx = norms[x] as number
    const np = norms[p] as number
    if (!(nx > 0) || !(np > 0)) return 0
    if (this.denseSlot !== x) this.scatter(x)
    const dense = this.dense
    const { terms, tfs } = field.forwardList(p)
    let dot = 0
    for (let i = 0; i < terms.length; i++) {
      const v = dense[terms[i] as number] as number
      if (v !== 0) dot += v * (tfs[i] as number)
    }
    return clamp01(dot / (nx * np))
  }

  /** Puts x's text weights (tf · idf², so that a dot product needs only the other side's tf) into the dense array, clearing the previous article's. */
  private scatter(x: number): void {
    const field = this.store.text
    const vocabulary = field.vocabularySize
    if (this.dense.length < vocabulary) this.dense = new Float64Array(vocabulary)
    else this.clearDense()
    const idf = field.idf()
    const { terms, tfs } = field.forwardList(x)
    const dense = this.dense
    for (let i = 0; i < terms.length; i++) {
      const t = terms[i] as number
      const w = idf[t] as number
      dense[t] = (tfs[i] as number) * w * w
    }
    this.denseSlot = x
  }

  /** Zeroes the dense array (the terms of the article scattered last). */
  clearDense(): void {
    if (this.denseSlot >= 0) {
      const dense = this.dense
      for (const t of this.store.text.forwardList(this.denseSlot).terms) dense[t] = 0
    }
    this.denseSlot = -1
  }

  private scorePair(x: number, p: number): void {
    const { store } = this
    const text = ratio(this.accText[x] as number, store.text.documentNorms()[x] as number)
    this.text[x] = text
    const entities = ratio(this.accEntities[x] as number, store.entities.documentNorms()[x] as number)
    const tags = ratio(this.accTags[x] as number, store.tags.documentNorms()[x] as number)
    this.score[x] = this.combine(x, p, text, entities, tags)
  }

  /** The score `p` has as a candidate in `x`'s ranking, as `QueryEngine.scoreOf` computes it from the pair's similarities. */
  private combine(x: number, p: number, text: number, entitySimilarity: number, tagSimilarity: number): number {
    const { store, q } = this
    const w = q.weights
    const embeddings = store.embeddings
    // x's active weights (QueryEngine.activeWeights with x as the query).
    const wt = w.text
    const we = store.entities.forwardLength(x) > 0 ? w.entities : 0
    const wg = store.tags.forwardLength(x) > 0 ? w.tags : 0
    const queryTime = store.timeAt(x)
    const wtime = Number.isNaN(queryTime) ? 0 : w.time
    const wemb = embeddings.has(x) ? w.embedding : 0
    let sum = wt * text
    let weightSum = wt + we
    if (we > 0) sum += we * entitySimilarity
    const t = wtime > 0 ? store.timeAt(p) : NaN
    const tagNorm = wg > 0 ? (store.tags.documentNorms()[p] as number) : 0
    if (tagNorm > 0 || t === t) {
      const share = contextShare(weightSum > 0 ? sum / weightSum : 0, q.contextGate)
      if (tagNorm > 0) {
        sum += wg * share * tagSimilarity
        weightSum += wg * share
      }
      if (t === t) {
        sum += wtime * share * timeCloseness(queryTime, t, q.olderHalfLifeDays, q.newerHalfLifeDays, q.timeDecay)
        weightSum += wtime * share
      }
    }
    if (wemb > 0) {
      const norm = embeddings.norms[p] as number
      if (norm > 0) {
        const d = embeddings.dimension
        const query = embeddings.values.subarray(x * d, x * d + d)
        sum += wemb * embeddingSimilarity(this.options.embeddingSimilarity, query, embeddings.norms[x] as number, embeddings.values, p * d, norm)
        weightSum += wemb
      }
    }
    return sum === wt * text && weightSum === wt ? (wt > 0 ? text : 0) : weightSum > 0 ? clamp01(sum / weightSum) : 0
  }
}

/** Adds `p`'s normalised tf·idf weights times each posting's tf·idf into `acc`: the dot products before the other side's norm. */
function accumulate(field: FieldIndex, p: number, acc: Float64Array): void {
  const norm = field.documentNorms()[p] as number
  if (!(norm > 0)) return
  const idf = field.idf()
  const { terms, tfs } = field.forwardList(p)
  for (let i = 0; i < terms.length; i++) {
    const t = terms[i] as number
    const weight = ((tfs[i] as number) * (idf[t] as number)) / norm
    field.addPostings(t, weight * (idf[t] as number), acc)
  }
}

function ratio(dot: number, norm: number): number {
  return norm > 0 ? clamp01(dot / norm) : 0
}
