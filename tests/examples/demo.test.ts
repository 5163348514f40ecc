import { describe, expect, it } from 'vitest'
import { runExample } from './run.js'

describe('examples/demo.ts (npm run demo)', () => {
  it('indexes the bundled sample and prints a table of related stories for each showcase article', () => {
    const run = runExample('demo.ts')
    expect(run.code).toBe(0)
    expect(run.stdout).toMatch(/^Indexed 292 Reuters articles \(Reuters-21578, Distribution 1\.0\)/)
    // One header line per showcase article, each followed by a table with a score column.
    expect(run.stdout).toMatch(/\[r10122, 1987-03-26\]/)
    expect(run.stdout.match(/^#\s+score\s+title\s+why/gm)).toHaveLength(4)
    // Progress goes to standard error, and only on a terminal: none here.
    expect(run.stderr).toBe('')
  })
})
