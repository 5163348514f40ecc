import { once } from 'node:events'
import { rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startServer, type RunningService } from '../../examples/http-service.js'
import { RelatedArticlesError } from '../../src/index.js'
import { startExample, tempDir } from './run.js'

interface Reply {
  status: number
  headers: Headers
  body: Record<string, unknown>
}

interface ErrorBody {
  error: { code: string; message: string; field?: string }
}

interface RelatedItem {
  id: string
  title: string
  publishedAt?: string
  score: number
  reasons: { sharedEntities: string[]; sharedTerms: string[] }
}

async function request(base: string, path: string, init: RequestInit = {}): Promise<Reply> {
  const res = await fetch(`${base}${path}`, init)
  const text = await res.text()
  expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8')
  return { status: res.status, headers: res.headers, body: JSON.parse(text) as Record<string, unknown> }
}

function postJson(base: string, path: string, body: string | ReadableStream<Uint8Array> | Uint8Array): Promise<Reply> {
  return request(base, path, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
    ...(body instanceof ReadableStream ? { duplex: 'half' } : {}),
  } as RequestInit)
}

function errorOf(reply: Reply): ErrorBody['error'] {
  return (reply.body as unknown as ErrorBody).error
}

const DRAFT = {
  title: 'Coffee producers seek new export quotas',
  body: 'Brazil and Colombia want the International Coffee Organization to restore coffee export quotas.',
}

