/**
 * Snapshot files written and read in parts: the snapshot bytes stream to and from the file
 * through a buffer of {@link LoadSnapshotFileOptions.partBytes}, so no buffer holds a whole
 * snapshot and neither the 2 GiB of one `fs.readFile` nor the 4 GiB of one typed array limits
 * its size. The file holds exactly the bytes of `RelatedIndex.serialize()` (same format, same
 * trailing CRC-32), so files and `serialize`/`deserialize` bytes are interchangeable.
 */
import { randomBytes } from 'node:crypto'
import { closeSync, fstatSync, fsyncSync, openSync, readSync, writeSync } from 'node:fs'
import { rename, unlink } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import { RelatedArticlesError, invalid } from './errors.js'
import type { DeserializeOptions, SnapshotSource } from './index/snapshot.js'
import { RelatedIndex } from './ranking/related-index.js'

/** Bytes read or written per call: well under the 2 GiB one `read`/`write` call takes. */
const PART_BYTES = 64 * 1024 * 1024

/**
 * The largest `maxSnapshotBytes` {@link loadSnapshotFile} accepts: `Number.MAX_SAFE_INTEGER`.
 * Files are streamed in parts, so the format sets no ceiling: memory does (a load needs about
 * 2 to 5 times the file's size, see `LOAD_MEMORY_FACTOR`).
 *
 * @example
 * ```ts
 * const index = await loadSnapshotFile('archive.snapshot', { maxSnapshotBytes: MAX_SNAPSHOT_FILE_BYTES })
 * ```
 */
export const MAX_SNAPSHOT_FILE_BYTES = Number.MAX_SAFE_INTEGER

/**
 * Options of {@link loadSnapshotFile}.
 *
 * @example
 * ```ts
 * const index = await loadSnapshotFile('archive.snapshot', { maxSnapshotBytes: 8 * 2 ** 30 })
 * ```
 */
export interface LoadSnapshotFileOptions extends DeserializeOptions {
  /** Bytes per read, for tests. @internal */
  partBytes?: number
}

/**
 * Writes the snapshot of `index` (the bytes of `index.serialize()`) to `path` in parts, through a
 * temporary file beside it that is renamed at the end, so `path` never holds half a snapshot.
 * No buffer holds the whole snapshot, so its size is not limited by one typed array. The bytes
 * are written synchronously, as `serialize` builds them, so the index cannot change while it is
 * being written; the rename is awaited.
 *
 * @example
 * ```ts
 * await saveSnapshotFile(index, 'archive.snapshot')
 * ```
 * @throws RelatedArticlesError `INVALID_OPTION` for something that is not an index or a path; file system errors
 *   (a full disk, a missing directory) as they are, with no file left behind.
 */
export async function saveSnapshotFile(index: RelatedIndex, path: string, options: { partBytes?: number } = {}): Promise<void> {
  if (!(index instanceof RelatedIndex)) throw invalid('INVALID_OPTION', 'index', 'a RelatedIndex', index)
  if (typeof path !== 'string' || path === '') throw invalid('INVALID_OPTION', 'path', 'a file path', path)
  const part = options.partBytes ?? PART_BYTES
  const temporary = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`)
  const fd = openSync(temporary, 'wx')
  try {
    try {
      index.serializeTo((bytes) => {
        for (let at = 0; at < bytes.length; ) at += writeSync(fd, bytes, at, Math.min(part, bytes.length - at))
      }, part)
      fsyncSync(fd)
    } finally {
      closeSync(fd)
    }
    await rename(temporary, path)
  } catch (error) {
    await unlink(temporary).catch(() => undefined)
    throw error
  }
}

/** A snapshot file read in parts with positioned reads. */
class FileSource implements SnapshotSource {
  constructor(
    private readonly fd: number,
    readonly byteLength: number,
    readonly partBytes: number,
    private readonly path: string,
  ) {}

  readInto(target: Uint8Array, position: number): void {
    for (let at = 0; at < target.length; ) {
      const read = readSync(this.fd, target, at, Math.min(this.partBytes, target.length - at), position + at)
      if (read === 0) {
        throw new RelatedArticlesError('SNAPSHOT_CORRUPT', `snapshot file ${this.path} is truncated: it ended at byte ${position + at} while being read`, {
          field: 'bytes',
        })
      }
      at += read
    }
  }
}

/**
 * Loads an index from a snapshot file, read in parts straight into the index's arrays (no buffer
 * of the file's size), with every check of `RelatedIndex.deserialize`: the checksum (computed
 * part by part, before anything is parsed), the load budget and the hostile-input checks.
 * `maxSnapshotBytes` defaults to that of `deserialize` (2 GiB); raise it to load larger files
 * (up to {@link MAX_SNAPSHOT_FILE_BYTES}). The size is checked before anything is read.
 *
 * @example
 * ```ts
 * const index = await loadSnapshotFile('archive.snapshot', { maxSnapshotBytes: 8 * 2 ** 30 })
 * ```
 * @throws RelatedArticlesError `LIMIT_EXCEEDED` for a file above `maxSnapshotBytes`, the `SNAPSHOT_*` errors of
 *   `deserialize` (also for a file that shrinks while it is read); file system errors (a missing file) as they are.
 */
export async function loadSnapshotFile(path: string, options: LoadSnapshotFileOptions = {}): Promise<RelatedIndex> {
  if (typeof path !== 'string' || path === '') throw invalid('INVALID_OPTION', 'path', 'a file path', path)
  if (typeof options !== 'object' || options === null) throw invalid('INVALID_OPTION', 'options', 'an options object', options)
  const { partBytes = PART_BYTES, ...deserializeOptions } = options
  const limit = deserializeOptions.maxSnapshotBytes ?? 2 ** 31
  if (!Number.isSafeInteger(limit) || limit < 1) {
    throw invalid('INVALID_OPTION', 'maxSnapshotBytes', `an integer from 1 to ${MAX_SNAPSHOT_FILE_BYTES}`, limit)
  }
  if (!Number.isSafeInteger(partBytes) || partBytes < 1) throw invalid('INVALID_OPTION', 'partBytes', 'a positive integer', partBytes)
  const fd = openSync(path, 'r')
  try {
    const { size } = fstatSync(fd)
    if (size > limit) {
      throw new RelatedArticlesError('LIMIT_EXCEEDED', `snapshot file ${path} is ${size} bytes, above maxSnapshotBytes (${limit}); raise the limit to load it`, {
        field: 'maxSnapshotBytes',
        expected: `at most ${limit} bytes`,
        got: `${size} bytes`,
      })
    }
    return RelatedIndex.deserializeFrom(new FileSource(fd, size, partBytes, path), { ...deserializeOptions, maxSnapshotBytes: limit })
  } finally {
    closeSync(fd)
  }
}
