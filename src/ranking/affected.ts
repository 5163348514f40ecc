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
  const verify = (x: number): boolean => listsSlot(store, engine, x, slot, q)
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
    const resolved = remaining.length - next.length
    remaining = next
    // A pivot costs about one query; stop when the last one saved fewer than two.
    if (remaining.length <= k * DIRECT_FACTOR || (pivots.length >= k && resolved < 2)) break
  }
  // Step 4.
  return remaining.filter(verify).sort((a, b) => a - b)
}

const MARGIN = 1e-9
/** With this few open neighbours per result slot, running their queries is cheaper than pivots. */
const DIRECT_FACTOR = 2
const MAX_PIVOTS = 256

/** Whether `x`'s top-k list shows `slot`, as a result or among a result's duplicates. */
function listsSlot(store: ArticleStore, engine: QueryEngine, x: number, slot: number, q: ResolvedQueryOptions): boolean {
  const id = store.idAt(slot) as string
  return engine.run(engine.profileOf(x), q).some((r) => r.id === id || r.reasons.duplicates.includes(id))
}

/**
 * Pivot candidates in order of use: N's neighbours by N's score in their ranking (those most
 * likely to resemble the neighbours that matter), interleaved from the fourth on with open
 * neighbours spread evenly over the rest, so distant neighbours get witnesses too.
 */
function pivotCandidates(store: ArticleStore, open: readonly number[], scoreOfN: Float64Array, slot: number): number[] {
  const byScore = [...open].sort((a, b) => (scoreOfN[b] as number) - (scoreOfN[a] as number) || a - b)
  const spread: number[] = []
  const step = Math.max(1, Math.floor(open.length / 64))
  for (let i = Math.floor(step / 2); i < open.length; i += step) spread.push(open[i] as number)
  const out: number[] = []
  for (let i = 0; i < Math.max(byScore.length, spread.length); i++) {
    if (i < byScore.length) out.push(byScore[i] as number)
    if (i >= 3 && i - 3 < spread.length) out.push(spread[i - 3] as number)
  }
  return out.filter((p) => p !== slot && store.idAt(p) !== undefined)
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

  /** The score `p` has as a candidate in `x`'s ranking, as `QueryEngine.scoreOf` computes it. */
  private scorePair(x: number, p: number): void {
    const { store, q } = this
    const w = q.weights
    const entities = store.entities
    const tags = store.tags
    const embeddings = store.embeddings
    // x's active weights (QueryEngine.activeWeights with x as the query).
    const wt = w.text
    const we = entities.forwardLength(x) > 0 ? w.entities : 0
    const wg = tags.forwardLength(x) > 0 ? w.tags : 0
    const queryTime = store.timeAt(x)
    const wtime = Number.isNaN(queryTime) ? 0 : w.time
    const wemb = embeddings.has(x) ? w.embedding : 0
    const text = ratio(this.accText[x] as number, store.text.documentNorms()[x] as number)
    this.text[x] = text
    let sum = wt * text
    let weightSum = wt + we
    if (we > 0) sum += we * ratio(this.accEntities[x] as number, entities.documentNorms()[x] as number)
    const t = wtime > 0 ? store.timeAt(p) : NaN
    const tagNorm = wg > 0 ? (tags.documentNorms()[p] as number) : 0
    if (tagNorm > 0 || t === t) {
      const share = contextShare(weightSum > 0 ? sum / weightSum : 0, q.contextGate)
      if (tagNorm > 0) {
        sum += wg * share * ratio(this.accTags[x] as number, tags.documentNorms()[x] as number)
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
    this.score[x] = sum === wt * text && weightSum === wt ? (wt > 0 ? text : 0) : weightSum > 0 ? clamp01(sum / weightSum) : 0
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
