import fc from 'fast-check'
import { setImmediate as nextTurn } from 'node:timers/promises'
import { describe, expect, it } from 'vitest'
import type { Article } from '../../src/article.js'
import { RelatedArticlesError } from '../../src/errors.js'
import { RelatedIndex } from '../../src/ranking/related-index.js'
import type { RelatedResult } from '../../src/ranking/result.js'
import { NEWS } from '../helpers/corpus.js'
import { DRAFT, answers, thrown } from './helpers.js'

// A service holds one index; request handlers query it while an ingest task adds, updates and
// removes articles, every step separated by an await. JavaScript runs one step at a time, so each
// query must see the article set as it was after some whole mutation: never an article that
// `has` reports but its own lookups miss, never a result whose `get` is undefined.

const INITIAL = NEWS.slice(0, 5)
const INCOMING: Article[] = [
  ...NEWS.slice(5),
  { id: '__proto__', title: 'Marseille wildfire spreads', body: 'The wildfire near Marseille spread overnight.' },
  { id: 'constructor', title: 'Bank of England holds rates', body: 'The Bank of England held interest rates at 4.25%.' },
]

type Mutation = { kind: 'add' | 'update'; article: Article } | { kind: 'remove'; id: string }

const mutationOf = fc.oneof(
  fc.nat({ max: INCOMING.length - 1 }).map((i): Mutation => ({ kind: 'add', article: INCOMING[i] as Article })),
  fc
    .tuple(fc.nat({ max: NEWS.length - 1 }), fc.constantFrom('Update: ', 'Corrected: '))
    .map(([i, prefix]): Mutation => {
      const a = NEWS[i] as Article
      return { kind: 'update', article: { ...a, title: prefix + a.title } }
    }),
  fc.constantFrom(...NEWS.map((a) => a.id), '__proto__').map((id): Mutation => ({ kind: 'remove', id })),
)

/** Applies a mutation to the index and the model together; a refused add leaves both as they were. */
function apply(index: RelatedIndex, model: Map<string, Article>, m: Mutation): void {
  if (m.kind === 'remove') {
    expect(index.remove(m.id)).toBe(model.delete(m.id))
  } else if (m.kind === 'update') {
    index.update(m.article)
    model.set(m.article.id, m.article)
  } else if (model.has(m.article.id)) {
    expect((thrown(() => index.add(m.article)) as RelatedArticlesError).code).toBe('DUPLICATE_ID')
  } else {
    index.add(m.article)
    model.set(m.article.id, m.article)
  }
}

/** A request handler's view: everything must agree with the model of whole mutations. */
function checkView(index: RelatedIndex, model: Map<string, Article>): void {
  const ids = index.ids().sort()
  expect(ids).toEqual([...model.keys()].sort())
  expect(index.size).toBe(model.size)
  const lists: RelatedResult[][] = [index.relatedTo(DRAFT, { k: 1000 })]
  for (const id of ids) {
    expect(index.has(id)).toBe(true)
    expect(index.get(id)).toEqual(model.get(id))
    lists.push(index.related(id, { k: 1000 }))
  }
  for (const list of lists) {
    for (const r of list) {
      expect(index.has(r.id)).toBe(true)
      expect(index.get(r.id)).toBeDefined()
      for (const d of r.reasons.duplicates) expect(index.get(d)).toBeDefined()
    }
  }
}

/** The newest view equals a fresh index of the model: the same lists, scores within 1e-9. */
function checkAgainstRebuild(index: RelatedIndex, model: Map<string, Article>): void {
  const rebuilt = new RelatedIndex()
  rebuilt.addAll(model.values())
  for (const id of model.keys()) {
    const a = index.related(id, { k: 1000, foldDuplicates: false })
    const b = new Map(rebuilt.related(id, { k: 1000, foldDuplicates: false }).map((r) => [r.id, r.score]))
    expect(a.map((r) => r.id).sort()).toEqual([...b.keys()].sort())
    for (const r of a) expect(Math.abs(r.score - (b.get(r.id) as number))).toBeLessThan(1e-9)
  }
}

