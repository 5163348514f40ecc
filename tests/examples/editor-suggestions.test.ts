import { describe, expect, it } from 'vitest'
import { readArticles } from '../../examples/lib/articles.js'
import { DRAFT, suggestWhileWriting } from '../../examples/editor-suggestions.js'
import { RelatedIndex } from '../../src/index.js'
import { runExample } from './run.js'

describe('examples/editor-suggestions.ts', () => {
  const index = new RelatedIndex()
  index.addAll(readArticles())
  const steps = suggestWhileWriting(index, DRAFT)

  it('asks once for the headline and once after each sentence, three suggestions each', () => {
    expect(steps.map((s) => s.sentences)).toEqual([0, 1, 2, 3, 4])
    for (const step of steps) expect(step.suggestions).toHaveLength(3)
  })

  it('suggests only stories published before the draft (pastOnly)', () => {
    const draftTime = Date.parse(DRAFT.publishedAt)
    for (const r of steps.flatMap((s) => s.suggestions)) {
      expect(Date.parse(String(index.get(r.id)?.publishedAt))).toBeLessThanOrEqual(draftTime)
    }
  })

  it('settles on the coffee story once the draft names its countries and organisation', () => {
    const last = steps.at(-1)?.suggestions ?? []
    for (const r of last) expect(index.get(r.id)?.title).toMatch(/COFFEE|ICO/)
    expect(last.some((r) => r.reasons.sharedEntities.includes('International Coffee Organization'))).toBe(true)
  })

  it('leaves the index unchanged', () => {
    expect(index.size).toBe(292)
  })

  it('prints the headline, each added sentence and the suggestions after it', () => {
    const run = runExample('editor-suggestions.ts')
    expect(run.code).toBe(0)
    expect(run.stderr).toBe('')
    expect(run.stdout).toContain(`Headline: ${DRAFT.title}`)
    expect(run.stdout.match(/^ {2}Suggestions after /gm)).toHaveLength(5)
    for (const sentence of DRAFT.sentences) expect(run.stdout).toContain(`+ "${sentence}"`)
    expect(run.stdout.match(/^ {4}[123]\. \d\.\d{3} {2}\S/gm)).toHaveLength(15)
    expect(run.stdout).toContain('COFFEE')
  })
})
