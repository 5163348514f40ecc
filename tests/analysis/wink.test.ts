import { afterEach, describe, expect, it } from 'vitest'
import { createAnalyzer } from '../../src/analysis/index.js'
import { readTokens, setWinkLexiconGrowth, WINK_LEXICON_GROWTH, winkLexiconState } from '../../src/analysis/wink.js'
import { NEWS } from '../helpers/corpus.js'

afterEach(() => setWinkLexiconGrowth(WINK_LEXICON_GROWTH))

/** An article full of words no model knows: figures, codes and invented names. */
function novel(i: number): { title: string; body: string } {
  return {
    title: `Zorvath ${i} Quellmar visit Brastow-${i}`,
    body: `Minister Zorvath${i} met Quellmar${i} in Brastow ${i}. Exports of ${i},${100 + i} tonnes rose by ${i}.${i}%. Code tok0x${i.toString(16)} and Yelvinsk${i} agreed.`,
  }
}

describe('the shared wink instance', () => {
  it('learns new words and is replaced past its growth limit, so its memory stays bounded', () => {
    setWinkLexiconGrowth(50)
    const before = winkLexiconState().replacements
    let peak = 0
    for (let i = 0; i < 60; i++) {
      readTokens(novel(i).body)
      peak = Math.max(peak, winkLexiconState().learned)
    }
    expect(winkLexiconState().replacements).toBeGreaterThan(before)
    // Replaced on the read after it passed the limit: never more than the limit plus one text's words.
    expect(peak).toBeLessThanOrEqual(50 + 40)
  })

  it('analyses the same after a replacement as before it', () => {
    const articles = [...NEWS.map((a) => ({ title: a.title, body: a.body ?? '' })), ...Array.from({ length: 30 }, (_, i) => novel(i))]
    const first = articles.map((a) => createAnalyzer().analyze(a))
    setWinkLexiconGrowth(100)
    const before = winkLexiconState().replacements
    const again = articles.map((a) => createAnalyzer().analyze(a))
    expect(winkLexiconState().replacements).toBeGreaterThan(before)
    expect(again).toEqual(first)
  })
})
