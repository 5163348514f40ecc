import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { createAnalyzer } from '../../src/analysis/index.js'
import { isRelatedArticlesError } from '../../src/errors.js'

const analyzer = createAnalyzer()
const clean = (text: string): string => analyzer.normalize(text)
const kinds = (text: string, source?: string): [string, string][] =>
  analyzer.normalize(text, { explain: true, ...(source === undefined ? {} : { source }) }).removed.map((r) => [r.kind, r.text])

const story = 'Ministers met in Geneva on Tuesday to discuss the ceasefire and the exchange of prisoners. '.repeat(6).trim()

describe('a furniture box under a heading', () => {
  it('ends the story at a "Related Articles" heading after enough story', () => {
    const page = `${story}\nRelated Articles\nThe Example Post\n8 hours ago\nSyria clashes in Sweida\nIsrael strikes Druze areas.`
    const out = clean(page)
    expect(out).toContain('Ministers met in Geneva')
    expect(out).not.toContain('Sweida')
    expect(out).not.toContain('Druze')
  })

  it('cuts at "More from <outlet>" too', () => {
    expect(clean(`${story}\nMore from The Example Post\nOther story about Syria`)).not.toContain('Syria')
  })

  it.each(['RELATED STORIES:', 'Read more top trending stories on example.com:', 'More stories on WVVA.com', 'TRENDING STORIES:'])(
    'treats "%s" as a heading',
    (heading) => {
      expect(clean(`${story}\n${heading}\nRock singer electrocuted on stage\nFerguson businesses torched`)).toBe(story)
    },
  )

  it('keeps text after a heading when too little story precedes it', () => {
    const out = clean('Short lead.\nRelated Articles\nThe real story continues with Syria.')
    expect(out).toContain('Syria')
  })

  it('never cuts at a heading word inside a sentence', () => {
    const page = `${story}\nThe related articles were recommended by the editors of the most popular paper.\nThe talks resume on Friday.`
    expect(clean(page)).toContain('The talks resume on Friday.')
  })

  it('resumes the story after a box of bulleted links (a mid-article "MORE FROM" box)', () => {
    const page = [
      story,
      'MORE FROM WAVE3.COM',
      '+ Police: Men dressed as priests scamming Bardstown residents',
      '>> Burglars take more than just valuables',
      'The name of the victim who was killed has not been released.',
    ].join('\n\n')
    const out = clean(page)
    expect(out).not.toContain('Bardstown')
    expect(out).not.toContain('Burglars')
    expect(out).toContain('The name of the victim who was killed has not been released.')
  })

  it('resumes the story at two paragraphs in a row, but not at a teaser lead', () => {
    const page = [
      story,
      'Related',
      'Man charged in Chesapeake murder',
      'A man was charged on Monday with the murder of his father and brother.',
      'Police said the victim was 24 years old and lived nearby.',
      'The investigation is continuing, officers said on Friday.',
    ].join('\n')
    const out = clean(page)
    expect(out).not.toContain('Chesapeake')
    expect(out).toContain('Police said the victim was 24 years old')
  })

  it('drops everything after "Comments", which closes a page', () => {
    const page = `${story}\nComments\nThis is so sad for the family. Praying for them all.\nWhy was he out so late? Nobody asks that.`
    expect(clean(page)).toBe(story)
  })

  it('accepts a site\'s own headings (headings option)', () => {
    const withHeading = createAnalyzer({ headings: ['Elsewhere on Example News'] })
    expect(withHeading.normalize(`${story}\nELSEWHERE ON EXAMPLE NEWS:\nRock singer electrocuted`)).toBe(story)
    expect(clean(`${story}\nELSEWHERE ON EXAMPLE NEWS:\nRock singer electrocuted`)).toContain('Rock singer')
  })
})

