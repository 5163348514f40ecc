import type { Article } from '../article.js'
import { EmbeddingStore } from './embeddings.js'
import { FieldIndex } from './field-index.js'

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

/**
 * The stored articles, their three sparse fields and their embeddings. Slots are small integers reused after
 * removal, so every per-document array stays dense and typed.
 */
export class ArticleStore {
  readonly text = new FieldIndex()
  readonly entities = new FieldIndex()
  readonly tags = new FieldIndex()
  /** Caller-supplied dense vectors, for the articles that have one. */
  readonly embeddings = new EmbeddingStore()
  private readonly slotById = new Map<string, number>()
  private readonly ids: Array<string | undefined> = []
  private readonly articles: Array<Article | undefined> = []
  private timesBySlot = new Float64Array(16)
  private readonly freeSlots: number[] = []
  // Display strings are kept once per term, not once per article: a few bytes per article.
  private readonly termWords = new Map<number, string>()
  private readonly entityNames = new Map<number, string>()
  private readonly tagNames = new Map<number, string>()
  private version = 0

  get size(): number {
    return this.slotById.size
  }

  /** One more than the largest slot in use: the length every per-slot array needs. */
  get capacity(): number {
    return this.ids.length
  }

  /** Changes on every mutation; caches keyed on it stay correct. */
  get revision(): number {
    return this.version
  }

  slotOf(id: string): number | undefined {
    return this.slotById.get(id)
  }

  idAt(slot: number): string | undefined {
    return this.ids[slot]
  }

  articleAt(slot: number): Article | undefined {
    return this.articles[slot]
  }

  /** Publication times by slot (NaN when undated); read-only for callers. */
  get times(): Float64Array {
    return this.timesBySlot
  }

  timeAt(slot: number): number {
    return this.timesBySlot[slot] as number
  }

  /** The display forms recorded for each field, by term id (what a snapshot must keep). */
  displayEntry(field: 'text' | 'entities' | 'tags', id: number): string | undefined {
    return (field === 'text' ? this.termWords : field === 'entities' ? this.entityNames : this.tagNames).get(id)
  }

  termWord(termId: number): string {
    return this.termWords.get(termId) ?? this.text.term(termId)
  }

  entityName(entityId: number): string {
    return this.entityNames.get(entityId) ?? this.entities.term(entityId)
  }

  tagName(tagId: number): string {
    return this.tagNames.get(tagId) ?? this.tags.term(tagId)
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
    this.articles[slot] = article
    this.timesBySlot[slot] = time
    this.slotById.set(article.id, slot)
    this.text.add(slot, features.text)
    this.entities.add(slot, features.entities)
    this.tags.add(slot, features.tags)
    if (embedding !== undefined) this.embeddings.set(slot, embedding)
    remember(this.text, features.surfaces, this.termWords)
    remember(this.entities, features.entityDisplay, this.entityNames)
    remember(this.tags, features.tagDisplay, this.tagNames)
    this.version++
    return slot
  }

  /**
   * Fills an empty store from a snapshot: article i takes slot i, and `embeddings[i]` is its
   * embedding or undefined. The three fields are restored separately (`text.restore` …). Input is
   * validated by the snapshot reader. @internal
   */
  restore(
    articles: readonly Article[],
    times: Float64Array,
    display: { words: ReadonlyMap<number, string>; entities: ReadonlyMap<number, string>; tags: ReadonlyMap<number, string> },
    embeddings: ReadonlyArray<Float32Array | undefined> = [],
  ): void {
    if (this.ids.length > 0) throw new Error('ArticleStore.restore needs an empty store')
    this.timesBySlot = new Float64Array(Math.max(16, articles.length))
    articles.forEach((article, slot) => {
      this.ids.push(article.id)
      this.articles.push(article)
      this.timesBySlot[slot] = times[slot] as number
      this.slotById.set(article.id, slot)
      const embedding = embeddings[slot]
      if (embedding !== undefined) this.embeddings.set(slot, embedding)
    })
    for (const [id, shown] of display.words) this.termWords.set(id, shown)
    for (const [id, shown] of display.entities) this.entityNames.set(id, shown)
    for (const [id, shown] of display.tags) this.tagNames.set(id, shown)
    this.version++
  }

  /** Releases spare room in the fields' pools (after a bulk insert or a restore). */
  trim(): void {
    this.text.trim()
    this.entities.trim()
    this.tags.trim()
  }

  /** Removes an article by id; returns false when it is not stored. */
  delete(id: string): boolean {
    const slot = this.slotById.get(id)
    if (slot === undefined) return false
    this.text.remove(slot)
    this.entities.remove(slot)
    this.tags.remove(slot)
    this.embeddings.delete(slot)
    this.slotById.delete(id)
    this.ids[slot] = undefined
    this.articles[slot] = undefined
    this.timesBySlot[slot] = NaN
    this.freeSlots.push(slot)
    this.version++
    return true
  }
}

// Of the display forms seen for a term, keep the shortest (then the first in code-unit order):
// it is usually the plain word ("hate", not "hateful"), and the choice does not depend on the
// order articles arrive in.
function remember(field: FieldIndex, display: ReadonlyMap<string, string>, into: Map<number, string>): void {
  for (const [key, shown] of display) {
    const id = field.termId(key)
    if (id === undefined) continue
    const current = into.get(id)
    if (current === undefined || shown.length < current.length || (shown.length === current.length && shown < current)) {
      into.set(id, shown)
    }
  }
}
