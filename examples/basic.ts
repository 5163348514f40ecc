/**
 * The smallest useful program: index a handful of articles, ask for related stories, print them.
 * Run with `npx tsx examples/basic.ts`.
 */
import { RelatedIndex } from '../src/index.js' // in your project: from 'related-articles'

const index = new RelatedIndex()
index.addAll([
  {
    id: 'talks-open',
    title: 'Ukraine and Russia open ceasefire talks in Istanbul',
    body: 'Ukrainian and Russian delegations met in Istanbul for the first direct talks in three years. Volodymyr Zelensky said Kyiv wanted a full ceasefire.',
    publishedAt: '2025-05-16T10:00:00Z',
    tags: ['Ukraine war'],
  },
  {
    id: 'talks-end',
    title: 'Istanbul talks end with prisoner swap but no ceasefire',
    body: 'Talks between Ukraine and Russia in Istanbul ended with an agreement to exchange 1,000 prisoners each, but no ceasefire, Zelensky said.',
    publishedAt: '2025-05-16T18:00:00Z',
    tags: ['Ukraine war'],
  },
  {
    id: 'boe-cut',
    title: 'Bank of England cuts interest rates to 4.25%',
    body: 'The Bank of England cut interest rates by a quarter point as inflation eased. Governor Andrew Bailey said future cuts would be gradual.',
    publishedAt: '2025-05-08T12:00:00Z',
    tags: ['Interest rates'],
  },
  {
    id: 'drones',
    title: 'Russian drones strike Kyiv overnight',
    body: 'Russia launched more than 100 drones at Ukraine overnight, officials in Kyiv said. Ukrainian air defences shot down most of them.',
    publishedAt: '2025-05-18T06:00:00Z',
    tags: ['Ukraine war'],
  },
])

// Up to three stories; the rate cut shares no names or words with the talks, so it is not listed.
// Prints:
//   talks-end  0.684  entities: Istanbul, Russia, Ukraine, Ukraine war  words: ceasefire, talks, zelensky
//   drones     0.565  entities: Russia, Ukraine, Kyiv, Ukraine war  words: russian, ukrainian
for (const r of index.related('talks-open', { k: 3 })) {
  console.log(`${r.id.padEnd(10)} ${r.score.toFixed(3)}  entities: ${r.reasons.sharedEntities.join(', ') || '-'}  words: ${r.reasons.sharedTerms.join(', ')}`)
}
