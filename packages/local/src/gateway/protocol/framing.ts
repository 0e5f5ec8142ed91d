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

/**
 * A cut message declared larger than this gets a buffer that grows with the bytes that arrive rather
 * than one of its declared size: a length field alone must not reserve a gigabyte.
 */
const EAGER_ALLOCATION_BYTES = 1024 * 1024

/** A message whose declared length is out of bounds; `limit` is the bound it broke. */
export class MessageLengthError extends Error {
  override readonly name = 'MessageLengthError'
  readonly declared: number
  readonly limit: number
  /** `type` is the message's type byte, or undefined for an untyped opening packet. */
  constructor(declared: number, limit: number, type: number | undefined) {
    const what = type === undefined ? 'startup packet' : `message of type ${String.fromCharCode(type)}`
    super(
      declared > limit
        ? `${what} declares ${declared} bytes, more than the ${limit} accepted here`
        : `invalid message length ${declared} for ${what}`,
    )
    this.declared = declared
    this.limit = limit
  }
}

/** Accumulates chunks and yields complete typed messages (`type byte`, Int32 length, body). */
export class FrameReader {
  readonly #maxMessageBytes: number
  /** A message cut by the end of a chunk: its bytes so far, in a buffer of at most its whole size. */
  #partial: Buffer | undefined
  #filled = 0
  /** The whole size of the cut message, once its header is known (else 0). */
  #total = 0

  /** @param maxMessageBytes the largest declared length accepted (the message's Int32 length field) */
  constructor(maxMessageBytes: number = MAX_MESSAGE_BYTES) {
    this.#maxMessageBytes = maxMessageBytes
  }

  /**
   * Adds a chunk and returns the complete frames now available, in order. Frames may be views into
   * `chunk`: callers that keep a frame past the next `push` must not mutate the chunk (sockets never do).
   * A message cut across chunks is copied once into a buffer of its own size (grown as its bytes
   * arrive when it is large), never re-joined per chunk. Throws a {@link MessageLengthError} for a
   * length out of bounds.
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
      const total = this.#messageLength(chunk, offset)
      if (end - offset < total) break
      frames.push({ type: chunk[offset] as number, frame: chunk.subarray(offset, offset + total) })
      offset += total
    }
    if (offset < end) {
      const rest = chunk.subarray(offset)
      if (rest.length >= 5) {
        this.#total = this.#messageLength(rest, 0)
        this.#partial = Buffer.allocUnsafe(this.#initialSize(rest.length))
        rest.copy(this.#partial, 0)
      } else {
        this.#partial = Buffer.from(rest)
        this.#total = 0
      }
      this.#filled = rest.length
    }
    return frames
  }

  #initialSize(have: number): number {
    return this.#total <= EAGER_ALLOCATION_BYTES ? this.#total : Math.max(EAGER_ALLOCATION_BYTES, have)
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
      this.#total = this.#messageLength(header, 0)
      partial = Buffer.allocUnsafe(this.#initialSize(5))
      header.copy(partial, 0)
      this.#partial = partial
      this.#filled = 5
    }
    const n = Math.min(this.#total - this.#filled, chunk.length - offset)
    if (this.#filled + n > partial.length) {
      // Doubling keeps the copies linear in the message's size.
      const grown = Buffer.allocUnsafe(Math.min(this.#total, Math.max(partial.length * 2, this.#filled + n)))
      partial.copy(grown, 0, 0, this.#filled)
      partial = grown
      this.#partial = grown
    }
    chunk.copy(partial, this.#filled, offset, offset + n)
    this.#filled += n
    offset += n
    if (this.#filled < this.#total) return -1
    this.#partial = undefined
    this.#filled = 0
    this.#total = 0
    frames.push({ type: partial[0] as number, frame: partial })
    return offset
  }

  /** Bytes received that do not yet form a whole message. */
  get bufferedBytes(): number {
    return this.#filled
  }

  /** The whole size of the message at `offset` (type byte included), checked. */
  #messageLength(data: Buffer, offset: number): number {
    const length = data.readUInt32BE(offset + 1)
    if (length < 4 || length > this.#maxMessageBytes) {
      throw new MessageLengthError(length, this.#maxMessageBytes, data[offset] as number)
    }
    return length + 1
  }
}

/** Largest untyped opening packet accepted (PostgreSQL's MAX_STARTUP_PACKET_LENGTH). */
export const MAX_STARTUP_PACKET_BYTES = 10_000

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
    if (length < 8 || length > MAX_STARTUP_PACKET_BYTES) {
      throw new MessageLengthError(length, MAX_STARTUP_PACKET_BYTES, undefined)
    }
    if (this.#pending.length < length) return undefined
    const message = this.#pending.subarray(0, length)
    const rest = this.#pending.subarray(length)
    this.#pending = Buffer.alloc(0)
    return { message, rest }
  }
}
