/**
 * Text normalisation: HTML to text, Unicode clean-up, page clutter removal and diacritic folding.
 * Every function here runs in time linear in its input.
 */
import { stripHtml } from './html.js'

export { stripHtml }

/**
 * Page clutter removed by default: a line whose whole text matches one of these is dropped.
 *
 * - A string matches a line case-insensitively, ignoring surrounding whitespace, repeated spaces
 *   and trailing punctuation or an ellipsis ("No comments yet..." matches `No comments yet`).
 * - A RegExp is tested against the line trimmed and stripped of trailing punctuation, as it is (so
 *   give it `^…$` anchors and the `i` flag). Only lines of up to `MAX_CLUTTER_LINE_LENGTH`
 *   characters are tested: clutter is short, and the bound keeps any pattern cheap.
 *
 * The list comes from real news pages: share buttons, comment boxes, "Related Articles" boxes,
 * relative timestamps ("8 hours ago") and source bylines ("- South China Morning Post").
 *
 * @example
 * ```ts
 * // Also drop this site's footer line and its "Read more: …" links.
 * new RelatedIndex({ analysis: { clutter: [...DEFAULT_CLUTTER, 'Copyright Example News', /^read more:/i] } })
 * ```
 */
export const DEFAULT_CLUTTER: readonly (string | RegExp)[] = Object.freeze([
  'Advertisement',
  'Advertising',
  'Sponsored',
  'Sponsored content',
  'More to follow',
  'Related',
  'Related Articles',
  'Related Stories',
  'Related Content',
  'Related Topics',
  'Read more',
  'Read next',
  'Read the full story',
  'Recommended',
  'Recommended for you',
  'Most read',
  'Most popular',
  'Trending',
  'Comments',
  'Comment',
  'No comments yet',
  'Leave a comment',
  'Hashtags',
  'Tags',
  'Share',
  'Share this',
  'Share this article',
  'Share this story',
  'Share on Facebook',
  'Share on Twitter',
  'Share on X',
  'Share on LinkedIn',
  'Share on WhatsApp',
  'Share via Email',
  'Copy link',
  'Print',
  'Sign up for our newsletter',
  'Subscribe to our newsletter',
  'Subscribe',
  'Follow us',
  'Try our AI features',
  'Skip to content',
  'Skip to main content',
  'Loading',
  'Loading...',
  'Just now',
  // Wire credit lines closing a story ("Reuter" ends every Reuters-21578 story).
  'Reuter',
  'Reuters',
  'AP',
  'AFP',
  /^explore what .{1,80} can do for you$/i,
  /^(?:\d{1,4}|an?|one) (?:sec(?:ond)?s?|min(?:ute)?s?|h(?:ou)?rs?|days?|weeks?|months?|years?) ago$/i,
  // "Updated: 14 July 2025, 10:02" and the like: a stamp word, then a date or time (a digit, a
  // weekday or a month first), so "Posted propane prices were unchanged at 110 dlrs" stays.
  /^(?:updated|published|posted|last updated)(?::| at| on)? (?:\d|(?:mon|tue|wed|thu|fri|sat|sun|jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\b)[^\n]{0,80}$/i,
  // A byline line: "- South China Morning Post" (a dash, then one to six capitalised words).
  /^-\s*[A-Z][\w&.'-]*(?: [A-Z][\w&.'-]*){0,5}$/,
])

/**
 * Phrases removed even inside a paragraph, where pages splice them between sentences
 * ("...within 50 days. Advertisement Speaking alongside..."). A phrase is removed only where it
 * stands as a sentence of its own: at the start of a line or after sentence-ending punctuation,
 * and followed by the end of the line, an ellipsis or a capitalised word. It matches case-sensitively
 * as written and in capitals, so "the advertisement was banned" is left alone. "Reuter" is the
 * credit that ends every Reuters-21578 story ("... the sources said. REUTER"); "Buy Photo" is a
 * photo-store button that crawls glue to a story's first sentence ("Buy Photo The man who …").
 */
