import pg from 'pg'
import { randomBytes } from 'node:crypto'

/** The test database, or undefined: then every PostgreSQL test skips (the global setup says why, once). */
export const DATABASE_URL = process.env.DATABASE_URL || undefined

/** A pool on the test database with errors of idle clients ignored (tests kill backends on purpose). */
export function testPool(max = 4): pg.Pool {
  const pool = new pg.Pool({ connectionString: DATABASE_URL, max })
  pool.on('error', () => undefined)
  return pool
}

/** A fresh schema for one test file, so files can run in parallel; dropped by the returned function. */
export async function freshSchema(pool: pg.Pool, label: string): Promise<{ schema: string; drop: () => Promise<void> }> {
  const schema = `t_${label}_${randomBytes(4).toString('hex')}`
  await pool.query(`CREATE SCHEMA "${schema}"`)
  return { schema, drop: async () => void (await pool.query(`DROP SCHEMA "${schema}" CASCADE`)) }
}

/** Creates the default articles table in `schema`. */
export async function createArticlesTable(pool: pg.Pool, schema: string, table = 'articles'): Promise<void> {
  await pool.query(`CREATE TABLE "${schema}"."${table}" (
    id text PRIMARY KEY,
    title text NOT NULL,
    body text NOT NULL,
    published_at timestamptz,
    tags text[],
    section text,
    source text,
    url text,
    views integer NOT NULL DEFAULT 0
  )`)
}
