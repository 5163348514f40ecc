import { describe, expect, it } from 'vitest'
import { RelatedArticlesError } from '../../src/errors.js'
import { RelatedIndex } from '../../src/ranking/related-index.js'
import { NEWS } from '../helpers/corpus.js'
import type { Article } from '../../src/article.js'

function build(options: ConstructorParameters<typeof RelatedIndex>[0] = {}): RelatedIndex {
  const index = new RelatedIndex(options)
  index.addAll(NEWS)
  return index
}

describe('RelatedIndex.related', () => {
  const index = build()

  it('ranks the other articles of the same story first', () => {
    const top = index.related('ukr-talks-1', { k: 2 }).map((r) => r.id)
    expect(top).toEqual(['ukr-talks-2', 'ukr-drone'])
    expect(index.related('fire-1', { k: 1 })[0]?.id).toBe('fire-2')
  })

  it('never returns the query article itself', () => {
    for (const a of NEWS) expect(index.related(a.id, { k: 50 }).map((r) => r.id)).not.toContain(a.id)
  })

  it('keeps every score and signal value in [0, 1], with contributions summing to the score', () => {
    for (const a of NEWS) {
      for (const r of index.related(a.id, { k: 50 })) {
        expect(r.score).toBeGreaterThan(0)
        expect(r.score).toBeLessThanOrEqual(1)
        const parts = Object.values(r.signals)
        for (const s of parts) {
          expect(s.value).toBeGreaterThanOrEqual(0)
          expect(s.value).toBeLessThanOrEqual(1)
        }
        expect(parts.reduce((sum, s) => sum + s.contribution, 0)).toBeCloseTo(r.score, 12)
      }
    }
  })

  it('gives inactive signals one frozen zero score and active ones a score of their own', () => {
    const results = NEWS.flatMap((a) => index.related(a.id, { k: 50 }))
    const inactive = results.flatMap((r) => Object.values(r.signals)).filter((s) => s.weight === 0)
    const active = results.flatMap((r) => Object.values(r.signals)).filter((s) => s.weight > 0)
    expect(inactive.length).toBeGreaterThan(results.length) // entities and embedding at least
    for (const s of inactive) {
      expect(s).toEqual({ value: 0, weight: 0, contribution: 0 })
      expect(Object.isFrozen(s)).toBe(true)
    }
    expect(new Set(inactive).size).toBe(1)
    expect(active.every((s) => !Object.isFrozen(s))).toBe(true)
    expect(new Set(active).size).toBe(active.length)
  })

  it('explains a result with shared entities, readable shared words, shared tags and days apart', () => {
    const r = index.related('ukr-talks-1', { k: 1 })[0]
    expect(r?.reasons.sharedEntities).toEqual(expect.arrayContaining(['Istanbul']))
    expect(r?.reasons.sharedTags).toEqual(['Ukraine war'])
    expect(r?.reasons.daysApart).toBe(0)
    // readable words, never stems such as "ceasefir"
    expect(r?.reasons.sharedTerms).toContain('ceasefire')
  })

  it('folds a light update of a higher result into it instead of listing both, at a threshold below 1', () => {
    // The default (1) folds only the same text; a light update folds from 0.9.
    const index = build({ duplicateThreshold: 0.9 })
    const results = index.related('rates-1', { k: 5 })
    const ids = results.map((r) => r.id)
    expect(ids.filter((id) => id.startsWith('rates-2'))).toHaveLength(1)
    const kept = results.find((r) => r.id.startsWith('rates-2'))
    expect(kept?.reasons.duplicates).toHaveLength(1)
    const unfolded = index.related('rates-1', { k: 5, foldDuplicates: false }).map((r) => r.id)
    expect(build().related('rates-1', { k: 5 }).map((r) => r.id)).toEqual(expect.arrayContaining(['rates-2', 'rates-2-copy']))
    expect(unfolded).toEqual(expect.arrayContaining(['rates-2', 'rates-2-copy']))
  })

  it('leaves out a copy of the article being read', () => {
    expect(build({ duplicateThreshold: 0.9 }).related('rates-2', { k: 5 }).map((r) => r.id)).not.toContain('rates-2-copy')
    // The same text under another id is left out at the default threshold of 1.
    const exact = build()
    const rates2 = exact.get('rates-2') as Article
    exact.add({ ...rates2, id: 'rates-2-wire' })
    expect(exact.related('rates-2', { k: 5 }).map((r) => r.id)).not.toContain('rates-2-wire')
  })

  it('applies k, minScore, exclude, filter and sections before the top-k cut', () => {
    expect(index.related('ukr-talks-1', { k: 1 })).toHaveLength(1)
    expect(index.related('ukr-talks-1', { exclude: ['ukr-talks-2'] }).map((r) => r.id)).not.toContain('ukr-talks-2')
    const business = index.related('ukr-talks-1', { sections: { include: ['Business'] }, k: 2 })
    expect(business.length).toBeGreaterThan(0)
    for (const r of business) expect(index.get(r.id)?.section).toBe('Business')
    const noWorld = index.related('ukr-talks-1', { sections: { exclude: ['World'] }, k: 20 })
    for (const r of noWorld) expect(index.get(r.id)?.section).not.toBe('World')
    const filtered = index.related('ukr-talks-1', { filter: (a) => a.id.startsWith('fire'), k: 5 })
    for (const r of filtered) expect(r.id.startsWith('fire')).toBe(true)
    const high = index.related('ukr-talks-1', { minScore: 0.2, k: 50 })
    for (const r of high) expect(r.score).toBeGreaterThanOrEqual(0.2)
  })

  it('honours pastOnly and date windows, keeping undated articles', () => {
    const past = index.related('ukr-drone', { pastOnly: true, k: 50 })
    for (const r of past) expect(Date.parse(String(index.get(r.id)?.publishedAt))).toBeLessThanOrEqual(Date.parse('2025-05-18T06:00:00Z'))
    const window = index.related('rates-1', { publishedAfter: '2025-05-09', publishedBefore: '2025-05-10', k: 50 })
    for (const r of window) expect(String(index.get(r.id)?.publishedAt).startsWith('2025-05-09')).toBe(true)
  })

  it('takes now (default: the current time) as the pastOnly reference of an undated draft', () => {
    const archive = new RelatedIndex()
    archive.add({ id: 'old', title: 'Harbour flood closes port', body: 'The harbour flood closed the port of Hull.', publishedAt: '2020-03-01T00:00:00Z' })
    archive.add({ id: 'future', title: 'Harbour flood closes port again', body: 'The harbour flood closed the port of Hull again.', publishedAt: '2099-03-01T00:00:00Z' })
    archive.add({ id: 'undated', title: 'Harbour flood history', body: 'Floods at the harbour of Hull over the years.' })
    const draft = { title: 'Harbour flood', body: 'A harbour flood in Hull closed the port.' }
    const ids = (options: Parameters<RelatedIndex['relatedTo']>[1]): string[] => archive.relatedTo(draft, { foldDuplicates: false, ...options }).map((r) => r.id).sort()
    expect(ids({ k: 10 })).toEqual(['future', 'old', 'undated'])
    expect(ids({ k: 10, pastOnly: true })).toEqual(['old', 'undated'])
    expect(ids({ k: 10, pastOnly: true, now: '2100-01-01T00:00:00Z' })).toEqual(['future', 'old', 'undated'])
    expect(ids({ k: 10, pastOnly: true, now: new Date('2019-01-01T00:00:00Z') })).toEqual(['undated'])
    // A dated draft is its own reference: now does not move it.
    expect(archive.relatedTo({ ...draft, publishedAt: '2021-01-01T00:00:00Z' }, { k: 10, pastOnly: true, now: '2100-01-01', foldDuplicates: false }).map((r) => r.id).sort()).toEqual(['old', 'undated'])
    const error = (() => {
      try {
        archive.relatedTo(draft, { pastOnly: true, now: 'soon' as never })
      } catch (e) {
        return e
      }
      return undefined
    })()
    expect(error).toBeInstanceOf(RelatedArticlesError)
    expect((error as RelatedArticlesError).code).toBe('INVALID_OPTION')
    expect((error as RelatedArticlesError).field).toBe('now')
  })

  it('prefers closer dates under a short half-life and ignores time with a zero time weight', () => {
    const withTime = index.related('ukr-talks-1', { k: 5, halfLifeDays: 0.5, weights: { time: 0.5 } })
    const noTime = index.related('ukr-talks-1', { k: 5, weights: { time: 0 } })
    for (const r of noTime) expect(r.signals.time.weight).toBe(0)
    expect(withTime[0]?.signals.time.value).toBeGreaterThan(0.5)
  })

  it('makes the decay asymmetric with older and newer half-lives', () => {
    const newer = index.related('ukr-talks-1', { k: 5, newerHalfLifeDays: 0.01, olderHalfLifeDays: 1000, timeDecay: 'exponential', weights: { time: 5 } })
    const drone = newer.find((r) => r.id === 'ukr-drone')
    expect(drone?.signals.time.value ?? 0).toBeLessThan(0.001)
  })

  it('spreads results over stories with diversity', () => {
    const plain = index.related('rates-1', { k: 2, foldDuplicates: false }).map((r) => r.id)
    const diverse = index.related('rates-1', { k: 2, foldDuplicates: false, diversity: 0.9 }).map((r) => r.id)
    expect(plain.every((id) => id.startsWith('rates-2'))).toBe(true)
    expect(diverse.filter((id) => id.startsWith('rates-2'))).toHaveLength(1)
    expect(diverse).toContain('fed-hold')
  })

  it('breaks ties by the documented chain, ending in id order', () => {
    const twins = new RelatedIndex()
    const body = 'Firefighters battled a wildfire near Marseille as thousands of residents were evacuated.'
    twins.addAll([
      { id: 'q', title: 'Marseille wildfire', body },
      { id: 'b', title: 'Wildfire near Marseille', body: 'A wildfire near Marseille burned homes.' },
      { id: 'a', title: 'Wildfire near Marseille', body: 'A wildfire near Marseille burned homes.' },
    ])
    const ids = twins.related('q', { foldDuplicates: false }).map((r) => r.id)
    expect(ids).toEqual(['a', 'b'])
  })
})

