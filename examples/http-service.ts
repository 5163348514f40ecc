/**
 * Related stories as a small HTTP service, on Node's own `http` module (no framework).
 *
 *   npx tsx examples/http-service.ts                              # index the bundled sample, port 3000
 *   npx tsx examples/http-service.ts --snapshot archive.snapshot  # load a saved index instead
 *   npx tsx examples/http-service.ts --articles my.jsonl --port 0 # your articles, any free port
 *
 * Routes, JSON in and out:
 *
 *   GET  /health                    200 { status: "ok", articles }
 *   GET  /articles/:id/related?k=5  200 { id, related: [{ id, title, url?, publishedAt?, score, reasons }] }
 *   POST /related?k=5               body: a draft { title, body, publishedAt?, tags?, section?, … }
 *                                   200 { related: [...] }
 *   POST /articles?k=10             body: an article with an id; adds it to the index
 *                                   201 { id, articles, affected: [ids whose top-k lists now include it] }
 *
 * Errors are `{ "error": { "code", "message", "field"? } }`: the library's own code and message
 * (`INVALID_ARTICLE`, `INVALID_OPTION`, `NOT_FOUND`, …) where the library refused the input, else
 * the service's (`INVALID_JSON`, `INVALID_URL`, `UNSUPPORTED_MEDIA_TYPE`, `METHOD_NOT_ALLOWED`).
 * 400 bad input, 404 unknown id or route, 405 wrong method, 409 duplicate id, 413 body over the
 * limit (1 MB by default), 415 body not declared as JSON.
 *
 * Concurrency: every query is synchronous and short (about a millisecond for a stored article,
 * a few for a draft, which must be analysed), while request bodies are read asynchronously, so
 * one process interleaves many requests the usual Node way. To use several cores, run one
 * process per core, each loading the same snapshot.
 *
 * The service binds to 127.0.0.1 only: put it behind your reverse proxy rather than exposing it.
 */
import { readFileSync } from 'node:fs'
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import {
  MAX_K,
  RelatedArticlesError,
  RelatedIndex,
  type Article,
  type Draft,
  type RelatedArticlesErrorCode,
  type RelatedResult,
} from '../src/index.js' // in your project: from 'related-articles'
import { SAMPLE_PATH, readArticles } from './lib/articles.js'

/** Largest request body read, in bytes. */
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024
/** Results per list when the request gives no `k`: what a "related stories" box shows. */
export const DEFAULT_SERVICE_K = 5
/** Length of the cached lists that `POST /articles` reports as affected, when no `k` is given. */
export const DEFAULT_CACHED_K = 10
/** The only interface the service listens on. */
export const HOST = '127.0.0.1'

/** Options of {@link createServer}. */
export interface ServiceOptions {
  /** Largest request body accepted, in bytes. Defaults to {@link DEFAULT_MAX_BODY_BYTES}. */
  maxBodyBytes?: number
  /** Where unexpected errors (status 500) are reported. Defaults to `console.error`. */
  log?: (message: string) => void
}

/** Options of {@link startServer}. */
export interface StartOptions extends ServiceOptions {
  /** Port to listen on; 0 picks a free one. Defaults to 3000. */
  port?: number
  /** A snapshot file written by `index.serialize()` or `related-articles index`. */
  snapshot?: string
  /** A JSON Lines file of articles to index at start-up. Defaults to the bundled sample. */
  articles?: string
}

/** A listening service, as returned by {@link startServer}. */
export interface RunningService {
  /** Base URL, such as `http://127.0.0.1:3000`. */
  url: string
  port: number
  index: RelatedIndex
  server: Server
  /** How the index was obtained, for the start-up line. */
  source: string
  /** Stops accepting connections and resolves once open requests have been answered. */
  close(): Promise<void>
}

/** The library's error codes as HTTP statuses. */
const STATUS: Record<RelatedArticlesErrorCode, number> = {
  INVALID_ARTICLE: 400,
  INVALID_OPTION: 400,
  LIMIT_EXCEEDED: 400,
  NOT_FOUND: 404,
  DUPLICATE_ID: 409,
  INVALID_STATE: 409,
  // Only snapshot loading throws these, at start-up; a request never should.
  SNAPSHOT_CORRUPT: 500,
  SNAPSHOT_VERSION: 500,
}

/** A refusal by the service itself (as opposed to the library). */
class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message)
  }
}

/**
 * An HTTP server answering related-story requests from `index`. It is not listening yet: call
 * `server.listen(port, '127.0.0.1')`, or use {@link startServer}.
 */
