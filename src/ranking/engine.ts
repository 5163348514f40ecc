import type { FieldIndex } from '../index/field-index.js'
import { clamp01, smoothedIdf } from '../index/field-index.js'
import { l2Norm } from '../index/embeddings.js'
import type { Article } from '../article.js'
import type { ArticleFeatures, ArticleStore } from '../index/store.js'
import { embeddingSimilarity } from './embedding-similarity.js'
import type { ResolvedIndexOptions, ResolvedQueryOptions, SignalWeights } from './options.js'
import { INACTIVE_SIGNAL, type RelatedResult, type SignalScore } from './result.js'
import { contextShare, daysApart, timeCloseness } from './signals.js'

/** A normalised sparse query vector over the terms the index knows, strongest first. */
export interface QueryVector {
  ids: Int32Array
  /** tf·idf / ‖query‖ (the norm includes terms the index does not know). */
  weights: Float64Array
}

/** Everything a query needs about the query article. */
export interface QueryProfile {
  /** Slot of the stored query article, or -1 for a draft. */
  slot: number
  text: QueryVector
  entities: QueryVector
  tags: QueryVector
  /** Publication time in ms, NaN when undated. */
  time: number
  /** The query's embedding, when it has one. */
  embedding: Float32Array | undefined
  /** Its L2 norm (0 without an embedding). */
  embeddingNorm: number
}

interface Candidate {
  slot: number
  id: string
  score: number
  text: number
  entities: number
  tags: number
  time: number
  /** Embedding similarity, NaN when the pair has no embedding signal. */
  embedding: number
  /** The weights tags and time had for this pair: 0 when inactive, scaled by content when gated. */
  tagWeight: number
  timeWeight: number
  weightSum: number
  duplicates: string[]
}

const REASON_LIMIT = 5

/**
 * Scores queries against an {@link ArticleStore}. Holds reusable typed-array accumulators, so a
 * query allocates little beyond its candidates. Not re-entrant (JavaScript is single-threaded and
 * nothing here awaits).
 */
export class QueryEngine {
  private accText = new Float64Array(0)
  private accEntities = new Float64Array(0)
  private accTags = new Float64Array(0)
  private seen = new Uint8Array(0)
  private scores = new Float64Array(0)
  private dense = new Float64Array(0)
  private touched = new Int32Array(0)
  private pool = new Int32Array(0)
  /** The best slots of the last {@link selectTop}, for the candidates to be built from. */
  private top = new Int32Array(0)
  /** Slots that scored at or above the running threshold of {@link scanTop}: a superset of its best `limit`. */
  private shortlist = new Int32Array(0)
  private shortlistSize = 0
  /** How many best slots the shortlist is guaranteed to hold (0: no shortlist this query). */
  private shortlistLimit = 0
  private heap = new Float64Array(64)
  /** The fields' document norms and the publication times, fetched once per query for {@link scoreOf} and candidates. */
  private textNorms: Float64Array = new Float64Array(0)
  private entityNorms: Float64Array = new Float64Array(0)
  private tagNorms: Float64Array = new Float64Array(0)
  private times: Float64Array = new Float64Array(0)
  private touchedCount = 0
  /** Set by `run` when the pool comes from one scan of the accumulators (see `scanTop`). */
  private wholesale = false
  /** Whether the entity accumulator holds anything to clear. */
  private entitiesUsed = false
  /** Whether the tag accumulator holds anything to clear. */
  private tagsUsed = false
  /**
   * Whether unpruned, untagged queries take the one-scan path. Always true in use; tests switch
   * it off to hold that path to the general one. @internal
   */
  oneScan = true
  /**
   * Whether `scanTop` skips slots by a text cutoff derived from the running threshold (see
   * {@link textCutoff}). Always true in use; tests and the query-pruning benchmark switch it off
   * to compare with the per-slot bound it replaces. @internal
   */
  pruning = true

  constructor(
    private readonly store: ArticleStore,
    private readonly options: ResolvedIndexOptions,
  ) {}

  /** The query vectors of a stored article. */
  profileOf(slot: number): QueryProfile {
    return {
      slot,
      text: storedVector(this.store.text, slot),
      entities: storedVector(this.store.entities, slot),
      tags: storedVector(this.store.tags, slot),
      time: this.store.timeAt(slot),
      embedding: this.store.embeddings.vector(slot),
      embeddingNorm: this.store.embeddings.norms[slot] ?? 0,
    }
  }

  /** The query vectors of an unsaved article, from its prepared features (and validated embedding). */
  profileOfDraft(features: ArticleFeatures, time: number, embedding?: Float32Array): QueryProfile {
    return {
      slot: -1,
      text: draftVector(this.store.text, features.text),
      entities: draftVector(this.store.entities, features.entities),
      tags: draftVector(this.store.tags, features.tags),
      time,
      embedding,
      embeddingNorm: embedding === undefined ? 0 : l2Norm(embedding),
    }
  }

