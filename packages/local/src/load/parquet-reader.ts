import { CommandSyntaxError } from '@redshift-kit/dialect'
import { parquetMetadata, parquetReadObjects } from 'hyparquet'
import { compressors } from 'hyparquet-compressors'
import type { InputRecord } from './input-record.js'
import type { TargetColumn } from './target-table.js'

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

/**
 * Reads a Parquet file with hyparquet (SNAPPY natively; GZIP, ZSTD, BROTLI, LZ4 through
 * hyparquet-compressors). As on Redshift, the file's columns match the table's by position and their
 * counts must be equal; the first bad value fails the load (no MAXERROR for columnar data).
 */
export async function readParquet(
  bytes: Buffer,
  url: string,
  columns: readonly TargetColumn[],
): Promise<InputRecord[]> {
  const file = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer
  let metadata: ReturnType<typeof parquetMetadata>
  try {
    metadata = parquetMetadata(file)
  } catch (error) {
    throw new CommandSyntaxError('XX000', `${url} is not a Parquet file: ${(error as Error).message}`)
  }
  // The flattened schema lists each group followed by its descendants: the top-level columns are the
  // elements reached by skipping whole subtrees.
  const keys: string[] = []
  for (let at = 1; at < metadata.schema.length; at = skip(metadata.schema, at))
    keys.push(metadata.schema[at]?.name ?? '')
  if (keys.length !== columns.length) {
    throw new CommandSyntaxError(
      'XX000',
      `Unmatched number of columns between table and file. Table columns: ${columns.length}, Data columns: ${keys.length}, File name: ${url}`,
    )
  }
  // hyparquet turns DECIMAL into a float, which cannot hold 38 digits: read the unscaled integers
  // instead and write the decimal text exactly, as Redshift loads it.
  // Likewise TIMESTAMP_MICROS, which hyparquet turns into a Date (milliseconds).
  const decimals = new Map<string, number>()
  const micros = new Set<string>()
  for (let at = 1; at < metadata.schema.length; at = skip(metadata.schema, at)) {
    const element = metadata.schema[at] as (typeof metadata.schema)[number] & {
      converted_type?: string
      logical_type?: { type?: string; unit?: string }
    }
    if (element.converted_type === 'DECIMAL' || element.logical_type?.type === 'DECIMAL') {
      decimals.set(element.name, element.scale ?? 0)
      delete element.converted_type
      delete element.logical_type
    } else if (
      element.converted_type === 'TIMESTAMP_MICROS' ||
      (element.logical_type?.type === 'TIMESTAMP' && element.logical_type.unit === 'MICROS')
    ) {
      micros.add(element.name)
      delete element.converted_type
      delete element.logical_type
    }
  }
  const rows = (await parquetReadObjects({ file, compressors, metadata, utf8: true })) as Record<
    string,
    unknown
  >[]
  for (const row of rows)
    for (const [key, scale] of decimals) {
      const raw = row[key]
      if (raw !== null && raw !== undefined) row[key] = decimalText(unscaledOf(raw), scale)
    }
  for (const row of rows)
    for (const key of micros) {
      const raw = row[key]
      if (raw !== null && raw !== undefined) row[key] = microsText(BigInt(raw as bigint))
    }
  return rows.map((row, i) => ({
    line: i + 1,
    raw: '',
    fields: columns.map((column, c) => valueText(row[keys[c] as string], column)),
  }))
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

/** Microseconds since the epoch as `YYYY-MM-DD HH:MI:SS.ffffff` (UTC). */
function microsText(us: bigint): string {
  const ms = us / 1000n - (us % 1000n < 0n ? 1n : 0n)
  const rest = ((us % 1_000_000n) + 1_000_000n) % 1_000_000n
  const iso = new Date(Number(ms)).toISOString()
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}.${rest.toString().padStart(6, '0')}`
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
