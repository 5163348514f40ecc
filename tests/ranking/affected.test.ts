import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import fc from 'fast-check'
import { describe, expect, it, vi } from 'vitest'
import type { Article } from '../../src/article.js'
import type { RelatedIndexOptions } from '../../src/ranking/options.js'
import { WitnessMemory } from '../../src/ranking/affected-memory.js'
import { RelatedIndex, internalsOf } from '../../src/ranking/related-index.js'
import { crc32 } from '../../src/index/snapshot.js'
import { projectRoot } from '../../benchmarks/lib/paths.js'
import { NEWS_NAMES, NEWS_WORDS } from '../helpers/arbitraries.js'
import { codeOf } from '../helpers/errors.js'

const sample: Article[] = readFileSync(resolve(projectRoot, 'examples/data/reuters-sample.jsonl'), 'utf8')
  .split('\n')
  .filter((line) => line.trim() !== '')
  .map((line) => JSON.parse(line) as Article)

/** Lets vitest's worker answer its RPC between heavy synchronous steps (see tests/setup/yield-event-loop.ts). */
const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve))

/** The definition: every other stored article whose own top-k list shows `id` (or folds it into a result). */
function bruteForce(index: RelatedIndex, id: string, k: number): string[] {
  return index
    .ids()
    .filter((other) => other !== id && index.related(other, { k }).some((r) => r.id === id || r.reasons.duplicates.includes(id)))
    .sort()
}

/**
 * The sample with exact copies of a few stories (which fold as duplicates), editor tags on some,
 * and a deterministic 8-dimensional embedding on every article when asked.
 */
function archive(withEmbeddings: boolean): Article[] {
  const articles = sample.slice(0, 200).map((a, i) => ({
    ...a,
    ...(i % 7 === 0 ? { tags: [['Coffee', 'Oil', 'Grain'][i % 3] as string] } : {}),
  }))
  for (const a of articles.slice(0, 12)) articles.push({ ...a, id: `${a.id}-copy` })
  if (!withEmbeddings) return articles
  return articles.map((a, i) => ({ ...a, embedding: Float32Array.from({ length: 8 }, (_, d) => Math.abs(Math.sin(i * 7.1 + d * 1.3)) + 0.01) }))
}

/** New stories: a fresh one, an exact copy of a stored one, and an undated one. */
function arrivals(): Article[] {
  const base = sample.slice(200, 203)
  return [
    base[0] as Article,
    { ...(sample[3] as Article), id: 'copy-of-3' },
    { ...(base[1] as Article), publishedAt: undefined },
    base[2] as Article,
  ]
}

/** Words a few stories share: their document frequencies move a lot with each change. */
const RARE_WORDS = ['quota', 'cocoa', 'bauxite', 'tin']

const SETTINGS: Array<[string, RelatedIndexOptions, boolean]> = [
  ['the shipped defaults', {}, false],
  ['entities, time and tags weighted, gated by content', { weights: { entities: 0.5, time: 0.5, tags: 0.5 }, contextGate: 0.3, halfLifeDays: 30 }, false],
  ['asymmetric hyperbolic time', { weights: { time: 1 }, olderHalfLifeDays: 5, newerHalfLifeDays: 60, timeDecay: 'hyperbolic' }, false],
  ['embeddings', { weights: { embedding: 0.7 } }, true],
  ['a low duplicate threshold (no two witnesses can be far enough apart)', { duplicateThreshold: 0.6 }, false],
  ['pruned candidates (the query-per-neighbour path)', { candidateTerms: 15, maxCandidates: 40 }, false],
]

/**
 * The ids given a quick search by `run`: what a call spends on an article with no entry in the
 * memory (a weak entry rescored and kept is offered as weak again, and is not counted).
 */
function quickSearched(index: RelatedIndex, run: () => void): string[] {
  const { store } = internalsOf(index)
  const searched: string[] = []
  const offer = WitnessMemory.prototype.offer
  const spy = vi.spyOn(WitnessMemory.prototype, 'offer').mockImplementation(function (this: WitnessMemory, ...args) {
    if (args[5] === true && !this.hasEntry(args[0])) searched.push(store.idAt(args[0]) as string)
    offer.apply(this, args)
  })
  try {
    run()
    return searched
  } finally {
    spy.mockRestore()
  }
}

