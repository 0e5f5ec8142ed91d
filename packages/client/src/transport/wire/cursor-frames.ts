/**
 * The backend messages a portal cursor reads itself, split from socket chunks without copying the
 * common case, and the few message bodies it needs to read (RowDescription, ErrorResponse).
 */

/** Backend message type bytes the cursor handles. */
export enum Backend {
  ParseComplete = 0x31,
  BindComplete = 0x32,
  CloseComplete = 0x33,
  CommandComplete = 0x43,
  DataRow = 0x44,
  ErrorResponse = 0x45,
  EmptyQuery = 0x49,
  NoticeResponse = 0x4e,
  ParameterStatus = 0x53,
  RowDescription = 0x54,
  ReadyForQuery = 0x5a,
  NoData = 0x6e,
  PortalSuspended = 0x73,
}

/**
 * Called for each complete message: its type byte, the buffer holding it and where its body starts
 * and ends. The buffer is only valid during the call.
 */
export type MessageHandler = (type: number, buf: Buffer, start: number, end: number) => void

/**
 * Reassembles messages from socket chunks. A chunk's whole messages are handed over in place; only a
 * message cut by a chunk boundary is copied, once, when its last byte has arrived (so a large value
 * spread over many chunks costs one copy, not one per chunk).
 */
export class FrameReader {
  readonly #onMessage: MessageHandler
  #parts: Buffer[] = []
  #partBytes = 0
  /** Bytes the partial message needs in all (5 until its header has been seen). */
  #need = 0

  constructor(onMessage: MessageHandler) {
    this.#onMessage = onMessage
  }

  /** Bytes received but not yet part of a complete message. */
  get pendingBytes(): number {
    return this.#partBytes
  }

  /** The unconsumed bytes (handed back to `pg` when the cursor gives the socket back). */
  takePending(): Buffer | undefined {
    if (this.#partBytes === 0) return undefined
    const rest = Buffer.concat(this.#parts, this.#partBytes)
    this.#parts = []
    this.#partBytes = 0
    return rest
  }

  push(chunk: Buffer): void {
    let buf = chunk
    if (this.#partBytes > 0) {
      this.#parts.push(chunk)
      this.#partBytes += chunk.length
      if (this.#partBytes < 5) return
      if (this.#need === 0) {
        const head = this.#parts.length === 1 ? (this.#parts[0] as Buffer) : Buffer.concat(this.#parts)
        this.#need = head.readInt32BE(1) + 1
      }
      if (this.#partBytes < this.#need) return
      buf = Buffer.concat(this.#parts, this.#partBytes)
      this.#parts = []
      this.#partBytes = 0
      this.#need = 0
    }
    const length = buf.length
    let at = 0
    while (length - at >= 5) {
      const size = buf.readInt32BE(at + 1)
      const next = at + 1 + size
      if (next > length) break
      this.#onMessage(buf[at] as number, buf, at + 5, next)
      at = next
    }
    if (at < length) {
      const rest = buf.subarray(at)
      this.#parts.push(rest)
      this.#partBytes = rest.length
      this.#need = rest.length >= 5 ? rest.readInt32BE(1) + 1 : 0
    }
  }
}

/** A column as RowDescription describes it. */
export interface DescribedColumn {
  readonly name: string
  readonly typeOid: number
  readonly typeModifier: number
}

function cstring(buf: Buffer, at: number, end: number): [string, number] {
  let zero = buf.indexOf(0, at)
  if (zero === -1 || zero > end) zero = end
  return [buf.toString('utf8', at, zero), zero + 1]
}

/** The columns of a RowDescription body. */
export function readRowDescription(buf: Buffer, start: number, end: number): DescribedColumn[] {
  const count = buf.readInt16BE(start)
  const columns: DescribedColumn[] = []
  let at = start + 2
  for (let i = 0; i < count; i++) {
    const [name, after] = cstring(buf, at, end)
    // table OID (4), column number (2), then the type OID (4), type size (2), modifier (4), format (2)
    const typeOid = buf.readUInt32BE(after + 6)
    const typeModifier = buf.readInt32BE(after + 12)
    columns.push({ name, typeOid, typeModifier })
    at = after + 18
  }
  return columns
}

const ERROR_FIELDS: Readonly<Record<string, string>> = {
  S: 'severity',
  V: 'severity',
  C: 'code',
  M: 'message',
  D: 'detail',
  H: 'hint',
  P: 'position',
  p: 'internalPosition',
  q: 'internalQuery',
  W: 'where',
  s: 'schema',
  t: 'table',
  c: 'column',
  d: 'dataType',
  n: 'constraint',
  F: 'file',
  L: 'line',
  R: 'routine',
}

/**
 * An ErrorResponse body as an `Error` carrying the server's fields under the names `pg`'s
 * `DatabaseError` uses (`code` is the SQLSTATE), so the client's classifier reads it the same way.
 */
export function readErrorResponse(buf: Buffer, start: number, end: number): Error {
  const fields: Record<string, string> = {}
  let at = start
  while (at < end && buf[at] !== 0) {
    const key = String.fromCharCode(buf[at] as number)
    const [value, after] = cstring(buf, at + 1, end)
    const name = ERROR_FIELDS[key]
    // 'V' (the untranslated severity) wins over 'S' when both are present.
    if (name !== undefined && (key !== 'S' || fields.severity === undefined)) fields[name] = value
    at = after
  }
  const error = new Error(fields.message ?? 'the server reported an error without a message')
  Object.assign(error, fields, { name: 'error' })
  return error
}

/** A ParameterStatus body as name and value. */
export function readParameterStatus(buf: Buffer, start: number, end: number): [string, string] {
  const [name, after] = cstring(buf, start, end)
  const [value] = cstring(buf, after, end)
  return [name, value]
}
