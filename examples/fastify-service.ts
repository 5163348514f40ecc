/**
 * A related-stories service on Fastify: the index is loaded once at start (from a snapshot when
 * one is given, else the bundled sample is indexed), warmed up, and then answers
 *
 *   GET  /health                 200 { status: "ok", articles }
 *   GET  /related/:id?k=5        200 { id, related: [{ id, title, score, reasons }] }
 *   POST /related?k=5  (draft)   200 { related: [...] }
 *   POST /articles     (article) 201 { id, articles, affected: [ids whose cached top-k lists now show it] }
 *
 * Errors are one JSON shape, `{ error: { code, message, field? } }`, with the library's error
 * codes mapped to statuses (see `statusOf`). The check is `isRelatedArticlesError`, which holds
 * for errors of either build (ESM or CommonJS) of the library.
 *
 *   npx tsx examples/fastify-service.ts [--port 3000] [--snapshot archive.snapshot]
 *
 * In your project, import from 'related-articles' instead of '../src/index.js'.
 */
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import Fastify, { type FastifyError, type FastifyInstance } from 'fastify'
import { RelatedIndex, isRelatedArticlesError, type RelatedArticlesError, type RelatedResult } from '../src/index.js'
import { readArticles } from './lib/articles.js'

/** Largest request body: an article of the library's default size limit, as JSON, with room to spare. */
const BODY_LIMIT = 4 * 1024 * 1024
const DEFAULT_K = 5

/**
 * The HTTP status of a library error. `LIMIT_EXCEEDED` is 413 for a request whose content is too
 * large (an article over `maxArticleLength`) but 400 for a `k` above `MAX_K`, which is a bad
 * parameter, not a large payload: the error's `field` tells them apart.
 */
export function statusOf(error: RelatedArticlesError): number {
  switch (error.code) {
    case 'INVALID_ARTICLE':
    case 'INVALID_OPTION':
      return 400
    case 'LIMIT_EXCEEDED':
      return error.field === 'k' ? 400 : 413
    case 'NOT_FOUND':
      return 404
    case 'DUPLICATE_ID':
    case 'INVALID_STATE':
      return 409
    default:
      // SNAPSHOT_CORRUPT and SNAPSHOT_VERSION come from loading at start-up, never from a request.
      return 500
  }
}

/** `?k=`: absent means the default; anything else goes to the library, which checks it. */
function kOf(query: { k?: string }): number {
  return query.k === undefined ? DEFAULT_K : Number(query.k)
}

function present(index: RelatedIndex, results: readonly RelatedResult[]): object[] {
  return results.map((r) => ({ id: r.id, title: index.get(r.id)?.title, score: Math.round(r.score * 10_000) / 10_000, reasons: r.reasons }))
}

/** The Fastify app over `index` (not listening: call `listen`, or `inject` in tests). */
export function buildApp(index: RelatedIndex, options: { logger?: boolean } = {}): FastifyInstance {
  const app = Fastify({ logger: options.logger ?? false, bodyLimit: BODY_LIMIT })

  app.setErrorHandler((error: FastifyError | Error, request, reply) => {
    if (isRelatedArticlesError(error)) {
      return reply.code(statusOf(error)).send({ error: { code: error.code, message: error.message, ...(error.field === undefined ? {} : { field: error.field }) } })
    }
    const status = (error as FastifyError).statusCode
    if (status !== undefined && status >= 400 && status < 500) {
      // Fastify's own refusals: malformed JSON (400), a body over bodyLimit (413), …
      return reply.code(status).send({ error: { code: (error as FastifyError).code ?? 'BAD_REQUEST', message: error.message } })
    }
    request.log.error(error)
    return reply.code(500).send({ error: { code: 'INTERNAL', message: 'internal error' } })
  })

  app.get('/health', async () => ({ status: 'ok', articles: index.size }))

  app.get<{ Params: { id: string }; Querystring: { k?: string } }>('/related/:id', async (request) => {
    const { id } = request.params
    return { id, related: present(index, index.related(id, { k: kOf(request.query) })) }
  })

  app.post<{ Querystring: { k?: string } }>('/related', async (request) => {
    return { related: present(index, index.relatedTo(request.body as never, { k: kOf(request.query) })) }
  })

  app.post<{ Querystring: { k?: string } }>('/articles', async (request, reply) => {
    const article = request.body as { id?: unknown }
    index.add(article as never)
    const id = article.id as string
    // Which cached related boxes to refresh (exact; see the README on its cost in large archives).
    const affected = index.affectedBy(id, { k: request.query.k === undefined ? 10 : Number(request.query.k) })
    return reply.code(201).send({ id, articles: index.size, affected })
  })

  return app
}

/** The index to serve: a snapshot (no analysis, milliseconds) or the bundled sample, warmed up. */
export function loadIndex(snapshot?: string): RelatedIndex {
  const index = snapshot === undefined ? new RelatedIndex() : RelatedIndex.deserialize(readFileSync(snapshot))
  if (snapshot === undefined) index.addAll(readArticles())
  // The language model loads on first use: pay for it now, not in the first request.
  index.warmUp()
  return index
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { port: { type: 'string' }, snapshot: { type: 'string' } } })
  const app = buildApp(loadIndex(values.snapshot), { logger: true })
  await app.listen({ port: Number(values.port ?? 3000), host: '127.0.0.1' })
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().catch((error: unknown) => {
    console.error(error)
    process.exit(1)
  })
}