describe('teaser runs', () => {
  const teaser = (outlet: string, time: string, headline: string, lead: string): string => `\n\n${outlet}\n${time}\n- ${outlet}\n${headline}\n${lead}`

  it('drops a list of teasers (outlet, time, byline, headline, lead) wherever it stands', () => {
    const box =
      teaser('South China Morning Post', '8 hours ago', 'Attacks in Sweida leave 18 dead', 'At least 18 members of Syria\'s security forces were killed.') +
      teaser('South China Morning Post', '9 hours ago', 'Zelensky names new prime minister', 'Volodymyr Zelensky asked Yulia Svyrydenko to lead.')
    const out = clean(`Short lead about Lavrov.${box}\n\nLavrov arrived in Pyongyang on Friday for talks with Kim Jong-un.`)
    expect(out).not.toMatch(/Sweida|Svyrydenko|South China Morning Post/)
    expect(out).toContain('Lavrov arrived in Pyongyang')
    expect(kinds(`Short lead.${box}`).filter(([kind]) => kind === 'teaser')).toHaveLength(6)
  })

  it('drops a single teaser that closes the page after the story', () => {
    const out = clean(`${story}${teaser('The Example Post', '2 days ago', 'Syria clashes in Sweida', 'Israel strikes Druze areas.')}`)
    expect(out.trim()).toBe(story)
  })

  it('keeps a page\'s own headline and lead under a lone relative time', () => {
    const page = `2 hours ago\nMan shot in Compton\nA man was shot on Friday night in Compton, deputies said.\n\n${story}`
    const out = clean(page)
    expect(out).toContain('Man shot in Compton')
    expect(out).toContain('A man was shot on Friday night')
    expect(out).not.toContain('2 hours ago')
  })

  it('drops a video playlist of two or more items, not one time in a sentence', () => {
    const page = `${story}\n1:45 Fresno County Jail shooting suspect appears in court\n0:59 Parlier officials seek support for tax measure\n1:30 Police arrived, officers said.`
    const out = clean(page)
    expect(out).not.toMatch(/Fresno|Parlier/)
    expect(out).toContain('1:30 Police arrived')
  })
})

describe('share bars, links and junk lines', () => {
  it('drops a run of share-bar lines but keeps one "Email" line', () => {
    expect(clean(`${story}\nTwitter\nGoogle\nEmail\nPinterest\nMore`)).toBe(story)
    expect(clean(`Contact us by\nEmail\nfor tips.`)).toBe('Contact us by\nEmail\nfor tips.')
  })

  it.each(['jdickson@detroitnews.com', '(313) 222-2027', 'Twitter: @ChicagoBreaking', 'blyons@timesunion.com • 518-454-5547 • @brendan_lyonstu', 'http://wral.com/13334346'])(
    'drops the contact or link line "%s"',
    (line) => {
      expect(kinds(`${story}\n${line}\nThe victim is recovering.`)).toEqual([['links', line]])
    },
  )

  it('keeps a sentence that gives a phone number', () => {
    const line = 'Anyone with information is asked to call police at (313) 222-2027.'
    expect(clean(`${story}\n${line}`)).toContain(line)
  })

  it.each([
    'Please enable Javascript to watch this video',
    'You must enter the characters with black color that stand out from the other characters',
    'Message: * A friend wanted you to see this item from WRAL.com: http://example.com/story',
    'Email this to a friend',
    'Your notification has been saved.',
    'Email notifications are only sent once a day, and only if there are new matching items.',
    'Close Get email notifications on Joel Currier daily!',
    'Copyright 2016 The Associated Press. All rights reserved. This material may not be published, broadcast, rewritten or redistributed.',
    '(© 2016 KHOU)',
    'Sign up for one of our email newsletters.',
    'Download the WGAL app to get the latest updates on this story',
    '0 Pending Comments',
    'Like this: Like Loading...',
  ])('drops the junk line "%s"', (line) => {
    expect(clean(`Police arrested a man on Friday.\n${line}\nThe victim is recovering.`)).toBe('Police arrested a man on Friday.\nThe victim is recovering.')
  })

  it.each([
    'A friend wanted you to see this video, the witness said, before police arrived.',
    'Copyright lawyers filed a suit on behalf of the family.',
    'The family asked people to follow the case on Facebook and to call police with tips.',
  ])('keeps the sentence "%s"', (text) => {
    expect(clean(text)).toBe(text)
  })
})

describe('site furniture (siteFurniture option)', () => {
  const siteAnalyzer = createAnalyzer({ siteFurniture: { 'Example.com': ['For more neighborhood news, listen to our radio here:'] } })
  const page = `${story}\nFor more neighborhood news, listen to our radio here:`

  it('drops the site\'s lines from its own articles, matching the source loosely', () => {
    expect(siteAnalyzer.normalize(page, { source: 'www.example.com' })).toBe(story)
    expect(siteAnalyzer.normalize(page, { explain: true, source: 'example.com' }).removed).toEqual([
      { field: 'body', line: 2, text: 'For more neighborhood news, listen to our radio here:', kind: 'site' },
    ])
  })

  it('keeps them in other sites\' articles and without a source', () => {
    expect(siteAnalyzer.normalize(page, { source: 'other.com' })).toBe(page)
    expect(siteAnalyzer.normalize(page)).toBe(page)
  })

  it('applies when analysing an article with that source', () => {
    const analysis = siteAnalyzer.analyze({ title: '', body: page, source: 'example.com' }, { explain: true })
    expect(analysis.removed?.map((r) => r.kind)).toEqual(['site'])
    expect(analysis.body.has('radio')).toBe(false)
  })
})

