/**
 * A small, linear-time HTML-to-text scanner. It is not a parser: it only needs to turn real and
 * broken markup into readable text without ever going quadratic, so every search moves forward
 * and every failed search is remembered.
 */

/** Elements whose content is never text a reader sees. */
const HIDDEN_ELEMENTS = new Set(['script', 'style', 'noscript', 'template', 'head', 'svg', 'iframe', 'object'])

/** Elements that start a new line, so paragraphs and list items do not run together. */
const BLOCK_ELEMENTS = new Set([
  'address', 'article', 'aside', 'blockquote', 'body', 'br', 'caption', 'dd', 'details', 'div', 'dl', 'dt',
  'figcaption', 'figure', 'footer', 'form', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'header', 'hr', 'html',
  'li', 'main', 'nav', 'ol', 'p', 'pre', 'section', 'summary', 'table', 'tbody', 'thead', 'tfoot', 'tr',
  'ul',
])

/** Elements that separate words but not lines (table cells). */
const SPACING_ELEMENTS = new Set(['td', 'th', 'img', 'input', 'button', 'label', 'option', 'select', 'textarea'])

/**
 * Named character references decoded besides the numeric ones: the markup characters, spacing and
 * punctuation common in news copy, and the Latin-1 letters (whose names follow one pattern).
 */
const NAMED_ENTITIES: ReadonlyMap<string, string> = buildNamedEntities()

function buildNamedEntities(): Map<string, string> {
  const map = new Map<string, string>([
    ['amp', '&'], ['lt', '<'], ['gt', '>'], ['quot', '"'], ['apos', "'"], ['nbsp', '\u00a0'],
    ['ensp', '\u2002'], ['emsp', '\u2003'], ['thinsp', '\u2009'], ['zwnj', '\u200c'], ['zwj', '\u200d'],
    ['shy', '\u00ad'], ['ndash', '\u2013'], ['mdash', '\u2014'], ['minus', '\u2212'], ['hellip', '\u2026'],
    ['lsquo', '\u2018'], ['rsquo', '\u2019'], ['sbquo', '\u201a'], ['ldquo', '\u201c'], ['rdquo', '\u201d'],
    ['bdquo', '\u201e'], ['laquo', '\u00ab'], ['raquo', '\u00bb'], ['lsaquo', '\u2039'], ['rsaquo', '\u203a'],
    ['bull', '\u2022'], ['middot', '\u00b7'], ['prime', '\u2032'], ['Prime', '\u2033'], ['copy', '\u00a9'],
    ['reg', '\u00ae'], ['trade', '\u2122'], ['deg', '\u00b0'], ['sect', '\u00a7'], ['para', '\u00b6'],
    ['euro', '\u20ac'], ['pound', '\u00a3'], ['yen', '\u00a5'], ['cent', '\u00a2'], ['curren', '\u00a4'],
    ['times', '\u00d7'], ['divide', '\u00f7'], ['plusmn', '\u00b1'], ['frac12', '\u00bd'], ['frac14', '\u00bc'],
    ['frac34', '\u00be'], ['iexcl', '\u00a1'], ['iquest', '\u00bf'], ['ordf', '\u00aa'], ['ordm', '\u00ba'],
    ['micro', '\u00b5'], ['dagger', '\u2020'], ['Dagger', '\u2021'], ['permil', '\u2030'],
    ['OElig', '\u0152'], ['oelig', '\u0153'], ['Scaron', '\u0160'], ['scaron', '\u0161'], ['Yuml', '\u0178'],
    ['fnof', '\u0192'], ['szlig', '\u00df'], ['AElig', '\u00c6'], ['aelig', '\u00e6'], ['ETH', '\u00d0'],
    ['eth', '\u00f0'], ['THORN', '\u00de'], ['thorn', '\u00fe'], ['Oslash', '\u00d8'], ['oslash', '\u00f8'],
  ])
  // Latin-1 letters: &Agrave; &eacute; &ntilde; ... share "<letter><accent name>".
  const accents: [string, string, string][] = [
    ['grave', 'AEIOUaeiou', '\u00c0\u00c8\u00cc\u00d2\u00d9\u00e0\u00e8\u00ec\u00f2\u00f9'],
    ['acute', 'AEIOUYaeiouy', '\u00c1\u00c9\u00cd\u00d3\u00da\u00dd\u00e1\u00e9\u00ed\u00f3\u00fa\u00fd'],
    ['circ', 'AEIOUaeiou', '\u00c2\u00ca\u00ce\u00d4\u00db\u00e2\u00ea\u00ee\u00f4\u00fb'],
    ['tilde', 'ANOano', '\u00c3\u00d1\u00d5\u00e3\u00f1\u00f5'],
    ['uml', 'AEIOUaeiouy', '\u00c4\u00cb\u00cf\u00d6\u00dc\u00e4\u00eb\u00ef\u00f6\u00fc\u00ff'],
    ['ring', 'Aa', '\u00c5\u00e5'],
    ['cedil', 'Cc', '\u00c7\u00e7'],
  ]
  for (const [accent, letters, chars] of accents) {
    for (let i = 0; i < letters.length; i++) map.set(`${letters[i]}${accent}`, chars[i] as string)
  }
  return map
}

/** Longest entity name we look for after `&`, so a stray `&` costs a bounded look-ahead. */
const MAX_ENTITY_LENGTH = 32

