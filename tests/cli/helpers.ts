import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Article } from '../../src/article.js'

export const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..')
export const cliPath = join(projectRoot, 'dist', 'cli.js')
export const samplePath = join(projectRoot, 'examples', 'data', 'reuters-sample.jsonl')

function newestMtime(path: string): number {
  const stats = statSync(path)
  if (!stats.isDirectory()) return stats.mtimeMs
  return Math.max(0, ...readdirSync(path).map((name) => newestMtime(join(path, name))))
}

/**
 * Builds the package (`npm run build`) when dist/cli.js is missing or older than any source file,
 * so the tests always run the bin a user would get. CI builds first, so there this is a no-op.
 */
export function ensureBuilt(): void {
  const sources = Math.max(
    newestMtime(join(projectRoot, 'src')),
    newestMtime(join(projectRoot, 'package.json')),
    newestMtime(join(projectRoot, 'tsup.config.ts')),
  )
  if (existsSync(cliPath) && statSync(cliPath).mtimeMs >= sources) return
  const build = spawnSync('npm', ['run', 'build'], { cwd: projectRoot, encoding: 'utf8' })
  if (build.status !== 0) throw new Error(`npm run build failed:\n${build.stdout}\n${build.stderr}`)
}

export interface CliRun {
  code: number | null
  stdout: string
  stderr: string
}

/** Runs the built bin as a user would, in `cwd`, with optional standard input. */
export function cli(args: string[], options: { cwd?: string; input?: string } = {}): CliRun {
  const run = spawnSync(process.execPath, [cliPath, ...args], {
    cwd: options.cwd,
    input: options.input ?? '',
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    env: { ...process.env, RELATED_ARTICLES_DEBUG: '' },
  })
  return { code: run.status, stdout: run.stdout, stderr: run.stderr }
}

/** A fresh temporary directory for one test file. */
export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'related-articles-cli-'))
}

/** The first `count` lines of the bundled Reuters sample, as text and as articles. */
export function sampleSlice(count: number): { text: string; articles: Article[] } {
  const lines = readFileSync(samplePath, 'utf8').split('\n').filter((l) => l.trim() !== '').slice(0, count)
  return { text: `${lines.join('\n')}\n`, articles: lines.map((l) => JSON.parse(l) as Article) }
}

export function write(dir: string, name: string, text: string): string {
  const path = join(dir, name)
  writeFileSync(path, text)
  return path
}
