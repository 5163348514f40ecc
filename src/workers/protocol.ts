/**
 * Messages between a {@link RelatedPool} and its worker threads. Everything crosses by structured
 * clone, so results arrive as plain objects equal to the ones the worker computed.
 * @internal
 */
import type { Draft } from '../article.js'
import type { RelatedArticlesErrorCode } from '../errors.js'
import type { RelatedOptions } from '../ranking/options.js'
import type { RelatedResult } from '../ranking/result.js'

/** What a worker starts with: the snapshot, in memory every worker of the pool shares. */
export interface WorkerStart {
  snapshot: Uint8Array
}

/** A request from the pool; `seq` pairs it with its reply. */
export type WorkerRequest =
  | { seq: number; op: 'related'; id: string; options: RelatedOptions }
  | { seq: number; op: 'relatedTo'; draft: Draft; options: RelatedOptions }
  | { seq: number; op: 'batch'; ids: string[]; options: RelatedOptions }
  | { seq: number; op: 'ids' }

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
  | { seq: number; type: 'error'; error: WorkerError }
