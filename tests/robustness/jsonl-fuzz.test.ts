import fc from 'fast-check'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { ARTICLE_FIELDS, parseArticleLine, readArticles, readLines } from '../../src/cli/jsonl.js'
import { CliError } from '../../src/cli/errors.js'
import { RelatedIndex } from '../../src/ranking/related-index.js'
import { NEWS } from '../helpers/corpus.js'

// Snapshot loading is fuzzed in tests/index/snapshot.test.ts (random bytes, random bytes behind a
// valid envelope, mutated real snapshots) and parseArticleLine line by line in
// tests/cli/jsonl.test.ts; this file fuzzes whole files through the CLI's reader and into an index.

const dir = mkdtempSync(join(tmpdir(), 'related-articles-jsonl-fuzz-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
let files = 0
function fileOf(bytes: Uint8Array): string {
  const path = join(dir, `f${files++}.jsonl`)
  writeFileSync(path, bytes)
  return path
}

/** Rejects with "hang" when the promise takes longer than `ms`. */
function withinTime<T>(promise: Promise<T>, ms = 10_000): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const hang = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`hang: no answer in ${ms} ms`)), ms)
  })
  return Promise.race([promise, hang]).finally(() => clearTimeout(timer))
}

const encoder = new TextEncoder()
const VALID = encoder.encode(`${NEWS.map((a) => JSON.stringify({ ...a, topics: ['label'], relevance: 3 })).join('\n')}\n`)
// Bytes that matter to a line reader and a JSON parser, and broken UTF-8.
const INTERESTING = [0x0a, 0x0d, 0x22, 0x7b, 0x7d, 0x5b, 0x5d, 0x5c, 0x3a, 0x2c, 0x00, 0x20, 0xff, 0xc3, 0xe2, 0xf0, 0xef, 0xbb, 0xbf]

const mutation = fc.record({
  at: fc.nat(),
  kind: fc.constantFrom('set', 'insert', 'delete', 'duplicate-line', 'truncate'),
  byte: fc.oneof(fc.constantFrom(...INTERESTING), fc.integer({ min: 0, max: 255 })),
})
type Mutation = typeof mutation extends fc.Arbitrary<infer T> ? T : never

function mutate(source: Uint8Array, mutations: Mutation[]): Uint8Array {
  let b = Array.from(source)
  for (const m of mutations) {
    const at = m.at % (b.length + 1)
    if (m.kind === 'set' && b.length > 0) b[at % b.length] = m.byte
    else if (m.kind === 'insert') b.splice(at, 0, m.byte)
    else if (m.kind === 'delete') b.splice(at, 1)
    else if (m.kind === 'truncate') b = b.slice(0, at)
    else if (m.kind === 'duplicate-line') {
      const start = b.lastIndexOf(0x0a, at - 1) + 1
      const end = b.indexOf(0x0a, at)
      const line = b.slice(start, end === -1 ? b.length : end + 1)
      b.splice(start, 0, ...line)
    }
  }
  return Uint8Array.from(b)
}

const files$ = fc.oneof(
  { arbitrary: fc.uint8Array({ maxLength: 3_000 }), weight: 1 },
  { arbitrary: fc.array(fc.oneof(fc.string({ unit: 'binary', maxLength: 80 }), fc.json()), { maxLength: 20 }).map((l) => encoder.encode(l.join('\n'))), weight: 1 },
  { arbitrary: fc.array(mutation, { minLength: 1, maxLength: 6 }).map((ms) => mutate(VALID, ms)), weight: 4 },
)

/** The non-blank lines of a file, as readLines numbers them. */
async function nonBlankLines(path: string): Promise<number> {
  let n = 0
  for await (const { text } of readLines(path)) if (text.trim() !== '') n++
  return n
}

describe("fuzzing the CLI's JSONL reader with random and mutated files", () => {
  it('reads every file or refuses it with a CliError naming the file and line, never another error or a hang', async () => {
    await fc.assert(
      fc.asyncProperty(files$, async (bytes) => {
        const path = fileOf(bytes)
        try {
          const read = await withinTime(readArticles(path))
          expect(read.skipped).toEqual([])
        } catch (error) {
          if (!(error instanceof CliError)) throw error
          expect(error.message).toMatch(new RegExp(`^${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} line \\d+: `))
          expect(error.message).not.toContain('\n')
        }
      }),
      { numRuns: 50 },
    )
  })

  it('with skipInvalid, always reads: each non-blank line is an article or a skipped problem, and the articles index cleanly', async () => {
    await fc.assert(
      fc.asyncProperty(files$, async (bytes) => {
        const path = fileOf(bytes)
        const read = await withinTime(readArticles(path, { skipInvalid: true }))
        expect(read.articles.length + read.skipped.length).toBe(await nonBlankLines(path))
        expect(read.lineNumbers.length).toBe(read.articles.length)
        expect(read.lineNumbers).toEqual([...read.lineNumbers].sort((a, b) => a - b))
        expect(new Set(read.articles.map((a) => a.id)).size).toBe(read.articles.length)
        for (const a of read.articles) for (const key of Object.keys(a)) expect(ARTICLE_FIELDS).toContain(key)
        for (const p of read.skipped) {
          expect(p.message.startsWith(`line ${p.line}: `)).toBe(true)
          expect(p.message).not.toContain('\n')
        }
        // What the reader accepts, the index accepts (the CLI's next step).
        const index = new RelatedIndex()
        index.addAll(read.articles)
        expect(index.size).toBe(read.articles.length)
        for (const a of read.articles.slice(0, 3)) index.related(a.id)
      }),
      { numRuns: 50 },
    )
  })

  it('gives each line the article that parseArticleLine gives it alone', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(mutation, { minLength: 1, maxLength: 3 }), async (ms) => {
        const path = fileOf(mutate(VALID, ms))
        const read = await withinTime(readArticles(path, { skipInvalid: true }))
        const lines = new Map<number, string>()
        for await (const { line, text } of readLines(path)) lines.set(line, line === 1 ? text.replace(/^\uFEFF/, '') : text)
        read.articles.forEach((a, i) => {
          const line = read.lineNumbers[i] as number
          expect(a).toEqual(parseArticleLine(lines.get(line) as string, line))
        })
      }),
      { numRuns: 30 },
    )
  })
})
