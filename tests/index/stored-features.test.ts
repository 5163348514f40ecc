import { describe, expect, it } from 'vitest'
import type { Article } from '../../src/article.js'
import { RelatedIndex } from '../../src/ranking/related-index.js'
import { NEWS } from '../helpers/corpus.js'

function results(index: RelatedIndex): unknown {
  return NEWS.map((a) => index.related(a.id, { k: 20 }))
}

function fresh(articles: Article[]): RelatedIndex {
  const index = new RelatedIndex()
  index.addAll(articles)
  return index
}

describe('re-adding an unchanged article skips the analysis', () => {
  it('update() with identical content does not analyse and changes no result', () => {
    const index = fresh(NEWS)
    expect(index.analysedCount).toBe(NEWS.length)
    for (const a of NEWS) index.update({ ...a, tags: a.tags ? [...a.tags] : undefined })
    expect(index.analysedCount).toBe(NEWS.length)
    expect(results(index)).toEqual(results(fresh(NEWS)))
  })

  it('a change to publishedAt, url or source is applied without analysing again', () => {
    const index = fresh(NEWS)
    const moved = NEWS.map((a) => (a.id === 'fire-2' ? { ...a, publishedAt: '2025-09-01T00:00:00Z', url: 'https://example.org/f2' } : a))
    index.update(moved.find((a) => a.id === 'fire-2') as Article)
    expect(index.analysedCount).toBe(NEWS.length)
    expect(index.get('fire-2')?.url).toBe('https://example.org/f2')
    expect(results(index)).toEqual(results(fresh(moved)))
  })

  it.each<[string, (a: Article) => Article]>([
    ['title', (a) => ({ ...a, title: `${a.title} (updated)` })],
    ['body', (a) => ({ ...a, body: `${a.body} Officials later confirmed the figures.` })],
    ['tags', (a) => ({ ...a, tags: ['Wildfires', 'France'] })],
    ['section', (a) => ({ ...a, section: 'Europe' })],
    ['entities', (a) => ({ ...a, entities: ['Emmanuel Macron'] })],
  ])('a change to %s is analysed again', (_field, change) => {
    const index = fresh(NEWS)
    const changed = NEWS.map((a) => (a.id === 'fire-1' ? change(a) : a))
    index.update(changed.find((a) => a.id === 'fire-1') as Article)
    expect(index.analysedCount).toBe(NEWS.length + 1)
    expect(results(index)).toEqual(results(fresh(changed)))
  })

  it('works on a deserialised index, which starts counting at 0', () => {
    const loaded = RelatedIndex.deserialize(fresh(NEWS).serialize())
    expect(loaded.analysedCount).toBe(0)
    for (const a of NEWS) loaded.update(a)
    expect(loaded.analysedCount).toBe(0)
    expect(results(loaded)).toEqual(results(fresh(NEWS)))
  })

  it('add() of a stored id is still DUPLICATE_ID, unchanged content or not', () => {
    const index = fresh(NEWS)
    expect(() => index.add(NEWS[0] as Article)).toThrow(expect.objectContaining({ code: 'DUPLICATE_ID' }))
  })
})
