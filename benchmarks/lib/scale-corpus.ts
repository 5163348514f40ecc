/**
 * The duplicate-free scaling corpus of the scale benchmark (`benchmarks/scale.ts`).
 *
 * Repeating the 19,043 Reuters articles to reach 100,000 or 1,000,000 gives exact duplicates,
 * which measure nothing a real archive does (a duplicate-folding ranker even skips them). Here
 * each synthetic article is stitched from sentences of 3-5 nearby Reuters articles (an anchor
 * and 2-4 neighbours within {@link ScaleCorpusOptions.window} positions in the wire's order,
 * where stories of one day and one market sit together), with its person and company names and
 * its figures varied and a publication time drawn over ten years.
 *
 * Properties the benchmark relies on (tested in `tests/benchmarks/scale-corpus.test.ts`):
 * - deterministic: the same sources, seed and position give the same article on every run;
 * - prefix-stable: the first 100,000 of a 1,000,000 corpus are the 100,000 corpus;
 * - duplicate-free: no two articles share the same title and body;
 * - streaming: {@link scaleArticles} is a generator, so a million articles are never held at
 *   once (it keeps one 53-bit hash per article to refuse duplicates: tens of MB per million).
 */
import { hashString, seededRandom } from '../../src/evaluation/random.js'
import { loadDataset, type RankerArticle } from './datasets.js'

/** The Reuters corpus the sentences come from. */
export const SCALE_SOURCE_CORPUS = 'reuters21578-all'

/** Seed of the corpus used by the scale benchmark. */
export const SCALE_SEED = 20261204

/** Options of {@link scaleArticles}. */
export interface ScaleCorpusOptions {
  /** Articles to generate. */
  count: number
  /** Seed; a different seed gives a different corpus. Defaults to {@link SCALE_SEED}. */
  seed?: number
  /** Position of the first article (its id is `s<first>`), for drafts beyond a built corpus. Defaults to 0. */
  first?: number
  /** Neighbours are drawn within this many source positions of the anchor. Defaults to 20. */
  window?: number
  /** Start of the ten-year publication span. Defaults to 2015-01-01T00:00:00Z. */
  from?: Date
  /** Length of the publication span in days. Defaults to 3,652 (ten years). */
  spanDays?: number
}

/** A source article split into sentences once, shared by every article that draws on it. */
export interface ScaleSource {
  title: string
  sentences: readonly string[]
  source: string | undefined
}

