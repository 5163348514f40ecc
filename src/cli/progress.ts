/**
 * Progress for long work, on standard error, only when it is a terminal: a pipe or a log file
 * gets nothing, so results on standard output stay clean and logs stay readable.
 */
import cliProgress from 'cli-progress'

/** A progress display; every method is a no-op when progress is off. */
export interface Progress {
  /** Starts a bar for `total` items of `unit` ("articles", "lists"). */
  start(label: string, total: number, unit: string): void
  /** Sets the number of items done. */
  update(done: number): void
  /** Removes the bar. */
  stop(): void
}

/** What the progress display needs of a stream: where to write, and whether it is a terminal. */
export interface ProgressStream extends NodeJS.WritableStream {
  isTTY?: boolean
}

const SILENT: Progress = { start() {}, update() {}, stop() {} }

/** A progress bar on `stream` when it is a terminal and `quiet` is off; otherwise silence. */
export function createProgress(stream: ProgressStream, quiet: boolean): Progress {
  if (quiet || stream.isTTY !== true) return SILENT
  let bar: cliProgress.SingleBar | undefined
  let started = 0
  return {
    start(label, total, unit) {
      bar?.stop()
      started = Date.now()
      bar = new cliProgress.SingleBar({
        stream,
        format: `${label} [{bar}] {value}/{total} ${unit} | {rate}/s | ETA {eta_formatted}`,
        barsize: 30,
        clearOnComplete: true,
        hideCursor: true,
        etaBuffer: 200,
        linewrap: true,
      })
      bar.start(total, 0, { rate: '0' })
    },
    update(done) {
      const seconds = (Date.now() - started) / 1000
      bar?.update(done, { rate: seconds > 0 ? Math.round(done / seconds).toLocaleString('en-US') : '0' })
    },
    stop() {
      bar?.stop()
      bar = undefined
    },
  }
}
