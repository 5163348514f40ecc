/**
 * Named entities from part-of-speech patterns. The lite English model of wink-nlp tags proper
 * nouns but has no recogniser for people, organisations or places, so an entity here is a run of
 * proper nouns ("Sergey Lavrov", "Bank of England", "Kim Jong-un"), with titles removed
 * ("Foreign Minister"), demonyms mapped to places ("North Korean" → North Korea), calendar words
 * and capitalised sentence openers dropped, and short mentions merged into the full name
 * ("Lavrov" → Sergey Lavrov) within one article.
 */
import { foldDiacritics, normalizeUnicode } from './normalize.js'
import type { EntityMention } from './types.js'
import type { TokenArrays } from './wink.js'

/** One tokenised field (title or body), as the analyzer prepared it. */
export interface AnalysedField {
  readonly kind: 'title' | 'body'
  /** Normalised text with original spelling. */
  readonly text: string
  /** Diacritic-folded text that was tokenised. */
  readonly folded: string
  /** Input index in `text` of each character of `folded`; `undefined` when they are the same. */
  readonly offsets: Int32Array | undefined
  readonly tokens: TokenArrays
  /** Start of each token in `folded`. */
  readonly starts: Int32Array
  /** Word position of each token across title and body, or -1 for punctuation and symbols. */
  readonly positions: Int32Array
}

/** Settings of entity extraction, prepared once per analyzer. */
export interface EntitySettings {
  /** Demonym keys (folded, lower-case) to place display names. */
  readonly demonyms: ReadonlyMap<string, string>
  /** Keys of the places in `demonyms`: never merged into longer names. */
  readonly places: ReadonlySet<string>
  /** Number of body sentences that form the lead. */
  readonly leadSentences: number
}

/** Lower-case words allowed inside a name: "Bank of England", "Ursula von der Leyen". */
const CONNECTORS = new Set([
  'of', 'the', 'de', 'da', 'di', 'do', 'dos', 'das', 'del', 'della', 'der', 'den', 'van', 'von', 'al', 'el',
  'bin', 'ibn', 'le', 'la', 'du',
])

/** Words that make a title by themselves ("President", "Mr", "Pope"). */
const TITLE_HEADS = new Set([
  'president', 'vice-president', 'president-elect', 'minister', 'secretary', 'chancellor', 'premier',
  'senator', 'sen', 'rep', 'representative', 'congressman', 'congresswoman', 'governor', 'gov', 'mayor',
  'king', 'queen', 'prince', 'princess', 'emperor', 'pope', 'judge', 'leader', 'spokesman', 'spokeswoman',
  'spokesperson', 'ambassador', 'envoy', 'chairman', 'chairwoman', 'chair', 'ceo', 'director', 'commander',
  'chief', 'attorney', 'mr', 'mrs', 'ms', 'miss', 'dr', 'sir', 'dame', 'lord', 'lady', 'gen', 'lt', 'col', 'maj',
  'adm', 'sgt', 'capt', 'cpl', 'prof', 'professor', 'rev', 'reverend', 'ayatollah', 'sheikh', 'emir',
  'sultan', 'monsignor', 'cardinal', 'archbishop', 'bishop', 'rabbi', 'imam', 'speaker',
  'commissioner', 'administrator', 'secretary-general', 'surgeon',
  // Descriptions written like titles before a name ("Billionaire Jeff Bezos", "Coach Jane Doe").
  'billionaire', 'tycoon', 'mogul', 'magnate', 'actor', 'actress', 'singer', 'rapper', 'comedian',
  'author', 'novelist', 'writer', 'journalist', 'reporter', 'columnist', 'analyst', 'economist',
  'businessman', 'businesswoman', 'entrepreneur', 'investor', 'founder', 'co-founder', 'activist',
  'lawmaker', 'legislator', 'candidate', 'nominee', 'challenger', 'incumbent', 'coach', 'striker',
  'goalkeeper', 'midfielder', 'captain', 'astronaut', 'scientist', 'researcher', 'filmmaker',
  'producer', 'photographer', 'pastor', 'priest', 'cleric', 'councillor', 'councilman', 'councilwoman',
  'diplomat', 'official', 'officer', 'detective', 'prosecutor', 'lawyer', 'spokesperson', 'aide',
])