/** Splits Reuters bodies into sentences: paragraphs first, then after `.`, `!` or `?` before a capital or quote. */
export function splitSentences(body: string): string[] {
  const out: string[] = []
  for (const paragraph of body.split(/\n\s*\n/)) {
    for (const sentence of paragraph.replace(/\s+/g, ' ').split(/(?<=[.!?])\s+(?=["'A-Z])/)) {
      const trimmed = sentence.trim()
      if (trimmed !== '') out.push(trimmed)
    }
  }
  return out
}

/** Prepares source articles (sentences split once). Sources without a sentence are dropped. */
export function prepareSources(articles: readonly RankerArticle[]): ScaleSource[] {
  const sources: ScaleSource[] = []
  for (const a of articles) {
    const sentences = splitSentences(a.body)
    if (sentences.length > 0) sources.push({ title: a.title.trim(), sentences, source: a.source })
  }
  return sources
}

/** The Reuters sources, or why they are absent (the benchmark and the tests then skip). */
export async function loadScaleSources(): Promise<{ sources: ScaleSource[] } | { sources: undefined; message: string }> {
  const loaded = await loadDataset(SCALE_SOURCE_CORPUS)
  if (loaded.dataset === undefined) return { sources: undefined, message: loaded.message }
  return { sources: prepareSources(loaded.dataset.articles) }
}

// Name pools for the varied names: 48 × 48 people, 32 × 12 companies. Invented, not drawn from the texts.
const FIRST_NAMES = ('Ada Alan Alice Amir Ana Ben Carla Chen Dara Dmitri Elena Emil Farah Felix Gita Hugo Ines Ivan Jana Jonas Kai Kenji ' +
  'Lena Luis Maya Marco Nadia Nils Omar Olga Pia Paulo Quinn Rosa Ravi Sara Sven Tariq Tess Uma Victor Vera Wen Yara Yusuf Zoe Zane Mila').split(' ')
const LAST_NAMES = ('Abbott Barros Castell Dahl Eriksen Fontaine Garza Halloran Ibsen Jovanic Kowalski Lindqvist Moreau Nakamura Okafor ' +
  'Petrov Quintero Rasmussen Sandoval Takahashi Ulrich Varga Whitlock Xu Yilmaz Zeller Amsel Brannock Cordell Delacroix Engstrom Farrow ' +
  'Gallo Hartmann Iqbal Jensen Kaur Lombardi Mbeki Novak Oyelaran Pereira Rinaldi Strand Toivonen Valdez Weber Zielinski').split(' ')
const COMPANY_STEMS = ('Arden Belmont Corvin Dunmore Eastlake Fairholt Glenrock Harwell Ironbridge Juniper Kestrel Larchmont Meridian ' +
  'Northgate Oakridge Pinecrest Quarry Redfern Stonehaven Tidewater Upland Vantage Westbury Yarrow Ashgrove Blackwater Cedarline ' +
  'Driftwood Elmstead Foxhollow Granite Halcyon').split(' ')
const COMPANY_KINDS = 'Corp Inc Holdings Group Industries Resources Partners Capital Energy Foods Mining Trust'.split(' ')

/** A capitalised pair of words inside a sentence (not at its start): most are names of people or companies. */
const NAME_PAIR = /(?<=[a-z,;] )[A-Z][a-z]+ [A-Z][a-z]+\b/g
/** A figure: digits with thousands separators and decimals. Years are kept (they date the story, not its figures). */
const FIGURE = /\b\d{1,3}(?:,\d{3})+(?:\.\d+)?\b|\b\d+(?:\.\d+)?\b/g

/** Varies a figure by a factor in [0.6, 1.4], keeping its format (decimals, thousands separators). */
function varyFigure(text: string, random: () => number): string {
  const plain = text.replace(/,/g, '')
  const value = Number(plain)
  if (!Number.isFinite(value) || (value >= 1900 && value <= 2100 && !plain.includes('.'))) return text
  const decimals = plain.includes('.') ? plain.length - plain.indexOf('.') - 1 : 0
  const varied = (value * (0.6 + random() * 0.8)).toFixed(decimals)
  if (!text.includes(',')) return varied
  const [whole, fraction] = varied.split('.') as [string, string | undefined]
  return whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',') + (fraction === undefined ? '' : `.${fraction}`)
}

/** Replaces names (half of the distinct pairs, consistently within the article) and every figure. */
function varyText(text: string, names: Map<string, string>, random: () => number): string {
  return text
    .replace(NAME_PAIR, (pair) => {
      let replacement = names.get(pair)
      if (replacement === undefined) {
        if (random() < 0.5) replacement = pair
        else if (random() < 0.7) replacement = `${pick(FIRST_NAMES, random)} ${pick(LAST_NAMES, random)}`
        else replacement = `${pick(COMPANY_STEMS, random)} ${pick(COMPANY_KINDS, random)}`
        names.set(pair, replacement)
      }
      return replacement
    })
    .replace(FIGURE, (figure) => varyFigure(figure, random))
}

function pick<T>(items: readonly T[], random: () => number): T {
  return items[Math.floor(random() * items.length)] as T
}

/**
 * Article number `position` of the corpus, computed from the seed and the position alone (so any
 * article can be made without the ones before it). `attempt` > 0 draws a different article for the
 * same position, which {@link scaleArticles} uses when a draw repeats an earlier article.
 */
export function scaleArticleAt(sources: readonly ScaleSource[], position: number, options: Omit<ScaleCorpusOptions, 'count'> = {}, attempt = 0): RankerArticle {
  if (sources.length === 0) throw new RangeError('scale corpus: no source articles')
  const seed = options.seed ?? SCALE_SEED
  const window = options.window ?? 20
  const from = (options.from ?? new Date(Date.UTC(2015, 0, 1))).getTime()
  const spanDays = options.spanDays ?? 3652
  const random = seededRandom((seed ^ hashString(`${position}:${attempt}`)) >>> 0)

  const anchorIndex = Math.floor(random() * sources.length)
  const anchor = sources[anchorIndex] as ScaleSource
  const neighbourCount = 2 + Math.floor(random() * 3)
  const neighbours: ScaleSource[] = []
  for (let i = 0; i < neighbourCount; i++) {
    let offset = 1 + Math.floor(random() * window)
    if (random() < 0.5) offset = -offset
    const index = Math.min(sources.length - 1, Math.max(0, anchorIndex + offset))
    neighbours.push(sources[index] as ScaleSource)
  }

  // The anchor gives the lead: a run of 2-6 sentences from a random start in its first half.
  const leadStart = Math.floor(random() * Math.ceil(anchor.sentences.length / 2))
  const leadLength = 2 + Math.floor(random() * 5)
  const sentences = anchor.sentences.slice(leadStart, leadStart + leadLength)
  // Each neighbour adds 1-2 sentences, each after a random one of the sentences so far.
  for (const neighbour of neighbours) {
    const take = 1 + Math.floor(random() * 2)
    for (let i = 0; i < take; i++) {
      const sentence = pick(neighbour.sentences, random)
      sentences.splice(1 + Math.floor(random() * sentences.length), 0, sentence)
    }
  }

  const names = new Map<string, string>()
  const title = varyText(anchor.title, names, random)
  const paragraphs: string[] = []
  for (let i = 0; i < sentences.length; ) {
    const size = 1 + Math.floor(random() * 2)
    paragraphs.push(sentences.slice(i, i + size).map((s) => varyText(s, names, random)).join(' '))
    i += size
  }
  // To the minute, as a newsroom stamps stories.
  const time = from + Math.floor(random() * spanDays * 1440) * 60_000
  const article: RankerArticle = { id: `s${position}`, title, body: paragraphs.join('\n\n'), publishedAt: new Date(time).toISOString() }
  if (anchor.source !== undefined) article.source = anchor.source
  return article
}

/** A 53-bit hash of title and body, to refuse duplicates without keeping the texts. */
function textHash(article: RankerArticle): number {
  const text = `${article.title}\u0000${article.body}`
  const high = hashString(text) & 0x1fffff
  const low = hashString(`${text.length}:${text}`)
  return high * 4294967296 + low
}

/**
 * The corpus, one article at a time: `options.count` articles from position `options.first`
 * (ids `s<position>`). A draw whose title and body repeat an earlier article of this stream is
 * drawn again (53-bit hash; a hash collision only costs a redraw), so the stream is duplicate-free.
 */
export function* scaleArticles(sources: readonly ScaleSource[], options: ScaleCorpusOptions): Generator<RankerArticle, void, undefined> {
  const first = options.first ?? 0
  if (!Number.isInteger(options.count) || options.count < 0) throw new RangeError(`scale corpus: count must be a non-negative integer, got ${options.count}`)
  const seen = new Set<number>()
  for (let position = first; position < first + options.count; position++) {
    for (let attempt = 0; ; attempt++) {
      const article = scaleArticleAt(sources, position, options, attempt)
      const hash = textHash(article)
      if (seen.has(hash)) continue
      seen.add(hash)
      yield article
      break
    }
  }
}