export const DEFAULT_INLINE_CLUTTER: readonly string[] = Object.freeze(['Advertisement', 'More to follow', 'Reuter', 'Buy Photo'])

/** Lines longer than this are never clutter; the bound keeps line matching cheap. */
export const MAX_CLUTTER_LINE_LENGTH = 200

/** Quotes and dashes unified by {@link normalizeUnicode}, and invisible characters removed. */
const CHARACTER_MAP: ReadonlyMap<string, string> = new Map([
  ['\u2018', "'"], ['\u2019', "'"], ['\u201a', "'"], ['\u201b', "'"], ['\u2039', "'"], ['\u203a', "'"],
  ['\u201c', '"'], ['\u201d', '"'], ['\u201e', '"'], ['\u201f', '"'], ['\u00ab', '"'], ['\u00bb', '"'],
  ['\u2012', '-'], ['\u2013', '-'], ['\u2014', '-'], ['\u2015', '-'], ['\u2212', '-'], ['\u2010', '-'], ['\u2011', '-'],
  ['\r', '\n'], ['\u2028', '\n'], ['\u2029', '\n'],
  ['\u00ad', ''], ['\u200b', ''], ['\u200c', ''], ['\u200d', ''], ['\u2060', ''], ['\ufeff', ''],
])

// One character class, so the text is scanned once; control characters become spaces.
// eslint-disable-next-line no-control-regex
const SPECIAL_CHARACTERS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\r\u2018-\u201f\u2039\u203a\u00ab\u00bb\u2010-\u2015\u2212\u2028\u2029\u00ad\u200b-\u200d\u2060\ufeff]/g

function replaceSpecial(char: string): string {
  return CHARACTER_MAP.get(char) ?? ' '
}

/**
 * Unicode clean-up: repairs lone surrogates (to U+FFFD), applies NFKC (full-width letters, ligatures,
 * `…` to `...`, no-break spaces to spaces), unifies quotes (‘’‚‛“”„«» to `'` and `"`) and dashes
 * (‒–—― to `-`), turns control characters into spaces and removes invisible ones (soft hyphen,
 * zero-width space, BOM).
 */
export function normalizeUnicode(text: string): string {
  let result = isWellFormed(text) ? text : toWellFormed(text)
  // ICU reorders a run of combining marks in quadratic time; no script needs more than a few
  // per letter, so cap runs at 30 first, as Unicode's Stream-Safe Text Format (UAX #15) does.
  if (MARK_RUN.test(result)) result = result.replace(LONG_MARK_RUN, (run) => run.slice(0, MAX_MARKS_PER_LETTER))
  result = result.normalize('NFKC')
  SPECIAL_CHARACTERS.lastIndex = 0
  return SPECIAL_CHARACTERS.test(result) ? result.replace(SPECIAL_CHARACTERS, replaceSpecial) : result
}

/** Longest run of combining marks kept on one letter (UAX #15's stream-safe limit). */
const MAX_MARKS_PER_LETTER = 30
const MARK_RUN = /\p{M}{31}/u
const LONG_MARK_RUN = /\p{M}{31,}/gu

// Node 20 has String.prototype.isWellFormed/toWellFormed, but TypeScript's ES2022 lib does not.
type WellFormedString = string & { isWellFormed(): boolean; toWellFormed(): string }

function isWellFormed(text: string): boolean {
  return (text as WellFormedString).isWellFormed()
}

function toWellFormed(text: string): string {
  return (text as WellFormedString).toWellFormed()
}

/** How a clutter list is used: strings as a set of folded lines, RegExps tested in turn. */
export interface ClutterMatcher {
  readonly lines: ReadonlySet<string>
  /** Lines longer than this cannot equal a string entry, so their key is never computed. */
  readonly longestLine: number
  readonly patterns: readonly RegExp[]
  readonly inline: RegExp | undefined
  readonly inlinePhrases: readonly string[]
}

/** The comparable form of a short line: lower-case, single-spaced, no trailing punctuation. @internal */
export function lineKey(line: string): string {
  return trimTrailingPunctuation(line.trim()).toLowerCase().replace(/\s+/g, ' ')
}