/**
 * Adds each article to both indexes and calls affectedBy (k = 3) on both, checking `remembering`'s
 * answer against brute force; returns how many quick searches each made for articles in `known`.
 */
async function addBoth(remembering: RelatedIndex, plain: RelatedIndex, articles: readonly Article[], known: ReadonlySet<string>): Promise<[number, number]> {
  let quickRemembering = 0
  let quickPlain = 0
  for (const article of articles) {
    remembering.add(article)
    plain.add(article)
    let got: string[] = []
    quickRemembering += quickSearched(remembering, () => (got = remembering.affectedBy(article.id, { k: 3 }))).filter((id) => known.has(id)).length
    quickPlain += quickSearched(plain, () => plain.affectedBy(article.id, { k: 3 })).filter((id) => known.has(id)).length
    expect(got, article.id).toEqual(bruteForce(remembering, article.id, 3))
    await yieldToEventLoop()
  }
  return [quickRemembering, quickPlain]
}

describe('affectedBy', () => {
  for (const [name, options, embeddings] of SETTINGS) {
    it(`equals brute force with ${name}`, async () => {
      const index = new RelatedIndex(options)
      index.addAll(archive(embeddings))
      const dim = embeddings ? 8 : 0
      for (const [i, article] of arrivals().entries()) {
        index.add(dim > 0 ? { ...article, embedding: Float32Array.from({ length: dim }, (_, d) => 0.5 + 0.4 * Math.cos(i + d)) } : article)
        for (const k of [1, 3, 10]) {
          expect(index.affectedBy(article.id, { k }), `${article.id}, k = ${k}`).toEqual(bruteForce(index, article.id, k))
          await yieldToEventLoop()
        }
      }
    })
  }

  it('equals brute force after removals and updates', () => {
    const index = new RelatedIndex()
    index.addAll(archive(false))
    for (const id of index.ids().slice(0, 30)) index.remove(id)
    const moved = sample[150] as Article
    index.update({ ...moved, body: `${moved.body} Coffee prices rose in London.` })
    for (const k of [1, 5]) expect(index.affectedBy(moved.id, { k })).toEqual(bruteForce(index, moved.id, k))
  })

  it('stays exact across a sequence of changes (its cached witnesses are only hints)', async () => {
    const index = new RelatedIndex()
    index.addAll(archive(false))
    const incoming = sample.slice(203, 209)
    for (const [i, article] of incoming.entries()) {
      index.add(article)
      expect(index.affectedBy(article.id, { k: 3 }), `after adding ${article.id}`).toEqual(bruteForce(index, article.id, 3))
      // Remove what was most related to it (a likely cached witness) and change another article's text.
      const [top] = index.related(article.id, { k: 1 })
      if (top !== undefined) index.remove(top.id)
      const other = index.get(index.ids()[i * 7] as string) as Article
      index.update({ ...other, body: `${other.body} ${article.title}` })
      expect(index.affectedBy(other.id, { k: 3 }), `after updating ${other.id}`).toEqual(bruteForce(index, other.id, 3))
      await yieldToEventLoop()
    }
  })

  it('runs far fewer queries than there are neighbours', () => {
    const index = new RelatedIndex()
    index.addAll(archive(false))
    const article = arrivals()[0] as Article
    index.add(article)
    const { engine, store } = internalsOf(index)
    const neighbours = engine.neighbours(store.slotOf(article.id) as number).length
    const run = vi.spyOn(engine, 'run')
    const affected = index.affectedBy(article.id, { k: 3 })
    expect(affected.length).toBeGreaterThan(0)
    // Every affected article needs its query; most of the others must be ruled out by witnesses.
    expect(run.mock.calls.length).toBeLessThan(neighbours / 3)
    run.mockRestore()
  })

  it('settles most neighbours from its memory once the first call has filled it', () => {
    const index = new RelatedIndex()
    const articles = archive(false)
    index.addAll(articles)
    index.affectedBy(articles[0]?.id as string, { k: 3 })
    const { engine, store } = internalsOf(index)
    for (const article of sample.slice(209, 213)) {
      index.add(article)
      const neighbours = engine.neighbours(store.slotOf(article.id) as number).length
      const run = vi.spyOn(engine, 'run')
      const affected = index.affectedBy(article.id, { k: 3 })
      const queries = run.mock.calls.length
      run.mockRestore()
      expect(affected).toEqual(bruteForce(index, article.id, 3))
      // About a query for each article the new one enters (two when a list needs widening for
      // witnesses), and few others.
      expect(queries, `${article.id}: ${affected.length} affected of ${neighbours}`).toBeLessThanOrEqual(2 * affected.length + neighbours / 20)
    }
  })

  it('equals brute force on random small archives (property)', () => {
    const story = fc.record({
      name: fc.constantFrom(...NEWS_NAMES),
      words: fc.array(fc.constantFrom(...NEWS_WORDS), { minLength: 2, maxLength: 10 }),
      day: fc.option(fc.integer({ min: 1, max: 28 }), { nil: undefined }),
    })
    fc.assert(
      fc.property(
        fc.array(story, { minLength: 4, maxLength: 30 }),
        fc.integer({ min: 1, max: 4 }),
        fc.constantFrom(0, 0.5),
        fc.constantFrom(0, 1),
        (stories, k, entities, time) => {
          const index = new RelatedIndex({ weights: { entities, time } })
          index.addAll(
            stories.map((s, i) => ({
              id: `s${i}`,
              title: `${s.name} ${s.words.slice(0, 2).join(' ')}`,
              body: `${s.name} ${s.words.join(' ')}.`,
              ...(s.day === undefined ? {} : { publishedAt: `2025-03-${String(s.day).padStart(2, '0')}T12:00:00Z` }),
            })),
          )
          const id = `s${stories.length - 1}`
          expect(index.affectedBy(id, { k })).toEqual(bruteForce(index, id, k))
        },
      ),
      { numRuns: 40, seed: 15 },
    )
  })
})

