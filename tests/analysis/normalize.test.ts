import { describe, expect, it } from 'vitest'
import {
  compileClutter,
  DEFAULT_CLUTTER,
  DEFAULT_INLINE_CLUTTER,
  foldDiacritics,
  foldForTokenizer,
  MAX_CHUNK_LENGTH,
  normalizeUnicode,
  removeClutter,
  stripHtml,
} from '../../src/analysis/normalize.js'

describe('stripHtml', () => {
  const cases: [why: string, input: string, expected: string][] = [
    ['plain text passes through unchanged', 'Plain text, no markup.', 'Plain text, no markup.'],
    ['inline tags vanish without adding spaces', 'Erd<b>o</b>ğan <em>met</em> Merz', 'Erdoğan met Merz'],
    ['block tags become line breaks', '<p>One.</p><p>Two.</p>', '\nOne.\n\nTwo.\n'],
    ['br becomes a line break', 'a<br>b<br/>c', 'a\nb\nc'],
    ['table cells are separated by spaces', '<td>a</td><td>b</td>', ' a  b '],
    ['script content is removed', 'a<script>var x = "<p>not text</p>";</script>b', 'a b'],
    ['style content is removed, case-insensitively', 'a<STYLE>p { color: red }</Style>b', 'a b'],
    ['noscript and template content is removed', 'a<noscript>enable JS</noscript>b<template><p>t</p></template>c', 'a b c'],
    ['an unclosed script drops the rest of the page', 'a<script>never closed', 'a '],
    ['comments are removed', 'a<!-- hidden -->b', 'ab'],
    ['an unclosed comment drops the rest', 'a<!-- hidden', 'a'],
    ['named entities are decoded', 'Tom &amp; Jerry &lt;3 &quot;hi&quot; &apos;x&apos;', 'Tom & Jerry <3 "hi" \'x\''],
    ['typographic entities are decoded', '&ldquo;Yes&rdquo; &mdash; &hellip;&nbsp;&euro;5', '\u201cYes\u201d \u2014 \u2026\u00a0\u20ac5'],
    ['Latin-1 letter entities are decoded', 'S&atilde;o Paulo, M&uuml;ller, &Eacute;cole, gar&ccedil;on', 'São Paulo, Müller, École, garçon'],
    ['decimal and hex references are decoded', '&#72;&#x69;&#X21; &#8217;', "Hi! \u2019"],
    ['invalid code points become U+FFFD', '&#0; &#xD800; &#x110000;', '\ufffd \ufffd \ufffd'],
    ['unknown entities are kept as text', '&bogus; AT&T R&D', '&bogus; AT&T R&D'],
    ['a less-than sign that starts no tag is kept', 'x < 5 and 3<4', 'x < 5 and 3<4'],
    ['a tag that never closes is kept as text', 'a <b never closed', 'a <b never closed'],
    ['attributes are dropped with their tag', '<a href="https://x.test/?a=1&b=2" title="t">link</a>', 'link'],
  ]
  it.each(cases)('%s', (_why, input, expected) => {
    expect(stripHtml(input)).toBe(expected)
  })

  it('turns deeply nested broken markup into text without recursion', () => {
    const html = '<div>'.repeat(100_000) + 'deep' + '<span'.repeat(10)
    const text = stripHtml(html)
    expect(text.replace(/\n/g, '')).toBe('deep' + '<span'.repeat(10))
  })
})

