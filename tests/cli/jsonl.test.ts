import fc from 'fast-check'
import { rmSync, writeFileSync } from 'node:fs'
import { afterAll, describe, expect, it } from 'vitest'
import { CliError } from '../../src/cli/errors.js'
import { ArticleLineError, firstInvalidUtf8, parseArticleLine, readArticles, readLines } from '../../src/cli/jsonl.js'
import { BufferedWriter } from '../../src/cli/output.js'
import { createProgress } from '../../src/cli/progress.js'
import { tempDir, write } from './helpers.js'

const dir = tempDir()
afterAll(() => rmSync(dir, { recursive: true, force: true }))

async function collect(path: string): Promise<Array<{ line: number; text: string }>> {
  const lines = []
  for await (const l of readLines(path)) lines.push(l)
  return lines
}

describe('parseArticleLine', () => {
  it('keeps only the documented fields', () => {
    const article = parseArticleLine(
      JSON.stringify({ id: 'a', title: 'T', body: 'B', tags: ['x'], topics: ['grain'], relevance: 2, constructor: 'no' }),
      1,
    )
    expect(article).toEqual({ id: 'a', title: 'T', body: 'B', tags: ['x'] })
  })

  it('keeps an embedding as 32-bit floats, and names the line and entry of a bad one', () => {
    const article = parseArticleLine(JSON.stringify({ id: 'a', title: 'T', body: 'B', embedding: [0.5, -1, 0] }), 1)
    expect(article.embedding).toEqual(Float32Array.of(0.5, -1, 0))
    expect(() => parseArticleLine(JSON.stringify({ id: 'a', title: 'T', body: 'B', embedding: [0.5, 'x'] }), 9)).toThrow(
      /^line 9: embedding\[1\] \(article "a"\) must be a finite number, got the string "x"$/,
    )
  })

  it('treats a __proto__ key as data, never as a prototype', () => {
    const article = parseArticleLine('{"id": "a", "title": "T", "body": "B", "__proto__": {"polluted": true}}', 1)
    expect(Object.getPrototypeOf(article)).toBe(Object.prototype)
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
  })

  it.each([
    ['{"id": "a", "title": "T"', 3, /^line 3: not valid JSON/, undefined],
    ['"just a string"', 4, /^line 4: expected an article object .*got a string/, undefined],
    ['null', 5, /got null/, undefined],
    ['{"title": "T", "body": "B"}', 6, /^line 6: missing the required field "id"/, 'id'],
    ['{"id": "", "title": "T", "body": "B"}', 7, /^line 7: id must be a non-empty string/, 'id'],
    ['{"id": "a", "title": "T", "body": "B", "tags": ["x", 3]}', 8, /^line 8: tags\[1\]/, 'tags[1]'],
    ['{"id": "a", "title": "T", "body": "B", "publishedAt": "soon"}', 9, /^line 9: publishedAt/, 'publishedAt'],
  ])('refuses %s, naming the line and the field', (text, line, pattern, field) => {
    let error: unknown
    try {
      parseArticleLine(text, line)
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(ArticleLineError)
    expect((error as ArticleLineError).message).toMatch(pattern)
    expect((error as ArticleLineError).field).toBe(field)
    expect((error as ArticleLineError).line).toBe(line)
  })

  it('fuzz: any text or JSON value gives an article or an ArticleLineError, nothing else', () => {
    const anyLine = fc.oneof(
      fc.string({ maxLength: 200 }),
      fc.string({ unit: 'binary', maxLength: 200 }),
      fc.json(),
      fc
        .record({
          id: fc.oneof(fc.string(), fc.integer(), fc.constant(null)),
          title: fc.oneof(fc.string(), fc.array(fc.string())),
          body: fc.oneof(fc.string(), fc.boolean()),
          publishedAt: fc.oneof(fc.string(), fc.date({ noInvalidDate: true }).map((d) => d.toISOString())),
          tags: fc.oneof(fc.array(fc.string()), fc.string(), fc.array(fc.anything())),
          extra: fc.anything(),
        }, { requiredKeys: [] })
        .map((o) => JSON.stringify(o)),
    )
    fc.assert(
      fc.property(anyLine, fc.integer({ min: 1, max: 1e6 }), (text, line) => {
        try {
          const article = parseArticleLine(text, line)
          expect(typeof article.id).toBe('string')
          expect(Object.keys(article).every((k) => ['id', 'title', 'body', 'publishedAt', 'tags', 'section', 'source', 'url', 'entities'].includes(k))).toBe(true)
        } catch (error) {
          expect(error).toBeInstanceOf(ArticleLineError)
          expect((error as Error).message.startsWith(`line ${line}: `)).toBe(true)
          expect((error as Error).message).not.toContain('\n')
        }
      }),
      { numRuns: 2000 },
    )
  })
})

describe('readLines and readArticles', () => {
  it('number lines from 1, split on \\n, drop a trailing \\r and keep a last line without newline', async () => {
    const path = write(dir, 'lines.txt', 'a\r\nb\n\nc')
    expect(await collect(path)).toEqual([
      { line: 1, text: 'a' },
      { line: 2, text: 'b' },
      { line: 3, text: '' },
      { line: 4, text: 'c' },
    ])
  })

  it('read a line far longer than a stream chunk in one piece', async () => {
    const long = 'x'.repeat(3_000_000)
    const path = write(dir, 'long.txt', `short\n${long}\nend\n`)
    const lines = await collect(path)
    expect(lines.map((l) => l.text.length)).toEqual([5, long.length, 3])
  })

  it('skip blank lines and a byte-order mark, and keep multi-byte text intact', async () => {
    const a = JSON.stringify({ id: 'é', title: 'Łódź 東京 🚀', body: 'Zürich' })
    const path = write(dir, 'bom.jsonl', `\uFEFF${a}\n\n   \n${JSON.stringify({ id: 'b', title: 'T', body: 'B' })}`)
    const read = await readArticles(path)
    expect(read.articles.map((x) => x.id)).toEqual(['é', 'b'])
    expect(read.articles[0]?.title).toBe('Łódź 東京 🚀')
    expect(read.lineNumbers).toEqual([1, 4])
  })

  it('stop at the first bad line with the file name, or skip and list bad lines with skipInvalid', async () => {
    const good = (id: string) => JSON.stringify({ id, title: 'T', body: 'B' })
    const path = write(dir, 'mixed.jsonl', [good('a'), '{', good('b'), good('a'), good('c')].join('\n'))
    await expect(readArticles(path)).rejects.toThrow(CliError)
    await expect(readArticles(path)).rejects.toThrow(`${path} line 2: not valid JSON (`)
    const read = await readArticles(path, { skipInvalid: true })
    expect(read.articles.map((x) => x.id)).toEqual(['a', 'b', 'c'])
    expect(read.skipped.map((p) => [p.line, p.field])).toEqual([
      [2, undefined],
      [4, 'id'],
    ])
  })

  it('report invalid UTF-8 with its line, or skip that line with skipInvalid', async () => {
    const good = (id: string) => Buffer.from(`${JSON.stringify({ id, title: 'Zürich', body: 'B' })}\n`)
    const bad = Buffer.concat([Buffer.from('{"id": "x", "title": "caf'), Buffer.from([0xe9]), Buffer.from('", "body": "B"}\n')])
    const path = `${dir}/latin1.jsonl`
    writeFileSync(path, Buffer.concat([good('a'), good('b'), bad, good('c')]))
    await expect(readArticles(path)).rejects.toThrow(`${path} line 3: is not valid UTF-8 (byte 0xe9 at byte 26 of the line); save the file as UTF-8`)
    const read = await readArticles(path, { skipInvalid: true })
    expect(read.articles.map((x) => x.id)).toEqual(['a', 'b', 'c'])
    expect(read.skipped.map((p) => p.line)).toEqual([3])
  })

  it('find the first invalid UTF-8 byte as Node decodes it (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), (bytes) => {
        const buffer = Buffer.from(bytes)
        const at = firstInvalidUtf8(buffer)
        // Everything before it round-trips; a valid buffer has no invalid byte.
        expect(Buffer.from(buffer.subarray(0, at).toString('utf8'), 'utf8').equals(buffer.subarray(0, at))).toBe(true)
        expect(at === buffer.length).toBe(Buffer.from(buffer.toString('utf8'), 'utf8').equals(buffer))
      }),
      { numRuns: 2000, seed: 15 },
    )
  })

  it('refuse an article over maxArticleLength on its line, or skip it with skipInvalid', async () => {
    const line = (id: string, body: string) => JSON.stringify({ id, title: 'T', body })
    const path = write(dir, 'long-article.jsonl', [line('a', 'short'), line('big', 'x'.repeat(500)), line('c', 'short')].join('\n'))
    await expect(readArticles(path, { maxArticleLength: 100 })).rejects.toThrow(`${path} line 2: body (article "big") must be at most 100 characters`)
    const read = await readArticles(path, { maxArticleLength: 100, skipInvalid: true })
    expect(read.articles.map((x) => x.id)).toEqual(['a', 'c'])
    expect(read.skipped.map((p) => [p.line, p.field])).toEqual([[2, 'body']])
    // With oversized: 'truncate' the index cuts it, so it is kept.
    expect((await readArticles(path, { maxArticleLength: 100, oversized: 'truncate' })).articles).toHaveLength(3)
  })

  it('give a one-line error for a missing file or a directory', async () => {
    await expect(readArticles(`${dir}/missing.jsonl`)).rejects.toThrow(/cannot open file .*missing\.jsonl: no such file/)
    await expect(readArticles(dir)).rejects.toThrow(/is a directory/)
  })
})

