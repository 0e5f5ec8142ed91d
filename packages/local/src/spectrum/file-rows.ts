/**
 * Reads one file of an external table into the engine's CSV (for `COPY cache (columns) FROM STDIN`),
 * with COPY's readers and converters: Spectrum and COPY read TEXTFILE, CSV, JSON and Parquet alike,
 * except that Parquet columns are matched by name (not position) and a file may hold more columns
 * than the table. The first value that cannot be read fails the scan, as Spectrum does.
 */

import { type CopyOptions, parseCopy } from '@redshift-kit/dialect'
import { parquetMetadata, parquetReadObjects } from 'hyparquet'
import { compressors } from 'hyparquet-compressors'
import { CopyOutput } from '../load/copy-output.js'
import { csvReader } from '../load/csv-reader.js'
import { decodedText, decompressed, type InputCompression } from '../load/decompress.js'
import type { InputRecord, ReaderItem } from '../load/input-record.js'
import { jsonReader } from '../load/json-reader.js'
import { textReader } from '../load/text-reader.js'
import { columnConverter, type FieldConverter, isFieldError } from '../load/value-converter.js'
import type { ObjectInfo, ObjectStore } from '../s3/index.js'
import type { ExternalTable, ReadFormat } from './external-table.js'
import { targetColumn } from './external-types.js'

/** Redshift's error for a file Spectrum cannot read (SQLSTATE XX000, code 15007 in the DETAIL). */
export class SpectrumScanError extends Error {
  override readonly name = 'SpectrumScanError'
  constructor(
    readonly file: string,
    readonly reason: string,
    readonly line: number | null,
  ) {
    super('Spectrum Scan Error')
  }
}

/** The CSV dialect rows reach the engine in. */
export const ENGINE_CSV = { delimiter: ',', quote: '"', passThrough: false } as const

function literal(text: string): string {
  return `'${text.replaceAll('\\', '\\\\').replaceAll("'", "''")}'`
}

function compressionOf(key: string): InputCompression {
  const k = key.toLowerCase()
  if (k.endsWith('.gz')) return 'gzip'
  if (k.endsWith('.bz2')) return 'bzip2'
  if (k.endsWith('.zst')) return 'zstd'
  return 'none'
}

/** COPY's options for reading a text format (parsed from COPY text, so every default is COPY's). */
export function copyOptionsFor(format: ReadFormat): CopyOptions {
  let clause: string
  switch (format.kind) {
    case 'text':
      clause = `DELIMITER E${literal(format.delimiter)} IGNOREHEADER ${format.skipHeader}${format.nullAs === null ? '' : ` NULL AS ${literal(format.nullAs)}`}`
      break
    case 'csv':
      clause = `CSV QUOTE AS E${literal(format.quote)} DELIMITER E${literal(format.delimiter)} IGNOREHEADER ${format.skipHeader}`
      break
    case 'json':
      clause = "JSON 'auto ignorecase'"
      break
    default:
      clause = 'FORMAT AS PARQUET'
  }
  return parseCopy(`COPY t FROM 's3://local/x' IAM_ROLE 'arn:aws:iam::000000000000:role/spectrum' ${clause}`)
    .options
}

/** What reading one file found. */
export interface FileRead {
  rows: number
}

async function* parquetRecords(
  store: ObjectStore,
  file: ObjectInfo,
  table: ExternalTable,
): AsyncIterable<readonly ReaderItem[]> {
  const bytes = await store.get(file.bucket, file.key)
  const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer
  let metadata: ReturnType<typeof parquetMetadata>
  try {
    metadata = parquetMetadata(buffer)
  } catch (error) {
    throw new SpectrumScanError(file.url, `File is not a Parquet file: ${(error as Error).message}`, null)
  }
  const byName = new Map<string, string>()
  for (const el of metadata.schema.slice(1)) byName.set(el.name.toLowerCase(), el.name)
  // Columns the file lacks read as NULL, as Spectrum reads them.
  const wanted = table.columns.map((c) => byName.get(c.name))
  const present = wanted.filter((n): n is string => n !== undefined)
  const rows = (await parquetReadObjects({
    file: buffer,
    compressors,
    metadata,
    columns: present,
  })) as Record<string, unknown>[]
  const out: InputRecord[] = new Array(rows.length)
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i] as Record<string, unknown>
    out[i] = {
      line: i + 1,
      raw: '',
      fields: wanted.map((k) => (k === undefined ? null : parquetText(row[k], table, k))),
    }
  }
  yield out
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0')

