import type { SchemaElement } from 'hyparquet'
import { ByteWriter, ParquetWriter } from 'hyparquet-writer'
import type { OutputColumn } from './query-source.js'

type Cell = string | number | bigint | boolean | null

/** How one engine text value becomes a Parquet value, with the column's schema element. */
interface ColumnPlan {
  readonly element: SchemaElement
  readonly convert: (text: string) => Cell
}

const EPOCH_DAY = 86_400_000

function daysSinceEpoch(text: string): number {
  return Math.floor(Date.parse(`${text.slice(0, 10)}T00:00:00Z`) / EPOCH_DAY)
}

/** Microseconds since the epoch of `YYYY-MM-DD HH:MI:SS[.ffffff][+zz]`; the zone is dropped (DG: TIMESTAMPTZ). */
function epochMicrosSlow(text: string): bigint {
  const m = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2})(?:\.(\d{1,6}))?/.exec(text)
  if (!m) return BigInt(Date.parse(text)) * 1000n
  const seconds = BigInt(Date.parse(`${m[1]}T${m[2]}Z`)) / 1000n
  return seconds * 1_000_000n + BigInt((m[3] ?? '').padEnd(6, '0'))
}

const ZERO = 48
/** The value of the digits `text[from, to)`, or -1 when one is not a digit. */
function digitsAt(text: string, from: number, to: number): number {
  let n = 0
  for (let i = from; i < to; i++) {
    const d = text.charCodeAt(i) - ZERO
    if (d < 0 || d > 9) return -1
    n = n * 10 + d
  }
  return n
}

/** The last date part read, and its day's first microsecond: a column's timestamps share few days. */
let lastDate = ''
let lastDateMicros = 0

/**
 * {@link epochMicrosSlow}, without a regular expression or a Date per value for the engine's usual
 * shape (`YYYY-MM-DD HH:MI:SS[.f...]`, years 1000 to 9999); anything else goes the slow way.
 */
function epochMicros(text: string): bigint {
  const n = text.length
  if (n < 19 || text.charCodeAt(10) !== 32 || text.charCodeAt(13) !== 58 || text.charCodeAt(16) !== 58)
    return epochMicrosSlow(text)
  if (!text.startsWith(lastDate) || lastDate === '') {
    const date = text.slice(0, 10)
    const ms = Date.parse(`${date}T00:00:00Z`)
    if (Number.isNaN(ms) || text.charCodeAt(0) === ZERO) return epochMicrosSlow(text)
    lastDate = date
    lastDateMicros = ms * 1000
  }
  const h = digitsAt(text, 11, 13)
  const mi = digitsAt(text, 14, 16)
  const sec = digitsAt(text, 17, 19)
  let fraction = 0
  let end = 19
  if (n > 19 && text.charCodeAt(19) === 46) {
    end = 20
    while (end < n && end < 26) {
      const d = text.charCodeAt(end) - ZERO
      if (d < 0 || d > 9) break
      fraction = fraction * 10 + d
      end++
    }
    for (let k = end; k < 26; k++) fraction *= 10
  }
  // What may follow: a zone (dropped); ` BC` or more digits are not this shape.
  const next = end < n ? text.charCodeAt(end) : 0
  if (h < 0 || mi < 0 || sec < 0 || (next !== 0 && next !== 43 && next !== 45)) return epochMicrosSlow(text)
  const micros = lastDateMicros + ((h * 60 + mi) * 60 + sec) * 1_000_000 + fraction
  return Number.isSafeInteger(micros) ? BigInt(micros) : epochMicrosSlow(text)
}

