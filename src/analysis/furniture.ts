/**
 * Page furniture in already-extracted text: what around the story is not the story. Works line by
 * line on the text after HTML and Unicode clean-up, in time linear in its length:
 *
 * 1. each line on its own: the clutter list, crawler junk ({@link JUNK_PATTERNS}), a site's own
 *    lines (`siteFurniture`) and lines made only of links, e-mail addresses, handles or phone
 *    numbers (link density, as jusText and boilerpipe use it);
 * 2. teaser runs (outlet line, "8 hours ago", headline, lead), wherever two or more follow each
 *    other, or one closes the page; and runs of video playlist items ("1:45 Suspect appears in court");
 * 3. boxes: a line equal to a furniture heading ("Related Articles", "More from …") opens a box
 *    when at least {@link MIN_STORY_BEFORE_FURNITURE} characters of story precede it; the box runs
 *    to the end of the page, or until the story visibly resumes (see `markBoxes`);
 * 4. share bars and menus: runs of {@link MIN_MENU_RUN} or more short lines of menu words.
 *
 * Nothing here cuts inside a line: a heading word in a sentence is text.
 */
import {
  FURNITURE_HEADING_PATTERNS,
  FURNITURE_HEADINGS,
  JUNK_PATTERNS,
  MENU_WORDS,
  MIN_MENU_RUN,
  PLAYLIST_ITEM,
  PROSE_WORDS,
  RELATIVE_TIME,
} from './furniture-lists.js'
import {
  type ClutterMatcher,
  isClutterKey,
  lineKey,
  MAX_CLUTTER_LINE_LENGTH,
  normalizeUnicode,
  removeInlineClutter,
  trimTrailingPunctuation,
} from './normalize.js'

export { FURNITURE_HEADING_PATTERNS, FURNITURE_HEADINGS, JUNK_PATTERNS, MENU_WORDS, MIN_MENU_RUN } from './furniture-lists.js'

/**
 * Why a line was removed:
 * - `clutter`: on the clutter list (`clutter` option, {@link DEFAULT_CLUTTER});
 * - `junk`: crawler junk such as video notices, captcha and account prompts, copyright lines;
 * - `links`: only links, e-mail addresses, handles or phone numbers;
 * - `trailing`: a furniture heading and the box it opens (often the rest of the page);
 * - `teaser`: a teaser of another story (outlet, relative time, headline, lead) or a playlist item;
 * - `menu`: part of a share bar or menu ("Twitter", "Email", "Print");
 * - `site`: one of the article's site's own lines (`siteFurniture`);
 * - `suffix`: a headline suffix or prefix naming the outlet (" :: WRAL.com"; see `stripTitleSuffix`).
 *
 * @example
 * ```ts
 * const { removed } = createAnalyzer().normalize(page, { explain: true })
 * removed.filter((r) => r.kind === 'junk').map((r) => r.text) // ['Please enable Javascript to watch this video']
 * ```
 */
export type FurnitureKind = 'clutter' | 'junk' | 'links' | 'trailing' | 'teaser' | 'menu' | 'site' | 'suffix'

/**
 * One line removed by cleaning, as `normalize(text, { explain: true })` and
 * `analyze(input, { explain: true })` report it.
 *
 * @example
 * ```ts
 * createAnalyzer().normalize('Police said the man fled.\nAdvertisement', { explain: true }).removed
 * // [{ field: 'body', line: 2, text: 'Advertisement', kind: 'clutter' }]
 * ```
 */
export interface RemovedLine {
  /** The field the line came from (always `body` from `normalize`). */
  field: 'title' | 'body'
  /** 1-based number of the line in the text after HTML and Unicode clean-up. */
  line: number
  /** The line as it was, trimmed. */
  text: string
  /** Why it was removed. */
  kind: FurnitureKind
}

/** Story characters that must precede a furniture heading before it may open a box. */
export const MIN_STORY_BEFORE_FURNITURE = 400

/** Headings after which nothing is story: the comments and the tag list close a page. */
const FINAL_HEADINGS: ReadonlySet<string> = new Set(['comments', 'hashtags'])

/** Lines longer than this are never compared with a site's furniture lines. */
const MAX_SITE_LINE_LENGTH = 1_000

/** The cleaning settings of an analyzer (see `AnalyzerOptions`). @internal */
export interface CleaningSettings {
  furniture: boolean
  headings: readonly string[]
  siteFurniture: Readonly<Record<string, readonly string[]>>
}

/** Compiled cleaning settings. @internal */
export interface CleaningRules {
  readonly clutter: ClutterMatcher
  readonly furniture: boolean
  readonly headings: ReadonlySet<string>
  /** Folded line keys per site key (see {@link siteKey}). */
  readonly site: ReadonlyMap<string, ReadonlySet<string>>
}

