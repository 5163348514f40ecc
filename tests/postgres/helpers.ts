import pg from 'pg'
import { randomBytes } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { expect } from 'vitest'
import { RelatedIndex, type Article } from '../../src/index.js'

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

/** The bundled Reuters sample (292 stories), as rows for the default articles table. */
export function sampleArticles(): Article[] {
  const path = fileURLToPath(new URL('../../examples/data/reuters-sample.jsonl', import.meta.url))
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as Article)
}

/** Inserts (or, with `upsert`, replaces) articles into `schema.articles` in one statement. */
export async function insertArticles(db: Pick<pg.ClientBase, 'query'>, schema: string, articles: readonly Article[]): Promise<void> {
  if (articles.length === 0) return
  await db.query(
    `INSERT INTO "${schema}".articles (id, title, body, published_at, tags, section, source, url)
     SELECT * FROM jsonb_to_recordset($1::jsonb) AS x(id text, title text, body text, "publishedAt" timestamptz, tags text[], section text, source text, url text)
     ON CONFLICT (id) DO UPDATE SET title = EXCLUDED.title, body = EXCLUDED.body, published_at = EXCLUDED.published_at,
       tags = EXCLUDED.tags, section = EXCLUDED.section, source = EXCLUDED.source, url = EXCLUDED.url`,
    [JSON.stringify(articles)],
  )
}

/** An index built from scratch from what the table holds now: the oracle a replica must equal. */
export async function buildFromTable(db: Pick<pg.ClientBase, 'query'>, schema: string): Promise<RelatedIndex> {
  const { rows } = await db.query<Record<string, unknown>>(
    `SELECT id, title, body, to_char(published_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "publishedAt", tags, section, source, url
       FROM "${schema}".articles`,
  )
  const index = new RelatedIndex()
  for (const row of rows) {
    const article = Object.fromEntries(Object.entries(row).filter(([, v]) => v !== null)) as unknown as Article
    try {
      index.add(article)
    } catch {
      // The replica skips rows the index refuses; so does the oracle.
    }
  }
  return index
}

/** A ranking reduced to what must match across builds: ids and scores (rounded: float sums may differ in the last bits). */
function digest(index: RelatedIndex, id: string): string[] {
  return index.related(id, { k: 10 }).map((r) => `${r.score.toFixed(9)} ${r.id}`)
}

/**
 * Asserts that two indexes hold the same articles and rank them alike: the same ids and, for
 * every article, the same related ids with the same scores. Ties at the cut (equal rounded scores)
 * may pick different members, so lists are compared as multisets of score and id above the last score.
 */
export function expectSameIndex(actual: RelatedIndex, expected: RelatedIndex, label: string): void {
  expect(actual.ids().sort(), `${label}: ids`).toEqual(expected.ids().sort())
  for (const id of expected.ids()) {
    const a = digest(actual, id)
    const e = digest(expected, id)
    const cut = (list: string[]): string[] => {
      const last = list.at(-1)?.split(' ')[0]
      return list.filter((x) => x.split(' ')[0] !== last || list.length < 10).sort()
    }
    expect(a.map((x) => x.split(' ')[0]), `${label}: scores of related(${id})`).toEqual(e.map((x) => x.split(' ')[0]))
    expect(cut(a), `${label}: related(${id})`).toEqual(cut(e))
  }
}

/** Waits until `condition` holds, polling every 20 ms; fails after `timeoutMs`. */
export async function waitFor(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 20_000): Promise<void> {
  const start = Date.now()
  while (!(await condition())) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}
