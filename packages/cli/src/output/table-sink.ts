import type { Writable } from 'node:stream'
import type { ColumnMetadata, Row } from '@redshift-kit/client'
import type { Painter } from '../io.js'
import type { RowSink } from './sink.js'
import { TextWriter } from './text-writer.js'
import { valueText } from './value-text.js'

const NUMERIC = new Set(['SMALLINT', 'INTEGER', 'BIGINT', 'DECIMAL', 'REAL', 'DOUBLE PRECISION', 'OID'])
/** Rows read before the column widths are fixed: enough to look right, few enough to keep memory bounded. */
const SAMPLE_ROWS = 500
const MAX_WIDTH = 60

function cell(text: string, width: number, right: boolean): string {
  const fitted = text.length > width ? `${text.slice(0, width - 1)}…` : text
  return right ? fitted.padStart(width) : fitted.padEnd(width)
}

/** One line of a value: newlines and tabs shown, not obeyed. */
function flat(text: string): string {
  return text.replace(/\r?\n/g, '↵').replace(/\t/g, ' ')
}

/**
 * An aligned table as psql draws one, for terminals. Widths come from the first rows (up to 500), so a
 * result of any size streams through in bounded memory; longer values later on are cut with `…`.
 *
 * @example
 * new TableSink(process.stdout, painter(process.stdout, process.env))
 */
export class TableSink implements RowSink {
  readonly #out: TextWriter
  #columns: readonly ColumnMetadata[] = []
  #right: boolean[] = []
  #widths: number[] | undefined
  #sample: (string | null)[][] = []
  #count = 0

  constructor(
    out: Writable,
    private readonly paint: Painter,
  ) {
    this.#out = new TextWriter(out)
  }

  get bytes(): number {
    return this.#out.bytes
  }

  async begin(columns: readonly ColumnMetadata[]): Promise<void> {
    this.#columns = columns
    this.#right = columns.map((c) => NUMERIC.has(c.dataType))
  }

  #render(values: readonly (string | null)[]): string {
    const widths = this.#widths ?? []
    const null_ = this.paint.enabled ? this.paint.dim('∅') : ''
    const cells = values.map((v, i) => {
      const w = widths[i] ?? 0
      if (v === null) return this.paint.enabled ? `${' '.repeat(Math.max(0, w - 1))}${null_}` : ' '.repeat(w)
      return cell(flat(v), w, this.#right[i] ?? false)
    })
    return ` ${cells.join(' | ')}\n`
  }

  async #fixWidths(): Promise<void> {
    this.#widths = this.#columns.map((c, i) => {
      let w = c.name.length
      for (const row of this.#sample) w = Math.max(w, flat(row[i] ?? '').length)
      return Math.min(w, MAX_WIDTH)
    })
    const header = this.#columns.map((c, i) => cell(c.name, this.#widths?.[i] ?? 0, false))
    let text = ` ${this.paint.bold(header.join(' | '))}\n`
    text += `${this.#widths.map((w) => '-'.repeat(w + 2)).join('+')}\n`
    for (const row of this.#sample) text += this.#render(row)
    this.#sample = []
    await this.#out.write(text)
  }

  async write(rows: readonly Row[]): Promise<void> {
    this.#count += rows.length
    if (this.#widths === undefined) {
      for (const row of rows) this.#sample.push(row.values.map(valueText))
      if (this.#sample.length >= SAMPLE_ROWS) await this.#fixWidths()
      return
    }
    let text = ''
    for (const row of rows) text += this.#render(row.values.map(valueText))
    await this.#out.write(text)
  }

  async end(): Promise<void> {
    if (this.#widths === undefined) await this.#fixWidths()
    await this.#out.write(this.paint.dim(`(${this.#count} ${this.#count === 1 ? 'row' : 'rows'})\n`))
  }
}
