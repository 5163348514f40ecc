/**
 * Build-time precompute for a blog or static news site: every article's related stories in one
 * JSON file, which page templates read instead of querying anything at run time.
 *
 *   npx tsx examples/static-site.ts                                  # the bundled sample → related.json
 *   npx tsx examples/static-site.ts articles.jsonl public/related.json --k 5 --min-score 0.1
 *
 * The file is `{ "k": 5, "articles": 292, "related": { "<id>": [{ id, title, url?, publishedAt?,
 * score, sharedEntities, sharedTerms }], … } }`, ids in code-unit order. It contains no timestamp,
 * so the same articles give the same bytes and an unchanged build does not invalidate caches.
 *
 * Lists come from `index.iterateRelated`, one at a time, and go straight into a write stream
 * (which pauses the loop while it is full), so memory holds one list, not the whole file, however
 * large the archive. The file is written under a temporary name and renamed at the end: a failed build
 * never leaves a half-written file where the site expects a whole one.
 */
import { createWriteStream } from 'node:fs'
import { mkdir, rename, rm, stat } from 'node:fs/promises'
import { dirname, resolve } from 'node:path'
import { pipeline } from 'node:stream/promises'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { RelatedIndex, type RelatedResult } from '../src/index.js' // in your project: from 'related-articles'
import { SAMPLE_PATH, readArticles } from './lib/articles.js'

/** Options of {@link buildRelatedFile}. */
export interface BuildOptions {
  /** JSON Lines file of articles. Defaults to the bundled Reuters sample. */
  input?: string
  /** Where to write the JSON file; its folder is created if missing. */
  output: string
  /** Related stories per article. Defaults to 5. */
  k?: number
  /** Leave out weaker stories (a page would rather show three good links than five). Defaults to 0. */
  minScore?: number
  /** Called after each list, for a progress line. */
  onProgress?: (done: number, total: number) => void
}

/** What {@link buildRelatedFile} wrote. */
export interface BuildSummary {
  output: string
  articles: number
  /** Related entries written, over all articles. */
  links: number
  bytes: number
  milliseconds: number
}

/** One related story as the site needs it: enough to render a link without another lookup. */
interface SiteLink {
  id: string
  title: string | undefined
  url?: string
  publishedAt?: string
  score: number
  sharedEntities: string[]
  sharedTerms: string[]
}

/** Indexes `input`, then streams every article's related list into `output`. */
export async function buildRelatedFile(options: BuildOptions): Promise<BuildSummary> {
  const started = performance.now()
  const k = options.k ?? 5
  const index = new RelatedIndex()
  index.addAll(readArticles(options.input ?? SAMPLE_PATH))
  // Options are checked here, before any file is created: a bad k fails fast.
  const lists = index.iterateRelated({
    k,
    minScore: options.minScore ?? 0,
    onProgress: options.onProgress === undefined ? undefined : ({ done, total }) => options.onProgress?.(done, total),
  })

  const output = resolve(options.output)
  await mkdir(dirname(output), { recursive: true })
  const temporary = `${output}.${process.pid}.tmp`
  let links = 0
  // The file as a sequence of chunks; pipeline() writes each when the stream has room for it
  // (back-pressure) and destroys the stream on any error.
  async function* chunks(): AsyncGenerator<string> {
    yield `{"k":${k},"articles":${index.size},"related":{`
    let first = true
    for (const [id, results] of lists) {
      links += results.length
      yield `${first ? '' : ','}\n${JSON.stringify(id)}:${JSON.stringify(results.map((r) => toLink(index, r)))}`
      first = false
    }
    yield '\n}}\n'
  }
  try {
    await pipeline(chunks(), createWriteStream(temporary, { encoding: 'utf8' }))
    await rename(temporary, output)
  } catch (error) {
    await rm(temporary, { force: true })
    throw error
  }
  return { output, articles: index.size, links, bytes: (await stat(output)).size, milliseconds: performance.now() - started }
}

function toLink(index: RelatedIndex, r: RelatedResult): SiteLink {
  const article = index.get(r.id)
  const published = article?.publishedAt
  return {
    id: r.id,
    title: article?.title,
    ...(article?.url === undefined ? {} : { url: article.url }),
    ...(published === undefined ? {} : { publishedAt: typeof published === 'string' ? published : published.toISOString() }),
    score: Math.round(r.score * 1000) / 1000,
    // A "why" line under the link; three of each is as much as a page shows.
    sharedEntities: r.reasons.sharedEntities.slice(0, 3),
    sharedTerms: r.reasons.sharedTerms.slice(0, 3),
  }
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    options: {
      k: { type: 'string', default: '5' },
      'min-score': { type: 'string', default: '0' },
      help: { type: 'boolean', short: 'h' },
    },
    allowPositionals: true,
    strict: true,
  })
  if (values.help || positionals.length > 2) {
    console.log('usage: npx tsx examples/static-site.ts [articles.jsonl] [output.json] [--k 5] [--min-score 0]')
    process.exitCode = values.help ? 0 : 2
    return
  }
  const [input = SAMPLE_PATH, output = 'related.json'] = positionals
  const tty = process.stderr.isTTY
  const summary = await buildRelatedFile({
    input,
    output,
    // Numbers go to the library unchecked: it refuses a bad k or min-score with a clear message.
    k: Number(values.k),
    minScore: Number(values['min-score']),
    onProgress: (done, total) => {
      if (tty && (done % 50 === 0 || done === total)) process.stderr.write(`\rRelated lists: ${done}/${total}`)
    },
  })
  if (tty) process.stderr.write('\n')
  console.log(
    `Wrote ${summary.links} related links for ${summary.articles} articles to ${summary.output} ` +
      `(${(summary.bytes / 1024).toFixed(0)} KB) in ${(summary.milliseconds / 1000).toFixed(1)} s.`,
  )
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((error: unknown) => {
    console.error(`static-site: ${error instanceof Error ? error.message : String(error)}`)
    process.exit(1)
  })
}
