import type { Article } from '../../src/article.js'

/**
 * Short real news-style articles (written for these tests, not copied from any outlet) covering
 * a few stories, so rankings have clear right answers: two stories about Ukraine, two about
 * interest rates, one about a football transfer, one about a wildfire, with copies and updates.
 */
export const NEWS: Article[] = [
  {
    id: 'ukr-talks-1',
    title: 'Zelensky and Putin envoys meet in Istanbul for ceasefire talks',
    body: 'Ukrainian and Russian delegations met in Istanbul on Friday for the first direct ceasefire talks in three years. Volodymyr Zelensky said Kyiv wanted a full ceasefire, while the Kremlin said Vladimir Putin would not attend. Turkey hosted the talks at the Dolmabahce palace.',
    publishedAt: '2025-05-16T10:00:00Z',
    tags: ['Ukraine war'],
    section: 'World',
  },
  {
    id: 'ukr-talks-2',
    title: 'Istanbul talks end with prisoner swap deal but no ceasefire',
    body: 'Talks between Ukraine and Russia in Istanbul ended after less than two hours with an agreement to exchange 1,000 prisoners each, but no ceasefire. Zelensky called for tougher sanctions on Moscow if Putin keeps refusing a truce.',
    publishedAt: '2025-05-16T18:00:00Z',
    tags: ['Ukraine war', 'Diplomacy'],
    section: 'World',
  },
  {
    id: 'ukr-drone',
    title: 'Russian drones strike Kyiv overnight, killing four',
    body: 'Russia launched more than 100 drones at Ukraine overnight, officials in Kyiv said, killing four people and damaging apartment blocks. Ukrainian air defences shot down most of the drones, the air force said.',
    publishedAt: '2025-05-18T06:00:00Z',
    tags: ['Ukraine war'],
    section: 'World',
  },
  {
    id: 'rates-1',
    title: 'Bank of England cuts interest rates to 4.25%',
    body: 'The Bank of England cut interest rates by a quarter point to 4.25% on Thursday, its fourth cut since last summer, as inflation eased. Governor Andrew Bailey said future cuts would be gradual and careful, citing uncertainty over US tariffs.',
    publishedAt: '2025-05-08T12:00:00Z',
    tags: ['Interest rates'],
    section: 'Business',
  },
  {
    id: 'rates-2',
    title: 'Bailey warns tariffs cloud outlook after Bank of England rate cut',
    body: 'Andrew Bailey, governor of the Bank of England, warned that US tariffs had clouded the outlook for growth, a day after the central bank cut interest rates. Markets now expect two more cuts this year as inflation falls.',
    publishedAt: '2025-05-09T09:00:00Z',
    tags: ['Interest rates', 'Tariffs'],
    section: 'Business',
  },
  {
    id: 'rates-2-copy',
    title: 'Bailey warns tariffs cloud outlook after Bank of England rate cut',
    body: 'Andrew Bailey, governor of the Bank of England, warned that US tariffs had clouded the outlook for growth, a day after the central bank cut interest rates. Markets now expect two more cuts this year as inflation falls. Updated with market reaction.',
    publishedAt: '2025-05-09T11:00:00Z',
    tags: ['Interest rates'],
    section: 'Business',
  },
  {
    id: 'fed-hold',
    title: 'Federal Reserve holds interest rates steady as tariffs cloud outlook',
    body: 'The Federal Reserve left interest rates unchanged on Wednesday, with Jerome Powell saying higher tariffs risked pushing inflation up and unemployment higher. The Fed said uncertainty about the economic outlook had increased further.',
    publishedAt: '2025-05-07T18:00:00Z',
    tags: ['Interest rates'],
    section: 'Business',
  },
  {
    id: 'football-1',
    title: 'Liverpool agree record fee for Florian Wirtz',
    body: 'Liverpool have agreed a British record fee with Bayer Leverkusen for Germany midfielder Florian Wirtz. The Premier League champions will pay an initial 100 million pounds for the 22-year-old, who had also been wanted by Bayern Munich.',
    publishedAt: '2025-06-10T15:00:00Z',
    tags: ['Transfers'],
    section: 'Sport',
  },
  {
    id: 'fire-1',
    title: 'Wildfire forces thousands to evacuate near Marseille',
    body: 'A wildfire fanned by strong winds forced thousands of people to leave their homes near Marseille on Tuesday, French authorities said. Flights at Marseille airport were suspended as firefighters battled the blaze with water bombers.',
    publishedAt: '2025-07-08T14:00:00Z',
    tags: ['Wildfires'],
    section: 'World',
  },
  {
    id: 'fire-2',
    title: 'Marseille wildfire brought under control, officials say',
    body: 'Firefighters brought a wildfire near Marseille under control on Wednesday after it burned 750 hectares and forced the evacuation of thousands of residents. Marseille airport reopened.',
    publishedAt: '2025-07-09T08:00:00Z',
    tags: ['Wildfires'],
    section: 'World',
  },
]
