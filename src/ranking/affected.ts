import type { FieldIndex } from '../index/field-index.js'
import { clamp01 } from '../index/field-index.js'
import type { ArticleStore } from '../index/store.js'
import type { QueryEngine } from './engine.js'
import { embeddingSimilarity } from './embedding-similarity.js'
import type { ResolvedIndexOptions, ResolvedQueryOptions } from './options.js'
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
 * 2. A few pivot articles P (N's best neighbours, which resemble the neighbours that matter, and a
 *    spread of others for the rest) each take one pass too, giving `s(X, P)` for every X. A pivot
 *    that beats N in X's ranking by a margin is a *witness* that X's list is full without N.
 * 3. X with `k` witnesses cannot list N: the witnesses rank above N, and with duplicate folding
 *    on, pivots are chosen pairwise less similar than `2·t² − 1` (t: `duplicateThreshold`), so
 *    no two of them can fold into one kept result (two texts within angle `acos t` of one result
 *    are within `2·acos t` of each other), nor can one be a copy of X (text cosine < t). So at
 *    least `k` kept results rank above N and the list is full before N is reached.
 * 4. Every other neighbour is decided by running its query: exact by construction.
 *
 * The margin (1e-9) covers the last-bit differences between a score summed from N's side and
 * the engine's, which sums from X's side; near-ties simply go to step 4. Steps 1–3 need the
 * ranking to be an exact top by score, so an index that prunes candidates (`candidateTerms`
 * finite) and queries with `diversity` use step 4 for every neighbour.
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
  const cache = witnessCache(store, q.k)
  const verify = (x: number): boolean => listsSlot(store, engine, x, slot, q, cache)
  if (options.candidateTerms !== Infinity || q.diversity > 0) return engine.neighbours(slot).filter(verify)
  const scorer = new PairScorer(store, options, q)
  const k = q.k
  const threshold = options.duplicateThreshold
  const fold = q.foldDuplicates
  // Pivots must be pairwise below this text cosine for their witnesses to count separately.
  const apart = fold ? 2 * threshold * threshold - 1 - MARGIN : Infinity

  // Step 1: N's score in each neighbour's ranking.
  const neighbours = scorer.scoreAll(slot)
  const capacity = store.capacity
  const scoreOfN = new Float64Array(capacity)
  const textOfN = new Float64Array(capacity)
  const open: number[] = []
  for (const x of neighbours) {
    const s = scorer.score[x] as number
    const text = scorer.text[x] as number
    if (!(s > 0 && s >= q.minScore)) continue
    // N is a copy of X: the list skips it.
    if (fold && text >= threshold + MARGIN) continue
    scoreOfN[x] = s
    textOfN[x] = text
    open.push(x)
  }
  scorer.clear()
  if (open.length <= k * DIRECT_FACTOR) return open.filter(verify).sort((a, b) => a - b)


  // Steps 2 and 3: pivots until the open neighbours are few or pivots stop paying for themselves.
  const witnesses = new Uint16Array(capacity)
  const pivots: number[] = []
  const isPivot = new Uint8Array(capacity)
  const farApart = (p: number): boolean => apart === Infinity || pivots.every((other) => store.text.cosine(p, other) < apart)
  const candidates = pivotCandidates(store, open, scoreOfN, slot)
  let remaining = open
  const recent: number[] = []
  for (let c = 0; c < candidates.length && pivots.length < MAX_PIVOTS; c++) {
    const p = candidates[c] as number
    if (isPivot[p] === 1 || p === slot || !farApart(p)) continue
    pivots.push(p)
    isPivot[p] = 1
    scorer.scoreAll(p)
    const next: number[] = []
    for (const x of remaining) {
      if (x !== p) {
        const s = scorer.score[x] as number
        // Only a slot the pivot's pass touched has a score this pass.
        if (scorer.touchedBy(x) && s > (scoreOfN[x] as number) + MARGIN && (!fold || (scorer.text[x] as number) < threshold - MARGIN)) {
          const w = (witnesses[x] as number) + 1
          witnesses[x] = w
          if (w >= k) continue
        }
      }
      next.push(x)
    }
    scorer.clear()
    recent.push(remaining.length - next.length)
    remaining = next
    // A pivot pass costs about one query, or a few hundred searches of step 3b: stop when the
    // last few pivots ruled out too few neighbours to pay for themselves.
    if (pivots.length >= k + PIVOT_WINDOW && recent.slice(-PIVOT_WINDOW).reduce((a, b) => a + b, 0) < PIVOT_WORTH * PIVOT_WINDOW) break
  }
  // Step 3b: the neighbours left look for witnesses among their own best-matching articles.
  const search = new WitnessSearch(store, cache, scorer, k, threshold, fold, apart)
  remaining = remaining.filter((x) => !search.full(x, slot, scoreOfN[x] as number))
  // Step 4.
  return remaining.filter(verify).sort((a, b) => a - b)
}

