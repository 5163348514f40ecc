import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { createAnalyzer, learnSiteFurniture } from '../../src/analysis/index.js'
import { isRelatedArticlesError } from '../../src/errors.js'
import { RelatedIndex } from '../../src/ranking/related-index.js'

const story = (n: number): string => `Police said a man was shot on Main Street on day ${n}.\nThe victim, ${20 + n}, was taken to hospital.`
const footer = 'For more neighborhood news, listen to our radio here:'

describe('learnSiteFurniture', () => {
  it('learns a line that repeats in three articles of one site, by its folded key', () => {
    const articles = [1, 2, 3].map((n) => ({ body: `${story(n)}\n${footer}`, source: 'www.Example.com' }))
    expect(learnSiteFurniture(articles)).toEqual({ 'example.com': ['for more neighborhood news, listen to our radio here'] })
  })

  it('does not learn a line shared across sites, or repeated inside one article', () => {
    const articles = [
      ...['a.com', 'b.com', 'c.com'].map((source, n) => ({ body: `${story(n)}\n${footer}`, source })),
      { body: `${footer}\n${footer}\n${footer}`, source: 'd.com' },
      { body: `${story(9)}\n${footer}` }, // no source
    ]
    expect(learnSiteFurniture(articles)).toEqual({})
  })

  it('needs minShare of a large site\'s articles', () => {
    const articles = Array.from({ length: 100 }, (_, n) => ({ body: n < 4 ? `${story(n)}\n${footer}` : story(n), source: 'big.com' }))
    expect(learnSiteFurniture(articles)).toEqual({}) // 4 of 100 < 5%
    expect(learnSiteFurniture(articles, { minShare: 0.04 })).toEqual({ 'big.com': ['for more neighborhood news, listen to our radio here'] })
  })

  it('gives the same result whatever the order of the articles', () => {
    const line = fc.constantFrom(footer, 'Copyright 2016 Example TV', 'The investigation continues.', 'Share', 'Police said.')
    const article = fc.record({ body: fc.array(line, { minLength: 1, maxLength: 4 }).map((lines) => lines.join('\n')), source: fc.constantFrom('a.com', 'b.com') })
    fc.assert(
      fc.property(fc.array(article, { maxLength: 30 }), (articles) => {
        expect(learnSiteFurniture([...articles].reverse())).toEqual(learnSiteFurniture(articles))
      }),
    )
  })

  it.each([
    [{ minArticles: 1 }, 'minArticles'],
    [{ minShare: 2 }, 'minShare'],
    [{ maxLineLength: 0 }, 'maxLineLength'],
    [{ colour: 'red' }, 'colour'],
  ])('rejects the option %j naming %s', (options, field) => {
    try {
      learnSiteFurniture([], options as never)
      expect.unreachable()
    } catch (error) {
      expect(isRelatedArticlesError(error) && error.code === 'INVALID_OPTION' && error.field === field).toBe(true)
    }
  })

  it('rejects an article without a string body, naming its position', () => {
    expect(() => learnSiteFurniture([{ body: 'ok' }, { body: 5 as never }])).toThrow(/articles\[1\]\.body/)
    expect(() => learnSiteFurniture(5 as never)).toThrow(/articles/)
  })
})

describe('learned site furniture in an index', () => {
  const articles = [1, 2, 3, 4].map((n) => ({ id: `e${n}`, title: `Shooting on Main Street ${n}`, body: `${story(n)}\n${footer}`, source: 'example.com' }))

  it('is removed from the site\'s articles and survives a snapshot', () => {
    const siteFurniture = learnSiteFurniture(articles)
    const index = new RelatedIndex({ analysis: { siteFurniture } })
    index.addAll(articles)
    const analyzer = createAnalyzer({ siteFurniture })
    expect(analyzer.normalize(articles[0]?.body ?? '', { source: 'example.com' })).not.toContain('radio')
    const restored = RelatedIndex.deserialize(index.serialize())
    expect(restored.options.analysis?.siteFurniture).toEqual(siteFurniture)
    expect(restored.related('e1').map((r) => r.id)).toEqual(index.related('e1').map((r) => r.id))
  })
})

describe('changing only the source of a stored article', () => {
  it('analyses it again, since the source selects its site furniture', () => {
    const siteFurniture = { 'example.com': [footer] }
    const index = new RelatedIndex({ analysis: { siteFurniture } })
    const article = { id: 'a', title: 'Shooting on Main Street', body: `${story(1)}\n${footer}`, source: 'other.com' }
    index.add(article)
    const before = index.analysedCount
    index.update({ ...article, source: 'example.com' })
    expect(index.analysedCount).toBe(before + 1)
    index.update({ ...article, source: 'example.com' })
    expect(index.analysedCount).toBe(before + 1)
  })
})
