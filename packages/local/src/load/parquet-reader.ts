import { CommandSyntaxError } from '@redshift-kit/dialect'
import { parquetMetadata, parquetRead } from 'hyparquet'
import { compressors } from 'hyparquet-compressors'
import { type CopyDialect, CopyOutput } from './copy-output.js'
import type { ReaderItem } from './input-record.js'
import type { TargetColumn } from './target-table.js'
import type { Converted, FieldConverter } from './value-converter.js'

const pad = (n: number, w = 2) => String(n).padStart(w, '0')

function dateText(d: Date, column: TargetColumn): string {
  const date = `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`
  if (column.category === 'date') return date
  const time = `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}.${pad(d.getUTCMilliseconds(), 3)}`
  return column.category === 'timestamptz' ? `${date} ${time}+00` : `${date} ${time}`
}

/** A Parquet value as the converter takes it (text in the column's input form, or null). */
function valueText(value: unknown, column: TargetColumn): string | null {
  if (value === null || value === undefined) return null
  if (typeof value === 'string') return value
  if (typeof value === 'number' || typeof value === 'bigint') return String(value)
  if (typeof value === 'boolean') return value ? 'true' : 'false'
  if (value instanceof Date) return dateText(value, column)
  if (value instanceof Uint8Array)
    return column.category === 'other'
      ? `\\x${Buffer.from(value).toString('hex')}`
      : Buffer.from(value).toString('utf8')
  return JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v))
}

type Metadata = ReturnType<typeof parquetMetadata>
type Cell = ReturnType<typeof cellConverter>

/** Rows of a row group converted per slice: one slice's CSV text at a time, not the group's. */
const SLICE_ROWS = 10_000

/**
 * The typed fast path of one column: the engine's text for a raw Parquet value the column takes as it
 * is (an integer in range, a finite float, a boolean, a timestamp's microseconds), or undefined when
 * the value goes the general way (its text, then the column's converter with Redshift's rules).
 */
type FastText = (raw: unknown) => string | undefined

const INT_LIMITS: Readonly<Record<string, readonly [number, number]>> = {
  int2: [-32768, 32767],
  int4: [-2147483648, 2147483647],
}
const INT8_MIN = -(2n ** 63n)
const INT8_MAX = 2n ** 63n - 1n
/** 0001-01-01 00:00:00 and 9999-12-31 23:59:59.999999 in microseconds since the epoch. */
const MICROS_MIN = -62_135_596_800_000_000n
const MICROS_MAX = 253_402_300_799_999_999n

function fastText(
  column: TargetColumn,
  micros: boolean,
  decimalScale: number | undefined,
): FastText | undefined {
  switch (column.category) {
    case 'varchar': {
      // Text the converter would return unchanged whatever the options: not empty, no blank at either
      // end (BLANKSASNULL, TRIMBLANKS), no U+FFFD (invalid UTF-8), within the byte length.
      const max = column.length
      return (raw) => {
        if (typeof raw !== 'string' || raw.length === 0) return undefined
        const first = raw.charCodeAt(0)
        const last = raw.charCodeAt(raw.length - 1)
        // (Trimming also takes Unicode spaces: an end outside printable ASCII goes the general way.)
        if (first <= 32 || first >= 127 || last <= 32 || last >= 127 || raw.includes('\uFFFD'))
          return undefined
        return max === null || raw.length * 3 <= max || Buffer.byteLength(raw) <= max ? raw : undefined
      }
    }
    case 'numeric': {
      // A DECIMAL of the column's scale whose digits fit its precision is already the engine's text.
      const { precision, scale } = column
      if (decimalScale === undefined || precision === null || scale !== decimalScale) return undefined
      return (raw) => {
        if (raw === null || raw === undefined) return undefined
        const text = decimalText(unscaledOf(raw), decimalScale)
        const digits = text.length - (text.charCodeAt(0) === 45 ? 1 : 0) - (decimalScale > 0 ? 1 : 0)
        return digits <= precision ? text : undefined
      }
    }
    case 'int2':
    case 'int4': {
      const [min, max] = INT_LIMITS[column.category] as readonly [number, number]
      return (raw) =>
        typeof raw === 'number' && Number.isInteger(raw) && raw >= min && raw <= max ? String(raw) : undefined
    }
    case 'int8':
      return (raw) => {
        if (typeof raw === 'bigint') return raw >= INT8_MIN && raw <= INT8_MAX ? raw.toString() : undefined
        return typeof raw === 'number' && Number.isSafeInteger(raw) ? String(raw) : undefined
      }
    case 'float4':
    case 'float8':
      return (raw) => (typeof raw === 'number' && Number.isFinite(raw) ? String(raw) : undefined)
    case 'bool':
      return (raw) => (typeof raw === 'boolean' ? (raw ? 't' : 'f') : undefined)
    case 'timestamp':
    case 'timestamptz': {
      if (!micros) return undefined
      const zone = column.category === 'timestamptz' ? '+00' : ''
      // Years 1 to 9999 only: others are written as the engine cannot read them, and go the general way.
      return (raw) =>
        typeof raw === 'bigint' && raw >= MICROS_MIN && raw <= MICROS_MAX
          ? `${microsText(raw)}${zone}`
          : undefined
    }
    default:
      return undefined
  }
}

