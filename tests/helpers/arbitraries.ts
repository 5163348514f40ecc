import fc from 'fast-check'

/** Words from real news vocabulary, so analysis yields real stems. */
export const NEWS_WORDS = [
  'ceasefire', 'talks', 'troops', 'minister', 'election', 'tariffs', 'inflation', 'rates', 'wildfire',
  'evacuated', 'drones', 'sanctions', 'parliament', 'budget', 'strike', 'border', 'refugees', 'vaccine',
  'market', 'shares', 'oil', 'prices', 'court', 'ruling', 'protest', 'police', 'storm', 'flood',
]

/** Names that analysis turns into entities. */
export const NEWS_NAMES = ['Russia', 'Ukraine', 'Vladimir Putin', 'Kyiv', 'Marseille', 'Andrew Bailey', 'North Korea', 'Nato', 'Istanbul']

/** A news-like sentence: a name, then two to eight words drawn from `words`. */
export function newsSentence(words: readonly string[] = NEWS_WORDS): fc.Arbitrary<string> {
  return fc
    .tuple(fc.constantFrom(...NEWS_NAMES), fc.array(fc.constantFrom(...words), { minLength: 2, maxLength: 8 }))
    .map(([name, chosen]) => `${name} ${chosen.join(' ')}.`)
}
