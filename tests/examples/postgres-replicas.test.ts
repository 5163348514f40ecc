import { describe, expect, it } from 'vitest'
import { runExample } from './run.js'

// Skipped without DATABASE_URL; the global setup says so once for every PostgreSQL test.
describe.skipIf(!process.env.DATABASE_URL)('examples/postgres-replicas.ts (PostgreSQL)', () => {
  it('starts two replicas (from rows, from a snapshot) that answer for a published story and then 404 after its delete', () => {
    const run = runExample('postgres-replicas.ts')
    expect(run.stderr).toBe('')
    expect(run.code).toBe(0)
    const lines = run.stdout.trim().split('\n')
    expect(lines[0]).toBe('writer: 291 articles in related_articles_example.articles')
    expect(lines[1]).toMatch(/^replica 1: http:\/\/127\.0\.0\.1:\d+, 291 articles from rows in \d+ ms$/)
    expect(lines[3]).toMatch(/^replica 2: http:\/\/127\.0\.0\.1:\d+, 291 articles from the snapshot in \d+ ms$/)
    const answers = lines.filter((line) => line.includes('GET /related/'))
    expect(answers).toHaveLength(4)
    // Both replicas give the same related stories for the new one.
    const related = answers.slice(0, 2).map((line) => line.split(': ').at(-1))
    expect(related[0]).toMatch(/^r\d+ \(0\.\d+\)/)
    expect(related[1]).toBe(related[0])
    expect(answers.slice(2).every((line) => line.includes('-> 404 NOT_FOUND'))).toBe(true)
  })
})
