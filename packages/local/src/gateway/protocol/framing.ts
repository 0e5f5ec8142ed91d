/**
 * Splits a PostgreSQL v3 byte stream into messages without copying: a message that sits wholly inside
 * one received chunk is handed out as a `subarray` of that chunk, so forwarding it costs nothing.
 * Only a message that straddles chunks is assembled into a fresh buffer.
 */

/** One typed message: `type` is its first byte, `frame` the whole message (type, length, body). */
export interface Frame {
  readonly type: number
  /** The whole message as it came on the wire: forward it as is. */
  readonly frame: Buffer
}

/** Largest message the gateway accepts from a client or the engine (PostgreSQL's own cap is 1 GB). */
export const MAX_MESSAGE_BYTES = 1024 * 1024 * 1024

/** Accumulates chunks and yields complete typed messages (`type byte`, Int32 length, body). */
export class FrameReader {
  #pending: Buffer | undefined

  /**
   * Adds a chunk and returns the complete frames now available, in order. Frames may be views into
   * `chunk`: callers that keep a frame past the next `push` must not mutate the chunk (sockets never do).
   */
  push(chunk: Buffer): Frame[] {
    let data = chunk
    if (this.#pending !== undefined) {
      data = Buffer.concat([this.#pending, chunk])
      this.#pending = undefined
    }
    const frames: Frame[] = []
    let offset = 0
    const end = data.length
    while (end - offset >= 5) {
      const length = data.readUInt32BE(offset + 1)
      if (length < 4 || length > MAX_MESSAGE_BYTES) {
        throw new Error(`invalid message length ${length} for message type ${data[offset]}`)
      }
      const total = length + 1
      if (end - offset < total) break
      frames.push({ type: data[offset] as number, frame: data.subarray(offset, offset + total) })
      offset += total
    }
    if (offset < end) this.#pending = Buffer.from(data.subarray(offset))
    return frames
  }

  /** Bytes received that do not yet form a whole message. */
  get bufferedBytes(): number {
    return this.#pending?.length ?? 0
  }
}

/**
 * Reads the untyped messages that open a connection (SSLRequest, GSSENCRequest, CancelRequest,
 * StartupMessage): Int32 length (counting itself), then the body.
 */
export class StartupReader {
  #pending: Buffer = Buffer.alloc(0)

  /** Adds a chunk; returns the first complete message and whatever bytes followed it. */
  push(chunk: Buffer): { message: Buffer; rest: Buffer } | undefined {
    this.#pending = this.#pending.length === 0 ? chunk : Buffer.concat([this.#pending, chunk])
    if (this.#pending.length < 4) return undefined
    const length = this.#pending.readUInt32BE(0)
    if (length < 8 || length > 10_000) throw new Error(`invalid startup packet length ${length}`)
    if (this.#pending.length < length) return undefined
    const message = this.#pending.subarray(0, length)
    const rest = this.#pending.subarray(length)
    this.#pending = Buffer.alloc(0)
    return { message, rest }
  }
}
