import type { Analyzer, AnalyzerOptions } from '../analysis/index.js'
import { createAnalyzer } from '../analysis/index.js'
import type { Article, Draft } from '../article.js'
import { limitArticleLength, validateArticle } from '../article.js'
import { RelatedArticlesError, invalid, quoteId } from '../errors.js'
import type { EmbeddingSimilarity } from './embedding-similarity.js'
import { needsNonNegative } from './embedding-similarity.js'
import type { ArticleFeatures } from '../index/store.js'
import { ArticleStore } from '../index/store.js'
import { QueryEngine, type QueryProfile } from './engine.js'
import { copySlots } from './copies.js'
import { affectedSlots, witnessRecorder } from './affected.js'
import { restoreWitnessMemories, saveWitnessMemories } from './affected-memory.js'
import { toFeatures } from './features.js'
import type { RelatedIndexOptions, RelatedOptions, ResolvedIndexOptions, ResolvedQueryOptions } from './options.js'
import { resolveIndexOptions, resolveQueryOptions } from './options.js'
import type { RelatedResult } from './result.js'
import type { DeserializeOptions, SavedWitnessMemory } from '../index/snapshot.js'
import type { DecodedSnapshot, SnapshotSource } from '../index/snapshot.js'
import { readSnapshot, readSnapshotFrom, restoreSnapshot, writeSnapshot, writeSnapshotTo } from '../index/snapshot.js'
import { sameAnalysisInput, storedFeatures } from '../index/stored-features.js'
import type { RelatedAllOptions, RelatedEntry } from './batch.js'
import { iterateSlots, splitBatchOptions } from './batch.js'
import { LIBRARY_VERSION } from '../version.js'
import { AnalysisPool } from '../workers/analysis.js'

/**
 * Progress of a bulk operation.
 *
 * @example
 * ```ts
 * index.addAll(articles, { onProgress: ({ done, total }) => process.stderr.write(`\rIndexed ${done}/${total ?? '?'}`) })
 * ```
 */
export interface ProgressEvent {
  /** Articles processed so far. */
  done: number
  /** Articles in all (the input is read to its end before the first is analysed, so it is always known). */
  total: number | undefined
}

/**
 * Options of {@link RelatedIndex.addAll}.
 *
 * @example
 * ```ts
 * index.addAll(articles, { onProgress: ({ done }) => { if (done % 1000 === 0) console.log(done) } })
 * ```
 */
export interface AddAllOptions {
  /**
   * Called after each article is analysed (before anything is stored). It may query the index,
   * which does not hold the batch yet, but not change it: that throws `INVALID_STATE`.
   */
  onProgress?: (progress: ProgressEvent) => void
}

/**
 * Options of {@link RelatedIndex.affectedBy}.
 *
 * @example
 * ```ts
 * index.affectedBy('new-story', { k: 5 }) // the cached boxes show five stories
 * ```
 */
export interface AffectedByOptions {
  /** Length of the cached lists to check. Defaults to 10. */
  k?: number
}

/**
 * Options of {@link RelatedIndex.addStream}.
 *
 * @example
 * ```ts
 * await index.addStream(readArticles('archive.jsonl'), { batchSize: 2000, onProgress: ({ done }) => console.log(done) })
 * ```
 */
export interface AddStreamOptions {
  /**
   * Articles analysed and stored together, all or nothing. The working set of the load is one
   * batch's articles and their analyses; the event loop is free between batches. 1 to 100,000;
   * defaults to {@link DEFAULT_STREAM_BATCH_SIZE}.
   */
  batchSize?: number
  /**
   * Called after each batch is stored, with the articles stored so far by this call (`total`
   * when the source is an array). It may query and change the index.
   */
  onProgress?: (progress: ProgressEvent) => void
  /** Stops the load between two batches: the batches stored stay, and the promise rejects with the signal's reason. */
  signal?: AbortSignal
  /**
   * Worker threads that validate and analyse the articles (the bulk of a build), 1 to 64, while
   * this thread reads the source and stores the analysed batches; the index is the same as with
   * one thread. Articles cross to the threads by structured clone (only their documented fields).
   * Each thread loads the language model when it starts (about a second), so threads pay off
   * for large loads only. Defaults to 1 (no threads).
   */
  threads?: number
}

/**
 * What {@link RelatedIndex.addStream} did.
 *
 * @example
 * ```ts
 * const { added } = await index.addStream(articles)
 * console.log(`${added} articles stored, ${index.size} in the index`)
 * ```
 */
export interface AddStreamResult {
  /** Articles stored by this call. */
  added: number
}

/**
 * Default {@link AddStreamOptions.batchSize}: large enough to amortise the per-batch work, small
 * enough that a batch's analyses are a few MB.
 *
 * @example
 * ```ts
 * await index.addStream(articles, { batchSize: DEFAULT_STREAM_BATCH_SIZE * 4 }) // fewer, larger batches
 * ```
 */
export const DEFAULT_STREAM_BATCH_SIZE = 1000

/** Largest {@link AddStreamOptions.batchSize}. */
const MAX_STREAM_BATCH_SIZE = 100_000

interface Prepared {
  article: Article
  time: number
  features: ArticleFeatures
  embedding: Float32Array | undefined
}

/**
 * An in-memory index of articles that answers "which stories should a reader see next?".
 *
 * @example
 * ```ts
 * const index = new RelatedIndex()
 * index.addAll(articles)
 * for (const r of index.related('lavrov-pyongyang', { k: 5 })) {
 *   console.log(r.id, r.score.toFixed(2), r.reasons.sharedEntities.join(', '))
 * }
 * ```
 */
