import { describe, expect, it } from 'vitest'
import { createAnalyzer, DEFAULT_DEMONYMS, entityKey, type EntityMention } from '../../src/analysis/index.js'

const analyzer = createAnalyzer()

function entities(title: string, body: string, extra: { tags?: string[]; entities?: string[] } = {}): EntityMention[] {
  return analyzer.analyze({ title, body, ...extra }).entities
}

function keys(title: string, body: string): string[] {
  return entities(title, body).map((e) => e.key)
}

function byKey(list: EntityMention[], key: string): EntityMention {
  const found = list.find((e) => e.key === key)
  if (found === undefined) throw new Error(`no entity ${key} in ${list.map((e) => e.key).join(', ')}`)
  return found
}

describe('entity extraction', () => {
  const cases: [why: string, body: string, expected: string[], absent?: string[]][] = [
    ['multi-word names are one entity', 'Sergey Lavrov arrived on Saturday.', ['sergey lavrov']],
    ['connectors stay inside names', 'The Bank of England held rates.', ['bank of england']],
    ['hyphenated names are joined', 'North Korean leader Kim Jong-un watched the test.', ['kim jong-un', 'north korea']],
    ['titles are removed', 'Foreign Minister Sergey Lavrov and Prime Minister Keir Starmer spoke.', ['keir starmer', 'sergey lavrov']],
    ['a title splits an organisation from a name', 'Speaking alongside Nato Secretary General Mark Rutte, he smiled.', ['mark rutte', 'nato']],
    ['honorifics with a full stop are removed', 'It was Mr. Smith who called Dr. Jane Goodall.', ['jane goodall', 'smith']],
    ['demonyms map to places', 'Ukrainian troops repelled a Russian attack near Syrian and Israeli lines.', ['israel', 'russia', 'syria', 'ukraine']],
    ['two-word demonyms map to places', 'North Korean and South Korean officials met.', ['north korea', 'south korea']],
    ['short country names map to places', 'The US and the UK agreed.', ['united kingdom', 'united states']],
    ['demonym-led hyphenated words map to places', 'They bought American-made weapons and Russian-backed bonds.', ['russia', 'united states']],
    ['possessives are dropped', "Russia's war and Zelensky's plan.", ['russia', 'zelensky']],
    ['months and weekdays are not entities', 'On Monday, 12 July, the talks began in Geneva.', ['geneva'], ['monday', 'july']],
    ['a capitalised common word opening a sentence is not an entity', 'Attacks resumed in Sweida. The attacks left 18 dead.', ['sweida'], ['attacks']],
    ['an English word opening a sentence is not an entity', 'Voicing frustration, Putin spoke in Moscow.', ['moscow', 'putin'], ['voicing']],
    ['a name opening a sentence stays an entity', 'Lavrov praised the troops.', ['lavrov']],
    ['a person of a place is split', 'He met Sergey Lavrov of Russia in Geneva.', ['geneva', 'russia', 'sergey lavrov']],
    ['a place before a full name is split', 'The US envoy to Haiti Daniel Foote resigned.', ['daniel foote', 'haiti'], ['haiti daniel foote']],
    ['"Secretary of State" is a title', 'Secretary of State Antony Blinken flew in.', ['antony blinken'], ['state antony blinken']],
    ['abbreviated months are not entities', 'The vote on Aug. 5 was delayed to mid-September in Ohio.', ['ohio'], ['aug.', 'mid-september']],
    ['a month that is a surname stays in a full name', 'Theresa May met Boris Johnson on Monday.', ['theresa may', 'boris johnson']],
    ['a weekday after a name is not part of it', 'Lavrov told Kim Jong-un Tuesday that talks would go on.', ['kim jong-un'], ['kim jong-un tuesday']],
    ['plural demonyms map to places', 'Haitians and Ukrainians protested.', ['haiti', 'ukraine']],
    ['"General" before a noun is not a title', 'The U.N. General Assembly voted.', ['u.n. general assembly']],
  ]
  it.each(cases)('%s', (_why, body, expected, absent = []) => {
    const found = keys('', body)
    for (const key of expected) expect(found).toContain(key)
    for (const key of absent) expect(found).not.toContain(key)
  })

  it('merges later short mentions into the full name', () => {
    const list = entities('', 'Sergey Lavrov arrived. Lavrov said the visit went well. Later Lavrov left.')
    expect(list.map((e) => e.key)).toEqual(['sergey lavrov'])
    expect(byKey(list, 'sergey lavrov').count).toBe(3)
  })

  it('merges a first-name mention such as "Kim" into "Kim Jong-un"', () => {
    const list = entities('', 'Kim Jong-un met Putin. Kim praised the troops.')
    expect(byKey(list, 'kim jong-un').count).toBe(2)
    expect(list.some((e) => e.key === 'kim')).toBe(false)
  })

  it('merges a short mention in the title into the full name in the body', () => {
    const lavrov = byKey(entities('Lavrov in Pyongyang', 'Foreign Minister Sergey Lavrov visited Pyongyang.'), 'sergey lavrov')
    expect(lavrov).toMatchObject({ count: 2, inTitle: true, firstPosition: 0, display: 'Sergey Lavrov' })
  })

  it('leaves an ambiguous short mention alone', () => {
    const found = keys('', 'Donald Trump and Melania Trump arrived. Trump waved.')
    expect(found).toContain('trump')
    expect(found).toContain('donald trump')
    expect(found).toContain('melania trump')
  })

  it('never merges a place into a longer name', () => {
    const found = keys('', 'Israeli Defence Minister Israel Katz said Israel would act.')
    expect(found).toContain('israel')
    expect(found).toContain('israel katz')
  })

  it('records position, title and lead flags', () => {
    const list = entities(
      'Talks in Geneva',
      'Envoys met in Geneva on Friday. Nothing was agreed. A later meeting in Vienna is planned.',
    )
    expect(byKey(list, 'geneva')).toMatchObject({ count: 2, firstPosition: 2, inTitle: true, inLead: true, origin: 'text' })
    expect(byKey(list, 'vienna')).toMatchObject({ count: 1, inTitle: false, inLead: false })
  })

  it('uses the leadSentences option for the lead', () => {
    const body = 'Envoys met in Geneva. Nothing was agreed. A later meeting in Vienna is planned.'
    const lead3 = createAnalyzer({ leadSentences: 3 }).analyze({ title: '', body }).entities
    expect(byKey(lead3, 'vienna').inLead).toBe(true)
    const lead0 = createAnalyzer({ leadSentences: 0 }).analyze({ title: '', body }).entities
    expect(byKey(lead0, 'geneva').inLead).toBe(false)
  })

  it('sorts entities by key with one entry per key', () => {
    const list = entities('', 'Vienna and Berlin and Athens. Berlin again.')
    expect(list.map((e) => e.key)).toEqual(['athens', 'berlin', 'vienna'])
  })

  it('finds body entities in a Title Case headline instead of reading every capital as a name', () => {
    const list = entities(
      'Jeff Bezos Blasts Off to Space on Blue Origin First Manned Flight',
      'Billionaire Jeff Bezos flew to space on Tuesday in a rocket built by Blue Origin, his company.',
    )
    expect(byKey(list, 'jeff bezos').inTitle).toBe(true)
    expect(byKey(list, 'blue origin').inTitle).toBe(true)
    expect(list.map((e) => e.key)).not.toContain('blasts')
    expect(list.map((e) => e.key).some((k) => k.includes('manned'))).toBe(false)
  })

  it('finds body entities in an ALL CAPS headline', () => {
    const list = entities('BAHIA COCOA REVIEW', 'Showers continued in the Bahia cocoa zone, Comissaria Smith said.')
    expect(byKey(list, 'bahia').inTitle).toBe(true)
    expect(list.map((e) => e.key)).not.toContain('bahia cocoa review')
  })
})

