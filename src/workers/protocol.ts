/**
 * Messages between a {@link RelatedPool} and its worker threads. Everything crosses by structured
 * clone, so results arrive as plain objects equal to the ones the worker computed.
 * @internal
 */
import type { Draft } from '../article.js'
import type { RelatedArticlesErrorCode } from '../errors.js'
import type { RelatedOptions } from '../ranking/options.js'
import type { RelatedResult } from '../ranking/result.js'

/**
 * What a worker starts with: the snapshot, in memory every worker of a query pool shares; or, for
 * an analysis worker of `addStream`, the index options to analyse articles with.
 */
export type WorkerStart = { snapshot: Uint8Array; indexOptions?: undefined } | { snapshot?: undefined; indexOptions: unknown }

/** A request from the pool; `seq` pairs it with its reply. */
export type WorkerRequest =
  | { seq: number; op: 'related'; id: string; options: RelatedOptions }
  | { seq: number; op: 'relatedTo'; draft: Draft; options: RelatedOptions }
  | { seq: number; op: 'batch'; ids: string[]; options: RelatedOptions }
  | { seq: number; op: 'ids' }
  | { seq: number; op: 'prepare'; articles: unknown[] }

/** An error as it crosses the thread boundary (a `RelatedArticlesError` keeps its code and details). */
export interface WorkerError {
  code: RelatedArticlesErrorCode | undefined
  message: string
  field?: string
  id?: string
  expected?: string
  got?: string
}

/** A worker's reply. */
export type WorkerReply =
  | { type: 'ready'; size: number }
  | { type: 'failed'; error: WorkerError }
  | { seq: number; type: 'result'; results: RelatedResult[] }
  | { seq: number; type: 'batch'; lists: RelatedResult[][] }
  | { seq: number; type: 'ids'; ids: string[] }
  /** Articles validated and analysed in order, up to the first that failed (`failure.position` in this request). */
  | { seq: number; type: 'prepared'; prepared: unknown[]; failure?: { position: number; error: WorkerError } }
  | { seq: number; type: 'error'; error: WorkerError }
