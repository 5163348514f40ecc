/**
 * Reading articles for the examples: one JSON object per line, as in the bundled sample and as
 * the CLI reads them. The library itself does no I/O; a real service reads from its CMS or
 * database instead.
 */
import { readFileSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Article } from '../../src/index.js'

/** The bundled sample: 292 Reuters-21578 stories (Distribution 1.0), see `examples/data/README.md`. */
export const SAMPLE_PATH = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'data', 'reuters-sample.jsonl')

/**
 * Reads a JSON Lines file of articles. Blank lines are skipped; a line that is not JSON throws
 * with its line number. The objects are not validated here: `RelatedIndex.addAll` does that and
 * names the article and field at fault.
 */
export function readArticles(path: string = SAMPLE_PATH): Article[] {
  const articles: Article[] = []
  readFileSync(path, 'utf8')
    .split('\n')
    .forEach((line, i) => {
      if (line.trim() === '') return
      try {
        articles.push(JSON.parse(line) as Article)
      } catch (error) {
        throw new Error(`${path} line ${i + 1}: not valid JSON (${(error as Error).message})`)
      }
    })
  return articles
}
