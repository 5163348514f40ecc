import type pg from 'pg'
import { PostgresSyncError } from './errors.js'
import type { Field, ResolvedMapping } from './mapping.js'
import { FIELDS, ident, objectNames, qualified } from './mapping.js'

/** Anything that runs a query: a `pg.Pool`, a `pg.Client` or a pool's client. */
export type Queryable = Pick<pg.ClientBase, 'query'>

/** A mapped column as found in the database. @internal */
export interface FoundColumn {
  name: string
  /** `format_type` of the column, such as `text`, `bigint` or `timestamp with time zone`. */
  type: string
}

/** The mapped columns that exist, checked against the fields they feed. @internal */
export interface TableShape {
  columns: Map<Field, FoundColumn>
}

/** What each field accepts, by PostgreSQL type category (`pg_type.typcategory`). */
const ACCEPTS: Record<Field, { categories: string[]; arrayOf?: string[]; json?: boolean; words: string }> = {
  id: { categories: ['S', 'N', 'U', 'B', 'D', 'E', 'I', 'V', 'X', 'Z', 'G', 'T', 'P', 'R', 'C', 'A'], words: 'any type' },
  title: { categories: ['S'], words: 'a text type' },
  body: { categories: ['S'], words: 'a text type' },
  publishedAt: { categories: ['D', 'S'], words: 'a timestamp, date or text type' },
  tags: { categories: [], arrayOf: ['S'], json: true, words: 'a text array or json(b)' },
  section: { categories: ['S'], words: 'a text type' },
  source: { categories: ['S'], words: 'a text type' },
  url: { categories: ['S'], words: 'a text type' },
  entities: { categories: [], arrayOf: ['S'], json: true, words: 'a text array or json(b)' },
  embedding: { categories: [], arrayOf: ['N'], json: true, words: 'a numeric array or json(b)' },
}

/** The table's schema-qualified name as messages show it. @internal */
export function tableName(m: ResolvedMapping): string {
  return qualified(m.schema, m.table)
}

/**
 * Reads the table's columns and checks the mapping against them: the table and every required or
 * explicitly named column must exist with a readable type. Throws `SCHEMA_MISMATCH`.
 * @internal
 */
export async function inspectTable(db: Queryable, m: ResolvedMapping): Promise<TableShape> {
  const table = tableName(m)
  const { rows } = await db.query<{ name: string; type: string; category: string; elem: string | null; json: boolean }>(
    `SELECT a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type, t.typcategory AS category,
            et.typcategory AS elem, t.typname IN ('json', 'jsonb') AS json
       FROM pg_attribute a
       JOIN pg_type t ON t.oid = a.atttypid
       LEFT JOIN pg_type et ON et.oid = t.typelem AND t.typcategory = 'A'
      WHERE a.attrelid = to_regclass($1) AND a.attnum > 0 AND NOT a.attisdropped`,
    [table],
  )
  if (rows.length === 0) {
    const { rows: exists } = await db.query<{ found: boolean }>('SELECT to_regclass($1) IS NOT NULL AS found', [table])
    throw new PostgresSyncError(
      'SCHEMA_MISMATCH',
      exists[0]?.found ? `table ${table} has no columns` : `table ${table} does not exist (mapping.table, mapping.schema)`,
      { table },
    )
  }
  const byName = new Map(rows.map((r) => [r.name, r]))
  const columns = new Map<Field, FoundColumn>()
  for (const field of FIELDS) {
    const wanted = m.columns.get(field)
    if (wanted === undefined) continue
    const found = byName.get(wanted.name)
    if (found === undefined) {
      if (wanted.required || wanted.explicit) {
        throw new PostgresSyncError(
          'SCHEMA_MISMATCH',
          `table ${table} has no column ${ident(wanted.name)} for ${field} (mapping.columns.${field}); its columns are ${rows.map((r) => r.name).join(', ')}`,
          { table, column: wanted.name },
        )
      }
      continue
    }
    const accepts = ACCEPTS[field]
    const ok =
      accepts.categories.includes(found.category) ||
      (accepts.arrayOf !== undefined && found.category === 'A' && found.elem !== null && accepts.arrayOf.includes(found.elem)) ||
      (accepts.json === true && found.json)
    if (!ok) {
      throw new PostgresSyncError(
        'SCHEMA_MISMATCH',
        `column ${ident(found.name)} of ${table} holds ${field} (mapping.columns.${field}) and must be ${accepts.words}, got ${found.type}`,
        { table, column: found.name },
      )
    }
    columns.set(field, { name: found.name, type: found.type })
  }
  return { columns }
}

/**
 * The mapping as `migrate` records it, so a replica can tell whether the trigger it relies on
 * was created for the same table and columns.
 * @internal
 */
export function mappingRecord(m: ResolvedMapping, shape: TableShape): string {
  return JSON.stringify({ schema: m.schema, table: m.table, columns: Object.fromEntries([...shape.columns].map(([f, c]) => [f, c.name])) })
}

/**
 * Checks that `migrate` ran for this mapping: the change log, snapshot tables and trigger exist
 * and were created for the same columns. Throws `NOT_MIGRATED`.
 * @internal
 */
export async function checkMigrated(db: Queryable, m: ResolvedMapping, shape: TableShape): Promise<void> {
  const names = objectNames(m)
  const { rows } = await db.query<{ changes: boolean; snapshots: boolean; chunks: boolean; state: boolean; triggers: number }>(
    `SELECT to_regclass($1) IS NOT NULL AS changes, to_regclass($2) IS NOT NULL AS snapshots,
            to_regclass($3) IS NOT NULL AS chunks, to_regclass($4) IS NOT NULL AS state,
            (SELECT count(*)::int FROM pg_trigger WHERE tgrelid = to_regclass($5) AND tgname = $6 AND tgenabled <> 'D') AS triggers`,
    [
      qualified(m.schema, names.changes),
      qualified(m.schema, names.snapshots),
      qualified(m.schema, names.chunks),
      qualified(m.schema, `${m.prefix}_state`),
      tableName(m),
      names.trigger,
    ],
  )
  const r = rows[0]
  const hint = `run migrate(pool, mapping) from 'related-articles/postgres' first`
  if (r === undefined || !r.changes || !r.snapshots || !r.chunks || !r.state) {
    throw new PostgresSyncError('NOT_MIGRATED', `the change log and snapshot tables of prefix "${m.prefix}" in schema "${m.schema}" are missing; ${hint}`, {
      table: tableName(m),
    })
  }
  if (r.triggers === 0) {
    throw new PostgresSyncError('NOT_MIGRATED', `table ${tableName(m)} has no enabled trigger ${ident(names.trigger)}; ${hint}`, { table: tableName(m) })
  }
  const { rows: state } = await db.query<{ mapping: string }>(`SELECT mapping FROM ${qualified(m.schema, `${m.prefix}_state`)}`)
  const recorded = state[0]?.mapping
  if (recorded !== mappingRecord(m, shape)) {
    throw new PostgresSyncError(
      'NOT_MIGRATED',
      `the trigger of ${tableName(m)} was created for another mapping (${recorded ?? 'none'}); run migrate() again with this mapping`,
      { table: tableName(m) },
    )
  }
}