describe('non-ASCII names', () => {
  const body =
    'Turkish President Recep Tayyip Erdoğan met German investor Thomas Müller in Łódź on Tuesday before flying to São Paulo. ' +
    'Erdoğan said the talks in Łódź had gone well.'
  const list = entities('Erdoğan and Müller meet in Łódź', body)

  const cases: [key: string, display: string][] = [
    ['recep tayyip erdogan', 'Recep Tayyip Erdoğan'],
    ['thomas muller', 'Thomas Müller'],
    ['lodz', 'Łódź'],
    ['sao paulo', 'São Paulo'],
    ['turkey', 'Turkey'],
    ['germany', 'Germany'],
  ]
  it.each(cases)('keeps the spelling of %s as "%s"', (key, display) => {
    expect(byKey(list, key).display).toBe(display)
  })

  it('merges "Erdoğan" into the full name', () => {
    expect(byKey(list, 'recep tayyip erdogan').count).toBe(3)
  })
})

describe('supplied entities and tags', () => {
  it('merges a tag with the same entity found in the text, keeping origin text', () => {
    const list = entities('', 'Russia launched drones at Kyiv.', { tags: ['Russia'] })
    expect(byKey(list, 'russia')).toMatchObject({ origin: 'text', count: 1 })
  })

  it('adds a supplied entity that the text does not mention', () => {
    const list = entities('', 'Drones struck the capital overnight.', { entities: ['Kyiv'] })
    expect(byKey(list, 'kyiv')).toMatchObject({ origin: 'supplied', count: 1, display: 'Kyiv', inTitle: false })
  })

  it('finds a supplied entity the extractor missed and counts its mentions', () => {
    const list = entities('Ukraine war', 'the ukraine war goes on; the ukraine war is costly.', { tags: ['Ukraine war'] })
    expect(byKey(list, 'ukraine war')).toMatchObject({ origin: 'tag', count: 3, inTitle: true })
  })

  it('normalises supplied names like text entities', () => {
    const list = entities('', 'Talks were held.', { entities: ['  ŁÓDŹ ', 'lodz'], tags: ['Ukrainian'] })
    expect(list.map((e) => e.key)).toEqual(['lodz', 'ukraine'])
    expect(byKey(list, 'ukraine').origin).toBe('tag')
  })

  it('prefers origin supplied over tag for the same key', () => {
    const list = entities('', 'Nothing here.', { tags: ['Nato'], entities: ['NATO'] })
    expect(byKey(list, 'nato').origin).toBe('supplied')
  })
})

