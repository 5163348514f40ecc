import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import fc from 'fast-check'
import { afterAll, describe, expect, it } from 'vitest'
import { RelatedArticlesError } from '../src/errors.js'
import { crc32, portableCrc32 } from '../src/index/snapshot.js'
import { RelatedIndex } from '../src/ranking/related-index.js'
import { MAX_SNAPSHOT_FILE_BYTES, loadSnapshotFile, saveSnapshotFile } from '../src/snapshot-file.js'
import { NEWS } from './helpers/corpus.js'
import { rejection } from './helpers/errors.js'

const dir = mkdtempSync(join(tmpdir(), 'related-snapshot-file-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const index = new RelatedIndex()
index.addAll(NEWS)

/** What deserialize makes of `bytes`: the error's code and message, or the ids of the loaded index. */
function outcomeInMemory(bytes: Uint8Array): string {
  try {
    return `loaded ${RelatedIndex.deserialize(bytes).ids().join(',')}`
  } catch (error) {
    if (!(error instanceof RelatedArticlesError)) throw error
    return `${error.code}: ${error.message}`
  }
}

/** The same for loadSnapshotFile on a file holding `bytes`, with the file's name taken out of messages. */
async function outcomeOfFile(bytes: Uint8Array, partBytes: number): Promise<string> {
  const path = join(dir, 'fuzz.snapshot')
  writeFileSync(path, bytes)
  try {
    return `loaded ${(await loadSnapshotFile(path, { partBytes })).ids().join(',')}`
  } catch (error) {
    if (!(error instanceof RelatedArticlesError)) throw error
    return `${error.code}: ${error.message}`
  }
}

/** `bytes` with the trailing CRC-32 recomputed, so damage gets past the checksum to the parser. */
function resealed(bytes: Uint8Array): Uint8Array {
  const out = bytes.slice()
  if (out.length >= 4) new DataView(out.buffer).setUint32(out.length - 4, crc32(out.subarray(0, out.length - 4)), true)
  return out
}

const damage = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('append' as const), extra: fc.uint8Array({ minLength: 1, maxLength: 40 }) }),
  fc.record({ kind: fc.constant('overwrite' as const), at: fc.nat(), with: fc.uint8Array({ minLength: 1, maxLength: 12 }) }),
)

interface Damage {
  kind: string
  at?: number
  bit?: number
  extra?: Uint8Array
  with?: Uint8Array
}

function damaged(bytes: Uint8Array, d: Damage): Uint8Array {
  const out = bytes.slice()
  const at = (d.at ?? 0) % bytes.length
  if (d.kind === 'flip') out[at] = (out[at] as number) ^ (1 << (d.bit ?? 0))
  if (d.kind === 'truncate') return out.subarray(0, at)
  if (d.kind === 'append') return Uint8Array.from([...out, ...(d.extra ?? [])])
  if (d.kind === 'overwrite') out.set((d.with ?? new Uint8Array()).subarray(0, out.length - at), at)
  return out
}

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

  it('streams the write in parts of the given size and the file still holds exactly serialize()', async () => {
    const parts: number[] = []
    const chunks: Uint8Array[] = []
    index.serializeTo((part) => {
      parts.push(part.length)
      chunks.push(part.slice())
    }, 256)
    expect(parts.length).toBeGreaterThan(10)
    expect(Uint8Array.from(chunks.flatMap((c) => [...c]))).toEqual(index.serialize())
    for (const partBytes of [16, 4096]) {
      const path = join(dir, `small-parts-${partBytes}.snapshot`)
      await saveSnapshotFile(index, path, { partBytes })
      expect(new Uint8Array(readFileSync(path))).toEqual(index.serialize())
    }
  })

  it('fuzz: a damaged file fails exactly as the same bytes fail in deserialize, whatever the part size', async () => {
    const bytes = index.serialize()
    await fc.assert(
      fc.asyncProperty(damage, fc.integer({ min: 1, max: 5000 }), fc.boolean(), async (d, partBytes, reseal) => {
        const broken = reseal ? resealed(damaged(bytes, d)) : damaged(bytes, d)
        const inMemory = outcomeInMemory(broken)
        const fromFile = (await outcomeOfFile(broken, partBytes)).replace(/snapshot file \S+ /, 'snapshot ')
        expect(fromFile).toBe(inMemory)
        // Without a new checksum, any change of the bytes is caught (a resealed file may hold a valid variant).
        const changed = broken.length !== bytes.length || broken.some((b, i) => b !== bytes[i])
        if (!reseal && changed) expect(inMemory).toMatch(/^SNAPSHOT_(CORRUPT|VERSION): /)
      }),
      { numRuns: 150, seed: 16 },
    )
  })

  it('refuses something that is not an index or a path', async () => {
    expect((await rejection(saveSnapshotFile({} as RelatedIndex, join(dir, 'x')))).field).toBe('index')
    expect((await rejection(saveSnapshotFile(index, ''))).field).toBe('path')
    expect((await rejection(loadSnapshotFile(42 as never))).field).toBe('path')
  })
})

describe('the snapshot checksum', () => {
  it('is the same CRC-32 natively and in JavaScript, whole or continued part by part', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.nat(300), (data, cut) => {
        const at = Math.min(cut, data.length)
        const whole = portableCrc32(data)
        expect(crc32(data)).toBe(whole)
        expect(crc32(data.subarray(at), crc32(data.subarray(0, at)))).toBe(whole)
        expect(portableCrc32(data.subarray(at), portableCrc32(data.subarray(0, at)))).toBe(whole)
      }),
    )
    expect(portableCrc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926)
  })
})