/**
 * The key a `source` is matched by: lower-cased, trimmed, without a leading "www.", so
 * "WWW.WRAL.com" and "wral.com" are one site.
 */
export function siteKey(source: string): string {
  const key = source.trim().toLowerCase()
  return key.startsWith('www.') ? key.slice(4) : key
}

/** The key a furniture line is matched by: Unicode-normalised, lower-cased, single-spaced, no trailing punctuation. */
export function furnitureLineKey(line: string): string {
  return lineKey(normalizeUnicode(line))
}

/** Compiles cleaning settings once per analyzer. @internal */
export function compileCleaning(clutter: ClutterMatcher, settings: CleaningSettings): CleaningRules {
  const headings = new Set(FURNITURE_HEADINGS)
  for (const heading of settings.headings) {
    const key = furnitureLineKey(heading)
    if (key !== '') headings.add(key)
  }
  const site = new Map<string, Set<string>>()
  for (const [source, lines] of Object.entries(settings.siteFurniture)) {
    const key = siteKey(source)
    let set = site.get(key)
    if (set === undefined) site.set(key, (set = new Set()))
    for (const line of lines) {
      const lk = furnitureLineKey(line)
      if (lk !== '') set.add(lk)
    }
  }
  return { clutter, furniture: settings.furniture, headings, site }
}

function isHeading(line: string, i: number, keyOf: KeyOf, rules: CleaningRules): boolean {
  if (line.length > 80) return false
  const key = keyOf(i)
  if (key === '') return false
  if (rules.headings.has(key)) return true
  for (const pattern of FURNITURE_HEADING_PATTERNS) if (pattern.test(key)) return true
  return false
}

// Links, e-mail addresses, @handles, phone numbers, and the labels and separators around them.
const LINK_TOKEN = /https?:\/\/\S+|www\.\S+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+|@\w+|\(?\d{3}\)?[ .-]?\d{3}-\d{4}|\b(?:twitter|facebook|instagram|e-?mail|phone|tel|fax|follow(?: (?:me|us))?(?: on)?|contact)\b:?|[|:,;/•·-]/gi
const HAS_LINK = /https?:\/\/|www\.|@|\d{3}-\d{4}/

/** A line made only of links, addresses, handles or phone numbers, and their labels. */
function isLinkLine(trimmed: string): boolean {
  if (!HAS_LINK.test(trimmed)) return false
  return !/[\p{L}\p{N}]/u.test(trimmed.replace(LINK_TOKEN, ''))
}

// One alternation instead of a loop over the patterns: one regular-expression call per line.
const JUNK = new RegExp(JUNK_PATTERNS.map((pattern) => `(?:${pattern.source})`).join('|'), 'i')

const LETTER_OR_DIGIT = /[\p{L}\p{N}]/u

/** Crawler junk, or a line without a letter or digit (rules such as "___", "# # #", dotted lines). */
function isJunk(trimmed: string): boolean {
  return !LETTER_OR_DIGIT.test(trimmed) || JUNK.test(trimTrailingPunctuation(trimmed))
}

