import { describe, expect, it } from 'vitest'
import { createAnalyzer, type Analysis } from '../../src/analysis/index.js'
import { loadSeedArticles, readSeedPage, SEED_IDS, SEED_SKIP_MESSAGE } from '../helpers/seed-page.js'

const page = readSeedPage()
const articles = loadSeedArticles()
if (page === undefined) console.warn(`Skipping seed-page analysis tests: ${SEED_SKIP_MESSAGE}.`)

const analyzer = createAnalyzer()
const analysed = new Map<string, Analysis>((articles ?? []).map((a) => [a.id, analyzer.analyze(a)]))

function named(id: string): string[] {
  const analysis = analysed.get(id)
  if (analysis === undefined) throw new Error(`no seed article ${id}`)
  return analysis.entities.flatMap((e) => [e.key, e.display])
}

describe.skipIf(page === undefined)('the seed news page', () => {
  it('splits into the main article and the three related stories', () => {
    expect(articles?.map((a) => a.id)).toEqual([...SEED_IDS])
    const lavrov = articles?.[0]
    expect(lavrov?.title).toBe('Lavrov in Pyongyang: Russia\'s urgent bid for more North Korean troops?')
    expect(lavrov?.body.startsWith("Russia's appeals to North Korea")).toBe(true)
    expect(articles?.[3]?.title.startsWith('Trump to Russia')).toBe(true)
  })

  const required: [id: string, entities: string[]][] = [
    ['lavrov', ['Sergey Lavrov', 'Pyongyang', 'North Korea', 'Russia', 'Ukraine', 'Kim Jong-un', 'Kursk']],
    ['tariffs', ['Donald Trump', 'Vladimir Putin', 'Nato', 'Mark Rutte', 'Russia', 'Ukraine']],
    ['zelensky', ['Volodymyr Zelensky', 'Yulia Svyrydenko', 'Denys Shmyhal', 'Ukraine']],
    ['syria', ['Syria', 'Sweida', 'Israel', 'Israel Katz', 'Druze']],
  ]
  it.each(required)('finds the named entities of the %s story', (id, expected) => {
    const found = named(id)
    for (const name of expected) expect(found).toContain(name)
  })

  it('puts Lavrov in the title and the lead, merged into his full name', () => {
    const lavrov = analysed.get('lavrov')?.entities.find((e) => e.key === 'sergey lavrov')
    expect(lavrov).toMatchObject({ display: 'Sergey Lavrov', inTitle: true, inLead: true, count: 3, firstPosition: 0 })
  })

  it('keeps titles out of names', () => {
    for (const analysis of analysed.values()) {
      for (const e of analysis.entities) expect(e.key).not.toMatch(/\b(president|minister|secretary general|foreign)\b/)
    }
  })

  it('removes the inline "Advertisement" and "More to follow" from the tariff story', () => {
    const tariffs = analysed.get('tariffs')
    expect(tariffs?.body.has('advertis')).toBe(false)
    expect(tariffs?.entities.some((e) => e.key === 'advertisement')).toBe(false)
    expect(analyzer.normalize(articles?.[3]?.body ?? '')).not.toMatch(/Advertisement|More to follow/)
  })

  describe('analysed whole, as one raw page', () => {
    const whole = analyzer.analyze({ title: '', body: page ?? '' })
    const clutter = ['advertis', 'advertisement', 'hashtag', 'hashtags', 'comment', 'comments']

    it.each(clutter)('has no "%s" term or entity', (word) => {
      expect(whole.body.has(word)).toBe(false)
      expect(whole.entities.some((e) => e.key === word)).toBe(false)
    })

    it('keeps the story and drops the page\'s own "Related Articles" box', () => {
      // The box holds teasers of other stories; their entities must not become the page's.
      const keys = whole.entities.map((e) => e.key)
      for (const key of ['sergey lavrov', 'kim jong-un']) expect(keys).toContain(key)
      expect(keys).not.toContain('sweida')
    })

    it('explains the cut: the story lines stay, and the box from "Hashtags" on is removed as furniture', () => {
      const { text, removed } = analyzer.normalize(page ?? '', { explain: true })
      const lines = (page ?? '').split('\n')
      const storyLines = lines.map((line, i) => ({ line: i + 1, text: line.trim() })).filter((l) => l.text.length > 300)
      expect(storyLines.length).toBeGreaterThan(0)
      // Only the main story's paragraph precedes the box; the teasers' leads are inside it.
      const firstStory = storyLines[0] as { line: number; text: string }
      expect(text).toContain(firstStory.text)
      expect(removed.some((r) => r.line === firstStory.line)).toBe(false)
      const heading = removed.find((r) => r.text === 'Hashtags')
      expect(heading?.kind).toBe('trailing')
      expect(removed.filter((r) => r.line > (heading?.line ?? Infinity)).length).toBeGreaterThan(10)
    })

    it('drops the timestamps and "Try our AI features" promotion', () => {
      const text = analyzer.normalize(page ?? '')
      expect(text).not.toMatch(/hours ago|Try Our AI Features|Explore what|No comments yet|Related Articles/)
      expect(text).not.toMatch(/^- South China Morning Post$/m)
    })
  })
})
