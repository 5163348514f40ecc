import type pg from 'pg'
import { invalid } from '../errors.js'
import type { TableMapping } from './mapping.js'
import { objectNames, qualified, resolveMapping } from './mapping.js'
import { isPool } from './migrate.js'
import type { Queryable } from './schema.js'

/**
 * Options of {@link pruneChanges}.
 *
 * @example
 * ```ts
 * const options: PruneOptions = { olderThanMs: 7 * 24 * 3600 * 1000 } // a week
 * ```
 */
export interface PruneOptions {
  /** Change-log rows older than this many milliseconds are deleted. */
  olderThanMs: number
}

/**
 * What {@link pruneChanges} did.
 *
 * @example
 * ```ts
 * const { deleted }: PruneResult = await pruneChanges(pool, mapping, { olderThanMs: 86_400_000 })
 * ```
 */
export interface PruneResult {
  /** Change-log rows deleted. */
  deleted: number
}

/**
 * Deletes old rows of the change log, which otherwise grows with every change. A replica whose
 * watermark is older than what was deleted (one that was away longer than `olderThanMs`, or a
 * stored snapshot that old) can no longer catch up from the log: it reloads every row instead,
 * which the state table's `pruned_through` tells it. Keep `olderThanMs` well above the interval at
 * which snapshots are saved and above any outage a replica should survive by catching up.
 *
 * @example
 * ```ts
 * const { deleted } = await pruneChanges(pool, { table: 'articles' }, { olderThanMs: 7 * 24 * 3600 * 1000 })
 * ```
 * @throws RelatedArticlesError `INVALID_OPTION` for a malformed mapping or age.
 */
export async function pruneChanges(db: pg.Pool | pg.ClientBase, mapping: TableMapping, options: PruneOptions): Promise<PruneResult> {
  const m = resolveMapping(mapping)
  const age = (options as Partial<PruneOptions> | undefined)?.olderThanMs
  if (typeof age !== 'number' || !Number.isFinite(age) || age < 0) throw invalid('INVALID_OPTION', 'olderThanMs', 'a number of milliseconds from 0', age)
  const changes = qualified(m.schema, objectNames(m).changes)
  const client = isPool(db) ? await db.connect() : undefined
  const conn: Queryable = client ?? db
  try {
    await conn.query('BEGIN')
    try {
      const { rows } = await conn.query<{ deleted: number }>(
        `WITH gone AS (
           DELETE FROM ${changes} WHERE changed_at < now() - make_interval(secs => $1::float8 / 1000) RETURNING txid
         ), top AS (SELECT (SELECT txid FROM gone ORDER BY txid DESC LIMIT 1) AS txid, (SELECT count(*) FROM gone)::int AS deleted)
         UPDATE ${qualified(m.schema, `${m.prefix}_state`)} s
            SET pruned_through = CASE WHEN s.pruned_through IS NULL OR top.txid > s.pruned_through THEN top.txid ELSE s.pruned_through END
           FROM top WHERE top.deleted > 0
         RETURNING top.deleted`,
        [age],
      )
      await conn.query('COMMIT')
      return { deleted: rows[0]?.deleted ?? 0 }
    } catch (error) {
      await conn.query('ROLLBACK').catch(() => undefined)
      throw error
    }
  } finally {
    client?.release()
  }
}