describe('normalizeUnicode', () => {
  const cases: [why: string, input: string, expected: string][] = [
    ['curly single quotes become straight', '\u2018Yes\u2019 it\u2019s \u201aok\u201b', "'Yes' it's 'ok'"],
    ['curly double quotes and guillemets become straight', '\u201cA\u201d \u201eB\u201d \u00abC\u00bb', '"A" "B" "C"'],
    ['dashes become hyphens', 'a\u2012b\u2013c\u2014d\u2015e', 'a-b-c-d-e'],
    ['NFKC folds full-width letters and ligatures', '\uff34\uff45\uff53\uff54 \ufb01nance', 'Test finance'],
    ['NFKC turns the ellipsis into three dots', 'More to follow \u2026', 'More to follow ...'],
    ['no-break spaces become spaces', 'a\u00a0b', 'a b'],
    ['control characters and NUL become spaces', 'a\u0000b\u0007c', 'a b c'],
    ['invisible characters are removed', 'soft\u00adhyphen zero\u200bwidth \ufeffbom', 'softhyphen zerowidth bom'],
    ['lone surrogates become U+FFFD', 'a\ud800b\udc00c', 'a\ufffdb\ufffdc'],
    ['carriage returns become line breaks', 'a\r\nb\rc', 'a\n\nb\nc'],
    ['accents are kept (folding is separate)', 'Łódź São Paulo', 'Łódź São Paulo'],
  ]
  it.each(cases)('%s', (_why, input, expected) => {
    expect(normalizeUnicode(input)).toBe(expected)
  })
})

describe('foldDiacritics', () => {
  const cases: [input: string, expected: string][] = [
    ['Erdoğan', 'Erdogan'],
    ['Łódź', 'Lodz'],
    ['São Paulo', 'Sao Paulo'],
    ['Müller', 'Muller'],
    ['Øresund Đoković', 'Oresund Dokovic'],
    ['Straße', 'Strasse'],
    ['Æsir œuvre', 'AEsir oeuvre'],
    ['Kırıkkale', 'Kirikkale'],
    ['Nguyễn Tấn Dũng', 'Nguyen Tan Dung'],
    ['e\u0301te\u0301', 'ete'],
    ['Пётр Йошкар-Ола', 'Пётр Йошкар-Ола'],
    ['東京 🎉', '東京 🎉'],
  ]
  it.each(cases)('folds %s to %s', (input, expected) => {
    expect(foldDiacritics(input)).toBe(expected)
  })

  it('maps every folded character back to its source character', () => {
    const text = 'Łódź, Straße & Erdoğan'
    const { folded, offsets } = foldForTokenizer(text)
    expect(folded).toBe('Lodz, Strasse & Erdogan')
    expect(offsets).toBeDefined()
    const at = folded.indexOf('Erdogan')
    expect(text.slice(offsets![at], offsets![at + 'Erdogan'.length])).toBe('Erdoğan')
    const ss = folded.indexOf('Strasse')
    expect(text.slice(offsets![ss], offsets![ss + 'Strasse'.length])).toBe('Straße')
  })


  it('leaves long runs of characters alone', () => {
    const long = 'x'.repeat(MAX_CHUNK_LENGTH + 1)
    expect(foldDiacritics(`a ${long} b`)).toBe(`a ${long} b`)
  })
})

describe('foldForTokenizer', () => {
  it('replaces runs of non-space characters longer than the chunk limit with one space', () => {
    const long = 'x'.repeat(MAX_CHUNK_LENGTH + 1)
    expect(foldForTokenizer(`a ${long} b`).folded).toBe('a   b')
    const limit = 'y'.repeat(MAX_CHUNK_LENGTH)
    expect(foldForTokenizer(`a ${limit} b`).folded).toBe(`a ${limit} b`)
  })

  it('returns plain ASCII text as it is, without an offset map', () => {
    expect(foldForTokenizer('plain text')).toEqual({ folded: 'plain text', offsets: undefined })
  })

  it('puts a space before the last full stop of a final double full stop', () => {
    expect(foldForTokenizer('Garden City, N.Y.. Next').folded).toBe('Garden City, N.Y. . Next')
    expect(foldForTokenizer('Wait... what').folded).toBe('Wait... what')
  })

  it('puts a space between a possessive and the punctuation after it', () => {
    const text = "Obama's. Biden's, Trump's plan and Putin's'"
    const { folded, offsets } = foldForTokenizer(text)
    expect(folded).toBe("Obama's . Biden's , Trump's plan and Putin's '")
    const at = folded.indexOf('Biden')
    expect(text.slice(offsets![at], offsets![at + "Biden's".length])).toBe("Biden's")
  })
})