function isNameChar(code: number): boolean {
  return (code >= 97 && code <= 122) || (code >= 65 && code <= 90) || (code >= 48 && code <= 57) || code === 45 || code === 58
}

function isDigit(code: number, hex: boolean): boolean {
  if (code >= 48 && code <= 57) return true
  return hex && ((code >= 97 && code <= 102) || (code >= 65 && code <= 70))
}

function isAsciiLetter(code: number): boolean {
  return (code >= 97 && code <= 122) || (code >= 65 && code <= 90)
}

/** Decodes one code point, replacing the invalid ones (NUL, surrogates, out of range) with U+FFFD. */
function fromCodePoint(value: number): string {
  if (!Number.isFinite(value) || value <= 0 || value > 0x10ffff || (value >= 0xd800 && value <= 0xdfff)) return '\ufffd'
  return String.fromCodePoint(value)
}

/**
 * Decodes the character reference starting at `text[at] === '&'`.
 * @returns the decoded text and the index just after the reference, or `undefined` if it is not one.
 */
function decodeEntityAt(text: string, at: number): [string, number] | undefined {
  const limit = Math.min(text.length, at + MAX_ENTITY_LENGTH)
  if (text.charCodeAt(at + 1) === 35 /* # */) {
    const hex = text.charCodeAt(at + 2) === 120 || text.charCodeAt(at + 2) === 88
    let i = at + (hex ? 3 : 2)
    const start = i
    while (i < limit && isDigit(text.charCodeAt(i), hex)) i++
    if (i === start) return undefined
    const value = Number.parseInt(text.slice(start, i), hex ? 16 : 10)
    const end = text.charCodeAt(i) === 59 /* ; */ ? i + 1 : i
    return [fromCodePoint(value), end]
  }
  let i = at + 1
  while (i < limit && isNameChar(text.charCodeAt(i))) i++
  if (i === at + 1 || text.charCodeAt(i) !== 59) return undefined
  const decoded = NAMED_ENTITIES.get(text.slice(at + 1, i))
  return decoded === undefined ? undefined : [decoded, i + 1]
}

/**
 * Turns HTML (or plain text that may contain `&amp;`-style references) into plain text: tags are
 * dropped, the content of `script`, `style`, `noscript` and `template` (and similar) elements is
 * dropped, block elements become line breaks, and character references are decoded.
 *
 * Runs in time linear in the input, whatever it is (unclosed tags, `'<div>'.repeat(100000)`,
 * stray `<` and `&`). A `<` not followed by a letter, `/`, `!` or `?` is kept as text.
 */
export function stripHtml(text: string): string {
  if (text.indexOf('<') === -1 && text.indexOf('&') === -1) return text
  const out: string[] = []
  const n = text.length
  let copied = 0
  let i = 0
  // Position of the next '>' at or after the scan point; -2 = not searched yet, -1 = none left.
  let nextGt = -2
  while (i < n) {
    const code = text.charCodeAt(i)
    if (code === 38 /* & */) {
      const decoded = decodeEntityAt(text, i)
      if (decoded !== undefined) {
        out.push(text.slice(copied, i), decoded[0])
        i = decoded[1]
        copied = i
      } else {
        i++
      }
      continue
    }
    if (code !== 60 /* < */) {
      i++
      continue
    }
    const next = text.charCodeAt(i + 1)
    if (next === 33 /* ! */ && text.startsWith('<!--', i)) {
      const close = text.indexOf('-->', i + 4)
      out.push(text.slice(copied, i))
      i = close === -1 ? n : close + 3
      copied = i
      continue
    }
    const isTag = isAsciiLetter(next) || next === 47 /* / */ || next === 33 || next === 63 /* ? */
    if (!isTag || nextGt === -1) {
      i++
      continue
    }
    if (nextGt < i) nextGt = text.indexOf('>', i)
    if (nextGt === -1) {
      // No '>' anywhere after this point, so no later '<' can close either: the rest is text.
      i++
      continue
    }
    const end = nextGt
    const closing = next === 47
    const nameStart = i + (closing ? 2 : 1)
    let nameEnd = nameStart
    while (nameEnd < end && isNameChar(text.charCodeAt(nameEnd))) nameEnd++
    const name = text.slice(nameStart, nameEnd).toLowerCase()
    out.push(text.slice(copied, i))
    i = end + 1
    copied = i
    if (BLOCK_ELEMENTS.has(name)) out.push('\n')
    else if (SPACING_ELEMENTS.has(name)) out.push(' ')
    else if (!closing && HIDDEN_ELEMENTS.has(name) && text.charCodeAt(end - 1) !== 47 /* self-closing */) {
      const close = findClosingTag(text, name, i)
      i = close
      copied = i
      out.push(' ')
    }
  }
  out.push(text.slice(copied))
  return out.join('')
}

/** Index just after `</name ...>` searched from `from`, or the end of the text if it is never closed. */
function findClosingTag(text: string, name: string, from: number): number {
  // A literal-prefix regex scans forward once, and the '>' search starts where it stopped: linear.
  const pattern = new RegExp(`</${name}\\b`, 'gi')
  pattern.lastIndex = from
  const match = pattern.exec(text)
  if (match === null) return text.length
  const gt = text.indexOf('>', match.index)
  return gt === -1 ? text.length : gt + 1
}
