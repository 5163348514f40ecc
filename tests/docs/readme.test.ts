import { describe, expect, it } from 'vitest'
import { describeDrift, exampleRegions, findDrift } from '../../scripts/docs-examples.js'

// The README's command-line output and the TSDoc examples' printed scores are generated from the
// bundled sample by `npm run docs:examples`; this fails, listing each differing line, when a
// change to the ranking leaves them behind.
describe('documented example outputs', () => {
  it('match what the code prints now (run npm run docs:examples to update them)', async () => {
    const drift = await findDrift()
    expect(drift, `\n${describeDrift(drift)}`).toEqual([])
  })

  it('cover the README command-line table and the doc comments that print scores', async () => {
    const regions = await exampleRegions()
    expect(regions.map((r) => r.file).sort()).toEqual(['README.md', 'src/ranking/related-index.ts', 'src/ranking/result.ts'])
    const table = regions.find((r) => r.file === 'README.md')?.expected ?? []
    // A header, a rule and three ranked rows with scores.
    expect(table.filter((l) => /^#\s+\d\s+0\.\d{3}\s/.test(l))).toHaveLength(3)
  })
})