const TRAILING_PUNCTUATION = new Set(['.', ',', ':', ';', '!', '?', '\u2026', ' ', '\t', '-', '|', '>'])

/** The line without trailing punctuation, spaces, dashes, bars or `>`. @internal */
export function trimTrailingPunctuation(line: string): string {
  let end = line.length
  while (end > 0 && TRAILING_PUNCTUATION.has(line[end - 1] as string)) end--
  return line.slice(0, end)
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}

/** Prepares clutter lists for {@link removeClutter}. */
export function compileClutter(clutter: readonly (string | RegExp)[], inline: readonly string[]): ClutterMatcher {
  const lines = new Set<string>()
  const patterns: RegExp[] = []
  for (const entry of clutter) {
    if (typeof entry === 'string') {
      const key = lineKey(normalizeUnicode(entry))
      if (key !== '') lines.add(key)
    } else {
      // A private copy without the g/y flags, so `test` never depends on lastIndex.
      patterns.push(new RegExp(entry.source, entry.flags.replace(/[gy]/g, '')))
    }
  }
  const phrases = [...new Set(inline.flatMap((phrase) => [phrase, phrase.toUpperCase()]))].filter((p) => p.trim() !== '')
  const alternatives = phrases.map(escapeRegExp).join('|')
  // The phrase must stand alone: after a line start or sentence end, before a line end, an
  // ellipsis or a capitalised word. Each alternative starts with a literal, so the scan is linear.
  const inlinePattern =
    phrases.length === 0
      ? undefined
      : new RegExp(`(^|\\n|[.!?'")\\]] )[ \\t]*(?:${alternatives})(?:[ \\t]*\\.\\.\\.)?(?=[ \\t]*(?:$|\\n)| [A-Z"'])`, 'g')
  // Room for surrounding spaces, repeated inner spaces and trailing punctuation around a key.
  const longestLine = lines.size === 0 ? 0 : Math.max(...[...lines].map((line) => line.length)) * 2 + 16
  return { lines, patterns, longestLine, inline: inlinePattern, inlinePhrases: phrases }
}

/**
 * Removes clutter: drops whole lines that match the clutter list, then removes inline clutter
 * phrases where they stand as sentences of their own. Line breaks are kept so sentences stay apart.
 */
export function removeClutter(text: string, matcher: ClutterMatcher): string {
  return removeInlineClutter(removeClutterLines(text, matcher), matcher)
}

/** Removes the matcher's inline clutter phrases where they stand as sentences of their own. @internal */
export function removeInlineClutter(text: string, matcher: ClutterMatcher): string {
  let result = text
  const inline = matcher.inline
  if (inline !== undefined && matcher.inlinePhrases.some((phrase) => result.includes(phrase))) {
    // Repeat while something is removed: "Advertisement More to follow" needs two passes, and each
    // pass shrinks the text, so the passes are bounded by the number of phrases found.
    for (let pass = 0; pass < 4; pass++) {
      inline.lastIndex = 0
      const next = result.replace(inline, '$1')
      if (next === result) break
      result = next
      if (!matcher.inlinePhrases.some((phrase) => result.includes(phrase))) break
    }
  }
  return result
}

function removeClutterLines(text: string, matcher: ClutterMatcher): string {
  if (matcher.lines.size === 0 && matcher.patterns.length === 0) return text
  const lines = text.split('\n')
  const kept = lines.filter((line) => !(line.length <= MAX_CLUTTER_LINE_LENGTH && isClutterLine(line, matcher)))
  return kept.length === lines.length ? text : kept.join('\n')
}

/** Whether a line is on the clutter list (see {@link DEFAULT_CLUTTER}). @internal */
export function isClutterLine(line: string, matcher: ClutterMatcher): boolean {
  if (line.length === 0) return false
  return isClutterKey(line, line.length <= matcher.longestLine ? lineKey(line) : '', matcher)
}

