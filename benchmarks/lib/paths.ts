import { existsSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

/** The project root (this file is `benchmarks/lib/paths.ts`). */
export const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..')

/**
 * Where the shared news datasets live: `RELATED_ARTICLES_DATA` if set, else `../shared/data`
 * beside the project. Nothing is downloaded; a missing folder means "skip".
 */
export function dataDir(): string {
  return resolve(projectRoot, process.env.RELATED_ARTICLES_DATA ?? '../shared/data')
}

/** The seed news page fixtures: `RELATED_ARTICLES_SEEDS`, else `../shared/seeds`. */
export function seedsDir(): string {
  return resolve(projectRoot, process.env.RELATED_ARTICLES_SEEDS ?? '../shared/seeds')
}

/** Path of one dataset folder, or `undefined` (with the reason) when it is not there. */
export function datasetDir(name: string): { dir: string; present: boolean } {
  const dir = resolve(dataDir(), name)
  return { dir, present: existsSync(resolve(dir, 'articles.jsonl')) }
}
