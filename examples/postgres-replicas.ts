/**
 * Two service replicas kept in step with an articles table in PostgreSQL, and a writer.
 *
 *   DATABASE_URL=postgres://user@localhost/db npx tsx examples/postgres-replicas.ts
 *   bash .ci/with-postgres npx tsx examples/postgres-replicas.ts      # a throw-away local server
 *
 * What it does, in one process (a real deployment runs each replica in its own process or
 * machine; nothing below depends on sharing one):
 *
 *   1. the writer creates the table `related_articles_example.articles` (dropped at the end unless
 *      --keep), runs `migrate()`, and inserts the bundled Reuters sample;
 *   2. replica 1 starts from the rows and stores a snapshot; replica 2 starts from that snapshot;
 *      each answers `GET /related/:id` over HTTP on 127.0.0.1 (free ports unless --port is given);
 *   3. the writer publishes a new story, and the example asks both replicas for its related
 *      stories until they answer (NOTIFY brings it in milliseconds); then it deletes the story and
 *      waits until both answer 404.
 *
 * Routes: `GET /related/:id?k=5` → 200 `{ id, replica, related: [{ id, title, score }] }`;
 * an unknown id → 404 `{ error: { code: "NOT_FOUND", message } }`; `GET /health` → replica stats.
 */
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import pg from 'pg'
import { RelatedArticlesError } from '../src/index.js' // in your project: from 'related-articles'
import { PostgresReplica, migrate } from '../src/postgres/index.js' // in your project: from 'related-articles/postgres'
import { readArticles } from './lib/articles.js'

const SCHEMA = 'related_articles_example'

/** One replica behind its own HTTP server. */
interface Service {
  name: string
  replica: PostgresReplica
  server: Server
  url: string
}

/** `GET /related/:id` and `GET /health`, answered from the replica's index. */
function serve(name: string, replica: PostgresReplica, port: number): Promise<Service> {
  const server = createServer((req, res) => {
    const send = (status: number, body: unknown): void => {
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' })
      res.end(JSON.stringify(body))
    }
    const url = new URL(req.url ?? '/', 'http://127.0.0.1')
    const match = /^\/related\/([^/]+)$/.exec(url.pathname)
    try {
      if (req.method === 'GET' && url.pathname === '/health') return send(200, { replica: name, ...replica.stats })
      if (req.method !== 'GET' || match === null) return send(404, { error: { code: 'NO_ROUTE', message: `no route for ${req.method} ${url.pathname}` } })
      const id = decodeURIComponent(match[1] as string)
      const k = Number(url.searchParams.get('k') ?? 5)
      const related = replica.index.related(id, { k }).map((r) => ({ id: r.id, title: replica.index.get(r.id)?.title, score: Number(r.score.toFixed(4)) }))
      return send(200, { id, replica: name, related })
    } catch (error) {
      if (error instanceof RelatedArticlesError) return send(error.code === 'NOT_FOUND' ? 404 : 400, { error: { code: error.code, message: error.message } })
      return send(500, { error: { code: 'INTERNAL', message: 'internal error' } })
    }
  })
  return new Promise((done) => {
    server.listen(port, '127.0.0.1', () => {
      const { port: actual } = server.address() as AddressInfo
      done({ name, replica, server, url: `http://127.0.0.1:${actual}` })
    })
  })
}

