/**
 * A statement's kept result: its rows, already encoded for the format it was run with (JSON `Field`
 * records or CSV lines), cut into pages by size as they arrive, in memory or in a spill file.
 * Encoding once at run time is what makes serving a page a copy, not a conversion.
 */
import { closeSync, openSync, writeSync } from 'node:fs'
import { open, rm } from 'node:fs/promises'
import { type ColumnMetadata, csvField, type FieldKind, fieldJson } from './column-types.js'
import type { SpillSpace } from './spill-space.js'

/** The result format a statement was run with. */
export type ResultFormat = 'JSON' | 'CSV'

/** Size limits of results (the service's 500 MB and 64 KB, and the page size). */
export interface ResultLimits {
  /** A page ends once its records reach this many bytes. */
  readonly pageBytes: number
  /** A result larger than this (bytes of values) fails the statement. */
  readonly maxResultBytes: number
  /** A row larger than this (bytes of values) fails the statement. */
  readonly maxRowBytes: number
  /** A result stays in memory up to this size (then, or when the memory budget is spent, it spills). */
  readonly memoryBytesPerResult: number
}

/** Why a result could not be kept: the service's own texts. */
export class ResultLimitError extends Error {
  override readonly name = 'ResultLimitError'
}

interface Page {
  readonly rows: number
  /** In memory, or at `offset` in the spill file. */
  readonly bytes?: Buffer
  readonly offset: number
  readonly length: number
}

/** A finished result, served page by page. */
export interface StoredResult {
  readonly format: ResultFormat
  readonly columns: readonly ColumnMetadata[]
  readonly totalRows: number
  /** Bytes of the values, as the database returned them. */
  readonly size: number
  readonly pageCount: number
  /**
   * The records of page `index`, as they go into the reply: JSON records joined by commas, or the
   * CSV text as a JSON string literal.
   */
  page(index: number): Promise<Buffer>
  /** Frees its memory and file. */
  dispose(): Promise<void>
}

/** Builds a result as rows arrive. */
export class ResultBuilder {
  readonly #format: ResultFormat
  readonly #kinds: readonly FieldKind[]
  readonly #limits: ResultLimits
  readonly #space: SpillSpace
  readonly #pages: Page[] = []
  #current: string[] = []
  #currentBytes = 0
  #currentRows = 0
  #rows = 0
  #size = 0
  #reserved = 0
  #file: { path: string; fd: number; offset: number } | undefined
  #failed = false

  constructor(
    format: ResultFormat,
    kinds: readonly FieldKind[],
    header: readonly string[],
    limits: ResultLimits,
    space: SpillSpace,
  ) {
    this.#format = format
    this.#kinds = kinds
    this.#limits = limits
    this.#space = space
    if (format === 'CSV') {
      // The first page starts with the column names.
      const line = `${header.map((h) => csvField('string', h)).join(',')}\n`
      this.#current.push(line)
      this.#currentBytes += line.length
    }
  }

  /** Adds one row (the engine's text form of each value); throws {@link ResultLimitError} past a limit. */
  add(values: readonly (string | null)[]): void {
    let rowBytes = 0
    let encoded: string
    const kinds = this.#kinds
    if (this.#format === 'JSON') {
      encoded = '['
      for (let i = 0; i < values.length; i++) {
        const v = values[i] ?? null
        if (v !== null) rowBytes += v.length
        encoded += (i === 0 ? '' : ',') + fieldJson(kinds[i] as FieldKind, v)
      }
      encoded += ']'
    } else {
      encoded = ''
      for (let i = 0; i < values.length; i++) {
        const v = values[i] ?? null
        if (v !== null) rowBytes += v.length
        encoded += (i === 0 ? '' : ',') + csvField(kinds[i] as FieldKind, v)
      }
      encoded += '\n'
    }
    if (rowBytes > this.#limits.maxRowBytes) {
      throw new ResultLimitError(
        `Packet for query is too large: a row of the result has ${rowBytes} bytes, above the Data API's limit of ${this.#limits.maxRowBytes} bytes per row.`,
      )
    }
    this.#size += rowBytes
    if (this.#size > this.#limits.maxResultBytes) {
      throw new ResultLimitError(
        `Database response exceeded size limit: the result is larger than the Data API's limit of ${this.#limits.maxResultBytes} bytes. Add a LIMIT, or UNLOAD large results to S3.`,
      )
    }
    this.#current.push(encoded)
    this.#currentBytes += encoded.length
    this.#currentRows++
    this.#rows++
    if (this.#currentBytes >= this.#limits.pageBytes) this.#cut()
  }

  #cut(): void {
    if (this.#currentRows === 0 && this.#pages.length > 0) return
    // Encoded once, here, as the bytes of the reply: serving a page is then a copy.
    const text = this.#format === 'JSON' ? this.#current.join(',') : JSON.stringify(this.#current.join(''))
    const rows = this.#currentRows
    this.#current = []
    this.#currentBytes = 0
    this.#currentRows = 0
    const buffer = Buffer.from(text, 'utf8')
    const bytes = buffer.length
    const inMemory =
      this.#file === undefined &&
      this.#reserved + bytes <= this.#limits.memoryBytesPerResult &&
      this.#space.reserve(bytes)
    if (inMemory) {
      this.#reserved += bytes
      this.#pages.push({ rows, bytes: buffer, offset: 0, length: 0 })
      return
    }
    if (this.#file === undefined) {
      const file = this.#space.newFile()
      this.#file = { path: file, fd: openSync(file, 'w', 0o600), offset: 0 }
    }
    writeSync(this.#file.fd, buffer)
    this.#pages.push({ rows, offset: this.#file.offset, length: buffer.length })
    this.#file.offset += buffer.length
  }

  /** Drops what was built (the statement failed). */
  abandon(): void {
    if (this.#failed) return
    this.#failed = true
    this.#space.release(this.#reserved)
    if (this.#file !== undefined) {
      closeSync(this.#file.fd)
      void rm(this.#file.path, { force: true })
    }
  }

  /** The finished result. */
  finish(columns: readonly ColumnMetadata[]): StoredResult {
    if (this.#currentRows > 0 || this.#pages.length === 0) this.#cut()
    const file = this.#file
    if (file !== undefined) closeSync(file.fd)
    const pages = this.#pages
    const space = this.#space
    const reserved = this.#reserved
    let disposed = false
    return {
      format: this.#format,
      columns,
      totalRows: this.#rows,
      size: this.#size,
      pageCount: pages.length,
      async page(index) {
        const page = pages[index]
        if (page === undefined || disposed) return Buffer.alloc(0)
        if (page.bytes !== undefined) return page.bytes
        const handle = await open((file as { path: string }).path, 'r')
        try {
          const buffer = Buffer.allocUnsafe(page.length)
          await handle.read(buffer, 0, page.length, page.offset)
          return buffer
        } finally {
          await handle.close()
        }
      },
      async dispose() {
        if (disposed) return
        disposed = true
        space.release(reserved)
        if (file !== undefined) await rm(file.path, { force: true })
      },
    }
  }
}