export function createServer(index: RelatedIndex, options: ServiceOptions = {}): Server {
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES
  const log = options.log ?? ((message: string) => console.error(message))
  const server = createHttpServer(
    // Slow clients must not hold a connection (and a body buffer) open for long.
    { requestTimeout: 30_000, headersTimeout: 10_000, keepAliveTimeout: 5_000 },
    (req, res) => {
      handle(index, req, res, maxBodyBytes).catch((error: unknown) => {
        if (error instanceof HttpError) {
          sendError(res, error.status, error.code, error.message, error.field, error.headers)
        } else if (error instanceof RelatedArticlesError) {
          sendError(res, STATUS[error.code] ?? 500, error.code, error.message, error.field)
        } else {
          // Never show a stack trace or internal message to a client.
          log(`${req.method} ${req.url}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`)
          sendError(res, 500, 'INTERNAL', 'internal error')
        }
      })
    },
  )
  return server
}

async function handle(index: RelatedIndex, req: IncomingMessage, res: ServerResponse, maxBodyBytes: number): Promise<void> {
  const url = new URL(req.url ?? '/', `http://${HOST}`)
  const segments = url.pathname.split('/').slice(1).map(decodeSegment)
  const method = req.method ?? 'GET'
  const route = (expected: string): void => {
    if (method !== expected) {
      throw new HttpError(405, 'METHOD_NOT_ALLOWED', `${url.pathname} accepts ${expected}, not ${method}`, undefined, { allow: expected })
    }
  }

  if (segments.length === 1 && segments[0] === 'health') {
    route('GET')
    return sendJson(res, 200, { status: 'ok', articles: index.size })
  }
  if (segments.length === 3 && segments[0] === 'articles' && segments[2] === 'related' && segments[1] !== '') {
    route('GET')
    const id = segments[1] as string
    const related = index.related(id, { k: parseK(url.searchParams, DEFAULT_SERVICE_K) })
    return sendJson(res, 200, { id, related: present(index, related) })
  }
  if (segments.length === 1 && segments[0] === 'related') {
    route('POST')
    const k = parseK(url.searchParams, DEFAULT_SERVICE_K) // refused before the body is read
    const draft = await readJson(req, maxBodyBytes)
    // relatedTo validates the draft itself: a missing title is INVALID_ARTICLE naming `title`.
    return sendJson(res, 200, { related: present(index, index.relatedTo(draft as Draft, { k })) })
  }
  if (segments.length === 1 && segments[0] === 'articles') {
    route('POST')
    const k = parseK(url.searchParams, DEFAULT_CACHED_K) // refused before anything is stored
    const article = await readJson(req, maxBodyBytes)
    index.add(article as Article) // validates it; DUPLICATE_ID becomes 409
    const id = (article as Article).id
    // Which cached "related" boxes should be refreshed now that this story exists.
    const affected = index.affectedBy(id, { k })
    res.setHeader('location', `/articles/${encodeURIComponent(id)}/related`)
    return sendJson(res, 201, { id, articles: index.size, affected })
  }
  throw new HttpError(404, 'NOT_FOUND', `no route for ${method} ${url.pathname}`)
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment)
  } catch {
    throw new HttpError(400, 'INVALID_URL', `path segment ${JSON.stringify(segment)} is not valid percent-encoding`)
  }
}

/**
 * `k` from the query string, checked here in full (the library would check the range too, but
 * `POST /articles` must refuse a bad `k` before it stores anything).
 */
function parseK(params: URLSearchParams, fallback: number): number {
  const values = params.getAll('k')
  if (values.length === 0) return fallback
  const raw = values[0] as string
  const k = /^[0-9]{1,9}$/.test(raw) ? Number(raw) : NaN
  if (values.length > 1 || !(k >= 1 && k <= MAX_K)) {
    const got = values.length > 1 ? `${values.length} values` : JSON.stringify(raw)
    throw new HttpError(400, k > MAX_K ? 'LIMIT_EXCEEDED' : 'INVALID_OPTION', `k must be one whole number from 1 to ${MAX_K}, got ${got}`, 'k')
  }
  return k
}

/** Reads and parses a JSON request body of at most `limit` bytes. */
async function readJson(req: IncomingMessage, limit: number): Promise<unknown> {
  const type = req.headers['content-type'] ?? ''
  if (!/^application\/json\s*(;|$)/i.test(type)) {
    throw new HttpError(415, 'UNSUPPORTED_MEDIA_TYPE', `Content-Type must be application/json, got ${type === '' ? 'none' : JSON.stringify(type)}`)
  }
  const declared = Number(req.headers['content-length'])
  if (Number.isFinite(declared) && declared > limit) throw tooLarge(limit, `${declared} bytes`)
  const bytes = await readBody(req, limit)
  if (bytes.length === 0) throw new HttpError(400, 'INVALID_JSON', 'request body is empty; expected a JSON object')
  let text: string
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes)
  } catch {
    throw new HttpError(400, 'INVALID_JSON', 'request body is not valid UTF-8')
  }
  try {
    return JSON.parse(text)
  } catch (error) {
    throw new HttpError(400, 'INVALID_JSON', `request body is not valid JSON: ${(error as Error).message}`)
  }
}

