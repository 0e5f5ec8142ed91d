/** Builds one protocol message; the length field is filled in by `finish`. */
export class MessageWriter {
  #parts: Buffer[] = []
  #size = 0

  /** Appends a NUL-terminated UTF-8 string. */
  cstring(value: string): this {
    const bytes = Buffer.from(`${value}\0`, 'utf8')
    this.#parts.push(bytes)
    this.#size += bytes.length
    return this
  }

  int32(value: number): this {
    const b = Buffer.allocUnsafe(4)
    b.writeInt32BE(value, 0)
    this.#parts.push(b)
    this.#size += 4
    return this
  }

  int16(value: number): this {
    const b = Buffer.allocUnsafe(2)
    b.writeInt16BE(value, 0)
    this.#parts.push(b)
    this.#size += 2
    return this
  }

  byte(value: number): this {
    this.#parts.push(Buffer.from([value]))
    this.#size += 1
    return this
  }

  bytes(value: Buffer): this {
    this.#parts.push(value)
    this.#size += value.length
    return this
  }

  /** The message with a type byte, or untyped (startup packets) when `type` is undefined. */
  finish(type?: number): Buffer {
    const header = type === undefined ? 4 : 5
    const out = Buffer.allocUnsafe(header + this.#size)
    if (type !== undefined) out[0] = type
    out.writeInt32BE(this.#size + 4, header - 4)
    let offset = header
    for (const part of this.#parts) {
      part.copy(out, offset)
      offset += part.length
    }
    return out
  }
}

/** Reads fields of a message body in order. */
export class MessageReader {
  #offset: number
  readonly #buffer: Buffer

  /** `offset` is where the body starts (5 for a typed frame). */
  constructor(buffer: Buffer, offset = 5) {
    this.#buffer = buffer
    this.#offset = offset
  }

  cstring(): string {
    const end = this.#buffer.indexOf(0, this.#offset)
    if (end < 0) throw new Error('malformed message: unterminated string')
    const value = this.#buffer.toString('utf8', this.#offset, end)
    this.#offset = end + 1
    return value
  }

  int32(): number {
    const value = this.#buffer.readInt32BE(this.#offset)
    this.#offset += 4
    return value
  }

  uint32(): number {
    const value = this.#buffer.readUInt32BE(this.#offset)
    this.#offset += 4
    return value
  }

  int16(): number {
    const value = this.#buffer.readInt16BE(this.#offset)
    this.#offset += 2
    return value
  }

  byte(): number {
    const value = this.#buffer[this.#offset]
    if (value === undefined) throw new Error('malformed message: truncated')
    this.#offset += 1
    return value
  }

  skip(bytes: number): void {
    this.#offset += bytes
  }

  get offset(): number {
    return this.#offset
  }

  get remaining(): number {
    return this.#buffer.length - this.#offset
  }
}
