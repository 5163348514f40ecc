/**
 * Time and tags are context: they reorder stories that share content, and must never lift an
 * article that shares nothing else with the query. Sections filter; they do not score.
 */
import { describe, expect, it } from 'vitest'
import { RANKING_DEFAULTS, RelatedIndex, type Article } from '../../src/index.js'
import { typedError } from '../robustness/helpers.js'

const QUERY: Article = {
  id: 'q',
  title: 'Floods in Jakarta force thousands from their homes',
  body: 'Heavy monsoon rain flooded large parts of Jakarta on Monday, forcing thousands of residents from their homes as rivers burst their banks. Rescue teams used rubber boats to reach families trapped on rooftops.',
  publishedAt: '2025-01-06T08:00:00Z',
  section: 'World',
  tags: ['Indonesia', 'Floods'],
}
const SAME_STORY: Article = {
  id: 'same-story',
  title: 'Jakarta flood waters recede as residents return home',
  body: 'Flood waters in Jakarta began to recede on Wednesday and residents returned to homes damaged by the monsoon rain. Rescue teams had used rubber boats to evacuate thousands after rivers burst their banks.',
  publishedAt: '2025-02-20T08:00:00Z',
  section: 'Asia',
}
const UNRELATED_SAME_DAY: Article = {
  id: 'tennis',
  title: 'Top seed wins opening match in Adelaide',
  body: 'The top seed won her opening match in Adelaide in straight sets, serving well through a rain delay ahead of the Australian Open next week, as thousands watched.',
  publishedAt: '2025-01-06T09:00:00Z',
  section: 'World',
  tags: ['Tennis'],
}

function build(options: ConstructorParameters<typeof RelatedIndex>[0] = {}): RelatedIndex {
  const index = new RelatedIndex(options)
  index.addAll([QUERY, SAME_STORY, UNRELATED_SAME_DAY])
  return index
}

describe('context signals', () => {
  it('a shared section and the same day do not lift a story that shares no content', () => {
    for (const contextGate of [0.25, 0.5, 1]) {
      const index = build({ weights: { time: 1, tags: 1 }, contextGate })
      const results = index.related('q', { foldDuplicates: false })
      const tennis = results.find((r) => r.id === 'tennis')
      const sameStory = results.find((r) => r.id === 'same-story')
      expect(sameStory).toBeDefined()
      // Context earns weight in proportion to content: with content c, time and tags (weights
      // summing to W) can raise the score at most to c · (1 + W / gate), and to 0 when c is 0.
      expect(tennis).toBeDefined()
      const { text, time, tags } = (tennis as NonNullable<typeof tennis>).signals
      expect(text.value).toBeGreaterThan(0)
      expect(tennis?.score).toBeLessThanOrEqual(text.value * (1 + 2 / contextGate) + 1e-12)
      expect(time.weight + tags.weight).toBeLessThanOrEqual((2 * text.value) / contextGate + 1e-12)
      expect(tennis?.score).toBeLessThan((sameStory as { score: number }).score)
    }
  })

  it('without a gate, closeness in time alone lifts an unrelated story (what the gate prevents)', () => {
    const ungated = build({ weights: { time: 1 }, contextGate: 0 }).related('q', { foldDuplicates: false })
    const gated = build({ weights: { time: 1 }, contextGate: 1 }).related('q', { foldDuplicates: false })
    const score = (rs: typeof gated, id: string): number => rs.find((r) => r.id === id)?.score ?? 0
    expect(score(ungated, 'tennis')).toBeGreaterThan(score(gated, 'tennis'))
    expect(score(gated, 'tennis')).toBeLessThan(score(gated, 'same-story'))
  })

  it('a section the candidate does not share never lowers it: sections do not score', () => {
    const withSections = build({ weights: { time: 0 } }).related('q', { foldDuplicates: false })
    const noSections = new RelatedIndex({ weights: { time: 0 } })
    noSections.addAll([QUERY, SAME_STORY, UNRELATED_SAME_DAY].map(({ section: _s, ...a }) => a))
    const plain = noSections.related('q', { foldDuplicates: false })
    expect(withSections.map((r) => [r.id, r.score])).toEqual(plain.map((r) => [r.id, r.score]))
  })

  it('tags count only when both articles have tags, and every contributing signal shows in reasons', () => {
    const index = build({ weights: { tags: 1, time: 0 } })
    for (const r of index.related('q', { foldDuplicates: false })) {
      const article = index.get(r.id) as Article
      if (article.tags === undefined) expect(r.signals.tags.weight).toBe(0)
      if (r.signals.tags.contribution > 0) expect(r.reasons.sharedTags.length).toBeGreaterThan(0)
      if (r.signals.time.contribution > 0) expect(r.reasons.daysApart).toBeDefined()
      const sum = Object.values(r.signals).reduce((s, x) => s + x.contribution, 0)
      expect(sum).toBeCloseTo(r.score, 12)
    }
  })

  it('an undated archive ranks the same whatever the time settings', () => {
    const undated = [QUERY, SAME_STORY, UNRELATED_SAME_DAY].map(({ publishedAt: _p, ...a }) => a)
    // Tags off: the gate also scales tags, and this pins down time alone.
    const a = new RelatedIndex({ weights: { time: 0, tags: 0 } })
    const b = new RelatedIndex({ weights: { time: 1, tags: 0 }, timeDecay: 'hyperbolic', contextGate: 0 })
    a.addAll(undated)
    b.addAll(undated)
    expect(b.related('q').map((r) => [r.id, r.score])).toEqual(a.related('q').map((r) => [r.id, r.score]))
  })

  it('RANKING_DEFAULTS has the shape of the options and can be passed whole', () => {
    const index = new RelatedIndex(RANKING_DEFAULTS)
    index.addAll([QUERY, SAME_STORY])
    const plain = new RelatedIndex()
    plain.addAll([QUERY, SAME_STORY])
    expect(index.related('q').map((r) => [r.id, r.score])).toEqual(plain.related('q').map((r) => [r.id, r.score]))
    expect(RANKING_DEFAULTS.weights.text).toBe(1)
  })

  it('rejects a bad timeDecay or contextGate, naming the option', () => {
    expect(typedError(() => new RelatedIndex({ timeDecay: 'linear' as never }))).toMatchObject({ code: 'INVALID_OPTION', field: 'timeDecay' })
    expect(typedError(() => new RelatedIndex({ contextGate: 2 }))).toMatchObject({ code: 'INVALID_OPTION', field: 'contextGate' })
    expect(typedError(() => build().related('q', { contextGate: -0.1 }))).toMatchObject({ code: 'INVALID_OPTION', field: 'contextGate' })
  })
})
