/**
 * The binary snapshot format: everything an {@link ArticleStore} holds, so an index can be saved
 * once and loaded in a fraction of the time it takes to analyse the articles again.
 *
 * Layout (format version 2; integers are unsigned 32-bit little-endian, `str` is a u32 byte
 * length followed by UTF-8, `json` is a `str` holding JSON):
 *
 * ```
 * magic          8 bytes  89 52 45 4C 41 52 54 0A  ("\x89RELART\n", as PNG: catches text-mode damage)
 * formatVersion  u32      SNAPSHOT_FORMAT_VERSION
 * library        str      version of the library that wrote it (informative)
 * options        json     the index options (tagged JSON: see encodeJson)
 * articleCount   u32      n
 * chunkCount     u32      then chunkCount × json: arrays of articles (documented fields only)
 * dateFlags      n bytes  bit 0: `publishedAt` was a Date (JSON turned it into a string)
 * 3 × field      text, entities, tags:
 *   termCount    u32      then json: the vocabulary, term strings in id order (terms some article uses)
 *   forms        json     [display string, …]: the readable forms the articles use, each once
 *   lengths      n × u32  terms in each article's forward list
 *   termIds      Σ × i32  each list's term ids, strictly increasing
 *   weights      Σ × f32  raw tf weights, > 0
 *   formIds      Σ × i32  the form each article uses for each of its terms: an index into forms, or −1
 * embeddings     only when at least one article has an embedding:
 *   dimension    u32      length of every embedding, ≥ 1
 *   present      n bytes  1 when article i has an embedding, else 0 (at least one is 1)
 *   values       m × dimension × f32   the embeddings of the m present articles, in article order
 * checksum       u32      CRC-32 (IEEE) of every byte before it
 * ```
 *
 * Format 3 is format 2 with two changes after the fields, and is written only by an index that
 * holds an `affectedBy` witness memory (any other index writes format 2's bytes, which older
 * libraries read):
 *
 * ```
 * embeddings     u32 dimension, 0 when no article has one; otherwise the rest of the section above
 * memoryCount    u32      ≥ 1, then per memory (see `src/ranking/affected-memory.ts`):
 *   k            u32      the list length it proves things about, 1…1000
 *   apart        f64      witnesses' pairwise text-cosine limit (Infinity: folding off)
 *   copyLimit    f64      witnesses' text-cosine limit with their article (Infinity: folding off)
 *   flags        n bytes  0: no entry; 1: an entry; 3: an entry from a quick search
 *   witnesses    n × k × i32   article numbers (0…n−1, never the article itself) or −1
 *   tau          n × f64  a lower bound on every witness's score now (0: the witnesses are hints only)
 *   selfCosine   n × f64  upper bounds, now, on a witness's text cosine with its article
 *   pairCosine   n × f64  … and between two witnesses
 * ```
 *
 * Format 1 (still read) had, instead of `forms`, one display string per term (`[[termId,
 * display], …]`) and no `formIds`; its articles take their term's form on load. Format 2 keeps
 * the form of every article, because a term's readable form is chosen from the articles that
 * are stored now (see `FieldIndex.display`), and a loaded index that later loses articles must
 * choose as a fresh build would.
 *
 * The embeddings section was added to format 1 before its first release, as an optional last
 * section: a file without embeddings has the same bytes as before, and files written before the
 * section existed load as indexes without embeddings. The stored values are the caller's,
 * rounded to 32-bit floats; norms are recomputed on load, in the same order, so scores stay
 * bit-identical.
 *
 * Magic, version and the trailing checksum stay where they are in every future version, so any
 * reader can tell "corrupted" from "too new". Loading checks the checksum before it parses
 * anything, bounds-checks every length against the bytes that remain before allocating, parses
 * JSON with a reviver that refuses `__proto__`, and validates every article, term id and weight,
 * so a truncated, damaged or hostile file is a `SNAPSHOT_*` error and never a half-loaded index.
 *
 * Postings and document frequencies are not stored: loading rebuilds them from the forward lists
 * in O(postings), which costs less than reading them would. Only terms some article uses are
 * written, renumbered densely: scores do not depend on term ids (norms and cosines are summed
 * exactly, query terms run in a canonical order), so a loaded index gives bit-identical scores.
 */
import * as zlib from 'node:zlib'
import type { Article } from '../article.js'
import { validateArticle } from '../article.js'
import { RelatedArticlesError, invalid } from '../errors.js'
import type { FieldIndex, FlatLists, ForwardList } from './field-index.js'
import type { ArticleStore } from './store.js'

/**
 * Version of the binary layout written by `serialize`; readers refuse newer versions with
 * `SNAPSHOT_VERSION`.
 *
 * @example
 * ```ts
 * import { SNAPSHOT_FORMAT_VERSION } from 'related-articles'
 *
 * // Keep one file per format, so a deploy of an older library never meets a newer file.
 * writeFileSync(`archive.v${SNAPSHOT_FORMAT_VERSION}.snapshot`, index.serialize())
 * ```
 */
export const SNAPSHOT_FORMAT_VERSION = 3
/** The format an index without a witness memory writes: its bytes are format 2's, which older libraries read. */
const PLAIN_FORMAT_VERSION = 2
/** The largest list length a saved witness memory may be for (the largest `k` a query takes). */
const MAX_MEMORY_K = 1000

/**
 * Default of `maxSnapshotBytes`: 2 GiB, about 70 times the snapshot of 19,043 full-text Reuters
 * articles (29 MB), and the most `fs.readFile` reads in one call.
 *
 * @example
 * ```ts
 * import { DEFAULT_MAX_SNAPSHOT_BYTES } from 'related-articles'
 *
 * if (statSync(file).size > DEFAULT_MAX_SNAPSHOT_BYTES) throw new Error(`${file} is too large to load`)
 * ```
 */
export const DEFAULT_MAX_SNAPSHOT_BYTES = 2 ** 31

/**
 * Options of `RelatedIndex.deserialize`.
 *
 * @example
 * ```ts
 * // A snapshot uploaded by someone else: refuse anything above 100 MB before reading it.
 * const index = RelatedIndex.deserialize(bytes, { maxSnapshotBytes: 100 * 1024 * 1024 })
 * ```
 */
