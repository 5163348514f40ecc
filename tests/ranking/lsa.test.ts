import { Matrix, SingularValueDecomposition } from 'ml-matrix'
import { similarity } from 'ml-distance'
import { describe, expect, it } from 'vitest'
import type { Article } from '../../src/article.js'
import { truncatedSvd, type SparseRows } from '../../src/index/lsa.js'
import { computeLsaEmbeddings } from '../../src/ranking/lsa.js'
import { RelatedIndex } from '../../src/ranking/related-index.js'
import { NEWS } from '../helpers/corpus.js'
import { typedError } from '../robustness/helpers.js'

/** A seeded sparse matrix: about `density` of the entries nonzero, values in (0, 1]. */
function sparseMatrix(rows: number, columns: number, density: number, seed: number): { sparse: SparseRows; dense: number[][] } {
  let state = seed
  const next = (): number => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0
    return state / 2 ** 32
  }
  const dense = Array.from({ length: rows }, () => Array.from({ length: columns }, () => (next() < density ? next() + 1e-3 : 0)))
  const sparse: SparseRows = {
    columns,
    rows: dense.map((row) => {
      const terms = row.flatMap((v, j) => (v === 0 ? [] : [j]))
      return { terms: Int32Array.from(terms), values: Float64Array.from(terms, (j) => row[j] as number) }
    }),
  }
  return { sparse, dense }
}

function gram(vectors: ArrayLike<number>[]): number[][] {
  return vectors.map((a) => vectors.map((b) => Array.from(a).reduce((s, x, i) => s + x * (b[i] as number), 0)))
}

describe('truncatedSvd (randomised) against ml-matrix’s exact SVD', () => {
  it('is exact when the random range covers the whole row space: singular values and row geometry', () => {
    const { sparse, dense } = sparseMatrix(30, 12, 0.3, 7)
    const k = 5
    const svd = truncatedSvd(sparse, { dimensions: k, oversampling: 10, powerIterations: 2, seed: 1 })
    const exact = new SingularValueDecomposition(new Matrix(dense), { autoTranspose: true })
    expect(svd.dimensions).toBe(k)
    Array.from(svd.singularValues).forEach((s, i) => expect(s).toBeCloseTo(exact.diagonal[i] as number, 9))
    // Rows' embeddings equal U_kΣ_k up to the signs of the columns: compare their inner products.
    const u = exact.leftSingularVectors
    const reference = dense.map((_, r) => Array.from({ length: k }, (_, c) => u.get(r, c) * (exact.diagonal[c] as number)))
    const ours = gram(svd.embeddings)
    gram(reference).forEach((row, i) => row.forEach((x, j) => expect(ours[i]?.[j]).toBeCloseTo(x, 4)))
  })

  it('approximates the leading singular values when the random range is much smaller than the matrix, better with each power iteration', () => {
    // A random sparse matrix has a flat spectrum after its first value: the hard case for range finding.
    const { sparse, dense } = sparseMatrix(200, 120, 0.05, 3)
    const exact = new SingularValueDecomposition(new Matrix(dense), { autoTranspose: true }).diagonal
    const worstError = (powerIterations: number): number => {
      const svd = truncatedSvd(sparse, { dimensions: 8, oversampling: 10, powerIterations, seed: 5 })
      return Math.max(...[0, 1, 2, 3].map((i) => Math.abs((svd.singularValues[i] as number) - (exact[i] as number)) / (exact[i] as number)))
    }
    const errors = [0, 2, 4].map(worstError)
    expect(errors[1]).toBeLessThan(errors[0] as number)
    expect(errors[2]).toBeLessThan(errors[1] as number)
    expect(errors[1]).toBeLessThan(0.03)
    expect(errors[2]).toBeLessThan(0.01)
  })

  it('returns fewer dimensions when the matrix has lower rank, and nothing for an empty one', () => {
    const rank1: SparseRows = { columns: 3, rows: [0, 1, 2, 3].map((r) => ({ terms: Int32Array.of(0, 2), values: Float64Array.of(r + 1, 2 * (r + 1)) })) }
    expect(truncatedSvd(rank1, { dimensions: 3, oversampling: 2, powerIterations: 2, seed: 1 }).dimensions).toBe(1)
    const empty = truncatedSvd({ columns: 0, rows: [] }, { dimensions: 3, oversampling: 2, powerIterations: 2, seed: 1 })
    expect(empty.dimensions).toBe(0)
  })
})

