import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { seedsDir } from '../../benchmarks/lib/paths.js'
import type { Article } from '../../src/article.js'

/** The seed news page: one article, then a "Related Articles" box with three stories. */
export const SEED_PAGE_FILE = '000_abf284a7c15c6f9b.txt'

/** Ids given to the page's stories, in page order. */
export const SEED_IDS = ['lavrov', 'syria', 'zelensky', 'tariffs'] as const

/** Why the seed tests are skipped, for the test output. */
export const SEED_SKIP_MESSAGE = `seed page ${SEED_PAGE_FILE} not found under the seeds folder (set RELATED_ARTICLES_SEEDS)`

/** The raw text of the seed page, or `undefined` when the seeds folder is not there. */
export function readSeedPage(): string | undefined {
  const file = join(seedsDir(), SEED_PAGE_FILE)
  return existsSync(file) ? readFileSync(file, 'utf8') : undefined
}

/**
 * Splits a seed page into its stories. The main article is the first non-empty line (title) and
 * the next (body); each related story follows a byline line that starts with "- " ("- South
 * China Morning Post"): its title line, then its body line.
 */
export function parseSeedPage(page: string): { title: string; body: string }[] {
  const lines = page.split(/\r?\n/).map((line) => line.trim())
  const nonEmptyAfter = (index: number): number => {
    let i = index
    while (i < lines.length && lines[i] === '') i++
    return i
  }
  const stories: { title: string; body: string }[] = []
  const take = (from: number): void => {
    const titleAt = nonEmptyAfter(from)
    const bodyAt = nonEmptyAfter(titleAt + 1)
    if (bodyAt < lines.length) stories.push({ title: lines[titleAt] as string, body: lines[bodyAt] as string })
  }
  take(0)
  lines.forEach((line, index) => {
    if (line.startsWith('- ')) take(index + 1)
  })
  return stories
}

/** The seed page's four stories as articles with ids {@link SEED_IDS}, or `undefined` if absent. */
export function loadSeedArticles(): Article[] | undefined {
  const page = readSeedPage()
  if (page === undefined) return undefined
  const stories = parseSeedPage(page)
  if (stories.length !== SEED_IDS.length) throw new Error(`expected ${SEED_IDS.length} stories in ${SEED_PAGE_FILE}, found ${stories.length}`)
  return stories.map((story, i) => ({ id: SEED_IDS[i] as string, ...story }))
}