export interface DeserializeOptions {
  /**
   * Refuse (with `LIMIT_EXCEEDED`) a snapshot larger than this many bytes, before reading it.
   * A positive integer. Defaults to {@link DEFAULT_MAX_SNAPSHOT_BYTES} (2 GiB). Independently,
   * a snapshot whose load would need more than {@link LOAD_MEMORY_FACTOR} times its size plus
   * {@link LOAD_MEMORY_FLOOR} is refused the same way, so memory stays bounded by the file size.
   */
  maxSnapshotBytes?: number
}

/**
 * The memory budget of a load: a snapshot whose load would need more than this many times its
 * own size (plus {@link LOAD_MEMORY_FLOOR}) is refused with `LIMIT_EXCEEDED` before anything is
 * allocated. Real archives need 2 to 5 times their snapshot at the peak of a load (Reuters: 3.9);
 * what needs more is a file of many tiny items (millions of empty articles, a vocabulary of short
 * made-up terms), which is how a small file can exhaust the heap.
 *
 * @example
 * ```ts
 * import { LOAD_MEMORY_FACTOR, LOAD_MEMORY_FLOOR } from 'related-articles'
 *
 * // The most a load of this file may take, before the index's own growth.
 * const worstCase = LOAD_MEMORY_FACTOR * bytes.byteLength + LOAD_MEMORY_FLOOR
 * ```
 */
export const LOAD_MEMORY_FACTOR = 8

/**
 * Memory any snapshot may use to load, whatever its size (64 MiB), so small files are never refused.
 *
 * @example
 * ```ts
 * import { LOAD_MEMORY_FLOOR } from 'related-articles'
 *
 * console.log(`a snapshot load may always use ${LOAD_MEMORY_FLOOR / 2 ** 20} MiB, however small the file`)
 * ```
 */
export const LOAD_MEMORY_FLOOR = 64 * 1024 * 1024
// Peak bytes of a load per item, measured with Node 20 on x64 (see DESIGN.md, "Snapshots"):
// an article (parsed JSON, validated copy, id maps, per-slot arrays), a term (string, vocabulary
// map entry, per-term arrays), a forward-list entry (decoded arrays, forward and posting pools),
// and each byte of JSON (decoded to a string, then parsed).
const PEAK_BYTES_PER_ARTICLE = 520
const PEAK_BYTES_PER_TERM = 250
const PEAK_BYTES_PER_ENTRY = 40
const PEAK_BYTES_PER_JSON_BYTE = 2

const MAGIC = Uint8Array.of(0x89, 0x52, 0x45, 0x4c, 0x41, 0x52, 0x54, 0x0a)
/** Articles are written as JSON arrays of about this many UTF-16 code units each, far below V8's string limit. */
const CHUNK_CHARS = 4_000_000
const DATE_FLAG = 1
/** Largest snapshot `serialize` writes: Node 20's largest Uint8Array (4 GiB − 1). */
const MAX_WRITABLE_BYTES = 2 ** 32 - 1
const LITTLE_ENDIAN = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1
const FIELD_NAMES = ['text', 'entities', 'tags'] as const

type FieldName = (typeof FIELD_NAMES)[number]

/** A decoded, fully validated snapshot, ready to fill an empty store. @internal */
export interface DecodedSnapshot {
  formatVersion: number
  libraryVersion: string
  /** The index options as written (plain JSON values, with Infinity and RegExp restored). */
  options: unknown
  articles: Article[]
  times: Float64Array
  fields: Record<FieldName, { terms: string[]; lists: FlatLists }>
  /** Embedding of article i, or undefined. */
  embeddings: Array<Float32Array | undefined>
  /** `affectedBy` witness memories, in article numbers (format 3; [] otherwise). */
  memories: SavedWitnessMemory[]
}

/**
 * An `affectedBy` witness memory as a snapshot stores it: for each slot (or, read back, each
 * article number) up to `k` witnesses and bounds that hold at the time of writing (see
 * `src/ranking/affected-memory.ts`, which makes and reads these; this module only stores and
 * checks them). @internal
 */
export interface SavedWitnessMemory {
  k: number
  apart: number
  copyLimit: number
  /** Per slot: 0 no entry, 1 an entry, 3 an entry from a quick search. */
  flags: Uint8Array
  /** `k` per slot, −1 for none. */
  witnesses: Int32Array
  tau: Float64Array
  selfCosine: Float64Array
  pairCosine: Float64Array
}

// ─── Writing ───────────────────────────────────────────────────────────────────────────────

/**
 * Writes a store and the index options as snapshot bytes. Articles are written in slot order
 * and take slots 0…n−1 when loaded.
 * @internal
 */
export function writeSnapshot(store: ArticleStore, options: unknown, libraryVersion: string, memories: readonly SavedWitnessMemory[] = []): Uint8Array {
  const sink = new MemorySink()
  writeSnapshotTo(store, options, libraryVersion, (part) => sink.append(part), 1 << 20, memories)
  return sink.finish()
}

/**
 * Writes the snapshot bytes of {@link writeSnapshot} as a sequence of parts, none larger than
 * `partBytes` unless it is one of the store's own arrays, so no single buffer holds the whole
 * snapshot and its size has no ceiling but the disk's. `sink` must consume each part before it
 * returns: the writer reuses its buffer. Runs to completion synchronously, so the store cannot
 * change between two parts.
 * @internal
 */
export function writeSnapshotTo(
  store: ArticleStore,
  options: unknown,
  libraryVersion: string,
  sink: (part: Uint8Array) => void,
  partBytes: number,
  memories: readonly SavedWitnessMemory[] = [],
): void {
  const w = new ByteWriter(sink, partBytes)
  const version = memories.length > 0 ? SNAPSHOT_FORMAT_VERSION : PLAIN_FORMAT_VERSION
  w.bytes(MAGIC)
  w.u32(version)
  w.string(libraryVersion)
  w.string(encodeJson(options))
  const slots = [...store.slots()]
  w.u32(slots.length)

  const chunks: string[] = []
  let parts: string[] = []
  let chars = 0
  const flags = new Uint8Array(slots.length)
  slots.forEach((slot, i) => {
    const article = store.articleAt(slot) as Article
    if (article.publishedAt instanceof Date) flags[i] = DATE_FLAG
    const json = JSON.stringify(article)
    if (chars > 0 && chars + json.length > CHUNK_CHARS) {
      chunks.push(`[${parts.join(',')}]`)
      parts = []
      chars = 0
    }
    parts.push(json)
    chars += json.length + 1
  })
  if (parts.length > 0) chunks.push(`[${parts.join(',')}]`)
  w.u32(chunks.length)
  for (const chunk of chunks) w.string(chunk)
  w.bytes(flags)

  for (const name of FIELD_NAMES) writeField(w, store[name], slots)
  if (version >= 3 && store.embeddings.dimension === 0) w.u32(0)
  writeEmbeddings(w, store, slots)
  if (version >= 3) writeMemories(w, slots, memories)
  w.finish()
}

