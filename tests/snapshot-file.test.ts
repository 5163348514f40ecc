import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { RelatedIndex } from '../src/ranking/related-index.js'
import { MAX_SNAPSHOT_FILE_BYTES, loadSnapshotFile, saveSnapshotFile } from '../src/snapshot-file.js'
import { NEWS } from './helpers/corpus.js'
import { rejection } from './helpers/errors.js'

const dir = mkdtempSync(join(tmpdir(), 'related-snapshot-file-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const index = new RelatedIndex()
index.addAll(NEWS)


describe('snapshot files in parts', () => {
  it('writes exactly the bytes of serialize, in parts, and loads an index that answers the same', async () => {
    const path = join(dir, 'parts.snapshot')
    await saveSnapshotFile(index, path, { partBytes: 1000 })
    expect(new Uint8Array(readFileSync(path))).toEqual(index.serialize())
    for (const partBytes of [7, 4096, 64 * 1024 * 1024]) {
      const loaded = await loadSnapshotFile(path, { partBytes })
      for (const a of NEWS) expect(loaded.related(a.id, { k: 5 })).toEqual(index.related(a.id, { k: 5 }))
    }
  })

  it('replaces an existing file whole and leaves no temporary file', async () => {
    const path = join(dir, 'replace.snapshot')
    writeFileSync(path, 'old')
    await saveSnapshotFile(index, path)
    expect(readFileSync(path).length).toBe(index.serialize().length)
    expect(readdirSync(dir).filter((name) => name.endsWith('.tmp'))).toEqual([])
  })

  it('refuses a file above maxSnapshotBytes before reading it, and a limit above 4 GiB', async () => {
    const path = join(dir, 'limit.snapshot')
    await saveSnapshotFile(index, path)
    const error = await rejection(loadSnapshotFile(path, { maxSnapshotBytes: 100 }))
    expect([error.code, error.field]).toEqual(['LIMIT_EXCEEDED', 'maxSnapshotBytes'])
    const option = await rejection(loadSnapshotFile(path, { maxSnapshotBytes: MAX_SNAPSHOT_FILE_BYTES + 1 }))
    expect([option.code, option.field]).toEqual(['INVALID_OPTION', 'maxSnapshotBytes'])
  })

  it('reports a truncated file as SNAPSHOT_CORRUPT and a missing one as the file system does', async () => {
    const path = join(dir, 'short.snapshot')
    await saveSnapshotFile(index, path)
    truncateSync(path, 100)
    expect((await rejection(loadSnapshotFile(path, { partBytes: 16 }))).code).toBe('SNAPSHOT_CORRUPT')
    await expect(loadSnapshotFile(join(dir, 'none.snapshot'))).rejects.toMatchObject({ code: 'ENOENT' })
    expect(existsSync(join(dir, 'none.snapshot'))).toBe(false)
  })

  it('refuses something that is not an index or a path', async () => {
    expect((await rejection(saveSnapshotFile({} as RelatedIndex, join(dir, 'x')))).field).toBe('index')
    expect((await rejection(saveSnapshotFile(index, ''))).field).toBe('path')
    expect((await rejection(loadSnapshotFile(42 as never))).field).toBe('path')
  })
})
