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

/** Asserts that `fn` throws a RelatedArticlesError with this code whose `field` is `field`. */
export function expectRelatedError(fn: () => unknown, code: string, field: string): void {
  let caught: unknown
  try {
    fn()
  } catch (error) {
    caught = error
  }
  if (!(caught instanceof RelatedArticlesError)) throw new Error(`expected a RelatedArticlesError ${code} on ${field}, got ${String(caught)}`)
  if (caught.code !== code || caught.field !== field) {
    throw new Error(`expected ${code} on ${field}, got ${caught.code} on ${String(caught.field)}: ${caught.message}`)
  }
}
