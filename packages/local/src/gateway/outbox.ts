/**
 * Collects frames to write to one socket and writes them in one go. Frames that lie next to each
 * other in memory (consecutive messages of one received chunk, the common case when streaming rows)
 * are written as a single slice, so forwarding a chunk of DataRows costs one write and no copy.
 */
import type { Socket } from 'node:net'

/** Frames waiting to be written to one socket. */
export class Outbox {
  readonly #chunks: Buffer[] = []
  #base: Buffer | undefined
  #start = 0
  #end = 0

  push(frame: Buffer): void {
    const base = this.#base
    if (
      base !== undefined &&
      frame.buffer === base.buffer &&
      frame.byteOffset === base.byteOffset + this.#end
    ) {
      this.#end += frame.length
      return
    }
    this.#close()
    this.#base = frame
    this.#start = 0
    this.#end = frame.length
  }

  #close(): void {
    const base = this.#base
    if (base === undefined) return
    this.#chunks.push(
      this.#start === 0 && this.#end === base.length
        ? base
        : Buffer.from(base.buffer, base.byteOffset + this.#start, this.#end - this.#start),
    )
    this.#base = undefined
  }

  get empty(): boolean {
    return this.#base === undefined && this.#chunks.length === 0
  }

  /** Writes what was collected; returns false when the socket asks the writer to wait for 'drain'. */
  flushTo(socket: Socket): boolean {
    this.#close()
    const chunks = this.#chunks
    if (chunks.length === 0 || socket.destroyed) {
      chunks.length = 0
      return true
    }
    let ok = true
    if (chunks.length === 1) {
      ok = socket.write(chunks[0] as Buffer)
    } else {
      socket.cork()
      for (const c of chunks) ok = socket.write(c) && ok
      socket.uncork()
    }
    chunks.length = 0
    return ok
  }
}