export class RelatedIndex {
  private readonly resolved: ResolvedIndexOptions
  private readonly analyzer: Analyzer
  private readonly store = new ArticleStore()
  private readonly engine: QueryEngine
  private analysed = 0
  /** Bulk loads under way: `addAll` leaves its pools untrimmed meanwhile (the load trims once at its end). */
  private bulkLoads = 0
  /** Depth of caller callbacks running now: a query's `filter`, `addAll`'s `onProgress`. */
  private inFilter = 0
  private inProgress = 0
  /** Depth of input reading: `addAll`'s iterable, or an article's getters while it is validated. */
  private reading = 0

  /** @throws RelatedArticlesError `INVALID_OPTION` for an unknown option or a value out of range. */
  constructor(options: RelatedIndexOptions = {}) {
    const resolved = resolveIndexOptions(options)
    // The index keeps its own copy of the analysis options: a caller who later pushes a RegExp
    // into their clutter list or changes the stemmer must not change what is serialised.
    this.resolved = { ...resolved, analysis: copyAnalysisOptions(resolved.analysis) }
    this.analyzer = createAnalyzer(this.resolved.analysis)
    this.engine = new QueryEngine(this.store, this.resolved)
  }

  /** Number of stored articles. */
  get size(): number {
    return this.store.size
  }

  /**
   * Articles analysed by this index so far. Adding or updating an article whose title, body,
   * section, tags, entities and source equal the stored version's reuses the stored analysis and
   * does not count; a deserialised index starts at 0.
   */
  get analysedCount(): number {
    return this.analysed
  }

  /**
   * The index options in effect, every one filled in (defaults included), also for an index loaded
   * with {@link RelatedIndex.deserialize}. A fresh copy: changing it changes nothing, and it can be
   * passed to `new RelatedIndex(...)` to build an index that ranks the same way.
   * @example
   * ```ts
   * const loaded = RelatedIndex.deserialize(bytes)
   * console.log(loaded.options.weights.text, loaded.options.maxArticleLength)
   * ```
   */
  get options(): RelatedIndexOptions & Omit<ResolvedIndexOptions, 'analysis'> {
    const { analysis, ...rest } = this.resolved
    const copy = { ...rest, weights: { ...rest.weights } }
    return analysis === undefined ? copy : { ...copy, analysis: structuredClone(analysis) }
  }

  /**
   * Loads the language model, runs one analysis and one draft query, so the first real `add` or
   * `relatedTo` after start-up (or after `deserialize`) does not pay for them (measured with
   * `npm run bench:warm-up`). Changes nothing in the index.
   * @example
   * ```ts
   * const index = RelatedIndex.deserialize(bytes)
   * index.warmUp() // before accepting requests
   * ```
   */
  warmUp(): void {
    const draft = { title: 'Warm-up', body: 'The model loads on first use. This sentence loads it now, and compiles the query path.' }
    this.analyzer.analyze(draft)
    this.readyForQueries()
    // One draft query compiles the analysis and query code the first request would otherwise pay for.
    if (this.size > 0) this.relatedTo(draft, { k: 1 })
  }

  /** Computes what the first query would otherwise compute (idf values and document norms of every field). */
  private readyForQueries(): void {
    this.store.text.documentNorms()
    this.store.entities.documentNorms()
    this.store.tags.documentNorms()
  }

  /** Whether an article with this id is stored. */
  has(id: string): boolean {
    return typeof id === 'string' && this.store.slotOf(id) !== undefined
  }

  /**
   * The stored article (only its documented fields, frozen, equal to what was added), or
   * `undefined`. Not always the same object from call to call: the index may keep an article in a
   * smaller form and write it out again. Its `embedding`, when it has one, is a fresh
   * `Float32Array` copy of the stored values: changing it changes nothing.
   */
  get(id: string): Article | undefined {
    if (typeof id !== 'string') return undefined
    const slot = this.store.slotOf(id)
    if (slot === undefined) return undefined
    const article = this.store.articleAt(slot)
    if (article === undefined) return undefined
    const embedding = this.store.embeddings.vector(slot)
    return embedding === undefined ? exposed(article) : Object.freeze({ ...exposed(article), embedding: embedding.slice() })
  }

  /** Ids of every stored article, in no particular order. */
  ids(): string[] {
    return [...this.store.slots()].map((s) => this.store.idAt(s) as string)
  }

  /**
   * Adds one article.
   * @throws RelatedArticlesError `INVALID_ARTICLE` naming the field (also for an `embedding` whose length differs from
   *   the stored ones'), `DUPLICATE_ID`, or `LIMIT_EXCEEDED` when title and body are longer than `maxArticleLength`
   *   (unless `oversized: 'truncate'`); the index is unchanged then.
   */
  add(article: Article): void {
    this.checkIdle('add', false)
    const prepared = this.reader(() => this.prepare(article, this.store.embeddings.dimension))
    if (this.store.slotOf(prepared.article.id) !== undefined) throw duplicate(prepared.article.id)
    this.commit(prepared)
  }