/** The memories in article numbers (slots renumbered as they load); witnesses no longer stored become −1. */
function writeMemories(w: ByteWriter, slots: number[], memories: readonly SavedWitnessMemory[]): void {
  const numberOf = new Int32Array(slots.reduce((m, s) => Math.max(m, s + 1), 0)).fill(-1)
  slots.forEach((slot, i) => (numberOf[slot] = i))
  const n = slots.length
  w.u32(memories.length)
  for (const m of memories) {
    const { k } = m
    w.u32(k)
    w.f64(m.apart)
    w.f64(m.copyLimit)
    const flags = new Uint8Array(n)
    const witnesses = new Int32Array(n * k).fill(-1)
    const tau = new Float64Array(n)
    const selfCosine = new Float64Array(n)
    const pairCosine = new Float64Array(n)
    slots.forEach((slot, i) => {
      if (slot >= m.flags.length || m.flags[slot] === 0) return
      flags[i] = m.flags[slot] as number
      let whole = true
      for (let j = 0; j < k; j++) {
        const s = m.witnesses[slot * k + j] as number
        const number = s >= 0 && s < numberOf.length ? (numberOf[s] as number) : -1
        witnesses[i * k + j] = number
        if (number < 0) whole = false
      }
      // A bound needs all k witnesses (the memory gives none otherwise; this keeps the file consistent).
      if (!whole) return
      tau[i] = m.tau[slot] as number
      selfCosine[i] = m.selfCosine[slot] as number
      pairCosine[i] = m.pairCosine[slot] as number
    })
    w.bytes(flags)
    w.typed(witnesses)
    w.typed(tau)
    w.typed(selfCosine)
    w.typed(pairCosine)
  }
}

function writeField(w: ByteWriter, field: FieldIndex, slots: number[]): void {
  // Only the terms the written articles use, renumbered in id order (so every list stays sorted).
  const v = field.vocabularySize
  const newId = new Int32Array(v).fill(-1)
  const terms: string[] = []
  for (let id = 0; id < v; id++) {
    if (field.documentFrequency(id) === 0) continue
    newId[id] = terms.length
    terms.push(field.term(id))
  }
  const lists = slots.map((slot) => field.forwardList(slot))
  const forms: string[] = []
  const formIndex = new Map<string, number>()
  const total = lists.reduce((n, l) => n + l.terms.length, 0)
  const termIds = new Int32Array(total)
  const formIds = new Int32Array(total)
  let at = 0
  slots.forEach((slot, i) => {
    const list = lists[i] as ForwardList
    const shown = field.forwardForms(slot)
    for (let j = 0; j < list.terms.length; j++, at++) {
      termIds[at] = newId[list.terms[j] as number] as number
      const form = shown[j]
      if (form === undefined) {
        formIds[at] = -1
        continue
      }
      let index = formIndex.get(form)
      if (index === undefined) {
        index = forms.length
        forms.push(form)
        formIndex.set(form, index)
      }
      formIds[at] = index
    }
  })
  w.u32(terms.length)
  w.string(JSON.stringify(terms))
  w.string(JSON.stringify(forms))
  const lengths = Uint32Array.from(lists, (l) => l.terms.length)
  w.typed(lengths)
  w.typed(termIds)
  for (const list of lists) w.typed(list.tfs)
  w.typed(formIds)
}

function writeEmbeddings(w: ByteWriter, store: ArticleStore, slots: number[]): void {
  const { embeddings } = store
  if (embeddings.dimension === 0) return
  w.u32(embeddings.dimension)
  w.bytes(Uint8Array.from(slots, (slot) => (embeddings.has(slot) ? 1 : 0)))
  for (const slot of slots) {
    const vector = embeddings.vector(slot)
    if (vector !== undefined) w.typed(vector)
  }
}

// ─── Reading ───────────────────────────────────────────────────────────────────────────────

/**
 * Checks and decodes snapshot bytes. Throws only `RelatedArticlesError`: `LIMIT_EXCEEDED` above
 * `maxSnapshotBytes`, `SNAPSHOT_VERSION` for a newer format, `SNAPSHOT_CORRUPT` for anything else.
 * @internal
 */
export function readSnapshot(bytes: unknown, options: DeserializeOptions = {}): DecodedSnapshot {
  if (!(bytes instanceof Uint8Array)) throw invalid('INVALID_OPTION', 'bytes', 'a Uint8Array (or Buffer) of snapshot bytes', bytes)
  return readSnapshotFrom(bytes, options)
}

/**
 * {@link readSnapshot} over bytes in memory or a {@link SnapshotSource} (a file read in parts):
 * the same checks in the same order, with the checksum computed part by part.
 * @internal
 */
export function readSnapshotFrom(source: Uint8Array | SnapshotSource, options: DeserializeOptions = {}): DecodedSnapshot {
  const limit = resolveLimit(options)
  if (source.byteLength > limit) {
    throw new RelatedArticlesError(
      'LIMIT_EXCEEDED',
      `snapshot is ${source.byteLength} bytes, above maxSnapshotBytes (${limit}); raise the limit to load it`,
      { field: 'maxSnapshotBytes', expected: `at most ${limit} bytes`, got: `${source.byteLength} bytes` },
    )
  }
  const bytes = new Bytes(source)
  checkEnvelope(bytes)
  checkLoadBudget(bytes)
  try {
    return decode(bytes)
  } catch (error) {
    if (error instanceof RelatedArticlesError) throw error
    // A last line of defence: a hostile file that passes the checksum must still fail typed.
    throw corrupt(`cannot be decoded (${error instanceof Error ? error.message : String(error)})`)
  }
}

function resolveLimit(options: DeserializeOptions): number {
  if (typeof options !== 'object' || options === null) throw invalid('INVALID_OPTION', 'options', 'an options object', options)
  for (const key of Object.keys(options)) {
    if (key !== 'maxSnapshotBytes') {
      throw new RelatedArticlesError('INVALID_OPTION', `options has an unknown option ${JSON.stringify(key)}; expected maxSnapshotBytes`, {
        field: key,
      })
    }
  }
  const limit = options.maxSnapshotBytes
  if (limit === undefined) return DEFAULT_MAX_SNAPSHOT_BYTES
  if (typeof limit !== 'number' || !Number.isSafeInteger(limit) || limit < 1) {
    throw invalid('INVALID_OPTION', 'maxSnapshotBytes', 'a positive integer', limit)
  }
  return limit
}