describe('RelatedIndex.relatedTo', () => {
  const index = build()

  it('ranks stored articles for an unsaved draft without an id', () => {
    const results = index.relatedTo({
      title: 'Wildfire near Marseille flares up again',
      body: 'Strong winds revived the wildfire near Marseille, and firefighters evacuated more homes.',
    })
    expect(results[0]?.id.startsWith('fire')).toBe(true)
  })

  it('excludes a stored article with the same id as the draft', () => {
    const results = index.relatedTo({ id: 'fire-1', title: 'Wildfire near Marseille', body: 'Marseille wildfire update.' })
    expect(results.map((r) => r.id)).not.toContain('fire-1')
  })
})

describe('RelatedIndex mutation', () => {
  it('adds, updates, removes and reports size, has and get', () => {
    const index = build()
    expect(index.size).toBe(NEWS.length)
    expect(index.has('fire-1')).toBe(true)
    expect(index.get('fire-1')?.title).toContain('Wildfire')
    expect(index.remove('fire-1')).toBe(true)
    expect(index.remove('fire-1')).toBe(false)
    expect(index.has('fire-1')).toBe(false)
    expect(index.related('fire-2').map((r) => r.id)).not.toContain('fire-1')
    index.update({ id: 'fire-2', title: 'Bank of England governor speaks', body: 'Andrew Bailey spoke on interest rates.' })
    expect(index.related('rates-1', { k: 4 }).map((r) => r.id)).toContain('fire-2')
  })

  it('stores only the documented fields, never label fields', () => {
    const index = new RelatedIndex()
    index.add({ id: 'x', title: 'T', body: 'B', story: 'label' } as never)
    expect(index.get('x')).toEqual({ id: 'x', title: 'T', body: 'B' })
  })

  it('reports progress for every article of addAll', () => {
    const index = new RelatedIndex()
    const seen: number[] = []
    index.addAll(NEWS, { onProgress: (p) => seen.push(p.done) })
    expect(seen).toEqual(NEWS.map((_, i) => i + 1))
  })

  it('lists the cached lists an added article enters', () => {
    const index = build()
    index.add({
      id: 'fire-3',
      title: 'Marseille wildfire: residents return home',
      body: 'Residents evacuated by the wildfire near Marseille returned home on Thursday as firefighters kept watch.',
      publishedAt: '2025-07-10T08:00:00Z',
      tags: ['Wildfires'],
    })
    const affected = index.affectedBy('fire-3', { k: 3 })
    expect(affected).toEqual(expect.arrayContaining(['fire-1', 'fire-2']))
    for (const id of affected) expect(index.related(id, { k: 3 }).some((r) => r.id === 'fire-3' || r.reasons.duplicates.includes('fire-3'))).toBe(true)
  })

  it('accepts ids such as __proto__ and constructor as ordinary ids', () => {
    const index = new RelatedIndex()
    index.addAll([
      { id: '__proto__', title: 'Wildfire near Marseille', body: 'Wildfire near Marseille forces evacuations.' },
      { id: 'constructor', title: 'Marseille wildfire spreads', body: 'The Marseille wildfire spread overnight.' },
      { id: 'hasOwnProperty', title: 'Interest rates cut', body: 'The central bank cut interest rates.' },
    ])
    expect(index.size).toBe(3)
    expect(index.related('__proto__')[0]?.id).toBe('constructor')
    expect(index.remove('__proto__')).toBe(true)
    expect(({} as Record<string, unknown>).title).toBeUndefined()
  })
})