/** {@link isClutterLine} with the line's {@link lineKey} already computed. @internal */
export function isClutterKey(line: string, key: string, matcher: ClutterMatcher): boolean {
  if (line.length === 0) return false
  if (line.length <= matcher.longestLine && matcher.lines.has(key)) return true
  if (matcher.patterns.length === 0) return false
  const trimmed = trimTrailingPunctuation(line.trim())
  for (const pattern of matcher.patterns) if (pattern.test(trimmed)) return true
  return false
}

/**
 * Letters whose accents do not decompose under NFD, or that fold to more than one letter.
 * Everything else with an accent folds by dropping its combining marks.
 */
const FOLD_MAP: ReadonlyMap<string, string> = new Map([
  ['ł', 'l'], ['Ł', 'L'], ['ø', 'o'], ['Ø', 'O'], ['đ', 'd'], ['Đ', 'D'], ['ð', 'd'], ['Ð', 'D'],
  ['ß', 'ss'], ['ẞ', 'SS'], ['æ', 'ae'], ['Æ', 'AE'], ['œ', 'oe'], ['Œ', 'OE'], ['ı', 'i'], ['þ', 'th'],
  ['Þ', 'TH'], ['ħ', 'h'], ['Ħ', 'H'], ['ŀ', 'l'], ['Ŀ', 'L'], ['ŋ', 'n'], ['Ŋ', 'N'], ['ƒ', 'f'],
  ['ſ', 's'], ['ĸ', 'k'], ['ŧ', 't'], ['Ŧ', 'T'], ['ɨ', 'i'], ['ʉ', 'u'],
])

/** Per-character fold results. Pure function memo, bounded by the number of distinct letters. */
const foldCache = new Map<string, string>()
const FOLD_CACHE_LIMIT = 20_000

/** Latin letters (Latin-1 to Latin Extended-B, IPA, Latin Extended Additional): the ones we fold. */
function isLatin(code: number): boolean {
  return code < 0x0250 || (code >= 0x1e00 && code <= 0x1eff)
}

function isCombiningMark(code: number): boolean {
  return code >= 0x0300 && code <= 0x036f
}

function foldChar(char: string): string {
  const cached = foldCache.get(char)
  if (cached !== undefined) return cached
  let folded = FOLD_MAP.get(char)
  if (folded === undefined) {
    folded = char
    const code = char.charCodeAt(0)
    if (isLatin(code)) {
      const decomposed = char.normalize('NFD')
      let end = decomposed.length
      while (end > 1 && isCombiningMark(decomposed.charCodeAt(end - 1))) end--
      if (end < decomposed.length) folded = decomposed.slice(0, end)
    }
  }
  if (foldCache.size >= FOLD_CACHE_LIMIT) foldCache.clear()
  foldCache.set(char, folded)
  return folded
}

/**
 * Removes accents from Latin letters: NFD then dropping combining marks ("São" → "Sao",
 * "Erdoğan" → "Erdogan"), plus an explicit map for letters that do not decompose or fold to two
 * letters (ł→l, ø→o, đ→d, ß→ss, æ→ae, œ→oe, ı→i, þ→th). Other scripts are left as they are, so
 * Cyrillic й and ё keep their marks and Russian stemming still works.
 */
export function foldDiacritics(text: string): string {
  return foldText(text, false).folded
}

/** Longest run of non-space characters handed to the tokenizer; longer runs become a space. */
export const MAX_CHUNK_LENGTH = 256

/** Folded text and, when it differs from the input, the input index of each folded character. */
export interface FoldedText {
  folded: string
  /** `offsets[i]` is the input index of folded character `i`; one extra entry maps the end. */
  offsets: Int32Array | undefined
}

/** Whether a UTF-16 code unit is whitespace (as the tokenizer sees it). */
export function isSpace(code: number): boolean {
  return (
    code <= 32 || code === 0x85 || code === 0xa0 || code === 0x1680 || (code >= 0x2000 && code <= 0x200a) ||
    code === 0x2028 || code === 0x2029 || code === 0x202f || code === 0x205f || code === 0x3000
  )
}

function isAsciiAlphanumeric(code: number): boolean {
  return (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122)
}

