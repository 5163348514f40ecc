import type { Article } from '../article.js'
import { EmbeddingStore } from './embeddings.js'
import { FieldIndex, type FieldFootprint } from './field-index.js'
import { TermTable } from './term-table.js'

/** Free slots tolerated before the store renumbers its slots, whatever the number of articles. */
const SLOT_COMPACT_FLOOR = 1024

/**
 * What the index keeps of one article, derived from its analysis. Built before any mutation so
 * that a failure while preparing leaves the index untouched.
 */
export interface ArticleFeatures {
  /** Index term → raw text weight (title and body combined, sublinear). */
  text: Map<string, number>
  /** Entity key → raw entity weight. */
  entities: Map<string, number>
  /** Tag and section keys (`t:…`, `s:…`) → weight. */
  tags: Map<string, number>
  /** Index term → readable word, for reasons. */
  surfaces: Map<string, string>
  /** Entity key → display form. */
  entityDisplay: Map<string, string>
  /** Tag key → display form. */
  tagDisplay: Map<string, string>
}

/** What {@link ArticleStore.footprint} reports. @internal */
export interface StoreFootprint {
  text: FieldFootprint
  entities: FieldFootprint
  tags: FieldFootprint
  /** Times, embeddings and the id table, by slot. */
  perSlotBytes: number
  /** Every typed array of the store. */
  typedBytes: number
  slots: number
  freeSlots: number
}

/**
 * The stored articles, their three sparse fields and their embeddings. Slots are small integers reused after
 * removal, so every per-document array stays dense and typed.
 *
 * Memory follows what is stored, not what was ever stored: terms no article uses are forgotten
 * on removal, and once more than half of the slots or of a field's term ids are free, the store
 * renumbers both densely ({@link compact}, O(postings), amortised over the removals that made
 * the garbage). Scores do not depend on slot or term numbering (norms and cosines are summed
 * exactly, query terms run in a canonical order), so a compacted index answers exactly as before.
 */
export class ArticleStore {
  readonly text = new FieldIndex()
  readonly entities = new FieldIndex()
  readonly tags = new FieldIndex()
  /** Caller-supplied dense vectors, for the articles that have one. */
  readonly embeddings = new EmbeddingStore()
  /** Article id → slot, over `ids` (a table whose size follows the live count, unlike a Map under churn). */
  private slotById = new TermTable()
  private ids: Array<string | undefined> = []
  private articles: Array<Article | undefined> = []
  private timesBySlot = new Float64Array(16)
  private freeSlots: number[] = []
  private version = 0
  private compactions = 0

  get size(): number {
    return this.slotById.size
  }

  /** One more than the largest slot in use: the length every per-slot array needs. */
  get capacity(): number {
    return this.ids.length
  }

  /** How many times the store renumbered its slots and terms (see {@link compact}). */
  get compactionCount(): number {
    return this.compactions
  }

  /** Changes on every mutation; caches keyed on it stay correct. */
  get revision(): number {
    return this.version
  }

  slotOf(id: string): number | undefined {
    return this.slotById.get(id, this.ids)
  }

  idAt(slot: number): string | undefined {
    return this.ids[slot]
  }

  /**
   * The article in `slot` as the caller gave it (documented fields only), with its `publishedAt`
   * written back when the store dropped it (see {@link slim}): a fresh object each call then.
   */
  articleAt(slot: number): Article | undefined {
    const stored = this.articles[slot]
    if (stored === undefined || stored.publishedAt !== undefined) return stored
    const time = this.timesBySlot[slot] as number
    return Number.isNaN(time) ? stored : copyArticle(stored, new Date(time).toISOString())
  }

  /**
   * The object the store keeps for `slot`: the same object until the slot's article changes (so
   * it can tell a replaced article from a kept one), and every field that analysis and filters
   * read, but possibly without its `publishedAt` (read {@link timeAt}, or {@link articleAt}).
   */
  storedAt(slot: number): Article | undefined {
    return this.articles[slot]
  }

  /** Publication times by slot (NaN when undated); read-only for callers. */
  get times(): Float64Array {
    return this.timesBySlot
  }

  timeAt(slot: number): number {
    return this.timesBySlot[slot] as number
  }

  /** A text term's readable word, as current articles write it (see `FieldIndex.display`). */
  termWord(termId: number): string {
    return this.text.display(termId)
  }

  entityName(entityId: number): string {
    return this.entities.display(entityId)
  }

  tagName(tagId: number): string {
    return this.tags.display(tagId)
  }

  *slots(): IterableIterator<number> {
    for (let s = 0; s < this.ids.length; s++) if (this.ids[s] !== undefined) yield s
  }

  /**
   * Stores an article whose id is not present, with its validated embedding (of the store's
   * dimension) if it has one. Never throws on prepared input.
   */
  insert(article: Article, time: number, features: ArticleFeatures, embedding?: Float32Array): number {
    const slot = this.freeSlots.length > 0 ? (this.freeSlots.pop() as number) : this.ids.length
    if (slot === this.ids.length) {
      this.ids.push(undefined)
      this.articles.push(undefined)
    }
    if (slot >= this.timesBySlot.length) {
      const grown = new Float64Array(this.timesBySlot.length * 2)
      grown.set(this.timesBySlot)
      this.timesBySlot = grown
    }
    this.ids[slot] = article.id
    this.articles[slot] = slim(article, time)
    this.timesBySlot[slot] = time
    this.slotById.add(article.id, slot)
    this.text.add(slot, features.text, features.surfaces)
    this.entities.add(slot, features.entities, features.entityDisplay)
    this.tags.add(slot, features.tags, features.tagDisplay)
    if (embedding !== undefined) this.embeddings.set(slot, embedding)
    this.version++
    return slot
  }