describe('queries while articles are added, in a service', () => {
  it('with interleavings chosen by fast-check: every query sees a whole article set, never a half-indexed article', async () => {
    await fc.assert(
      fc.asyncProperty(fc.scheduler(), fc.array(mutationOf, { minLength: 1, maxLength: 8 }), async (s, mutations) => {
        const index = new RelatedIndex()
        index.addAll(INITIAL)
        const model = new Map(INITIAL.map((a) => [a.id, a]))
        const step = (label: string): Promise<void> => s.schedule(Promise.resolve(), label)
        const ingest = async (): Promise<void> => {
          for (const m of mutations) {
            await step(`mutate ${m.kind}`)
            apply(index, model, m)
          }
        }
        const handler = async (name: string): Promise<void> => {
          for (let i = 0; i < mutations.length + 1; i++) {
            await step(`${name} query`)
            checkView(index, model)
          }
        }
        const done = Promise.all([ingest(), handler('reader A'), handler('reader B')])
        await s.waitAll()
        await done
        checkAgainstRebuild(index, model)
      }),
      { numRuns: 25 },
    )
  })

  it('with setImmediate between steps: readers never see a result whose get is undefined', async () => {
    const index = new RelatedIndex()
    index.addAll(INITIAL)
    const model = new Map(INITIAL.map((a) => [a.id, a]))
    let ingesting = true
    const ingest = async (): Promise<void> => {
      for (const article of INCOMING) {
        await nextTurn()
        apply(index, model, { kind: 'add', article })
        // The newest article is fully queryable the moment add returns.
        expect(index.related(article.id, { k: 3 }).length).toBeGreaterThanOrEqual(0)
        await nextTurn()
        apply(index, model, { kind: 'update', article: { ...article, body: `${article.body} (updated)` } })
      }
      for (const article of INCOMING.slice(0, 3)) {
        await nextTurn()
        apply(index, model, { kind: 'remove', id: article.id })
      }
      ingesting = false
    }
    let views = 0
    const reader = async (): Promise<void> => {
      while (ingesting) {
        checkView(index, model)
        views++
        await nextTurn()
      }
    }
    await Promise.all([ingest(), reader(), reader(), reader()])
    expect(views).toBeGreaterThan(INCOMING.length)
    checkAgainstRebuild(index, model)
  })

  it('an iteration of related lists spread over awaits never mixes versions: it stops with INVALID_STATE after a change', async () => {
    const index = new RelatedIndex()
    index.addAll(INITIAL)
    const before = new Map(index.relatedAll({ k: 5 }))
    const seen: string[] = []
    let stopped: unknown
    const consume = async (): Promise<void> => {
      try {
        for (const [id, list] of index.iterateRelated({ k: 5 })) {
          expect(list).toEqual(before.get(id))
          seen.push(id)
          await nextTurn()
        }
      } catch (error) {
        stopped = error
      }
    }
    const ingest = async (): Promise<void> => {
      await nextTurn()
      index.add(INCOMING[0] as Article)
    }
    await Promise.all([consume(), ingest()])
    expect(seen.length).toBeGreaterThan(0)
    expect(seen.length).toBeLessThan(INITIAL.length)
    expect(stopped).toBeInstanceOf(RelatedArticlesError)
    expect((stopped as RelatedArticlesError).code).toBe('INVALID_STATE')
  })
})

describe('callbacks that run inside a call', () => {
  it("a query inside addAll's onProgress sees the index as it was before the batch", () => {
    const index = new RelatedIndex()
    index.addAll(INITIAL)
    const before = answers(index)
    const views: unknown[] = []
    index.addAll(INCOMING.slice(0, 3), {
      onProgress: () => {
        for (const a of INCOMING.slice(0, 3)) expect(index.has(a.id)).toBe(false)
        views.push(answers(index))
      },
    })
    expect(views).toEqual([before, before, before])
    expect(index.size).toBe(INITIAL.length + 3)
  })

  it("a query's filter may read the index with get, has and ids, but may not query or change it", () => {
    const index = new RelatedIndex()
    index.addAll([...INITIAL, ...INCOMING])
    const plain = index.related('ukr-talks-1', { k: 1000 })
    const readers = index.related('ukr-talks-1', { k: 1000, filter: (a) => index.has(a.id) && index.get(a.id) === a && index.ids().includes(a.id) })
    expect(readers).toEqual(plain)
    const forbidden: Array<[string, () => unknown]> = [
      ['related', () => index.related('fire-1')],
      ['relatedTo', () => index.relatedTo(DRAFT)],
      ['relatedExhaustive', () => index.relatedExhaustive('fire-1')],
      ['affectedBy', () => index.affectedBy('fire-1')],
      ['copiesOf', () => index.copiesOf('fire-1')],
      ['iterateRelated', () => index.iterateRelated()],
      ['add', () => index.add({ id: 'x', title: 't', body: 'b' })],
      ['update', () => index.update(INITIAL[0] as Article)],
      ['remove', () => index.remove('fire-1')],
      ['addAll', () => index.addAll([])],
    ]
    for (const [name, call] of forbidden) {
      const errors: unknown[] = []
      const results = index.related('ukr-talks-1', {
        k: 1000,
        filter: () => {
          errors.push(thrown(call))
          return true
        },
      })
      expect(results, name).toEqual(plain)
      expect(errors.length).toBeGreaterThan(0)
      for (const e of errors) expect((e as RelatedArticlesError).code, name).toBe('INVALID_STATE')
    }
    // The index is usable again once the query returns.
    expect(index.related('ukr-talks-1', { k: 1000 })).toEqual(plain)
  })
})
