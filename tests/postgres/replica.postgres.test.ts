import type pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { RelatedArticlesError } from '../../src/index.js'
import { migrate, PostgresReplica, PostgresSyncError, type ReplicaLogEvent } from '../../src/postgres/index.js'
import {
  DATABASE_URL,
  buildFromTable,
  createArticlesTable,
  expectSameIndex,
  freshSchema,
  insertArticles,
  sampleArticles,
  testPool,
  waitFor,
} from './helpers.js'

describe.skipIf(!DATABASE_URL)('PostgresReplica (PostgreSQL)', () => {
  let pool: pg.Pool
  let schema: string
  let drop: () => Promise<void>
  const articles = sampleArticles()

  beforeAll(async () => {
    pool = testPool()
    ;({ schema, drop } = await freshSchema(pool, 'replica'))
    await createArticlesTable(pool, schema)
  })
  afterAll(async () => {
    await drop()
    await pool.end()
  })

  it('refuses to start on a table that was not migrated, naming migrate()', async () => {
    const error = await PostgresReplica.start({ connection: DATABASE_URL as string, mapping: { table: 'articles', schema } }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(PostgresSyncError)
    expect((error as PostgresSyncError).code).toBe('NOT_MIGRATED')
    expect((error as Error).message).toMatch(/run migrate\(pool, mapping\)/)
  })

  it('refuses a table whose columns do not match the mapping, and a mapping other than the migrated one', async () => {
    await migrate(pool, { table: 'articles', schema })
    const missing = await PostgresReplica.start({
      connection: DATABASE_URL as string,
      mapping: { table: 'articles', schema, columns: { title: 'headline' } },
    }).catch((e: unknown) => e)
    expect((missing as PostgresSyncError).code).toBe('SCHEMA_MISMATCH')
    expect((missing as Error).message).toMatch(/has no column "headline" for title/)
    const other = await PostgresReplica.start({
      connection: DATABASE_URL as string,
      mapping: { table: 'articles', schema, columns: { section: 'source' } },
    }).catch((e: unknown) => e)
    expect((other as PostgresSyncError).code).toBe('NOT_MIGRATED')
    expect((other as Error).message).toMatch(/another mapping/)
  })

  it('refuses bad options with INVALID_OPTION and an unreachable server with CONNECTION_FAILED', async () => {
    await expect(PostgresReplica.start({ connection: DATABASE_URL as string, mapping: { table: 'articles', schema }, batchSize: 0 })).rejects.toThrow(
      RelatedArticlesError,
    )
    await expect(
      PostgresReplica.start({ connection: DATABASE_URL as string, mapping: { table: 'articles', schema }, index: { titleWeight: -1 } }),
    ).rejects.toThrow(/titleWeight/)
    const error = await PostgresReplica.start({ connection: 'postgres://nobody@127.0.0.1:1/none', mapping: { table: 'articles', schema } }).catch(
      (e: unknown) => e,
    )
    expect((error as PostgresSyncError).code).toBe('CONNECTION_FAILED')
  })

  it('loads the rows in batches with progress, follows inserts, updates and deletes, and closes cleanly', async () => {
    await insertArticles(pool, schema, articles.slice(0, 120))
    const progress: number[] = []
    const changes: string[][] = []
    const replica = await PostgresReplica.start({
      connection: { connectionString: DATABASE_URL, application_name: `closes-${schema}` },
      mapping: { table: 'articles', schema },
      batchSize: 50,
      onProgress: ({ phase, done, total }) => {
        expect(phase).toBe('rows')
        expect(total).toBe(120)
        progress.push(done)
      },
      onChange: ({ upserted, removed }) => changes.push([...upserted.map((id) => `+${id}`), ...removed.map((id) => `-${id}`)]),
    })
    try {
      expect(progress).toEqual([50, 100, 120])
      expect(replica.stats).toMatchObject({ status: 'live', startedFrom: 'rows', articles: 120, skipped: 0 })
      expectSameIndex(replica.index, await buildFromTable(pool, schema), 'after load')

      const added = articles[150]!
      await insertArticles(pool, schema, [added])
      await waitFor(() => replica.index.has(added.id), 'the insert to arrive by NOTIFY')
      await pool.query(`UPDATE "${schema}".articles SET title = 'Coffee prices and the ICO' WHERE id = $1`, [articles[0]!.id])
      await pool.query(`DELETE FROM "${schema}".articles WHERE id = $1`, [articles[1]!.id])
      await waitFor(() => !replica.index.has(articles[1]!.id), 'the delete to arrive')
      expect(replica.index.get(articles[0]!.id)?.title).toBe('Coffee prices and the ICO')
      expect(changes.flat()).toEqual(expect.arrayContaining([`+${added.id}`, `+${articles[0]!.id}`, `-${articles[1]!.id}`]))
      expectSameIndex(replica.index, await buildFromTable(pool, schema), 'after changes')
    } finally {
      await replica.close()
    }
    expect(replica.stats.status).toBe('closed')
    await replica.close() // twice is harmless
    await expect(replica.catchUp()).rejects.toThrow(PostgresSyncError)
    // The server process ends just after the socket closes: its connection leaves pg_stat_activity.
    const connections = async (): Promise<number> =>
      (await pool.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = $1`, [`closes-${schema}`])).rows[0].n
    await waitFor(async () => (await connections()) === 0, 'the connection to close', 5_000)
  })

  it('follows a table of its own shape: bigint ids, other column names, a date and a jsonb tag list', async () => {
    await pool.query(`CREATE TABLE "${schema}".stories (story_id bigint PRIMARY KEY, headline varchar(200) NOT NULL, text text NOT NULL,
      first_published date, keywords jsonb, desk text)`)
    const mapping = {
      table: 'stories',
      schema,
      prefix: 'stories_sync',
      columns: { id: 'story_id', title: 'headline', body: 'text', publishedAt: 'first_published', tags: 'keywords', section: 'desk' },
    }
    await migrate(pool, mapping)
    await pool.query(`INSERT INTO "${schema}".stories VALUES (1, 'Coffee quotas', 'Brazil wants coffee export quotas back.', '1987-03-02', '["coffee"]', 'Markets')`)
    const replica = await PostgresReplica.start({ connection: DATABASE_URL as string, mapping, batchSize: 1 })
    try {
      expect(replica.index.get('1')).toEqual({
        id: '1',
        title: 'Coffee quotas',
        body: 'Brazil wants coffee export quotas back.',
        publishedAt: '1987-03-02',
        tags: ['coffee'],
        section: 'Markets',
      })
      // One change: the one-statement catch-up; three: more than batchSize, the transaction.
      await pool.query(`INSERT INTO "${schema}".stories VALUES (2, 'Coffee talks', 'Coffee producers meet on quotas.', NULL, NULL, NULL)`)
      await waitFor(() => replica.index.has('2'), 'a bigint id')
      await pool.query(`INSERT INTO "${schema}".stories VALUES (3, 'Cocoa', 'Cocoa buffer stock.', '1987-03-03', '[]', 'Markets'),
        (4, 'Tin', 'Tin council.', NULL, NULL, NULL), (5, 'Zinc', 'Zinc output.', NULL, NULL, NULL)`)
      await pool.query(`DELETE FROM "${schema}".stories WHERE story_id = 1`)
      await waitFor(() => replica.index.size === 4 && !replica.index.has('1'), 'the batch and the delete')
      expect(replica.index.get('3')?.publishedAt).toBe('1987-03-03')
    } finally {
      await replica.close()
    }
  })

  it('skips a row the index refuses, logs it with its id and counts it, and removes its older version', async () => {
    const events: ReplicaLogEvent[] = []
    await pool.query(`INSERT INTO "${schema}".articles (id, title, body, tags) VALUES ('bad-tags', 'Tagged', 'Body', '{ok}')`)
    const replica = await PostgresReplica.start({ connection: DATABASE_URL as string, mapping: { table: 'articles', schema }, log: (e) => events.push(e) })
    try {
      expect(replica.index.has('bad-tags')).toBe(true)
      // A 2-million-character body is over the index's maxArticleLength: LIMIT_EXCEEDED.
      await pool.query(`UPDATE "${schema}".articles SET body = repeat('x ', 1000000) WHERE id = 'bad-tags'`)
      await waitFor(() => !replica.index.has('bad-tags'), 'the refused version to be dropped')
      expect(replica.stats.skipped).toBe(1)
      const warning = events.find((e) => e.level === 'warn')
      expect(warning).toMatchObject({ id: 'bad-tags' })
      expect(warning?.message).toMatch(/row "bad-tags" skipped: LIMIT_EXCEEDED/)
      expect((warning?.error as RelatedArticlesError).code).toBe('LIMIT_EXCEEDED')
      // It is skipped at a fresh start too, and the rest of the batch is loaded.
      const fresh = await PostgresReplica.start({ connection: DATABASE_URL as string, mapping: { table: 'articles', schema }, log: () => undefined })
      expect(fresh.stats.skipped).toBe(1)
      expectSameIndex(fresh.index, replica.index, 'fresh start beside the follower')
      await fresh.close()
    } finally {
      await replica.close()
    }
  })
})