describe('affectedBy primed by a batch (primeAffectedBy)', () => {
  for (const [name, options] of SETTINGS.filter(([, , embeddings]) => !embeddings)) {
    it(`starts from every list's top k and equals brute force with ${name}`, async () => {
      const primed = new RelatedIndex(options)
      const plain = new RelatedIndex(options)
      primed.addAll(archive(false))
      plain.addAll(archive(false))
      // The lists are those of an unprimed batch.
      expect([...primed.relatedAll({ k: 3, primeAffectedBy: true })]).toEqual([...plain.relatedAll({ k: 3 })])
      // Articles stored before the batch; an article added since has no list yet.
      const before = new Set(primed.ids())
      const [quickPrimed, quickPlain] = await addBoth(primed, plain, arrivals(), before)
      expect(quickPrimed).toBe(0)
      // Pruned candidates query every neighbour and keep no memory to prime.
      if (options.candidateTerms === undefined) expect(quickPlain).toBeGreaterThan(0)
    })
  }

  it('refuses a non-boolean, ranking options beside it, and a pool', async () => {
    const index = new RelatedIndex()
    index.addAll(archive(false).slice(0, 20))
    const id = index.ids()[0] as string
    expect(codeOf(() => index.relatedAll({ k: 3, primeAffectedBy: 'yes' as unknown as boolean }))).toBe('INVALID_OPTION')
    expect(() => index.relatedAll({ k: 3, minScore: 0.1, primeAffectedBy: true })).toThrow(/primeAffectedBy must be used with no ranking option but k .*minScore was given/)
    expect(codeOf(() => index.iterateRelated({ ids: [id], pastOnly: true, primeAffectedBy: true }))).toBe('INVALID_OPTION')
    // false with other options is simply an unprimed batch.
    expect(index.relatedAll({ ids: [id], k: 2, minScore: 0.1, primeAffectedBy: false }).get(id)).toEqual(index.related(id, { k: 2, minScore: 0.1 }))
  })
})

