/**
 * PostgreSQL replicas: how long a new replica takes to answer its first query at 19,043 articles
 * (from the table's rows, and from a snapshot stored in the database), how long after an insert
 * commits the article is answerable on every one of three replicas, and the load the replicas
 * put on the database.
 *
 *   DATABASE_URL=postgres://… npx tsx benchmarks/postgres.ts [--runs 3] [--inserts 200] [--interval-ms 100]
 *   bash .ci/with-postgres npx tsx benchmarks/postgres.ts           # a throw-away local server
 *
 * Corpus: `reuters21578-all` from the shared data folder (RELATED_ARTICLES_DATA, default
 * ../shared/data). Every replica runs in its own Node process, started fresh, so the times include
 * Node's start and loading the language model, as for a replica a deploy starts. Baselines in the
 * same run: the same process building the index from a JSON Lines file, and loading a snapshot
 * file. Creates and drops the schema `related_articles_bench`. Writes benchmarks/results/postgres.json.
 */
import { spawn } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { cpus, platform, tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { performance } from 'node:perf_hooks'
import { parseArgs } from 'node:util'
import pg from 'pg'
import { RelatedIndex } from '../src/ranking/related-index.js'
import { migrate, PostgresReplica } from '../src/postgres/index.js'
import { loadDataset, type RankerArticle } from './lib/datasets.js'
import { projectRoot } from './lib/paths.js'

const SCHEMA = 'related_articles_bench'
const DATASET = 'reuters21578-all'
const RESULTS = resolve(projectRoot, 'benchmarks', 'results', 'postgres.json')
const MAPPING = { table: 'articles', schema: SCHEMA }
/** Wall-clock milliseconds comparable across processes on one machine. */
const now = (): number => performance.timeOrigin + performance.now()

type StartKind = 'rows' | 'snapshot' | 'file-rows' | 'file-snapshot'

interface FirstAnswer {
  kind: StartKind
  /** From the process's start to the first answer: what a deploy waits for. */
  processMs: number
  /** From the start call (connection, load, catch-up) to the first answer. */
  startMs: number
  articles: number
}

function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number
}
const median = (values: number[]): number => quantile(values, 0.5)
const round = (x: number, digits = 1): number => Number(x.toFixed(digits))

// ---------------------------------------------------------------------------------------------
// Children: one replica each.

async function childFirstAnswer(kind: StartKind, file: string | undefined, probe: string): Promise<void> {
  const t0 = now()
  let index: RelatedIndex
  let replica: PostgresReplica | undefined
  if (kind === 'file-rows') {
    index = new RelatedIndex()
    index.addAll(
      readFileSync(file as string, 'utf8')
        .split('\n')
        .filter((l) => l !== '')
        .map((l) => JSON.parse(l)),
    )
  } else if (kind === 'file-snapshot') {
    index = RelatedIndex.deserialize(readFileSync(file as string))
  } else {
    replica = await PostgresReplica.start({ connection: process.env.DATABASE_URL as string, mapping: MAPPING, from: kind, log: () => undefined })
    index = replica.index
  }
  index.related(probe, { k: 10 })
  const t1 = now()
  const result: FirstAnswer = { kind, processMs: round(performance.now()), startMs: round(t1 - t0), articles: index.size }
  process.stdout.write(`${JSON.stringify(result)}\n`)
  await replica?.close()
}

async function childFollower(name: string): Promise<void> {
  const replica = await PostgresReplica.start({
    connection: { connectionString: process.env.DATABASE_URL, application_name: `bench-replica-${name}` },
    mapping: MAPPING,
    from: 'snapshot',
    log: () => undefined,
    onChange: ({ upserted }) => {
      const applied = now()
      // Answerable: the first query for each new id has returned (it pays for refreshing idf and norms).
      for (const id of upserted) replica.index.related(id, { k: 10 })
      process.send?.({ type: 'applied', ids: upserted, applied, t: now() })
    },
  })
  process.send?.({ type: 'ready', articles: replica.index.size })
  process.on('message', (message: { type: string }) => {
    if (message.type !== 'stop') return
    const stats = replica.stats
    void replica.close().then(() => {
      process.send?.({ type: 'stats', stats: { queries: stats.queries, catchUps: stats.catchUps, applied: stats.applied } }, () => process.exit(0))
    })
  })
}

