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
  /** A message cut by the end of a chunk: its bytes so far (all of them once its length is known). */
  #partial: Buffer | undefined
  #filled = 0

  /**
   * Adds a chunk and returns the complete frames now available, in order. Frames may be views into
   * `chunk`: callers that keep a frame past the next `push` must not mutate the chunk (sockets never do).
   * A message cut across chunks is copied once into a buffer of its own size, never re-joined per chunk.
   */
  push(chunk: Buffer): Frame[] {
    const frames: Frame[] = []
    let offset = 0
    if (this.#partial !== undefined) {
      offset = this.#continue(chunk, frames)
      if (offset < 0) return frames
    }
    const end = chunk.length
    while (end - offset >= 5) {
      const total = messageLength(chunk, offset)
      if (end - offset < total) break
      frames.push({ type: chunk[offset] as number, frame: chunk.subarray(offset, offset + total) })
      offset += total
    }
    if (offset < end) {
      const rest = chunk.subarray(offset)
      if (rest.length >= 5) {
        this.#partial = Buffer.allocUnsafe(messageLength(rest, 0))
        rest.copy(this.#partial, 0)
      } else {
        this.#partial = Buffer.from(rest)
      }
      this.#filled = rest.length
    }
    return frames
  }

  /** Goes on with the cut message; returns where the chunk's own messages start, or -1 if it took all. */
  #continue(chunk: Buffer, frames: Frame[]): number {
    let partial = this.#partial as Buffer
    let offset = 0
    if (this.#filled < 5) {
      // Its header was cut: complete the header first, then size the buffer.
      const header = Buffer.concat([partial.subarray(0, this.#filled), chunk.subarray(0, 5 - this.#filled)])
      if (header.length < 5) {
        this.#partial = header
        this.#filled = header.length
        return -1
      }
      offset = 5 - this.#filled
      partial = Buffer.allocUnsafe(messageLength(header, 0))
      header.copy(partial, 0)
      this.#partial = partial
      this.#filled = 5
    }
    const n = Math.min(partial.length - this.#filled, chunk.length - offset)
    chunk.copy(partial, this.#filled, offset, offset + n)
    this.#filled += n
    offset += n
    if (this.#filled < partial.length) return -1
    this.#partial = undefined
    this.#filled = 0
    frames.push({ type: partial[0] as number, frame: partial })
    return offset
  }

  /** Bytes received that do not yet form a whole message. */
  get bufferedBytes(): number {
    return this.#filled
  }
}

/** The whole size of the message at `offset` (type byte included), checked. */
function messageLength(data: Buffer, offset: number): number {
  const length = data.readUInt32BE(offset + 1)
  if (length < 4 || length > MAX_MESSAGE_BYTES) {
    throw new Error(`invalid message length ${length} for message type ${data[offset]}`)
  }
  return length + 1
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