/** Magic, version and checksum: the parts every format version shares. */
function checkEnvelope(bytes: Bytes): void {
  const head = bytes.view(0, Math.min(MAGIC.length, bytes.byteLength))
  const magicPrefix = head.every((b, i) => b === MAGIC[i])
  if (!magicPrefix) throw corrupt('is not a related-articles snapshot (the first bytes are not the snapshot signature)')
  const minimum = MAGIC.length + 4 + 4
  if (bytes.byteLength < minimum) throw corrupt(`is truncated: ${bytes.byteLength} bytes, a snapshot has at least ${minimum}`)
  const version = bytes.u32(MAGIC.length)
  if (version === 0) throw corrupt('has format version 0, which does not exist')
  if (version > SNAPSHOT_FORMAT_VERSION) {
    throw new RelatedArticlesError(
      'SNAPSHOT_VERSION',
      `snapshot has format version ${version}${writtenBy(bytes)}; this library reads versions up to ${SNAPSHOT_FORMAT_VERSION}: upgrade related-articles to load it`,
      { field: 'formatVersion', expected: `at most ${SNAPSHOT_FORMAT_VERSION}`, got: String(version) },
    )
  }
  const stored = bytes.u32(bytes.byteLength - 4)
  const actual = bytes.crc(0, bytes.byteLength - 4)
  if (stored !== actual) throw corrupt('is truncated or damaged: its checksum does not match its contents')
}

/**
 * Refuses, with `LIMIT_EXCEEDED`, a snapshot whose load would need more than
 * {@link LOAD_MEMORY_FACTOR} times its size plus {@link LOAD_MEMORY_FLOOR}. Walks the layout
 * reading only counts and lengths (no JSON, no allocation beyond a few numbers); when the layout
 * does not hold together it returns, and decoding reports the damage.
 */
function checkLoadBudget(bytes: Bytes): void {
  const end = bytes.byteLength - 4
  let pos = MAGIC.length
  const u32 = (): number => {
    if (pos + 4 > end) throw new RangeError()
    const value = bytes.u32(pos)
    pos += 4
    return value
  }
  const skip = (count: number): void => {
    if (!(count <= end - pos)) throw new RangeError()
    pos += count
  }
  let articles = 0
  let terms = 0
  let entries = 0
  let json = 0
  try {
    const version = u32()
    skip(u32()) // library version
    const options = u32()
    json += options
    skip(options)
    articles = u32()
    const chunks = u32()
    for (let c = 0; c < chunks; c++) {
      const length = u32()
      json += length
      skip(length)
    }
    skip(articles) // date flags
    for (let f = 0; f < FIELD_NAMES.length; f++) {
      terms += u32()
      const vocabulary = u32()
      json += vocabulary
      skip(vocabulary)
      const forms = u32()
      json += forms
      skip(forms)
      let listed = 0
      for (let i = 0; i < articles; i++) listed += u32()
      entries += listed
      skip(listed * (version === 1 ? 8 : 12))
    }
  } catch {
    return
  }
  const needed = articles * PEAK_BYTES_PER_ARTICLE + terms * PEAK_BYTES_PER_TERM + entries * PEAK_BYTES_PER_ENTRY + json * PEAK_BYTES_PER_JSON_BYTE
  const budget = LOAD_MEMORY_FACTOR * bytes.byteLength + LOAD_MEMORY_FLOOR
  if (needed <= budget) return
  const mb = (n: number): string => `${(n / 1e6).toFixed(1)} MB`
  throw new RelatedArticlesError(
    'LIMIT_EXCEEDED',
    `snapshot of ${mb(bytes.byteLength)} would need about ${mb(needed)} to load (${articles} articles, ${terms} terms, ${entries} term entries), ` +
      `more than the load budget of ${LOAD_MEMORY_FACTOR} times its size plus ${mb(LOAD_MEMORY_FLOOR)} (${mb(budget)}); ` +
      'a file of this many tiny items is refused before anything is allocated',
    { field: 'bytes', expected: `a load of at most ${mb(budget)}`, got: `about ${mb(needed)}` },
  )
}

/** ", written by related-articles X" when the library version can be read, else "". */
function writtenBy(bytes: Bytes): string {
  try {
    const r = new ByteReader(bytes, MAGIC.length + 4, bytes.byteLength)
    if (bytes.u32(MAGIC.length + 4) > 40) return ''
    const version = r.string('library version')
    return /^[\w.+-]{1,40}$/.test(version) ? ` (written by related-articles ${version})` : ''
  } catch {
    return ''
  }
}

function decode(bytes: Bytes): DecodedSnapshot {
  const r = new ByteReader(bytes, MAGIC.length, bytes.byteLength - 4)
  const formatVersion = r.u32('format version')
  const libraryVersion = r.string('library version')
  const options = decodeJson(r.string('options'), 'options', true)
  const n = r.u32('article count')
  // Each article needs at least a flag byte and three 4-byte list lengths.
  r.need(n * 13, `${n} articles`)

  const chunkCount = r.u32('article chunk count')
  r.need(chunkCount * 4, `${chunkCount} article chunks`)
  const raw: unknown[] = []
  for (let c = 0; c < chunkCount; c++) {
    const chunk = decodeJson(r.string('articles'), 'articles')
    if (!Array.isArray(chunk)) throw corrupt('has an article chunk that is not a JSON array')
    if (raw.length + chunk.length > n) throw corrupt(`holds more articles than its header says (${n})`)
    for (const a of chunk) raw.push(a)
  }
  if (raw.length !== n) throw corrupt(`holds ${raw.length} articles, its header says ${n}`)
  const flags = r.bytes(n, 'date flags')

  const articles: Article[] = new Array(n)
  const times = new Float64Array(n)
  const ids = new Set<string>()
  for (let i = 0; i < n; i++) {
    const value = raw[i]
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw corrupt(`article ${i} is not an object`)
    const record = value as Record<string, unknown>
    for (const key of Object.keys(record)) {
      if (!ARTICLE_FIELDS.has(key)) throw corrupt(`article ${i} has a field that articles do not have: ${JSON.stringify(key)}`)
    }
    const input: Record<string, unknown> = { ...record }
    const flag = flags[i] as number
    if (flag & ~DATE_FLAG) throw corrupt(`article ${i} has unknown flags ${flag}`)
    if (flag & DATE_FLAG) {
      if (typeof record.publishedAt !== 'string') throw corrupt(`article ${i} is flagged as dated but has no publishedAt`)
      input.publishedAt = new Date(record.publishedAt)
    }
    let valid
    try {
      valid = validateArticle(input)
    } catch (error) {
      throw corrupt(`article ${i}: ${error instanceof Error ? error.message : String(error)}`)
    }
    if (ids.has(valid.article.id)) throw corrupt(`stores the id ${JSON.stringify(valid.article.id)} twice`)
    ids.add(valid.article.id)
    articles[i] = valid.article
    times[i] = valid.time
  }

  const fields = {} as DecodedSnapshot['fields']
  for (const name of FIELD_NAMES) fields[name] = readField(r, name, n, formatVersion)
  let embeddings: Array<Float32Array | undefined> = []
  let memories: SavedWitnessMemory[] = []
  if (formatVersion >= 3) {
    // Format 3 always states the dimension (0: no embeddings), since a section follows.
    const dimension = r.u32('embedding dimension')
    if (dimension > 0) embeddings = readEmbeddings(r, n, dimension)
    memories = readMemories(r, n)
  } else if (r.remaining > 0) {
    const dimension = r.u32('embedding dimension')
    if (dimension === 0) throw corrupt('has an embeddings section of dimension 0')
    embeddings = readEmbeddings(r, n, dimension)
  }
  if (r.remaining !== 0) throw corrupt(`has ${r.remaining} unexpected bytes after its last section`)
  return { formatVersion, libraryVersion, options, articles, times, fields, embeddings, memories }
}

