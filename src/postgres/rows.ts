import type { Article } from '../article.js'
import type { Field, ResolvedMapping } from './mapping.js'
import { FIELDS, ident } from './mapping.js'
import type { FoundColumn, TableShape } from './schema.js'
import { tableName } from './schema.js'

/**
 * The SQL expression that reads a column as the article field expects it: ids as text,
 * timestamps as ISO 8601 strings in UTC (so an article from a row and one from a snapshot are
 * the same strings, and a `date` is not shifted by the server's time zone), numeric arrays as
 * float8 (the driver returns `numeric` as strings).
 */
function selectExpression(field: Field, column: FoundColumn): string {
  const c = ident(column.name)
  if (field === 'id') return `${c}::text`
  if (field === 'publishedAt') {
    if (column.type === 'date') return `to_char(${c}, 'YYYY-MM-DD')`
    if (column.type.startsWith('timestamp') && column.type.endsWith('with time zone')) {
      return `to_char(${c} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`
    }
    if (column.type.startsWith('timestamp')) return `to_char(${c}, 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`
    return `${c}::text`
  }
  if (field === 'embedding' && column.type.endsWith('[]')) return `${c}::float8[]`
  return c
}

/** The select list of every mapped column, aliased to the article field names. @internal */
export function selectList(shape: TableShape): string {
  const parts: string[] = []
  for (const field of FIELDS) {
    const column = shape.columns.get(field)
    if (column !== undefined) parts.push(`${selectExpression(field, column)} AS ${ident(field)}`)
  }
  return parts.join(', ')
}

/** `SELECT <fields> FROM <table>`. @internal */
export function selectRows(m: ResolvedMapping, shape: TableShape): string {
  return `SELECT ${selectList(shape)} FROM ${tableName(m)}`
}

/**
 * `SELECT … WHERE id = ANY($1)`, with the ids given as text and cast to the id column's type, so
 * an index on the id column is used.
 * @internal
 */
export function selectByIds(m: ResolvedMapping, shape: TableShape): string {
  const id = shape.columns.get('id') as FoundColumn
  const cast = id.type === 'text' ? '$1::text[]' : `$1::text[]::${id.type}[]`
  return `${selectRows(m, shape)} WHERE ${ident(id.name)} = ANY(${cast})`
}

/**
 * A row as an article: NULL columns are left out. Nothing is validated here; the index does
 * that, and names the field.
 * @internal
 */
export function rowToArticle(row: Record<string, unknown>): Article {
  const article: Record<string, unknown> = {}
  for (const field of FIELDS) {
    const value = row[field]
    if (value !== null && value !== undefined) article[field] = value
  }
  return article as unknown as Article
}
