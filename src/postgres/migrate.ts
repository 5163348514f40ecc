import type pg from 'pg'
import type { TableMapping } from './mapping.js'
import { ident, literal, objectNames, qualified, resolveMapping } from './mapping.js'
import type { Queryable } from './schema.js'
import { inspectTable, mappingRecord, tableName } from './schema.js'

/**
 * What {@link migrate} created or replaced.
 *
 * @example
 * ```ts
 * const { channel, changes } = await migrate(pool, { table: 'articles' })
 * console.log(`replicas listen on ${channel}; changes are logged in ${changes}`)
 * ```
 */
export interface MigrateResult {
  /** The change log table, schema-qualified and quoted. */
  changes: string
  /** The snapshot table, schema-qualified and quoted. */
  snapshots: string
  /** The NOTIFY channel replicas listen on. */
  channel: string
  /** The mapped columns that exist and that replicas will read, by article field. */
  columns: Record<string, string>
}

/** Serialises concurrent `migrate` calls (two deploys starting at once): one key for the library. */
const MIGRATE_LOCK = 0x52_41_50_47 // "RAPG"

/**
 * Prepares a database for replicas of `mapping`'s table, idempotently: creates the change log,
 * the snapshot tables and a state row if they do not exist, and (re)creates the trigger function
 * and the triggers on the articles table. Run it at deploy time, with a role that may create
 * tables and triggers in the table's schema; running it again is harmless, and is how a changed
 * mapping takes effect. Everything happens in one transaction under an advisory lock.
 *
 * The trigger logs the id of every inserted, deleted or updated row (an update only when a mapped
 * column changed; both ids when the id itself changed; a marker for `TRUNCATE`) in the change log
 * and sends a NOTIFY on commit.
 *
 * @example
 * ```ts
 * import pg from 'pg'
 * import { migrate } from 'related-articles/postgres'
 *
 * const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL })
 * await migrate(pool, { table: 'articles', columns: { publishedAt: 'first_published' } })
 * ```
 * @throws PostgresSyncError `SCHEMA_MISMATCH` when the table or a mapped column is missing or of an
 *   unreadable type; RelatedArticlesError `INVALID_OPTION` for a malformed mapping.
 */
export async function migrate(db: pg.Pool | pg.ClientBase, mapping: TableMapping): Promise<MigrateResult> {
  const m = resolveMapping(mapping)
  const names = objectNames(m)
  const q = (name: string): string => qualified(m.schema, name)
  const table = tableName(m)
  // A pool hands each query to any of its clients; a transaction needs one client throughout.
  const client = isPool(db) ? await db.connect() : undefined
  const conn: Queryable = client ?? db
  try {
    await conn.query('BEGIN')
    try {
      await conn.query('SELECT pg_advisory_xact_lock($1)', [MIGRATE_LOCK])
      const shape = await inspectTable(conn, m)
      const id = ident((shape.columns.get('id') as { name: string }).name)
      const watched = [...shape.columns.values()].map((c) => ident(c.name))
      const changed = `(${watched.map((c) => `OLD.${c}`).join(', ')}) IS DISTINCT FROM (${watched.map((c) => `NEW.${c}`).join(', ')})`
      const captureBody = `
        BEGIN
          IF TG_OP = 'TRUNCATE' THEN
            INSERT INTO ${q(names.changes)} (article_id) VALUES (NULL);
          ELSIF TG_OP = 'DELETE' THEN
            INSERT INTO ${q(names.changes)} (article_id) VALUES (OLD.${id}::text);
          ELSE
            INSERT INTO ${q(names.changes)} (article_id) VALUES (NEW.${id}::text);
            IF TG_OP = 'UPDATE' AND OLD.${id} IS DISTINCT FROM NEW.${id} THEN
              INSERT INTO ${q(names.changes)} (article_id) VALUES (OLD.${id}::text);
            END IF;
          END IF;
          -- Identical notifications in one transaction are sent once, at commit.
          PERFORM pg_notify(${literal(names.channel)}, '');
          RETURN NULL;
        END
`
      // A dollar quote whose tag occurs nowhere in the body (a column name may contain `$body$`).
      let tag = '$body$'
      while (captureBody.includes(tag)) tag = `$body${tag.length}$`
      await conn.query(`
        CREATE TABLE IF NOT EXISTS ${q(names.changes)} (
          seq bigserial PRIMARY KEY,
          txid xid8 NOT NULL DEFAULT pg_current_xact_id(),
          article_id text,
          changed_at timestamptz NOT NULL DEFAULT now()
        );
        CREATE INDEX IF NOT EXISTS ${ident(`${names.changes}_txid`)} ON ${q(names.changes)} (txid);
        CREATE TABLE IF NOT EXISTS ${q(names.snapshots)} (
          id bigserial PRIMARY KEY,
          created_at timestamptz NOT NULL DEFAULT now(),
          watermark text NOT NULL,
          articles integer NOT NULL,
          bytes bigint NOT NULL,
          chunks integer NOT NULL,
          library_version text NOT NULL,
          complete boolean NOT NULL DEFAULT false
        );
        CREATE TABLE IF NOT EXISTS ${q(names.chunks)} (
          snapshot_id bigint NOT NULL REFERENCES ${q(names.snapshots)} (id) ON DELETE CASCADE,
          n integer NOT NULL,
          data bytea NOT NULL,
          PRIMARY KEY (snapshot_id, n)
        );
        CREATE TABLE IF NOT EXISTS ${q(`${m.prefix}_state`)} (
          singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
          mapping text NOT NULL,
          pruned_through xid8
        );
        CREATE OR REPLACE FUNCTION ${q(names.capture)}() RETURNS trigger LANGUAGE plpgsql AS ${tag}${captureBody}${tag};
        DROP TRIGGER IF EXISTS ${ident(names.trigger)} ON ${table};
        DROP TRIGGER IF EXISTS ${ident(`${names.trigger}_update`)} ON ${table};
        DROP TRIGGER IF EXISTS ${ident(names.truncateTrigger)} ON ${table};
        CREATE TRIGGER ${ident(names.trigger)} AFTER INSERT OR DELETE ON ${table}
          FOR EACH ROW EXECUTE FUNCTION ${q(names.capture)}();
        CREATE TRIGGER ${ident(`${names.trigger}_update`)} AFTER UPDATE ON ${table}
          FOR EACH ROW WHEN (${changed}) EXECUTE FUNCTION ${q(names.capture)}();
        CREATE TRIGGER ${ident(names.truncateTrigger)} AFTER TRUNCATE ON ${table}
          FOR EACH STATEMENT EXECUTE FUNCTION ${q(names.capture)}();
      `)
      await conn.query(
        `INSERT INTO ${q(`${m.prefix}_state`)} (mapping) VALUES ($1) ON CONFLICT (singleton) DO UPDATE SET mapping = EXCLUDED.mapping`,
        [mappingRecord(m, shape)],
      )
      await conn.query('COMMIT')
      return {
        changes: q(names.changes),
        snapshots: q(names.snapshots),
        channel: names.channel,
        columns: Object.fromEntries([...shape.columns].map(([field, c]) => [field, c.name])),
      }
    } catch (error) {
      await conn.query('ROLLBACK').catch(() => undefined)
      throw error
    }
  } finally {
    client?.release()
  }
}

/** A `pg.Pool` (which has client counts) rather than a client. @internal */
export function isPool(db: pg.Pool | pg.ClientBase): db is pg.Pool {
  return 'totalCount' in db && typeof (db as pg.Pool).connect === 'function'
}