/** Words that qualify a following title ("Prime Minister", "First Deputy Prime Minister"). */
const TITLE_MODIFIERS = new Set([
  'prime', 'foreign', 'defence', 'defense', 'finance', 'interior', 'justice', 'trade', 'health', 'energy',
  'economy', 'home', 'state', 'first', 'deputy', 'vice', 'former', 'acting', 'supreme', 'crown', 'grand',
  'majority', 'minority', 'senior', 'executive', 'managing', 'lieutenant', 'major', 'rear', 'opposition',
  'house', 'senate', 'party', 'chief',
])

/** Words that may follow a title head and still be the title ("Secretary General", "Chief Executive"). */
const TITLE_TAILS = new Set(['general', 'executive', 'officer', 'justice', 'elect', 'emeritus'])

/** Portfolios after "of" that belong to the title ("Secretary of State", "Chief of Staff"). */
const TITLE_PORTFOLIOS = new Set([
  'state', 'defence', 'defense', 'finance', 'health', 'staff', 'justice', 'commerce', 'agriculture',
  'education', 'transportation', 'transport', 'labor', 'labour', 'treasury', 'war', 'energy', 'interior',
  'homeland', 'trade', 'foreign',
])

/** Months, weekdays and their abbreviations: capitalised, tagged as proper nouns, never entities. */
const CALENDAR_WORDS = new Set([
  'january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october',
  'november', 'december', 'jan', 'feb', 'mar', 'apr', 'jun', 'jul', 'aug', 'sep', 'sept', 'oct', 'nov',
  'dec', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday', 'mon', 'tue',
  'tues', 'wed', 'thu', 'thur', 'thurs', 'fri', 'sat', 'sun', 'today', 'tomorrow', 'yesterday',
])

/**
 * AP-style state abbreviations of datelines and addresses ("HAMPTON, Va. –"): local news names
 * its state this way, so they count as the state. Only the dotted forms: "La" or "Miss" without
 * a dot are other words.
 */
const STATE_ABBREVIATIONS = new Map([
  ['ala.', 'Alabama'], ['ariz.', 'Arizona'], ['ark.', 'Arkansas'], ['calif.', 'California'], ['colo.', 'Colorado'],
  ['conn.', 'Connecticut'], ['del.', 'Delaware'], ['fla.', 'Florida'], ['ga.', 'Georgia'], ['ill.', 'Illinois'],
  ['ind.', 'Indiana'], ['kan.', 'Kansas'], ['ky.', 'Kentucky'], ['la.', 'Louisiana'], ['md.', 'Maryland'],
  ['mass.', 'Massachusetts'], ['mich.', 'Michigan'], ['minn.', 'Minnesota'], ['miss.', 'Mississippi'], ['mo.', 'Missouri'],
  ['mont.', 'Montana'], ['neb.', 'Nebraska'], ['nev.', 'Nevada'], ['n.h.', 'New Hampshire'], ['n.j.', 'New Jersey'],
  ['n.m.', 'New Mexico'], ['n.y.', 'New York'], ['n.c.', 'North Carolina'], ['n.d.', 'North Dakota'], ['okla.', 'Oklahoma'],
  ['ore.', 'Oregon'], ['pa.', 'Pennsylvania'], ['r.i.', 'Rhode Island'], ['s.c.', 'South Carolina'], ['s.d.', 'South Dakota'],
  ['tenn.', 'Tennessee'], ['vt.', 'Vermont'], ['va.', 'Virginia'], ['wash.', 'Washington'], ['w.va.', 'West Virginia'],
  ['wis.', 'Wisconsin'], ['wyo.', 'Wyoming'],
])

/** A web address used as a name ("WRAL.com", "www.kxan.com"): the outlet itself, not news. */
const DOMAIN_SHAPE = /^(?:www\.)?[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)*\.(?:com|net|org|gov|edu|tv|us|co|news|info|io|uk|ca|au)$/u

/** A bare abbreviation such as "N." or "St.": too short to name anything by itself. */
const BARE_ABBREVIATION = /^\p{L}{1,3}\.$/u

/** Months that are also names, kept at the end of a multi-word name ("Theresa May"). */
const NAME_MONTHS = new Set(['april', 'may', 'june', 'august', 'march'])