/**
 * Format 3's witness memories. Checked for shape only: a bound that is wrong but well formed
 * cannot be told from a right one, as with any stored value (the checksum guards against damage).
 */
function readMemories(r: ByteReader, n: number): SavedWitnessMemory[] {
  const count = r.u32('witness memory count')
  if (count === 0 || count > 16) throw corrupt(`has ${count} witness memories (1 to 16 expected)`)
  const out: SavedWitnessMemory[] = []
  for (let m = 0; m < count; m++) {
    const k = r.u32('witness memory k')
    if (k < 1 || k > MAX_MEMORY_K) throw corrupt(`has a witness memory for k = ${k} (1 to ${MAX_MEMORY_K} expected)`)
    const apart = r.f64('witness memory limits')
    const copyLimit = r.f64('witness memory limits')
    if (Number.isNaN(apart) || Number.isNaN(copyLimit)) throw corrupt('has a witness memory whose limits are not numbers')
    r.need(n * (1 + 4 * k + 24), `a witness memory of ${n} articles`)
    const flags = r.bytes(n, 'witness flags')
    const witnesses = r.int32Array(n * k, 'witnesses')
    const tau = r.float64Array(n, 'witness bounds')
    const selfCosine = r.float64Array(n, 'witness cosines')
    const pairCosine = r.float64Array(n, 'witness cosines')
    for (let i = 0; i < n; i++) {
      const flag = flags[i] as number
      if (flag !== 0 && flag !== 1 && flag !== 3) throw corrupt(`article ${i} has witness flag ${flag}`)
      const t = tau[i] as number
      const c = selfCosine[i] as number
      const p = pairCosine[i] as number
      if (!(t >= 0 && t < Infinity && c >= 0 && c < Infinity && p >= 0 && p < Infinity)) throw corrupt(`article ${i} has a witness bound that is not a finite number ≥ 0`)
      for (let j = i * k; j < i * k + k; j++) {
        const w = witnesses[j] as number
        if (w < -1 || w >= n || w === i) throw corrupt(`article ${i} has witness ${w}, not another article`)
        if (w < 0 ? flag !== 0 && t > 0 : flag === 0) throw corrupt(`article ${i} has witnesses that do not match its flag and bound`)
      }
      if (flag === 0 && (t > 0 || c > 0 || p > 0)) throw corrupt(`article ${i} has a witness bound but no witnesses`)
      // A score is at most 1, and a bound counts k different witnesses.
      if (t > 1 + 1e-9) throw corrupt(`article ${i} has a witness bound above 1`)
      if (t > 0 && new Set(witnesses.subarray(i * k, i * k + k)).size !== k) throw corrupt(`article ${i} names a witness twice`)
    }
    out.push({ k, apart, copyLimit, flags, witnesses, tau, selfCosine, pairCosine })
  }
  return out
}

function readEmbeddings(r: ByteReader, n: number, dimension: number): Array<Float32Array | undefined> {
  const out: Array<Float32Array | undefined> = new Array<Float32Array | undefined>(n).fill(undefined)
  const present = r.bytes(n, 'embedding flags')
  let m = 0
  for (let i = 0; i < n; i++) {
    const flag = present[i] as number
    if (flag > 1) throw corrupt(`article ${i} has embedding flag ${flag}`)
    m += flag
  }
  if (m === 0) throw corrupt(`has an embedding dimension (${dimension}) but no embeddings`)
  // Check before allocating: every value takes 4 bytes.
  r.need(m * dimension * 4, `${m} embeddings of ${dimension} values`)
  const values = r.float32Array(m * dimension, 'embeddings')
  let at = 0
  for (let i = 0; i < n; i++) {
    if (present[i] === 0) continue
    const vector = values.subarray(at, at + dimension)
    at += dimension
    let nonZero = false
    for (let j = 0; j < dimension; j++) {
      const x = vector[j] as number
      if (!Number.isFinite(x)) throw corrupt(`article ${i} has an embedding value that is not a finite number`)
      if (x !== 0) nonZero = true
    }
    if (!nonZero) throw corrupt(`article ${i} has an embedding of zeros`)
    out[i] = vector
  }
  return out
}

const ARTICLE_FIELDS: ReadonlySet<string> = new Set([
  'id',
  'title',
  'body',
  'publishedAt',
  'tags',
  'section',
  'source',
  'url',
  'entities',
])

