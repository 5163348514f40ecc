import { describe, expect, it } from 'vitest'
import { RelatedIndex } from '../../src/ranking/related-index.js'
import { loadSeedArticles } from '../helpers/seed-page.js'

const seed = loadSeedArticles()
if (seed === undefined) console.warn('Skipping seed-page ranking tests: the seed page is not present (set RELATED_ARTICLES_SEEDS).')

describe.skipIf(seed === undefined)('ranking the seed news page', () => {
  const articles = seed ?? []
  const index = new RelatedIndex()
  index.addAll(articles)

  it('ranks the tariff and Zelensky stories above the Syria story for the Lavrov article', () => {
    const order = index.related('lavrov', { k: 3 }).map((r) => r.id)
    expect(order.indexOf('syria')).toBeGreaterThan(order.indexOf('tariffs'))
    expect(order.indexOf('syria')).toBeGreaterThan(order.indexOf('zelensky'))
  })

  it('names shared entities such as Russia and Ukraine as reasons', () => {
    const results = index.related('lavrov', { k: 3 })
    const named = new Set(results.flatMap((r) => r.reasons.sharedEntities))
    expect(named).toContain('Russia')
    expect(named).toContain('Ukraine')
  })

  it('gives the same ranking for the Lavrov story as an unsaved draft', () => {
    const lavrov = articles.find((a) => a.id === 'lavrov')!
    const asDraft = index.relatedTo({ title: lavrov.title, body: lavrov.body }).map((r) => r.id)
    expect(asDraft.filter((id) => id !== 'lavrov')).toEqual(index.related('lavrov').map((r) => r.id))
  })
})