describe('entityKey', () => {
  const cases: [name: string, key: string][] = [
    ['Sergey  Lavrov', 'sergey lavrov'],
    ['Łódź', 'lodz'],
    ["Russia's", 'russia'],
    ['"Nato"', 'nato'],
    ['Kim Jong-un', 'kim jong-un'],
  ]
  it.each(cases)('turns %s into %s', (name, key) => {
    expect(entityKey(name)).toBe(key)
  })
})

describe('DEFAULT_DEMONYMS', () => {
  it('has folded, lower-case, single-spaced keys', () => {
    for (const key of Object.keys(DEFAULT_DEMONYMS)) expect(entityKey(key)).toBe(key)
  })

  it('covers the common demonyms of world news', () => {
    expect(Object.keys(DEFAULT_DEMONYMS).length).toBeGreaterThanOrEqual(100)
    expect(DEFAULT_DEMONYMS).toMatchObject({
      russian: 'Russia',
      'north korean': 'North Korea',
      ukrainian: 'Ukraine',
      american: 'United States',
      british: 'United Kingdom',
      chinese: 'China',
    })
  })

  it('can be extended through the demonyms option', () => {
    const custom = createAnalyzer({ demonyms: { ...DEFAULT_DEMONYMS, bavarian: 'Bavaria' } })
    expect(custom.analyze({ title: '', body: 'Bavarian officials objected.' }).entities.map((e) => e.key)).toEqual(['bavaria'])
  })
})

describe('entities of local news', () => {
  it('merges a multi-word short form into the one full name that ends with it', () => {
    const list = entities('Man shot on Main Street', 'Police said Denis Bra Kanon, 30, was shot on Friday. Bra Kanon was taken to a hospital, where Bra Kanon later died.')
    expect(list.map((e) => e.key)).not.toContain('bra kanon')
    expect(byKey(list, 'denis bra kanon').count).toBe(3)
  })

  it('keeps an ambiguous short form apart', () => {
    const list = entities('Family feud', 'Donald Trump and Melania Trump arrived. Trump waved.')
    expect(list.map((e) => e.key)).toEqual(expect.arrayContaining(['donald trump', 'melania trump', 'trump']))
  })

  it('reads AP state abbreviations of datelines as the state', () => {
    const list = entities('Teen dies in accidental Hampton shooting', 'HAMPTON, Va. – A 16-year-old died after a shooting on Tuesday, according to police.')
    expect(byKey(list, 'virginia').display).toBe('Virginia')
    expect(list.map((e) => e.key)).not.toContain('va.')
  })

  it("gives no credit for the outlet's web address or bare abbreviations", () => {
    const list = entities('Shooting in Raleigh', 'A man was shot in Raleigh on Friday. Message: A friend wanted you to see this item from WRAL.com. Visit www.kxan.com for more. He lived on N. Main.')
    const found = list.map((e) => e.key)
    for (const junk of ['wral', 'wral.com', 'www.kxan.com', 'kxan', 'n.']) expect(found).not.toContain(junk)
    expect(found).toContain('raleigh')
  })

  it('marks the surname of a person-like name, so another article naming only the surname matches', () => {
    const list = entities('Manchin holds out', 'Sen. Joe Manchin said on Sunday he would not back the bill.')
    expect(byKey(list, 'joe manchin').surname).toBe('manchin')
    // Places and names with connectors are not people.
    const bank = entities('Rates', 'The Bank of England held rates in London.')
    expect(byKey(bank, 'bank of england').surname).toBeUndefined()
  })
})