/** One value's conversion: the fast path, else its text through the converter. */
function cellConverter(
  column: TargetColumn,
  converter: FieldConverter,
  micros: boolean,
  decimalScale: number | undefined,
): { convert: (raw: unknown) => Converted; text: (raw: unknown) => string | null } {
  const fast = fastText(column, micros, decimalScale)
  const text = (raw: unknown): string | null => {
    if (decimalScale !== undefined && raw !== null && raw !== undefined)
      return decimalText(unscaledOf(raw), decimalScale)
    if (micros && typeof raw === 'bigint') return microsText(raw)
    return valueText(raw, column)
  }
  const convert = (raw: unknown): Converted => {
    if (raw === null || raw === undefined) return converter.null()
    const quick = fast?.(raw)
    if (quick !== undefined) return quick
    const t = text(raw)
    return t === null ? converter.null() : converter(t)
  }
  return { convert, text }
}

/** The top-level columns' schema positions (each group is followed by its descendants). */
function topLevel(schema: Metadata['schema']): number[] {
  const out: number[] = []
  for (let at = 1; at < schema.length; at = skip(schema, at)) out.push(at)
  return out
}

/** One row group's top-level columns, decoded (no row objects); by name, or as rows when names repeat. */
async function readGroup(
  file: ArrayBuffer,
  metadata: Metadata,
  names: readonly string[],
  start: number,
  count: number,
): Promise<unknown[][]> {
  const data = names.map(() => new Array<unknown>(count))
  const index = new Map(names.map((n, i) => [n, i]))
  const range = { file, compressors, metadata, utf8: true, rowStart: start, rowEnd: start + count }
  if (index.size === names.length) {
    await parquetRead({
      ...range,
      onChunk: (chunk) => {
        const column = data[index.get(chunk.columnName) as number] as unknown[]
        const values = chunk.columnData
        for (let r = Math.max(chunk.rowStart, start); r < Math.min(chunk.rowEnd, start + count); r++)
          column[r - start] = values[r - chunk.rowStart]
      },
    })
  } else {
    await parquetRead({
      ...range,
      onComplete: (rows: unknown[][]) => {
        for (let r = 0; r < rows.length; r++)
          for (let c = 0; c < names.length; c++) (data[c] as unknown[])[r] = rows[r]?.[c]
      },
    })
  }
  return data
}

/**
 * Reads a Parquet file with hyparquet (SNAPPY natively; GZIP, ZSTD, BROTLI, LZ4 through
 * hyparquet-compressors), a row group at a time and column-wise. As on Redshift, the file's columns
 * match the table's by position and their counts must be equal; the first bad value fails the load
 * (no MAXERROR for columnar data).
 *
 * Rows whose every value converts are written straight into the engine's CSV (`output`'s dialect) and
 * handed on as checked rows, as the CSV reader does with valid records; a row with a value that does
 * not convert is handed on as a record of texts, for the converters to reject with Redshift's error.
 */
