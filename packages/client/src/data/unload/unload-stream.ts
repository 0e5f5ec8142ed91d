import { ValidationError } from '../../errors/client-errors.js'
import { UnloadFailedError } from '../../errors/query-errors.js'
import type { ColumnMetadata } from '../../query/column-metadata.js'
import type { Query } from '../../query/query.js'
import { Row } from '../../query/row.js'
import type { Value } from '../../types/value.js'
import type { MovementClient } from '../load/movement-client.js'
import { S3Staging } from '../staging/s3-staging.js'
import { UnloadCommandBuilder } from '../unload-command-builder.js'
import { type ToValue, topLevelPositions, valuePlan } from './parquet-values.js'

/** Default largest UNLOAD file (MB): a decoded file's rows weigh several times its bytes. */
const DEFAULT_FILE_MB = 8
/** Rows per batch handed out. */
const ROWS_PER_BATCH = 10_000
/**
 * Bytes asked of S3 at a time: row groups are read in runs of about this size, not one request each
 * (a file's row groups may be small: one GET per group cost more than decoding it).
 */
const READ_WINDOW_BYTES = 4 * 1024 * 1024

type Hyparquet = typeof import('hyparquet')
type Metadata = Awaited<ReturnType<Hyparquet['parquetMetadataAsync']>>

/**
 * One row group's top-level columns, decoded (no row objects in between). Columns are told apart by
 * name; a file whose names repeat is read as rows and turned into columns.
 */
async function readGroup(
  parquetRead: Hyparquet['parquetRead'],
  file: Parameters<Hyparquet['parquetRead']>[0]['file'],
  metadata: Metadata,
  names: readonly string[],
  start: number,
  count: number,
): Promise<ArrayLike<unknown>[]> {
  const data = names.map(() => new Array<unknown>(count))
  const index = new Map(names.map((n, i) => [n, i]))
  if (index.size === names.length) {
    await parquetRead({
      file,
      metadata,
      rowStart: start,
      rowEnd: start + count,
      onChunk: (chunk) => {
        const column = data[index.get(chunk.columnName) as number] as unknown[]
        const values = chunk.columnData
        for (let r = Math.max(chunk.rowStart, start); r < Math.min(chunk.rowEnd, start + count); r++)
          column[r - start] = values[r - chunk.rowStart]
      },
    })
    return data
  }
  await parquetRead({
    file,
    metadata,
    rowStart: start,
    rowEnd: start + count,
    onComplete: (rows: unknown[][]) => {
      for (let r = 0; r < rows.length; r++)
        for (let c = 0; c < names.length; c++) (data[c] as unknown[])[r] = rows[r]?.[c]
    },
  })
  return data
}

/**
 * Options of `unloadToStream`.
 *
 * @example
 * { staging: 's3://my-bucket/tmp/', iamRole: 'arn:aws:iam::123456789012:role/Unload' }
 */
export interface UnloadStreamOptions {
  /** `s3://bucket/prefix/` for the UNLOAD's files (a unique folder, removed at the end). */
  readonly staging: string
  /** The role UNLOAD writes with; default: the client's `defaultUnloadIamRole`. */
  readonly iamRole?: string
  /**
   * Largest file UNLOAD writes, in MB (default 8; Redshift's least is 5): one file is read and one
   * row group decoded at a time, so this is what bounds memory.
   */
  readonly maxFileSizeMb?: number
  readonly signal?: AbortSignal
  readonly onProgress?: (progress: {
    readonly phase: 'unloading' | 'reading' | 'done'
    readonly files: number
    readonly rows: number
  }) => void
}

/**
 * The rows of an UNLOAD, read back file by file. Close it (or leave a `for await` loop early) to stop
 * and remove the files at once; they are removed at the end in any case.
 *
 * @example
 * const rows = await client.unloadToStream('SELECT * FROM events', { staging: 's3://b/tmp/' })
 * for await (const row of rows) handle(row.toObject())
 */
export interface UnloadStream extends AsyncIterable<Row> {
  readonly columns: readonly ColumnMetadata[]
  /** The rows, a Parquet row group at a time. */
  batches(): AsyncGenerator<Row[], void, undefined>
  close(): Promise<void>
}

/**
 * UNLOADs `query` as Parquet under a fresh prefix of `staging`, then streams the files' rows back as
 * the same `Row` objects and types as `streamResults` (values go through the client's own type
 * parsers). Order: UNLOAD writes one file per slice in parallel, so rows come in no particular order
 * unless the query has ORDER BY, which makes UNLOAD write its files serially, in order.
 */