function readField(r: ByteReader, name: FieldName, n: number, formatVersion: number): DecodedSnapshot['fields'][FieldName] {
  const termCount = r.u32(`${name} term count`)
  const terms = decodeJson(r.string(`${name} vocabulary`), `${name} vocabulary`)
  if (!Array.isArray(terms) || terms.length !== termCount || !terms.every((t) => typeof t === 'string')) {
    throw corrupt(`has a ${name} vocabulary that is not ${termCount} strings`)
  }
  if (new Set(terms).size !== terms.length) throw corrupt(`has a ${name} vocabulary with a term listed twice`)

  // Format 1: one display form per term; format 2: a table of forms, indexed per entry below.
  const table: string[] = []
  const formOfTerm = new Int32Array(formatVersion === 1 ? termCount : 0).fill(-1)
  const decoded = decodeJson(r.string(`${name} display forms`), `${name} display forms`)
  if (!Array.isArray(decoded)) throw corrupt(`has ${name} display forms that are not an array`)
  if (formatVersion === 1) {
    for (const pair of decoded) {
      if (!Array.isArray(pair) || pair.length !== 2) throw corrupt(`has a ${name} display entry that is not [termId, text]`)
      const [id, shown] = pair as [unknown, unknown]
      if (typeof id !== 'number' || !Number.isInteger(id) || id < 0 || id >= termCount || typeof shown !== 'string') {
        throw corrupt(`has a ${name} display entry with a bad term id or text`)
      }
      formOfTerm[id] = table.length
      table.push(shown)
    }
  } else {
    for (const shown of decoded) {
      if (typeof shown !== 'string') throw corrupt(`has a ${name} display form that is not a string`)
      table.push(shown)
    }
  }

  const lengths = r.uint32Array(n, `${name} list lengths`)
  let total = 0
  for (let i = 0; i < n; i++) total += lengths[i] as number
  // Check before allocating: every term needs 4 bytes of id and 4 of weight (and 4 of form in format 2).
  r.need(total * (formatVersion === 1 ? 8 : 12), `${name} forward lists`)
  const ids = r.int32Array(total, `${name} term ids`)
  const tfs = r.float32Array(total, `${name} weights`)
  let formIds: Int32Array
  if (formatVersion === 1) {
    formIds = new Int32Array(total)
    for (let j = 0; j < total; j++) formIds[j] = formOfTerm[ids[j] as number] ?? -1
  } else {
    formIds = r.int32Array(total, `${name} form ids`)
  }
  let at = 0
  for (let i = 0; i < n; i++) {
    const end = at + (lengths[i] as number)
    let previous = -1
    for (let j = at; j < end; j++) {
      const t = ids[j] as number
      if (t <= previous || t >= termCount) throw corrupt(`article ${i} has ${name} term ids out of order or out of range`)
      const tf = tfs[j] as number
      if (!(tf > 0) || !Number.isFinite(tf)) throw corrupt(`article ${i} has a ${name} weight that is not a positive number`)
      const form = formIds[j] as number
      if (form < -1 || form >= table.length) throw corrupt(`article ${i} has a ${name} form id out of range`)
      previous = t
    }
    at = end
  }
  return { terms: terms as string[], lists: { lengths, ids, tfs, formIds, forms: table } }
}

/**
 * Fills an empty store with a decoded snapshot: articles take slots 0…n−1, fields get their
 * vocabularies and forward lists, postings are rebuilt.
 * @internal
 */
export function restoreSnapshot(store: ArticleStore, snapshot: DecodedSnapshot): void {
  store.restore(snapshot.articles, snapshot.times, snapshot.embeddings)
  for (const name of FIELD_NAMES) {
    const { terms, lists } = snapshot.fields[name]
    store[name].restore(terms, name === 'tags' ? dropLegacySectionKeys(terms, lists) : lists)
  }
}

/** Prefix of the section keys older snapshots hold in the tags field. */
const LEGACY_SECTION_PREFIX = 's:'

/**
 * Snapshots from before sections stopped scoring hold section keys (`s:…`) in the tags field;
 * dropping them on load makes such a snapshot rank as a fresh build of its articles does.
 */
function dropLegacySectionKeys(terms: readonly string[], lists: FlatLists): FlatLists {
  if (!terms.some((t) => t.startsWith(LEGACY_SECTION_PREFIX))) return lists
  const keep: number[] = []
  const lengths = new Int32Array(lists.lengths.length)
  let at = 0
  for (let i = 0; i < lengths.length; i++) {
    for (let end = at + (lists.lengths[i] as number); at < end; at++) {
      if ((terms[lists.ids[at] as number] as string).startsWith(LEGACY_SECTION_PREFIX)) continue
      keep.push(at)
      lengths[i] = (lengths[i] as number) + 1
    }
  }
  const pick = <T extends Int32Array | Float32Array>(from: T, make: (n: number) => T): T => {
    const out = make(keep.length)
    keep.forEach((j, i) => (out[i] = from[j] as number))
    return out
  }
  return {
    lengths,
    ids: pick(lists.ids, (n) => new Int32Array(n)),
    tfs: pick(lists.tfs, (n) => new Float32Array(n)),
    ...(lists.formIds === undefined ? {} : { formIds: pick(lists.formIds, (n) => new Int32Array(n)) }),
    ...(lists.forms === undefined ? {} : { forms: lists.forms }),
  }
}

function corrupt(problem: string): RelatedArticlesError {
  return new RelatedArticlesError('SNAPSHOT_CORRUPT', `snapshot ${problem}`, { field: 'bytes' })
}

// ─── Tagged JSON ───────────────────────────────────────────────────────────────────────────

/**
 * JSON that also carries the option values plain JSON loses: `Infinity` (as `{"$number":
 * "Infinity"}`) and RegExp (as `{"$regexp": [source, flags]}`, for analysis clutter patterns).
 * @internal
 */
export function encodeJson(value: unknown): string {
  return JSON.stringify(value ?? null, function (this: unknown, _key: string, v: unknown) {
    if (typeof v === 'number' && !Number.isFinite(v)) return { $number: String(v) }
    if (v instanceof RegExp) return { $regexp: [v.source, v.flags] }
    return v
  })
}

/**
 * Parses JSON from a snapshot. `tagged` (the options) restores {@link encodeJson}'s tags and
 * refuses `__proto__` keys, so options from an untrusted file cannot reach a prototype when they
 * are merged. The large parts (articles, vocabularies) are parsed without a reviver, which is
 * several times faster; they are safe because `JSON.parse` makes `__proto__` an ordinary own
 * property and the reader copies only known fields, refusing any other key.
 * @internal
 */
