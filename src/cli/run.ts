/** The `related-articles` program: dispatches to a command and turns errors into exit codes. */
import { RelatedArticlesError } from '../errors.js'
import { LIBRARY_VERSION } from '../version.js'
import { wantsHelp } from './args.js'
import type { CliIo } from './commands.js'
import { batchCommand, evalCommand, indexCommand, relatedCommand } from './commands.js'
import { CliError, FAILURE_EXIT_CODE, USAGE_EXIT_CODE, messageOf } from './errors.js'
import { COMMAND_HELP, PROGRAM_HELP } from './help.js'
import { printable } from './jsonl.js'

const COMMANDS: Record<string, (argv: string[], io: CliIo) => Promise<number>> = {
  batch: batchCommand,
  index: indexCommand,
  related: relatedCommand,
  eval: evalCommand,
}

/**
 * Runs the program with `argv` (without `node` and the script) and returns the exit code:
 * 0 success, 2 bad options or input (one line on standard error), 1 anything unexpected.
 */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const [command, ...rest] = argv
  try {
    if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
      const topic = command === 'help' ? rest[0] : undefined
      io.stdout.write(topic !== undefined && COMMAND_HELP[topic] !== undefined ? COMMAND_HELP[topic] : PROGRAM_HELP)
      return command === undefined ? USAGE_EXIT_CODE : 0
    }
    if (command === '--version' || command === '-v') {
      io.stdout.write(`${LIBRARY_VERSION}\n`)
      return 0
    }
    const run = Object.hasOwn(COMMANDS, command) ? COMMANDS[command] : undefined
    if (run === undefined) {
      throw new CliError(`unknown command ${JSON.stringify(command)}; commands: ${Object.keys(COMMANDS).join(', ')} (see related-articles --help)`)
    }
    if (wantsHelp(rest)) {
      io.stdout.write(COMMAND_HELP[command] as string)
      return 0
    }
    return await run(rest, io)
  } catch (error) {
    if (error instanceof CliError || error instanceof RelatedArticlesError) {
      io.stderr.write(`related-articles: ${oneLine(error.message)}\n`)
      return USAGE_EXIT_CODE
    }
    const detail = process.env.RELATED_ARTICLES_DEBUG ? `\n${(error as Error)?.stack ?? ''}` : ' (set RELATED_ARTICLES_DEBUG=1 for details)'
    io.stderr.write(`related-articles: unexpected failure: ${oneLine(messageOf(error))}${detail}\n`)
    return FAILURE_EXIT_CODE
  }
}

function oneLine(text: string): string {
  return printable(text.replace(/\s*\n\s*/g, ' '))
}