export async function unloadToStream(
  client: MovementClient,
  query: Query | string,
  options: UnloadStreamOptions,
): Promise<UnloadStream> {
  const iamRole = options?.iamRole ?? client.config.defaultUnloadIamRole
  if (typeof options?.staging !== 'string' || iamRole === undefined)
    throw new ValidationError('invalid unloadToStream options', {
      problems: [
        ...(typeof options?.staging !== 'string'
          ? [{ field: 'staging', message: 'give s3://bucket/prefix/' }]
          : []),
        ...(iamRole === undefined
          ? [{ field: 'iamRole', message: 'give iamRole, or set defaultUnloadIamRole' }]
          : []),
      ],
    })
  const sql = typeof query === 'string' ? query : query.sql
  if (typeof query !== 'string' && query.params.length > 0)
    throw new ValidationError('unloadToStream cannot bind parameters: UNLOAD takes its query as text', {
      problems: [{ field: 'query', message: 'inline the values, or use streamResults' }],
    })
  const signal = options.signal
  const call = signal ? { signal } : {}
  // The columns and their types, as streamResults would report them. (UNLOAD's Parquet is SNAPPY,
  // which hyparquet reads natively.)
  const shape = await client.executeQuery(`SELECT * FROM (${sql}) AS unload_shape LIMIT 0`, call)
  const columns = shape.columns
  const staging = await S3Staging.open(
    client.config,
    options.staging,
    (m, cause) => new UnloadFailedError(m, { cause }),
  )
  let files: string[]
  try {
    options.onProgress?.({ phase: 'unloading', files: 0, rows: 0 })
    const command = new UnloadCommandBuilder(sql)
      .toS3(staging.bucket, `${staging.prefix}part_`)
      .parquet()
      .maxFileSizeMb(options.maxFileSizeMb ?? DEFAULT_FILE_MB)
      .iamRole(iamRole)
      .build()
    const result = await client.unloadToS3(command, call)
    files = result.files.map((f) => f.url.slice(`s3://${staging.bucket}/`.length)).sort()
  } catch (error) {
    await staging.cleanUp()
    throw error
  }
  let closed = false
  let cleaned: Promise<void> | undefined
  const cleanUp = () => {
    cleaned ??= staging.cleanUp()
    return cleaned
  }
  async function* batches(): AsyncGenerator<Row[], void, undefined> {
    const { parquetMetadataAsync, parquetRead } = await import('hyparquet')
    let rows = 0
    try {
      options.onProgress?.({ phase: 'reading', files: 0, rows: 0 })
      for (const [i, key] of files.entries()) {
        if (closed) return
        signal?.throwIfAborted()
        // Read by ranges: the footer, then the row groups a window of bytes at a time.
        const file = await staging.ranged(key, signal, READ_WINDOW_BYTES)
        const metadata = await parquetMetadataAsync(file)
        const names = topLevelPositions(metadata.schema).map((at) => metadata.schema[at]?.name ?? '')
        const toValue = valuePlan(metadata.schema as never, columns, client.config.typeParsers)
        let start = 0
        for (const group of metadata.row_groups) {
          const count = Number(group.num_rows)
          const data = await readGroup(parquetRead, file, metadata, names, start, count)
          start += count
          // Rows are made from the decoded columns a slice at a time: never the group twice over as rows.
          for (let from = 0; from < count; from += ROWS_PER_BATCH) {
            const to = Math.min(count, from + ROWS_PER_BATCH)
            const out = new Array<Row>(to - from)
            for (let r = from; r < to; r++) {
              const values = new Array<Value>(columns.length)
              for (let c = 0; c < columns.length; c++) {
                const v = (data[c] as ArrayLike<unknown>)[r]
                values[c] = v === null || v === undefined ? null : (toValue[c] as ToValue)(v)
              }
              out[r - from] = new Row(Object.freeze(values), columns)
            }
            rows += out.length
            yield out
            if (closed) return
          }
          if (closed) return
        }
        options.onProgress?.({ phase: 'reading', files: i + 1, rows })
      }
      options.onProgress?.({ phase: 'done', files: files.length, rows })
    } finally {
      await cleanUp()
    }
  }
  const stream: UnloadStream = {
    columns,
    batches,
    async *[Symbol.asyncIterator]() {
      for await (const batch of batches()) yield* batch
    },
    async close() {
      closed = true
      await cleanUp()
    },
  }
  return stream
}
