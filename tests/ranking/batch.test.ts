import { describe, expect, it } from 'vitest'
import { RelatedIndex } from '../../src/ranking/related-index.js'
import { NEWS } from '../helpers/corpus.js'
import { codeOf } from '../helpers/errors.js'

function indexOf(): RelatedIndex {
  const index = new RelatedIndex()
  index.addAll(NEWS)
  return index
}

describe('relatedAll and iterateRelated', () => {
  it('give every stored article the list related() gives it, ids in code-unit order', () => {
    const index = indexOf()
    const all = index.relatedAll({ k: 3 })
    expect([...all.keys()]).toEqual(NEWS.map((a) => a.id).sort())
    for (const a of NEWS) expect(all.get(a.id)).toEqual(index.related(a.id, { k: 3 }))
  })

  it('pass every query option through (filters, weights, diversity)', () => {
    const index = indexOf()
    const options = { k: 2, sections: { include: ['World'] }, weights: { time: 0 }, diversity: 0.3 }
    for (const [id, results] of index.iterateRelated(options)) expect(results).toEqual(index.related(id, options))
  })

  it('compute only the listed ids, in the listed order', () => {
    const index = indexOf()
    expect([...index.iterateRelated({ ids: ['fire-2', 'rates-1'] })].map(([id]) => id)).toEqual(['fire-2', 'rates-1'])
    expect(index.relatedAll({ ids: new Set(['ukr-drone']) }).size).toBe(1)
  })

  it('report progress after each list', () => {
    const index = indexOf()
    const seen: Array<[number, number]> = []
    index.relatedAll({ onProgress: (p) => seen.push([p.done, p.total]) })
    expect(seen).toEqual(NEWS.map((_, i) => [i + 1, NEWS.length]))
  })

  it('check ids and options when called, before computing anything', () => {
    const index = indexOf()
    expect(codeOf(() => index.iterateRelated({ ids: ['nope'] }))).toBe('NOT_FOUND')
    expect(codeOf(() => index.iterateRelated({ k: 0 }))).toBe('INVALID_OPTION')
    expect(codeOf(() => index.iterateRelated({ ids: 'fire-1' as never }))).toBe('INVALID_OPTION')
    expect(codeOf(() => index.iterateRelated({ ids: [5 as never] }))).toBe('INVALID_OPTION')
    expect(codeOf(() => index.iterateRelated({ onProgress: 'yes' as never }))).toBe('INVALID_OPTION')
    expect(codeOf(() => index.iterateRelated({ colour: 'red' } as never))).toBe('INVALID_OPTION')
    expect(codeOf(() => index.relatedAll(null as never))).toBe('INVALID_OPTION')
  })

  it('refuse to continue with INVALID_STATE once the index changed mid-iteration', () => {
    const index = indexOf()
    const it = index.iterateRelated()
    it.next()
    index.remove('fire-1')
    expect(codeOf(() => it.next())).toBe('INVALID_STATE')
  })

  it('returns an empty map for an empty index', () => {
    expect(new RelatedIndex().relatedAll().size).toBe(0)
  })
})
