/**
 * The similarity measures the `embedding` signal can use: ml-distance's similarity functions whose
 * values can be read as "how related, from 0 to 1". Cosine, the default and what most sentence-
 * embedding models are trained for, is computed here on the stored Float32 values and norms (one
 * dot product per pair, no allocation); every other measure calls ml-distance on the two vectors.
 */
import { similarity } from 'ml-distance'

/**
 * Names of the similarity measures `embeddingSimilarity` accepts: ml-distance similarity
 * functions. Every value is mapped into [0, 1] by clamping (a negative cosine, pearson, dice or
 * kumarHassebrook value counts as 0, "unrelated"; NaN, which ml-distance returns where a measure
 * is undefined, also counts as 0).
 *
 * - `cosine` (default), `pearson`, `dice`, `kumarHassebrook`: any real vectors; 1 for identical
 *   directions (dice and kumarHassebrook: identical vectors).
 * - `tanimoto`, `czekanowski`, `ruzicka` (weighted Jaccard): non-negative vectors only (an article
 *   with a negative value is refused with `INVALID_ARTICLE`), such as bag-of-topics or TF-IDF-like
 *   vectors.
 * - `intersection`, `squaredChord`: probability distributions (non-negative, summing to 1, such
 *   as topic-model outputs); non-negativity is checked, the sum is not.
 *
 * Left out: `kulczynski` (unbounded: identical vectors give Infinity), `motyka` (exactly half of
 * czekanowski) and `tree` (not a vector measure).
 *
 * @example
 * ```ts
 * import { EMBEDDING_SIMILARITIES, RelatedIndex, type EmbeddingSimilarity } from 'related-articles'
 *
 * const measure = process.env.EMBEDDING_MEASURE ?? 'cosine'
 * if (!(EMBEDDING_SIMILARITIES as readonly string[]).includes(measure)) throw new Error(`unknown measure ${measure}`)
 * const index = new RelatedIndex({ embeddingSimilarity: measure as EmbeddingSimilarity })
 * ```
 */
export const EMBEDDING_SIMILARITIES = [
  'cosine',
  'pearson',
  'dice',
  'kumarHassebrook',
  'tanimoto',
  'czekanowski',
  'ruzicka',
  'intersection',
  'squaredChord',
] as const

/**
 * One of {@link EMBEDDING_SIMILARITIES}: the ml-distance similarity function the `embedding`
 * signal compares two embeddings with.
 *
 * @example
 * ```ts
 * // Non-negative topic vectors from an LDA model: weighted Jaccard suits them better than cosine.
 * const measure: EmbeddingSimilarity = 'ruzicka'
 * const index = new RelatedIndex({ embeddingSimilarity: measure, weights: { embedding: 0.5 } })
 * ```
 */
export type EmbeddingSimilarity = (typeof EMBEDDING_SIMILARITIES)[number]

type VectorFunction = (a: ArrayLike<number>, b: ArrayLike<number>) => number

interface Measure {
  /** The ml-distance function (the reference for cosine, which is computed here). */
  compute: VectorFunction
  /** Whether the measure is defined only for non-negative vectors. */
  nonNegative: boolean
}

// ml-distance types its arguments as its own NumberArray; every typed array and number[] fits.
const MEASURES: Readonly<Record<EmbeddingSimilarity, Measure>> = {
  cosine: { compute: similarity.cosine as VectorFunction, nonNegative: false },
  pearson: { compute: similarity.pearson as VectorFunction, nonNegative: false },
  dice: { compute: similarity.dice as VectorFunction, nonNegative: false },
  kumarHassebrook: { compute: similarity.kumarHassebrook as VectorFunction, nonNegative: false },
  tanimoto: { compute: ((a, b) => similarity.tanimoto(a as number[], b as number[], false)) as VectorFunction, nonNegative: true },
  czekanowski: { compute: similarity.czekanowski as VectorFunction, nonNegative: true },
  ruzicka: { compute: similarity.ruzicka as VectorFunction, nonNegative: true },
  intersection: { compute: similarity.intersection as VectorFunction, nonNegative: true },
  squaredChord: { compute: similarity.squaredChord as VectorFunction, nonNegative: true },
}

/** Whether a string names a supported measure. @internal */
export function isEmbeddingSimilarity(name: unknown): name is EmbeddingSimilarity {
  return typeof name === 'string' && Object.hasOwn(MEASURES, name)
}

/** Whether the measure needs non-negative vectors (checked when an embedding is added). @internal */
export function needsNonNegative(name: EmbeddingSimilarity): boolean {
  return MEASURES[name].nonNegative
}

/** A measure's raw value mapped into [0, 1]: clamped, NaN as 0. @internal */
export function toUnit(value: number): number {
  return value > 0 ? (value < 1 ? value : 1) : 0
}

/**
 * Similarity in [0, 1] of two embeddings of equal length, by the named measure. `normA` and
 * `normB` are their L2 norms (> 0), used by cosine only. @internal
 */
export function embeddingSimilarity(
  name: EmbeddingSimilarity,
  a: Float32Array | Float64Array,
  normA: number,
  b: Float32Array,
  bOffset: number,
  normB: number,
): number {
  const d = a.length
  if (name === 'cosine') {
    let dot = 0
    for (let i = 0; i < d; i++) dot += (a[i] as number) * (b[bOffset + i] as number)
    return toUnit(dot / (normA * normB))
  }
  return toUnit(MEASURES[name].compute(a, b.subarray(bOffset, bOffset + d)))
}
