/** Entry point of the `related-articles` bin (built to dist/cli.js with a shebang). */
import { runCli } from './run.js'

// A closed pipe (`related-articles batch … | head`) is the reader's choice, not an error. Any other
// failed write to standard output (a full disk: ENOSPC) is one line on standard error and exit 1.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0)
  process.stderr.write(`related-articles: unexpected failure: cannot write to standard output (${error.code ?? error.message})\n`)
  process.exit(1)
})

process.exitCode = await runCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr })
