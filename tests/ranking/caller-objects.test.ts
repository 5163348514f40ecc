import { describe, expect, it } from 'vitest'
import type { AnalyzerOptions } from '../../src/analysis/index.js'
import type { Article } from '../../src/article.js'
import { RelatedIndex } from '../../src/ranking/related-index.js'
import { NEWS } from '../helpers/corpus.js'

/**
 * The index copies what it stores, so a caller changing their own objects afterwards (a `Date`
 * reused for the next article, a clutter list extended for another site) changes nothing: not
 * what `get()` returns, not what is serialised, not how a loaded snapshot ranks.
 */
function answers(index: RelatedIndex): unknown {
  return index
    .ids()
    .sort()
    .map((id) => [id, index.related(id, { k: 5 }).map((r) => [r.id, r.score, r.reasons])])
}

describe('objects passed by the caller', () => {
  it('keeps a Date publishedAt as it was when added', () => {
    const when = new Date('2025-05-16T10:00:00Z')
    const index = new RelatedIndex()
    index.addAll(NEWS.map((a) => (a.id === 'ukr-talks-1' ? { ...a, publishedAt: when } : a)))
    const before = answers(index)
    when.setTime(Date.parse('1999-01-01T00:00:00Z'))
    expect((index.get('ukr-talks-1')?.publishedAt as Date).toISOString()).toBe('2025-05-16T10:00:00.000Z')
    expect(answers(index)).toEqual(before)
    expect(answers(RelatedIndex.deserialize(index.serialize()))).toEqual(before)
  })

  it('hands out a copy of a stored Date: changing it changes nothing', () => {
    const index = new RelatedIndex()
    index.add({ id: 'a', title: 'Rates cut', body: 'The bank cut rates.', publishedAt: new Date('2025-05-08T12:00:00Z') })
    ;(index.get('a')?.publishedAt as Date).setTime(0)
    let seen: Date | undefined
    index.add({ id: 'b', title: 'Rates cut again', body: 'The bank cut rates again.', publishedAt: new Date('2025-06-08T12:00:00Z') })
    index.related('b', {
      filter: (article) => {
        if (article.id === 'a') {
          seen = article.publishedAt as Date
          seen.setTime(0)
        }
        return true
      },
    })
    expect(seen).toBeInstanceOf(Date)
    expect((index.get('a')?.publishedAt as Date).toISOString()).toBe('2025-05-08T12:00:00.000Z')
    const loaded = RelatedIndex.deserialize(index.serialize())
    expect((loaded.get('a')?.publishedAt as Date).toISOString()).toBe('2025-05-08T12:00:00.000Z')
  })

  it('keeps its own copy of tags and supplied entities', () => {
    const tags = ['Ukraine war']
    const entities = ['Istanbul']
    const article: Article = { id: 'x', title: 'Talks in Istanbul', body: 'Delegations met for talks.', tags, entities }
    const index = new RelatedIndex()
    index.addAll([...NEWS, article])
    const before = answers(index)
    tags.push('Sponsored')
    entities[0] = 'Paris'
    expect(index.get('x')?.tags).toEqual(['Ukraine war'])
    expect(index.get('x')?.entities).toEqual(['Istanbul'])
    expect(answers(index)).toEqual(before)
  })

  it('keeps its own copy of the analysis options (clutter RegExps, stemmer)', () => {
    const clutter: (string | RegExp)[] = [/^Advertisement$/i]
    const analysis: { -readonly [K in keyof AnalyzerOptions]: AnalyzerOptions[K] } = { clutter, stemmer: 'porter' }
    const index = new RelatedIndex({ analysis })
    index.addAll(NEWS)
    const before = answers(index)
    clutter.push(/Istanbul/)
    analysis.stemmer = 'none'
    expect(index.options.analysis).toEqual({ clutter: [/^Advertisement$/i], stemmer: 'porter' })
    const loaded = RelatedIndex.deserialize(index.serialize())
    expect(loaded.options.analysis).toEqual({ clutter: [/^Advertisement$/i], stemmer: 'porter' })
    expect(answers(loaded)).toEqual(before)
    // A draft is analysed with the options as they were at construction, before and after a load.
    const draft = { title: 'Istanbul talks', body: 'Ceasefire talks in Istanbul ended.' }
    expect(loaded.relatedTo(draft, { k: 3 })).toEqual(index.relatedTo(draft, { k: 3 }))
  })

  it('names the field when an analysis option cannot be copied', () => {
    expect(() => new RelatedIndex({ analysis: { clutter: [(() => true) as unknown as string] } })).toThrow(/clutter/)
  })
})
