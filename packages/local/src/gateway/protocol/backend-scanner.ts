/**
 * Splits the engine's byte stream into messages with no allocation for the bulk of it: runs of
 * consecutive DataRows are reported as byte ranges of the received chunk (counted, then forwarded or
 * dropped as one slice), and a DataRow that straddles chunks is passed on piece by piece as its bytes
 * arrive, never assembled. Only the other messages become `Buffer` views of their own, and only those
 * that straddle chunks are copied.
 */
import { Backend } from './codes.js'
import { MAX_MESSAGE_BYTES } from './framing.js'

/** What a scanner reports to. */
export interface BackendHandler {
  /**
   * True when DataRows at this point are only counted and passed on in bulk (`rows`); false when each
   * must be seen whole (`message`), e.g. rows of a query the gateway runs for itself. Asked at the start
   * of each run of DataRows: nothing else can change the answer in the middle of a run.
   */
  bulkRows(): boolean
  /**
   * Bytes `[start, end)` of `chunk`, all DataRow bytes: `rows` rows begin in the range, with `bodyBytes`
   * bytes of row bodies between them (counted once, where each row begins); a range may begin or end in
   * the middle of a row.
   */
  rows(chunk: Buffer, start: number, end: number, rows: number, bodyBytes: number): void
  /** One whole message other than a bulk DataRow (`frame` holds type, length and body). */
  message(type: number, frame: Buffer): void
}

const HEADER = 5

/** Scans one direction of backend traffic; `push` each received chunk in order. */
export class BackendScanner {
  readonly #handler: BackendHandler
  /** Bytes still to come of a DataRow passed on in bulk. */
  #rowLeft = 0
  /** Header bytes of a message cut before its length was complete. */
  #head: Buffer | undefined
  /** A non-bulk message being assembled, and how much of it is filled. */
  #partial: Buffer | undefined
  #filled = 0

  constructor(handler: BackendHandler) {
    this.#handler = handler
  }

  /** Bytes received that are not yet handed on. */
  get bufferedBytes(): number {
    return (this.#head?.length ?? 0) + this.#filled
  }

  push(chunk: Buffer): void {
    const end = chunk.length
    let at = 0
    if (this.#rowLeft > 0) {
      const n = Math.min(this.#rowLeft, end)
      this.#rowLeft -= n
      this.#handler.rows(chunk, 0, n, 0, 0)
      at = n
    } else if (this.#head !== undefined) {
      at = this.#completeHeader(chunk)
      if (at < 0) return
    } else if (this.#partial !== undefined) {
      at = this.#fill(chunk, 0)
    }
    this.#scan(chunk, at, end)
  }

  #scan(chunk: Buffer, from: number, end: number): void {
    const handler = this.#handler
    let at = from
    while (at < end) {
      if (end - at < HEADER) {
        this.#head = Buffer.from(chunk.subarray(at, end))
        return
      }
      const type = chunk[at] as number
      const total = messageSize(chunk, at)
      if (type === Backend.DataRow && handler.bulkRows()) {
        // A run of DataRows: found by reading headers only.
        const start = at
        let rows = 0
        let body = 0
        let size = total
        for (;;) {
          rows++
          body += size - HEADER
          at += size
          if (at >= end || end - at < HEADER || chunk[at] !== Backend.DataRow) break
          size = messageSize(chunk, at)
        }
        if (at > end) {
          this.#rowLeft = at - end
          at = end
        }
        handler.rows(chunk, start, at, rows, body)
        continue
      }
      if (end - at >= total) {
        handler.message(type, chunk.subarray(at, at + total))
        at += total
        continue
      }
      this.#partial = Buffer.allocUnsafe(total)
      this.#filled = 0
      at = this.#fill(chunk, at)
    }
  }

  /** Copies bytes of `chunk` from `at` into the message being assembled; returns where it stopped. */
  #fill(chunk: Buffer, at: number): number {
    const partial = this.#partial as Buffer
    const n = Math.min(partial.length - this.#filled, chunk.length - at)
    chunk.copy(partial, this.#filled, at, at + n)
    this.#filled += n
    if (this.#filled === partial.length) {
      this.#partial = undefined
      this.#filled = 0
      this.#handler.message(partial[0] as number, partial)
    }
    return at + n
  }

  /** Completes a cut header from the start of `chunk`; returns where scanning goes on, or -1 for more. */
  #completeHeader(chunk: Buffer): number {
    const head = this.#head as Buffer
    const need = HEADER - head.length
    if (chunk.length < need) {
      this.#head = Buffer.concat([head, chunk])
      return -1
    }
    this.#head = undefined
    const header = Buffer.concat([head, chunk.subarray(0, need)])
    const type = header[0] as number
    const total = messageSize(header, 0)
    if (type === Backend.DataRow && this.#handler.bulkRows()) {
      // The cut header is passed on as its own small piece, then the row's bytes from this chunk.
      this.#handler.rows(head, 0, head.length, 1, total - HEADER)
      const rest = total - head.length
      const n = Math.min(rest, chunk.length)
      this.#rowLeft = rest - n
      this.#handler.rows(chunk, 0, n, 0, 0)
      return n
    }
    this.#partial = Buffer.allocUnsafe(total)
    header.copy(this.#partial, 0)
    this.#filled = HEADER
    if (total === HEADER) {
      this.#partial = undefined
      this.#filled = 0
      this.#handler.message(type, header)
      return need
    }
    return this.#fill(chunk, need)
  }
}

/** The whole size of the message at `at` (type byte included), checked. */
function messageSize(buffer: Buffer, at: number): number {
  const length = buffer.readUInt32BE(at + 1)
  if (length < 4 || length > MAX_MESSAGE_BYTES) {
    throw new Error(`invalid message length ${length} for message type ${buffer[at]}`)
  }
  return length + 1
}
