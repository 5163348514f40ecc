/**
 * A worker thread of a {@link RelatedPool}: loads the index from the shared snapshot bytes once,
 * then answers queries until the pool terminates it. Built into `dist/related-worker.js`.
 * @internal
 */
import { parentPort, workerData } from 'node:worker_threads'
import { isRelatedArticlesError } from '../errors.js'
import { RelatedIndex, prepareDetached } from '../ranking/related-index.js'
import type { WorkerError, WorkerReply, WorkerRequest, WorkerStart } from './protocol.js'

function toWorkerError(error: unknown): WorkerError {
  if (isRelatedArticlesError(error)) {
    const { code, message, field, id, expected, got } = error
    return { code, message, ...(field === undefined ? {} : { field }), ...(id === undefined ? {} : { id }), ...(expected === undefined ? {} : { expected }), ...(got === undefined ? {} : { got }) }
  }
  return { code: undefined, message: error instanceof Error ? error.message : String(error) }
}

function answer(index: RelatedIndex, request: WorkerRequest): WorkerReply {
  switch (request.op) {
    case 'related':
      return { seq: request.seq, type: 'result', results: index.related(request.id, request.options) }
    case 'relatedTo':
      return { seq: request.seq, type: 'result', results: index.relatedTo(request.draft, request.options) }
    case 'batch':
      return { seq: request.seq, type: 'batch', lists: request.ids.map((id) => index.related(id, request.options)) }
    case 'ids':
      return { seq: request.seq, type: 'ids', ids: index.ids() }
    case 'prepare': {
      const prepared: unknown[] = []
      for (const article of request.articles) {
        try {
          prepared.push(prepareDetached(index, article))
        } catch (error) {
          return { seq: request.seq, type: 'prepared', prepared, failure: { position: prepared.length, error: toWorkerError(error) } }
        }
      }
      return { seq: request.seq, type: 'prepared', prepared }
    }
  }
}

const port = parentPort
if (port === null) throw new Error('related-articles worker: start it with new Worker(), not directly')
let index: RelatedIndex
try {
  const start = workerData as WorkerStart
  index = start.snapshot === undefined ? new RelatedIndex(start.indexOptions as never) : RelatedIndex.deserialize(start.snapshot)
  port.postMessage({ type: 'ready', size: index.size } satisfies WorkerReply)
} catch (error) {
  port.postMessage({ type: 'failed', error: toWorkerError(error) } satisfies WorkerReply)
  process.exit(1)
}
port.on('message', (request: WorkerRequest) => {
  let reply: WorkerReply
  try {
    reply = answer(index, request)
  } catch (error) {
    reply = { seq: request.seq, type: 'error', error: toWorkerError(error) }
  }
  port.postMessage(reply)
})
