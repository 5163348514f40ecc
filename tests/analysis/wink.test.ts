import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { createAnalyzer } from '../../src/analysis/index.js'
import { LEXICON_GROWTH_LIMIT, readTokens, setLexiconGrowthLimit, winkLexicon } from '../../src/analysis/wink.js'
import type { Article } from '../../src/article.js'
import { projectRoot } from '../../benchmarks/lib/paths.js'

/**
 * wink adds every word it has not met to its instance's lexicon for good, so the analysis
 * replaces the instance once the lexicon has grown past a limit. And wink's tokeniser consults
 * that lexicon to split words with periods and hyphens: an all-caps "U.S. GRAIN" headline read
 * after a story that added "U.S" split as "U.S", "."; the analysis takes such words out of the
 * lookup again. So an article's analysis must not depend on what the process read before it.
 */

const sample: Article[] = readFileSync(resolve(projectRoot, 'examples/data/reuters-sample.jsonl'), 'utf8')
  .split('\n')
  .filter((line) => line.trim() !== '')
  .map((line) => JSON.parse(line) as Article)

afterEach(() => setLexiconGrowthLimit(undefined))

describe('the wink instance', () => {
  it('is replaced once its lexicon grows past the limit', () => {
    setLexiconGrowthLimit(200)
    const { instances } = winkLexicon()
    const analyzer = createAnalyzer()
    for (const article of sample) analyzer.analyze(article)
    // Past twenty: the shipped custom-entity loader failed on the twentieth instance of a process.
    expect(winkLexicon().instances - instances).toBeGreaterThan(20)
  })

  it('analyses an article alike whatever the process read before', () => {
    setLexiconGrowthLimit(Infinity)
    const kept = createAnalyzer()
    const expected = sample.map((a) => kept.analyze(a))
    // Reading the sample grows the lexicon by thousands of words: names, figures, tickers.
    expect(winkLexicon().growth).toBeGreaterThan(1000)

    // The other way round, with a fresh instance every 200 words (this history split two
    // headlines differently before the analysis forgot the words with periods).
    setLexiconGrowthLimit(200)
    const renewed = createAnalyzer()
    const reversed = [...sample].reverse().map((a) => renewed.analyze(a)).reverse()
    expect(reversed).toEqual(expected)

    // A fresh instance for each of the first 30 articles.
    setLexiconGrowthLimit(0)
    const fresh = createAnalyzer()
    expect(sample.slice(0, 30).map((a) => fresh.analyze(a))).toEqual(expected.slice(0, 30))
  })

  it('types a currency code alike whichever way a story wrote it first', () => {
    const pair = 'The dollar firmed in Tokyo, where EUR/USD fell to 1.0520 and USD/JPY rose to 151.20 in thin trade.'
    const alone = 'USD demand from Japanese investors lifted Treasuries on Tuesday, as USD funding costs eased.'
    const tags = (text: string): string[] => {
      const { values, pos } = readTokens(text)
      return values.map((v, i) => `${v}/${pos[i] as string}`)
    }
    setLexiconGrowthLimit(0)
    const freshPair = tags(pair)
    const freshAlone = tags(alone)
    // In a pair wink types "USD" as a currency (SYM), alone as a word (PROPN): neither may stick.
    expect(freshPair).toContain('USD/SYM')
    expect(freshAlone).toContain('USD/PROPN')
    setLexiconGrowthLimit(Infinity)
    tags(alone)
    expect(tags(pair)).toEqual(freshPair)
    expect(tags(alone)).toEqual(freshAlone)
  })

  it('keeps the lexicon within the limit plus one article', () => {
    setLexiconGrowthLimit(500)
    const analyzer = createAnalyzer()
    let most = 0
    for (const article of sample) {
      analyzer.analyze(article)
      most = Math.max(most, winkLexicon().growth)
    }
    // An article adds at most a few hundred words (its title and body, each read once).
    expect(most).toBeLessThan(500 + 1000)
    expect(LEXICON_GROWTH_LIMIT).toBeGreaterThan(500)
  })
})
