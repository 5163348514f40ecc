import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { Article } from '../../src/article.js'
import { RelatedIndex, internalsOf } from '../../src/ranking/related-index.js'

/**
 * The store keeps an article in fewer bytes than the caller's object where it can (without a
 * `publishedAt` its stored time writes back exactly, with its fields in the object itself), and
 * every way an article leaves the index (`get`, a query's `filter`, a snapshot) still gives the
 * documented fields exactly as they were added, in the same order.
 */

const DAY = 86_400_000

/** `publishedAt` in each form a caller may give, some of which the store can write back from the time alone. */
const dates = fc.oneof(
  fc.constant(undefined),
  // Canonical: what toISOString and JSON.stringify(date) write, from 1900 to 2100.
  fc.integer({ min: -70 * 365, max: 130 * 365 }).chain((d) => fc.integer({ min: 0, max: DAY - 1 }).map((ms) => new Date(d * DAY + ms).toISOString())),
  // Same instants, other spellings: no milliseconds, a date only, an offset.
  fc.integer({ min: 0, max: 60 * 365 }).map((d) => new Date(d * DAY).toISOString().replace('.000Z', 'Z')),
  fc.integer({ min: 0, max: 60 * 365 }).map((d) => new Date(d * DAY).toISOString().slice(0, 10)),
  fc.integer({ min: 0, max: 60 * 365 }).map((d) => new Date(d * DAY).toISOString().replace('Z', '+00:00')),
  fc.integer({ min: 0, max: 60 * 365 }).map((d) => new Date(d * DAY)),
)

