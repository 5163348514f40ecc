/**
 * Headline suffixes (and prefixes) that name the outlet or section ("Man shot in Raleigh :: WRAL.com",
 * "Toddler hurt - WMC Action News 5 - Memphis, Tennessee", "Teen killed | Local News"). Crawled
 * titles carry them; left in, every story of one outlet shares the outlet's words in the title,
 * the field that weighs most.
 */

/** Separators between a headline and its suffix (after Unicode clean-up dashes are `-`). */
const SEPARATOR = / (?:::|\||-|\/\/|•) /g

/**
 * Words that name a news outlet or a section. Matched as whole words, case-sensitively, so the
 * capitalised name "Times" counts and the word "times" in "three times" does not.
 */
export const OUTLET_WORDS: readonly string[] = Object.freeze([
  'News', 'NEWS', 'Weather', 'Sports', 'TV', 'Channel', 'Radio', 'FOX', 'Fox', 'NBC', 'CBS', 'ABC', 'CNN', 'NPR', 'PBS',
  'Times', 'Post', 'Herald', 'Journal', 'Tribune', 'Gazette', 'Globe', 'Press', 'Daily', 'Chronicle', 'Courier',
  'Examiner', 'Observer', 'Register', 'Bulletin', 'Telegraph', 'Eyewitness', 'Report', 'Reporter', 'Dispatch',
  'Enterprise', 'Leader', 'Record', 'Sentinel', 'Star', 'Sun', 'Inquirer', 'Democrat', 'Republican', 'Online',
])

// Not after a letter, so "44News" counts; not before a letter either.
const OUTLET_WORD = new RegExp(`(?<![A-Za-z])(?:${OUTLET_WORDS.join('|')})\\b`)
/** Broadcast call letters ("WRAL", "KSLA", "WFAA-TV") or a host name ("KMOV.com", "wave3.com"). */
const CALL_LETTERS = /\b[KW][A-Z]{2,3}\b/
const HOST_NAME = /\b[\w-]+\.(?:com|net|org|tv|us|co\.uk)\b/i
/** A segment that starts in lower case is a clause ("- here's what it means"), unless it is a host name. */
const LOWER_START = /^[a-z]/
/** Longest suffix removed, in characters: outlet names with a slogan fit, a clause does not. */
export const MAX_TITLE_SUFFIX_LENGTH = 100
/** Words the headline must keep, so that "Shooting - Local News" is not emptied. */
const MIN_HEADLINE_WORDS = 3

/** Longest outlet prefix removed ("CBS 58 - ", "FOX 46 Charlotte - "). */
export const MAX_TITLE_PREFIX_LENGTH = 40

/** What {@link stripTitleSuffix} found. */
export interface TitleSuffix {
  /** The headline without the suffix and prefix. */
  title: string
  /** The suffix removed, with its separator (" :: WRAL.com"), or `''`. */
  suffix: string
  /** An outlet prefix removed, with its separator ("CBS 58 - "), or `''`. */
  prefix: string
}

function namesOutlet(segment: string, sourceName: string | undefined, shouting: boolean): boolean {
  if (HOST_NAME.test(segment)) return true
  if (LOWER_START.test(segment.trimStart())) return false
  // In an all-capitals headline ("GOLD SOLD - WHIM CREEK") every word looks like call letters.
  if (OUTLET_WORD.test(segment) || (!shouting && CALL_LETTERS.test(segment))) return true
  return sourceName !== undefined && segment.toLowerCase().replace(/[^a-z0-9]/g, '').includes(sourceName)
}

function isShouting(title: string): boolean {
  return !/[a-z]/.test(title)
}

/** The distinctive part of a source host: "www.wral.com" → "wral", "pittsburgh.cbslocal.com" → "cbslocal". */
function sourceNameOf(source: string | undefined): string | undefined {
  if (source === undefined) return undefined
  const labels = source.trim().toLowerCase().split('.').filter((label) => label !== '' && label !== 'www')
  const name = labels.length >= 2 ? labels[labels.length - 2] : labels[0]
  const bare = name?.replace(/[^a-z0-9]/g, '')
  return bare !== undefined && bare.length >= 3 ? bare : undefined
}

/**
 * Removes a suffix naming the outlet or section from a headline: the text after the first
 * separator (` :: `, ` | `, ` - `, ` // `, ` • `) whose next segment names an outlet (an outlet
 * word such as "News" or "Times", call letters such as "WRAL", a host name, or the article's
 * `source`), when the suffix is at most {@link MAX_TITLE_SUFFIX_LENGTH} characters and at least
 * three words of headline remain. Without such a suffix, a first segment of at most
 * {@link MAX_TITLE_PREFIX_LENGTH} characters that names an outlet is removed as a prefix
 * ("CBS 58 - Five killed …"). Linear in the title's length.
 *
 * @example
 * ```ts
 * stripTitleSuffix('Man shot in Raleigh :: WRAL.com').title // 'Man shot in Raleigh'
 * stripTitleSuffix('Toddler hurt in crash - WMC Action News 5 - Memphis, Tennessee').suffix
 * // ' - WMC Action News 5 - Memphis, Tennessee'
 * stripTitleSuffix('Brother - and sister - reunite after 40 years').suffix // ''
 * ```
 */
export function stripTitleSuffix(title: string, source?: string): TitleSuffix {
  const { title: headline, suffix } = stripSuffix(title, source)
  if (suffix !== '') return { title: headline, suffix, prefix: '' }
  // An outlet name first ("CBS 58 - Five killed in overnight shootings"), only when no suffix was found.
  SEPARATOR.lastIndex = 0
  const first = SEPARATOR.exec(title)
  if (first === null || first.index > MAX_TITLE_PREFIX_LENGTH) return { title, suffix: '', prefix: '' }
  const rest = title.slice(first.index + first[0].length)
  if (rest.trim().split(/\s+/).length < MIN_HEADLINE_WORDS || !namesOutlet(title.slice(0, first.index), sourceNameOf(source), isShouting(title))) {
    return { title, suffix: '', prefix: '' }
  }
  return { title: rest, suffix: '', prefix: title.slice(0, first.index + first[0].length) }
}

function stripSuffix(title: string, source: string | undefined): { title: string; suffix: string } {
  const text = title.trimEnd()
  if (!text.includes(' ')) return { title, suffix: '' }
  const sourceName = sourceNameOf(source)
  const shouting = isShouting(text)
  SEPARATOR.lastIndex = 0
  const separators: { at: number; length: number }[] = []
  for (let match = SEPARATOR.exec(text); match !== null; match = SEPARATOR.exec(text)) {
    separators.push({ at: match.index, length: match[0].length })
  }
  for (let i = 0; i < separators.length; i++) {
    const { at, length } = separators[i] as { at: number; length: number }
    if (text.length - at > MAX_TITLE_SUFFIX_LENGTH) continue
    const head = text.slice(0, at).trim()
    if (head.split(/\s+/).length < MIN_HEADLINE_WORDS) continue
    const next = separators[i + 1]
    const segment = text.slice(at + length, next === undefined ? text.length : next.at)
    if (namesOutlet(segment, sourceName, shouting)) return { title: text.slice(0, at), suffix: text.slice(at) }
  }
  return { title, suffix: '' }
}
