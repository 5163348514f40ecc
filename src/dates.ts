const ISO_8601 = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/

/** Milliseconds since the epoch for an ISO 8601 string or a valid Date; `undefined` otherwise. */
export function parseDate(value: unknown): number | undefined {
  if (value instanceof Date) {
    const t = value.getTime()
    return Number.isNaN(t) ? undefined : t
  }
  if (typeof value !== 'string' || !ISO_8601.test(value.trim())) return undefined
  const t = Date.parse(value.trim())
  return Number.isNaN(t) ? undefined : t
}