  /**
   * Ranks stored articles for a query. Candidates come from the query's `candidateTerms`
   * strongest terms, its entities and its tags (as Lucene's More Like This does); the best
   * `maxCandidates` of them are scored exactly. `exhaustive` scores every article that shares
   * any term instead (the reference the tests compare the pruned ranking against).
   */
  run(profile: QueryProfile, q: ResolvedQueryOptions, exhaustive = false): RelatedResult[] {
    this.reserve()
    this.textNorms = this.store.text.documentNorms()
    this.entityNorms = this.store.entities.documentNorms()
    this.tagNorms = this.store.tags.documentNorms()
    this.times = this.store.times
    const text = profile.text
    const nTerms = text.ids.length
    const active = this.activeWeights(profile, q.weights)
    let selected = exhaustive ? nTerms : Math.min(nTerms, this.options.candidateTerms)
    this.accumulateText(text, 0, selected)
    // A signal with no weight can neither score nor usefully select a candidate: skip its postings.
    this.entitiesUsed = active.entities > 0
    if (this.entitiesUsed) this.accumulateField(this.store.entities, profile.entities, (this.accEntities = this.inUse(this.accEntities)))
    this.tagsUsed = active.tags > 0
    if (this.tagsUsed) this.accumulateField(this.store.tags, profile.tags, (this.accTags = this.inUse(this.accTags)))
    const filtered = hasFilters(q)
    // The common case (no candidate-term pruning): candidates come straight from one scan of the
    // accumulators, which are cleared wholesale afterwards, with no touched list at all. Tagged
    // queries take it with `pruning` on (off, they take the general path, as they used to).
    this.wholesale = this.oneScan && selected === nTerms && (active.tags === 0 || this.pruning)
    if (!this.wholesale) this.gatherTouched()
    // Build result objects only for the best few; widen when duplicate folding used them up.
    const want = q.diversity > 0 ? q.k * 4 : q.k
    const first = q.foldDuplicates || q.diversity > 0 ? 2 * want + 8 : want
    try {
      if (this.wholesale) {
        this.fillDense(text)
        // One pass scores every touched slot and shortlists enough for the first selection (with
        // `pruning` off, and for one widening: the code the cutoff replaced).
        this.scanTop(profile, active, q, filtered, this.pruning ? first : first * 4)
        return this.choose(0, first, profile, active, q, filtered)
      }
      let n = this.admit(0, 0, profile, q, filtered)
      // A restrictive filter must never leave fewer results than exist: widen to every query term.
      if (selected < nTerms && n < q.k) {
        const before = this.touchedCount
        this.accumulateText(text, selected, nTerms)
        this.gatherTouched()
        selected = nTerms
        n = this.admit(before, n, profile, q, filtered)
      }
      this.fillDense(text)
      if (selected < nTerms) {
        // Keep the best candidates by what is known so far (strongest terms, entities, tags; time
        // and embeddings left out, as bounded bonuses that would cost a pass over every candidate),
        // then make their text scores exact.
        if (n > this.options.maxCandidates) {
          this.scoreInto(n, profile, { ...active, time: 0, embedding: 0 }, q)
          n = this.selectTop(this.pool, n, this.options.maxCandidates, -Infinity)
          this.pool.set(this.top.subarray(0, n))
        }
        this.completeText(n, text, selected)
      }
      this.scoreInto(n, profile, active, q)
      return this.choose(n, first, profile, active, q, filtered)
    } finally {
      this.clear(text)
    }
  }

  /**
   * Builds candidates for the best `m` slots (from the shortlist while it is long enough, else
   * from the `n`-slot scored pool), folds and diversifies them, and widens `m` fourfold until `k`
   * results are chosen or fewer than `m` slots qualified (then every qualifying slot was seen).
   */
  private choose(n: number, m: number, profile: QueryProfile, active: SignalWeights, q: ResolvedQueryOptions, filtered: boolean): RelatedResult[] {
    for (; ; m *= 4) {
      let size: number
      // Folding used up the shortlist: with `pruning`, scan again for the best m (the
      // accumulators still hold every sum), one pass per fourfold widening, each with a threshold
      // as high as its m allows.
      if (m > this.shortlistLimit && this.shortlistLimit > 0 && this.pruning) this.rescan(profile, active, q, filtered, m)
      if (m <= this.shortlistLimit) size = this.selectTop(this.shortlist, this.shortlistSize, m, q.minScore)
      else {
        if (this.shortlistLimit > 0) {
          // Past the shortlist (a heavily duplicated archive): gather, filter and score every
          // touched slot the general way.
          this.shortlistLimit = 0
          this.gatherTouched()
          n = this.admit(0, 0, profile, q, filtered)
          this.scoreInto(n, profile, active, q)
        }
        size = this.selectTop(this.pool, n, m, q.minScore)
      }
      const ranked: Candidate[] = []
      for (let i = 0; i < size; i++) ranked.push(this.candidate(this.top[i] as number, profile, active, q))
      ranked.sort(byRank)
      const chosen = this.select(ranked, q)
      if (chosen.length >= q.k || size < m) return chosen.map((c) => this.toResult(c, profile, active))
    }
  }