  /**
   * Adds many articles, all or nothing: the input is read to its end (a generator runs to
   * completion), then every article is validated and analysed before the first is stored, so an
   * error at the last one leaves the index as it was. Caller code that runs meanwhile (a
   * generator's body, a getter on an article, `onProgress`) may query the index but not change
   * it: `add`, `update`, `remove` or `addAll` from there throw `INVALID_STATE`.
   *
   * @example
   * ```ts
   * const articles = readFileSync('articles.jsonl', 'utf8').trim().split('\n').map((line) => JSON.parse(line))
   * index.addAll(articles, { onProgress: ({ done, total }) => process.stderr.write(`\r${done}/${total}`) })
   * ```
   */
  addAll(articles: Iterable<Article>, options: AddAllOptions = {}): void {
    this.checkIdle('addAll', false)
    if (articles === null || typeof articles !== 'object' || typeof (articles as Iterable<Article>)[Symbol.iterator] !== 'function') {
      throw invalid('INVALID_ARTICLE', 'articles', 'an iterable of articles', articles)
    }
    if (typeof options !== 'object' || options === null) throw invalid('INVALID_OPTION', 'options', 'an options object { onProgress }', options)
    const onProgress = options.onProgress
    if (onProgress !== undefined && typeof onProgress !== 'function') {
      throw invalid('INVALID_OPTION', 'onProgress', 'a function', onProgress)
    }
    // The whole input is read and checked before anything is stored. A generator or a getter is
    // caller code running in the middle of the batch: while it runs the index refuses changes
    // (INVALID_STATE), so the batch is checked against the store it is committed to.
    const batch = this.reader(() => {
      const items: unknown[] = []
      for (const article of articles) items.push(article)
      const total = items.length
      const prepared: Prepared[] = []
      const seen = new Set<string>()
      // The first embedding of the batch sets the dimension when the index holds none.
      let dimension = this.store.embeddings.dimension
      for (let position = 0; position < total; position++) {
        let p: Prepared
        try {
          p = this.prepare(items[position], dimension)
        } catch (error) {
          throw withPosition(error, position)
        }
        if (p.embedding !== undefined) dimension = p.embedding.length
        const id = p.article.id
        if (seen.has(id) || this.store.slotOf(id) !== undefined) throw withPosition(duplicate(id), position)
        seen.add(id)
        prepared.push(p)
        if (onProgress !== undefined) {
          this.inProgress++
          try {
            onProgress({ done: position + 1, total })
          } finally {
            this.inProgress--
          }
        }
      }
      return prepared
    })
    for (const prepared of batch) this.commit(prepared)
    // Pools grow by doubling; after a batch, give the spare room back.
    if (batch.length > 1 && this.bulkLoads === 0) this.store.trim()
  }

  /**
   * Adds the articles of an archive too large to hold at once, read from an iterable or async
   * iterable (a generator over a JSONL file, a database cursor), in batches of `batchSize`.
   * Memory is the index plus one batch: each batch is validated, analysed and stored, then its
   * analyses are garbage. When it resolves, idf values and document norms are computed, so the
   * first query is as fast as the next.
   *
   * **On failure** each batch is all or nothing, like {@link addAll}: when the article at stream
   * position `i` is invalid or repeats an id, the promise rejects with the typed error whose
   * `field` starts with `articles[i]` (and whose `id` names it when known); the articles before
   * position `⌊i / batchSize⌋ · batchSize` (the earlier batches) stay stored and none of the
   * failing batch is. An error thrown by the source itself, or an abort, keeps every batch stored
   * before it. Either way the index is consistent and can be queried, added to or serialised.
   *
   * @example
   * ```ts
   * import { createReadStream } from 'node:fs'
   * import { createInterface } from 'node:readline'
   * async function* articles(path: string) {
   *   for await (const line of createInterface({ input: createReadStream(path), crlfDelay: Infinity })) {
   *     if (line.trim() !== '') yield JSON.parse(line)
   *   }
   * }
   * const { added } = await index.addStream(articles('archive.jsonl'), { onProgress: ({ done }) => process.stderr.write(`\r${done}`) })
   * ```
   * @throws RelatedArticlesError (as a rejection) `INVALID_OPTION` for bad options or a source that is not iterable
   *   (nothing stored then), and the errors of {@link addAll} with the stream position.
   */
  async addStream(source: Iterable<Article> | AsyncIterable<Article>, options: AddStreamOptions = {}): Promise<AddStreamResult> {
    this.checkIdle('addStream', false)
    const iterator = streamIterator(source)
    const { batchSize, onProgress, signal, threads } = resolveStreamOptions(options)
    const total = Array.isArray(source) ? source.length : undefined
    let added = 0
    this.bulkLoads++
    try {
      if (threads > 1) {
        added = await this.addStreamOnThreads(iterator, batchSize, threads, signal, (done) => onProgress?.({ done, total }))
        return { added }
      }
      for (;;) {
        signal?.throwIfAborted()
        const batch: unknown[] = []
        let done = false
        while (batch.length < batchSize) {
          const next = await iterator.next()
          if (next.done === true) {
            done = true
            break
          }
          batch.push(next.value)
        }
        signal?.throwIfAborted()
        if (batch.length > 0) {
          try {
            this.addAll(batch as Article[])
          } catch (error) {
            throw shiftPosition(error, added)
          }
          added += batch.length
          onProgress?.({ done: added, total })
        }
        if (done) break
        // Lets timers and I/O run between batches when the source never awaits (an array).
        await new Promise((resolve) => setImmediate(resolve))
      }
    } catch (error) {
      // Closes the source (a file, a cursor); its own error on closing must not hide this one.
      try {
        await iterator.return?.()
      } catch {
        // Ignored: the load's error is the one to report.
      }
      throw error
    } finally {
      this.bulkLoads--
      if (added > 0 && this.bulkLoads === 0) {
        this.store.trim()
        this.readyForQueries()
      }
    }
    return { added }
  }

