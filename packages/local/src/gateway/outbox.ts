/**
 * Collects frames to write to one socket and writes them in one go. Frames that lie next to each
 * other in memory (consecutive messages of one received chunk, the common case when streaming rows)
 * are written as a single slice, so forwarding a chunk of DataRows costs one write and no copy.
 */
import type { Socket } from 'node:net'

/** Below this many bytes, several pieces are copied into one buffer rather than written as a vector. */
const COALESCE_BYTES = 16 * 1024

/** Frames waiting to be written to one socket. */
export class Outbox {
  readonly #chunks: Buffer[] = []
  #bytes = 0
  /** The open run: bytes [#start, #end) of #memory (absolute offsets in its ArrayBuffer). */
  #memory: ArrayBufferLike | undefined
  #start = 0
  #end = 0

  /** Queues a whole frame. */
  push(frame: Buffer): void {
    this.pushRange(frame, 0, frame.length)
  }

  /** Queues bytes `[start, end)` of `buffer`, joined to the previous piece when they follow it in memory. */
  pushRange(buffer: Buffer, start: number, end: number): void {
    if (end <= start) return
    const from = buffer.byteOffset + start
    if (this.#memory === buffer.buffer && from === this.#end) {
      this.#end += end - start
      return
    }
    this.#close()
    this.#memory = buffer.buffer
    this.#start = from
    this.#end = from + (end - start)
  }

  #close(): void {
    const memory = this.#memory
    if (memory === undefined) return
    this.#chunks.push(Buffer.from(memory, this.#start, this.#end - this.#start))
    this.#bytes += this.#end - this.#start
    this.#memory = undefined
  }

  get empty(): boolean {
    return this.#memory === undefined && this.#chunks.length === 0
  }

  /** Writes what was collected; returns false when the socket asks the writer to wait for 'drain'. */
  flushTo(socket: Socket): boolean {
    this.#close()
    const chunks = this.#chunks
    const bytes = this.#bytes
    this.#bytes = 0
    if (chunks.length === 0 || socket.destroyed) {
      chunks.length = 0
      return true
    }
    let ok: boolean
    if (chunks.length === 1) {
      ok = socket.write(chunks[0] as Buffer)
    } else if (bytes <= COALESCE_BYTES) {
      // A few small frames (a query's answer): one copy is cheaper than a vectored write.
      ok = socket.write(Buffer.concat(chunks, bytes))
    } else {
      ok = true
      socket.cork()
      for (const c of chunks) ok = socket.write(c) && ok
      socket.uncork()
    }
    chunks.length = 0
    return ok
  }
}