const MARGIN = 1e-9
/** With this few open neighbours per result slot, running their queries is cheaper than pivots. */
const DIRECT_FACTOR = 2
const MAX_PIVOTS = 256
/** Pivots stop when the last `PIVOT_WINDOW` ruled out fewer than `PIVOT_WORTH` neighbours each on average. */
const PIVOT_WINDOW = 4
const PIVOT_WORTH = 200
/** Step 3b reads the postings of a neighbour's strongest terms up to this many, and scores this many best-matching articles per witness needed. */
const SEARCH_POSTINGS = 4000
const SEARCH_PER_WITNESS = 3

/**
 * Looks for `k` witnesses of one article x among the articles that share its strongest terms:
 * their partial dot products pick the likeliest, whose full pair scores are then computed.
 */
class WitnessSearch {
  private readonly acc: Float64Array
  private readonly seen: Uint8Array
  private readonly touched: Int32Array
  private readonly order: number[] = []
  private heap = new Int32Array(0)

  constructor(
    private readonly store: ArticleStore,
    private readonly cache: WitnessCache,
    private readonly scorer: PairScorer,
    private readonly k: number,
    private readonly threshold: number,
    private readonly fold: boolean,
    private readonly apart: number,
  ) {
    const capacity = store.capacity
    this.acc = new Float64Array(capacity)
    this.seen = new Uint8Array(capacity)
    this.touched = new Int32Array(capacity)
  }

  /** Whether `k` witnesses show x's list is full without `n`, which scores `scoreOfN` there. */
  full(x: number, n: number, scoreOfN: number): boolean {
    const { store, acc, seen, touched } = this
    const field = store.text
    const chosen: number[] = []
    const accept = (y: number): boolean => {
      const { score, text } = this.scorer.pairScore(x, y)
      if (!(score > scoreOfN + MARGIN)) return false
      if (this.fold && !(text < this.threshold - MARGIN)) return false
      if (this.apart !== Infinity && !chosen.every((c) => field.cosine(c, y) < this.apart)) return false
      chosen.push(y)
      return true
    }
    // The witnesses x had last time: rescored now, so only their ids are trusted (any stored
    // article may serve), and usually enough without a search.
    const cached = this.cache.of(x)
    for (const y of cached) if (y !== n && y !== x && store.idAt(y) !== undefined && chosen.length < this.k) accept(y)
    if (chosen.length >= this.k) return true
    const idf = field.idf()
    const { terms, tfs } = field.forwardList(x)
    const order = this.order
    order.length = 0
    for (let i = 0; i < terms.length; i++) order.push(i)
    const weights = new Float64Array(terms.length)
    for (let i = 0; i < terms.length; i++) weights[i] = (tfs[i] as number) * (idf[terms[i] as number] as number)
    const weight = (i: number): number => weights[i] as number
    order.sort((a, b) => (weights[b] as number) - (weights[a] as number))
    let count = 0
    let read = 0
    for (const i of order) {
      const t = terms[i] as number
      const df = field.documentFrequency(t)
      if (read > 0 && read + df > SEARCH_POSTINGS) break
      read += df
      count = field.collect(t, seen, touched, count)
      field.addPostings(t, weight(i) * (idf[t] as number), acc)
    }
    const want = this.k * SEARCH_PER_WITNESS
    // Copies are skipped below without counting, so keep some spare.
    const best = this.bestByPartial(count, x, n, 4 * want)
    let tried = 0
    let previous = NaN
    for (let i = 0; i < best.length && tried < want && chosen.length < this.k; i++) {
      const y = best[i] as number
      // An exact copy of the article just tried has the same partial sum: skip it unscored (any
      // article may be left out; a copy could not count beside its original anyway).
      const partial = acc[y] as number
      if (partial === previous || chosen.includes(y)) continue
      previous = partial
      tried++
      accept(y)
    }
    for (let i = 0; i < count; i++) {
      const y = touched[i] as number
      acc[y] = 0
      seen[y] = 0
    }
    this.cache.set(x, chosen)
    return chosen.length >= this.k
  }

