/** Option parsing shared by the commands: `node:util` `parseArgs`, with one-line errors. */
import { parseArgs } from 'node:util'
import { MAX_K } from '../ranking/defaults.js'
import { CliError } from './errors.js'

/** One option of a command, as `parseArgs` wants it. */
export interface OptionSpec {
  type: 'string' | 'boolean'
  short?: string
}

/** Parsed options (strings and booleans) and positionals. */
export interface ParsedArgs {
  values: Record<string, string | boolean | undefined>
  positionals: string[]
}

/**
 * Parses `argv` strictly: an unknown option, an option missing its value or a value given to a
 * switch is a {@link CliError} naming it.
 */
export function parseCommandArgs(command: string, argv: string[], options: Record<string, OptionSpec>): ParsedArgs {
  try {
    const { values, positionals } = parseArgs({ args: argv, options, allowPositionals: true, strict: true })
    return { values: values as ParsedArgs['values'], positionals }
  } catch (error) {
    const code = (error as { code?: string }).code
    const message = error instanceof Error ? error.message : String(error)
    const option = /'(-[^']*)'/.exec(message)?.[1] ?? /(--?[\w-]+)/.exec(message)?.[1]
    if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
      throw new CliError(`${command}: unknown option ${option ?? message} (see related-articles ${command} --help)`)
    }
    if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
      const shown = option?.replace(/ <value>$/, '')
      throw new CliError(
        message.includes('does not take an argument')
          ? `${command}: option ${shown ?? ''} takes no value`
          : `${command}: option ${shown ?? ''} needs a value (see related-articles ${command} --help)`,
      )
    }
    throw new CliError(`${command}: ${message.split('\n')[0]}`)
  }
}

/** Exactly `count` positionals named `names`, or a {@link CliError}. */
export function expectPositionals(command: string, positionals: string[], names: string[]): string[] {
  if (positionals.length < names.length) {
    throw new CliError(`${command}: missing ${names.slice(positionals.length).map((n) => `<${n}>`).join(' ')} (see related-articles ${command} --help)`)
  }
  if (positionals.length > names.length) {
    throw new CliError(`${command}: unexpected argument ${JSON.stringify(positionals[names.length])} (see related-articles ${command} --help)`)
  }
  return positionals
}

/** `--k`: an integer from 1 to {@link MAX_K}. */
export function parseK(value: string | boolean | undefined, fallback: number): number {
  if (value === undefined) return fallback
  const text = String(value)
  const k = /^\d+$/.test(text) ? Number(text) : NaN
  if (!Number.isSafeInteger(k) || k < 1 || k > MAX_K) {
    throw new CliError(`--k must be an integer from 1 to ${MAX_K}, got ${JSON.stringify(text)}`)
  }
  return k
}

/** A string option that must be present. */
export function requireString(command: string, values: ParsedArgs['values'], name: string, what: string): string {
  const value = values[name]
  if (typeof value !== 'string' || value === '') throw new CliError(`${command}: --${name} <${what}> is required (see related-articles ${command} --help)`)
  return value
}

/** Whether `--help`/`-h` appears before a `--` terminator. */
export function wantsHelp(argv: string[]): boolean {
  for (const arg of argv) {
    if (arg === '--') return false
    if (arg === '--help' || arg === '-h') return true
  }
  return false
}