  /**
   * The wholesale case in one pass over the accumulators: scores every slot other than the
   * query's with a non-zero text, entity or tag sum (as {@link scoreOf} would) and shortlists each
   * slot that reaches the running `limit`-th best score and passes the filters, so the best
   * `limit` that pass (ties included) are all on the shortlist, and when fewer than `limit`
   * qualify, all of them are. A min-heap of `limit` scores keeps that threshold; in random order
   * only about `limit · ln(n / limit)` slots reach it, so the loop is mostly one multiplication
   * and one well-predicted comparison against a text cutoff (see {@link textCutoff}), and
   * filters (a `Set` lookup, the caller's callback) run only for the slots that reach it.
   */
  private scanTop(profile: QueryProfile, active: SignalWeights, q: ResolvedQueryOptions, filtered: boolean, limit: number): void {
    const { accText, accEntities, accTags, scores, shortlist } = this
    const heap = this.heapOf(limit)
    const self = profile.slot
    const capacity = this.store.capacity
    // Qualifying means score > 0 and score >= minScore: one comparison against `lowest`.
    const lowest = q.minScore > 0 ? q.minScore : Number.MIN_VALUE
    let threshold = lowest
    let size = 0
    let listed = 0
    const textOnly = active.entities === 0 && active.time === 0 && active.embedding === 0 && active.tags === 0
    if (textOnly && self >= 0) accText[self] = 0 // never the query itself; cleared afterwards anyway
    const textNorms = this.textNorms
    const withEntities = this.entitiesUsed
    const withTags = this.tagsUsed
    // Text and time only: a slot's score is at most what its text allows with time closeness 1,
    // so a slot whose bound misses the running threshold is skipped without reading its date.
    // Tags are gated context like time, with values at most 1: they join its weight in the bound;
    // so does an embedding similarity (at most 1, not gated) when `pruning` is on.
    const timeBound = !textOnly && active.text > 0 && active.entities === 0 && (active.embedding === 0 || this.pruning)
    const { text: wt } = active
    const wtime = active.time + active.tags
    // With entities the bound is on the content similarity (the weighted mean of text and
    // entities) instead: a slot with no entity match is cut by its text sum alone, one with a
    // match by its content, computed (see `textCutOf`).
    const entityBound = this.pruning && active.entities > 0 && active.text + active.entities > 0
    const wemb = timeBound || entityBound ? active.embedding : 0
    const contentWeight = entityBound ? wt + active.entities : wt
    const context = timeBound || entityBound ? wtime : 0
    const gate = q.contextGate
    // The cutoff: a slot whose text sum is below cut · its norm cannot reach the threshold, with
    // no division (recomputed when the threshold moves, about limit · ln(n / limit) times).
    const cutting = this.pruning && (timeBound || (textOnly && active.text > 0) || entityBound)
    // (An article sharing only a tag has text 0: skipped at any cutoff above 0, which is right,
    // since its content share and so its score are 0 unless the gate is 0, and then the cutoff
    // is below 0 while the threshold is below what a tag alone can score.)
    let cut = cutting ? textCutoff(threshold, contentWeight, context, gate, wemb) : -Infinity
    // Pilot: the articles that share the query's rarest terms are scored first, so the threshold
    // starts near its final value instead of climbing from 0 over the scan (which scored about
    // four times the slots above the final cutoff). Marked in `seen`, listed in `touched` (so
    // that `clear` unmarks them and a widening past the shortlist finds them), skipped below.
    const pilot = this.pruning ? this.pilotSlots(profile.text, self, limit) : 0
    const { seen, touched } = this
    for (let i = 0; i < pilot; i++) {
      const d = touched[i] as number
      let score: number
      if (textOnly) {
        score = active.text > 0 ? (accText[d] as number) / (textNorms[d] as number) : 0
        if (score > 1) score = 1
      } else score = this.scoreOf(d, profile, active, q)
      if (!(score >= threshold)) continue
      if (filtered && !this.passes(d, profile, q)) continue
      scores[d] = score
      shortlist[listed++] = d
      if (size < limit) {
        size = heapPush(heap, size, score)
        if (size === limit) threshold = Math.max(lowest, heap[0] as number)
      } else if (score > (heap[0] as number)) {
        heapReplaceMin(heap, size, score)
        threshold = Math.max(lowest, heap[0] as number)
      }
    }
    if (cutting) cut = textCutoff(threshold, contentWeight, context, gate, wemb)
    // The skip runs in a loop of its own (`nextAtCutoff`): inside this one, with its calls and
    // branches, it ran about five times slower per slot.
    const next = (from: number): number =>
      entityBound ? nextAtContentCutoff(accText, textNorms, accEntities, textCutOf(cut, wt, contentWeight), from, capacity) : nextAtCutoff(accText, textNorms, cut, from, capacity)
    for (let d = next(0); d < capacity; d = next(d + 1)) {
      let score: number
      if (pilot > 0 && seen[d] !== 0) continue
      if (textOnly) {
        // The text similarity (scoreOf's value for text alone), NaN for a slot with no terms.
        score = active.text > 0 ? (accText[d] as number) / (textNorms[d] as number) : 0
        if (!(score >= threshold)) continue
        if (score > 1) score = 1
      } else {
        if (((accText[d] as number) === 0 && (!withEntities || (accEntities[d] as number) === 0) && (!withTags || (accTags[d] as number) === 0)) || d === self) continue
        if (entityBound && (accEntities[d] as number) !== 0) {
          const content = (wt * ratio(accText[d] as number, textNorms[d] as number) + active.entities * ratio(accEntities[d] as number, this.entityNorms[d] as number)) / contentWeight
          if (content < cut) continue
        }
        if (timeBound && !cutting) {
          const text = ratio(accText[d] as number, textNorms[d] as number)
          const w = wtime * contextShare(text, gate)
          // The margin covers rounding: the bound is computed in another order than the score.
          if ((wt * text + w) / (wt + w) + BOUND_MARGIN < threshold) continue
        }
        score = this.scoreOf(d, profile, active, q)
        if (!(score >= threshold)) continue
      }
      if (filtered && !this.passes(d, profile, q)) continue
      scores[d] = score
      shortlist[listed++] = d
      if (size < limit) {
        size = heapPush(heap, size, score)
        if (size === limit) {
          threshold = Math.max(lowest, heap[0] as number)
          if (cutting) cut = textCutoff(threshold, contentWeight, context, gate, wemb)
        }
      } else if (score > (heap[0] as number)) {
        heapReplaceMin(heap, size, score)
        threshold = Math.max(lowest, heap[0] as number)
        if (cutting) cut = textCutoff(threshold, contentWeight, context, gate, wemb)
      }
    }
    this.shortlistSize = listed
    this.shortlistLimit = limit
  }

