/** Buffered writing to a stream that respects back-pressure, so a slow pipe never fills memory. */

/** The part of a writable stream the writer uses. */
export interface OutputStream {
  write(chunk: string): boolean
  once(event: 'drain', listener: () => void): unknown
}

const FLUSH_AT = 1 << 16

/** Collects text and writes it in 64 KiB pieces, waiting for `drain` when the stream asks. */
export class BufferedWriter {
  private parts: string[] = []
  private size = 0

  constructor(private readonly stream: OutputStream) {}

  /** Queues `text`; resolves once it is buffered or handed to the stream. */
  async write(text: string): Promise<void> {
    this.parts.push(text)
    this.size += text.length
    if (this.size >= FLUSH_AT) await this.flush()
  }

  /** Hands everything buffered to the stream. */
  async flush(): Promise<void> {
    if (this.parts.length === 0) return
    const chunk = this.parts.join('')
    this.parts = []
    this.size = 0
    if (!this.stream.write(chunk)) await new Promise<void>((resolve) => this.stream.once('drain', resolve))
  }
}