/** Asks a replica for `/related/:id` until the status is `status`; returns the body and the wait. */
async function poll(service: Service, id: string, status: number, started: number): Promise<{ body: unknown; ms: number }> {
  for (;;) {
    const res = await fetch(`${service.url}/related/${encodeURIComponent(id)}?k=3`)
    const body = await res.json()
    if (res.status === status) return { body, ms: Date.now() - started }
    if (Date.now() - started > 30_000) throw new Error(`${service.name} did not answer ${status} for ${id} within 30 s`)
    await new Promise((r) => setTimeout(r, 5))
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { keep: { type: 'boolean' }, port: { type: 'string' } } })
  const databaseUrl = process.env.DATABASE_URL
  if (!databaseUrl) {
    console.error('postgres-replicas: set DATABASE_URL (or run it with `bash .ci/with-postgres npx tsx examples/postgres-replicas.ts`)')
    process.exit(2)
  }
  const basePort = values.port === undefined ? 0 : Number(values.port)
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 2 })
  const services: Service[] = []
  try {
    // The writer: a table as a CMS might have it, migrated for replicas.
    await pool.query(`CREATE SCHEMA IF NOT EXISTS ${SCHEMA}`)
    await pool.query(`DROP TABLE IF EXISTS ${SCHEMA}.articles CASCADE`)
    await pool.query(`DROP TABLE IF EXISTS ${SCHEMA}.related_articles_snapshot_chunks, ${SCHEMA}.related_articles_snapshots CASCADE`)
    await pool.query(`CREATE TABLE ${SCHEMA}.articles (id text PRIMARY KEY, title text NOT NULL, body text NOT NULL, published_at timestamptz, source text)`)
    const mapping = { table: 'articles', schema: SCHEMA }
    await migrate(pool, mapping)
    const articles = readArticles()
    const [fresh, ...archive] = [articles[articles.length - 1]!, ...articles.slice(0, -1)]
    await pool.query(
      `INSERT INTO ${SCHEMA}.articles SELECT * FROM jsonb_to_recordset($1::jsonb) AS x(id text, title text, body text, "publishedAt" timestamptz, source text)`,
      [JSON.stringify(archive)],
    )
    console.log(`writer: ${archive.length} articles in ${SCHEMA}.articles`)

    // Replica 1 reads the rows and stores a snapshot; replica 2 starts from that snapshot.
    let t = Date.now()
    const first = await PostgresReplica.start({ connection: databaseUrl, mapping, from: 'rows' })
    services.push(await serve('replica 1', first, basePort === 0 ? 0 : basePort))
    console.log(`replica 1: ${services[0]!.url}, ${first.index.size} articles from rows in ${Date.now() - t} ms`)
    const saved = await first.saveSnapshot()
    console.log(`replica 1: stored snapshot ${saved.id} (${(saved.bytes / 1e6).toFixed(1)} MB)`)
    t = Date.now()
    const second = await PostgresReplica.start({ connection: databaseUrl, mapping, from: 'snapshot' })
    services.push(await serve('replica 2', second, basePort === 0 ? 0 : basePort + 1))
    console.log(`replica 2: ${services[1]!.url}, ${second.index.size} articles from the snapshot in ${Date.now() - t} ms`)

    // The writer publishes a story; both replicas answer for it once NOTIFY has brought it in.
    t = Date.now()
    await pool.query(`INSERT INTO ${SCHEMA}.articles (id, title, body, published_at, source) VALUES ($1, $2, $3, $4, $5)`, [
      fresh.id,
      fresh.title,
      fresh.body,
      fresh.publishedAt ?? null,
      fresh.source ?? null,
    ])
    console.log(`writer: published ${fresh.id} "${fresh.title}"`)
    for (const service of services) {
      const { body, ms } = await poll(service, fresh.id, 200, t)
      const related = (body as { related: { id: string; score: number }[] }).related
      console.log(`${service.name}: GET /related/${fresh.id} -> 200 within ${ms} ms: ${related.map((r) => `${r.id} (${r.score})`).join(', ')}`)
    }

    // A delete reaches every replica too.
    t = Date.now()
    await pool.query(`DELETE FROM ${SCHEMA}.articles WHERE id = $1`, [fresh.id])
    console.log(`writer: deleted ${fresh.id}`)
    for (const service of services) {
      const { ms } = await poll(service, fresh.id, 404, t)
      console.log(`${service.name}: GET /related/${fresh.id} -> 404 NOT_FOUND within ${ms} ms`)
    }
  } finally {
    for (const service of services) {
      await new Promise((done) => service.server.close(done))
      await service.replica.close()
    }
    if (!values.keep) await pool.query(`DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE`).catch(() => undefined)
    await pool.end()
  }
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((error: unknown) => {
    console.error(`postgres-replicas: ${error instanceof Error ? error.message : String(error)}`)
    process.exit(1)
  })
}