export function decodeJson(text: string, what: string, tagged = false): unknown {
  try {
    if (!tagged) return JSON.parse(text)
    return JSON.parse(text, (key, v: unknown) => {
      if (key === '__proto__') throw corrupt(`${what} contain the key "__proto__"`)
      if (typeof v === 'object' && v !== null && !Array.isArray(v)) {
        const keys = Object.keys(v)
        if (keys.length === 1 && keys[0] === '$number') {
          const n = (v as { $number: unknown }).$number
          if (n === 'Infinity') return Infinity
          if (n === '-Infinity') return -Infinity
          throw corrupt(`${what} contain a bad $number`)
        }
        if (keys.length === 1 && keys[0] === '$regexp') {
          const parts = (v as { $regexp: unknown }).$regexp
          if (!Array.isArray(parts) || parts.length !== 2 || typeof parts[0] !== 'string' || typeof parts[1] !== 'string') {
            throw corrupt(`${what} contain a bad $regexp`)
          }
          return new RegExp(parts[0], parts[1])
        }
      }
      return v
    })
  } catch (error) {
    if (error instanceof RelatedArticlesError) throw error
    throw corrupt(`${what} are not valid JSON (${error instanceof Error ? error.message : String(error)})`)
  }
}

// ─── Bytes ─────────────────────────────────────────────────────────────────────────────────

const encoder = new TextEncoder()
const decoder = new TextDecoder('utf-8', { fatal: true })

/** The growable buffer behind {@link writeSnapshot}: one typed array, so at most 4 GiB − 1. */
class MemorySink {
  private buffer = new Uint8Array(1 << 16)
  private length = 0

  append(part: Uint8Array): void {
    const needed = this.length + part.length
    if (needed > this.buffer.length) {
      if (needed > MAX_WRITABLE_BYTES) {
        throw new RelatedArticlesError(
          'LIMIT_EXCEEDED',
          `the snapshot would be larger than ${MAX_WRITABLE_BYTES} bytes, the most one typed array holds; saveSnapshotFile writes larger snapshots`,
          { field: 'snapshot' },
        )
      }
      let size = this.buffer.length * 2
      while (size < needed) size *= 2
      const grown = new Uint8Array(Math.min(size, MAX_WRITABLE_BYTES))
      grown.set(this.buffer.subarray(0, this.length))
      this.buffer = grown
    }
    this.buffer.set(part, this.length)
    this.length = needed
  }

  finish(): Uint8Array {
    return this.buffer.slice(0, this.length)
  }
}

/**
 * Writes snapshot bytes to a sink in parts of at most `partBytes` (larger arrays pass through
 * whole, without a copy), keeping the running CRC-32 that {@link finish} appends.
 */
class ByteWriter {
  private readonly buffer: Uint8Array
  private readonly dv: DataView
  private length = 0
  private crc = 0

  constructor(
    private readonly sink: (part: Uint8Array) => void,
    partBytes: number,
  ) {
    this.buffer = new Uint8Array(Math.max(16, partBytes))
    this.dv = new DataView(this.buffer.buffer)
  }

  private emit(part: Uint8Array): void {
    this.crc = crc32(part, this.crc)
    this.sink(part)
  }

  private flush(): void {
    if (this.length === 0) return
    this.emit(this.buffer.subarray(0, this.length))
    this.length = 0
  }

  u32(value: number): void {
    if (this.length + 4 > this.buffer.length) this.flush()
    this.dv.setUint32(this.length, value, true)
    this.length += 4
  }

  bytes(data: Uint8Array): void {
    if (this.length + data.length > this.buffer.length) {
      this.flush()
      if (data.length >= this.buffer.length) {
        this.emit(data)
        return
      }
    }
    this.buffer.set(data, this.length)
    this.length += data.length
  }

  string(text: string): void {
    const data = encoder.encode(text)
    if (data.length > 0xffffffff) {
      throw new RelatedArticlesError('LIMIT_EXCEEDED', `a snapshot section would be ${data.length} bytes; the format allows 4 GiB`, {
        field: 'snapshot',
      })
    }
    this.u32(data.length)
    this.bytes(data)
  }

  f64(value: number): void {
    if (this.length + 8 > this.buffer.length) this.flush()
    this.dv.setFloat64(this.length, value, true)
    this.length += 8
  }

  /** Little-endian copy of a typed array of 4- or 8-byte elements. */
  typed(values: Uint32Array | Int32Array | Float32Array | Float64Array): void {
    if (LITTLE_ENDIAN) {
      this.bytes(new Uint8Array(values.buffer, values.byteOffset, values.byteLength))
      return
    }
    const out = new Uint8Array(values.byteLength)
    const dv = new DataView(out.buffer)
    for (let i = 0; i < values.length; i++) {
      if (values instanceof Float64Array) dv.setFloat64(i * 8, values[i] as number, true)
      else if (values instanceof Float32Array) dv.setFloat32(i * 4, values[i] as number, true)
      else dv.setUint32(i * 4, values[i] as number, true)
    }
    this.bytes(out)
  }

  /** Appends the CRC-32 of every byte written and hands the last part to the sink. */
  finish(): void {
    this.flush()
    const tail = new Uint8Array(4)
    new DataView(tail.buffer).setUint32(0, this.crc, true)
    this.sink(tail)
  }
}

/**
 * Where snapshot bytes are read from when they are not in memory: a file read in parts by
 * `loadSnapshotFile`, so a snapshot needs no buffer of its own size. @internal
 */
export interface SnapshotSource {
  /** Size in bytes. */
  readonly byteLength: number
  /** Bytes read per call, and the size of the reader's window: at least 16. */
  readonly partBytes: number
  /** Fills `target` with the bytes from `position` on; throws `SNAPSHOT_CORRUPT` when they end early. */
  readInto(target: Uint8Array, position: number): void
}

/**
 * Random access to snapshot bytes: in memory (the whole array is the window), or from a
 * {@link SnapshotSource} through a window of `partBytes` that moves as the reader does. Large
 * sections are read straight into their own arrays, never through the window.
 */
class Bytes {
  readonly byteLength: number
  private window: Uint8Array
  private dv: DataView
  private start = 0
  private readonly windowBytes: number

  constructor(private readonly source: Uint8Array | SnapshotSource) {
    this.byteLength = source.byteLength
    if (source instanceof Uint8Array) {
      this.window = source
      this.windowBytes = source.byteLength
    } else {
      this.window = new Uint8Array(0)
      this.windowBytes = Math.max(16, source.partBytes)
    }
    this.dv = new DataView(this.window.buffer, this.window.byteOffset, this.window.byteLength)
  }