  /** Runs {@link scanTop} again for a larger `limit`, after unmarking the last scan's pilot. */
  private rescan(profile: QueryProfile, active: SignalWeights, q: ResolvedQueryOptions, filtered: boolean, limit: number): void {
    const { seen, touched } = this
    for (let i = 0; i < this.touchedCount; i++) seen[touched[i] as number] = 0
    this.touchedCount = 0
    this.scanTop(profile, active, q, filtered, limit)
  }

  /**
   * Lists in `touched` (marked in `seen`) the slots other than `self` that have the query's
   * rarest terms, strongest first, skipping any term whose postings would take the list past
   * {@link PILOT_SLOTS} · `limit`; returns how many (also left in `touchedCount`).
   */
  private pilotSlots(text: QueryVector, self: number, limit: number): number {
    const field = this.store.text
    const cap = PILOT_SLOTS * limit
    const { seen, touched } = this
    if (self >= 0) seen[self] = 1 // never listed; unmarked below
    let count = 0
    for (let i = 0; i < text.ids.length && count < 2 * limit; i++) {
      const t = text.ids[i] as number
      if (count + field.documentFrequency(t) <= cap) count = field.collect(t, seen, touched, count)
    }
    if (self >= 0) seen[self] = 0
    this.touchedCount = count
    return count
  }

  private accumulateText(text: QueryVector, from: number, to: number): void {
    const field = this.store.text
    const idf = field.idf()
    for (let i = from; i < to; i++) {
      const t = text.ids[i] as number
      field.addPostings(t, (text.weights[i] as number) * (idf[t] as number), this.accText)
    }
  }

  /**
   * Appends to `touched` (and marks in `seen`) every slot with a non-zero accumulator that is not
   * there yet. One pass over the slots; cheaper than bookkeeping inside every posting loop.
   */
  private gatherTouched(): void {
    const { accText, accEntities, accTags, seen, touched } = this
    const withEntities = this.entitiesUsed
    const withTags = this.tagsUsed
    let count = this.touchedCount
    const capacity = this.store.capacity
    for (let d = 0; d < capacity; d++) {
      if (seen[d] === 0 && ((accText[d] as number) !== 0 || (withEntities && (accEntities[d] as number) !== 0) || (withTags && (accTags[d] as number) !== 0))) {
        seen[d] = 1
        touched[count++] = d
      }
    }
    this.touchedCount = count
  }

  /** Entities and tags select candidates, as text terms do. */
  private accumulateField(field: FieldIndex, query: QueryVector, acc: Float64Array): void {
    const idf = field.idf()
    for (let i = 0; i < query.ids.length; i++) {
      const t = query.ids[i] as number
      field.addPostings(t, (query.weights[i] as number) * (idf[t] as number), acc)
    }
  }

  /** Appends touched slots from `from` on that may be returned (not the query, through every filter) to the pool at `n`; returns the new pool size. */
  private admit(from: number, n: number, profile: QueryProfile, q: ResolvedQueryOptions, filtered: boolean): number {
    const { touched, pool } = this
    for (let i = from; i < this.touchedCount; i++) {
      const slot = touched[i] as number
      if (slot !== profile.slot && (!filtered || this.passes(slot, profile, q))) pool[n++] = slot
    }
    return n
  }

  /** Writes the score of the first `n` pool slots into `scores`: the weighted mean of the active signals. */
  private scoreInto(n: number, profile: QueryProfile, active: SignalWeights, q: ResolvedQueryOptions): void {
    const { scores, pool } = this
    for (let i = 0; i < n; i++) {
      const s = pool[i] as number
      scores[s] = this.scoreOf(s, profile, active, q)
    }
  }

  /**
   * The score of one slot: the weighted mean of the active signals, in [0, 1]. Tags and time are
   * context: each counts only when the pair has it (both tagged, both dated), with its weight
   * scaled by the pair's content similarity (see {@link contextShare}).
   */
  private scoreOf(s: number, profile: QueryProfile, active: SignalWeights, q: ResolvedQueryOptions): number {
    const { text: wt, entities: we, tags: wg, time: wtime, embedding: wemb } = active
    const text = ratio(this.accText[s] as number, this.textNorms[s] as number)
    const entities = we > 0 ? ratio(this.accEntities[s] as number, this.entityNorms[s] as number) : 0
    let sum = wt * text + we * entities
    let weightSum = wt + we
    const t = wtime > 0 ? (this.times[s] as number) : NaN
    const tagNorm = wg > 0 ? (this.tagNorms[s] as number) : 0
    if (tagNorm > 0 || t === t) {
      const share = pairContextShare(active, text, entities, q.contextGate)
      if (tagNorm > 0) {
        sum += wg * share * ratio(this.accTags[s] as number, tagNorm)
        weightSum += wg * share
      }
      if (t === t) {
        sum += wtime * share * timeCloseness(profile.time, t, q.olderHalfLifeDays, q.newerHalfLifeDays, q.timeDecay)
        weightSum += wtime * share
      }
    }
    if (wemb > 0) {
      const embeddings = this.store.embeddings
      const norm = embeddings.norms[s] as number
      if (norm > 0) {
        const query = profile.embedding as Float32Array
        sum += wemb * embeddingSimilarity(this.options.embeddingSimilarity, query, profile.embeddingNorm, embeddings.values, s * embeddings.dimension, norm)
        weightSum += wemb
      }
    }
    // Text alone: its similarity itself (not wt·text / wt, which can differ in the last bit).
    if (sum === wt * text && weightSum === wt) return wt > 0 ? text : 0
    return weightSum > 0 ? clamp01(sum / weightSum) : 0
  }