describe('progress and output', () => {
  function fakeStream(isTTY: boolean): NodeJS.WritableStream & { isTTY: boolean; columns: number; written: string } {
    const stream = {
      isTTY,
      columns: 120,
      written: '',
      write(chunk: string) {
        stream.written += chunk
        return true
      },
      cursorTo() {
        return true
      },
      clearLine() {
        return true
      },
      moveCursor() {
        return true
      },
      on() {
        return stream
      },
      once() {
        return stream
      },
      removeListener() {
        return stream
      },
    }
    return stream as unknown as NodeJS.WritableStream & { isTTY: boolean; columns: number; written: string }
  }

  it('draws a bar with count, rate and ETA on a terminal, and nothing otherwise or when quiet', () => {
    const tty = fakeStream(true)
    const progress = createProgress(tty, false)
    progress.start('indexing', 10, 'articles')
    progress.update(5)
    progress.stop()
    expect(tty.written).toMatch(/indexing \[.*\] \d+\/10 articles \| \d+\/s \| ETA/)
    for (const [stream, quiet] of [[fakeStream(false), false], [fakeStream(true), true]] as const) {
      const silent = createProgress(stream, quiet)
      silent.start('indexing', 10, 'articles')
      silent.update(5)
      silent.stop()
      expect(stream.written).toBe('')
    }
  })

  it('BufferedWriter waits for drain when the stream asks', async () => {
    const chunks: string[] = []
    let drain: (() => void) | undefined
    const writer = new BufferedWriter({
      write: (chunk) => {
        chunks.push(chunk)
        return false
      },
      once: (_event, listener) => {
        drain = listener
      },
    })
    const pending = writer.write('x'.repeat(70_000))
    await Promise.resolve()
    expect(chunks).toHaveLength(1)
    drain?.()
    await pending
    await writer.write('tail')
    expect(chunks).toHaveLength(1)
  })
})

describe('readLines on lines longer than a read chunk', () => {
  const longDir = tempDir()
  afterAll(() => rmSync(longDir, { recursive: true, force: true }))

  it('returns the same lines as splitting the whole text, wherever the chunk boundaries fall', async () => {
    let n = 0
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.nat({ max: 200_000 }), fc.constantFrom('a', 'é', '\r')), { minLength: 1, maxLength: 6 }),
        fc.boolean(),
        async (specs, trailingNewline) => {
          const lines = specs.map(([length, char]) => `${char.repeat(length)}z`)
          const text = lines.join('\n') + (trailingNewline ? '\n' : '')
          const path = write(longDir, `long-${n++}.txt`, text)
          const got: string[] = []
          for await (const { line, text: t } of readLines(path)) {
            expect(line).toBe(got.length + 1)
            got.push(t)
          }
          expect(got).toEqual(lines)
        },
      ),
      { numRuns: 15 },
    )
  })
})