describe('RelatedIndex bad input', () => {
  const cases: Array<[string, () => unknown, string, RegExp]> = [
    ['a missing id', () => new RelatedIndex().add({ title: 't', body: 'b' } as never), 'INVALID_ARTICLE', /^id must be a non-empty string, got undefined/],
    ['an empty id', () => new RelatedIndex().add({ id: '', title: 't', body: 'b' }), 'INVALID_ARTICLE', /^id must be a non-empty string/],
    ['a numeric id', () => new RelatedIndex().add({ id: 7, title: 't', body: 'b' } as never), 'INVALID_ARTICLE', /got number 7/],
    ['a missing title', () => new RelatedIndex().add({ id: 'a', body: 'b' } as never), 'INVALID_ARTICLE', /^title \(article "a"\) must be a string/],
    ['a non-string body', () => new RelatedIndex().add({ id: 'a', title: 't', body: 5 } as never), 'INVALID_ARTICLE', /^body .* must be a string, got number 5/],
    ['an invalid date', () => new RelatedIndex().add({ id: 'a', title: 't', body: 'b', publishedAt: 'yesterday' }), 'INVALID_ARTICLE', /^publishedAt .* ISO 8601/],
    ['non-array tags', () => new RelatedIndex().add({ id: 'a', title: 't', body: 'b', tags: 'x' } as never), 'INVALID_ARTICLE', /^tags .* an array of strings/],
    ['a non-string tag', () => new RelatedIndex().add({ id: 'a', title: 't', body: 'b', tags: ['x', 3] } as never), 'INVALID_ARTICLE', /^tags\[1\]/],
    ['an unknown index option', () => new RelatedIndex({ tittleWeight: 2 } as never), 'INVALID_OPTION', /unknown option "tittleWeight"/],
    ['a NaN weight', () => new RelatedIndex({ weights: { text: NaN } }), 'INVALID_OPTION', /^weights.text must be a number/],
    ['all-zero weights', () => new RelatedIndex({ weights: { text: 0, entities: 0, tags: 0 } }), 'INVALID_OPTION', /at least one of text/],
    ['a negative k', () => build().related('fire-1', { k: -1 }), 'INVALID_OPTION', /^k must be an integer from 1 to 1000/],
    ['a fractional k', () => build().related('fire-1', { k: 2.5 }), 'INVALID_OPTION', /^k must be an integer/],
    ['a huge k', () => build().related('fire-1', { k: 5000 }), 'LIMIT_EXCEEDED', /^k must be at most 1000 \(MAX_K\)/],
    ['an unknown query option', () => build().related('fire-1', { kk: 2 } as never), 'INVALID_OPTION', /unknown option "kk"/],
    ['a bad date window', () => build().related('fire-1', { publishedAfter: 'soon' }), 'INVALID_OPTION', /^publishedAfter/],
    ['an id that is not stored', () => build().related('nope'), 'NOT_FOUND', /"nope"/],
  ]
  it.each(cases)('rejects %s with a typed error naming the field', (_name, call, code, message) => {
    let error: unknown
    try {
      call()
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(RelatedArticlesError)
    expect((error as RelatedArticlesError).code).toBe(code)
    expect((error as RelatedArticlesError).message).toMatch(message)
  })

  it('rejects a duplicate id and leaves the index unchanged', () => {
    const index = build()
    const before = NEWS.map((a) => index.related(a.id, { k: 20 }))
    expect(() => index.add({ ...NEWS[0]!, title: 'other' })).toThrow(expect.objectContaining({ code: 'DUPLICATE_ID' }))
    expect(NEWS.map((a) => index.related(a.id, { k: 20 }))).toEqual(before)
  })

  it('stores nothing when addAll fails at its last article', () => {
    const index = build()
    const before = NEWS.map((a) => index.related(a.id, { k: 20 }))
    const batch = [
      { id: 'new-1', title: 'Wildfire', body: 'Wildfire near Marseille.' },
      { id: 'new-2', title: 'Rates', body: 'Interest rates.' },
      { id: 'new-3', title: 'Broken', body: null },
    ]
    expect(() => index.addAll(batch as never)).toThrow(/articles\[2\]: body/)
    expect(index.size).toBe(NEWS.length)
    expect(index.has('new-1')).toBe(false)
    expect(NEWS.map((a) => index.related(a.id, { k: 20 }))).toEqual(before)
  })

  it('keeps the old version when update fails', () => {
    const index = build()
    const before = index.get('fire-1')
    expect(() => index.update({ id: 'fire-1', title: 'x', body: 'y', publishedAt: 'bad' })).toThrow(RelatedArticlesError)
    expect(index.get('fire-1')).toBe(before)
  })
})

describe('RelatedIndex.options and warmUp', () => {
  it('reads the options in effect, also after deserialize, and they rebuild an index that ranks the same', () => {
    const original = build({ weights: { time: 0 }, titleWeight: 3, maxArticleLength: 50_000 })
    const loaded = RelatedIndex.deserialize(original.serialize())
    expect(loaded.options).toEqual(original.options)
    expect(loaded.options.weights.time).toBe(0)
    expect(loaded.options.titleWeight).toBe(3)
    expect(loaded.options.maxArticleLength).toBe(50_000)
    const copy = loaded.options
    copy.weights.text = 99
    expect(loaded.options.weights.text).not.toBe(99)
    const rebuilt = build(loaded.options)
    for (const a of NEWS) expect(rebuilt.related(a.id, { k: 5 })).toEqual(original.related(a.id, { k: 5 }))
  })

  it('warmUp changes nothing in the index', () => {
    const index = build()
    const before = index.serialize()
    const analysed = index.analysedCount
    index.warmUp()
    expect(index.analysedCount).toBe(analysed)
    expect(index.serialize()).toEqual(before)
  })
})
