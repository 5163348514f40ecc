import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { describe, expect, it } from 'vitest'

// The built entry points, without a database: related-articles/postgres must share the core of
// related-articles (one RelatedIndex class per build), and the core must not load pg.
const dist = (name: string): string => fileURLToPath(new URL(`../../dist/${name}`, import.meta.url))
const built = ['index.js', 'index.cjs', 'postgres.js', 'postgres.cjs'].every((name) => existsSync(dist(name)))
if (!built) console.warn('postgres exports: skipped, no build in dist/ (run `npm run build` first)')

interface Core {
  RelatedIndex: new () => { related(id: string): unknown }
  RelatedArticlesError: abstract new (...args: never[]) => Error
}
interface Postgres {
  PostgresReplica: { start(options: unknown): Promise<unknown> }
  PostgresSyncError: abstract new (...args: never[]) => Error
  migrate: unknown
  pruneChanges: unknown
}

describe.skipIf(!built)('the related-articles/postgres entry in dist/', () => {
  it('is declared in package.json with types for import and require', () => {
    const pkg = JSON.parse(readFileSync(fileURLToPath(new URL('../../package.json', import.meta.url)), 'utf8'))
    expect(pkg.exports['./postgres']).toEqual({
      import: { types: './dist/postgres.d.ts', default: './dist/postgres.js' },
      require: { types: './dist/postgres.d.cts', default: './dist/postgres.cjs' },
    })
    expect(pkg.peerDependenciesMeta.pg).toEqual({ optional: true })
    expect(pkg.dependencies.pg).toBeUndefined()
  })

  it('shares the core with the main entry in both builds, so option errors are the core build’s own class', async () => {
    const esm = (await import(pathToFileURL(dist('index.js')).href)) as Core
    const esmPg = (await import(pathToFileURL(dist('postgres.js')).href)) as Postgres
    const require = createRequire(import.meta.url)
    const cjs = require(dist('index.cjs')) as Core
    const cjsPg = require(dist('postgres.cjs')) as Postgres
    for (const [core, pg] of [
      [esm, esmPg],
      [cjs, cjsPg],
    ] as const) {
      expect(typeof pg.migrate).toBe('function')
      expect(typeof pg.pruneChanges).toBe('function')
      const error = await pg.PostgresReplica.start({ connection: 'postgres://x@127.0.0.1:1/x', mapping: { table: 'a' }, batchSize: 0 }).catch((e: unknown) => e)
      // Thrown by the shared chunk: the very class the main entry exports, not only brand-equal.
      expect(Object.getPrototypeOf(error)).toBe(core.RelatedArticlesError.prototype)
    }
  })

  it('loads pg only from the postgres entry, never from the main entry or the shared chunks', () => {
    const files = readdirSync(fileURLToPath(new URL('../../dist/', import.meta.url))).filter((f) => /\.c?js$/.test(f) && !f.startsWith('postgres.'))
    expect(files).toContain('index.js')
    for (const name of files) {
      const code = readFileSync(dist(name), 'utf8')
      expect(code, name).not.toMatch(/from ["']pg["']|require\(["']pg["']\)/)
    }
  })
})