describe('removeClutter', () => {
  const matcher = compileClutter(DEFAULT_CLUTTER, DEFAULT_INLINE_CLUTTER)
  const clean = (text: string): string => removeClutter(normalizeUnicode(text), matcher)

  const dropped: [why: string, line: string][] = [
    ['an advertisement line', 'Advertisement'],
    ['a line in capitals', 'ADVERTISEMENT'],
    ['a comments heading', 'Comments'],
    ['an empty comment box, ignoring the ellipsis', 'No comments yet...'],
    ['a related-articles heading', 'Related Articles'],
    ['a hashtags heading', 'Hashtags'],
    ['share buttons', 'Share on Facebook'],
    ['share on X', 'Share on X'],
    ['a newsletter prompt with trailing punctuation', 'Sign up for our newsletter!'],
    ['a read-more link with a colon', 'Read more:'],
    ['an AI-feature promotion', 'Try Our AI Features'],
    ['an "Explore what ... can do for you" promotion', 'Explore what Daily8 AI can do for you:'],
    ['a relative timestamp in hours', '8 hours ago'],
    ['a relative timestamp in minutes', '45 minutes ago'],
    ['a relative timestamp with an article', 'an hour ago'],
    ['a source byline', '- South China Morning Post'],
    ['a more-to-follow line with an ellipsis', 'More to follow \u2026'],
    ['surrounding spaces and repeated inner spaces', '   Related    Articles  '],
  ]
  it.each(dropped)('drops %s', (_why, line) => {
    expect(clean(`Before.\n${line}\nAfter.`)).toBe('Before.\nAfter.')
  })

  const kept: [why: string, line: string][] = [
    ['a sentence that mentions an advertisement', 'The advertisement was banned by regulators.'],
    ['a sentence that starts with "Comments"', 'Comments by the minister angered the opposition.'],
    ['a dash line that is a sentence', '- the minister said it was not true'],
    ['a time span that is not a timestamp', '8 hours of talks'],
  ]
  it.each(kept)('keeps %s', (_why, line) => {
    expect(clean(`Before.\n${line}\nAfter.`)).toBe(`Before.\n${line}\nAfter.`)
  })

  it('removes "Advertisement" where a page spliced it between sentences', () => {
    expect(clean('ceasefire within 50 days. Advertisement Speaking alongside Nato')).toBe('ceasefire within 50 days.  Speaking alongside Nato')
  })

  it('removes "Advertisement More to follow …" at the end of a paragraph', () => {
    const text = clean("they're going to be paying for it', he said. Advertisement More to follow \u2026")
    expect(text).not.toMatch(/Advertisement|More to follow/)
    expect(text).toMatch(/he said\.\s*$/)
  })

  it('removes the wire credit that ends a Reuters story', () => {
    expect(clean('Japanese yards, the sources said. REUTER')).toBe('Japanese yards, the sources said. ')
  })

  it('leaves "advertisement" alone inside a sentence', () => {
    const text = 'The advertisement Speaking of which was banned.'
    expect(clean(text)).toBe(text)
  })

  it('uses a custom clutter list of strings and RegExps', () => {
    const custom = compileClutter(['Site Footer', /^page \d+ of \d+$/i], [])
    expect(removeClutter('Text.\nsite footer.\nPage 2 of 10\nAdvertisement', custom)).toBe('Text.\nAdvertisement')
  })

  it('keeps everything with an empty clutter list', () => {
    const none = compileClutter([], [])
    expect(removeClutter('Advertisement\nComments', none)).toBe('Advertisement\nComments')
  })
})