  /** Offset in the window of `position`, with `count` (at most the window's size) bytes there. */
  private at(position: number, count: number): number {
    const offset = position - this.start
    if (offset >= 0 && offset + count <= this.window.length) return offset
    const source = this.source as SnapshotSource
    const size = Math.min(this.windowBytes, this.byteLength - position)
    if (this.window.buffer.byteLength < size) {
      this.window = new Uint8Array(size)
    } else {
      this.window = new Uint8Array(this.window.buffer, 0, size)
    }
    this.dv = new DataView(this.window.buffer, 0, size)
    this.start = position
    source.readInto(this.window, position)
    return 0
  }

  u32(position: number): number {
    return this.dv.getUint32(this.at(position, 4), true)
  }

  /** A copy of `count` bytes in a fresh ArrayBuffer (aligned; the source is not kept alive). */
  copy(position: number, count: number): Uint8Array<ArrayBuffer> {
    const out = new Uint8Array(count)
    if (this.source instanceof Uint8Array) out.set(this.source.subarray(position, position + count))
    else if (count <= this.windowBytes) out.set(this.view(position, count))
    else this.source.readInto(out, position)
    return out
  }

  /** A view of `count` bytes, valid until the next read. */
  view(position: number, count: number): Uint8Array {
    if (count > this.windowBytes) return this.copy(position, count)
    const offset = this.at(position, count)
    return this.window.subarray(offset, offset + count)
  }

  /** CRC-32 of the bytes in [from, to), window by window. */
  crc(from: number, to: number): number {
    let crc = 0
    for (let at = from; at < to; ) {
      const count = Math.min(this.windowBytes, to - at)
      crc = crc32(this.view(at, count), crc)
      at += count
    }
    return crc
  }
}

class ByteReader {
  constructor(
    private readonly data: Bytes,
    private pos: number,
    private readonly end: number,
  ) {}

  get remaining(): number {
    return this.end - this.pos
  }

  /** Throws unless `count` more bytes exist: called before anything of that size is allocated. */
  need(count: number, what: string): void {
    if (!(count <= this.remaining)) throw corrupt(`is truncated or damaged: ${what} need ${count} bytes, ${this.remaining} remain`)
  }

  u32(what: string): number {
    this.need(4, what)
    const value = this.data.u32(this.pos)
    this.pos += 4
    return value
  }

  bytes(count: number, what: string): Uint8Array {
    this.need(count, what)
    const out = this.data.copy(this.pos, count)
    this.pos += count
    return out
  }

  string(what: string): string {
    const length = this.u32(what)
    this.need(length, what)
    const text = decoder.decode(this.data.view(this.pos, length))
    this.pos += length
    return text
  }

  uint32Array(count: number, what: string): Uint32Array {
    return this.typed(count, what, Uint32Array)
  }

  int32Array(count: number, what: string): Int32Array {
    return this.typed(count, what, Int32Array)
  }

  float32Array(count: number, what: string): Float32Array {
    return this.typed(count, what, Float32Array)
  }

  float64Array(count: number, what: string): Float64Array {
    return this.typed(count, what, Float64Array)
  }

  f64(what: string): number {
    return this.float64Array(1, what)[0] as number
  }

  private typed<T extends Uint32Array | Int32Array | Float32Array | Float64Array>(
    count: number,
    what: string,
    Kind: { new (buffer: ArrayBuffer, offset: number, length: number): T; new (length: number): T; readonly BYTES_PER_ELEMENT: number },
  ): T {
    const size = Kind.BYTES_PER_ELEMENT
    this.need(count * size, what)
    // A copy into a fresh buffer: aligned, and the caller's bytes are not kept alive.
    const copy = this.data.copy(this.pos, count * size)
    let out: T
    if (LITTLE_ENDIAN) {
      out = new Kind(copy.buffer, 0, count)
    } else {
      out = new Kind(count)
      const dv = new DataView(copy.buffer)
      for (let i = 0; i < count; i++) {
        out[i] =
          out instanceof Float64Array
            ? dv.getFloat64(i * 8, true)
            : out instanceof Float32Array
              ? dv.getFloat32(i * 4, true)
              : out instanceof Int32Array
                ? dv.getInt32(i * 4, true)
                : dv.getUint32(i * 4, true)
      }
    }
    this.pos += count * size
    return out
  }
}

// CRC-32 (IEEE 802.3, as zlib and PNG), slicing by 4 bytes: the fallback when zlib.crc32 is missing.
const CRC_TABLES: Uint32Array[] = (() => {
  const tables = [0, 1, 2, 3].map(() => new Uint32Array(256))
  const t0 = tables[0] as Uint32Array
  for (let n = 0; n < 256; n++) {
    let c = n
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
    t0[n] = c >>> 0
  }
  for (let n = 0; n < 256; n++) {
    let c = t0[n] as number
    for (let t = 1; t < 4; t++) {
      c = (t0[c & 0xff] as number) ^ (c >>> 8)
      ;(tables[t] as Uint32Array)[n] = c >>> 0
    }
  }
  return tables
})()

/** Node's native CRC-32 (`zlib.crc32`, Node 20.15 and later): the same values, about ten times faster. */
const nativeCrc32 = (zlib as { crc32?: (data: Uint8Array, value?: number) => number }).crc32

/**
 * CRC-32 of `data` (the same value as zlib's `crc32`); with `previous`, the CRC of the bytes that
 * gave `previous` followed by `data`, so a stream can be checked part by part. @internal
 */
export function crc32(data: Uint8Array, previous = 0): number {
  return nativeCrc32 === undefined ? portableCrc32(data, previous) : nativeCrc32(data, previous) >>> 0
}

/** {@link crc32} in JavaScript, for Node versions without `zlib.crc32`. @internal */
export function portableCrc32(data: Uint8Array, previous = 0): number {
  const [t0, t1, t2, t3] = CRC_TABLES as [Uint32Array, Uint32Array, Uint32Array, Uint32Array]
  let crc = (previous ^ 0xffffffff) >>> 0
  let i = 0
  const end4 = data.length - (data.length % 4)
  for (; i < end4; i += 4) {
    crc ^= (data[i] as number) | ((data[i + 1] as number) << 8) | ((data[i + 2] as number) << 16) | ((data[i + 3] as number) << 24)
    crc =
      (t3[crc & 0xff] as number) ^ (t2[(crc >>> 8) & 0xff] as number) ^ (t1[(crc >>> 16) & 0xff] as number) ^ (t0[crc >>> 24] as number)
  }
  for (; i < data.length; i++) crc = (t0[(crc ^ (data[i] as number)) & 0xff] as number) ^ (crc >>> 8)
  return (crc ^ 0xffffffff) >>> 0
}