describe('computeLsaEmbeddings', () => {
  const build = (articles: readonly Article[]): RelatedIndex => {
    const index = new RelatedIndex()
    index.addAll(articles)
    return index
  }

  it('embeds every article with text, the same whatever order the articles were added in', () => {
    const lsa = computeLsaEmbeddings(build(NEWS), { dimensions: 6 })
    expect(lsa.dimensions).toBe(6)
    expect([...lsa.embeddings.keys()]).toEqual(NEWS.map((a) => a.id).sort())
    for (const e of lsa.embeddings.values()) expect(e).toHaveLength(6)
    const reversed = computeLsaEmbeddings(build([...NEWS].reverse()), { dimensions: 6 })
    expect(reversed.embeddings).toEqual(lsa.embeddings)
    expect(reversed.singularValues).toEqual(lsa.singularValues)
  })

  it('puts stories of one topic closer together than stories of different topics', () => {
    const { embeddings } = computeLsaEmbeddings(build(NEWS), { dimensions: 4 })
    const cos = (a: string, b: string): number => similarity.cosine(embeddings.get(a) as Float32Array, embeddings.get(b) as Float32Array)
    expect(cos('ukr-talks-1', 'ukr-talks-2')).toBeGreaterThan(cos('ukr-talks-1', 'rates-1'))
    expect(cos('rates-1', 'rates-2')).toBeGreaterThan(cos('rates-1', 'fire-1'))
  })

  it('embeds a draft in the same space: a stored article’s text gives its own embedding, an unknown text none', () => {
    const index = build(NEWS)
    const lsa = computeLsaEmbeddings(index, { dimensions: 5 })
    for (const article of NEWS.slice(0, 4)) {
      const again = lsa.embed({ ...article, id: undefined }) as Float32Array
      const stored = lsa.embeddings.get(article.id) as Float32Array
      again.forEach((x, i) => expect(x).toBeCloseTo(stored[i] as number, 5))
    }
    expect(lsa.embed({ title: 'Zzyzx', body: 'Qwertyuiop asdfghjkl.' })).toBeUndefined()
    expect(lsa.embed({ title: '', body: '' })).toBeUndefined()
    expect(typedError(() => lsa.embed({ title: 1 } as never)).code).toBe('INVALID_ARTICLE')
  })

  it('gives embeddings that attach with update() and then score in related()', () => {
    const index = build(NEWS)
    const lsa = computeLsaEmbeddings(index, { dimensions: 4 })
    const analysed = index.analysedCount
    for (const [id, embedding] of lsa.embeddings) index.update({ ...(index.get(id) as Article), embedding })
    expect(index.analysedCount).toBe(analysed)
    const [top] = index.related('ukr-talks-1')
    expect(top?.signals.embedding.weight).toBeGreaterThan(0)
    const draft = { title: 'Ceasefire talks in Istanbul', body: 'Envoys met in Istanbul for ceasefire talks.' }
    const results = index.relatedTo({ ...draft, embedding: lsa.embed(draft) })
    expect(results[0]?.signals.embedding.weight).toBeGreaterThan(0)
  })

  it.each([
    [{ dimensions: 0 }, 'dimensions', /^dimensions must be an integer from 1 to 1000, got number 0$/],
    [{ dimensions: 2.5 }, 'dimensions', /got number 2\.5$/],
    [{ powerIterations: -1 }, 'powerIterations', /^powerIterations must be an integer from 0 to 10/],
    [{ oversampling: '10' }, 'oversampling', /got the string "10"$/],
    [{ rank: 5 }, 'rank', /^options has an unknown option "rank"; expected one of dimensions, powerIterations, oversampling, seed$/],
  ])('refuses %j with INVALID_OPTION', (options, field, message) => {
    const error = typedError(() => computeLsaEmbeddings(build(NEWS.slice(0, 3)), options as never))
    expect(error.code).toBe('INVALID_OPTION')
    expect(error.field).toBe(field)
    expect(error.message).toMatch(message)
  })

  it('handles an empty index and a one-article index', () => {
    expect(computeLsaEmbeddings(new RelatedIndex()).embeddings.size).toBe(0)
    const one = computeLsaEmbeddings(build(NEWS.slice(0, 1)))
    expect(one.dimensions).toBe(1)
    expect(one.embeddings.size).toBe(1)
  })
})
