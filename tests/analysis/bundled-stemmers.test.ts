import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { describe, expect, it } from 'vitest'
import { analyze } from '../../src/analysis/analyzer.js'
import { STEMMER_NAMES } from '../../src/analysis/stemmers.js'
import type { StemmerName } from '../../src/analysis/types.js'

// The published builds carry their own copy of natural's stemmer modules (natural is not
// installed with the package). The source imports natural itself, so equal analyses from the
// source and from both builds mean the bundled stemmers stem exactly as natural's do.
const esmPath = fileURLToPath(new URL('../../dist/index.js', import.meta.url))
const cjsPath = fileURLToPath(new URL('../../dist/index.cjs', import.meta.url))
const built = existsSync(esmPath) && existsSync(cjsPath)
if (!built) console.warn('bundled-stemmers: skipped, no build in dist/ (run `npm run build` first)')

const WORDS = [
  'running runner runs ran connection connected connecting generously happiness relational',
  'Regierungen Bundesländer Verhandlungen gesprochen Häuser',
  'gobiernos elecciones presidenta negociaciones ciudades',
  'gouvernements élections négociations présidentielle villes',
  'governi elezioni negoziati presidenziali città',
  'regeringen verkiezingen onderhandelingen steden',
  'regjeringene valgene forhandlingene byene',
  'governos eleições negociações presidenciais cidades',
  'правительства выборы переговоры президентские города',
  'regeringarna valen förhandlingarna städerna',
].join(' ')

type AnalyzeFn = typeof analyze

describe.skipIf(!built)('bundled stemmers in dist/', () => {
  it('analyse text exactly as natural does, for every stemmer, in the ESM and CJS builds', async () => {
    const esm = (await import(pathToFileURL(esmPath).href)) as { analyze: AnalyzeFn }
    const cjs = createRequire(import.meta.url)(cjsPath) as { analyze: AnalyzeFn }
    for (const stemmer of STEMMER_NAMES as readonly StemmerName[]) {
      const input = { title: 'Stemmer check', body: WORDS }
      const expected = analyze(input, { stemmer })
      expect(esm.analyze(input, { stemmer }), `ESM build, ${stemmer}`).toEqual(expected)
      expect(cjs.analyze(input, { stemmer }), `CJS build, ${stemmer}`).toEqual(expected)
    }
  })
})