describe('examples/http-service.ts on an ephemeral port', () => {
  let service: RunningService
  const logged: string[] = []

  beforeAll(async () => {
    service = await startServer({ port: 0, log: (message) => logged.push(message) })
  })
  afterAll(async () => {
    await service?.close()
    expect(logged).toEqual([]) // no request ended in an unexpected error
  })

  it('listens on 127.0.0.1 only', () => {
    expect(service.server.address()).toMatchObject({ address: '127.0.0.1' })
    expect(service.url).toBe(`http://127.0.0.1:${service.port}`)
  })

  it('reports its health and the number of articles', async () => {
    const reply = await request(service.url, '/health')
    expect(reply.status).toBe(200)
    expect(reply.body).toEqual({ status: 'ok', articles: 292 })
  })

  it('returns the related stories of a stored article, exactly as the library ranks them', async () => {
    const reply = await request(service.url, '/articles/r10100/related?k=3')
    expect(reply.status).toBe(200)
    expect(reply.body.id).toBe('r10100')
    const related = reply.body.related as RelatedItem[]
    expect(related.map((r) => r.id)).toEqual(service.index.related('r10100', { k: 3 }).map((r) => r.id))
    for (const r of related) {
      expect(r.title).toBe(service.index.get(r.id)?.title)
      expect(r.score).toBeGreaterThan(0)
      expect(r.score).toBeLessThanOrEqual(1)
      expect(Array.isArray(r.reasons.sharedTerms)).toBe(true)
    }
    // The article is about coffee quota talks; so is most of what the service suggests.
    expect(related.filter((r) => /COFFEE|ICO/.test(r.title)).length).toBeGreaterThanOrEqual(2)
  })

  it('returns five stories when k is not given', async () => {
    const reply = await request(service.url, '/articles/r10100/related')
    expect((reply.body.related as unknown[]).length).toBe(5)
  })

  it('answers 404 NOT_FOUND naming an unknown id', async () => {
    const reply = await request(service.url, '/articles/no-such-story/related')
    expect(reply.status).toBe(404)
    expect(errorOf(reply)).toEqual({ code: 'NOT_FOUND', message: 'No article with id "no-such-story" is stored', field: 'id' })
  })

  it('decodes percent-encoded ids and refuses broken encodings with 400 INVALID_URL', async () => {
    expect((await request(service.url, '/articles/no%20such/related')).body).toMatchObject({ error: { code: 'NOT_FOUND', message: expect.stringContaining('"no such"') } })
    const reply = await request(service.url, '/articles/%E0%A4%A/related')
    expect(reply.status).toBe(400)
    expect(errorOf(reply).code).toBe('INVALID_URL')
  })

  it.each([
    ['a word', 'abc', 'INVALID_OPTION'],
    ['a fraction', '2.5', 'INVALID_OPTION'],
    ['a negative number', '-1', 'INVALID_OPTION'],
    ['empty', '', 'INVALID_OPTION'],
    ['zero', '0', 'INVALID_OPTION'],
    ['above the library maximum MAX_K', '5000', 'LIMIT_EXCEEDED'],
  ])('answers 400 for k that is %s', async (_why, k, code) => {
    const reply = await request(service.url, `/articles/r10100/related?k=${k}`)
    expect(reply.status).toBe(400)
    expect(errorOf(reply)).toEqual({ code, field: 'k', message: `k must be one whole number from 1 to 1000, got ${JSON.stringify(k)}` })
  })

  it('answers 400 when k is given twice', async () => {
    const reply = await request(service.url, '/articles/r10100/related?k=2&k=3')
    expect(reply.status).toBe(400)
    expect(errorOf(reply).message).toContain('2 values')
  })

  it('ranks a posted draft exactly as relatedTo does', async () => {
    const reply = await postJson(service.url, '/related?k=4', JSON.stringify(DRAFT))
    expect(reply.status).toBe(200)
    const related = reply.body.related as RelatedItem[]
    expect(related.map((r) => r.id)).toEqual(service.index.relatedTo(DRAFT, { k: 4 }).map((r) => r.id))
    expect(related[0]?.reasons.sharedEntities.length).toBeGreaterThan(0)
  })

  it.each([
    ['invalid JSON', 'not json', 'INVALID_JSON', undefined, 'request body is not valid JSON'],
    ['an empty body', '', 'INVALID_JSON', undefined, 'request body is empty'],
    ['a missing title', JSON.stringify({ body: 'Text only.' }), 'INVALID_ARTICLE', 'title', 'title must be a string, got undefined'],
    ['a title that is a number', JSON.stringify({ title: 7, body: 'x' }), 'INVALID_ARTICLE', 'title', 'got number 7'],
    ['tags that are not a list', JSON.stringify({ ...DRAFT, tags: 'coffee' }), 'INVALID_ARTICLE', 'tags', 'must be an array of strings'],
    ['a bad date', JSON.stringify({ ...DRAFT, publishedAt: 'yesterday' }), 'INVALID_ARTICLE', 'publishedAt', 'ISO 8601'],
    ['an array instead of an object', JSON.stringify([DRAFT]), 'INVALID_ARTICLE', 'draft', 'article object'],
  ])('answers 400 to a draft with %s, with the code and message', async (_why, body, code, field, message) => {
    const reply = await postJson(service.url, '/related', body)
    expect(reply.status).toBe(400)
    const error = errorOf(reply)
    expect(error.code).toBe(code)
    expect(error.field).toBe(field)
    expect(error.message).toContain(message)
  })

  it('answers 400 to a body that is not UTF-8', async () => {
    const reply = await postJson(service.url, '/related', new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]))
    expect(reply.status).toBe(400)
    expect(errorOf(reply)).toMatchObject({ code: 'INVALID_JSON', message: 'request body is not valid UTF-8' })
  })

  it('answers 415 when the body is not declared as JSON', async () => {
    const reply = await request(service.url, '/related', { method: 'POST', body: JSON.stringify(DRAFT) }) // text/plain
    expect(reply.status).toBe(415)
    expect(errorOf(reply)).toMatchObject({ code: 'UNSUPPORTED_MEDIA_TYPE', message: expect.stringContaining('text/plain') })
  })

  it('answers 413 to a body over 1 MB, from its Content-Length, and keeps serving', async () => {
    const big = JSON.stringify({ title: 'Big', body: 'word '.repeat(300_000) })
    const reply = await postJson(service.url, '/related', big)
    expect(reply.status).toBe(413)
    expect(errorOf(reply)).toEqual({
      code: 'LIMIT_EXCEEDED',
      message: `request body must be at most 1048576 bytes, got ${Buffer.byteLength(big)} bytes`,
      field: 'body',
    })
    expect((await request(service.url, '/health')).status).toBe(200)
  })

  it('answers 413 to a chunked body that grows past 1 MB', async () => {
    const chunk = new TextEncoder().encode('x'.repeat(64 * 1024))
    let sent = 0
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent++ < 40) controller.enqueue(chunk)
        else controller.close()
      },
    })
    const reply = await postJson(service.url, '/related', stream)
    expect(reply.status).toBe(413)
    expect(errorOf(reply).code).toBe('LIMIT_EXCEEDED')
    expect((await request(service.url, '/health')).status).toBe(200)
  })

  it('answers 404 for an unknown route and 405 with Allow for a wrong method', async () => {
    const missing = await request(service.url, '/nothing-here')
    expect(missing.status).toBe(404)
    expect(errorOf(missing).message).toBe('no route for GET /nothing-here')
    const wrong = await request(service.url, '/articles/r10100/related', { method: 'DELETE' })
    expect(wrong.status).toBe(405)
    expect(wrong.headers.get('allow')).toBe('GET')
    expect(errorOf(wrong).code).toBe('METHOD_NOT_ALLOWED')
  })

  it('answers many requests at once, each as it would alone', async () => {
    const ids = service.index.ids().sort().slice(0, 24)
    const replies = await Promise.all([
      ...ids.map((id) => request(service.url, `/articles/${id}/related?k=3`)),
      ...ids.slice(0, 8).map(() => postJson(service.url, '/related?k=3', JSON.stringify(DRAFT))),
      request(service.url, '/articles/nope/related'),
    ])
    replies.slice(0, ids.length).forEach((reply, i) => {
      expect(reply.status).toBe(200)
      const id = ids[i] as string
      expect((reply.body.related as RelatedItem[]).map((r) => r.id)).toEqual(service.index.related(id, { k: 3 }).map((r) => r.id))
    })
    const draftIds = service.index.relatedTo(DRAFT, { k: 3 }).map((r) => r.id)
    for (const reply of replies.slice(ids.length, ids.length + 8)) {
      expect((reply.body.related as RelatedItem[]).map((r) => r.id)).toEqual(draftIds)
    }
    expect(replies.at(-1)?.status).toBe(404)
  })
})