/** "Aug.", "Monday", "mid-September". */
function isCalendarWord(key: string): boolean {
  if (CALENDAR_WORDS.has(key.endsWith('.') ? key.slice(0, -1) : key)) return true
  return key.includes('-') && key.split('-').some((part) => CALENDAR_WORDS.has(part))
}

/** "I'm" after an opening quote is one PROPN token for wink. */
const CONTRACTION = /^(?:i|you|we|they|he|she|it|that|there|here|what|who|let)'(?:m|re|ve|ll|d|s)$/

/** The longest entity, in tokens, looked for when matching known keys in a title. */
const MAX_MATCH_TOKENS = 6

/** The longest shorter mention (in words) merged into a longer name that starts or ends with it. */
const MAX_SHORT_MENTION_WORDS = 8

/** One mention found in the text, before mentions are grouped by key. */
interface Mention {
  key: string
  display: string
  position: number
  inTitle: boolean
  inLead: boolean
  /** A single capitalised word opening a sentence: kept only if the word is not also used in lower case. */
  opener: boolean
  /** Found by matching keys already collected (Title Case headlines), so no evidence of its own. */
  derived?: boolean
  /** For an opener: the folded lower-case word, to look for in lower case. */
  word: string
}

/** A grouped entity while an article is analysed. */
interface EntityDraft extends EntityMention {
  /** Keys with connectors ("bank of england") or places never take short mentions. */
  person: boolean
}

/** A unit of a run: one word, or several glued by hyphens ("Jong-un"). */
interface Unit {
  first: number
  last: number
  key: string
  connector: boolean
  proper: boolean
}

/**
 * Turns any name (a supplied entity, a tag, a display form) into an entity key: NFKC, diacritics
 * folded, lower-case, single-spaced, without surrounding punctuation or a trailing "'s".
 */