  /** The `m` touched slots (not x or n) with the largest partial sums, best first: a min-heap of slots keyed by `acc`. */
  private bestByPartial(count: number, x: number, n: number, m: number): number[] {
    const { acc, touched } = this
    const heap = this.heap.length >= m ? this.heap : (this.heap = new Int32Array(m))
    let size = 0
    for (let i = 0; i < count; i++) {
      const y = touched[i] as number
      if (y === x || y === n) continue
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
 * Whether `x`'s top-k list shows `slot`, as a result or among a result's duplicates. The list's
 * results become x's cached witness candidates for later calls.
 */
function listsSlot(store: ArticleStore, engine: QueryEngine, x: number, slot: number, q: ResolvedQueryOptions, cache: WitnessCache): boolean {
  const id = store.idAt(slot) as string
  const results = engine.run(engine.profileOf(x), q)
  cache.set(
    x,
    results.map((r) => store.slotOf(r.id) as number),
  )
  return results.some((r) => r.id === id || r.reasons.duplicates.includes(id))
}

/**
 * Per stored slot, up to `k` slots that witnessed for it last time (-1: none). Only a hint:
 * every use rescores them, so a removed, replaced or drifted witness simply fails its check.
 */
class WitnessCache {
  private slots = new Int32Array(0)

  constructor(readonly k: number) {}

  of(x: number): Int32Array {
    const at = x * this.k
    return at + this.k <= this.slots.length ? this.slots.subarray(at, at + this.k) : EMPTY_SLOTS
  }

  set(x: number, witnesses: readonly number[]): void {
    const at = x * this.k
    if (at + this.k > this.slots.length) {
      const grown = new Int32Array(Math.max(at + this.k, this.slots.length * 2)).fill(-1)
      grown.set(this.slots)
      this.slots = grown
    }
    for (let i = 0; i < this.k; i++) this.slots[at + i] = i < witnesses.length ? (witnesses[i] as number) : -1
  }
}

const EMPTY_SLOTS = new Int32Array(0)

/** Witness hints by archive, for the `k` of the last call (a call with another `k` starts afresh). */
const witnessCaches = new WeakMap<ArticleStore, WitnessCache>()

function witnessCache(store: ArticleStore, k: number): WitnessCache {
  let cache = witnessCaches.get(store)
  if (cache === undefined || cache.k !== k) {
    cache = new WitnessCache(k)
    witnessCaches.set(store, cache)
  }
  return cache
}

/**
 * Pivot candidates in order of use: the archive's hubs (articles closest to its centroid, which
 * beat an ordinary article in most rankings, so they rule out the many neighbours that share
 * only common words with N) interleaved with N's best neighbours (which resemble the neighbours
 * that matter).
 */
function pivotCandidates(store: ArticleStore, open: readonly number[], scoreOfN: Float64Array, slot: number): number[] {
  const hubs = hubsOf(store)
  const near = topBy(open, scoreOfN, NEAR_CANDIDATES)
  const out: number[] = []
  for (let i = 0; i < Math.max(hubs.length, near.length); i++) {
    if (i < hubs.length) out.push(hubs[i] as number)
    if (i < near.length) out.push(near[i] as number)
  }
  return out.filter((p) => p !== slot && store.idAt(p) !== undefined)
}

const NEAR_CANDIDATES = 512
const HUB_CANDIDATES = 512

/** The `m` slots of `slots` with the highest `value`, best first. */
function topBy(slots: readonly number[], value: Float64Array, m: number): number[] {
  const best: number[] = []
  let floor = -Infinity
  for (const s of slots) {
    const v = value[s] as number
    if (best.length >= m && v <= floor) continue
    best.push(s)
    if (best.length >= 2 * m) {
      best.sort((a, b) => (value[b] as number) - (value[a] as number) || a - b)
      best.length = m
      floor = value[best[m - 1] as number] as number
    }
  }
  best.sort((a, b) => (value[b] as number) - (value[a] as number) || a - b)
  return best.slice(0, m)
}

/** Hubs by archive, recomputed when the archive has changed by more than a tenth since. */
const hubCache = new WeakMap<ArticleStore, { size: number; changes: number; revision: number; hubs: number[] }>()

/**
 * The articles whose normalised text vectors are closest to the archive's centroid (the sum of
 * all normalised vectors), best first: two passes over the forward lists.
 */
function hubsOf(store: ArticleStore): number[] {
  const cached = hubCache.get(store)
  if (cached !== undefined && Math.abs(store.revision - cached.revision) <= cached.size / 10) return cached.hubs
  const field = store.text
  const idf = field.idf()
  const norms = field.documentNorms()
  const centroid = new Float64Array(field.vocabularySize)
  const capacity = store.capacity
  for (let x = 0; x < capacity; x++) {
    const norm = norms[x] as number
    if (!(norm > 0) || store.idAt(x) === undefined) continue
    const { terms, tfs } = field.forwardList(x)
    for (let i = 0; i < terms.length; i++) {
      const t = terms[i] as number
      centroid[t] = (centroid[t] as number) + ((tfs[i] as number) * (idf[t] as number)) / norm
    }
  }
  const closeness = new Float64Array(capacity)
  const all: number[] = []
  for (let x = 0; x < capacity; x++) {
    const norm = norms[x] as number
    if (!(norm > 0) || store.idAt(x) === undefined) continue
    const { terms, tfs } = field.forwardList(x)
    let dot = 0
    for (let i = 0; i < terms.length; i++) {
      const t = terms[i] as number
      dot += (tfs[i] as number) * (idf[t] as number) * (centroid[t] as number)
    }
    closeness[x] = dot / norm
    all.push(x)
  }
  const hubs = topBy(all, closeness, HUB_CANDIDATES)
  hubCache.set(store, { size: store.size, changes: 0, revision: store.revision, hubs })
  return hubs
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

  touchedBy(x: number): boolean {
    return this.mark[x] === 1
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

  /** The score `p` has as a candidate in `x`'s ranking, and their text cosine, from whole vectors. */
  pairScore(x: number, p: number): { score: number; text: number } {
    const { store } = this
    const w = this.q.weights
    const text = store.text.cosine(x, p)
    const entities = w.entities > 0 ? store.entities.cosine(x, p) : 0
    const tags = w.tags > 0 ? store.tags.cosine(x, p) : 0
    return { score: this.combine(x, p, text, entities, tags), text }
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