function parquetText(value: unknown, table: ExternalTable, key: string): string | null {
  if (value === null || value === undefined) return null
  if (typeof value === 'string') return value
  if (typeof value === 'number' || typeof value === 'bigint') return String(value)
  if (typeof value === 'boolean') return value ? 'true' : 'false'
  if (value instanceof Date) {
    const date = `${pad(value.getUTCFullYear(), 4)}-${pad(value.getUTCMonth() + 1)}-${pad(value.getUTCDate())}`
    const column = table.columns.find((c) => c.name === key.toLowerCase())
    if (column?.type.category === 'date') return date
    return `${date} ${pad(value.getUTCHours())}:${pad(value.getUTCMinutes())}:${pad(value.getUTCSeconds())}.${pad(value.getUTCMilliseconds(), 3)}`
  }
  if (value instanceof Uint8Array) return Buffer.from(value).toString('utf8')
  return JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v))
}

function textRecords(
  store: ObjectStore,
  file: ObjectInfo,
  table: ExternalTable,
  options: CopyOptions,
): AsyncIterable<readonly ReaderItem[]> {
  const format = table.format
  const n = table.columns.length
  const reader =
    format.kind === 'json'
      ? jsonReader(
          table.columns.map((c) => c.name),
          'auto ignorecase',
        )
      : format.kind === 'csv'
        ? csvReader(options, n)
        : textReader({ ...options, fillRecord: true }, n)
  return {
    async *[Symbol.asyncIterator]() {
      const raw = await store.open(file.bucket, file.key)
      const bytes = decompressed(raw, compressionOf(file.key)) as AsyncIterable<Buffer>
      yield* reader(decodedText(bytes, 'utf8'))
    },
  }
}

/**
 * The file's rows as the engine's CSV, chunk by chunk; `read.rows` counts them. Throws
 * SpectrumScanError at the first record or value that cannot be read.
 */
export async function* fileRows(
  store: ObjectStore,
  file: ObjectInfo,
  table: ExternalTable,
  read: FileRead,
  signal?: AbortSignal,
): AsyncGenerator<Uint8Array> {
  const format = table.format
  if (format.kind === 'unsupported') {
    throw new SpectrumScanError(
      file.url,
      `reading ${format.name} files is not available in redshift-local`,
      null,
    )
  }
  const options = copyOptionsFor(format)
  const converters: FieldConverter[] = table.columns.map((c, i) =>
    columnConverter(targetColumn(c.name, c.type), i, options),
  )
  const output = new CopyOutput(ENGINE_CSV)
  const source =
    format.kind === 'parquet' ? parquetRecords(store, file, table) : textRecords(store, file, table, options)
  for await (const batch of source) {
    signal?.throwIfAborted()
    for (const item of batch) {
      if ('checked' in item) continue
      if (item.fields === null) {
        throw new SpectrumScanError(file.url, item.error?.reason ?? 'invalid record', item.line)
      }
      const row = new Array<string | null>(converters.length)
      for (let c = 0; c < converters.length; c++) {
        const raw = item.fields[c]
        const convert = converters[c] as FieldConverter
        const v = raw === null || raw === undefined ? convert.null() : convert(raw)
        if (isFieldError(v)) {
          const column = table.columns[c]?.name ?? ''
          throw new SpectrumScanError(
            file.url,
            `${v.reason} (column ${column}, value '${String(raw).slice(0, 100)}')`,
            item.line,
          )
        }
        row[c] = v
      }
      read.rows++
      output.row(row)
    }
    yield* output.take()
  }
  yield* output.take(true)
}