  /**
   * Writes to `top` every one of the first `n` slots of `from` whose score is positive, at least
   * `minScore` and among the `m` best (ties with the `m`-th all kept, for the full tie-break chain
   * to settle), and returns how many there are: fewer than `m` only when that is all that qualify.
   * One pass with a small min-heap of scores, one to copy.
   */
  private selectTop(from: Int32Array, n: number, m: number, minScore: number): number {
    const { scores, top } = this
    const heap = this.heapOf(m)
    let size = 0
    for (let i = 0; i < n; i++) {
      const score = scores[from[i] as number] as number
      if (!(score > 0 && score >= minScore)) continue
      if (size < m) size = heapPush(heap, size, score)
      else if (score > (heap[0] as number)) heapReplaceMin(heap, size, score)
    }
    const threshold = size < m ? -Infinity : (heap[0] as number)
    let kept = 0
    for (let i = 0; i < n; i++) {
      const slot = from[i] as number
      const score = scores[slot] as number
      if (score > 0 && score >= minScore && score >= threshold) top[kept++] = slot
    }
    return kept
  }

  private heapOf(m: number): Float64Array {
    return this.heap.length >= m ? this.heap : (this.heap = new Float64Array(Math.max(m, this.heap.length * 2)))
  }

  /** Makes the first `n` pool slots' text sums exact, by the cheaper of the remaining terms' postings or each candidate's own terms. */
  private completeText(n: number, text: QueryVector, selected: number): void {
    const field = this.store.text
    const idf = field.idf()
    const { pool, seen } = this
    let postingCost = 0
    for (let i = selected; i < text.ids.length; i++) postingCost += field.documentFrequency(text.ids[i] as number)
    let listCost = 0
    for (let i = 0; i < n; i++) listCost += field.forwardLength(pool[i] as number)
    if (postingCost <= listCost) {
      for (let i = 0; i < n; i++) seen[pool[i] as number] = 2
      for (let i = selected; i < text.ids.length; i++) {
        const t = text.ids[i] as number
        field.accumulateMarked(t, (text.weights[i] as number) * (idf[t] as number), this.accText, seen, 2)
      }
    } else {
      for (let i = 0; i < n; i++) this.accText[pool[i] as number] = field.dotDense(pool[i] as number, this.dense, idf)
    }
  }

  private candidate(slot: number, profile: QueryProfile, active: SignalWeights, q: ResolvedQueryOptions): Candidate {
    const { store } = this
    const time = timeCloseness(profile.time, store.timeAt(slot), q.olderHalfLifeDays, q.newerHalfLifeDays, q.timeDecay)
    const embedding = active.embedding > 0 ? this.embeddingValue(profile, slot) : NaN
    const text = ratio(this.accText[slot] as number, this.textNorms[slot] as number)
    const entities = this.entitiesUsed ? ratio(this.accEntities[slot] as number, this.entityNorms[slot] as number) : 0
    const contentWeight = active.text + active.entities
    const share = pairContextShare(active, text, entities, q.contextGate)
    const tagWeight = active.tags > 0 && (this.tagNorms[slot] as number) > 0 ? active.tags * share : 0
    const timeWeight = active.time > 0 && !Number.isNaN(time) ? active.time * share : 0
    return {
      slot,
      id: store.idAt(slot) as string,
      score: this.scores[slot] as number,
      text,
      entities,
      tags: this.tagsUsed ? ratio(this.accTags[slot] as number, this.tagNorms[slot] as number) : 0,
      time,
      embedding,
      tagWeight,
      timeWeight,
      weightSum: contentWeight + tagWeight + timeWeight + (Number.isNaN(embedding) ? 0 : active.embedding),
      duplicates: [],
    }
  }

  /** Embedding similarity of the query and a stored article, NaN unless both have an embedding. */
  private embeddingValue(profile: QueryProfile, slot: number): number {
    const embeddings = this.store.embeddings
    const norm = embeddings.norms[slot] ?? 0
    if (profile.embedding === undefined || !(norm > 0)) return NaN
    return embeddingSimilarity(this.options.embeddingSimilarity, profile.embedding, profile.embeddingNorm, embeddings.values, slot * embeddings.dimension, norm)
  }

  /** Every stored article that shares a text term, entity or tag with the one in `slot`. */
  neighbours(slot: number): number[] {
    this.reserve()
    try {
      for (const field of [this.store.text, this.store.entities, this.store.tags]) {
        for (const t of field.forwardList(slot).terms) this.touchedCount = field.collect(t, this.seen, this.touched, this.touchedCount)
      }
      return Array.from(this.touched.subarray(0, this.touchedCount)).filter((s) => s !== slot)
    } finally {
      this.clear(EMPTY_VECTOR)
    }
  }

  private activeWeights(profile: QueryProfile, w: SignalWeights): SignalWeights {
    return {
      text: w.text,
      entities: profile.entities.ids.length > 0 ? w.entities : 0,
      tags: profile.tags.ids.length > 0 ? w.tags : 0,
      time: Number.isNaN(profile.time) ? 0 : w.time,
      // A draft's embedding of another length can only meet an index that holds none (adding
      // checks the dimension): the signal is off then, as for an article without one.
      embedding: profile.embedding !== undefined && profile.embedding.length === this.store.embeddings.dimension ? w.embedding : 0,
    }
  }

