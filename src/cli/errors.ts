/**
 * A problem with what the user gave the command line (an option, a file, a line of input). The
 * CLI prints its message as one line and exits with {@link USAGE_EXIT_CODE}; no stack trace.
 */
export class CliError extends Error {
  override readonly name = 'CliError'
}

/** Exit code for bad options, missing or malformed input files and unknown ids. */
export const USAGE_EXIT_CODE = 2

/** Exit code for a failure that is not the input's fault (a bug or the machine). */
export const FAILURE_EXIT_CODE = 1

/** The message of any thrown value. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

/** A one-line description of a file-system error: "no such file", "is a directory", … */
export function describeFsError(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code
  switch (code) {
    case 'ENOENT':
      return 'no such file'
    case 'EISDIR':
      return 'is a directory, not a file'
    case 'EACCES':
    case 'EPERM':
      return 'permission denied'
    case 'ENOTDIR':
      return 'a parent of it is not a directory'
    default:
      return messageOf(error)
  }
}
