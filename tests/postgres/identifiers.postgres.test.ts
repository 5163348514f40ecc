import fc from 'fast-check'
import type pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { migrate, PostgresReplica } from '../../src/postgres/index.js'
import { DATABASE_URL, freshSchema, testPool, waitFor } from './helpers.js'

/** Column names built from the characters and words that break naive SQL: quotes, dollar quotes, spaces. */
const PIECES = ['a', 'Z', '"', "'", '$', '$body$', '$$', ' ', 'é', '-', ';', '\\', '(', ')', 'END', '--', '%I']
const SYSTEM_COLUMNS = new Set(['ctid', 'xmin', 'xmax', 'cmin', 'cmax', 'tableoid', 'oid'])
const columnName = fc
  .array(fc.constantFrom(...PIECES), { minLength: 1, maxLength: 6 })
  .map((parts) => parts.join(''))
  .filter((name) => Buffer.byteLength(name) <= 63 && !SYSTEM_COLUMNS.has(name))

const quote = (name: string): string => `"${name.replaceAll('"', '""')}"`

describe.skipIf(!DATABASE_URL)('identifiers in a mapping (PostgreSQL)', () => {
  let pool: pg.Pool
  let schema: string
  let drop: () => Promise<void>
  beforeAll(async () => {
    pool = testPool()
    ;({ schema, drop } = await freshSchema(pool, 'idents'))
  })
  afterAll(async () => {
    await drop()
    await pool.end()
  })

  it('any column and table names are quoted everywhere: migrate, the trigger, the first load and catch-ups work', async () => {
    let n = 0
    await fc.assert(
      fc.asyncProperty(fc.uniqueArray(columnName, { minLength: 4, maxLength: 4 }), async ([id, title, body, table]) => {
        const prefix = `p${n++}`
        const t = `${quote(schema)}.${quote(table as string)}`
        await pool.query(`DROP TABLE IF EXISTS ${t}`) // left by a failed run while shrinking
        await pool.query(`CREATE TABLE ${t} (${quote(id as string)} text PRIMARY KEY, ${quote(title as string)} text, ${quote(body as string)} text)`)
        const mapping = { table: table as string, schema, prefix, columns: { id, title, body } }
        await migrate(pool, mapping)
        await pool.query(`INSERT INTO ${t} VALUES ('x', 'Coffee quotas', 'Brazil wants quotas.')`)
        const replica = await PostgresReplica.start({ connection: DATABASE_URL as string, mapping, pollIntervalMs: 0 })
        try {
          expect(replica.index.get('x')).toEqual({ id: 'x', title: 'Coffee quotas', body: 'Brazil wants quotas.' })
          await pool.query(`INSERT INTO ${t} VALUES ('y', 'Cocoa', 'Cocoa stocks.')`)
          await pool.query(`UPDATE ${t} SET ${quote(title as string)} = 'Coffee quotas return' WHERE ${quote(id as string)} = 'x'`)
          await waitFor(() => replica.index.get('x')?.title === 'Coffee quotas return' && replica.index.has('y'), 'the catch-up')
        } finally {
          await replica.close()
          await pool.query(`DROP TABLE ${t}`)
        }
      }),
      { numRuns: 12 },
    )
  })
})
