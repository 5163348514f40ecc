import type pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { migrate, PostgresSyncError } from '../../src/postgres/index.js'
import { RelatedArticlesError } from '../../src/index.js'
import { DATABASE_URL, createArticlesTable, freshSchema, testPool, waitFor } from './helpers.js'

describe.skipIf(!DATABASE_URL)('migrate (PostgreSQL)', () => {
  let pool: pg.Pool
  let schema: string
  let drop: () => Promise<void>

  beforeAll(async () => {
    pool = testPool()
    ;({ schema, drop } = await freshSchema(pool, 'migrate'))
    await createArticlesTable(pool, schema)
  })
  afterAll(async () => {
    await drop()
    await pool.end()
  })

  const changes = async (): Promise<(string | null)[]> =>
    (await pool.query<{ article_id: string | null }>(`SELECT article_id FROM "${schema}".related_articles_changes ORDER BY seq`)).rows.map(
      (r) => r.article_id,
    )

  it('creates the change log, the snapshot tables and the trigger, and running it again changes nothing', async () => {
    const first = await migrate(pool, { table: 'articles', schema })
    expect(first.columns).toEqual({ id: 'id', title: 'title', body: 'body', publishedAt: 'published_at', tags: 'tags', section: 'section', source: 'source', url: 'url' })
    expect(first.channel).toMatch(/^related_articles_[0-9a-f]{8}$/)
    await pool.query(`INSERT INTO "${schema}".articles (id, title, body) VALUES ('a', 'A', 'body a')`)
    const second = await migrate(pool, { table: 'articles', schema })
    expect(second).toEqual(first)
    // One trigger firing per change, not two: the second run replaced the triggers.
    await pool.query(`INSERT INTO "${schema}".articles (id, title, body) VALUES ('b', 'B', 'body b')`)
    expect(await changes()).toEqual(['a', 'b'])
  })

  it('logs inserts, deletes, id changes and truncation, and updates only when a mapped column changed', async () => {
    await pool.query(`DELETE FROM "${schema}".related_articles_changes`)
    await pool.query(`UPDATE "${schema}".articles SET views = views + 1 WHERE id = 'a'`) // not mapped: no change
    await pool.query(`UPDATE "${schema}".articles SET title = 'A2' WHERE id = 'a'`)
    await pool.query(`UPDATE "${schema}".articles SET title = title WHERE id = 'a'`) // same value: no change
    await pool.query(`UPDATE "${schema}".articles SET id = 'c' WHERE id = 'b'`)
    await pool.query(`DELETE FROM "${schema}".articles WHERE id = 'a'`)
    await pool.query(`TRUNCATE "${schema}".articles`)
    expect(await changes()).toEqual(['a', 'c', 'b', 'a', null])
  })

  it('sends one NOTIFY per transaction on the channel', async () => {
    const { channel } = await migrate(pool, { table: 'articles', schema })
    const client = await pool.connect()
    try {
      const received: string[] = []
      client.on('notification', (n) => received.push(n.channel))
      await client.query(`LISTEN "${channel}"`)
      await pool.query(`INSERT INTO "${schema}".articles (id, title, body) VALUES ('n1', 'N', 'x'), ('n2', 'N', 'y')`)
      await waitFor(() => received.length > 0, 'the notification')
      await new Promise((resolve) => setTimeout(resolve, 200)) // and no second one
      expect(received).toEqual([channel])
      await client.query('UNLISTEN *')
    } finally {
      client.release()
    }
  })

  it('follows a mapping of differently named columns with an integer id', async () => {
    await pool.query(`CREATE TABLE "${schema}".stories (story_id bigint PRIMARY KEY, headline varchar(200), text text, first_published date)`)
    const result = await migrate(pool, {
      table: 'stories',
      schema,
      prefix: 'stories_sync',
      columns: { id: 'story_id', title: 'headline', body: 'text', publishedAt: 'first_published' },
    })
    expect(result.columns).toEqual({ id: 'story_id', title: 'headline', body: 'text', publishedAt: 'first_published' })
    await pool.query(`INSERT INTO "${schema}".stories VALUES (42, 'H', 'T', '2024-01-02')`)
    const { rows } = await pool.query(`SELECT article_id FROM "${schema}".stories_sync_changes`)
    expect(rows).toEqual([{ article_id: '42' }])
  })

  it.each([
    ['a missing table', { table: 'nope' }, /table "t_migrate_[0-9a-f]+"\."nope" does not exist/],
    ['a missing explicit column', { table: 'articles', columns: { publishedAt: 'published' } }, /has no column "published" for publishedAt/],
    ['a body that is not text', { table: 'articles', columns: { body: 'views' } }, /column "views" .* holds body .* must be a text type, got integer/],
  ])('refuses %s with SCHEMA_MISMATCH and creates nothing', async (_why, mapping, message) => {
    const before = await pool.query(`SELECT count(*)::int AS n FROM pg_class WHERE relnamespace = $1::regnamespace`, [schema])
    const error = await migrate(pool, { schema, prefix: 'other', ...mapping }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(PostgresSyncError)
    expect((error as PostgresSyncError).code).toBe('SCHEMA_MISMATCH')
    expect((error as Error).message).toMatch(message)
    const after = await pool.query(`SELECT count(*)::int AS n FROM pg_class WHERE relnamespace = $1::regnamespace`, [schema])
    expect(after.rows).toEqual(before.rows)
  })

  it('refuses a malformed mapping with INVALID_OPTION naming the key', async () => {
    await expect(migrate(pool, { table: 'articles', columns: { titel: 'x' } as never })).rejects.toThrow(RelatedArticlesError)
    await expect(migrate(pool, { table: 'articles', columns: { titel: 'x' } as never })).rejects.toThrow(/mapping\.columns\.titel/)
    await expect(migrate(pool, { table: 'articles', prefix: 'Bad-Prefix' })).rejects.toThrow(/mapping\.prefix/)
  })
})
