import { afterEach, beforeEach } from 'vitest'

// Vitest workers report progress to the main process over an RPC channel whose calls time out
// after 60 seconds, and a reply is only read when the worker's event loop turns. Our tests are
// synchronous (indexing and ranking are), so a file of heavy tests can keep the loop busy for a
// minute on a loaded two-core machine and fail with "Timeout calling onTaskUpdate" although no
// test is slow on its own. Yielding one macrotask around every test lets the pending replies in,
// so only a single test (or hook) longer than a minute could still starve the channel.
const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve))

beforeEach(yieldToEventLoop)
afterEach(yieldToEventLoop)
