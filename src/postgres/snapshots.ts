import type { ResolvedMapping } from './mapping.js'
import { objectNames, qualified } from './mapping.js'
import type { Queryable } from './schema.js'

/** Bytes per stored chunk: well below bytea's 1 GB limit and the driver's buffers, few rows per snapshot. */
export const SNAPSHOT_CHUNK_BYTES = 4 * 1024 * 1024

/**
 * A snapshot stored in the database, as {@link PostgresReplica.saveSnapshot} reports it.
 *
 * @example
 * ```ts
 * const saved: StoredSnapshot = await replica.saveSnapshot()
 * console.log(`snapshot ${saved.id}: ${saved.articles} articles, ${(saved.bytes / 1e6).toFixed(1)} MB`)
 * ```
 */
export interface StoredSnapshot {
  /** Its id in the snapshot table. */
  id: string
  /** Articles in it. */
  articles: number
  /** Size of the serialised index. */
  bytes: number
  /** The change-log position it is consistent with (a `pg_snapshot` as text). */
  watermark: string
  /** When it was stored. */
  createdAt: Date
}

/**
 * Writes a serialised index and its watermark in chunks, marks it complete, and deletes all but
 * the newest `keep` complete snapshots; one transaction, so a reader never sees half a snapshot.
 * The caller holds the connection for the duration.
 * @internal
 */
export async function writeStoredSnapshot(
  db: Queryable,
  m: ResolvedMapping,
  bytes: Uint8Array,
  watermark: string,
  articles: number,
  libraryVersion: string,
  keep: number,
): Promise<StoredSnapshot> {
  const names = objectNames(m)
  const snapshots = qualified(m.schema, names.snapshots)
  const chunks = qualified(m.schema, names.chunks)
  const count = Math.max(1, Math.ceil(bytes.length / SNAPSHOT_CHUNK_BYTES))
  await db.query('BEGIN')
  try {
    const { rows } = await db.query<{ id: string; created_at: Date }>(
      `INSERT INTO ${snapshots} (watermark, articles, bytes, chunks, library_version) VALUES ($1, $2, $3, $4, $5) RETURNING id::text, created_at`,
      [watermark, articles, bytes.length, count, libraryVersion],
    )
    const row = rows[0] as { id: string; created_at: Date }
    for (let n = 0; n < count; n++) {
      const part = bytes.subarray(n * SNAPSHOT_CHUNK_BYTES, (n + 1) * SNAPSHOT_CHUNK_BYTES)
      await db.query(`INSERT INTO ${chunks} (snapshot_id, n, data) VALUES ($1, $2, $3)`, [
        row.id,
        n,
        Buffer.from(part.buffer, part.byteOffset, part.byteLength),
      ])
    }
    await db.query(`UPDATE ${snapshots} SET complete = true WHERE id = $1`, [row.id])
    await db.query(
      `DELETE FROM ${snapshots} WHERE id NOT IN (SELECT id FROM ${snapshots} WHERE complete ORDER BY id DESC LIMIT $1)`,
      [keep],
    )
    await db.query('COMMIT')
    return { id: row.id, articles, bytes: bytes.length, watermark, createdAt: row.created_at }
  } catch (error) {
    await db.query('ROLLBACK').catch(() => undefined)
    throw error
  }
}

/**
 * Reads the newest complete snapshot, or undefined when none is stored. Runs inside the caller's
 * transaction.
 * @internal
 */
export async function readNewestSnapshot(
  db: Queryable,
  m: ResolvedMapping,
  onChunk?: (done: number, total: number) => void,
): Promise<{ info: StoredSnapshot; bytes: Uint8Array } | undefined> {
  const names = objectNames(m)
  const { rows } = await db.query<{ id: string; watermark: string; articles: number; bytes: string; chunks: number; created_at: Date }>(
    `SELECT id::text, watermark, articles, bytes::text, chunks, created_at FROM ${qualified(m.schema, names.snapshots)}
      WHERE complete ORDER BY id DESC LIMIT 1`,
  )
  const row = rows[0]
  if (row === undefined) return undefined
  const size = Number(row.bytes)
  const bytes = new Uint8Array(size)
  let offset = 0
  for (let n = 0; n < row.chunks; n++) {
    const { rows: parts } = await db.query<{ data: Buffer }>(
      `SELECT data FROM ${qualified(m.schema, names.chunks)} WHERE snapshot_id = $1 AND n = $2`,
      [row.id, n],
    )
    const data = parts[0]?.data
    if (data === undefined || offset + data.length > size) throw new Error(`snapshot ${row.id} chunk ${n} is missing or too long`)
    bytes.set(data, offset)
    offset += data.length
    onChunk?.(offset, size)
  }
  if (offset !== size) throw new Error(`snapshot ${row.id} holds ${offset} bytes, expected ${size}`)
  return {
    info: { id: row.id, articles: row.articles, bytes: size, watermark: row.watermark, createdAt: row.created_at },
    bytes,
  }
}