/**
 * Whether a space must go before `text[i]`, because wink-nlp remembers every token it makes and
 * later reads a whole chunk that it remembers as one token: where it splits a chunk differently
 * in one context, the tokens of a text would depend on the texts read before it. Two such
 * contexts are known: a possessive followed by punctuation ("Obama's." gives "Obama's" and then
 * every later "Obama's" stays unsplit) and a final double full stop ("N.Y.." gives "N.Y").
 */
function breaksBefore(text: string, i: number, code: number): boolean {
  if (code >= 0x80 || isSpace(code) || isAsciiAlphanumeric(code) || i < 2) return false
  const previous = text.charCodeAt(i - 1)
  if ((previous === 115 || previous === 83) && text.charCodeAt(i - 2) === 39) return true // 's or 'S
  return (
    code === 46 &&
    previous === 46 &&
    isAsciiAlphanumeric(text.charCodeAt(i - 2)) &&
    (i + 1 === text.length || isSpace(text.charCodeAt(i + 1)))
  )
}

/**
 * Prepares text for wink-nlp's tokenizer: folds diacritics (wink splits words such as "Erdoğan"
 * at letters it does not know) and records where each character came from, so tokens map back to
 * their original spelling. Also, so that wink's work is linear and its output does not depend on
 * earlier documents: runs of more than {@link MAX_CHUNK_LENGTH} non-space characters (URLs with
 * tracking strings, base64, a 100,000-character "word") become one space, since they are never
 * useful terms and wink's tokenizer is quadratic in their length; and a space goes where wink
 * would otherwise split a chunk in a way that depends on earlier documents (see `breaksBefore`).
 */
export function foldForTokenizer(text: string): FoldedText {
  return foldText(text, true)
}

function foldText(text: string, forTokenizer: boolean): FoldedText {
  const n = text.length
  let plain = true
  let run = 0
  for (let i = 0; i < n; i++) {
    const code = text.charCodeAt(i)
    if (isSpace(code)) run = 0
    else if (code >= 0x80 || (forTokenizer && (++run > MAX_CHUNK_LENGTH || breaksBefore(text, i, code)))) {
      plain = false
      break
    }
  }
  if (plain) return { folded: text, offsets: undefined }

  // Folding expands a character to at most two (ß → ss) and a break adds one: 2n + 1 suffice.
  const offsets = new Int32Array(2 * n + 1)
  const parts: string[] = []
  let k = 0
  let pending = 0 // start of the input slice still to be copied as it is
  let i = 0
  while (i < n) {
    const code = text.charCodeAt(i)
    if (isSpace(code)) {
      offsets[k++] = i++
      continue
    }
    let end = i + 1
    while (end < n && !isSpace(text.charCodeAt(end))) end++
    if (forTokenizer && end - i > MAX_CHUNK_LENGTH) {
      parts.push(text.slice(pending, i), ' ')
      offsets[k++] = i
      i = end
      pending = end
      continue
    }
    for (; i < end; i++) {
      const c = text.charCodeAt(i)
      if (c < 0x80) {
        if (forTokenizer && breaksBefore(text, i, c)) {
          parts.push(text.slice(pending, i), ' ')
          pending = i
          offsets[k++] = i
        }
        offsets[k++] = i
        continue
      }
      const width = c >= 0xd800 && c <= 0xdbff && i + 1 < end ? 2 : 1
      const char = text.slice(i, i + width)
      // A combining mark left over after NFKC belongs to the Latin letter before it.
      const folded = isCombiningMark(c) && isLatin(text.charCodeAt(i - 1)) ? '' : foldChar(char)
      if (folded === char) {
        for (let f = 0; f < width; f++) offsets[k++] = i + f
      } else {
        parts.push(text.slice(pending, i), folded)
        pending = i + width
        for (let f = 0; f < folded.length; f++) offsets[k++] = i
      }
      i += width - 1
    }
  }
  parts.push(text.slice(pending))
  offsets[k++] = n
  return { folded: parts.join(''), offsets: offsets.subarray(0, k) }
}
