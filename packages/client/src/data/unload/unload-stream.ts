import { ValidationError } from '../../errors/client-errors.js'
import { UnloadFailedError } from '../../errors/query-errors.js'
import type { ColumnMetadata } from '../../query/column-metadata.js'
import type { Query } from '../../query/query.js'
import { Row } from '../../query/row.js'
import { createTypeParsers } from '../../types/type-parsers.js'
import type { Value } from '../../types/value.js'
import type { MovementClient } from '../load/movement-client.js'
import { S3Staging } from '../staging/s3-staging.js'
import { UnloadCommandBuilder } from '../unload-command-builder.js'
import { wireTextPlan } from './parquet-text.js'

/** Default largest UNLOAD file (MB): a decoded file's rows weigh several times its bytes. */
const DEFAULT_FILE_MB = 8
/** Rows per batch handed out. */
const ROWS_PER_BATCH = 10_000

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
  const parsers = createTypeParsers(client.config.typeParsers)
  const parse = columns.map((c) => parsers(c.typeOid))
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
      for (const [i, key] of files.entries()) {
        if (closed) return
        signal?.throwIfAborted()
        // Read by ranges: the footer, then one row group's column chunks at a time.
        const file = await staging.ranged(key, signal)
        const metadata = await parquetMetadataAsync(file)
        const toText = wireTextPlan(metadata.schema as never)
        let start = 0
        for (const group of metadata.row_groups) {
          const end = start + Number(group.num_rows)
          let raw: unknown[][] = []
          await parquetRead({
            file,
            metadata,
            rowStart: start,
            rowEnd: end,
            onComplete: (data: unknown[][]) => {
              raw = data
            },
          })
          start = end
          // Rows are made a slice at a time: the decoded group and one slice of Rows, never two copies of the group.
          for (let from = 0; from < raw.length; from += ROWS_PER_BATCH) {
            const out: Row[] = raw.slice(from, from + ROWS_PER_BATCH).map(
              (values) =>
                new Row(
                  columns.map((_, c) => {
                    const v = values[c]
                    return v === null || v === undefined
                      ? null
                      : (parse[c] as (t: string) => Value)((toText[c] as (r: unknown) => string)(v))
                  }),
                  columns,
                ),
            )
            rows += out.length
            yield out
            if (closed) return
          }
          raw = []
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