export async function* readParquet(
  bytes: Buffer,
  url: string,
  columns: readonly TargetColumn[],
  converters: readonly FieldConverter[],
  dialect: CopyDialect,
): AsyncGenerator<ReaderItem[]> {
  const file = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer
  let metadata: Metadata
  try {
    metadata = parquetMetadata(file)
  } catch (error) {
    throw new CommandSyntaxError('XX000', `${url} is not a Parquet file: ${(error as Error).message}`)
  }
  const positions = topLevel(metadata.schema)
  if (positions.length !== columns.length) {
    throw new CommandSyntaxError(
      'XX000',
      `Unmatched number of columns between table and file. Table columns: ${columns.length}, Data columns: ${positions.length}, File name: ${url}`,
    )
  }
  // hyparquet turns DECIMAL into a float, which cannot hold 38 digits, and TIMESTAMP_MICROS into a Date
  // (milliseconds): their annotations are removed so that the raw integers come through, and the
  // exact text is written from them, as Redshift loads it.
  const cells = positions.map((at, c) => {
    const element = metadata.schema[at] as Metadata['schema'][number] & {
      converted_type?: string
      logical_type?: { type?: string; unit?: string }
    }
    let decimalScale: number | undefined
    let micros = false
    if (element.converted_type === 'DECIMAL' || element.logical_type?.type === 'DECIMAL') {
      decimalScale = element.scale ?? 0
      delete element.converted_type
      delete element.logical_type
    } else if (
      element.converted_type === 'TIMESTAMP_MICROS' ||
      (element.logical_type?.type === 'TIMESTAMP' && element.logical_type.unit === 'MICROS')
    ) {
      micros = true
      delete element.converted_type
      delete element.logical_type
    }
    return cellConverter(columns[c] as TargetColumn, converters[c] as FieldConverter, micros, decimalScale)
  })
  const names = positions.map((at) => metadata.schema[at]?.name ?? '')
  const output = new CopyOutput(dialect)
  const width = columns.length
  const values = new Array<string | null>(width)
  let start = 0
  for (const group of metadata.row_groups) {
    const count = Number(group.num_rows)
    const data = await readGroup(file, metadata, names, start, count)
    for (let from = 0; from < count; from += SLICE_ROWS) {
      const items: ReaderItem[] = []
      let checked = 0
      const to = Math.min(count, from + SLICE_ROWS)
      for (let r = from; r < to; r++) {
        let bad = false
        for (let c = 0; c < width; c++) {
          const v = (cells[c] as Cell).convert((data[c] as unknown[])[r])
          if (v !== null && typeof v === 'object') {
            bad = true
            break
          }
          values[c] = v
        }
        if (!bad) {
          output.row(values)
          checked++
          continue
        }
        // The converters see the row again and reject it with the column and reason.
        if (checked > 0) items.push({ checked: output.take(true)[0] as Uint8Array, rows: checked })
        checked = 0
        items.push({
          line: start + r + 1,
          raw: '',
          fields: data.map((column, c) => (cells[c] as Cell).text(column[r])),
        })
      }
      if (checked > 0) items.push({ checked: output.take(true)[0] as Uint8Array, rows: checked })
      yield items
    }
    start += count
  }
}

/** The unscaled integer a DECIMAL is stored as: INT32, INT64, or big-endian two's complement bytes. */
function unscaledOf(raw: unknown): bigint {
  if (typeof raw === 'bigint') return raw
  if (typeof raw === 'number') return BigInt(raw)
  const bytes = raw as Uint8Array
  let value = 0n
  for (const byte of bytes) value = value * 256n + BigInt(byte)
  const bits = BigInt(bytes.length * 8)
  return bytes.length > 0 && value >= 1n << (bits - 1n) ? value - (1n << bits) : value
}

/** Two-digit texts 00..59, for times of day without a padStart per field. */
const TWO = Array.from({ length: 60 }, (_, i) => String(i).padStart(2, '0'))
const MICROS_PER_DAY = 86_400_000_000
/** The date part of the last day written: a column's timestamps mostly share a few days. */
let lastDay = Number.NaN
let lastDayText = ''

/** Microseconds since the epoch as `YYYY-MM-DD HH:MI:SS.ffffff` (UTC). */
function microsText(us: bigint): string {
  const n = Number(us)
  if (!Number.isSafeInteger(n)) {
    const ms = us / 1000n - (us % 1000n < 0n ? 1n : 0n)
    const rest = ((us % 1_000_000n) + 1_000_000n) % 1_000_000n
    const iso = new Date(Number(ms)).toISOString()
    return `${iso.slice(0, 10)} ${iso.slice(11, 19)}.${rest.toString().padStart(6, '0')}`
  }
  const day = Math.floor(n / MICROS_PER_DAY)
  if (day !== lastDay) {
    lastDay = day
    lastDayText = new Date(day * 86_400_000).toISOString().slice(0, 10)
  }
  const inDay = n - day * MICROS_PER_DAY
  const seconds = Math.floor(inDay / 1_000_000)
  const fraction = inDay - seconds * 1_000_000
  return `${lastDayText} ${TWO[Math.floor(seconds / 3600)]}:${TWO[Math.floor(seconds / 60) % 60]}:${TWO[seconds % 60]}.${String(fraction).padStart(6, '0')}`
}

/** `unscaled × 10^-scale` as exact decimal text. */
function decimalText(unscaled: bigint, scale: number): string {
  if (scale <= 0) return unscaled.toString()
  const negative = unscaled < 0n
  const digits = (negative ? -unscaled : unscaled).toString().padStart(scale + 1, '0')
  return `${negative ? '-' : ''}${digits.slice(0, -scale)}.${digits.slice(-scale)}`
}

function skip(schema: ReturnType<typeof parquetMetadata>['schema'], at: number): number {
  const children = schema[at]?.num_children ?? 0
  let next = at + 1
  for (let i = 0; i < children; i++) next = skip(schema, next)
  return next
}