  /**
   * `addStream` with analysis on worker threads: while the threads analyse batch b, this thread
   * reads batch b + 1 from the source; analysed batches are stored in order, so the index (and
   * every error) is the same as on one thread. Returns the articles stored.
   */
  private async addStreamOnThreads(
    iterator: AsyncIterator<unknown> | Iterator<unknown>,
    batchSize: number,
    threads: number,
    signal: AbortSignal | undefined,
    progress: (done: number) => void,
  ): Promise<number> {
    const pool = await AnalysisPool.start(this.options, threads)
    let added = 0
    const read = async (): Promise<{ batch: unknown[]; done: boolean }> => {
      const batch: unknown[] = []
      while (batch.length < batchSize) {
        const next = await iterator.next()
        if (next.done === true) return { batch, done: true }
        batch.push(next.value)
      }
      return { batch, done: false }
    }
    try {
      let current = await read()
      let job = pool.prepare(current.batch)
      job.catch(() => undefined) // Awaited below; marked handled in case reading the source throws first.
      for (;;) {
        signal?.throwIfAborted()
        const following = current.done ? undefined : await read()
        const nextJob = following === undefined || following.batch.length === 0 ? undefined : pool.prepare(following.batch)
        nextJob?.catch(() => undefined) // Awaited on the next turn; this only marks it handled meanwhile.
        const { prepared, failure } = await job
        signal?.throwIfAborted()
        this.storePrepared(prepared as Prepared[], failure, added)
        added += prepared.length
        if (prepared.length > 0) progress(added)
        if (nextJob === undefined || following === undefined) break
        current = following
        job = nextJob
      }
    } finally {
      await pool.close()
    }
    return added
  }

  /**
   * Stores a batch analysed on worker threads, all or nothing, with the checks `addAll` makes
   * on this side: embedding lengths against the index and each other, and ids. `failure` is the
   * first article the threads refused (it comes after every prepared one).
   */
  private storePrepared(batch: readonly Prepared[], failure: { position: number; error: unknown } | undefined, offset: number): void {
    this.checkIdle('addStream', false)
    const seen = new Set<string>()
    let dimension = this.store.embeddings.dimension
    for (let i = 0; i < batch.length; i++) {
      const prepared = batch[i] as Prepared
      const id = prepared.article.id
      if (prepared.embedding !== undefined) {
        try {
          checkEmbedding(prepared.embedding, dimension, this.resolved.embeddingSimilarity, id)
        } catch (error) {
          throw withPosition(error, offset + i)
        }
        dimension = prepared.embedding.length
      }
      if (seen.has(id) || this.store.slotOf(id) !== undefined) throw withPosition(duplicate(id), offset + i)
      seen.add(id)
    }
    if (failure !== undefined) throw withPosition(failure.error, offset + failure.position)
    for (const prepared of batch) this.commit(prepared)
    this.analysed += batch.length
  }

  /**
   * Replaces the stored article with the same id (or adds it when absent).
   * @throws RelatedArticlesError `INVALID_ARTICLE` or `LIMIT_EXCEEDED`; the old version stays then.
   */
  update(article: Article): void {
    this.checkIdle('update', false)
    const prepared = this.reader(() => this.prepare(article, 'replacing'))
    this.store.delete(prepared.article.id)
    this.commit(prepared)
  }

  /** Removes an article; returns whether it was stored. */
  remove(id: string): boolean {
    if (typeof id !== 'string') throw invalid('INVALID_ARTICLE', 'id', 'a string', id)
    this.checkIdle('remove', false)
    return this.store.delete(id)
  }

  /**
   * Related stories for a stored article, best first. The article itself never appears.
   *
   * @example
   * ```ts
   * for (const r of index.related('r10100', { k: 3 })) {
   *   console.log(r.id, r.score.toFixed(3), r.reasons.sharedEntities.join(', '))
   * }
   * // r10876 0.615 ICO, International Coffee Organization, London, United States, Brazil
   * // …
   * ```
   * @throws RelatedArticlesError `NOT_FOUND` when the id is not stored, `INVALID_OPTION` for bad options.
   */
  related(id: string, options: RelatedOptions = {}): RelatedResult[] {
    this.checkIdle('related', true)
    const q = this.query(options)
    const slot = this.slotOrThrow(id)
    return this.engine.run(this.engine.profileOf(slot), q)
  }

  /**
   * Related stories for an article that is not stored (an editor's draft). An `id`, if given,
   * is excluded from the results.
   *
   * @example
   * ```ts
   * index.relatedTo({ title: 'Coffee quota talks resume', body: 'Brazil and Colombia want the ICO to…' }, { k: 3 })
   * ```
   */
  relatedTo(draft: Draft, options: RelatedOptions = {}): RelatedResult[] {
    this.checkIdle('relatedTo', true)
    const q = this.query(options)
    return this.engine.run(this.draftProfile(draft), q)
  }

