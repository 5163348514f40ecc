import { spawn, spawnSync } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

export const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..')

export interface ExampleRun {
  code: number | null
  stdout: string
  stderr: string
}

/**
 * Runs `examples/<name>` as `npx tsx examples/<name>` would, from the project root. Node is
 * started directly with tsx's loader (`node --import tsx`), which is the same thing without the
 * npx wrapper process, so the test owns the one process it starts.
 */
export function runExample(name: string, args: readonly string[] = []): ExampleRun {
  const run = spawnSync(process.execPath, ['--import', 'tsx', join('examples', name), ...args], {
    cwd: projectRoot,
    encoding: 'utf8',
    maxBuffer: 16 * 1024 * 1024,
    timeout: 60_000,
  })
  return { code: run.status, stdout: run.stdout, stderr: run.stderr }
}

/** Starts an example in the background, for long-running ones such as the HTTP service. */
export function startExample(name: string, args: readonly string[] = []) {
  return spawn(process.execPath, ['--import', 'tsx', join('examples', name), ...args], {
    cwd: projectRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
}

/** A fresh temporary directory. */
export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'related-articles-examples-'))
}
