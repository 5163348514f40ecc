import { RelatedArticlesError } from '../../src/errors.js'

/** The code of the RelatedArticlesError `fn` throws, or undefined when it returns; other errors propagate. */
export function codeOf(fn: () => unknown): string | undefined {
  try {
    fn()
    return undefined
  } catch (error) {
    if (!(error instanceof RelatedArticlesError)) throw error
    return error.code
  }
}

/** The RelatedArticlesError `promise` rejects with; fails the test when it resolves or rejects with anything else. */
export async function rejection(promise: Promise<unknown>): Promise<RelatedArticlesError> {
  try {
    await promise
  } catch (error) {
    if (!(error instanceof RelatedArticlesError)) throw error
    return error
  }
  throw new Error('expected a rejection')
}
