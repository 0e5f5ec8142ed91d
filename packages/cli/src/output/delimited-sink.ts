import type { Writable } from 'node:stream'
import type { ColumnMetadata, Row, Value } from '@redshift-kit/client'
import type { RowSink } from './sink.js'
import { TextWriter } from './text-writer.js'
import { valueText } from './value-text.js'

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

/** RFC 4180 quoting: a field with the delimiter, a quote, CR or LF is quoted, quotes doubled. */
function csvField(text: string, delimiter: string): string {
  return text.includes(delimiter) || /["\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text
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
  readonly #out: TextWriter
  constructor(
    out: Writable,
    private readonly format: 'csv' | 'tsv',
    private readonly header = true,
  ) {
    this.#out = new TextWriter(out)
  }

  get bytes(): number {
    return this.#out.bytes
  }

  /** Per column: whether its text can need quoting or escaping (numbers and booleans never do). */
  #plain: boolean[] = []

  #line(fields: readonly (string | null)[]): string {
    if (this.format === 'csv') return `${fields.map((f) => (f === null ? '' : csvField(f, ','))).join(',')}\n`
    return `${fields.map((f) => (f === null ? '\\N' : tsvField(f))).join('\t')}\n`
  }

  async begin(columns: readonly ColumnMetadata[]): Promise<void> {
    this.#plain = columns.map((c) => PLAIN_TYPES.has(c.dataType))
    if (this.header) await this.#out.write(this.#line(columns.map((c) => c.name)))
  }

  async write(rows: readonly Row[]): Promise<void> {
    const csv = this.format === 'csv'
    const sep = csv ? ',' : '\t'
    const plain = this.#plain
    let text = ''
    for (const row of rows) {
      const values = row.values
      for (let i = 0; i < values.length; i++) {
        if (i > 0) text += sep
        const v = values[i] as Value
        if (v === null) {
          if (!csv) text += '\\N'
        } else if (plain[i]) text += String(v)
        else {
          const t = valueText(v) as string
          text += csv ? csvField(t, ',') : tsvField(t)
        }
      }
      text += '\n'
    }
    await this.#out.write(text)
  }

  async end(): Promise<void> {}
}
