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