  /**
   * Fills an empty store from a snapshot: article i takes slot i, and `embeddings[i]` is its
   * embedding or undefined. The three fields are restored separately (`text.restore` …). Input is
   * validated by the snapshot reader. @internal
   */
  restore(articles: readonly Article[], times: Float64Array, embeddings: ReadonlyArray<Float32Array | undefined> = []): void {
    if (this.ids.length > 0) throw new Error('ArticleStore.restore needs an empty store')
    this.timesBySlot = new Float64Array(Math.max(16, articles.length))
    articles.forEach((article, slot) => {
      this.ids.push(article.id)
      this.articles.push(slim(article, times[slot] as number))
      this.timesBySlot[slot] = times[slot] as number
      this.slotById.add(article.id, slot)
      const embedding = embeddings[slot]
      if (embedding !== undefined) this.embeddings.set(slot, embedding)
    })
    this.version++
  }

  /**
   * Bytes of typed arrays by structure (each field's, per-slot times, embeddings) and the
   * lengths of the per-slot plain arrays: where the memory sits, for benchmarks and tests. @internal
   */
  footprint(): StoreFootprint {
    const text = this.text.footprint()
    const entities = this.entities.footprint()
    const tags = this.tags.footprint()
    const perSlotBytes = this.timesBySlot.byteLength + this.embeddings.values.byteLength + this.embeddings.norms.byteLength + this.slotById.bytes
    return {
      text,
      entities,
      tags,
      perSlotBytes,
      typedBytes: text.typedBytes + entities.typedBytes + tags.typedBytes + perSlotBytes,
      slots: this.ids.length,
      freeSlots: this.freeSlots.length,
    }
  }

  /** Releases spare room in the fields' pools (after a bulk insert or a restore). */
  trim(): void {
    this.text.trim()
    this.entities.trim()
    this.tags.trim()
  }

  /** Removes an article by id; returns false when it is not stored. */
  delete(id: string): boolean {
    const slot = this.slotById.get(id, this.ids)
    if (slot === undefined) return false
    this.text.remove(slot)
    this.entities.remove(slot)
    this.tags.remove(slot)
    this.embeddings.delete(slot)
    this.slotById.delete(id, this.ids)
    this.ids[slot] = undefined
    this.articles[slot] = undefined
    this.timesBySlot[slot] = NaN
    this.freeSlots.push(slot)
    this.version++
    if (this.wantsCompaction()) this.compact()
    return true
  }

  /** Whether more than half of the slots, or of some field's term ids, are free (past a floor). */
  wantsCompaction(): boolean {
    return (
      this.freeSlots.length > Math.max(SLOT_COMPACT_FLOOR, this.slotById.size) ||
      this.text.wantsCompaction() ||
      this.entities.wantsCompaction() ||
      this.tags.wantsCompaction()
    )
  }

  /**
   * Renumbers the stored articles into slots 0…n−1 (keeping their order) and every field's live
   * terms densely, with every array at its live size. Nothing a query can observe changes.
   */
  compact(): void {
    const order = Int32Array.from(this.slots())
    for (const field of [this.text, this.entities, this.tags]) field.compact(order)
    this.embeddings.compact(order)
    const ids: Array<string | undefined> = []
    const articles: Array<Article | undefined> = []
    const times = new Float64Array(Math.max(16, order.length))
    this.slotById = new TermTable()
    order.forEach((old, slot) => {
      const id = this.ids[old] as string
      ids.push(id)
      articles.push(this.articles[old])
      times[slot] = this.timesBySlot[old] as number
      this.slotById.add(id, slot)
    })
    this.ids = ids
    this.articles = articles
    this.timesBySlot = times
    this.freeSlots = []
    this.compactions++
    this.version++
  }
}

/**
 * What the store keeps of a validated article, in fewer bytes where V8 allows: without its
 * `publishedAt` when that is the string `toISOString` writes for its time (as `JSON.stringify`
 * writes a `Date`; {@link ArticleStore.articleAt} writes it back exactly), and with every field in
 * the object itself when it has at most four. At 50,000 articles of the scaling corpus that is
 * 75 bytes an article: the 24-character date string, and 32 of an object that spilled its fourth
 * field into a separate property array.
 */
function slim(article: Article, time: number): Article {
  const date = article.publishedAt
  const drop = typeof date === 'string' && !Number.isNaN(time) && new Date(time).toISOString() === date
  if (!drop && fieldCount(article, date) !== 4) return article
  return copyArticle(article, drop ? undefined : date)
}

/** The fields after id, title and body, in `validateArticle`'s order. */
const OPTIONAL_FIELDS = ['publishedAt', 'section', 'source', 'url', 'tags', 'entities'] as const

/** The fields of `article` with `publishedAt` as given. */
function fieldCount(article: Article, publishedAt: Article['publishedAt']): number {
  let n = 3
  for (const field of OPTIONAL_FIELDS) if ((field === 'publishedAt' ? publishedAt : article[field]) !== undefined) n++
  return n
}

/** A frozen copy of `article` with `publishedAt` set or left out, its fields in `validateArticle`'s order. */
function copyArticle(article: Article, publishedAt: Article['publishedAt']): Article {
  // V8 gives `{}` room for four fields in the object; a literal of three has room for those three.
  const copy: Record<string, unknown> = fieldCount(article, publishedAt) <= 4 ? {} : { id: article.id, title: article.title, body: article.body }
  copy.id = article.id
  copy.title = article.title
  copy.body = article.body
  for (const field of OPTIONAL_FIELDS) {
    const value = field === 'publishedAt' ? publishedAt : article[field]
    if (value !== undefined) copy[field] = value
  }
  return Object.freeze(copy) as unknown as Article
}
