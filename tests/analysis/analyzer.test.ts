import { describe, expect, it } from 'vitest'
import {
  analyze,
  createAnalyzer,
  DEFAULT_ANALYZER_OPTIONS,
  DEFAULT_CLUTTER,
  DEFAULT_STOP_WORDS,
  type AnalyzerOptions,
} from '../../src/analysis/index.js'
import { getStemmer, STEMMER_NAMES } from '../../src/analysis/stemmers.js'
import { RelatedArticlesError } from '../../src/errors.js'

const analyzer = createAnalyzer()

function terms(title: string, body = ''): { title: Map<string, number>; body: Map<string, number> } {
  const result = analyzer.analyze({ title, body })
  return { title: result.title, body: result.body }
}

describe('index terms', () => {
  it('counts stems per field, lower-cased and stemmed with Porter by default', () => {
    const result = terms('Tariffs rise', 'Tariffs rose. The tariff is rising.')
    expect(result.title).toEqual(new Map([['tariff', 1], ['rise', 1]]))
    expect(result.body.get('tariff')).toBe(2)
    expect(result.body.get('rise')).toBe(1)
    expect(result.body.get('rose')).toBe(1)
  })

  it('drops stop words, including the news reporting verbs', () => {
    const { body } = terms('', 'The minister said that he would also resign, officials told reporters. Mr Smith says so.')
    for (const word of ['the', 'said', 'would', 'also', 'told', 'says', 'mr', 'he', 'that']) expect(body.has(word)).toBe(false)
    expect(body.has('minist')).toBe(true)
  })

  it('drops punctuation, symbols, URLs and e-mail addresses', () => {
    const { body } = terms('', 'Prices (up!) -- check https://example.com/a?b=c or mail desk@example.com #tag @user $ % &')
    expect([...body.keys()].sort()).toEqual(['check', 'mail', 'price'])
  })

  const figures = 'In 2025 the firm sold 155,221 bags at 5.93 mln, up 12 pct from 1987 and 12-13 July.'

  it('keeps numbers as terms by default: the same figure often names the same event', () => {
    const { body } = terms('', figures)
    for (const n of ['2025', '1987', '155,221', '5.93', '12']) expect(body.has(n)).toBe(true)
  })

  it.each([
    ['years', ['2025', '1987'], ['155,221', '5.93', '12', '12-13']],
    ['none', [], ['2025', '1987', '155,221', '5.93', '12']],
  ] as const)('keeps only the numbers the numbers option %s allows', (numbers, kept, dropped) => {
    const { body } = createAnalyzer({ numbers }).analyze({ title: '', body: figures })
    for (const n of kept) expect(body.has(n)).toBe(true)
    for (const n of dropped) expect(body.has(n)).toBe(false)
  })

  it('rejects an unknown numbers setting naming the option', () => {
    expect(() => createAnalyzer({ numbers: 'some' as never })).toThrow(/numbers must be one of 'all', 'years' or 'none'/)
  })

  it('keeps words that mix letters and digits', () => {
    const { body } = terms('', 'COVID-19 vaccines and G7 leaders')
    expect(body.has('covid-19')).toBe(true)
    expect(body.has('g7')).toBe(true)
  })

  it('folds diacritics in terms, so spellings with and without accents match', () => {
    expect(terms('', 'Łódź café').body).toEqual(terms('', 'Lodz cafe').body)
  })

  it('drops tokens shorter than minTermLength', () => {
    const long = createAnalyzer({ minTermLength: 4 })
    const { body } = long.analyze({ title: '', body: 'War in Gaza and the Kursk raid' })
    expect(body.has('war')).toBe(false)
    expect(body.has('gaza')).toBe(true)
  })

  it('drops words longer than 64 characters', () => {
    const { body } = terms('', `short ${'a'.repeat(65)} ${'b'.repeat(64)}`)
    expect(body.has('a'.repeat(65))).toBe(false)
    expect(body.has('b'.repeat(64))).toBe(true)
  })

  it('applies extra stop words case- and accent-insensitively', () => {
    const custom = createAnalyzer({ stopWords: [...DEFAULT_STOP_WORDS, 'Café'] })
    expect(custom.analyze({ title: '', body: 'The cafe and the CAFÉ opened' }).body.has('cafe')).toBe(false)
  })

  it('counts word tokens, stop words included, in wordCount', () => {
    expect(analyzer.analyze({ title: 'Two words', body: 'And three more, with punctuation!' }).wordCount).toBe(7)
  })

  it('maps each stem to its most frequent lower-case surface word', () => {
    const { surfaces } = analyzer.analyze({ title: 'Tariffs', body: 'Tariffs and tariffs, one tariff.' })
    expect(surfaces.get('tariff')).toBe('tariffs')
  })

  it('shows surfaces with their accents', () => {
    const { surfaces } = analyzer.analyze({ title: '', body: 'Talks in Łódź.' })
    expect(surfaces.get('lodz')).toBe('łódź')
  })

  it('reads HTML bodies as text', () => {
    const { body } = terms('', '<p>Central <b>bank</b> raises rates</p><script>tracking()</script>')
    expect([...body.keys()].sort()).toEqual(['bank', 'central', 'rais', 'rate'])
  })
})

describe('determinism', () => {
  it('gives an article the same analysis whatever was analysed before it', () => {
    // wink-nlp remembers "Obama's" as one word after reading "Obama's." (possessive, then
    // punctuation); the analysis must not depend on that history.
    const article = { title: "Obama's plan", body: "Obama's aides backed Obama's plan." }
    const fresh = createAnalyzer().analyze(article)
    const seasoned = createAnalyzer()
    seasoned.analyze({ title: "It was Obama's.", body: "The plan was Obama's, and the vote was Obama's: 'Obama's'..." })
    expect(seasoned.analyze(article)).toEqual(fresh)
    expect(fresh.body.get('obama')).toBe(2)
    expect(fresh.entities.map((e) => e.key)).toEqual(['obama'])
  })
})

