/** Entry point of the `related-articles` bin (built to dist/cli.js with a shebang). */
import { runCli } from './run.js'

// A closed pipe (`related-articles batch … | head`) is the reader's choice, not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0)
  throw error
})

process.exitCode = await runCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr })
