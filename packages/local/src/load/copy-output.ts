import type { CopyOptions } from '@redshift-kit/dialect'
import { quoteIdent, type TargetTable } from './target-table.js'

/** The CSV the rows reach the engine in: a NULL is an empty unquoted field, '' a quoted empty one. */
export interface CopyDialect {
  readonly delimiter: string
  readonly quote: string
  /** True when the COPY's own CSV records can be passed on as they are (same delimiter and quote). */
  readonly passThrough: boolean
}

const DEFAULT_DIALECT: CopyDialect = { delimiter: ',', quote: '"', passThrough: false }

/** A character PostgreSQL takes as a CSV delimiter or quote, and that means nothing else to it. */
function engineSafe(ch: string): boolean {
  if (ch.length !== 1) return false
  const c = ch.charCodeAt(0)
  // Not NUL, CR, LF, backslash (`\.` ends the data) or non-ASCII (a one-byte character is required).
  return c > 0 && c < 128 && c !== 10 && c !== 13 && c !== 92
}

/**
 * The dialect of the load: UTF-8 CSV input whose delimiter and quote the engine accepts keeps them, and
 * so does text input without ESCAPE or REMOVEQUOTES (its delimiter, and `"` for the quote it never
 * uses), so that records found valid go to the engine untouched (see csv-scan.ts); everything else is
 * written with `,` and `"`.
 */
export function copyDialect(o: CopyOptions): CopyDialect {
  if (o.encoding !== 'utf8' || !engineSafe(o.delimiter)) return DEFAULT_DIALECT
  if (o.format === 'csv' && engineSafe(o.quote)) {
    return { delimiter: o.delimiter, quote: o.quote, passThrough: true }
  }
  if (o.format === 'text' && !o.escape && !o.removeQuotes && o.delimiter !== '"') {
    return { delimiter: o.delimiter, quote: '"', passThrough: true }
  }
  return DEFAULT_DIALECT
}

function literal(text: string): string {
  return `'${text.replaceAll("'", "''")}'`
}

/** The engine's `COPY table (columns) FROM STDIN` reading the load's CSV. */
export function copyInSql(table: TargetTable, d: CopyDialect): string {
  const columns = table.columns.map((c) => quoteIdent(c.name)).join(', ')
  const q = literal(d.quote)
  return `COPY ${table.sqlName} (${columns}) FROM STDIN WITH (FORMAT csv, DELIMITER ${literal(d.delimiter)}, QUOTE ${q}, ESCAPE ${q}, NULL '')`
}

function escapeClass(ch: string): string {
  return ch.replace(/[\\\]^-]/g, '\\$&')
}

/** Bytes that make a chunk worth sending. */
const CHUNK_SIZE = 128 * 1024

/**
 * Collects the load's rows as CSV for the engine and hands them out in chunks: rows converted one by
 * one (as text), and runs of records passed on as they were read (as the bytes read).
 */
export class CopyOutput {
  readonly #delimiter: string
  readonly #quote: string
  readonly #doubled: string
  /** A value that must be quoted: holds the delimiter, the quote, a line break or a backslash. */
  readonly #special: RegExp
  #ready: Uint8Array[] = []
  #readyBytes = 0
  /** Converted rows, written as UTF-8 as they come (no string kept per row). */
  #text: Buffer = Buffer.allocUnsafe(CHUNK_SIZE * 2)
  #textBytes = 0

  constructor(d: CopyDialect) {
    this.#delimiter = d.delimiter
    this.#quote = d.quote
    this.#doubled = d.quote + d.quote
    this.#special = new RegExp(`[${escapeClass(d.delimiter)}${escapeClass(d.quote)}\\r\\n\\\\]`)
  }

  /** Appends one converted row (null: SQL NULL). */
  row(values: readonly (string | null)[]): void {
    let line = ''
    for (let i = 0; i < values.length; i++) {
      if (i > 0) line += this.#delimiter
      const v = values[i]
      if (v === null || v === undefined) continue
      line +=
        v === '' || this.#special.test(v)
          ? this.#quote + v.replaceAll(this.#quote, this.#doubled) + this.#quote
          : v
    }
    line += '\n'
    if (this.#textBytes + line.length * 3 > this.#text.length) {
      const grown = Buffer.allocUnsafe(Math.max(this.#text.length * 2, this.#textBytes + line.length * 3))
      this.#text.copy(grown, 0, 0, this.#textBytes)
      this.#text = grown
    }
    this.#textBytes += this.#text.write(line, this.#textBytes, 'utf8')
  }

  /** Appends records already in the output's CSV (UTF-8), each ending with a newline. */
  records(bytes: Uint8Array): void {
    this.#endText()
    this.#ready.push(bytes)
    this.#readyBytes += bytes.byteLength
  }

  #endText(): void {
    if (this.#textBytes === 0) return
    // The chunk keeps the bytes written; the next rows go to a fresh buffer.
    const bytes = this.#text.subarray(0, this.#textBytes)
    this.#text = Buffer.allocUnsafe(Math.max(CHUNK_SIZE * 2, this.#textBytes + 1024))
    this.#textBytes = 0
    this.#ready.push(bytes)
    this.#readyBytes += bytes.length
  }

  /** The chunks collected, when there are enough of them (or any, with `all`); else none. */
  take(all = false): Uint8Array[] {
    if (!all && this.#readyBytes + this.#textBytes < CHUNK_SIZE) return []
    this.#endText()
    const ready = this.#ready
    this.#ready = []
    this.#readyBytes = 0
    return ready
  }
}