  private passes(slot: number, profile: QueryProfile, q: ResolvedQueryOptions): boolean {
    const { store } = this
    const id = store.idAt(slot)
    if (id === undefined || q.exclude.has(id)) return false
    const time = store.timeAt(slot)
    if (!Number.isNaN(time)) {
      if (q.after !== undefined && time < q.after) return false
      if (q.before !== undefined && time > q.before) return false
      if (q.pastOnly && time > (Number.isNaN(profile.time) ? q.now : profile.time)) return false
    }
    const article = store.storedAt(slot)
    if (article === undefined) return false
    if (q.includeSections !== undefined && (article.section === undefined || !q.includeSections.has(article.section))) return false
    if (q.excludeSections !== undefined && article.section !== undefined && q.excludeSections.has(article.section)) return false
    if (q.filter !== undefined && q.filter(store.articleAt(slot) as Article) !== true) return false
    return true
  }

  /** Folds near-duplicates into the result above them, then applies MMR diversity. */
  private select(ranked: Candidate[], q: ResolvedQueryOptions): Candidate[] {
    const want = q.diversity > 0 ? Math.min(ranked.length, q.k * 4) : q.k
    const kept: Candidate[] = []
    // A cosine is a rounded sum: two identical texts may score 1 - 1e-16, and a threshold of 1
    // must still fold them.
    const threshold = this.options.duplicateThreshold - COPY_ROUNDING
    // Two texts with cosine ≥ t are within √(2(1 − t)) of each other as unit vectors, so their
    // cosines with the query differ by at most that: a pair further apart is no copy, and its
    // cosine is not computed (margins for rounding in both cosines).
    const reach = this.pruning ? Math.sqrt(2 * Math.max(0, 1 - threshold) + 1e-12) + 1e-9 : Infinity
    for (const c of ranked) {
      if (kept.length >= want) break
      if (q.foldDuplicates) {
        // A copy of the article being read is the same story in the same words: not worth a slot.
        if (c.text >= threshold) continue
        const twin = kept.find((r) => Math.abs(c.text - r.text) <= reach && this.store.text.cosine(c.slot, r.slot) >= threshold)
        if (twin !== undefined) {
          twin.duplicates.push(c.id)
          continue
        }
      }
      kept.push(c)
    }
    if (q.diversity === 0 || kept.length <= 1) return kept.slice(0, q.k)
    const lambda = q.diversity
    const out: Candidate[] = []
    const maxSim = new Float64Array(kept.length)
    const used = new Uint8Array(kept.length)
    while (out.length < q.k && out.length < kept.length) {
      let best = -1
      let bestValue = -Infinity
      for (let i = 0; i < kept.length; i++) {
        if (used[i] === 1) continue
        const value = (1 - lambda) * (kept[i] as Candidate).score - lambda * (maxSim[i] as number)
        if (value > bestValue) {
          bestValue = value
          best = i
        }
      }
      used[best] = 1
      const pick = kept[best] as Candidate
      out.push(pick)
      for (let i = 0; i < kept.length; i++) {
        if (used[i] === 1) continue
        const sim = this.store.text.cosine(pick.slot, (kept[i] as Candidate).slot)
        if (sim > (maxSim[i] as number)) maxSim[i] = sim
      }
    }
    return out
  }

  private toResult(c: Candidate, profile: QueryProfile, active: SignalWeights): RelatedResult {
    const { store } = this
    const total = c.weightSum
    const signal = (value: number, weight: number): SignalScore =>
      weight > 0 ? { value, weight, contribution: total > 0 ? (weight * value) / total : 0 } : INACTIVE_SIGNAL
    const shared = this.sharedKeys(store.entities, profile.entities, c.slot, REASON_LIMIT + 1).map((e) => store.entityName(e))
    // A surname key shared beside its full name says the same thing twice ("Joe Manchin", "Manchin").
    const sharedEntities = shared.filter((name) => !shared.some((other) => other !== name && other.endsWith(` ${name}`))).slice(0, REASON_LIMIT)
    const entityWords = new Set(sharedEntities.flatMap((name) => name.toLowerCase().split(/[\s-]+/)))
    const sharedTerms: string[] = []
    for (const t of this.sharedTextTerms(c.slot)) {
      const word = store.termWord(t)
      if (!entityWords.has(word)) sharedTerms.push(word)
      if (sharedTerms.length === REASON_LIMIT) break
    }
    const sharedTags = c.tagWeight > 0 ? this.sharedKeys(store.tags, profile.tags, c.slot, Infinity).map((t) => store.tagName(t)) : []
    const apart = daysApart(profile.time, store.timeAt(c.slot))
    return {
      id: c.id,
      score: c.score,
      signals: {
        text: signal(c.text, active.text),
        entities: signal(c.entities, active.entities),
        tags: signal(c.tags, c.tagWeight),
        time: signal(Number.isNaN(c.time) ? 0 : c.time, c.timeWeight),
        embedding: signal(Number.isNaN(c.embedding) ? 0 : c.embedding, Number.isNaN(c.embedding) ? 0 : active.embedding),
      },
      reasons: {
        sharedEntities,
        sharedTerms,
        sharedTags,
        ...(apart === undefined ? {} : { daysApart: apart }),
        duplicates: c.duplicates,
      },
    }
  }

  /** Term ids of the query present in the document, by contribution to the cosine (needs `dense` filled). */
  private sharedTextTerms(slot: number): number[] {
    const { terms, tfs } = this.store.text.forwardList(slot)
    const idf = this.store.text.idf()
    const shared: Array<[number, number]> = []
    for (let i = 0; i < terms.length; i++) {
      const t = terms[i] as number
      const q = this.dense[t] as number
      if (q !== 0) shared.push([t, q * (tfs[i] as number) * (idf[t] as number)])
    }
    shared.sort((a, b) => b[1] - a[1] || compareStrings(this.store.termWord(a[0]), this.store.termWord(b[0])))
    return shared.map((s) => s[0])
  }