function runChild(args: string[], ipc = false) {
  return spawn(process.execPath, ['--import', 'tsx', join('benchmarks', 'postgres.ts'), '--child', ...args], {
    cwd: projectRoot,
    env: process.env,
    stdio: ipc ? ['ignore', 'pipe', 'inherit', 'ipc'] : ['ignore', 'pipe', 'inherit'],
  })
}

function firstAnswer(kind: StartKind, file: string, probe: string): Promise<FirstAnswer> {
  return new Promise((done, fail) => {
    const child = runChild([kind, file, probe])
    let out = ''
    child.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString()))
    child.on('exit', (code) => (code === 0 ? done(JSON.parse(out.trim().split('\n').at(-1) as string) as FirstAnswer) : fail(new Error(`child ${kind} exited ${code}`))))
  })
}

// ---------------------------------------------------------------------------------------------
// The parent: the writer and the measurements.

async function insertRows(pool: pg.Pool, articles: readonly RankerArticle[]): Promise<void> {
  for (let i = 0; i < articles.length; i += 2000) {
    await pool.query(
      `INSERT INTO ${SCHEMA}.articles (id, title, body, published_at, source)
       SELECT * FROM jsonb_to_recordset($1::jsonb) AS x(id text, title text, body text, "publishedAt" timestamptz, source text)`,
      [JSON.stringify(articles.slice(i, i + 2000))],
    )
  }
}

/** CPU time (user + system, ms) of the server processes serving the benchmark's replicas. */
async function replicaBackendCpuMs(pool: pg.Pool): Promise<number> {
  const { rows } = await pool.query<{ pid: number }>(`SELECT pid FROM pg_stat_activity WHERE application_name LIKE 'bench-replica-%'`)
  let ticks = 0
  for (const { pid } of rows) {
    try {
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? []
      ticks += Number(fields[11]) + Number(fields[12]) // utime, stime (fields 14 and 15 of stat)
    } catch {
      return NaN // not on Linux, or another machine's server
    }
  }
  return ticks * 10 // USER_HZ = 100 on Linux
}