export function entityKey(name: string): string {
  let key = foldDiacritics(normalizeUnicode(name)).toLowerCase().replace(/\s+/g, ' ').trim()
  if (key.endsWith("'s")) key = key.slice(0, -2)
  return key.replace(/^[\s"'([{]+|[\s"',;:!?)\]}]+$/g, '')
}

/** Whether token `i` follows token `i - 1` with no space between them. */
function isGlued(field: AnalysedField, i: number): boolean {
  return i > 0 && field.starts[i] === (field.starts[i - 1] as number) + (field.tokens.values[i - 1] as string).length
}

function isUpperInitial(value: string): boolean {
  const code = value.charCodeAt(0)
  if (code < 0x80) return code >= 65 && code <= 90
  const first = value[0] as string
  return first !== first.toLowerCase()
}

function hasLowerInitial(value: string): boolean {
  const code = value.charCodeAt(0)
  if (code < 0x80) return code >= 97 && code <= 122
  const first = value[0] as string
  return first !== first.toUpperCase()
}

function isTitleWord(key: string, set: ReadonlySet<string>): boolean {
  return set.has(key.endsWith('.') ? key.slice(0, -1) : key)
}

/** Collects entity mentions of an article and groups them into {@link EntityMention}s. */
export function extractEntities(
  title: AnalysedField,
  body: AnalysedField,
  settings: EntitySettings,
  supplied: readonly string[],
  tags: readonly string[],
  wordCount: number,
): EntityMention[] {
  const mentions: Mention[] = []
  collectRuns(body, settings, mentions)
  const bodyMentions = mentions.length
  if (bodyMentions > 0 && isUnreliablyCased(title)) {
    matchKnownKeys(title, settings, mentions, bodyMentions)
  } else {
    collectRuns(title, settings, mentions)
  }
  dropCommonOpeners(mentions, [title, body], settings)

  const entities = new Map<string, EntityDraft>()
  for (const mention of mentions) addMention(entities, mention, settings)
  mergeShortMentions(entities, settings)
  addSupplied(entities, supplied, 'supplied', [title, body], settings, wordCount)
  addSupplied(entities, tags, 'tag', [title, body], settings, wordCount)

  const result: EntityMention[] = []
  for (const { person, ...entity } of entities.values()) {
    const parts = entity.key.split(' ')
    // A person's surname alone names them in other articles ("Manchin" for Joe Manchin).
    if (person && entity.origin === 'text' && parts.length <= 4 && !entities.has(parts[parts.length - 1] as string)) {
      result.push({ ...entity, surname: parts[parts.length - 1] as string })
    } else {
      result.push(entity)
    }
  }
  return result.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
}

/** Which sentence each token is in, and the first word token of each sentence. */
function sentenceStarts(field: AnalysedField): { sentenceOf: Int32Array; firstWord: Int32Array } {
  const { sentences } = field.tokens
  const sentenceOf = new Int32Array(field.positions.length)
  const firstWord = new Int32Array(sentences.length).fill(-1)
  for (let s = 0; s < sentences.length; s++) {
    const span = sentences[s] as number[]
    const end = span[1] as number
    for (let i = span[0] as number; i <= end; i++) {
      sentenceOf[i] = s
      if (firstWord[s] === -1 && (field.positions[i] as number) >= 0) firstWord[s] = i
    }
  }
  return { sentenceOf, firstWord }
}

/** Finds runs of proper nouns in one field and turns them into mentions. */
function collectRuns(field: AnalysedField, settings: EntitySettings, out: Mention[]): void {
  const { values, pos } = field.tokens
  const n = values.length
  if (n === 0) return
  // Keys come from the text as written, lower-cased, not from wink's normal forms (which respell
  // "Defence" as "defense"), so that supplied names and tags produce the same keys.
  const lower = (i: number): string => (values[i] as string).toLowerCase()
  const { sentenceOf, firstWord } = sentenceStarts(field)
  // The first word of a sentence or of a line (wink makes line breaks SPACE tokens), perhaps
  // after an opening quote, is capitalised whatever it is.
  const isOpener = (i: number): boolean => {
    if (firstWord[sentenceOf[i] as number] === i) return true
    let k = i - 1
    while (k >= 0 && k >= i - 3 && pos[k] === 'PUNCT') k--
    return k < 0 || pos[k] === 'SPACE'
  }
  // Capitalised nouns and adjectives extend a run ("Oval Office", "Defence Ministry"), except as
  // a sentence's first word, where every word is capitalised.
  const eligible = (i: number): boolean => {
    if ((field.positions[i] as number) < 0) return false
    const tag = pos[i]
    if (tag === 'PROPN') return true
    if (tag !== 'NOUN' && tag !== 'ADJ') return false
    const value = values[i] as string
    return isUpperInitial(value) && (!isOpener(i) || settings.demonyms.has(lower(i)))
  }
  const glued = (i: number): boolean => i < n && isGlued(field, i) && sentenceOf[i] === sentenceOf[i - 1]

  let units: Unit[] = []
  const emit = (): void => {
    for (const segment of splitTitles(units)) {
      for (const part of splitPlaces(segment, settings)) emitSegment(field, part, settings, isOpener, sentenceOf, out)
    }
    units = []
  }
  let i = 0
  while (i < n) {
    // Runs never cross a sentence (nor a line: line breaks are SPACE tokens, never eligible).
    if (units.length > 0 && sentenceOf[i] !== sentenceOf[(units[units.length - 1] as Unit).last]) {
      emit()
      continue
    }
    if (eligible(i)) {
      let last = i
      let key = lower(i)
      // Hyphenated names: "Jong" "-" "un" with no spaces between them.
      while (glued(last + 1) && values[last + 1] === '-' && glued(last + 2) && (field.positions[last + 2] as number) >= 0) {
        key += `-${lower(last + 2)}`
        last += 2
      }
      units.push({ first: i, last, key, connector: false, proper: pos[i] === 'PROPN' })
      i = last + 1
      continue
    }
    if (units.length > 0 && isConnector(i, units[units.length - 1] as Unit) && i + 1 < n && eligible(i + 1)) {
      units.push({ first: i, last: i, key: lower(i), connector: true, proper: false })
      i++
      continue
    }
    if (units.length > 0) emit()
    i++
  }
  if (units.length > 0) emit()

  function isConnector(index: number, previous: Unit): boolean {
    const word = lower(index)
    if (!CONNECTORS.has(word) || !hasLowerInitial(values[index] as string)) return false
    // "the" only after "of": "Bank of the West", but not "Putin the ...".
    return word !== 'the' || (previous.connector && previous.key === 'of')
  }
}

/**
 * Splits a known place from a name: "Sergey Lavrov of Russia" (two or more proper nouns, "of",
 * a place; "Bank of England" stays whole) and "Haiti Daniel Foote" (a place, then two or more
 * proper nouns; "Israel Katz" stays whole).
 */
function splitPlaces(segment: Unit[], settings: EntitySettings): Unit[][] {
  // "Haiti Daniel Foote" (from "envoy to Haiti Daniel Foote"): a place, then a two-word name.
  const first = segment[0]
  if (first !== undefined && segment.length >= 3 && settings.places.has(first.key) && segment.slice(1).every((u) => u.proper)) {
    return [[first], segment.slice(1)]
  }
  const of = segment.findIndex((u) => u.connector && u.key === 'of')
  if (of < 2) return [segment]
  const left = segment.slice(0, of)
  const right = segment.slice(of + 1)
  if (!left.every((u) => u.proper)) return [segment]
  const rightKey = right.map((u) => u.key).join(' ')
  return settings.places.has(rightKey) || settings.demonyms.has(rightKey) ? [left, right] : [segment]
}

/**
 * Removes titles from a run and returns what is left, split where the titles were:
 * "Nato Secretary General Mark Rutte" → [Nato], [Mark Rutte]. A title is any number of
 * modifiers, a head, then heads, tails or "of" and a portfolio ("First Deputy Prime Minister",
 * "Secretary of State"); modifiers without a head ("Defence Ministry") are part of the name.
 */
function splitTitles(run: Unit[]): Unit[][] {
  const segments: Unit[][] = []
  let current: Unit[] = []
  let j = 0
  while (j < run.length) {
    let k = j
    while (k < run.length && isTitleWord((run[k] as Unit).key, TITLE_MODIFIERS) && !isTitleWord((run[k] as Unit).key, TITLE_HEADS)) k++
    if (k < run.length && isTitleWord((run[k] as Unit).key, TITLE_HEADS)) {
      k++
      for (;;) {
        const unit = run[k]
        if (unit !== undefined && (isTitleWord(unit.key, TITLE_HEADS) || isTitleWord(unit.key, TITLE_TAILS))) k++
        else if (unit?.connector && unit.key === 'of' && TITLE_PORTFOLIOS.has(run[k + 1]?.key ?? '')) k += 2
        else break
      }
      segments.push(current)
      current = []
      j = k
      continue
    }
    current.push(run[j] as Unit)
    j++
  }
  segments.push(current)
  return segments
}

function emitSegment(
  field: AnalysedField,
  segment: Unit[],
  settings: EntitySettings,
  isOpener: (i: number) => boolean,
  sentenceOf: Int32Array,
  out: Mention[],
): void {
  let start = 0
  let end = segment.length
  // Connectors and calendar words never start or end a name ("Soybean Jan" is soybeans in
  // January), except months that are also surnames at the end ("Theresa May").
  const trimmed = (u: Unit): boolean => u.connector || isCalendarWord(u.key)
  while (start < end && trimmed(segment[start] as Unit)) start++
  while (end > start && trimmed(segment[end - 1] as Unit) && !NAME_MONTHS.has((segment[end - 1] as Unit).key)) end--
  if (start === end) return
  const units = segment.slice(start, end)
  const key = units.map((u) => u.key).join(' ')
  const firstToken = (units[0] as Unit).first
  const lastToken = (units[units.length - 1] as Unit).last
  const position = field.positions[firstToken] as number
  const inTitle = field.kind === 'title'
  const inLead = field.kind === 'body' && (sentenceOf[firstToken] as number) < settings.leadSentences
  // "Russian-backed", "US-made": a hyphenated word led by a demonym stands for the place.
  const hyphen = units.length === 1 ? key.indexOf('-') : -1
  const place =
    settings.demonyms.get(key) ??
    (units.length === 1 ? STATE_ABBREVIATIONS.get(key) : undefined) ??
    (hyphen > 0 ? settings.demonyms.get(key.slice(0, hyphen)) : undefined) ??
    (key.endsWith('s') ? settings.demonyms.get(key.slice(0, -1)) : undefined) // "Haitians"

  if (place !== undefined) {
    out.push({ key: entityKey(place), display: place, position, inTitle, inLead, opener: false, word: '' })
    return
  }
  if (!units.some((u) => u.proper)) return
  if (!/\p{L}/u.test(key) || key.length < 2) return
  const single = units.length === 1
  if (DOMAIN_SHAPE.test(key) || (single && BARE_ABBREVIATION.test(key)) || isDomainStem(field, lastToken)) return
  if (single && (isCalendarWord(key) || CONTRACTION.test(key))) return
  out.push({
    key,
    display: displayOf(field, firstToken, lastToken),
    position,
    inTitle,
    inLead,
    opener: single && isOpener(firstToken),
    word: key,
  })
}

/** "WRAL" of "WRAL.com": wink splits the address after the name, which is then no name. */
function isDomainStem(field: AnalysedField, last: number): boolean {
  const next = field.tokens.values[last + 1]
  if (next === undefined || !isGlued(field, last + 1)) return false
  if (next === '.') {
    const after = field.tokens.values[last + 2]
    return after !== undefined && isGlued(field, last + 2) && DOMAIN_SHAPE.test(`x.${after.toLowerCase()}`)
  }
  return next.startsWith('.') && DOMAIN_SHAPE.test(`x${next.toLowerCase()}`)
}

/** The original spelling of tokens `first..last`, whitespace collapsed. */
function displayOf(field: AnalysedField, first: number, last: number): string {
  const { values } = field.tokens
  const start = field.starts[first] as number
  const end = (field.starts[last] as number) + (values[last] as string).length
  // The offsets are exact when wink's tokens rebuild the text; if they ever do not, fall back to
  // the folded spelling rather than show a wrong slice.
  if (!field.folded.startsWith(values[first] as string, start) || !field.folded.startsWith(values[last] as string, end - (values[last] as string).length)) {
    return collapse(values.slice(first, last + 1).join(' '))
  }
  const offsets = field.offsets
  const display = offsets === undefined ? field.text.slice(start, end) : field.text.slice(offsets[start], offsets[end])
  return collapse(display)
}

function collapse(text: string): string {
  return /\s\s|[\n\t\r]/.test(text) ? text.replace(/\s+/g, ' ').trim() : text
}

/**
 * Title Case and ALL CAPS headlines ("Jeff Bezos Blasts Off to Space") make every word look like
 * a proper noun. Such titles are searched for the entities found in the body instead.
 */
function isUnreliablyCased(field: AnalysedField): boolean {
  const { values, pos } = field.tokens
  let lower = 0
  let capitalised = 0
  let anyLower = false
  for (let i = 0; i < values.length; i++) {
    if ((field.positions[i] as number) < 0) continue
    const value = values[i] as string
    if (/\p{Ll}/u.test(value)) anyLower = true
    else continue // an all-capitals word ("FDA") says nothing about the headline's style
    if (i === 0 || value.length < 4 || pos[i] === 'NUM') continue
    if (hasLowerInitial(value)) lower++
    else if (isUpperInitial(value)) capitalised++
  }
  if (!anyLower) return values.some((v) => /\p{Lu}/u.test(v))
  return capitalised >= 3 && lower <= 1
}

/**
 * Finds in a field the keys of mentions already collected (and demonyms), matching token
 * sequences of up to {@link MAX_MATCH_TOKENS} tokens, longest first. Single words also match the
 * first or last word of a multi-word entity ("BIDEN" → Joe Biden).
 */
function matchKnownKeys(field: AnalysedField, settings: EntitySettings, mentions: Mention[], known: number): void {
  const keys = new Map<string, string>()
  const partCounts = new Map<string, number>()
  const partOf = new Map<string, string>()
  for (let m = 0; m < known; m++) {
    const { key, display } = mentions[m] as Mention
    keys.set(key, display)
    const parts = key.split(' ')
    if (parts.length < 2 || settings.places.has(key)) continue
    for (const part of [parts[0] as string, parts[parts.length - 1] as string]) {
      if (partOf.get(part) === key) continue
      partOf.set(part, key)
      partCounts.set(part, (partCounts.get(part) ?? 0) + 1)
    }
  }
  const { values } = field.tokens
  const accept = (candidate: string, first: number): boolean => {
    if (keys.has(candidate) || partCounts.get(candidate) === 1) return true
    if (!settings.demonyms.has(candidate)) return false
    // "US" the country, not "Us" the pronoun in a Title Case headline.
    const value = values[first] as string
    return candidate.length > 3 ? !hasLowerInitial(value) : value === value.toUpperCase()
  }
  findSequences(field, accept, (candidate, first) => {
    const place = settings.demonyms.get(candidate)
    const key = place !== undefined ? entityKey(place) : keys.has(candidate) ? candidate : (partOf.get(candidate) as string)
    const display = place ?? (keys.get(key) as string)
    mentions.push({ key, display, position: field.positions[first] as number, inTitle: field.kind === 'title', inLead: false, opener: false, word: '', derived: true })
  })
}

/**
 * Calls `found` for each longest token sequence (up to {@link MAX_MATCH_TOKENS} tokens) whose key
 * `accept`s. Keys are built as entity keys are: lower-cased words joined by a space, or by nothing where
 * the text has no space (hyphenated names).
 */
function findSequences(field: AnalysedField, accept: (key: string, first: number) => boolean, found: (key: string, first: number, last: number) => void): void {
  const { values } = field.tokens
  const n = values.length
  let i = 0
  while (i < n) {
    if ((field.positions[i] as number) < 0) {
      i++
      continue
    }
    let key = (values[i] as string).toLowerCase()
    let best = -1
    let bestKey = ''
    for (let j = i; j < n && j < i + MAX_MATCH_TOKENS; j++) {
      if (j > i) key += (isGlued(field, j) ? '' : ' ') + (values[j] as string).toLowerCase()
      if ((field.positions[j] as number) >= 0 && accept(key, i)) {
        best = j
        bestKey = key
      }
    }
    if (best >= 0) {
      found(bestKey, i, best)
      i = best + 1
    } else {
      i++
    }
  }
}

/**
 * Drops single capitalised words that open a sentence or line and are probably not names: the
 * word also appears in lower case ("Attacks on ..." with "attacks" later), or it is an English
 * word ("Voicing") never mentioned elsewhere, alone or as part of a longer name. Places are kept.
 */
function dropCommonOpeners(mentions: Mention[], fields: readonly AnalysedField[], settings: EntitySettings): void {
  const openers = new Set<string>()
  const elsewhere = new Set<string>()
  for (const m of mentions) {
    if (m.opener) {
      openers.add(m.word)
      continue
    }
    if (m.derived === true) continue
    // A word that is part of a longer name ("Trump" with "Donald Trump") is a name too.
    for (const part of m.key.split(' ')) elsewhere.add(part)
  }
  if (openers.size === 0) return
  const common = new Set<string>()
  for (const field of fields) {
    for (const value of field.tokens.values) if (openers.has(value)) common.add(value)
  }
  const isKnownWord = (fields[0] as AnalysedField).tokens.isKnownWord
  for (const word of openers) {
    if (!common.has(word) && !elsewhere.has(word) && !settings.places.has(word) && isKnownWord(word)) common.add(word)
  }
  if (common.size === 0) return
  let kept = 0
  for (const m of mentions) if (!(m.opener && common.has(m.word))) mentions[kept++] = m
  mentions.length = kept
  // Headline matches of a dropped opener ("NET" in "4TH QTR NET" for a dropped "Net") go too.
  const remaining = new Set<string>()
  for (const m of mentions) if (m.derived !== true) remaining.add(m.key)
  kept = 0
  for (const m of mentions) if (m.derived !== true || remaining.has(m.key) || !common.has(m.key)) mentions[kept++] = m
  mentions.length = kept
}

function addMention(entities: Map<string, EntityDraft>, mention: Mention, settings: EntitySettings): void {
  const existing = entities.get(mention.key)
  if (existing === undefined) {
    const parts = mention.key.split(' ')
    entities.set(mention.key, {
      key: mention.key,
      display: mention.display,
      count: 1,
      firstPosition: mention.position,
      inTitle: mention.inTitle,
      inLead: mention.inLead,
      origin: 'text',
      person: parts.length >= 2 && !parts.some((p) => CONNECTORS.has(p)) && !settings.places.has(mention.key),
    })
    return
  }
  existing.count++
  existing.firstPosition = Math.min(existing.firstPosition, mention.position)
  existing.inTitle ||= mention.inTitle
  existing.inLead ||= mention.inLead
  if (mention.display.length > existing.display.length) existing.display = mention.display
}

/**
 * Merges shorter mentions into the one longer name that starts or ends with them ("Lavrov" →
 * Sergey Lavrov, "Kim" → Kim Jong-un, "Bra Kanon" → Denis Bra Kanon). Ambiguous forms ("Trump"
 * with both Donald and Melania Trump) and places stay as they are. Title mentions count too,
 * wherever they are.
 */
function mergeShortMentions(entities: Map<string, EntityDraft>, settings: EntitySettings): void {
  const byPart = new Map<string, EntityDraft[]>()
  for (const entity of entities.values()) {
    if (!entity.person) continue
    const parts = entity.key.split(' ')
    // Every proper prefix and suffix of the name, as a key: "denis", "denis bra", "bra kanon", "kanon".
    // Up to MAX_SHORT_MENTION_WORDS words: a run of thousands of capitalised tokens (a list of
    // codes) would otherwise make every prefix and suffix, quadratic in count and cubic in text.
    const forms = new Set<string>()
    for (let n = 1; n < parts.length && n <= MAX_SHORT_MENTION_WORDS; n++) {
      forms.add(parts.slice(0, n).join(' '))
      forms.add(parts.slice(parts.length - n).join(' '))
    }
    for (const form of forms) {
      const list = byPart.get(form)
      if (list === undefined) byPart.set(form, [entity])
      else list.push(entity)
    }
  }
  // Shortest first, so a name that is itself merged away is not used as a target afterwards.
  const shorter = [...entities.keys()].sort((a, b) => a.split(' ').length - b.split(' ').length || (a < b ? -1 : a > b ? 1 : 0))
  for (const key of shorter) {
    const entity = entities.get(key)
    if (entity === undefined || settings.places.has(key) || entity.origin !== 'text') continue
    const targets = byPart.get(key)?.filter((t) => entities.has(t.key))
    if (targets === undefined || targets.length !== 1) continue
    const target = targets[0] as EntityDraft
    target.count += entity.count
    target.firstPosition = Math.min(target.firstPosition, entity.firstPosition)
    target.inTitle ||= entity.inTitle
    target.inLead ||= entity.inLead
    entities.delete(key)
  }
}

/**
 * Adds caller-supplied entities or tags. One that matches an extracted entity keeps origin 'text'.
 * Otherwise it is looked for in the text (it may be lower-case or not a proper noun there); if
 * absent it counts as one mention placed after the last word (`firstPosition` = word count).
 */
function addSupplied(
  entities: Map<string, EntityDraft>,
  names: readonly string[],
  origin: 'supplied' | 'tag',
  fields: readonly AnalysedField[],
  settings: EntitySettings,
  wordCount: number,
): void {
  const pending = new Map<string, string>()
  for (const name of names) {
    let key = entityKey(name)
    if (key === '' || !/[\p{L}\p{N}]/u.test(key)) continue
    const place = settings.demonyms.get(key)
    if (place !== undefined) key = entityKey(place)
    const existing = entities.get(key)
    if (existing !== undefined) {
      if (existing.origin === 'tag' && origin === 'supplied') existing.origin = 'supplied'
      continue
    }
    if (!pending.has(key)) pending.set(key, place ?? normalizeUnicode(name).replace(/\s+/g, ' ').trim())
  }
  if (pending.size === 0) return
  const found = new Map<string, EntityDraft>()
  for (const field of fields) {
    const leadEnd = field.kind === 'body' ? leadEndToken(field, settings.leadSentences) : -1
    findSequences(field, (candidate) => pending.has(candidate), (key, first) => {
      const position = field.positions[first] as number
      const entity = found.get(key)
      const inTitle = field.kind === 'title'
      const inLead = first <= leadEnd
      if (entity === undefined) {
        found.set(key, { key, display: pending.get(key) as string, count: 1, firstPosition: position, inTitle, inLead, origin, person: false })
      } else {
        entity.count++
        entity.firstPosition = Math.min(entity.firstPosition, position)
        entity.inTitle ||= inTitle
        entity.inLead ||= inLead
      }
    })
  }
  for (const [key, display] of pending) {
    entities.set(key, found.get(key) ?? { key, display, count: 1, firstPosition: wordCount, inTitle: false, inLead: false, origin, person: false })
  }
}

/** Last token index of the lead, or -1 when the lead is empty. */
function leadEndToken(field: AnalysedField, leadSentences: number): number {
  const { sentences } = field.tokens
  if (leadSentences === 0 || sentences.length === 0) return -1
  const span = sentences[Math.min(leadSentences, sentences.length) - 1] as number[]
  return span[1] as number
}