  /**
   * Ids of the stored articles that are copies of an article: text cosine at or above
   * `duplicateThreshold` (by default the same text after cleaning, such as one wire story under
   * several mastheads). These are the articles `related` and `relatedTo` leave out, with
   * `foldDuplicates` on (the default), as the same story in the same words as the one being read,
   * so a page can still say "also published by". Takes a stored id or a draft (checked as in
   * {@link relatedTo}: find out before publishing whether the text is already in the archive).
   * Sorted by id; costs about one query.
   *
   * @example
   * ```ts
   * const elsewhere = index.copiesOf('wire-123').map((id) => index.get(id)?.source)
   * ```
   * @throws RelatedArticlesError `NOT_FOUND` when a string id is not stored; for a draft, the errors of {@link relatedTo}.
   */
  copiesOf(article: string | Draft): string[] {
    this.checkIdle('copiesOf', true)
    const profile = typeof article === 'string' ? this.engine.profileOf(this.slotOrThrow(article)) : this.draftProfile(article)
    return copySlots(this.store, profile, this.resolved.duplicateThreshold)
      .map((s) => this.store.idAt(s) as string)
      .sort(compareCodeUnits)
  }

  /** A draft's query profile (validated, limited, analysed); its id's slot, when stored, is the one left out. */
  private draftProfile(draft: Draft): QueryProfile {
    const valid = validateArticle(draft, 'draft', false)
    const embedding = valid.embedding
    if (embedding !== undefined) {
      const id = valid.article.id === '' ? undefined : valid.article.id
      checkEmbedding(embedding, this.store.embeddings.dimension, this.resolved.embeddingSimilarity, id)
    }
    const { article, time } = limitArticleLength(valid, this.resolved.maxArticleLength, this.resolved.oversized)
    const features = toFeatures(this.analyzer.analyze(article), article, this.resolved)
    const profile = this.engine.profileOfDraft(features, time, embedding)
    const slot = article.id === '' ? undefined : this.store.slotOf(article.id)
    return slot === undefined ? profile : { ...profile, slot }
  }

  /**
   * Ids of stored articles whose top-`k` list now contains `id` (for example right after adding
   * it), so a site can refresh exactly those cached lists. Exact: the same ids as running
   * `related(x, { k })` for every stored `x`. Meant to be called after every add: the index
   * remembers, per article and for the last two values of `k` asked, k articles that outrank
   * its list's bottom, and a proven bound on how far scores moved since settles most of the
   * archive without scoring; only articles the new one comes close to are queried (see
   * `src/ranking/affected.ts`). The first call on an index gives every neighbour a quick search
   * (1.8 s at 19,043 articles, 12.8 s at 100,000); later ones cost a few queries (35 and 226 ms
   * median there). A batch with `primeAffectedBy: true` fills the memory from the lists it
   * computes instead, and {@link serialize} saves it: the first call after loading that
   * snapshot costs what a later one does (254 ms at 100,000). An index with a finite
   * `candidateTerms` queries every article sharing a term, entity or tag instead.
   *
   * @example
   * ```ts
   * index.add(story)
   * for (const id of index.affectedBy(story.id, { k: 5 })) cache.delete(`related:${id}`)
   * ```
   */
  affectedBy(id: string, options: AffectedByOptions = {}): string[] {
    this.checkIdle('affectedBy', true)
    const slot = this.slotOrThrow(id)
    if (typeof options !== 'object' || options === null) throw invalid('INVALID_OPTION', 'options', 'an options object { k }', options)
    const unknown = Object.keys(options).find((key) => key !== 'k')
    if (unknown !== undefined) throw invalid('INVALID_OPTION', unknown, 'no option but k', (options as Record<string, unknown>)[unknown])
    const q = resolveQueryOptions({ k: options.k ?? 10 }, this.resolved)
    return affectedSlots(this.store, this.engine, this.resolved, slot, q)
      .map((s) => this.store.idAt(s) as string)
      .sort(compareCodeUnits)
  }

  /**
   * Exhaustive reference ranking: every article sharing a term, entity or tag is scored exactly,
   * with no candidate pruning. Slower; used to check that pruning loses nothing.
   */
  relatedExhaustive(id: string, options: RelatedOptions = {}): RelatedResult[] {
    this.checkIdle('relatedExhaustive', true)
    const q = this.query(options)
    return this.engine.run(this.engine.profileOf(this.slotOrThrow(id)), q, true)
  }

  /**
   * The related list of every stored article (or of `options.ids`), computed as one batch: idf
   * and norms once, then one inverted-index query per article. Holds every list in memory; use
   * {@link iterateRelated} to write lists out as they are computed.
   *
   * @example
   * ```ts
   * const lists = index.relatedAll({ k: 5 })
   * lists.get('r10100')?.map((r) => r.id) // the same as index.related('r10100', { k: 5 })
   * ```
   * @throws RelatedArticlesError `NOT_FOUND` for an id in `ids` that is not stored, `INVALID_OPTION` for bad options.
   */
  relatedAll(options: RelatedAllOptions = {}): Map<string, RelatedResult[]> {
    return new Map(this.iterateRelated(options))
  }