describe('stemmer option', () => {
  const cases: [stemmer: AnalyzerOptions['stemmer'], word: string, stem: string][] = [
    ['porter', 'running', 'run'],
    ['lancaster', 'running', 'run'],
    ['none', 'running', 'running'],
    ['porter-fr', 'nationales', 'national'],
    ['porter-de', 'Häuser', 'haus'],
    ['porter-es', 'corriendo', 'corr'],
  ]
  it.each(cases)('%s stems "%s" to "%s"', (stemmer, word, stem) => {
    const { body } = createAnalyzer({ stemmer }).analyze({ title: '', body: word })
    expect([...body.keys()]).toEqual([stem])
  })

  it.each(STEMMER_NAMES.map((name) => [name]))('%s loads and returns lower-case stems', (name) => {
    const stem = getStemmer(name)
    for (const word of ['nations', 'running', 'universities', 'привет']) {
      const result = stem(word)
      expect(result.length).toBeGreaterThan(0)
      expect(result).toBe(result.toLowerCase())
    }
  })

  it('uses Porter unless told otherwise', () => {
    expect(createAnalyzer().options.stemmer).toBe('porter')
    expect(DEFAULT_ANALYZER_OPTIONS.stemmer).toBe('porter')
  })
})

describe('option validation', () => {
  const cases: [why: string, options: unknown, field: string][] = [
    ['an unknown option name', { stemer: 'porter' }, 'stemer'],
    ['an unknown stemmer', { stemmer: 'snowball' }, 'stemmer'],
    ['a clutter list that is not an array', { clutter: 'Advertisement' }, 'clutter'],
    ['a clutter entry of the wrong type', { clutter: ['ok', 42] }, 'clutter[1]'],
    ['an empty inline clutter phrase', { inlineClutter: [' '] }, 'inlineClutter[0]'],
    ['a demonym table that is an array', { demonyms: [] }, 'demonyms'],
    ['a demonym mapped to a non-string', { demonyms: { bavarian: 1 } }, 'demonyms.bavarian'],
    ['a negative lead length', { leadSentences: -1 }, 'leadSentences'],
    ['a fractional lead length', { leadSentences: 1.5 }, 'leadSentences'],
    ['a zero minimum term length', { minTermLength: 0 }, 'minTermLength'],
    ['a minimum term length that is a string', { minTermLength: '2' }, 'minTermLength'],
    ['stop words that are not strings', { stopWords: [null] }, 'stopWords[0]'],
    ['options that are not an object', 'porter', 'options'],
  ]
  it.each(cases)('rejects %s with INVALID_OPTION naming the option', (_why, options, field) => {
    let error: unknown
    try {
      createAnalyzer(options as AnalyzerOptions)
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(RelatedArticlesError)
    expect((error as RelatedArticlesError).code).toBe('INVALID_OPTION')
    expect((error as RelatedArticlesError).field).toBe(field)
    expect((error as RelatedArticlesError).message).toContain(field)
  })

  it('treats options set to undefined as defaults', () => {
    expect(createAnalyzer({ stemmer: undefined, clutter: undefined }).options).toEqual(DEFAULT_ANALYZER_OPTIONS)
  })

  it('accepts a custom clutter list', () => {
    const custom = createAnalyzer({ clutter: [...DEFAULT_CLUTTER, 'Site footer'] })
    expect(custom.normalize('Text.\nSite footer\nAdvertisement')).toBe('Text.')
  })
})

describe('input validation', () => {
  const cases: [why: string, input: unknown, field: string][] = [
    ['a missing title', { body: 'x' }, 'title'],
    ['a numeric title', { title: 1, body: 'x' }, 'title'],
    ['a null body', { title: 'x', body: null }, 'body'],
    ['tags that are a string', { title: 'x', body: 'y', tags: 'Ukraine' }, 'tags'],
    ['a tag that is not a string', { title: 'x', body: 'y', tags: ['a', 'b', 3] }, 'tags[2]'],
    ['an entity that is not a string', { title: 'x', body: 'y', entities: [{}] }, 'entities[0]'],
    ['an article that is not an object', 'just text', 'article'],
    ['a null article', null, 'article'],
  ]
  it.each(cases)('rejects %s with INVALID_ARTICLE naming the field', (_why, input, field) => {
    expect(() => analyzer.analyze(input as never)).toThrow(RelatedArticlesError)
    try {
      analyzer.analyze(input as never)
    } catch (e) {
      expect((e as RelatedArticlesError).code).toBe('INVALID_ARTICLE')
      expect((e as RelatedArticlesError).field).toBe(field)
      expect((e as RelatedArticlesError).message.startsWith(field)).toBe(true)
    }
  })

  it('names the article id when the input has one', () => {
    expect(() => analyzer.analyze({ id: 'a-1', title: 'x', body: 5 } as never)).toThrow(/body \(article "a-1"\) must be a string, got number 5/)
  })
})

describe('the analyze convenience function', () => {
  it('gives the same result as a default analyzer', () => {
    const input = { title: 'Lavrov visits Pyongyang', body: 'Sergey Lavrov arrived in North Korea on Saturday.' }
    expect(analyze(input)).toEqual(createAnalyzer().analyze(input))
  })

  it('accepts options', () => {
    expect([...analyze({ title: '', body: 'running' }, { stemmer: 'none' }).body.keys()]).toEqual(['running'])
  })
})
