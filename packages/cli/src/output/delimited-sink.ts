import type { Writable } from 'node:stream'
import type { ColumnMetadata, Row, Value } from '@redshift-kit/client'
import { ByteWriter } from './byte-writer.js'
import type { RowSink } from './sink.js'
import { valueText, writeTimestamp } from './value-text.js'

/** Types whose text is a number or a boolean: never quoted, never escaped. */
const PLAIN_TYPES = new Set([
  'SMALLINT',
  'INTEGER',
  'BIGINT',
  'DECIMAL',
  'REAL',
  'DOUBLE PRECISION',
  'BOOLEAN',
  'OID',
])

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER)
const MIN_SAFE = -MAX_SAFE
const COMMA = 0x2c
const TAB = 0x09
const NEWLINE = 0x0a

/** Whether a CSV field must be quoted: it holds a comma, a quote, CR or LF. */
function csvNeedsQuotes(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (c === 0x2c || c === 0x22 || c === 0x0d || c === 0x0a) return true
  }
  return false
}

/** RFC 4180 quoting: a field with the delimiter, a quote, CR or LF is quoted, quotes doubled. */
function csvField(text: string): string {
  return csvNeedsQuotes(text) ? `"${text.replaceAll('"', '""')}"` : text
}

/** TSV as PostgreSQL's text format writes it: tab, newline, CR and backslash escaped; NULL is `\N`. */
function tsvField(text: string): string {
  return text.replace(/[\\\t\n\r]/g, (c) =>
    c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r',
  )
}

/**
 * CSV (header line, RFC 4180, NULL as an empty unquoted field) or TSV (header line, NULL as `\N`).
 *
 * @example
 * const sink = new DelimitedSink(process.stdout, 'csv')
 */
export class DelimitedSink implements RowSink {
  readonly #out: ByteWriter
  constructor(
    out: Writable,
    private readonly format: 'csv' | 'tsv',
    private readonly header = true,
  ) {
    this.#out = new ByteWriter(out)
  }

  get bytes(): number {
    return this.#out.bytes
  }

  /** Per column: whether its text can need quoting or escaping (numbers and booleans never do). */
  #plain: boolean[] = []

  #field(text: string): void {
    if (this.format === 'csv') this.#out.text(csvField(text))
    else this.#out.text(tsvField(text))
  }

  async begin(columns: readonly ColumnMetadata[]): Promise<void> {
    this.#plain = columns.map((c) => PLAIN_TYPES.has(c.dataType))
    if (!this.header) return
    columns.forEach((c, i) => {
      if (i > 0) this.#out.byte(this.format === 'csv' ? COMMA : TAB)
      this.#field(c.name)
    })
    this.#out.byte(NEWLINE)
    await this.#out.flush()
  }

  async write(rows: readonly Row[]): Promise<void> {
    const out = this.#out
    const csv = this.format === 'csv'
    const sep = csv ? COMMA : TAB
    const plain = this.#plain
    for (const row of rows) {
      const values = row.values
      for (let i = 0; i < values.length; i++) {
        if (i > 0) out.byte(sep)
        const v = values[i] as Value
        if (v === null) {
          if (!csv) out.ascii('\\N')
        } else if (typeof v === 'number' && Number.isSafeInteger(v)) out.int(v)
        else if (typeof v === 'bigint' && v <= MAX_SAFE && v >= MIN_SAFE) out.int(Number(v))
        else if (plain[i]) out.ascii(String(v))
        else if (v instanceof Date) writeTimestamp(out, v)
        else if (typeof v === 'string') {
          if (csv ? csvNeedsQuotes(v) : /[\\\t\n\r]/.test(v)) this.#field(v)
          else out.text(v)
        } else this.#field(valueText(v) as string)
      }
      out.byte(NEWLINE)
    }
    await out.flush()
  }

  async end(): Promise<void> {
    await this.#out.flush()
  }
}
