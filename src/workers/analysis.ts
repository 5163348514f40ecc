/**
 * The analysis threads of `RelatedIndex.addStream({ threads })`: each holds an empty index with
 * the loading index's options and validates and analyses the articles it is sent; the loading
 * thread stores the results. @internal
 */
import type { Article } from '../article.js'
import type { Prepared } from '../ranking/related-index.js'
import type { PoolThread } from './pool.js'
import { fromWorkerError, startThreads } from './pool.js'
import type { WorkerReply } from './protocol.js'

/** The documented article fields: only these cross to a thread (an extra field could hold anything, even a function). */
const FIELDS = ['id', 'title', 'body', 'publishedAt', 'tags', 'section', 'source', 'url', 'entities', 'embedding'] as const

function documentedFields(value: unknown): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return value
  const copy: Record<string, unknown> = {}
  for (const field of FIELDS) {
    const v = (value as Record<string, unknown>)[field]
    if (v !== undefined) copy[field] = v
  }
  return copy
}

/** Freezes an article that crossed from a thread again, as validation froze it there (the clone is not frozen). */
function refreeze(prepared: Prepared): Prepared {
  const article = prepared.article as Article & { tags?: readonly string[]; entities?: readonly string[] }
  if (article.tags !== undefined) Object.freeze(article.tags)
  if (article.entities !== undefined) Object.freeze(article.entities)
  Object.freeze(article)
  return prepared
}

export class AnalysisPool {
  private seq = 0

  private constructor(private readonly threads: PoolThread[]) {}

  static async start(indexOptions: unknown, threads: number): Promise<AnalysisPool> {
    return new AnalysisPool((await startThreads({ indexOptions }, threads)).threads)
  }

  /**
   * Validates and analyses `articles` in order, cut into one contiguous part per thread: the
   * prepared articles up to the first that failed, and that failure's position and error.
   */
  async prepare(articles: readonly unknown[]): Promise<{ prepared: Prepared[]; failure?: { position: number; error: Error } }> {
    const size = Math.ceil(articles.length / this.threads.length)
    const parts = this.threads.map((thread, t) => {
      const part = articles.slice(t * size, (t + 1) * size).map(documentedFields)
      return part.length === 0 ? undefined : thread.send({ seq: ++this.seq, op: 'prepare', articles: part })
    })
    // Awaited in order below; marked handled now, since a failure (or the load ending) may leave some unawaited.
    for (const part of parts) part?.catch(() => undefined)
    const prepared: Prepared[] = []
    for (const part of parts) {
      if (part === undefined) continue
      const reply = (await part) as Extract<WorkerReply, { type: 'prepared' }>
      for (const p of reply.prepared) prepared.push(refreeze(p as Prepared))
      if (reply.failure !== undefined) {
        // Later parts may have failed too; the first failure in article order is the one to report.
        return { prepared, failure: { position: prepared.length, error: fromWorkerError(reply.failure.error) } }
      }
    }
    return { prepared }
  }

  async close(): Promise<void> {
    await Promise.all(this.threads.map((t) => t.worker.terminate()))
  }
}
