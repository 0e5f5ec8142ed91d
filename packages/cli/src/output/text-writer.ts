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
    if (!this.out.write(text)) {
      await new Promise<void>((resolve, reject) => {
        const done = (err?: Error) => {
          this.out.off('drain', done)
          this.out.off('error', done)
          if (err) reject(err)
          else resolve()
        }
        this.out.once('drain', done)
        this.out.once('error', done)
      })
    }
  }
}
