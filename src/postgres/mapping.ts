import { invalid } from '../errors.js'

/**
 * Which table holds the articles and which of its columns hold each article field. Columns left
 * out default to the field's snake_case name (`published_at` for `publishedAt`); the optional
 * fields are read only when such a column exists, while a column named here must exist.
 *
 * @example
 * ```ts
 * const mapping: TableMapping = {
 *   table: 'stories',
 *   schema: 'cms',
 *   columns: { id: 'story_id', title: 'headline', body: 'body_html', publishedAt: 'first_published', tags: 'keywords' },
 * }
 * ```
 */
export interface TableMapping {
  /** The articles table. */
  table: string
  /** Its schema. Defaults to `public`. */
  schema?: string
  /** Column per article field; see {@link ColumnMapping}. */
  columns?: ColumnMapping
  /**
   * Prefix of the objects `migrate` creates beside the table (`<prefix>_changes`,
   * `<prefix>_snapshots`, `<prefix>_snapshot_chunks`, the trigger function, the NOTIFY channel).
   * Use one prefix per articles table. Defaults to `related_articles`.
   */
  prefix?: string
}

/**
 * Column names per article field. `id` may be of any type (it is read as text); `title` and
 * `body` must be text; `publishedAt` a timestamp, date or text; `tags` and `entities` a text
 * array or JSON array; `embedding` a numeric array.
 *
 * @example
 * ```ts
 * const columns: ColumnMapping = { id: 'story_id', body: 'text', section: 'desk' }
 * ```
 */
export interface ColumnMapping {
  /** Defaults to `id`. */
  id?: string
  /** Defaults to `title`. */
  title?: string
  /** Defaults to `body`. */
  body?: string
  /** Defaults to `published_at` when it exists. */
  publishedAt?: string
  /** Defaults to `tags` when it exists. */
  tags?: string
  /** Defaults to `section` when it exists. */
  section?: string
  /** Defaults to `source` when it exists. */
  source?: string
  /** Defaults to `url` when it exists. */
  url?: string
  /** Defaults to `entities` when it exists. */
  entities?: string
  /** Defaults to `embedding` when it exists. */
  embedding?: string
}

/** The article fields a column can hold, in the order they are selected. @internal */
export const FIELDS = ['id', 'title', 'body', 'publishedAt', 'tags', 'section', 'source', 'url', 'entities', 'embedding'] as const
/** An article field a column can hold. @internal */
export type Field = (typeof FIELDS)[number]
const REQUIRED: ReadonlySet<Field> = new Set(['id', 'title', 'body'])
const DEFAULT_COLUMN: Record<Field, string> = {
  id: 'id',
  title: 'title',
  body: 'body',
  publishedAt: 'published_at',
  tags: 'tags',
  section: 'section',
  source: 'source',
  url: 'url',
  entities: 'entities',
  embedding: 'embedding',
}
/** Default of {@link TableMapping.prefix}. */
export const DEFAULT_PREFIX = 'related_articles'

/** A mapping with every name checked and filled in. @internal */
export interface ResolvedMapping {
  schema: string
  table: string
  prefix: string
  /** Column per field; `explicit` says whether the caller named it (then it must exist). */
  columns: Map<Field, { name: string; explicit: boolean; required: boolean }>
}

/** `"name"` quoted as an SQL identifier. @internal */
export function ident(name: string): string {
  return `"${name.replaceAll('"', '""')}"`
}

/** `'text'` quoted as an SQL string literal. @internal */
export function literal(text: string): string {
  return `'${text.replaceAll("'", "''")}'`
}

/** `"schema"."name"`. @internal */
export function qualified(schema: string, name: string): string {
  return `${ident(schema)}.${ident(name)}`
}

/** Names of the objects `migrate` creates for a mapping. @internal */
export function objectNames(m: ResolvedMapping): {
  changes: string
  snapshots: string
  chunks: string
  capture: string
  trigger: string
  truncateTrigger: string
  channel: string
} {
  return {
    changes: `${m.prefix}_changes`,
    snapshots: `${m.prefix}_snapshots`,
    chunks: `${m.prefix}_snapshot_chunks`,
    capture: `${m.prefix}_capture`,
    trigger: `${m.prefix}_capture`,
    truncateTrigger: `${m.prefix}_capture_truncate`,
    // Channels are per database, not per schema: the table's name keeps two schemas apart.
    channel: `${m.prefix}_${fnv1a(`${m.schema}.${m.table}`)}`,
  }
}

/** 32-bit FNV-1a of a string's UTF-16 code units, as 8 hex digits. */
function fnv1a(text: string): string {
  let h = 0x811c9dc5
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i)
    h = Math.imul(h, 0x01000193) >>> 0
  }
  return h.toString(16).padStart(8, '0')
}

/** PostgreSQL truncates identifiers beyond 63 bytes; leave room for the longest suffix. */
const MAX_PREFIX_BYTES = 63 - '_snapshot_chunks'.length

/**
 * Checks a mapping's shape (not the database: that happens at start) and fills in defaults.
 * Throws `INVALID_OPTION` naming the field.
 * @internal
 */
export function resolveMapping(value: unknown, where = 'mapping'): ResolvedMapping {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw invalid('INVALID_OPTION', where, 'a table mapping { table, schema?, columns?, prefix? }', value)
  }
  const v = value as Record<string, unknown>
  for (const key of Object.keys(v)) {
    if (!['table', 'schema', 'columns', 'prefix'].includes(key)) {
      throw invalid('INVALID_OPTION', `${where}.${key}`, 'one of table, schema, columns, prefix (an unknown key)', v[key])
    }
  }
  const name = (key: string, fallback: string | undefined): string => {
    const x = v[key] ?? fallback
    if (typeof x !== 'string' || x.length === 0 || x.includes('\0')) {
      throw invalid('INVALID_OPTION', `${where}.${key}`, 'a non-empty identifier', v[key])
    }
    return x
  }
  const table = name('table', undefined)
  const schema = name('schema', 'public')
  const prefix = name('prefix', DEFAULT_PREFIX)
  if (!/^[a-z_][a-z0-9_]*$/.test(prefix) || Buffer.byteLength(prefix) > MAX_PREFIX_BYTES) {
    throw invalid('INVALID_OPTION', `${where}.prefix`, `lower-case letters, digits and _ (at most ${MAX_PREFIX_BYTES})`, prefix)
  }
  const rawColumns = v.columns ?? {}
  if (typeof rawColumns !== 'object' || rawColumns === null || Array.isArray(rawColumns)) {
    throw invalid('INVALID_OPTION', `${where}.columns`, 'an object { id?, title?, body?, publishedAt?, … }', rawColumns)
  }
  const given = rawColumns as Record<string, unknown>
  for (const key of Object.keys(given)) {
    if (!(FIELDS as readonly string[]).includes(key)) {
      throw invalid('INVALID_OPTION', `${where}.columns.${key}`, `one of ${FIELDS.join(', ')} (an unknown field)`, given[key])
    }
  }
  const columns: ResolvedMapping['columns'] = new Map()
  for (const field of FIELDS) {
    const x = given[field]
    if (x !== undefined && (typeof x !== 'string' || x.length === 0 || x.includes('\0'))) {
      throw invalid('INVALID_OPTION', `${where}.columns.${field}`, 'a non-empty column name', x)
    }
    columns.set(field, { name: (x as string | undefined) ?? DEFAULT_COLUMN[field], explicit: x !== undefined, required: REQUIRED.has(field) })
  }
  return { schema, table, prefix, columns }
}