  /**
   * Yields `[id, results]` for every stored article (or for `options.ids`, in that order), one
   * at a time, so memory stays bounded however large the archive. Options are checked when this
   * is called; changing the index before the iteration ends makes the next step throw
   * `INVALID_STATE`.
   *
   * @example
   * ```ts
   * const out = createWriteStream('related.jsonl')
   * for (const [id, results] of index.iterateRelated({ k: 5 })) {
   *   if (!out.write(`${JSON.stringify({ id, related: results.map((r) => r.id) })}\n`)) await once(out, 'drain')
   * }
   * out.end()
   * ```
   */
  iterateRelated(options: RelatedAllOptions = {}): Generator<RelatedEntry, void, undefined> {
    this.checkIdle('iterateRelated', true)
    const { ids, onProgress, primeAffectedBy, query } = splitBatchOptions(options)
    const q = this.query(query)
    const slots = (ids ?? this.ids().sort(compareCodeUnits)).map((id) => this.slotOrThrow(id))
    return iterateSlots(this.store, this.engine, slots, q, onProgress, primeAffectedBy ? () => witnessRecorder(this.store, this.resolved, q) : undefined)
  }

  /**
   * The index as snapshot bytes (format in `src/index/snapshot.ts`): options, articles and every
   * field's vocabulary and term lists, and `affectedBy`'s memory when it has one (format 3; else
   * format 2, which earlier versions read). {@link RelatedIndex.deserialize} loads it without
   * analysing anything.
   *
   * @example
   * ```ts
   * writeFileSync('archive.snapshot', index.serialize())
   * ```
   */
  serialize(): Uint8Array {
    return writeSnapshot(this.store, this.snapshotOptions(), LIBRARY_VERSION, this.savedMemories())
  }

  /**
   * The bytes of {@link serialize}, handed to `sink` in parts of about `partBytes` (for
   * `saveSnapshotFile`): no buffer holds the whole snapshot. `sink` must consume each part
   * before it returns.
   * @internal
   */
  serializeTo(sink: (part: Uint8Array) => void, partBytes: number): void {
    this.checkIdle('serialize', true)
    writeSnapshotTo(this.store, this.snapshotOptions(), LIBRARY_VERSION, sink, partBytes, this.savedMemories())
  }

  /** `affectedBy`'s witness memories, so that its first call after a load costs what a later call does. */
  private savedMemories(): SavedWitnessMemory[] {
    return saveWitnessMemories(this.store, (k) => resolveQueryOptions({ k }, this.resolved))
  }

  private snapshotOptions(): RelatedIndexOptions {
    const { analysis, ...rest } = this.resolved
    return analysis === undefined ? rest : { ...rest, analysis }
  }

  /**
   * Loads an index from {@link serialize}'s bytes; every query then answers exactly as the
   * serialised index did.
   *
   * @example
   * ```ts
   * const index = RelatedIndex.deserialize(readFileSync('archive.snapshot'))
   * ```
   * @throws RelatedArticlesError `SNAPSHOT_CORRUPT` for truncated, damaged or foreign bytes,
   *   `SNAPSHOT_VERSION` for a newer format, `LIMIT_EXCEEDED` above `maxSnapshotBytes` or when loading would need
   *   more than `LOAD_MEMORY_FACTOR` (8) times the snapshot's size plus 64 MiB (a file of millions of tiny items),
   *   checked before anything is allocated.
   */
  static deserialize(bytes: Uint8Array, options: DeserializeOptions = {}): RelatedIndex {
    return RelatedIndex.fromSnapshot(readSnapshot(bytes, options))
  }

  /**
   * {@link deserialize} from bytes read in parts (for `loadSnapshotFile`), with the same checks.
   * @internal
   */
  static deserializeFrom(source: SnapshotSource, options: DeserializeOptions = {}): RelatedIndex {
    return RelatedIndex.fromSnapshot(readSnapshotFrom(source, options))
  }

  private static fromSnapshot(snapshot: DecodedSnapshot): RelatedIndex {
    let index: RelatedIndex
    try {
      index = new RelatedIndex(snapshot.options as RelatedIndexOptions)
    } catch (error) {
      const why = error instanceof Error ? error.message : String(error)
      throw new RelatedArticlesError('SNAPSHOT_CORRUPT', `snapshot holds index options this library refuses: ${why}`, { field: 'bytes' })
    }
    const measure = index.resolved.embeddingSimilarity
    if (needsNonNegative(measure) && snapshot.embeddings.some((e) => e !== undefined && e.some((x) => x < 0))) {
      throw new RelatedArticlesError('SNAPSHOT_CORRUPT', `snapshot holds a negative embedding value, which embeddingSimilarity '${measure}' refuses`, {
        field: 'bytes',
      })
    }
    restoreSnapshot(index.store, snapshot)
    index.readyForQueries()
    index.readyQueryPath()
    // Saved bounds hold for the scoring of the library that wrote them: another version starts
    // with an empty memory (its first affectedBy searches again) rather than trust them.
    if (snapshot.libraryVersion === LIBRARY_VERSION) restoreWitnessMemories(index.store, snapshot.memories)
    return index
  }

  /**
   * What the first query after a load would otherwise pay on top of its own work (measured by
   * `benchmarks/scale-first-query.ts`): the query engine's per-slot scratch, allocated and its
   * memory committed, and one query over a stored article, which compiles the query path for
   * this index's arrays. Changes nothing a caller can see; costs about one query.
   */
  private readyQueryPath(): void {
    this.engine.prepare()
    if (this.store.size === 0) return
    // Any stored article does: the first one.
    const slot = this.store.slots().next().value as number
    this.engine.run(this.engine.profileOf(slot), resolveQueryOptions({}, this.resolved))
  }

  private slotOrThrow(id: string): number {
    if (typeof id !== 'string') throw invalid('INVALID_ARTICLE', 'id', 'a string', id)
    const slot = this.store.slotOf(id)
    if (slot === undefined) {
      throw new RelatedArticlesError('NOT_FOUND', `No article with id ${quoteId(id)} is stored`, {
        field: 'id',
        id,
        expected: 'the id of a stored article',
        got: quoteId(id),
      })
    }
    return slot
  }