  private sharedKeys(field: FieldIndex, query: QueryVector, slot: number, limit: number): number[] {
    const qWeight = new Map<number, number>()
    for (let i = 0; i < query.ids.length; i++) qWeight.set(query.ids[i] as number, query.weights[i] as number)
    const { terms, tfs } = field.forwardList(slot)
    const idf = field.idf()
    const shared: Array<[number, number]> = []
    for (let i = 0; i < terms.length; i++) {
      const q = qWeight.get(terms[i] as number)
      if (q !== undefined) shared.push([terms[i] as number, q * (tfs[i] as number) * (idf[terms[i] as number] as number)])
    }
    shared.sort((a, b) => b[1] - a[1] || compareStrings(field.term(a[0]), field.term(b[0])))
    return shared.slice(0, limit).map((s) => s[0])
  }

  private fillDense(text: QueryVector): void {
    for (let i = 0; i < text.ids.length; i++) this.dense[text.ids[i] as number] = text.weights[i] as number
  }

  private clear(text: QueryVector): void {
    const { touched, accText, accEntities, accTags, seen, entitiesUsed, tagsUsed } = this
    if (this.wholesale) {
      // A memset of the used range beats scattered writes when most slots were touched.
      const capacity = this.store.capacity
      accText.fill(0, 0, capacity)
      if (entitiesUsed) accEntities.fill(0, 0, capacity)
      if (tagsUsed) accTags.fill(0, 0, capacity)
      this.wholesale = false
    }
    this.shortlistLimit = 0
    for (let i = 0; i < this.touchedCount; i++) {
      const d = touched[i] as number
      accText[d] = 0
      if (entitiesUsed) accEntities[d] = 0
      if (tagsUsed) accTags[d] = 0
      seen[d] = 0
    }
    this.touchedCount = 0
    for (let i = 0; i < text.ids.length; i++) this.dense[text.ids[i] as number] = 0
  }

  /**
   * Readies the per-slot scratch for the store's current capacity before a query asks for it
   * (after a load): allocates it and writes it once, so that its memory is committed here
   * instead of page by page inside the first query (49 bytes a slot: at a million slots, about
   * 30 ms of page faults on a 2-core VM, against 3 ms to write the same memory again). Changes
   * no result: the accumulators are zero between queries, and the rest is written before it
   * is read.
   */
  prepare(): void {
    this.reserve()
    for (const scratch of [this.accText, this.accEntities, this.accTags, this.seen, this.scores, this.touched, this.pool, this.top, this.shortlist]) scratch.fill(0)
  }

  /**
   * The entity or tag accumulator at the scratch's size, allocated on the first query that
   * weights the signal: with entities at 0 (the default) and an untagged archive, neither is
   * ever needed, and each costs 8 bytes a slot. Between queries they hold zeros, as a new one does.
   */
  private inUse(acc: Float64Array<ArrayBuffer>): Float64Array<ArrayBuffer> {
    return acc.length === this.accText.length ? acc : new Float64Array(this.accText.length)
  }

  private reserve(): void {
    const capacity = this.store.capacity
    // Grow by doubling; shrink when the store compacted to far fewer slots (or terms) than these hold.
    if (this.accText.length < capacity || this.accText.length > 4 * Math.max(capacity, 64)) {
      const size = this.accText.length < capacity ? Math.max(capacity, this.accText.length * 2, 64) : Math.max(capacity * 2, 64)
      this.accText = new Float64Array(size)
      // The entity and tag sums are sized by `inUse`, on the next query that weights them.
      this.accEntities = new Float64Array(0)
      this.accTags = new Float64Array(0)
      this.seen = new Uint8Array(size)
      this.scores = new Float64Array(size)
      this.touched = new Int32Array(size)
      this.pool = new Int32Array(size)
      this.top = new Int32Array(size)
      this.shortlist = new Int32Array(size)
    }
    const vocab = this.store.text.vocabularySize
    if (this.dense.length < vocab) this.dense = new Float64Array(Math.max(vocab, this.dense.length * 2, 64))
    else if (this.dense.length > 4 * Math.max(vocab, 64)) this.dense = new Float64Array(Math.max(vocab, 64))
  }
}


const EMPTY_VECTOR: QueryVector = { ids: new Int32Array(0), weights: new Float64Array(0) }

function hasFilters(q: ResolvedQueryOptions): boolean {
  return (
    q.exclude.size > 0 ||
    q.filter !== undefined ||
    q.includeSections !== undefined ||
    q.excludeSections !== undefined ||
    q.after !== undefined ||
    q.before !== undefined ||
    q.pastOnly
  )
}


/**
 * The documented tie-break chain: higher score, then higher text similarity, then the more
 * recent article (undated last), then id in code-unit order.
 */
export function byRank(a: Candidate, b: Candidate): number {
  if (a.score !== b.score) return b.score - a.score
  if (a.text !== b.text) return b.text - a.text
  if (a.time !== b.time) {
    const at = Number.isNaN(a.time) ? -Infinity : a.time
    const bt = Number.isNaN(b.time) ? -Infinity : b.time
    if (at !== bt) return bt - at
  }
  return compareStrings(a.id, b.id)
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}


function ratio(dot: number, norm: number): number {
  return norm > 0 ? clamp01(dot / norm) : 0
}



function storedVector(field: FieldIndex, slot: number): QueryVector {
  const { terms, tfs } = field.forwardList(slot)
  const idf = field.idf()
  const norm = field.documentNorms()[slot] as number
  const pairs: Array<[number, number]> = []
  for (let i = 0; i < terms.length; i++) {
    const t = terms[i] as number
    pairs.push([t, norm > 0 ? ((tfs[i] as number) * (idf[t] as number)) / norm : 0])
  }
  return toVector(pairs, field)
}

