import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildApp, loadIndex, statusOf } from '../../examples/fastify-service.js'
import { RelatedArticlesError } from '../../src/index.js'
import type { FastifyInstance, InjectOptions } from 'fastify'

const DRAFT = {
  title: 'Coffee producers seek new export quotas',
  body: 'Brazil and Colombia want the International Coffee Organization to restore coffee export quotas.',
  publishedAt: '1987-04-02T12:00:00Z',
}

describe('examples/fastify-service.ts (through Fastify inject)', () => {
  let app: FastifyInstance
  const index = loadIndex()

  beforeAll(async () => {
    app = buildApp(index)
    await app.ready()
  })
  afterAll(async () => {
    await app.close()
  })

  it('answers health, a stored article and a draft as the library does', async () => {
    expect((await app.inject({ url: '/health' })).json()).toEqual({ status: 'ok', articles: 292 })
    const related = await app.inject({ url: '/related/r10100?k=3' })
    expect(related.statusCode).toBe(200)
    expect(related.json().related.map((r: { id: string }) => r.id)).toEqual(index.related('r10100', { k: 3 }).map((r) => r.id))
    const draft = await app.inject({ method: 'POST', url: '/related?k=2', payload: DRAFT })
    expect(draft.statusCode).toBe(200)
    expect(draft.json().related.map((r: { id: string }) => r.id)).toEqual(index.relatedTo(DRAFT, { k: 2 }).map((r) => r.id))
  })

  it('adds an article and lists the cached lists it enters', async () => {
    const added = await app.inject({ method: 'POST', url: '/articles?k=3', payload: { ...DRAFT, id: 'coffee-draft' } })
    expect(added.statusCode).toBe(201)
    const body = added.json() as { id: string; articles: number; affected: string[] }
    expect(body).toMatchObject({ id: 'coffee-draft', articles: 293 })
    expect(body.affected.length).toBeGreaterThan(0)
    for (const id of body.affected) expect(index.related(id, { k: 3 }).some((r) => r.id === 'coffee-draft' || r.reasons.duplicates.includes('coffee-draft'))).toBe(true)
  })

  it.each<[string, () => InjectOptions, number, string, string?]>([
    ['an unknown id', () => ({ url: '/related/nope' }), 404, 'NOT_FOUND', 'id'],
    ['k = 0', () => ({ url: '/related/r10100?k=0' }), 400, 'INVALID_OPTION', 'k'],
    ['k = 2.5', () => ({ url: '/related/r10100?k=2.5' }), 400, 'INVALID_OPTION', 'k'],
    ['k = 5000 (a bad parameter, not a large payload)', () => ({ url: '/related/r10100?k=5000' }), 400, 'LIMIT_EXCEEDED', 'k'],
    ['a draft without a title', () => ({ method: 'POST', url: '/related', payload: { body: 'x' } }), 400, 'INVALID_ARTICLE', 'title'],
    ['an article already stored', () => ({ method: 'POST', url: '/articles', payload: { id: 'r10100', title: 'T', body: 'B' } }), 409, 'DUPLICATE_ID', 'id'],
    ['an article over maxArticleLength', () => ({ method: 'POST', url: '/articles', payload: { id: 'big', title: 'T', body: 'x'.repeat(1_000_001) } }), 413, 'LIMIT_EXCEEDED', 'body'],
    ['malformed JSON', () => ({ method: 'POST', url: '/related', payload: '{"title":', headers: { 'content-type': 'application/json' } }), 400, 'FST_ERR_CTP_INVALID_JSON_BODY'],
    ['a body over the body limit', () => ({ method: 'POST', url: '/related', payload: { title: 'T', body: 'x'.repeat(5 * 1024 * 1024) } }), 413, 'FST_ERR_CTP_BODY_TOO_LARGE'],
  ])('maps %s to its status and code', async (_name, request, status, code, field) => {
    const size = index.size
    const reply = await app.inject(request())
    expect(reply.statusCode).toBe(status)
    const error = reply.json().error as { code: string; message: string; field?: string }
    expect(error.code).toBe(code)
    if (field !== undefined) expect(error.field).toBe(field)
    expect(error.message).not.toMatch(/\n\s+at /)
    expect(index.size).toBe(size)
  })

  it('maps every library error code to a status', () => {
    const codes = ['INVALID_ARTICLE', 'INVALID_OPTION', 'LIMIT_EXCEEDED', 'NOT_FOUND', 'DUPLICATE_ID', 'INVALID_STATE', 'SNAPSHOT_CORRUPT', 'SNAPSHOT_VERSION'] as const
    expect(codes.map((code) => statusOf(new RelatedArticlesError(code, 'x')))).toEqual([400, 400, 413, 404, 409, 409, 500, 500])
  })
})