  /**
   * Refuses a call made from inside a caller's callback: a query's `filter` may not query or
   * change the index (the engine's scratch buffers are in use), and `addAll`'s `onProgress` may
   * not change it (the batch is checked against the store as it was).
   */
  private checkIdle(call: string, isQuery: boolean): void {
    if (this.inFilter > 0) {
      throw new RelatedArticlesError(
        'INVALID_STATE',
        `${call}() was called inside a query's filter callback; a filter must only inspect the article it is given`,
        { field: 'filter', expected: 'no index calls but get/has/ids/size', got: `${call}()` },
      )
    }
    if (!isQuery && this.reading > 0 && this.inProgress === 0) {
      throw new RelatedArticlesError(
        'INVALID_STATE',
        `${call}() was called while the index was reading its input (the iterable given to addAll, or an article's getters); change the index after that call returns`,
        { field: 'articles', expected: 'no changes to the index while its input is read', got: `${call}()` },
      )
    }
    if (!isQuery && this.inProgress > 0) {
      throw new RelatedArticlesError(
        'INVALID_STATE',
        `${call}() was called inside addAll's onProgress callback; change the index after addAll returns`,
        { field: 'onProgress', expected: 'no changes to the index', got: `${call}()` },
      )
    }
  }

  /** Runs `read` (which reads caller input: iterables, getters) with changes to the index refused. */
  private reader<T>(read: () => T): T {
    this.reading++
    try {
      return read()
    } finally {
      this.reading--
    }
  }

  /** Resolved query options, with the caller's filter marked as a callback (see {@link checkIdle}). */
  private query(options: unknown): ResolvedQueryOptions {
    const q = resolveQueryOptions(options, this.resolved)
    const filter = q.filter
    if (filter === undefined) return q
    return {
      ...q,
      filter: (article) => {
        this.inFilter++
        try {
          return filter(exposed(article))
        } finally {
          this.inFilter--
        }
      },
    }
  }

  /**
   * Validates and analyses an article. An embedding must have `dimension` values (any, when 0);
   * `'replacing'` (update) takes the index's dimension once the stored version is gone.
   */
  private prepare(value: unknown, dimension: number | 'replacing'): Prepared {
    const valid = validateArticle(value)
    const embedding = valid.embedding
    if (embedding !== undefined) {
      const expected = dimension === 'replacing' ? this.dimensionAfterRemoving(valid.article.id) : dimension
      checkEmbedding(embedding, expected, this.resolved.embeddingSimilarity, valid.article.id)
    }
    const { article, time } = limitArticleLength(valid, this.resolved.maxArticleLength, this.resolved.oversized)
    const slot = this.store.slotOf(article.id)
    const stored = slot === undefined ? undefined : this.store.storedAt(slot)
    if (slot !== undefined && stored !== undefined && sameAnalysisInput(stored, article)) {
      return { article, time, features: storedFeatures(this.store, slot), embedding }
    }
    this.analysed++
    const analysis = this.analyzer.analyze(article)
    return { article, time, features: toFeatures(analysis, article, this.resolved), embedding }
  }

  /** The embedding dimension once the stored article `id` is gone: 0 when it holds the only embedding. */
  private dimensionAfterRemoving(id: string): number {
    const embeddings = this.store.embeddings
    const slot = this.store.slotOf(id)
    return embeddings.size === 1 && slot !== undefined && embeddings.has(slot) ? 0 : embeddings.dimension
  }

  private commit(prepared: Prepared): void {
    this.store.insert(prepared.article, prepared.time, prepared.features, prepared.embedding)
  }
}

/**
 * Validates and analyses an article as `add` would, without storing it: what an analysis worker
 * of `addStream` does. The embedding's length is checked later, against the index it goes to. @internal
 */
export function prepareDetached(index: RelatedIndex, value: unknown): Prepared {
  return index['prepare'](value, 0)
}

/** @internal */
export type { Prepared }

/**
 * The parts of an index that built-in embeddings (src/ranking/lsa.ts), benchmarks and tests need:
 * its store, its query engine, and the text weights the index would give an article or draft
 * (validated and length-limited as `relatedTo` does). @internal
 */
export function internalsOf(index: RelatedIndex): {
  store: ArticleStore
  engine: QueryEngine
  textFeatures: (draft: Draft) => ReadonlyMap<string, number>
} {
  // Element access reaches private members on purpose: this module-level helper is the one door.
  const store = index['store']
  const analyzer = index['analyzer']
  const resolved = index['resolved']
  return {
    store,
    engine: index['engine'],
    textFeatures: (draft) => {
      const { article } = limitArticleLength(validateArticle(draft, 'draft', false), resolved.maxArticleLength, resolved.oversized)
      return toFeatures(analyzer.analyze(article), article, resolved).text
    },
  }
}

/**
 * What validation of the article alone cannot check: the embedding's length against the index's
 * (when `dimension` > 0) and, for measures defined on non-negative vectors only, its signs.
 */
