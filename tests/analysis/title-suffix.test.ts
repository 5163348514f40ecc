import { describe, expect, it } from 'vitest'
import { createAnalyzer } from '../../src/analysis/index.js'
import { stripTitleSuffix } from '../../src/analysis/title-suffix.js'

describe('stripTitleSuffix', () => {
  const stripped: [why: string, title: string, source: string | undefined, expected: string][] = [
    ['a host name after "::"', '4-year-old girl shot inside Durham apartment :: WRAL.com', 'wral.com', '4-year-old girl shot inside Durham apartment'],
    ['call letters, a slogan and a place', 'GBI identifies victims in Tift Co. death investigation - WMC Action News 5 - Memphis, Tennessee', undefined, 'GBI identifies victims in Tift Co. death investigation'],
    ['a section after a bar', 'Teen killed in crash on Route 9 | Local News', undefined, 'Teen killed in crash on Route 9'],
    ['a newspaper name', 'Officer cleared in fatal shooting - The Boston Globe', undefined, 'Officer cleared in fatal shooting'],
    ['a name glued to digits', 'New Suspect Arrested in Attempted Murder Case - 44News | Evansville, IN', undefined, 'New Suspect Arrested in Attempted Murder Case'],
    ['the article\'s own site', 'Seven victims of Sunday shooting released - West Point Police', 'westpointpolice.org', 'Seven victims of Sunday shooting released'],
    ['an outlet prefix', 'CBS 58 - Five Killed in Overnight Shootings in Milwaukee', undefined, 'Five Killed in Overnight Shootings in Milwaukee'],
  ]
  it.each(stripped)('strips %s', (_why, title, source, expected) => {
    expect(stripTitleSuffix(title, source).title).toBe(expected)
  })

  const kept: [why: string, title: string][] = [
    ['a dash inside the headline', 'Brother - and sister - reunite after 40 years'],
    ['a place after a bar', 'Vigil held in honor of slain 10-year-old girl | Dayton, OH'],
    ['too little headline left', 'Shooting - Local News'],
    ['a lower-case word that is an outlet word capitalised', 'Man shot three times - police say suspect fled'],
    ['a title without separators', 'Lavrov in Pyongyang: Russia\'s urgent bid for more North Korean troops?'],
  ]
  it.each(kept)('keeps %s', (_why, title) => {
    expect(stripTitleSuffix(title)).toEqual({ title, suffix: '', prefix: '' })
  })
})

describe('titles in analysis', () => {
  it('leaves the outlet out of the title terms and reports the suffix', () => {
    const analysis = createAnalyzer().analyze({ title: 'Man shot in Raleigh :: WRAL.com', body: 'A man was shot.', source: 'wral.com' }, { explain: true })
    expect([...analysis.title.keys()]).not.toContain('wral.com')
    expect(analysis.removed).toEqual([{ field: 'title', line: 1, text: ':: WRAL.com', kind: 'suffix' }])
  })

  it('keeps the suffix with furniture: false', () => {
    const analysis = createAnalyzer({ furniture: false }).analyze({ title: 'Teen hurt in crash | Local News', body: 'Text.' })
    expect(analysis.title.has('local')).toBe(true)
  })
})

describe('headline clauses after a dash stay', () => {
  it.each([
    "Concern over crime is growing - but Americans don't just want more police, Post-ABC poll shows",
    "Hurricane Ida shuts down refineries - here's what it means for gas prices",
    "Mother's Day amid COVID - I know how hard this year's been, give yourself a pat on the back",
    'CRA SOLD FORREST GOLD FOR 76 MLN DLRS - WHIM CREEK',
  ])('keeps "%s"', (title) => {
    expect(stripTitleSuffix(title).title).toBe(title)
  })
})
