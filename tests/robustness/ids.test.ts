import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { Article } from '../../src/article.js'
import { RelatedIndex } from '../../src/ranking/related-index.js'
import { NEWS } from '../helpers/corpus.js'
import { answers } from './helpers.js'

/** Ids that are property names of every object, look empty, or are merely huge. */
const ODD_IDS: Array<[why: string, id: string]> = [
  ['__proto__', '__proto__'],
  ['constructor', 'constructor'],
  ['hasOwnProperty', 'hasOwnProperty'],
  ['toString', 'toString'],
  ['valueOf', 'valueOf'],
  ['prototype', 'prototype'],
  ['__defineGetter__', '__defineGetter__'],
  ['a zero-width space', '\u200b'],
  ['a no-break space', '\u00a0'],
  ['a byte-order mark', '\ufeff'],
  ['a single space', ' '],
  ['a null byte', '\u0000'],
  ['a lone surrogate', '\ud800'],
  ['a right-to-left mark', '\u200f'],
  ['an emoji family', '👨‍👩‍👧‍👦'],
  ['a number-like string', '0'],
  ['"undefined"', 'undefined'],
  ['a path', '../../etc/passwd'],
  ['a 10,000-character id', 'id-'.repeat(3_334).slice(0, 10_000)],
]

// Two stories, so every odd id has a related article to find and to be found by.
const TEXTS = [
  { title: 'Wildfire near Marseille forces evacuations', body: 'A wildfire near Marseille forced hundreds to evacuate as firefighters fought the blaze.' },
  { title: 'Bank of England cuts interest rates', body: 'The Bank of England cut interest rates to 4.25% as inflation eased.' },
]
const FIRE_FOLLOW_UP: Article = {
  id: 'fire-twin',
  title: 'Marseille wildfire contained after evacuations',
  body: 'Firefighters contained the wildfire near Marseille overnight; evacuated residents began returning home.',
}
const articleFor = (id: string, i: number): Article => ({ id, ...(TEXTS[i % 2] as (typeof TEXTS)[number]), tags: [id] })

const PROTOTYPE_KEYS = Object.getOwnPropertyNames(Object.prototype).sort()

describe('ids are arbitrary strings', () => {
  it.each(ODD_IDS)('an article with id %s can be added, got, ranked, found, updated, serialised and removed', (_why, id) => {
    const index = new RelatedIndex()
    index.addAll(NEWS.filter((a) => !a.id.startsWith('fire-')))
    index.add(FIRE_FOLLOW_UP)
    index.add(articleFor(id, 0))
    expect(index.has(id)).toBe(true)
    expect(index.get(id)?.id).toBe(id)
    expect(index.ids()).toContain(id)
    const size = index.size
    // Ranked, and found by others.
    expect(index.related(id, { k: 1 })[0]?.id).toBe('fire-twin')
    expect(index.related('fire-twin', { k: 1 })[0]?.id).toBe(id)
    expect(index.relatedTo({ title: 'Marseille wildfire', body: 'Marseille evacuations' }, { k: 20 }).map((r) => r.id)).toContain(id)
    expect(index.relatedTo({ id, title: 'Marseille wildfire', body: 'Marseille' }, { k: 100 }).map((r) => r.id)).not.toContain(id)
    expect(index.relatedAll({ ids: [id] }).get(id)?.[0]?.id).toBe('fire-twin')
    expect(index.related('fire-twin', { exclude: [id], k: 100 }).map((r) => r.id)).not.toContain(id)
    expect(index.affectedBy(id)).toContain('fire-twin')
    // Round trip through a snapshot.
    const loaded = RelatedIndex.deserialize(index.serialize())
    expect(loaded.get(id)).toEqual(index.get(id))
    expect(answers(loaded)).toEqual(answers(index))
    // Update and remove.
    index.update(articleFor(id, 1))
    expect(index.get(id)?.title).toBe(TEXTS[1]?.title)
    expect(index.related('fire-twin', { k: 100 }).map((r) => r.id)).not.toContain(id)
    expect(index.remove(id)).toBe(true)
    expect(index.has(id)).toBe(false)
    expect(index.get(id)).toBeUndefined()
    expect(index.remove(id)).toBe(false)
    expect(index.size).toBe(size - 1)
    // Nothing reached Object.prototype.
    expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(PROTOTYPE_KEYS)
    expect(Object.getPrototypeOf({})).toBe(Object.prototype)
    expect(({} as Record<string, unknown>).title).toBeUndefined()
  })

  it('holds every odd id at once, each distinct from the others', () => {
    const index = new RelatedIndex()
    index.addAll(ODD_IDS.map(([, id], i) => articleFor(id, i)))
    expect(index.size).toBe(ODD_IDS.length)
    for (const [, id] of ODD_IDS) {
      expect(index.get(id)?.id).toBe(id)
      for (const r of index.related(id, { k: 1000 })) expect(index.get(r.id)?.id).toBe(r.id)
    }
    const loaded = RelatedIndex.deserialize(index.serialize())
    expect(answers(loaded)).toEqual(answers(index))
    for (const [, id] of ODD_IDS) expect(index.remove(id)).toBe(true)
    expect(index.size).toBe(0)
    expect(index.ids()).toEqual([])
    expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(PROTOTYPE_KEYS)
  })

  it('keeps ids that differ only in Unicode normalisation or case apart', () => {
    const ids = ['é', 'e\u0301', 'E\u0301', 'ﬁ', 'fi', 'Ⅸ', 'IX']
    const index = new RelatedIndex()
    index.addAll(ids.map((id, i) => articleFor(id, i)))
    expect(index.size).toBe(ids.length)
    for (const id of ids) expect(index.get(id)?.id).toBe(id)
  })

  it('treats any non-empty string as an id (property)', () => {
    const anyId = fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)), minLength: 1, maxLength: 40 })
    fc.assert(
      fc.property(fc.uniqueArray(fc.oneof(anyId, fc.constantFrom(...ODD_IDS.map(([, id]) => id))), { minLength: 1, maxLength: 8 }), (ids) => {
        const index = new RelatedIndex()
        index.addAll(ids.map((id, i) => articleFor(id, i)))
        const loaded = RelatedIndex.deserialize(index.serialize())
        for (const id of ids) {
          expect(index.get(id)?.id).toBe(id)
          expect(loaded.get(id)?.id).toBe(id)
          expect(loaded.related(id, { k: 1000 })).toEqual(index.related(id, { k: 1000 }))
        }
        for (const id of ids) expect(index.remove(id)).toBe(true)
        expect(index.size).toBe(0)
      }),
      { numRuns: 40 },
    )
    expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(PROTOTYPE_KEYS)
  })
})
