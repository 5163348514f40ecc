/**
 * Snapshot files read and written in parts, so a snapshot is not limited to the 2 GiB that one
 * `fs.readFile` returns: the limit becomes the 4 GiB that one typed array (and the snapshot
 * format's 32-bit lengths) can hold.
 */
import { randomBytes } from 'node:crypto'
import { open, rename, unlink } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import { RelatedArticlesError, invalid } from './errors.js'
import type { DeserializeOptions } from './index/snapshot.js'
import { RelatedIndex } from './ranking/related-index.js'

/** Bytes read or written per call: well under the 2 GiB one `read`/`write` call takes. */
const PART_BYTES = 64 * 1024 * 1024

/**
 * The most a snapshot file may hold: the largest typed array Node allocates here and the format
 * addresses (4 GiB − 1), about twice what one `readFile` returns.
 *
 * @example
 * ```ts
 * if (statSync(file).size > MAX_SNAPSHOT_FILE_BYTES) throw new Error('split the archive into several indexes')
 * ```
 */
export const MAX_SNAPSHOT_FILE_BYTES = 2 ** 32 - 1

/**
 * Options of {@link loadSnapshotFile}.
 *
 * @example
 * ```ts
 * const index = await loadSnapshotFile('archive.snapshot', { maxSnapshotBytes: 3 * 2 ** 30 })
 * ```
 */
export interface LoadSnapshotFileOptions extends DeserializeOptions {
  /** Bytes per read, for tests. @internal */
  partBytes?: number
}

/**
 * Writes `index.serialize()` to `path` in parts, through a temporary file beside it that is
 * renamed at the end, so `path` never holds half a snapshot.
 *
 * @example
 * ```ts
 * await saveSnapshotFile(index, 'archive.snapshot')
 * ```
 * @throws RelatedArticlesError `LIMIT_EXCEEDED` when the snapshot would pass 4 GiB; file system errors as they are.
 */
export async function saveSnapshotFile(index: RelatedIndex, path: string, options: { partBytes?: number } = {}): Promise<void> {
  if (!(index instanceof RelatedIndex)) throw invalid('INVALID_OPTION', 'index', 'a RelatedIndex', index)
  if (typeof path !== 'string' || path === '') throw invalid('INVALID_OPTION', 'path', 'a file path', path)
  const bytes = index.serialize()
  const part = options.partBytes ?? PART_BYTES
  const temporary = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`)
  const file = await open(temporary, 'wx')
  try {
    for (let at = 0; at < bytes.length; ) {
      const { bytesWritten } = await file.write(bytes, at, Math.min(part, bytes.length - at), at)
      at += bytesWritten
    }
    await file.sync()
    await file.close()
    await rename(temporary, path)
  } catch (error) {
    await file.close().catch(() => undefined)
    await unlink(temporary).catch(() => undefined)
    throw error
  }
}

/**
 * Loads an index from a snapshot file, read in parts into one buffer (so files over 2 GiB load),
 * then `RelatedIndex.deserialize`. `maxSnapshotBytes` defaults to that of `deserialize` (2 GiB):
 * raise it, up to {@link MAX_SNAPSHOT_FILE_BYTES}, to load larger files. The size is checked
 * before anything is read.
 *
 * @example
 * ```ts
 * const index = await loadSnapshotFile('archive.snapshot', { maxSnapshotBytes: MAX_SNAPSHOT_FILE_BYTES })
 * ```
 * @throws RelatedArticlesError `LIMIT_EXCEEDED` for a file above `maxSnapshotBytes`, the `SNAPSHOT_*` errors of
 *   `deserialize`; file system errors (a missing file) as they are.
 */
export async function loadSnapshotFile(path: string, options: LoadSnapshotFileOptions = {}): Promise<RelatedIndex> {
  if (typeof path !== 'string' || path === '') throw invalid('INVALID_OPTION', 'path', 'a file path', path)
  const { partBytes = PART_BYTES, ...deserializeOptions } = options
  const limit = deserializeOptions.maxSnapshotBytes ?? 2 ** 31
  if (!Number.isSafeInteger(limit) || limit < 1 || limit > MAX_SNAPSHOT_FILE_BYTES) {
    throw invalid('INVALID_OPTION', 'maxSnapshotBytes', `an integer from 1 to ${MAX_SNAPSHOT_FILE_BYTES}`, limit)
  }
  const file = await open(path, 'r')
  let bytes: Uint8Array
  try {
    const { size } = await file.stat()
    if (size > limit) {
      throw new RelatedArticlesError('LIMIT_EXCEEDED', `snapshot file ${path} is ${size} bytes, above maxSnapshotBytes (${limit}); raise the limit to load it`, {
        field: 'maxSnapshotBytes',
        expected: `at most ${limit} bytes`,
        got: `${size} bytes`,
      })
    }
    bytes = new Uint8Array(size)
    for (let at = 0; at < size; ) {
      const { bytesRead } = await file.read(bytes, at, Math.min(partBytes, size - at), at)
      if (bytesRead === 0) break // The file shrank while being read: deserialize reports the truncation.
      at += bytesRead
    }
  } finally {
    await file.close()
  }
  return RelatedIndex.deserialize(bytes, { ...deserializeOptions, maxSnapshotBytes: limit })
}