/** Share of a line's words that are common prose words (jusText's stop-word density). */
function proseDensity(line: string): number {
  const words = line.toLowerCase().match(/[a-z']+/g)
  if (words === null) return 0
  let prose = 0
  for (const word of words) if (PROSE_WORDS.has(word)) prose++
  return prose / words.length
}

/** An outlet name line above a teaser: short, not a sentence, few prose words. */
function isOutletLine(trimmed: string): boolean {
  return trimmed.length > 0 && trimmed.length <= 60 && !/[.!?"]$/.test(trimmed) && /^[\p{Lu}\d]/u.test(trimmed) && proseDensity(trimmed) < 0.4
}

/** A teaser headline: one short line that does not end like a sentence. */
function isHeadline(trimmed: string): boolean {
  return trimmed.length >= 10 && trimmed.length <= MAX_CLUTTER_LINE_LENGTH && !/[.!?:]$/.test(trimmed)
}

/**
 * Removes page furniture from normalised text (see the module comment). With `removed`, each
 * removed line is appended to it. Returns the text unchanged when nothing is removed.
 * @internal
 */
export function removeFurniture(text: string, rules: CleaningRules, source?: string, removed?: RemovedLine[]): string {
  if (!rules.furniture) return text
  const lines = text.split('\n')
  const n = lines.length
  const trimmed = lines.map((line) => line.trim())
  const kinds: (FurnitureKind | undefined)[] = new Array<FurnitureKind | undefined>(n)
  // Each line's comparable key, computed at most once: every step below compares keys.
  const keys = new Array<string | undefined>(n)
  const keyOf = (i: number): string => (keys[i] ??= lineKey(trimmed[i] as string))
  const siteLines = source === undefined || rules.site.size === 0 ? undefined : rules.site.get(siteKey(source))

  // 1. Lines on their own.
  let any = false
  for (let i = 0; i < n; i++) {
    const line = trimmed[i] as string
    if (line === '') continue
    let kind: FurnitureKind | undefined
    if (line.length <= MAX_CLUTTER_LINE_LENGTH) {
      if (isClutterKey(line, line.length <= rules.clutter.longestLine ? keyOf(i) : '', rules.clutter)) kind = 'clutter'
      else if (isJunk(line)) kind = 'junk'
      else if (isLinkLine(line)) kind = 'links'
    }
    if (kind === undefined && siteLines !== undefined && line.length <= MAX_SITE_LINE_LENGTH && siteLines.has(keyOf(i))) kind = 'site'
    if (kind !== undefined) {
      kinds[i] = kind
      any = true
    }
  }

  // 2. Teasers first, so that a box of them reads as one; 3. boxes under headings; 4. menus.
  if (markTeasers(trimmed, kinds, n, keyOf)) any = true
  if (markBoxes(trimmed, kinds, rules, keyOf)) any = true
  if (markMenus(trimmed, kinds, n, keyOf)) any = true
  if (!any) return text

  const kept: string[] = []
  for (let i = 0; i < n; i++) {
    const kind = kinds[i]
    if (kind === undefined) kept.push(lines[i] as string)
    else removed?.push({ field: 'body', line: i + 1, text: trimmed[i] as string, kind })
  }
  return kept.join('\n')
}

/** A line that reads as a paragraph of story: five words or more, ending like a sentence. */
function isProse(line: string): boolean {
  return /[.!?]["')]?$/.test(line) && line.split(/\s+/).length >= 5
}

const BULLET = /^(?:[+•*»·-]|>>?)\s/

/**
 * Marks the boxes that furniture headings open. A heading counts only as a whole line, after at
 * least {@link MIN_STORY_BEFORE_FURNITURE} characters of story. "Comments" and "Hashtags" end
 * the page. Any other box runs until the story resumes: two paragraphs in a row (a teaser list
 * alternates headline and lead), or, in a list of bulleted links, the first paragraph.
 */
function markBoxes(trimmed: readonly string[], kinds: (FurnitureKind | undefined)[], rules: CleaningRules, keyOf: KeyOf): boolean {
  const n = trimmed.length
  let marked = false
  let story = 0
  for (let i = 0; i < n; i++) {
    const line = trimmed[i] as string
    if (line === '') continue
    if (story < MIN_STORY_BEFORE_FURNITURE || (kinds[i] !== undefined && kinds[i] !== 'clutter') || !isHeading(line, i, keyOf, rules)) {
      if (kinds[i] === undefined) story += line.length
      continue
    }
    kinds[i] = 'trailing'
    marked = true
    const final = FINAL_HEADINGS.has(keyOf(i))
    let bulleted = false
    let j = i + 1
    for (; j < n; j++) {
      const item = trimmed[j] as string
      if (item === '' || kinds[j] !== undefined) continue
      if (!final && isProse(item) && !BULLET.test(item)) {
        const next = nextLive(trimmed, kinds, j + 1, n)
        if (bulleted || (next < n && isProse(trimmed[next] as string) && !BULLET.test(trimmed[next] as string))) break
      }
      if (BULLET.test(item)) bulleted = true
      kinds[j] = 'trailing'
    }
    i = j - 1
  }
  return marked
}

/** Index of the next line at or after `i` (and before `end`) that is not blank and not removed, or `end`. */
function nextLive(trimmed: readonly string[], kinds: readonly (FurnitureKind | undefined)[], i: number, end: number): number {
  let j = i
  while (j < end && (trimmed[j] === '' || kinds[j] !== undefined)) j++
  return j
}

/** A line's comparable key by its index (see `lineKey`), computed once per line. */
type KeyOf = (index: number) => string

function isRelativeTime(trimmed: readonly string[], i: number, keyOf: KeyOf): boolean {
  return (trimmed[i] as string).length <= 40 && RELATIVE_TIME.test(keyOf(i))
}

/**
 * Marks teaser runs: an optional outlet line, a relative time, bylines ("- Outlet"), a headline
 * and its lead. Runs that follow one another form a list; a list of two or more is furniture
 * wherever it stands, and a single run is furniture when it closes the page after enough story
 * (a lone "2 hours ago" above a page's own headline and story only loses the time line).
 */
function markTeasers(trimmed: readonly string[], kinds: (FurnitureKind | undefined)[], end: number, keyOf: KeyOf): boolean {
  const runs: { from: number; to: number }[] = []
  for (let i = 0; i < end; i++) {
    const line = trimmed[i] as string
    if (line === '' || !isRelativeTime(trimmed, i, keyOf)) continue
    let from = i
    let p = i - 1
    while (p >= 0 && trimmed[p] === '') p--
    if (p >= 0 && kinds[p] === undefined && isOutletLine(trimmed[p] as string) && (runs.length === 0 || p > (runs[runs.length - 1] as { to: number }).to)) from = p
    let to = i
    let j = i + 1
    // Skip blank lines, bylines and stamps that are already removed (the "- Outlet" line).
    while (j < end && (trimmed[j] === '' || kinds[j] !== undefined)) j++
    if (j < end && isHeadline(trimmed[j] as string) && !isRelativeTime(trimmed, j, keyOf)) {
      to = j
      const lead = nextLive(trimmed, kinds, j + 1, end)
      // The lead is a sentence or a paragraph; a short label is the next teaser's outlet line.
      if (lead < end && !isRelativeTime(trimmed, lead, keyOf) && !isOutletLine(trimmed[lead] as string)) to = lead
    }
    runs.push({ from, to })
    i = to
  }
  let marked = false
  const mark = (run: { from: number; to: number }): void => {
    for (let k = run.from; k <= run.to; k++) if (kinds[k] === undefined && trimmed[k] !== '') kinds[k] = 'teaser'
    marked = true
  }
  // Group runs that follow one another with nothing live in between.
  let group: { from: number; to: number }[] = []
  const flush = (): void => {
    if (group.length >= 2) group.forEach(mark)
    else if (group.length === 1) {
      const run = group[0] as { from: number; to: number }
      if (nextLive(trimmed, kinds, run.to + 1, end) >= end && storyBefore(trimmed, kinds, run.from) >= MIN_STORY_BEFORE_FURNITURE) mark(run)
    }
    group = []
  }
  for (const run of runs) {
    const last = group[group.length - 1]
    if (last !== undefined && nextLive(trimmed, kinds, last.to + 1, end) < run.from) flush()
    group.push(run)
  }
  flush()

  // Video playlists: two or more consecutive "1:45 Headline" lines.
  let start = -1
  let count = 0
  const closePlaylist = (stop: number): void => {
    if (count >= 2) {
      for (let k = start; k < stop; k++) if (kinds[k] === undefined && PLAYLIST_ITEM.test(trimmed[k] as string)) kinds[k] = 'teaser'
      marked = true
    }
    start = -1
    count = 0
  }
  for (let i = 0; i < end; i++) {
    const line = trimmed[i] as string
    if (line === '' || kinds[i] !== undefined) continue
    if (line.length <= MAX_CLUTTER_LINE_LENGTH && PLAYLIST_ITEM.test(line)) {
      if (start === -1) start = i
      count++
    } else closePlaylist(i)
  }
  closePlaylist(end)
  return marked
}

function storyBefore(trimmed: readonly string[], kinds: readonly (FurnitureKind | undefined)[], index: number): number {
  let story = 0
  for (let i = 0; i < index; i++) if (kinds[i] === undefined) story += (trimmed[i] as string).length
  return story
}

function isMenuLine(trimmed: readonly string[], i: number, keyOf: KeyOf): boolean {
  return (trimmed[i] as string).length <= 40 && MENU_WORDS.has(keyOf(i))
}

/**
 * Marks share bars and menus: a run of at least {@link MIN_MENU_RUN} menu-word lines, with blank
 * and already removed lines between them, is furniture. One "Email" line alone is kept.
 */
function markMenus(trimmed: readonly string[], kinds: (FurnitureKind | undefined)[], end: number, keyOf: KeyOf): boolean {
  let marked = false
  let run: number[] = []
  const close = (): void => {
    if (run.length >= MIN_MENU_RUN) {
      for (const k of run) kinds[k] = 'menu'
      marked = true
    }
    run = []
  }
  for (let i = 0; i < end; i++) {
    const line = trimmed[i] as string
    if (line === '' || (kinds[i] !== undefined && !isMenuLine(trimmed, i, keyOf))) continue
    if (kinds[i] === undefined && isMenuLine(trimmed, i, keyOf)) run.push(i)
    else if (kinds[i] === undefined) close()
  }
  close()
  return marked
}

/**
 * Cleans one normalised body: furniture and clutter lines, then inline clutter phrases. With
 * furniture off the text is returned as it is.
 * @internal
 */
export function cleanText(text: string, rules: CleaningRules, source?: string, removed?: RemovedLine[]): string {
  if (!rules.furniture) return text
  return removeInlineClutter(removeFurniture(text, rules, source, removed), rules.clutter)
}
