import { describe, expect, it } from 'vitest'
import { runExample } from './run.js'

describe('examples/basic.ts', () => {
  it('prints the related stories of the first talks article, and not the unrelated rates story', () => {
    const run = runExample('basic.ts')
    expect(run.stderr).toBe('')
    expect(run.code).toBe(0)
    const lines = run.stdout.trim().split('\n')
    expect(lines.map((line) => line.split(/\s+/)[0])).toEqual(['talks-end', 'drones'])
    expect(lines[0]).toMatch(/entities: .*Istanbul/)
    expect(run.stdout).not.toContain('boe-cut')
  })
})