async function databaseCounters(pool: pg.Pool): Promise<{ xacts: number; tuplesRead: number }> {
  await pool.query('SELECT pg_stat_clear_snapshot()')
  const { rows } = await pool.query<{ xacts: string; read: string }>(
    `SELECT xact_commit + xact_rollback AS xacts, tup_returned + tup_fetched AS read FROM pg_stat_database WHERE datname = current_database()`,
  )
  return { xacts: Number(rows[0]?.xacts), tuplesRead: Number(rows[0]?.read) }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { runs: { type: 'string', default: '3' }, inserts: { type: 'string', default: '200' }, 'interval-ms': { type: 'string', default: '100' } },
  })
  const runs = Number(values.runs)
  const inserts = Number(values.inserts)
  const intervalMs = Number(values['interval-ms'])
  if (!process.env.DATABASE_URL) {
    console.log('postgres benchmark skipped: DATABASE_URL is not set (run it with `bash .ci/with-postgres npx tsx benchmarks/postgres.ts`)')
    return
  }
  const loaded = await loadDataset(DATASET)
  if (loaded.dataset === undefined) {
    console.log(loaded.message)
    return
  }
  const articles = loaded.dataset.articles
  const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 2 })
  const { rows: version } = await pool.query<{ v: string }>("SELECT current_setting('server_version') AS v")
  console.log(`${DATASET}: ${articles.length} articles; ${cpus().length} × ${cpus()[0]?.model}, ${platform()}, Node ${process.version}, PostgreSQL ${version[0]?.v} on loopback`)
  const tmp = mkdtempSync(join(tmpdir(), 'related-articles-bench-'))
  try {
    await pool.query(`DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE`)
    await pool.query(`CREATE SCHEMA ${SCHEMA}`)
    await pool.query(`CREATE TABLE ${SCHEMA}.articles (id text PRIMARY KEY, title text NOT NULL, body text NOT NULL, published_at timestamptz, source text)`)
    await migrate(pool, MAPPING)
    const held = articles.slice(articles.length - inserts)
    await insertRows(pool, articles.slice(0, articles.length - inserts))

    // 1. Three replicas from a stored snapshot; inserts one at a time; when is each answerable everywhere?
    const seed = await PostgresReplica.start({ connection: process.env.DATABASE_URL, mapping: MAPPING, from: 'rows', log: () => undefined })
    await seed.saveSnapshot()
    await seed.close()
    const followers = ['a', 'b', 'c'].map((name) => runChild(['follower', name], true))
    /** Per id, when each replica answered its first query for it, and when it was in the index. */
    const applied = new Map<string, number[]>()
    const inIndex = new Map<string, number[]>()
    const statsOf: { queries: number; catchUps: number; applied: number }[] = []
    await Promise.all(
      followers.map(
        (child) =>
          new Promise<void>((ready) =>
            child.on('message', (m: { type: string; ids?: string[]; t?: number; applied?: number; stats?: { queries: number; catchUps: number; applied: number } }) => {
              if (m.type === 'ready') ready()
              if (m.type === 'applied') {
                for (const id of m.ids ?? []) {
                  applied.set(id, [...(applied.get(id) ?? []), m.t as number])
                  inIndex.set(id, [...(inIndex.get(id) ?? []), m.applied as number])
                }
              }
              if (m.type === 'stats') statsOf.push(m.stats as { queries: number; catchUps: number; applied: number })
            }),
          ),
      ),
    )
    console.log(`3 replicas ready; inserting ${inserts} articles one per ${intervalMs} ms`)
    const committed = new Map<string, number>()
    const cpuBefore = await replicaBackendCpuMs(pool)
    const dbBefore = await databaseCounters(pool)
    for (const article of held) {
      await insertRows(pool, [article])
      committed.set(article.id, now())
      await new Promise((r) => setTimeout(r, intervalMs))
    }
    const deadline = Date.now() + 30_000
    while ([...committed.keys()].some((id) => (applied.get(id)?.length ?? 0) < 3) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50))
    const cpuAfter = await replicaBackendCpuMs(pool)
    const dbAfter = await databaseCounters(pool)
    await Promise.all(
      followers.map((child) => new Promise<void>((exited) => (child.on('exit', () => exited()), child.send({ type: 'stop' })))),
    )
    const everywhere: number[] = []
    const each: number[] = []
    const stored: number[] = []
    for (const [id, t] of committed) {
      const times = applied.get(id) ?? []
      if (times.length < 3) throw new Error(`${id} did not reach all three replicas within 30 s`)
      everywhere.push(Math.max(...times) - t)
      for (const x of times) each.push(x - t)
      for (const x of inIndex.get(id) ?? []) stored.push(x - t)
    }
    const insertLatency = {
      inserts,
      intervalMs,
      everyReplicaMs: { p50: round(median(everywhere)), p95: round(quantile(everywhere, 0.95)), max: round(Math.max(...everywhere)) },
      eachReplicaMs: { p50: round(median(each)), p95: round(quantile(each, 0.95)) },
      /** Commit to the article being in a replica's index, before the first query for it. */
      inIndexMs: { p50: round(median(stored)), p95: round(quantile(stored, 0.95)) },
    }
    const load = {
      queriesPerInsertPerReplica: round(statsOf.reduce((s, x) => s + x.queries, 0) / statsOf.length / inserts, 2),
      catchUpsPerInsertPerReplica: round(statsOf.reduce((s, x) => s + x.catchUps, 0) / statsOf.length / inserts, 2),
      replicaBackendCpuMsPerInsert: round((cpuAfter - cpuBefore) / inserts, 2),
      databaseTransactionsPerInsert: round((dbAfter.xacts - dbBefore.xacts) / inserts, 1),
      databaseTuplesReadPerInsert: round((dbAfter.tuplesRead - dbBefore.tuplesRead) / inserts, 1),
    }
    console.log(`insert → answerable on all 3 replicas: p50 ${insertLatency.everyReplicaMs.p50} ms, p95 ${insertLatency.everyReplicaMs.p95} ms (each replica: p50 ${insertLatency.eachReplicaMs.p50} ms; in the index: p50 ${insertLatency.inIndexMs.p50} ms, p95 ${insertLatency.inIndexMs.p95} ms)`)
    console.log(`database load per insert: ${JSON.stringify(load)}`)

    // 2. Time to first answer at the full size, from rows and from a stored snapshot, each in a new process.
    const full = await PostgresReplica.start({ connection: process.env.DATABASE_URL, mapping: MAPPING, from: 'rows', log: () => undefined })
    const tSave = now()
    const saved = await full.saveSnapshot()
    const saveMs = now() - tSave
    const snapshotFile = join(tmp, 'archive.snapshot')
    writeFileSync(snapshotFile, full.index.serialize())
    await full.close()
    const jsonl = join(tmp, 'articles.jsonl')
    writeFileSync(jsonl, articles.map((a) => JSON.stringify(a)).join('\n'))
    const probe = articles[0]?.id as string
    const firsts: Record<StartKind, FirstAnswer[]> = { rows: [], snapshot: [], 'file-rows': [], 'file-snapshot': [] }
    for (let run = 0; run < runs; run++) {
      // Interleaved, so machine noise falls on all four alike.
      for (const kind of ['file-snapshot', 'snapshot', 'file-rows', 'rows'] as const) {
        const r = await firstAnswer(kind, kind === 'file-rows' ? jsonl : snapshotFile, probe)
        if (r.articles !== articles.length) throw new Error(`${kind} holds ${r.articles} articles, expected ${articles.length}`)
        firsts[kind].push(r)
        console.log(`  run ${run + 1} ${kind}: first answer ${r.processMs} ms after the process started (${r.startMs} ms in start)`)
      }
    }
    const summary = Object.fromEntries(
      Object.entries(firsts).map(([kind, list]) => [kind, { processMsMedian: median(list.map((r) => r.processMs)), startMsMedian: median(list.map((r) => r.startMs)) }]),
    ) as Record<StartKind, { processMsMedian: number; startMsMedian: number }>
    const result = {
      dataset: DATASET,
      articles: articles.length,
      machine: `${cpus().length} × ${cpus()[0]?.model}`,
      node: process.version,
      postgres: version[0]?.v,
      runs,
      firstAnswer: summary,
      ratios: {
        rowsOverFileBuild: round(summary.rows.processMsMedian / summary['file-rows'].processMsMedian, 2),
        snapshotOverFileSnapshot: round(summary.snapshot.processMsMedian / summary['file-snapshot'].processMsMedian, 2),
        rowsOverSnapshot: round(summary.rows.processMsMedian / summary.snapshot.processMsMedian, 1),
      },
      snapshot: { bytes: saved.bytes, saveMs: round(saveMs) },
      insertLatency,
      load,
      measuredAt: new Date().toISOString(),
    }
    console.log(JSON.stringify(result, null, 2))
    mkdirSync(resolve(projectRoot, 'benchmarks', 'results'), { recursive: true })
    writeFileSync(RESULTS, `${JSON.stringify(result, null, 2)}\n`)
  } finally {
    await pool.query(`DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE`).catch(() => undefined)
    await pool.end()
    rmSync(tmp, { recursive: true, force: true })
  }
}

const argv = process.argv.slice(2)
if (argv[0] === '--child') {
  const [, role, a, b] = argv
  const run = role === 'follower' ? childFollower(a as string) : childFirstAnswer(role as StartKind, a, b as string)
  run.catch((error: unknown) => {
    console.error(error)
    process.exit(1)
  })
} else {
  main().catch((error: unknown) => {
    console.error(error)
    process.exit(1)
  })
}
