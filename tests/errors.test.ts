import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { describe, expect, it } from 'vitest'
import { RelatedArticlesError, isRelatedArticlesError } from '../src/errors.js'
import { RelatedIndex } from '../src/ranking/related-index.js'

function thrownBy(run: () => unknown): unknown {
  try {
    run()
  } catch (error) {
    return error
  }
  throw new Error('expected a throw')
}

describe('isRelatedArticlesError and instanceof', () => {
  it('recognise the library errors and nothing else', () => {
    const error = thrownBy(() => new RelatedIndex().related('missing'))
    expect(isRelatedArticlesError(error)).toBe(true)
    expect(error instanceof RelatedArticlesError).toBe(true)
    expect(error instanceof Error).toBe(true)
    for (const other of [new Error('x'), new TypeError('x'), { code: 'NOT_FOUND', name: 'RelatedArticlesError' }, null, undefined, 'RelatedArticlesError', 7]) {
      expect(isRelatedArticlesError(other)).toBe(false)
      expect(other instanceof RelatedArticlesError).toBe(false)
    }
  })

  it('keep the brand out of enumerable and JSON views of the error', () => {
    const error = new RelatedArticlesError('NOT_FOUND', 'no such id', { id: 'a' })
    expect(Object.keys(error)).not.toContain('related-articles.RelatedArticlesError')
    expect(JSON.stringify(error)).not.toContain('related-articles')
  })
})

// A process can load the ESM and the CommonJS build at once (a CommonJS dependency requires the
// package while the application imports it): each has its own class.
const esmPath = fileURLToPath(new URL('../dist/index.js', import.meta.url))
const cjsPath = fileURLToPath(new URL('../dist/index.cjs', import.meta.url))
const built = existsSync(esmPath) && existsSync(cjsPath)
if (!built) console.warn('errors: cross-build checks skipped, no build in dist/ (run `npm run build` first)')

interface Build {
  RelatedIndex: typeof RelatedIndex
  RelatedArticlesError: typeof RelatedArticlesError
  isRelatedArticlesError: typeof isRelatedArticlesError
}

describe.skipIf(!built)('errors across the ESM and CommonJS builds in one process', () => {
  it('are instanceof, and pass isRelatedArticlesError of, either build', async () => {
    const esm = (await import(pathToFileURL(esmPath).href)) as Build
    const cjs = createRequire(import.meta.url)(cjsPath) as Build
    expect(esm.RelatedArticlesError).not.toBe(cjs.RelatedArticlesError)
    for (const [from, build] of [['esm', esm], ['cjs', cjs]] as const) {
      const error = thrownBy(() => new build.RelatedIndex().related('missing'))
      for (const check of [esm, cjs]) {
        expect(error instanceof check.RelatedArticlesError, `${from} error`).toBe(true)
        expect(check.isRelatedArticlesError(error), `${from} error`).toBe(true)
      }
      expect(isRelatedArticlesError(error)).toBe(true)
      expect(error instanceof RelatedArticlesError).toBe(true)
    }
  })
})
