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
  const rows = (await parquetReadObjects({ file, compressors, metadata })) as Record<string, unknown>[]
  return rows.map((row, i) => ({
    line: i + 1,
    raw: '',
    fields: columns.map((column, c) => valueText(row[keys[c] as string], column)),
  }))
}

function skip(schema: ReturnType<typeof parquetMetadata>['schema'], at: number): number {
  const children = schema[at]?.num_children ?? 0
  let next = at + 1
  for (let i = 0; i < children; i++) next = skip(schema, next)
  return next
}
