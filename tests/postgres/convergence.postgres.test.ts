import type pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Article } from '../../src/index.js'
import { migrate, pruneChanges, PostgresReplica, PostgresSyncError, type PostgresReplicaOptions } from '../../src/postgres/index.js'
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
import { seededRandom as random } from '../../src/evaluation/random.js'

const TAGS = ['markets', 'coffee', 'oil', 'currencies', 'grain', 'trade']

describe.skipIf(!DATABASE_URL)('replicas converge on the table (PostgreSQL)', () => {
  let pool: pg.Pool
  let schema: string
  let drop: () => Promise<void>
  let role: string
  const replicas: PostgresReplica[] = []
  const sample = sampleArticles()
  const quiet = (): void => undefined

  const options = (extra: Partial<PostgresReplicaOptions> = {}): PostgresReplicaOptions => ({
    connection: DATABASE_URL as string,
    mapping: { table: 'articles', schema },
    reconnect: { minDelayMs: 20, maxDelayMs: 200 },
    log: quiet,
    ...extra,
  })
  const start = async (extra: Partial<PostgresReplicaOptions> = {}): Promise<PostgresReplica> => {
    const replica = await PostgresReplica.start(options(extra))
    replicas.push(replica)
    return replica
  }
  /** Every replica has read everything committed so far. */
  const settle = async (...list: PostgresReplica[]): Promise<void> => {
    for (const r of list) {
      await waitFor(() => r.stats.status === 'live', 'the replica to be connected')
      await r.catchUp()
    }
  }

  beforeAll(async () => {
    pool = testPool(6)
    ;({ schema, drop } = await freshSchema(pool, 'converge'))
    await createArticlesTable(pool, schema)
    await migrate(pool, { table: 'articles', schema })
    // A login role of its own, so one replica can be kept out (NOLOGIN) while the table changes.
    role = `${schema}_away`
    await pool.query(`CREATE ROLE "${role}" LOGIN`)
    await pool.query(`GRANT USAGE ON SCHEMA "${schema}" TO "${role}"`)
    await pool.query(`GRANT SELECT ON ALL TABLES IN SCHEMA "${schema}" TO "${role}"`)
  })
  afterAll(async () => {
    await Promise.all(replicas.map((r) => r.close()))
    await drop()
    await pool.query(`DROP ROLE IF EXISTS "${role}"`)
    await pool.end()
  })

  it('three replicas follow random inserts, updates and deletes, one of them away for a while, and each equals a fresh build', async () => {
    const seed = Number(process.env.POSTGRES_TEST_SEED ?? Date.now() % 1_000_000)
    const rand = random(seed)
    const pick = <T>(list: readonly T[]): T => list[Math.floor(rand() * list.length)] as T
    const label = `seed ${seed} (POSTGRES_TEST_SEED=${seed} replays it)`
    await insertArticles(pool, schema, sample.slice(0, 80))
    const awayUrl = new URL(DATABASE_URL as string)
    awayUrl.username = role
    const a = await start()
    // b reads at most 3 changes in its one-statement catch-up, so it takes the transaction path too.
    const b = await start({ batchSize: 3 })
    const c = await start({ connection: awayUrl.toString() })
    let unused = sample.slice(80)

    const stored = async (): Promise<string[]> =>
      (await pool.query<{ id: string }>(`SELECT id FROM "${schema}".articles ORDER BY id`)).rows.map((r) => r.id)
    /** One random insert, update or delete; returns the id it wrote, and never writes an id in `avoid`. */
    const randomOp = async (db: Pick<pg.ClientBase, 'query'>, avoid: ReadonlySet<string> = new Set()): Promise<string | undefined> => {
      const ids = (await stored()).filter((id) => !avoid.has(id))
      const kind = rand()
      if (kind < 0.4 && unused.length > 0) {
        const article = unused[0] as Article
        unused = unused.slice(1)
        await insertArticles(db, schema, [{ ...article, tags: rand() < 0.5 ? [pick(TAGS)] : undefined } as Article])
        return article.id
      } else if (kind < 0.7 && ids.length > 0) {
        const id = pick(ids)
        const other = pick(sample)
        const change = pick(['title', 'body', 'tags', 'published_at'])
        const value = change === 'title' ? other.title : change === 'body' ? other.body : change === 'tags' ? [pick(TAGS), pick(TAGS)] : other.publishedAt
        await db.query(`UPDATE "${schema}".articles SET ${change} = $2 WHERE id = $1`, [id, value])
        return id
      } else if (ids.length > 0) {
        const id = pick(ids)
        await db.query(`DELETE FROM "${schema}".articles WHERE id = $1`, [id])
        return id
      }
      return undefined
    }
    /**
     * Ops in two interleaved transactions that commit in the other order than they wrote. The
     * second never writes a row the first holds a lock on (it would wait for a commit that waits for it).
     */
    const interleaved = async (): Promise<void> => {
      const [t1, t2] = [await pool.connect(), await pool.connect()]
      try {
        await t1.query('BEGIN')
        await t2.query('BEGIN')
        const held = new Set<string>()
        const first = await randomOp(t1)
        if (first !== undefined) held.add(first)
        await randomOp(t2, held)
        await t2.query('COMMIT')
        await randomOp(t1)
        await t1.query('COMMIT')
      } catch (error) {
        await t1.query('ROLLBACK').catch(() => undefined)
        await t2.query('ROLLBACK').catch(() => undefined)
        throw error
      } finally {
        t1.release()
        t2.release()
      }
    }

    for (let round = 0; round < 6; round++) {
      if (round === 2) {
        // Replica c goes away: its connection is killed and it may not log in again for a while.
        await pool.query(`ALTER ROLE "${role}" NOLOGIN`)
        await pool.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = $1`, [role])
        await waitFor(() => c.stats.status === 'reconnecting', 'replica c to notice')
      }
      if (round === 4) await pool.query(`ALTER ROLE "${role}" LOGIN`)
      for (let i = 0; i < 12; i++) {
        if (rand() < 0.2) await interleaved()
        else await randomOp(pool)
      }
      if (round === 3) {
        // While c is away, a and b keep up and c holds the table as it was.
        await settle(a, b)
        expect(c.stats.status, label).toBe('reconnecting')
      }
    }
    await settle(a, b, c)
    expect(c.stats.reconnects, label).toBeGreaterThanOrEqual(1)
    const fresh = await buildFromTable(pool, schema)
    expect(fresh.size, label).toBeGreaterThan(50)
    for (const [name, replica] of [['a', a], ['b', b], ['c', c]] as const) expectSameIndex(replica.index, fresh, `replica ${name}, ${label}`)
  })

  it('reads a change that a long transaction commits after later ones were read', async () => {
    const r = await start()
    const long = await pool.connect()
    try {
      await long.query('BEGIN')
      await insertArticles(long, schema, [{ id: 'late', title: 'Coffee talks resume', body: 'Coffee producers met again in London.' }])
      await insertArticles(pool, schema, [{ id: 'early', title: 'Grain exports rise', body: 'Grain exports rose in March.' }])
      await waitFor(() => r.index.has('early'), 'the early commit')
      expect(r.index.has('late')).toBe(false)
      await long.query('COMMIT')
    } finally {
      long.release()
    }
    await waitFor(() => r.index.has('late'), 'the late commit')
  })

  it('a replica started from a stored snapshot and caught up equals one built from scratch', async () => {
    await insertArticles(pool, schema, sample.slice(240, 270))
    const writer = await start()
    // A transaction open while the snapshot is saved commits after it: the catch-up must read it.
    const open = await pool.connect()
    try {
      await open.query('BEGIN')
      await open.query(`DELETE FROM "${schema}".articles WHERE id = (SELECT min(id) FROM "${schema}".articles)`)
      // A later commit moves the writer's watermark past the open transaction's id.
      await insertArticles(pool, schema, [{ id: 'during-open', title: 'Tin talks', body: 'Tin producers met in London.' } as Article])
      await waitFor(() => writer.index.has('during-open'), 'the commit during the open transaction')
      const saved = await writer.saveSnapshot()
      expect(saved.articles).toBe(writer.index.size)
      await open.query('COMMIT')
    } finally {
      open.release()
    }
    await insertArticles(pool, schema, [{ id: 'after-snapshot', title: 'Oil prices fall', body: 'Crude oil prices fell on Monday.' } as Article])
    await pool.query(`UPDATE "${schema}".articles SET title = 'Updated after the snapshot' WHERE id = (SELECT max(id) FROM "${schema}".articles)`)
    const progress: string[] = []
    const fromSnapshot = await start({ from: 'snapshot', onProgress: ({ phase }) => progress.push(phase) })
    expect(fromSnapshot.stats.startedFrom).toBe('snapshot')
    expect(progress).toContain('snapshot')
    const fromRows = await start({ from: 'rows' })
    expectSameIndex(fromSnapshot.index, await buildFromTable(pool, schema), 'from snapshot')
    expectSameIndex(fromSnapshot.index, fromRows.index, 'from snapshot against from rows')
    // Only the newest two complete snapshots are kept.
    await writer.saveSnapshot()
    await writer.saveSnapshot()
    const { rows } = await pool.query(`SELECT count(*)::int AS n FROM "${schema}".related_articles_snapshots`)
    expect(rows[0].n).toBe(2)
  })

  it('recovers from a killed connection and reads what changed meanwhile', async () => {
    const name = `killed-${schema}`
    const r = await start({ connection: { connectionString: DATABASE_URL, application_name: name } })
    const killed = await pool.query(`SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity WHERE application_name = $1`, [name])
    expect(killed.rows).toEqual([{ ok: true }])
    await insertArticles(pool, schema, [{ id: 'while-killed', title: 'Sugar quotas cut', body: 'Sugar import quotas were cut.' } as Article])
    await waitFor(() => r.index.has('while-killed'), 'the change made while the connection was down')
    expect(r.stats).toMatchObject({ status: 'live', reconnects: 1 })
    await pool.query(`DELETE FROM "${schema}".articles WHERE id = 'while-killed'`)
    await waitFor(() => !r.index.has('while-killed'), 'NOTIFY on the new connection')
    expectSameIndex(r.index, await buildFromTable(pool, schema), 'after the reconnect')
  })

  it('after the change log is pruned, an older snapshot is not used, and a replica that kept up reloads only if its watermark predates the pruning', async () => {
    const live = await start({ pollIntervalMs: 0 }) // its watermark moves only when this test writes
    const saved = await live.saveSnapshot()
    await insertArticles(pool, schema, [{ id: 'before-prune', title: 'Zinc output', body: 'Zinc output rose.' } as Article])
    await waitFor(() => live.index.has('before-prune'), 'the insert')
    expect((await pruneChanges(pool, { table: 'articles', schema }, { olderThanMs: 0 })).deleted).toBeGreaterThan(0)
    expect((await pruneChanges(pool, { table: 'articles', schema }, { olderThanMs: 0 })).deleted).toBe(0)
    // The snapshot's watermark predates the pruned changes: it cannot be caught up.
    const error = await PostgresReplica.start(options({ from: 'snapshot' })).catch((e: unknown) => e)
    expect((error as PostgresSyncError).code).toBe('NO_SNAPSHOT')
    expect((error as Error).message).toContain(`snapshot (${saved.id}) is older than the pruned change log`)
    const auto = await start()
    expect(auto.stats.startedFrom).toBe('rows')
    // The live replica read the pruned change already; it reloads only if its watermark's xmin is
    // still at or below the pruned transaction (a transaction open anywhere in the cluster, such
    // as another test file's, holds xmin back): conservative, never wrong.
    const { rows: stale } = await pool.query<{ stale: boolean }>(
      `SELECT pruned_through >= pg_snapshot_xmin($1::pg_snapshot) AS stale FROM "${schema}".related_articles_state`,
      [live.stats.watermark],
    )
    await pool.query(`UPDATE "${schema}".articles SET title = 'Zinc output rose again' WHERE id = 'before-prune'`)
    await settle(live, auto)
    expect(live.stats.reloads).toBe(stale[0]?.stale ? 1 : 0)
    expectSameIndex(live.index, await buildFromTable(pool, schema), 'after pruning')
    await expect(pruneChanges(pool, { table: 'articles', schema }, { olderThanMs: -1 })).rejects.toThrow(/olderThanMs/)
  })

  it('reloads every row after a TRUNCATE', async () => {
    const r = await start()
    await pool.query(`TRUNCATE "${schema}".articles`)
    await insertArticles(pool, schema, sample.slice(0, 5))
    await waitFor(() => r.index.size === 5, 'the reload')
    expect(r.stats.reloads).toBe(1)
    expectSameIndex(r.index, await buildFromTable(pool, schema), 'after TRUNCATE')
  })
})
