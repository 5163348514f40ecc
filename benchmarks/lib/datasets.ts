/**
 * Loads a shared benchmark dataset (see the data folder's README): `articles.jsonl` streamed line
 * by line, and `qrels.tsv` when the set is labelled.
 *
 * Rankers get only the fields each dataset README allows (`id, title, body`, plus `publishedAt`
 * and `source` where the set has them). Labels never reach the articles: the one label needed
 * here, the cross-validation group, is kept in a separate map.
 */
import { createReadStream, existsSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { resolve } from 'node:path'
import { createInterface } from 'node:readline'
import type { Article } from '../../src/article.js'
import { RelatedArticlesError, describeValue } from '../../src/errors.js'
import { parseQrels, type Qrels } from '../../src/evaluation/index.js'
import { datasetDir } from './paths.js'

/** The fields a ranker may read. */
export type RankerArticle = Pick<Article, 'id' | 'title' | 'body' | 'publishedAt' | 'source'>

/** A loaded dataset. */
export interface Dataset {
  name: string
  /** Articles with ranker-readable fields only, in file order. */
  articles: RankerArticle[]
  /** Relevance judgments; empty for an unlabelled set. */
  qrels: Qrels
  /** Whether the set has a `qrels.tsv`. */
  labelled: boolean
  /** The query article ids to evaluate (see {@link DatasetSpec.queries}). */
  queries: string[]
  /**
   * Cross-validation group of each article (a label: never give it to a ranker). Articles in the
   * same group must stay in the same fold. Empty when the set defines no groups.
   */
  groups: Map<string, string>
}

/** Result of {@link loadDataset}: the dataset, or why there is none. */
export type LoadDatasetResult = { dataset: Dataset; message?: undefined } | { dataset: undefined; message: string }

type JsonRecord = Record<string, unknown>

/** What each dataset README says about its fields, queries and groups. */
interface DatasetSpec {
  /** Optional ranker fields besides `id`, `title` and `body`. */
  optionalFields: ReadonlyArray<'publishedAt' | 'source'>
  /** `all-articles`: every article is a query; `qrels`: the query ids of the qrels. */
  queries: 'all-articles' | 'qrels'
  /** The groups of all articles, from their label fields. */
  groups?: (records: ReadonlyMap<string, JsonRecord>) => Map<string, string>
}

const DEFAULT_SPEC: DatasetSpec = { optionalFields: ['publishedAt', 'source'], queries: 'qrels' }

/**
 * Groups articles by a label that some articles carry more than once (an AllSides article cited by
 * two stories, a GVA report cited for two incidents): labels that share an article are merged
 * (union-find) and named by their smallest label, so that a relevant pair never straddles two folds.
 */
function mergedLabelGroups(single: string, plural: string): (records: ReadonlyMap<string, JsonRecord>) => Map<string, string> {
  return (records) => {
    const parent = new Map<string, string>()
    const find = (label: string): string => {
      let root = label
      while (parent.get(root) !== root) root = parent.get(root) as string
      parent.set(label, root)
      return root
    }
    const labelsOf = (id: string, record: JsonRecord): string[] => {
      const value = record[plural]
      const labels = Array.isArray(value) && value.length > 0 ? value : [record[single]]
      if (!labels.every((s): s is string => typeof s === 'string')) {
        throw new RelatedArticlesError('INVALID_ARTICLE', `article ${id}: expected a ${single} label, got ${describeValue(record[single])}`, { id })
      }
      return labels
    }
    for (const [id, record] of records) {
      const labels = labelsOf(id, record)
      for (const label of labels) if (!parent.has(label)) parent.set(label, label)
      for (const label of labels.slice(1)) {
        const [a, b] = [find(labels[0] as string), find(label)]
        if (a !== b) parent.set(a < b ? b : a, a < b ? a : b)
      }
    }
    const groups = new Map<string, string>()
    for (const [id, record] of records) groups.set(id, find(labelsOf(id, record)[0] as string))
    return groups
  }
}

/** AllSides groups by story. */
const storyGroups = mergedLabelGroups('story', 'stories')
/** GVA groups by incident. */
const incidentGroups = mergedLabelGroups('incident', 'incidents')

/** Per-dataset rules, from each folder's README. */
const DATASET_SPECS: Readonly<Record<string, DatasetSpec>> = {
  // "Feed the ranker only id, title, body, source"; every article is a query. Group = story.
  'allsides-stories-2021': { optionalFields: ['source'], queries: 'all-articles', groups: storyGroups },
  // "Feed the ranker only id, title, body, publishedAt, source"; queries are those of the qrels.
  // Group = the exact topic set (grade 2 means "same topic set").
  'reuters21578-modapte': { optionalFields: ['publishedAt', 'source'], queries: 'qrels', groups: topicSetGroups },
  // "Feed the ranker only id, title, body, publishedAt, source"; queries are those of the qrels.
  // Group = incident (a few articles are cited for two incidents: those incidents are merged).
  'gva-incidents-dev': { optionalFields: ['publishedAt', 'source'], queries: 'qrels', groups: incidentGroups },
  'reuters21578-all': { optionalFields: ['publishedAt', 'source'], queries: 'qrels' },
}

/** The labelled sets every quality benchmark and the tuner use by default, in table order. */
export const LABELLED_DATASETS: readonly string[] = Object.freeze(['allsides-stories-2021', 'reuters21578-modapte', 'gva-incidents-dev'])


/** Reuters groups by the exact topic set, sorted and joined with "+" ("grain+wheat"). */
function topicSetGroups(records: ReadonlyMap<string, JsonRecord>): Map<string, string> {
  const groups = new Map<string, string>()
  for (const [id, record] of records) {
    const topics = record.topics
    if (!Array.isArray(topics) || !topics.every((t): t is string => typeof t === 'string')) {
      throw new RelatedArticlesError('INVALID_ARTICLE', `article ${id}: expected a topics array, got ${describeValue(topics)}`, { id })
    }
    groups.set(id, [...topics].sort().join('+'))
  }
  return groups
}

function articleError(file: string, lineNumber: number, problem: string, value: unknown): RelatedArticlesError {
  return new RelatedArticlesError('INVALID_ARTICLE', `${file} line ${lineNumber}: ${problem}, got ${describeValue(value)}`, {
    field: `line ${lineNumber}`,
  })
}

/** Keeps only the ranker fields of one JSON record, checking their types. */
function toRankerArticle(record: JsonRecord, spec: DatasetSpec, lineNumber: number): RankerArticle {
  const { id, title, body } = record
  if (typeof id !== 'string' || id === '') throw articleError('articles.jsonl', lineNumber, '"id" must be a non-empty string', id)
  if (typeof title !== 'string') throw articleError('articles.jsonl', lineNumber, '"title" must be a string', title)
  if (typeof body !== 'string') throw articleError('articles.jsonl', lineNumber, '"body" must be a string', body)
  const article: RankerArticle = { id, title, body }
  for (const field of spec.optionalFields) {
    const value = record[field]
    if (value === undefined) continue
    if (typeof value !== 'string') throw articleError('articles.jsonl', lineNumber, `"${field}" must be a string`, value)
    article[field] = value
  }
  return article
}

/**
 * Loads dataset `name` from {@link datasetDir}. Returns `{ dataset: undefined, message }` when the
 * folder (or its `articles.jsonl`) is absent, so a benchmark can skip it.
 *
 * @throws RelatedArticlesError `INVALID_ARTICLE` (with the line) for a malformed or repeated
 *   article, `INVALID_OPTION` for a malformed qrels line, `NOT_FOUND` for a qrels id that is not
 *   an article.
 */
export async function loadDataset(name: string): Promise<LoadDatasetResult> {
  const { dir, present } = datasetDir(name)
  if (!present) {
    return {
      dataset: undefined,
      message: `dataset ${name} skipped: no ${name}/articles.jsonl under the data folder (set RELATED_ARTICLES_DATA to its location)`,
    }
  }
  const spec = DATASET_SPECS[name] ?? DEFAULT_SPEC
  const articles: RankerArticle[] = []
  // Label records are kept only when the set defines groups; they hold label fields only.
  const labelRecords = new Map<string, JsonRecord>()
  const seen = new Set<string>()
  const lines = createInterface({ input: createReadStream(resolve(dir, 'articles.jsonl'), 'utf8'), crlfDelay: Infinity })
  let lineNumber = 0
  for await (const line of lines) {
    lineNumber++
    if (line.trim() === '') continue
    let record: unknown
    try {
      record = JSON.parse(line)
    } catch {
      throw articleError('articles.jsonl', lineNumber, 'a JSON object', line)
    }
    if (typeof record !== 'object' || record === null || Array.isArray(record)) {
      throw articleError('articles.jsonl', lineNumber, 'a JSON object', record)
    }
    const article = toRankerArticle(record as JsonRecord, spec, lineNumber)
    if (seen.has(article.id)) {
      throw new RelatedArticlesError('DUPLICATE_ID', `articles.jsonl line ${lineNumber}: id ${JSON.stringify(article.id)} appears twice`, {
        id: article.id,
      })
    }
    seen.add(article.id)
    articles.push(article)
    if (spec.groups !== undefined) {
      const { story, stories, topics, incident, incidents } = record as JsonRecord
      labelRecords.set(article.id, { story, stories, topics, incident, incidents })
    }
  }

  const qrelsPath = resolve(dir, 'qrels.tsv')
  const labelled = existsSync(qrelsPath)
  const qrels = labelled ? parseQrels(await readFile(qrelsPath, 'utf8'), { format: 'tsv' }) : new Map<string, Map<string, number>>()
  for (const [queryId, judgments] of qrels) {
    for (const id of [queryId, ...judgments.keys()]) {
      if (!seen.has(id)) {
        throw new RelatedArticlesError('NOT_FOUND', `qrels.tsv of ${name} names ${JSON.stringify(id)}, which is not an article`, { id })
      }
    }
  }
  const queries = spec.queries === 'all-articles' ? articles.map((a) => a.id) : [...qrels.keys()]
  const groups = spec.groups === undefined ? new Map<string, string>() : spec.groups(labelRecords)
  return { dataset: { name, articles, qrels, labelled, queries, groups } }
}