describe('affectedBy after a snapshot load', () => {
  for (const [name, options, embeddings] of SETTINGS) {
    it(`starts from the saved memory and equals brute force with ${name}`, async () => {
      const original = new RelatedIndex(options)
      original.addAll(archive(embeddings))
      original.relatedAll({ k: 3, primeAffectedBy: true })
      const listed = new Set(original.ids())
      // Changes after the batch, so the saved bounds carry drift.
      const [first, copy, ...rest] = arrivals()
      original.add(first as Article)
      original.add(copy as Article)
      original.remove(sample[5]?.id as string)
      const bytes = original.serialize()
      const loaded = RelatedIndex.deserialize(bytes)
      const plain = RelatedIndex.deserialize(withoutMemory(original))
      const input = rest.map((a) => (embeddings ? { ...a, embedding: Float32Array.from({ length: 8 }, (_, d) => 0.5 + d / 10) } : a))
      // Articles the batch listed have an entry; those added since have none yet.
      const [quickLoaded, quickPlain] = await addBoth(loaded, plain, input, listed)
      expect(quickLoaded).toBe(0)
      if (options.candidateTerms === undefined) expect(quickPlain).toBeGreaterThan(0)
    })
  }

  /** The same index saved without a memory: loaded from a copy that never ran `affectedBy`. */
  function withoutMemory(index: RelatedIndex): Uint8Array {
    const copy = new RelatedIndex(index.options)
    copy.addAll(index.ids().map((id) => index.get(id) as Article))
    return copy.serialize()
  }

  it('saves format 3 only with a memory, and a load saves the same bytes again', () => {
    const index = new RelatedIndex()
    index.addAll(archive(false).slice(0, 60))
    const version = (bytes: Uint8Array): number => new DataView(bytes.buffer, bytes.byteOffset).getUint32(8, true)
    expect(version(index.serialize())).toBe(2)
    index.add(sample[250] as Article)
    index.affectedBy(sample[250]?.id as string, { k: 2 })
    index.affectedBy(index.ids()[0] as string, { k: 5 })
    index.add(sample[251] as Article)
    const bytes = index.serialize()
    expect(version(bytes)).toBe(3)
    // Both memories (k = 2 and 5), carried to now at the save; the load takes them as they are.
    expect(RelatedIndex.deserialize(bytes).serialize()).toEqual(bytes)
    // The loaded index searches exactly the articles the saving one would (those without an entry).
    const loaded = RelatedIndex.deserialize(bytes)
    for (const k of [2, 5]) {
      const article = { ...(sample[252] as Article), id: `new-${k}` }
      loaded.add(article)
      index.add(article)
      let got: string[] = []
      const settled = (run: () => void): number => {
        const rulesOut = vi.spyOn(WitnessMemory.prototype, 'rulesOut')
        try {
          run()
          return rulesOut.mock.results.filter((r) => r.value === true).length
        } finally {
          rulesOut.mockRestore()
        }
      }
      let searched: string[] = []
      const settledLoaded = settled(() => (searched = quickSearched(loaded, () => (got = loaded.affectedBy(article.id, { k })))))
      let searchedSaving: string[] = []
      const settledSaving = settled(() => (searchedSaving = quickSearched(index, () => index.affectedBy(article.id, { k }))))
      expect(searched.sort()).toEqual(searchedSaving.sort())
      expect(searched.length).toBeLessThan(loaded.size / 2)
      // The carried bounds settle neighbours without scoring about as often as the saving index's own.
      expect(settledLoaded, `k = ${k}`).toBeGreaterThanOrEqual(Math.floor(0.9 * settledSaving))
      expect(settledSaving).toBeGreaterThan(5)
      expect(got).toEqual(bruteForce(loaded, article.id, k))
    }
  })

  it('stays exact over random sequences of adds, copies, removes, updates, saves, loads, primed batches and a second k, several changes between calls (property)', () => {
    // Switching off the drift bound, the marks, the drift carried into saved bounds, or the load's
    // first call marking (its document frequencies unknown, which a review found the earlier
    // sequences missed) each makes this fail.
    const story = fc.record({
      name: fc.constantFrom(...NEWS_NAMES),
      words: fc.array(fc.constantFrom(...NEWS_WORDS, ...RARE_WORDS), { minLength: 1, maxLength: 10 }),
      day: fc.option(fc.integer({ min: 1, max: 28 }), { nil: undefined }),
      tag: fc.option(fc.constantFrom('Coffee', 'Oil'), { nil: undefined }),
    })
    type Story = { name: string; words: string[]; day: number | undefined; tag: string | undefined }
    const kinds = ['add', 'copy', 'remove', 'update', 'reload', 'save', 'prime', 'other-k'] as const
    const op = fc.record({ kind: fc.constantFrom(...kinds), story, pick: fc.nat() })
    const settings: RelatedIndexOptions[] = [
      {},
      { weights: { entities: 0.5, tags: 0.5, time: 0.5 }, contextGate: 0.3, halfLifeDays: 10 },
      { duplicateThreshold: 0.8 },
      { weights: { time: 0 } },
      { weights: { time: 1 }, olderHalfLifeDays: 5, newerHalfLifeDays: 60, timeDecay: 'hyperbolic' },
    ]
    const toArticle = (id: string, s: Story): Article => ({
      id,
      title: `${s.name} ${s.words.slice(0, 2).join(' ')}`,
      body: `${s.name} ${s.words.join(' ')}.`,
      ...(s.day === undefined ? {} : { publishedAt: `2025-03-${String(s.day).padStart(2, '0')}T12:00:00Z` }),
      ...(s.tag === undefined ? {} : { tags: [s.tag] }),
    })
    fc.assert(
      fc.property(
        fc.array(story, { minLength: 6, maxLength: 30 }),
        fc.array(fc.array(op, { minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 10 }),
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 0, max: settings.length - 1 }),
        (initial, rounds, k, setting) => {
          let index = new RelatedIndex(settings[setting])
          index.addAll(initial.map((s, i) => toArticle(`s${i}`, s)))
          let fresh = 0
          for (const changes of rounds) {
            let target: string | undefined
            for (const change of changes) {
              const ids = index.ids()
              const picked = ids.length > 0 ? (ids[change.pick % ids.length] as string) : undefined
              if (change.kind === 'add' || (change.kind === 'copy' && picked === undefined)) {
                target = `n${fresh++}`
                index.add(toArticle(target, change.story))
              } else if (change.kind === 'copy') {
                target = `n${fresh++}`
                index.add({ ...(index.get(picked as string) as Article), id: target })
              } else if (change.kind === 'remove' && picked !== undefined && ids.length > 2) {
                index.remove(picked)
                if (target === picked) target = undefined
              } else if (change.kind === 'update' && picked !== undefined) {
                index.update(toArticle(picked, change.story))
                target = picked
              } else if (change.kind === 'reload') {
                index = RelatedIndex.deserialize(index.serialize())
              } else if (change.kind === 'save') {
                index.serialize()
              } else if (change.kind === 'prime') {
                index.relatedAll({ k, primeAffectedBy: true })
              } else if (change.kind === 'other-k' && picked !== undefined) {
                const other = k + 1 + (change.pick % 2)
                expect(index.affectedBy(picked, { k: other }), `${picked}, k = ${other}`).toEqual(bruteForce(index, picked, other))
              }
            }
            target ??= index.ids()[0]
            if (target === undefined) continue
            expect(index.affectedBy(target, { k }), `${target}, k = ${k}`).toEqual(bruteForce(index, target, k))
          }
        },
      ),
      { numRuns: 150, seed: 6 },
    )
  })

  it('carries no bound of an entry whose witness was replaced before the save (an archive where removals mark nothing)', () => {
    // 30 words: every document frequency is large, so a removal or an add moves no idf past the
    // first mark level, and only the check of changed witnesses keeps a stale bound out of the file.
    let seed = 7
    const random = (): number => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648
    const vocabulary = 'alpha bravo charlie delta echo foxtrot golf hotel india juliet kilo lima mike november oscar papa quebec romeo sierra tango uniform victor whiskey xray yankee zulu apple banana cherry grape'.split(' ')
    const make = (id: string): Article => {
      const words = Array.from({ length: 8 }, () => vocabulary[Math.floor(random() * vocabulary.length)] as string)
      return { id, title: words.slice(0, 2).join(' '), body: `${words.join(' ')}.` }
    }
    const index = new RelatedIndex({ weights: { time: 0 } })
    index.addAll(Array.from({ length: 3000 }, (_, i) => make(`a${i}`)))
    index.relatedAll({ k: 3, primeAffectedBy: true })
    let checked = 0
    let listed = 0
    for (let t = 0; t < 5; t++) {
      const x = `a${t * 17}`
      const list = index.related(x, { k: 4 })
      if (!((list[2]?.score ?? 0) > (list[3]?.score ?? 0) + 1e-6)) continue
      // The top witness leaves; an unrelated article takes its slot.
      index.remove(list[0]?.id as string)
      index.add(make(`z${t}`))
      const loaded = RelatedIndex.deserialize(index.serialize())
      // A copy of x's fourth result, with an id that sorts before it: the copy is the kept result.
      const n = { ...(index.get(list[3]?.id as string) as Article), id: `a-n${t}` }
      loaded.add(n)
      const affected = loaded.affectedBy(n.id, { k: 3 })
      const lists = loaded.related(x, { k: 3 }).some((r) => r.id === n.id || r.reasons.duplicates.includes(n.id))
      expect(affected.includes(x), `${x} lists ${n.id}: ${lists}`).toBe(lists)
      checked++
      if (lists) listed++
    }
    expect(checked).toBeGreaterThanOrEqual(3)
    expect(listed).toBeGreaterThanOrEqual(2)
  })

  it('trusts a saved memory only from the library version that wrote it, and saves none with pruned candidates', () => {
    const index = new RelatedIndex()
    index.addAll(archive(false))
    index.relatedAll({ k: 3, primeAffectedBy: true })
    const bytes = index.serialize()
    // The same file, stamped by another library version (same length, checksum made valid again).
    const view = new DataView(bytes.buffer, bytes.byteOffset)
    const length = view.getUint32(12, true)
    const body = bytes.slice(0, bytes.length - 4)
    body[16 + length - 1] = body[16 + length - 1] === 0x39 ? 0x38 : 0x39
    const other = new Uint8Array(bytes.length)
    other.set(body)
    new DataView(other.buffer).setUint32(bytes.length - 4, crc32(body), true)
    const article = arrivals()[0] as Article
    const searchedAfter = (file: Uint8Array): number => {
      const loaded = RelatedIndex.deserialize(file)
      loaded.add(article)
      let got: string[] = []
      const searched = quickSearched(loaded, () => (got = loaded.affectedBy(article.id, { k: 3 })))
      expect(got).toEqual(bruteForce(loaded, article.id, 3))
      return searched.length
    }
    expect(searchedAfter(bytes)).toBe(0)
    expect(searchedAfter(other)).toBeGreaterThan(10)

    const pruned = new RelatedIndex({ candidateTerms: 15 })
    pruned.addAll(archive(false).slice(0, 80))
    pruned.affectedBy(pruned.ids()[0] as string, { k: 3 })
    expect(new DataView(pruned.serialize().buffer).getUint32(8, true)).toBe(2)
  })

  it('keeps what a snapshot says across removals before the save (witnesses no longer stored are dropped)', () => {
    const index = new RelatedIndex()
    index.addAll(archive(false))
    index.relatedAll({ k: 3, primeAffectedBy: true })
    // Remove the top result of many lists: their entries lose a witness and are saved as hints only.
    for (const id of index.ids().slice(0, 40)) {
      if (!index.has(id)) continue
      const top = index.related(id, { k: 1 })[0]
      if (top !== undefined && index.has(top.id)) index.remove(top.id)
    }
    const loaded = RelatedIndex.deserialize(index.serialize())
    for (const article of arrivals()) {
      loaded.add(article)
      expect(loaded.affectedBy(article.id, { k: 3 }), article.id).toEqual(bruteForce(loaded, article.id, 3))
    }
  })
})
