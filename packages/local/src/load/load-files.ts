import type { CopyOptions } from '@redshift-kit/dialect'
import type { ObjectInfo, ObjectStore } from '../s3/index.js'
import { type CopyOutput, copyDialect } from './copy-output.js'
import { csvByteReader, csvReader } from './csv-reader.js'
import { decodedText, decompressed, type InputCompression } from './decompress.js'
import type { FastCheck } from './fast-check.js'
import { fixedWidthReader } from './fixedwidth-reader.js'
import type { InputRecord, ReaderItem, RecordReader } from './input-record.js'
import type { JsonPath } from './json-paths.js'
import { jsonReader } from './json-reader.js'
import { clip, type FieldError, type LoadErrorRecord } from './load-error.js'
import { readParquet } from './parquet-reader.js'
import type { LoadCommit } from './system-log.js'
import type { TargetTable } from './target-table.js'
import { textReader } from './text-reader.js'
import { type FieldConverter, isFieldError } from './value-converter.js'

/** What reading every file of a COPY found. */
export interface LoadTally {
  readonly errors: LoadErrorRecord[]
  readonly commits: LoadCommit[]
  /** Rows that passed conversion (loaded, or with NOLOAD, that would have been). */
  accepted: number
  /** Bytes of the files read. */
  bytes: number
}

/** Raised when the errors exceed MAXERROR: the load fails. */
export class TooManyErrors extends Error {
  readonly name = 'TooManyErrors' as const
}

export const FILE_FORMAT_NAMES: Readonly<Record<CopyOptions['format'], string>> = {
  text: 'Text',
  csv: 'Text',
  fixedwidth: 'Text',
  json: 'JSON',
  avro: 'Avro',
  parquet: 'Parquet',
  orc: 'ORC',
  shapefile: 'Shapefile',
}

/** Everything one COPY run needs. */
export interface LoadPlan {
  readonly store: ObjectStore
  readonly files: readonly ObjectInfo[]
  readonly table: TargetTable
  readonly options: CopyOptions
  readonly jsonPaths: JsonPath[] | null
  readonly converters: readonly FieldConverter[]
  /** One per column: lets CSV / text records pass as written (null: no such path, see copy-output.ts). */
  readonly checks: readonly (FastCheck | null)[] | null
  /** Where accepted rows are written for the engine; null with NOLOAD (records are only checked). */
  readonly output: CopyOutput | null
  readonly signal: AbortSignal
}

function reader(plan: LoadPlan): RecordReader {
  const o = plan.options
  const n = plan.table.columns.length
  switch (o.format) {
    case 'csv':
      return csvReader(o, n)
    case 'fixedwidth':
      return fixedWidthReader(o, n)
    case 'json':
      return jsonReader(
        plan.table.columns.map((c) => c.name),
        plan.jsonPaths ?? (o.jsonOption === 'auto ignorecase' ? 'auto ignorecase' : 'auto'),
      )
    default:
      return textReader(o, n)
  }
}

async function* records(plan: LoadPlan, file: ObjectInfo): AsyncIterable<readonly ReaderItem[]> {
  const raw = await plan.store.open(file.bucket, file.key)
  if (plan.options.format === 'parquet') {
    const chunks: Buffer[] = []
    for await (const chunk of raw as AsyncIterable<Buffer>) chunks.push(chunk)
    const bytes = Buffer.concat(chunks)
    chunks.length = 0
    yield* readParquet(bytes, file.url, plan.table.columns, plan.converters, copyDialect(plan.options))
    return
  }
  const bytes = decompressed(raw, plan.options.compression as InputCompression) as AsyncIterable<Buffer>
  const o = plan.options
  if (plan.checks !== null) {
    yield* csvByteReader(o, plan.table.columns.length, plan.checks)(bytes)
    return
  }
  yield* reader(plan)(decodedText(bytes, o.encoding))
}

function errorRecord(plan: LoadPlan, file: ObjectInfo, rec: InputRecord, e: FieldError): LoadErrorRecord {
  const column = e.column >= 0 ? plan.table.columns[e.column] : undefined
  let length = '0'
  if (column?.length != null) length = String(column.length)
  else if (column?.precision != null) length = `${column.precision},${column.scale ?? 0}`
  return {
    fileName: file.url,
    lineNumber: rec.line,
    columnName: column?.name ?? '',
    columnType: column?.typeName ?? '',
    columnLength: column === undefined ? '' : length,
    position: e.position ?? 0,
    rawLine: clip(rec.raw),
    rawFieldValue: clip(e.rawValue ?? ''),
    code: e.code,
    reason: e.reason.slice(0, 512),
  }
}

/**
 * Reads and converts every file in turn, yielding the accepted rows as the engine's CSV chunk by chunk
 * (nothing with NOLOAD), as the consumer asks for them. Records that cannot be loaded are counted
 * against MAXERROR (Parquet allows none); passing it throws TooManyErrors with the tally so far.
 */
export async function* loadRows(plan: LoadPlan, tally: LoadTally): AsyncGenerator<Uint8Array> {
  const { converters, output } = plan
  const maxError = plan.options.format === 'parquet' ? 0 : plan.options.maxError
  const format = FILE_FORMAT_NAMES[plan.options.format]
  for (const file of plan.files) {
    let lines = 0
    let fileErrors = 0
    tally.bytes += file.size
    const reject = (rec: InputRecord, e: FieldError) => {
      fileErrors++
      tally.errors.push(errorRecord(plan, file, rec, e))
      if (tally.errors.length > maxError) throw new TooManyErrors()
    }
    try {
      for await (const batch of records(plan, file)) {
        plan.signal.throwIfAborted()
        for (const item of batch) {
          if ('checked' in item) {
            lines += item.rows
            tally.accepted += item.rows
            output?.records(item.checked)
            continue
          }
          lines++
          if (item.fields === null) {
            reject(item, item.error as FieldError)
            continue
          }
          const row = new Array<string | null>(converters.length)
          let bad: FieldError | undefined
          for (let c = 0; c < converters.length; c++) {
            const raw = item.fields[c]
            const convert = converters[c] as FieldConverter
            const v = raw === null || raw === undefined ? convert.null() : convert(raw)
            if (isFieldError(v)) {
              bad = v
              break
            }
            row[c] = v
          }
          if (bad !== undefined) {
            reject(item, bad)
            continue
          }
          tally.accepted++
          output?.row(row)
        }
        if (output !== null) yield* output.take()
      }
    } finally {
      tally.commits.push({ fileName: file.url, linesScanned: lines, errors: fileErrors, fileFormat: format })
    }
  }
  if (output !== null) yield* output.take(true)
}
