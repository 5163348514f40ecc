/**
 * Why same-story articles are missed ("look at the failures before tuning"). With the default
 * ranking, every grade-2 article that is not in its query's top 10 is classified by the first
 * reason that applies. On `allsides-stories-2021` (another outlet's coverage of the same story):
 *
 * - `few shared words`: the pair's text similarity is below {@link FEW_WORDS} (different
 *   vocabulary across outlets: an opinion piece and a news report of one event, say);
 * - `names written differently`: the two articles name people or places, but share no entity
 *   key while a word of one's entity names is a word of the other's ("Manchin" / "Joe Manchin"
 *   across documents, "Biden administration" / "Joe Biden");
 * - `other stories on the topic`: at least half of the query's top 10 are grade 1 (a different
 *   story with the same AllSides topic): several stories on one topic crowd it out;
 * - `other articles`: the rest. AllSides topic tags are coarse and not always consistent, so
 *   many of these are other stories on the same subject filed under another tag (other
 *   Arizona-audit stories above an Arizona-audit story, say), not unrelated articles.
 *
 * Each miss also records whether either article is marked OPINION, ANALYSIS or similar by
 * AllSides (`opinionTag`): commentary on an event shares few words with the report of it.
 *
 * On `gva-incidents-dev` (another report of the same shooting incident), after `few shared
 * words` and `names written differently`:
 * - `folded as a copy`: the article is a copy of a result above it (`reasons.duplicates`) or of
 *   the query itself (left out of the list, named by `copiesOf`);
 * - `similar incidents at other times`: at least half of the top 10 are other incidents
 *   published more than {@link FAR_DAYS} days from the query (time could have told them apart);
 * - `similar incidents at the same time`: the rest (other shootings in the same weeks).
 *
 * Labels (story, topic, opinion tag) are read only here, to explain the ranking; the ranker sees
 * id, title, body and source as the dataset README allows. Prints a table and writes
 * `benchmarks/results/failures.json` (counts and opaque ids only: the texts are copyrighted).
 *
 *   npx tsx benchmarks/failures.ts [--datasets a,b] [--examples N]   # N: print N missed pairs' headlines (console only)
 *
 * Exits 0 with a message when the dataset is absent.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { createAnalyzer, MAX_K, RelatedIndex, type RelatedResult } from '../src/index.js'
import { loadDataset } from './lib/datasets.js'
import { datasetDir, projectRoot } from './lib/paths.js'

const DEFAULT_DATASETS = ['allsides-stories-2021', 'gva-incidents-dev']
const K = 10
/** Text similarity under which a pair shares too little vocabulary to be found by words. */
const FEW_WORDS = 0.05
/** Days from the query beyond which another incident counts as "at another time". */
const FAR_DAYS = 30

type Reason =
  | 'few shared words'
  | 'names written differently'
  | 'folded as a copy'
  | 'other stories on the topic'
  | 'other articles'
  | 'similar incidents at other times'
  | 'similar incidents at the same time'
const REASONS: Record<string, Reason[]> = {
  'allsides-stories-2021': ['few shared words', 'names written differently', 'other stories on the topic', 'other articles'],
  'gva-incidents-dev': ['few shared words', 'names written differently', 'folded as a copy', 'similar incidents at other times', 'similar incidents at the same time'],
}

interface Miss {
  query: string
  missed: string
  /** 1-based rank in the default ranking, or null when beyond MAX_K or folded away. */
  rank: number | null
  textSimilarity: number
  sharedEntities: number
  /** Grade-1 and grade-0 articles among the query's top 10. */
  topSameTopic: number
  topOther: number
  /** Grade-0 articles among the top 10 published more than FAR_DAYS days from the query. */
  topFar: number
  /** Either article carries an AllSides opinion/analysis tag (a label). */
  opinion: boolean
  reason: Reason
}

function entityWords(keys: Iterable<string>): Set<string> {
  const words = new Set<string>()
  for (const key of keys) for (const w of key.split(/[\s-]+/)) if (w.length > 2) words.add(w)
  return words
}