function draftVector(field: FieldIndex, tfs: ReadonlyMap<string, number>): QueryVector {
  const n = field.size
  const pairs: Array<[number, number]> = []
  let sq = 0
  for (const [term, tf] of tfs) {
    const id = field.termId(term)
    const df = id === undefined ? 0 : field.documentFrequency(id)
    const w = tf * smoothedIdf(n, df)
    sq += w * w
    if (id !== undefined && df > 0) pairs.push([id, w])
  }
  const norm = Math.sqrt(sq)
  for (const p of pairs) p[1] = norm > 0 ? p[1] / norm : 0
  return toVector(pairs, field)
}

// Strongest first; equal weights by term text so the order never depends on term ids.
function toVector(pairs: Array<[number, number]>, field: FieldIndex): QueryVector {
  pairs.sort((a, b) => b[1] - a[1] || compareStrings(field.term(a[0]), field.term(b[0])))
  return { ids: Int32Array.from(pairs, (p) => p[0]), weights: Float64Array.from(pairs, (p) => p[1]) }
}

/**
 * The text cutoff of a slot with no entity match, from the content cutoff `cut` (its content
 * similarity is wt · text / (wt + we)): none when `cut` is not above 0, every such slot when the
 * text weight is 0.
 */
function textCutOf(cut: number, wt: number, contentWeight: number): number {
  if (!(cut > 0)) return -Infinity
  return wt > 0 ? (cut * contentWeight) / wt : Infinity
}

/** The first slot from `from` on (or `to`) with an entity match or a text sum not below `cut` times its norm. */
function nextAtContentCutoff(acc: Float64Array, norms: Float64Array, entities: Float64Array, cut: number, from: number, to: number): number {
  let d = from
  while (d < to && (acc[d] as number) < cut * (norms[d] as number) && (entities[d] as number) === 0) d++
  return d
}

/** The first slot from `from` on (or `to`) whose text sum is not below `cut` times its norm. */
function nextAtCutoff(acc: Float64Array, norms: Float64Array, cut: number, from: number, to: number): number {
  let d = from
  while (d < to && (acc[d] as number) < cut * (norms[d] as number)) d++
  return d
}

/** Pushes `score` onto the min-heap of `size` scores; returns the new size. */
function heapPush(heap: Float64Array, size: number, score: number): number {
  let j = size
  while (j > 0) {
    const parent = (j - 1) >> 1
    if ((heap[parent] as number) <= score) break
    heap[j] = heap[parent] as number
    j = parent
  }
  heap[j] = score
  return size + 1
}

/** Replaces the minimum of a full min-heap with a larger `score`. */
function heapReplaceMin(heap: Float64Array, size: number, score: number): void {
  let j = 0
  for (;;) {
    const left = 2 * j + 1
    if (left >= size) break
    const right = left + 1
    const child = right < size && (heap[right] as number) < (heap[left] as number) ? right : left
    if ((heap[child] as number) >= score) break
    heap[j] = heap[child] as number
    j = child
  }
  heap[j] = score
}

/**
 * The share of the context weights (tags, time) one pair earns: {@link contextShare} of its
 * content similarity, the weighted mean of text and entities. One formula for scoring and for the
 * weights a result reports, so its contributions always sum to its score.
 */
function pairContextShare(active: SignalWeights, text: number, entities: number, gate: number): number {
  const contentWeight = active.text + active.entities
  return contextShare(contentWeight > 0 ? (active.text * text + active.entities * entities) / contentWeight : 0, gate)
}

/** Rounding allowance of the duplicate threshold: far above a cosine's rounding error, far below any real difference (and inside `affectedBy`'s margin). */
export const COPY_ROUNDING = 1e-12

/** The pilot of `scanTop` lists up to this many times its `limit` slots. */
const PILOT_SLOTS = 4

/** Rounding allowance of the score bound in `scanTop`: a bound is never trusted to the last bits. */
const BOUND_MARGIN = 1e-9

/**
 * The text cosine below which a slot cannot score `threshold` with text, gated context (time
 * and tags, total weight `wtime`) and an ungated signal (embeddings, weight `wfixed`) only, for
 * `scanTop` to skip it with one multiplication and no division: the inverse, at
 * `threshold` − {@link BOUND_MARGIN}, of the bound every other value at 1 gives,
 * F(x) = (wt·x + w(x) + e) / (wt + w(x) + e) with w(x) = wtime · contextShare(x, gate) and
 * e = wfixed (a signal with value 1 never lowers a weighted mean of values in [0, 1], present or
 * not). F grows with x: below the gate, with c = wtime / gate, F = (wt·x + c·x + e) / (wt + c·x + e)
 * has derivative (wt² + wt·e + c·wt) / (wt + c·x + e)² > 0; above it w is constant. So
 * x < F⁻¹(y) means F(x) < y. With no context and no embedding, F(x) = x. The result is lowered
 * by a further 1e-12 so that rounding in `acc < cut · norm` (about 1e-16 of the cosine) never matters.
 */
export function textCutoff(threshold: number, wt: number, wtime: number, gate: number, wfixed = 0): number {
  const y = threshold - BOUND_MARGIN
  const e = wfixed
  let x: number
  if (wtime === 0 && e === 0) x = y
  else if (gate <= 0 || y >= (wt * gate + wtime + e) / (wt + wtime + e)) x = (y * (wt + wtime + e) - wtime - e) / wt
  else x = (y * (wt + e) - e) / (wt + (wtime / gate) * (1 - y))
  return x - 1e-12
}
