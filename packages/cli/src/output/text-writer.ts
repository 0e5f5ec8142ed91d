import type { Writable } from 'node:stream'

/** Writes text to a stream, honouring backpressure, and counts the bytes. */
export class TextWriter {
  #bytes = 0
  constructor(private readonly out: Writable) {}

  get bytes(): number {
    return this.#bytes
  }

  async write(text: string): Promise<void> {
    if (text === '') return
    this.#bytes += Buffer.byteLength(text)
    if (!this.out.write(text)) await drained(this.out)
  }
}

/**
 * Resolves when `out` asks for more (`drain`), rejects if it fails first: what a writer awaits after
 * `write()` returned false.
 *
 * @example
 * if (!out.write(chunk)) await drained(out)
 */
export function drained(out: Writable): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const done = (err?: Error) => {
      out.off('drain', done)
      out.off('error', done)
      if (err) reject(err)
      else resolve()
    }
    out.once('drain', done)
    out.once('error', done)
  })
}