async function main(): Promise<void> {
  const examples = Number(process.argv[process.argv.indexOf('--examples') + 1] ?? 0) || 0
  const at = process.argv.indexOf('--datasets')
  const names = at >= 0 ? (process.argv[at + 1] ?? '').split(',').filter(Boolean) : DEFAULT_DATASETS
  const out = resolve(projectRoot, 'benchmarks/results/failures.json')
  const results: Record<string, unknown> = {}
  for (const name of names) {
    if (REASONS[name] === undefined) throw new Error(`failures.ts knows the reasons of ${Object.keys(REASONS).join(', ')}, not ${name}`)
    const result = await analyse(name, examples)
    if (result !== undefined) results[name] = result
  }
  mkdirSync(resolve(out, '..'), { recursive: true })
  const file = {
    description: 'Grade-2 articles missing from the default top 10, by reason, per dataset (benchmarks/failures.ts).',
    generated: new Date().toISOString(),
    settings: { k: K, fewWords: FEW_WORDS, farDays: FAR_DAYS, ranking: 'RelatedIndex defaults' },
    datasets: results,
  }
  writeFileSync(out, `${JSON.stringify(file, null, 1)}\n`)
  console.log(`\nWrote ${out.slice(projectRoot.length + 1)}`)
}

async function analyse(DATASET: string, examples: number): Promise<Record<string, unknown> | undefined> {
  const loaded = await loadDataset(DATASET)
  if (loaded.dataset === undefined) {
    console.log(`Skipping ${DATASET}: ${loaded.message}`)
    return undefined
  }
  const reasons = REASONS[DATASET] as Reason[]
  const isAllSides = DATASET === 'allsides-stories-2021'
  const { articles, qrels, queries } = loaded.dataset
  const index = new RelatedIndex()
  index.addAll(articles)
  const analyzer = createAnalyzer()
  const entities = new Map(articles.map((a) => [a.id, new Set(analyzer.analyze(a).entities.map((e) => e.key))]))
  const titles = new Map(articles.map((a) => [a.id, `[${a.source ?? '?'}] ${a.title}`]))
  const opinionated = isAllSides ? opinionIds(datasetDir(DATASET).dir) : new Set<string>()
  const times = new Map(articles.map((a) => [a.id, a.publishedAt === undefined ? NaN : new Date(a.publishedAt as string | Date).getTime()]))
  const daysFrom = (a: string, b: string): number => Math.abs((times.get(a) as number) - (times.get(b) as number)) / 86_400_000

  const misses: Miss[] = []
  const topGrades = [0, 0, 0]
  let relevantPairs = 0
  let opinionPairs = 0
  for (const q of queries) {
    const judged = qrels.get(q) ?? new Map<string, number>()
    const ranking: RelatedResult[] = index.related(q, { k: MAX_K })
    const top = ranking.slice(0, K)
    for (const r of top) topGrades[Math.min(2, judged.get(r.id) ?? 0)]! += 1
    const topSameTopic = top.filter((r) => judged.get(r.id) === 1).length
    const topOther = top.filter((r) => (judged.get(r.id) ?? 0) === 0).length
    const topFar = top.filter((r) => (judged.get(r.id) ?? 0) === 0 && daysFrom(q, r.id) > FAR_DAYS).length
    // Copies of a result above are folded into it; copies of the query are left out of the list.
    const folded = new Set([...top.flatMap((r) => r.reasons.duplicates), ...index.copiesOf(q)])
    for (const [doc, grade] of judged) {
      if (grade < 2) continue
      relevantPairs++
      if (opinionated.has(q) || opinionated.has(doc)) opinionPairs++
      const at = ranking.findIndex((r) => r.id === doc)
      if (at >= 0 && at < K) continue
      const qKeys = entities.get(q) ?? new Set<string>()
      const dKeys = entities.get(doc) ?? new Set<string>()
      const shared = [...qKeys].filter((key) => dKeys.has(key)).length
      const qWords = entityWords(qKeys)
      const crossWord = [...entityWords(dKeys)].some((w) => qWords.has(w))
      const textSimilarity = at >= 0 ? (ranking[at] as RelatedResult).signals.text.value : 0
      const reason: Reason =
        textSimilarity < FEW_WORDS && !folded.has(doc)
          ? 'few shared words'
          : shared === 0 && qKeys.size > 0 && dKeys.size > 0 && crossWord
            ? 'names written differently'
            : isAllSides
              ? topSameTopic * 2 >= K
                ? 'other stories on the topic'
                : 'other articles'
              : folded.has(doc)
                ? 'folded as a copy'
                : topFar * 2 >= K
                  ? 'similar incidents at other times'
                  : 'similar incidents at the same time'
      const opinion = opinionated.has(q) || opinionated.has(doc)
      misses.push({ query: q, missed: doc, rank: at >= 0 ? at + 1 : null, textSimilarity, sharedEntities: shared, topSameTopic, topOther, topFar, opinion, reason })
    }
  }

  const byReason = reasons.map((reason) => {
    const rows = misses.filter((m) => m.reason === reason)
    const ranks = rows.map((m) => m.rank ?? Infinity).sort((a, b) => a - b)
    return { reason, misses: rows.length, share: rows.length / Math.max(1, misses.length), medianRank: ranks.length > 0 ? ranks[ranks.length >> 1] : null }
  })
  const rankBands = [
    { band: '11-20', misses: misses.filter((m) => m.rank !== null && m.rank <= 20).length },
    { band: '21-100', misses: misses.filter((m) => m.rank !== null && m.rank > 20 && m.rank <= 100).length },
    { band: '> 100 or not scored', misses: misses.filter((m) => m.rank === null || m.rank > 100).length },
  ]
  const slots = topGrades[0]! + topGrades[1]! + topGrades[2]!
  const missedOpinion = misses.filter((m) => m.opinion).length
  const opinion = {
    missedWithOpinion: missedOpinion,
    shareOfMissed: missedOpinion / Math.max(1, misses.length),
    shareOfFound: (opinionPairs - missedOpinion) / Math.max(1, relevantPairs - misses.length),
  }
  const failingQueries = new Set(misses.map((m) => m.query)).size

  console.log(`\n## ${DATASET}\n${queries.length} queries, ${relevantPairs} same-story pairs; default ranking, top ${K}.`)
  console.log(`Missed (not in the top ${K}): ${misses.length} pairs (${pct(misses.length / relevantPairs)}) in ${failingQueries} queries.\n`)
  console.log('reason                        misses   share  median rank')
  for (const r of byReason) console.log(`${r.reason.padEnd(28)} ${String(r.misses).padStart(7)} ${pct(r.share).padStart(7)}  ${String(r.medianRank ?? '-').padStart(11)}`)
  console.log('\nrank of the missed article: ' + rankBands.map((b) => `${b.band}: ${b.misses}`).join(', '))
  console.log(
    `top-${K} slots over all queries: same story ${pct(topGrades[2]! / slots)}, same topic (other story) ${pct(topGrades[1]! / slots)}, other ${pct(topGrades[0]! / slots)}`,
  )
  if (isAllSides) {
    console.log(
      `pairs with an opinion or analysis piece: ${pct(opinion.shareOfMissed)} of missed pairs, ${pct(opinion.shareOfFound)} of pairs found in the top ${K}`,
    )
  }
  for (const m of misses.slice(0, examples)) {
    console.log(`\n${m.reason}, rank ${m.rank ?? '-'}, text ${m.textSimilarity.toFixed(3)}\n  query:  ${titles.get(m.query)}\n  missed: ${titles.get(m.missed)}`)
  }

  return {
    queries: queries.length,
    relevantPairs,
    missedPairs: misses.length,
    failingQueries,
    byReason,
    rankBands,
    ...(isAllSides ? { opinion } : {}),
    topSlots: { sameStory: topGrades[2], sameTopic: topGrades[1], other: topGrades[0] },
    misses,
  }
}

/** Ids of articles AllSides tags as opinion, analysis or similar (the label `opinionTag`). */
function opinionIds(dir: string): Set<string> {
  const ids = new Set<string>()
  for (const line of readFileSync(resolve(dir, 'articles.jsonl'), 'utf8').split('\n')) {
    if (line.trim() === '') continue
    const record = JSON.parse(line) as { id: string; opinionTag?: unknown }
    if (typeof record.opinionTag === 'string' && record.opinionTag !== '') ids.add(record.id)
  }
  return ids
}

function pct(x: number): string {
  return `${(100 * x).toFixed(1)}%`
}

await main()