describe('explain and the furniture switch', () => {
  it('lists removed lines with their 1-based line numbers and kinds', () => {
    const result = analyzer.normalize('Police said the man fled.\nPlease enable Javascript to watch this video\nAdvertisement', { explain: true })
    expect(result).toEqual({
      text: 'Police said the man fled.',
      removed: [
        { field: 'body', line: 2, text: 'Please enable Javascript to watch this video', kind: 'junk' },
        { field: 'body', line: 3, text: 'Advertisement', kind: 'clutter' },
      ],
    })
  })

  it('reports nothing removed and leaves analyze without `removed` unless asked', () => {
    expect(analyzer.normalize('Plain story.', { explain: true })).toEqual({ text: 'Plain story.', removed: [] })
    expect(analyzer.analyze({ title: 'T', body: 'Advertisement\nPlain story.' })).not.toHaveProperty('removed')
  })

  it('keeps the raw text with furniture: false', () => {
    const raw = createAnalyzer({ furniture: false })
    const page = `${story}\nRelated Articles\nAdvertisement\nPlease enable Javascript to watch this video`
    expect(raw.normalize(page)).toBe(page)
  })

  it.each([
    [{ furniture: 'yes' }, 'furniture'],
    [{ headings: ['ok', ''] }, 'headings[1]'],
    [{ siteFurniture: { 'a.com': 'line' } }, 'siteFurniture.a.com'],
    [{ siteFurniture: [] }, 'siteFurniture'],
  ])('rejects the bad option %j naming %s', (options, field) => {
    try {
      createAnalyzer(options as never)
      expect.unreachable()
    } catch (error) {
      expect(isRelatedArticlesError(error) && error.code === 'INVALID_OPTION' && error.field === field).toBe(true)
    }
  })

  it('rejects a source that is not a string, naming it', () => {
    expect(() => analyzer.analyze({ title: 'T', body: 'B', source: 5 as never })).toThrow(/source/)
    expect(() => analyzer.normalize('B', { source: 5 as never })).toThrow(/source/)
  })
})

describe('properties', () => {
  const word = fc.constantFrom('police', 'said', 'the', 'man', 'was', 'shot', 'in', 'Compton', 'on', 'Friday', 'and', 'a', 'woman', 'fled', 'home')
  const sentence = fc.array(word, { minLength: 5, maxLength: 14 }).map((words) => {
    const text = words.join(' ')
    return text.charAt(0).toUpperCase() + text.slice(1) + '.'
  })
  const furnitureLine = fc.constantFrom(
    'Advertisement', 'Related Articles', '8 hours ago', 'Twitter', 'Email', 'Print', 'Comments',
    'Please enable Javascript to watch this video', 'South China Morning Post', 'Headline of another story', 'jdoe@example.com',
  )

  it('removes nothing from prose without furniture', () => {
    fc.assert(
      fc.property(fc.array(sentence, { minLength: 1, maxLength: 30 }), (sentences) => {
        const text = sentences.join('\n')
        expect(analyzer.normalize(text, { explain: true }).removed).toEqual([])
        expect(clean(text)).toBe(text)
      }),
    )
  })

  it('is idempotent and never drops more than the furniture lines and boxes they open', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(sentence, furnitureLine), { minLength: 1, maxLength: 40 }), (lines) => {
        const text = lines.join('\n')
        const once = clean(text)
        expect(clean(once)).toBe(once)
        // Every kept line is a line of the input, in order.
        const input = text.split('\n')
        let at = 0
        for (const line of once.split('\n')) {
          if (line === '') continue
          while (at < input.length && input[at] !== line) at++
          expect(at).toBeLessThan(input.length)
          at++
        }
      }),
    )
  })
})

describe('more crawled furniture from the GVA pages', () => {
  it.each([
    'Having trouble viewing the video? Try disabling any ad blocking extensions currently running on your browser.',
    "Whenever Jane Doe posts new content, you'll get an email delivered to your inbox with a link.",
    'Contact Jane Doe: jdoe@example.com or 313-222-2027',
    'Photo credit: Example Fire Department',
    '(Photo: WKRN)',
    'Page 1 of 1',
    '____________________',
    '# # #',
    'Read or Share this story: http://example.com/1abc',
  ])('drops "%s"', (line) => {
    expect(clean(`Police arrested a man on Friday.\n${line}\nThe victim is recovering.`)).toBe('Police arrested a man on Friday.\nThe victim is recovering.')
  })

  it('removes a "Buy Photo" button glued to the first sentence', () => {
    expect(clean('Buy Photo The man who was shot on Saturday died.').trim()).toBe('The man who was shot on Saturday died.')
  })
})