const optional = <T>(arb: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> => fc.option(arb, { nil: undefined })

const articleArb = fc
  .record({
    publishedAt: dates,
    section: optional(fc.constantFrom('World', 'Business')),
    source: optional(fc.constantFrom('reuters.com', 'wral.com')),
    url: optional(fc.webUrl()),
    tags: optional(fc.array(fc.constantFrom('Tariffs', 'Ukraine war'), { maxLength: 2 })),
    entities: optional(fc.array(fc.constantFrom('Istanbul', 'Sergey Lavrov'), { maxLength: 2 })),
  })
  .map((extra) => {
    // Only the fields present, in the order validateArticle copies them.
    const article: Record<string, unknown> = { id: '', title: 'Talks in Istanbul end without a ceasefire', body: 'Delegations met in Istanbul for talks on a ceasefire.' }
    for (const [key, value] of Object.entries(extra)) if (value !== undefined) article[key] = value
    return article as unknown as Article
  })

/** A plain, comparable view: keys in order, Dates as tagged strings. */
function view(article: Article | undefined): unknown {
  if (article === undefined) return undefined
  return Object.entries(article).map(([k, v]) => [k, v instanceof Date ? `Date ${v.toISOString()}` : v])
}

describe('ArticleStore: what it keeps of an article', () => {
  it('gives back every article exactly as added, through get, filter and a snapshot', () => {
    fc.assert(
      fc.property(fc.array(articleArb, { minLength: 1, maxLength: 6 }), (drafts) => {
        const articles = drafts.map((a, i) => ({ ...a, id: `a${i}` }))
        const index = new RelatedIndex()
        index.addAll(articles)
        const seen = new Map<string, unknown>()
        index.related('a0', { k: 10, filter: (a) => (seen.set(a.id, view(a)), true) })
        const loaded = RelatedIndex.deserialize(index.serialize())
        for (const article of articles) {
          expect(view(index.get(article.id))).toEqual(view(article))
          expect(view(loaded.get(article.id))).toEqual(view(article))
          if (seen.has(article.id)) expect(seen.get(article.id)).toEqual(view(article))
        }
      }),
      { numRuns: 60 },
    )
  })

  it('drops only a publishedAt its time writes back exactly, and keeps the same object until the article changes', () => {
    const index = new RelatedIndex()
    const body = 'The central bank cut its main rate by a quarter point on Thursday.'
    index.addAll([
      { id: 'canonical', title: 'Rates cut', body, publishedAt: '2025-05-08T12:00:00.000Z', source: 'reuters.com' },
      { id: 'no-millis', title: 'Rates cut', body, publishedAt: '2025-05-08T12:00:00Z' },
      { id: 'date', title: 'Rates cut', body, publishedAt: new Date('2025-05-08T12:00:00Z') },
      { id: 'undated', title: 'Rates cut', body },
    ])
    const { store } = internalsOf(index)
    const stored = (id: string): Article => store.storedAt(store.slotOf(id) as number) as Article
    expect(stored('canonical').publishedAt).toBeUndefined()
    expect(Object.isFrozen(stored('canonical'))).toBe(true)
    expect(stored('no-millis').publishedAt).toBe('2025-05-08T12:00:00Z')
    expect(stored('date').publishedAt).toBeInstanceOf(Date)
    expect(index.get('canonical')?.publishedAt).toBe('2025-05-08T12:00:00.000Z')
    expect(Object.isFrozen(index.get('canonical'))).toBe(true)

    // The stored object is what affectedBy's memory compares to tell a changed slot from a kept one.
    const kept = stored('canonical')
    index.related('no-millis', { k: 3 })
    expect(stored('canonical')).toBe(kept)
    index.update({ id: 'canonical', title: 'Rates cut', body, publishedAt: '2025-05-09T12:00:00.000Z' })
    expect(stored('canonical')).not.toBe(kept)
    expect(index.get('canonical')?.publishedAt).toBe('2025-05-09T12:00:00.000Z')
  })

  it('keeps articles exact through a compaction, and through an update after a load', () => {
    const index = new RelatedIndex()
    const articles: Article[] = Array.from({ length: 3000 }, (_, i) => ({
      id: `a${i}`,
      title: `Port strike enters day ${i}`,
      body: `Dock workers in Rotterdam stayed out for day ${i} of the strike over pay.`,
      publishedAt: new Date(Date.UTC(2024, 0, 1) + i * 3_600_000).toISOString(),
      ...(i % 3 === 0 ? { section: 'Business', url: `https://example.com/${i}` } : {}),
    }))
    index.addAll(articles)
    const { store } = internalsOf(index)
    for (let i = 0; i < 2900; i++) index.remove(`a${i}`)
    expect(store.compactionCount).toBeGreaterThan(0)
    for (const article of articles.slice(2900)) expect(view(index.get(article.id))).toEqual(view(article))

    const loaded = RelatedIndex.deserialize(index.serialize())
    const updated = { ...(articles[2950] as Article), title: 'Port strike ends', publishedAt: '2024-06-01T00:00:00.000Z' }
    loaded.update(updated)
    expect(view(loaded.get('a2950'))).toEqual(view(updated))
    expect(view(loaded.get('a2951'))).toEqual(view(articles[2951]))
  })

  it('pastOnly and publishedAfter still see the dropped dates', () => {
    const index = new RelatedIndex()
    index.addAll([
      { id: 'old', title: 'Wildfire forces evacuations near Athens', body: 'A wildfire forced evacuations in the hills above Athens as winds rose.', publishedAt: '2025-01-01T00:00:00.000Z' },
      { id: 'mid', title: 'Athens wildfire spreads', body: 'The wildfire above Athens spread overnight and more villages were evacuated.', publishedAt: '2025-03-01T00:00:00.000Z' },
      { id: 'new', title: 'Athens wildfire contained', body: 'Firefighters contained the wildfire above Athens and evacuated villagers returned.', publishedAt: '2025-06-01T00:00:00.000Z' },
    ])
    expect(index.related('mid', { k: 5, pastOnly: true }).map((r) => r.id)).toEqual(['old'])
    expect(index.related('mid', { k: 5, publishedAfter: '2025-02-01T00:00:00Z' }).map((r) => r.id)).toEqual(['new'])
    expect(index.related('mid', { k: 5 }).map((r) => r.id).sort()).toEqual(['new', 'old'])
  })
})
