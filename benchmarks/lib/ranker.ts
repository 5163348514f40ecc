/** The contract every ranker in the quality benchmark implements, and shared helpers. */
import type { RankerArticle } from './datasets.js'

/**
 * A related-article ranker under test. `build` sees ranker fields only; `query` returns up to k
 * other article ids, best first, never the query article itself.
 */
export interface Ranker {
  /** Short unique name, shown in tables and used by `--only`. */
  readonly name: string
  build(articles: readonly RankerArticle[]): void | Promise<void>
  query(id: string, k: number): string[]
}

/** A scored candidate. */
export interface Candidate {
  id: string
  score: number
}

/**
 * The best k candidates other than `exclude`: score descending, ties by id ascending (code-unit
 * order) so every baseline is deterministic whatever order its engine returns.
 */
export function bestIds(candidates: Iterable<Candidate>, k: number, exclude: string): string[] {
  const kept: Candidate[] = []
  for (const candidate of candidates) if (candidate.id !== exclude && candidate.score > 0) kept.push(candidate)
  kept.sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
  return kept.slice(0, k).map((c) => c.id)
}
