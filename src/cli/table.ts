import type { Article } from '../article.js'
import type { RelatedResult } from '../ranking/result.js'

/** Options of {@link formatRelatedTable}. */
export interface TableOptions {
  /** Width of the whole table in characters. Defaults to 100. */
  width?: number
}

/**
 * Renders results as a plain-text table: rank, score, title and why (shared entities, words,
 * tags, days apart, folded duplicates).
 */
export function formatRelatedTable(
  results: readonly RelatedResult[],
  lookup: (id: string) => Pick<Article, 'title'> | undefined,
  options: TableOptions = {},
): string {
  const width = Math.max(60, options.width ?? 100)
  const titleWidth = Math.floor((width - 15) * 0.5)
  const whyWidth = width - 15 - titleWidth
  const lines = [`${pad('#', 3)} ${pad('score', 5)}  ${pad('title', titleWidth)}  why`, '-'.repeat(width)]
  results.forEach((r, i) => {
    const title = lookup(r.id)?.title ?? r.id
    lines.push(`${pad(String(i + 1), 3)} ${r.score.toFixed(3)}  ${pad(clip(oneLine(title), titleWidth), titleWidth)}  ${clip(explain(r), whyWidth)}`)
  })
  if (results.length === 0) lines.push('(no related stories)')
  return lines.join('\n')
}

/** One line of reasons, most telling first. */
export function explain(r: RelatedResult): string {
  const parts: string[] = []
  if (r.reasons.sharedEntities.length > 0) parts.push(r.reasons.sharedEntities.slice(0, 3).join(', '))
  if (r.reasons.sharedTerms.length > 0) parts.push(`"${r.reasons.sharedTerms.slice(0, 3).join('", "')}"`)
  if (r.reasons.sharedTags.length > 0) parts.push(`tags: ${r.reasons.sharedTags.join(', ')}`)
  if (r.reasons.daysApart !== undefined) parts.push(r.reasons.daysApart === 0 ? 'same day' : `${r.reasons.daysApart} d apart`)
  if (r.reasons.duplicates.length > 0) parts.push(`+${r.reasons.duplicates.length} duplicate${r.reasons.duplicates.length > 1 ? 's' : ''}`)
  return parts.join('; ')
}

function oneLine(s: string): string {
  return s.replace(/\s+/g, ' ').trim()
}

function clip(s: string, n: number): string {
  const chars = [...s]
  return chars.length <= n ? s : `${chars.slice(0, n - 1).join('')}…`
}

function pad(s: string, n: number): string {
  const len = [...s].length
  return len >= n ? s : s + ' '.repeat(n - len)
}