/**
 * Collects the body, failing as soon as it passes `limit` (a chunked upload has no
 * Content-Length to check up front). The rest of an oversized upload is discarded, not stored.
 */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolvePromise, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    let failed = false
    req.on('data', (chunk: Buffer) => {
      if (failed) return
      size += chunk.length
      if (size > limit) {
        failed = true
        chunks.length = 0
        reject(tooLarge(limit, 'more than that'))
        return
      }
      chunks.push(chunk)
    })
    req.on('end', () => {
      if (!failed) resolvePromise(Buffer.concat(chunks, size))
    })
    req.on('error', reject)
  })
}

function tooLarge(limit: number, got: string): HttpError {
  // `connection: close`: the client is still sending; closing is cheaper than reading it all.
  return new HttpError(413, 'LIMIT_EXCEEDED', `request body must be at most ${limit} bytes, got ${got}`, 'body', { connection: 'close' })
}

/** Results as a page needs them: the related article's title, link and date beside the score and reasons. */
function present(index: RelatedIndex, results: readonly RelatedResult[]): object[] {
  return results.map((r) => {
    const article = index.get(r.id)
    return {
      id: r.id,
      title: article?.title,
      url: article?.url,
      publishedAt: article?.publishedAt,
      score: Math.round(r.score * 10_000) / 10_000,
      reasons: r.reasons,
    }
  })
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body)
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'x-content-type-options': 'nosniff',
    ...headers,
  })
  res.end(text)
}

function sendError(
  res: ServerResponse,
  status: number,
  code: string,
  message: string,
  field?: string,
  headers: Record<string, string> = {},
): void {
  if (res.headersSent) {
    res.destroy()
    return
  }
  sendJson(res, status, { error: { code, message, ...(field === undefined ? {} : { field }) } }, headers)
}

/** The index to serve: a snapshot when given (no analysis, a few ms), else articles indexed now. */
export function loadIndex(options: Pick<StartOptions, 'snapshot' | 'articles'> = {}): { index: RelatedIndex; source: string } {
  if (options.snapshot !== undefined && options.articles !== undefined) {
    throw new Error('give either a snapshot or an articles file, not both')
  }
  const started = performance.now()
  const ms = (): string => `${Math.round(performance.now() - started)} ms`
  if (options.snapshot !== undefined) {
    const index = RelatedIndex.deserialize(readFileSync(options.snapshot))
    return { index, source: `snapshot ${options.snapshot} loaded in ${ms()}` }
  }
  const path = options.articles ?? SAMPLE_PATH
  const index = new RelatedIndex()
  index.addAll(readArticles(path))
  return { index, source: `${options.articles ?? 'the bundled Reuters sample'} indexed in ${ms()}` }
}

/** Loads the index and listens on 127.0.0.1. Use `port: 0` for a free port (tests do). */
export async function startServer(options: StartOptions = {}): Promise<RunningService> {
  const { index, source } = loadIndex(options)
  const server = createServer(index, options)
  await new Promise<void>((resolvePromise, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 3000, HOST, () => {
      server.off('error', reject)
      resolvePromise()
    })
  })
  const { port } = server.address() as AddressInfo
  return {
    url: `http://${HOST}:${port}`,
    port,
    index,
    server,
    source,
    close: () =>
      new Promise<void>((resolvePromise, reject) => {
        server.close((error) => (error ? reject(error) : resolvePromise()))
        server.closeIdleConnections() // keep-alive connections would otherwise hold close() open
      }),
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '3000' },
      snapshot: { type: 'string' },
      articles: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  })
  if (values.help) {
    console.log('usage: npx tsx examples/http-service.ts [--port 3000] [--snapshot file | --articles file.jsonl]')
    return
  }
  const port = Number(values.port)
  if (!/^[0-9]+$/.test(values.port) || port > 65_535) throw new Error(`--port must be a whole number from 0 to 65535, got ${values.port}`)
  const service = await startServer({ port, snapshot: values.snapshot, articles: values.articles })
  console.log(`related-articles service listening on ${service.url} (${service.index.size} articles; ${service.source})`)
  console.log(`try: curl ${service.url}/articles/${service.index.ids().sort()[0] ?? 'ID'}/related?k=3`)
  const stop = (): void => {
    service.close().then(
      () => process.exit(0),
      () => process.exit(1),
    )
  }
  process.once('SIGINT', stop)
  process.once('SIGTERM', stop)
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((error: unknown) => {
    console.error(`http-service: ${error instanceof Error ? error.message : String(error)}`)
    process.exit(1)
  })
}