function checkEmbedding(embedding: Float32Array, dimension: number, measure: EmbeddingSimilarity, id: string | undefined): void {
  if (dimension > 0 && embedding.length !== dimension) {
    const where = id === undefined ? '' : ` (article ${quoteId(id)})`
    const expected = `${dimension} values, the length of the embeddings already in this index`
    const got = embedding.length === 1 ? '1 value' : `${embedding.length} values`
    throw new RelatedArticlesError('INVALID_ARTICLE', `embedding${where} must have ${expected}, got ${got}`, {
      field: 'embedding',
      ...(id === undefined ? {} : { id }),
      expected,
      got,
    })
  }
  if (needsNonNegative(measure)) {
    const i = embedding.findIndex((x) => x < 0)
    if (i >= 0) {
      throw invalid('INVALID_ARTICLE', `embedding[${i}]`, `a number ≥ 0 (embeddingSimilarity '${measure}' compares non-negative vectors)`, embedding[i], id)
    }
  }
}

/**
 * A stored article as handed to callers: frozen, and with its own copy of a `Date`
 * `publishedAt` (freezing an object does not freeze the Date inside it, and `setTime` on the
 * stored one would change what the index serialises).
 */
function exposed(article: Article): Article {
  return article.publishedAt instanceof Date ? Object.freeze({ ...article, publishedAt: new Date(article.publishedAt.getTime()) }) : article
}

/**
 * A deep copy of the analysis options (arrays, plain objects and RegExps), so nothing the caller
 * still holds can change them. What cannot be copied is reported as the analyzer would report it.
 */
function copyAnalysisOptions(analysis: AnalyzerOptions | undefined): AnalyzerOptions | undefined {
  if (analysis === undefined) return undefined
  try {
    return structuredClone(analysis)
  } catch {
    createAnalyzer(analysis) // throws INVALID_OPTION naming the field that is not a plain value
    throw invalid('INVALID_OPTION', 'analysis', 'an options object of plain values (strings, numbers, arrays, RegExps)', analysis)
  }
}

function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}

function duplicate(id: string): RelatedArticlesError {
  return new RelatedArticlesError('DUPLICATE_ID', `id ${quoteId(id)} is already stored; use update() to replace it`, {
    field: 'id',
    id,
    expected: 'an id that is not stored yet',
    got: quoteId(id),
  })
}

/** The source of `addStream` as an async iterator; `INVALID_OPTION` when it is neither iterable nor async iterable. */
function streamIterator(source: unknown): AsyncIterator<unknown> | Iterator<unknown> {
  if (source !== null && typeof source === 'object') {
    const asyncIterate = (source as Partial<AsyncIterable<unknown>>)[Symbol.asyncIterator]
    if (typeof asyncIterate === 'function') return asyncIterate.call(source)
    const iterate = (source as Partial<Iterable<unknown>>)[Symbol.iterator]
    if (typeof iterate === 'function') return iterate.call(source)
  }
  throw invalid('INVALID_OPTION', 'source', 'an iterable or async iterable of articles', source)
}

function resolveStreamOptions(options: unknown): {
  batchSize: number
  onProgress: ((p: ProgressEvent) => void) | undefined
  signal: AbortSignal | undefined
  threads: number
} {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw invalid('INVALID_OPTION', 'options', 'an options object { batchSize, onProgress, signal }', options)
  }
  const { batchSize = DEFAULT_STREAM_BATCH_SIZE, onProgress, signal, threads = 1, ...rest } = options as AddStreamOptions
  const unknown = Object.keys(rest)[0]
  if (unknown !== undefined) throw invalid('INVALID_OPTION', unknown, 'no option but batchSize, onProgress, signal and threads', (rest as Record<string, unknown>)[unknown])
  if (!Number.isInteger(threads) || threads < 1 || threads > 64) throw invalid('INVALID_OPTION', 'threads', 'an integer from 1 to 64', threads)
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > MAX_STREAM_BATCH_SIZE) {
    throw invalid('INVALID_OPTION', 'batchSize', `an integer from 1 to ${MAX_STREAM_BATCH_SIZE}`, batchSize)
  }
  if (onProgress !== undefined && typeof onProgress !== 'function') throw invalid('INVALID_OPTION', 'onProgress', 'a function', onProgress)
  if (signal !== undefined && !(signal instanceof AbortSignal)) throw invalid('INVALID_OPTION', 'signal', 'an AbortSignal', signal)
  return { batchSize, onProgress, signal, threads }
}

/** An `addAll` error of a batch that starts at stream position `offset`, renamed to the stream position. */
function shiftPosition(error: unknown, offset: number): unknown {
  if (!(error instanceof RelatedArticlesError) || offset === 0) return error
  const shift = (text: string): string => text.replace(/^articles\[(\d+)\]/, (_, i: string) => `articles[${Number(i) + offset}]`)
  return new RelatedArticlesError(error.code, shift(error.message), {
    ...(error.field === undefined ? {} : { field: shift(error.field) }),
    ...(error.id === undefined ? {} : { id: error.id }),
    ...(error.expected === undefined ? {} : { expected: error.expected }),
    ...(error.got === undefined ? {} : { got: error.got }),
  })
}

function withPosition(error: unknown, position: number): unknown {
  if (!(error instanceof RelatedArticlesError)) return error
  const wrapped = new RelatedArticlesError(error.code, `articles[${position}]: ${error.message}`, {
    field: `articles[${position}].${error.field ?? ''}`.replace(/\.$/, ''),
    ...(error.id === undefined ? {} : { id: error.id }),
    ...(error.expected === undefined ? {} : { expected: error.expected }),
    ...(error.got === undefined ? {} : { got: error.got }),
  })
  return wrapped
}