/** The unscaled integer of a decimal text at `scale` (exact: no float in between). */
function unscaled(text: string, scale: number): bigint {
  // Up to 15 digits fit a double exactly: one BigInt at the end instead of string work per value.
  if (text.length <= 16) {
    let n = 0
    let fraction = -1
    let i = text.charCodeAt(0) === 45 || text.charCodeAt(0) === 43 ? 1 : 0
    let ok = i < text.length
    for (; i < text.length; i++) {
      const c = text.charCodeAt(i)
      if (c === 46 && fraction < 0) fraction = 0
      else if (c >= 48 && c <= 57) {
        if (fraction >= 0) {
          if (fraction === scale) continue
          fraction++
        }
        n = n * 10 + (c - 48)
      } else ok = false
    }
    if (ok) {
      for (let k = Math.max(fraction, 0); k < scale; k++) n *= 10
      if (Number.isSafeInteger(n)) return BigInt(text.charCodeAt(0) === 45 ? -n : n)
    }
  }
  const negative = text.startsWith('-')
  const [whole = '0', fraction = ''] = text.replace(/^[+-]/, '').split('.')
  const digits = `${whole}${fraction.padEnd(scale, '0').slice(0, scale)}`
  const n = BigInt(digits === '' ? '0' : digits)
  return negative ? -n : n
}

function plan(column: OutputColumn): ColumnPlan {
  const base = { name: column.name, repetition_type: 'OPTIONAL' as const }
  switch (column.typeName) {
    case 'int2':
    case 'int4':
      return { element: { ...base, type: 'INT32' }, convert: Number }
    case 'int8':
      return { element: { ...base, type: 'INT64' }, convert: BigInt }
    case 'float4':
      return { element: { ...base, type: 'FLOAT' }, convert: Number }
    case 'float8':
      return { element: { ...base, type: 'DOUBLE' }, convert: Number }
    case 'bool':
      return { element: { ...base, type: 'BOOLEAN' }, convert: (v) => v === 't' }
    case 'date':
      return { element: { ...base, type: 'INT32', converted_type: 'DATE' }, convert: daysSinceEpoch }
    case 'timestamp':
    case 'timestamptz':
      return {
        element: { ...base, type: 'INT64', converted_type: 'TIMESTAMP_MICROS' },
        convert: epochMicros,
      }
    case 'numeric': {
      if (column.precision === null || column.scale === null) {
        // An unconstrained NUMERIC has no precision to declare: written as its text.
        return { element: { ...base, type: 'BYTE_ARRAY', converted_type: 'UTF8' }, convert: (v) => v }
      }
      const { precision, scale } = column
      const physical =
        precision <= 18
          ? { type: 'INT64' as const }
          : { type: 'FIXED_LEN_BYTE_ARRAY' as const, type_length: 16 }
      return {
        element: { ...base, ...physical, converted_type: 'DECIMAL', precision, scale },
        convert: (v) => unscaled(v, scale),
      }
    }
    default:
      return { element: { ...base, type: 'BYTE_ARRAY', converted_type: 'UTF8' }, convert: (v) => v }
  }
}

/**
 * One Parquet file being written (hyparquet-writer): Parquet 1.0 pages, SNAPPY per row group as Redshift
 * writes them; each FETCH batch becomes a row group. The file lives in memory until `finish()`.
 */
export class ParquetFile {
  readonly #writer = new ByteWriter()
  readonly #parquet: ParquetWriter
  readonly #plans: readonly ColumnPlan[]
  rows = 0

  constructor(columns: readonly OutputColumn[]) {
    this.#plans = columns.map(plan)
    const schema: SchemaElement[] = [
      { name: 'root', num_children: columns.length },
      ...this.#plans.map((p) => p.element),
    ]
    this.#parquet = new ParquetWriter({
      writer: this.#writer,
      schema,
      codec: 'SNAPPY',
      createdBy: 'redshift-local',
    })
  }

  /** Bytes written so far. */
  get size(): number {
    return this.#writer.offset
  }

  /** Writes rows (engine text values, one per column) as one row group. */
  async write(rows: readonly (readonly (string | null)[])[]): Promise<void> {
    if (rows.length === 0) return
    const columnData = this.#plans.map((p, c) => ({
      name: p.element.name,
      data: rows.map((row) => {
        const v = row[c]
        return v === null || v === undefined ? null : p.convert(v)
      }),
    }))
    await this.#parquet.write({ columnData, rowGroupSize: rows.length })
    this.rows += rows.length
  }

  async finish(): Promise<Buffer> {
    await this.#parquet.finish()
    return Buffer.from(this.#writer.getBuffer())
  }
}