describe('examples/http-service.ts adding articles, loaded from a snapshot', () => {
  let service: RunningService
  const dir = tempDir()
  const NEW = {
    id: 'coffee-quota-draft',
    title: 'Brazil and Colombia press ICO to restore coffee export quotas',
    body: 'Brazil and Colombia, the largest coffee producers, asked the International Coffee Organization to restore the export quotas suspended last year, as coffee prices fell in London and New York.',
    publishedAt: '1987-03-27T12:00:00Z',
  }

  beforeAll(async () => {
    // Build once from the sample, save the snapshot, and serve the loaded copy.
    const built = await startServer({ port: 0 })
    const file = join(dir, 'sample.snapshot')
    writeFileSync(file, built.index.serialize())
    await built.close()
    service = await startServer({ port: 0, snapshot: file })
  })
  afterAll(async () => {
    await service?.close()
    rmSync(dir, { recursive: true, force: true })
  })

  it('serves the snapshot it loaded', async () => {
    expect(service.source).toMatch(/^snapshot .*sample\.snapshot loaded in \d+ ms$/)
    expect((await request(service.url, '/health')).body).toEqual({ status: 'ok', articles: 292 })
  })

  it('adds an article and lists exactly the cached top-k lists that now include it', async () => {
    const reply = await postJson(service.url, '/articles?k=5', JSON.stringify(NEW))
    expect(reply.status).toBe(201)
    expect(reply.headers.get('location')).toBe('/articles/coffee-quota-draft/related')
    expect(reply.body).toMatchObject({ id: NEW.id, articles: 293 })
    const affected = reply.body.affected as string[]
    expect(affected.length).toBeGreaterThan(0)
    // Checked against every stored article's top 5: in the list exactly when it now shows NEW.
    for (const id of service.index.ids().filter((id) => id !== NEW.id)) {
      const shows = service.index.related(id, { k: 5 }).some((r) => r.id === NEW.id || r.reasons.duplicates.includes(NEW.id))
      expect(affected.includes(id), id).toBe(shows)
    }
    const related = await request(service.url, `/articles/${NEW.id}/related?k=3`)
    expect(related.status).toBe(200)
    expect((related.body.related as unknown[]).length).toBe(3)
  })

  it('refuses a bad k before storing the article', async () => {
    const reply = await postJson(service.url, '/articles?k=0', JSON.stringify({ ...NEW, id: 'bad-k' }))
    expect(reply.status).toBe(400)
    expect(errorOf(reply).field).toBe('k')
    expect(service.index.has('bad-k')).toBe(false)
  })

  it('answers 409 DUPLICATE_ID when the id is already stored', async () => {
    const reply = await postJson(service.url, '/articles', JSON.stringify({ id: 'r10100', title: 'x', body: 'y' }))
    expect(reply.status).toBe(409)
    expect(errorOf(reply)).toMatchObject({ code: 'DUPLICATE_ID', field: 'id' })
  })

  it('answers 400 INVALID_ARTICLE for an article without an id, and stores nothing', async () => {
    const before = service.index.size
    const reply = await postJson(service.url, '/articles', JSON.stringify(DRAFT))
    expect(reply.status).toBe(400)
    expect(errorOf(reply)).toMatchObject({ code: 'INVALID_ARTICLE', field: 'id' })
    expect(service.index.size).toBe(before)
  })
})

describe('examples/http-service.ts start-up', () => {
  it('refuses a damaged snapshot with SNAPSHOT_CORRUPT', async () => {
    const dir = tempDir()
    const file = join(dir, 'damaged.snapshot')
    writeFileSync(file, 'not a snapshot')
    try {
      await expect(startServer({ port: 0, snapshot: file })).rejects.toMatchObject({
        constructor: RelatedArticlesError,
        code: 'SNAPSHOT_CORRUPT',
      })
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('refuses a snapshot and an articles file together', async () => {
    await expect(startServer({ port: 0, snapshot: 'a', articles: 'b' })).rejects.toThrow('not both')
  })

  it('runs from the command line, prints its address, and stops cleanly on SIGTERM', async () => {
    const child = startExample('http-service.ts', ['--port', '0'])
    let stdout = ''
    child.stdout.setEncoding('utf8')
    const address = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (chunk: string) => {
        stdout += chunk
        const match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(stdout)
        if (match) resolve(match[1] as string)
      })
      child.once('exit', (code) => reject(new Error(`exited with ${code} before listening: ${stdout}`)))
    })
    try {
      expect(stdout).toContain('292 articles; the bundled Reuters sample indexed in')
      expect((await request(address, '/health')).body).toEqual({ status: 'ok', articles: 292 })
    } finally {
      child.kill('SIGTERM')
    }
    const [code] = (await once(child, 'exit')) as [number | null]
    expect(code).toBe(0)
  })
})
