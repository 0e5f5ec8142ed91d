import { promisify } from 'node:util'
import { gzip } from 'node:zlib'
import { ValidationError } from '../../errors/client-errors.js'
import { LoadFailedError } from '../../errors/query-errors.js'
import { isRedshiftError } from '../../errors/redshift-error.js'
import { QueryBuilder } from '../../query/query-builder.js'
import { CopyCommandBuilder } from '../copy-command-builder.js'
import type { CopyResult } from '../data-results.js'
import { S3Staging, type StagedObject } from '../staging/s3-staging.js'
import { TableRef } from '../table-ref.js'
import { CSV_NULL, encodeCsv } from './csv-encoder.js'
import { createTableSql, inferColumns } from './infer-schema.js'
import type { MovementClient } from './movement-client.js'
import { encodeParquet, parquetPlan } from './parquet-encoder.js'
import { alignedRows, type LoadRow, type LoadRows } from './row-source.js'
import { type TargetColumn, targetColumns } from './target-columns.js'
import { type LoadValue, parquetCarries } from './value-encoding.js'

const gzipAsync = promisify(gzip)

/** What a long load reports as it goes (`onProgress`). */
export interface LoadProgress {
  readonly phase: 'staging' | 'copying' | 'done'
  readonly rows: number
  readonly filesStaged: number
  readonly bytesStaged: number
}

/**
 * Options of `loadRows` and `loadFile`.
 *
 * @example
 * { staging: 's3://my-bucket/tmp/', iamRole: 'arn:aws:iam::123456789012:role/Load', mode: 'append' }
 */
export interface LoadRowsOptions {
  /** `s3://bucket/prefix/` where files are staged (a unique folder per load, removed afterwards). */
  readonly staging: string
  /** The role COPY reads the staged files with; default: the client's `defaultCopyIamRole`. */
  readonly iamRole?: string
  /**
   * `parquet` (default) or `csv` (gzip). Tables with SUPER or VARBYTE columns are loaded as CSV
   * whatever is asked: Parquet strings would land in SUPER as strings, not as the JSON they hold.
   */
  readonly format?: 'parquet' | 'csv'
  /**
   * `append` (default); `overwrite`: the table's rows replaced in one transaction (DELETE then COPY,
   * so readers never see it empty); `create`: CREATE TABLE from the data's shape, then COPY, in one
   * transaction.
   */
  readonly mode?: 'append' | 'overwrite' | 'create'
  /** For `mode: 'create'`: distribution and sort keys, and column types that override inference. */
  readonly createTable?: {
    readonly distKey?: string
    readonly sortKey?: readonly string[]
    readonly columnTypes?: Readonly<Record<string, string>>
  }
  /** Target size of one staged file before compression, in MB (default 64). */
  readonly fileSizeMb?: number
  /** Uploads in flight at once (default 4). */
  readonly concurrency?: number
  /** Bad rows COPY may skip (default 0: any bad row fails the load, which then loads nothing). */
  readonly maxErrors?: number
  /** The staging bucket's region when it is not the cluster's. */
  readonly region?: string
  readonly signal?: AbortSignal
  readonly timeoutMs?: number
  readonly queryGroup?: string
  readonly onProgress?: (progress: LoadProgress) => void
}

/** What a load did: the COPY's result, and what was staged for it. */
export interface LoadRowsResult extends CopyResult {
  readonly format: 'parquet' | 'csv'
  readonly filesStaged: number
  readonly bytesStaged: number
}

function checkOptions(options: LoadRowsOptions, iamRole: string | undefined): void {
  const problems: { field: string; message: string }[] = []
  if (typeof options?.staging !== 'string')
    problems.push({ field: 'staging', message: 'give s3://bucket/prefix/' })
  if (iamRole === undefined)
    problems.push({ field: 'iamRole', message: 'give iamRole, or set defaultCopyIamRole on the client' })
  if (options.format !== undefined && options.format !== 'parquet' && options.format !== 'csv')
    problems.push({ field: 'format', message: "use 'parquet' or 'csv'" })
  if (options.mode !== undefined && !['append', 'overwrite', 'create'].includes(options.mode))
    problems.push({ field: 'mode', message: "use 'append', 'overwrite' or 'create'" })
  const size = options.fileSizeMb
  if (size !== undefined && !(Number.isFinite(size) && size >= 1 && size <= 1024))
    problems.push({ field: 'fileSizeMb', message: 'between 1 and 1024' })
  const c = options.concurrency
  if (c !== undefined && !(Number.isInteger(c) && c >= 1 && c <= 32))
    problems.push({ field: 'concurrency', message: 'a whole number from 1 to 32' })
  if (problems.length) throw new ValidationError('invalid loadRows options', { problems })
}

/** A cheap size estimate of a row as staged text, to cut files near the asked size. */
function rowBytes(row: readonly LoadValue[]): number {
  let n = row.length
  for (const v of row) n += typeof v === 'string' ? v.length : v instanceof Uint8Array ? v.length * 2 : 8
  return n
}

/**
 * Stages `rows` as files under a fresh prefix and loads them with one COPY (through a manifest), then
 * removes the files, on success, failure and abort alike. Memory holds at most one file being built
 * and `concurrency` being uploaded, whatever the input's size.
 */
export async function loadRows(
  client: MovementClient,
  table: TableRef | string,
  rows: LoadRows,
  options: LoadRowsOptions,
): Promise<LoadRowsResult> {
  const iamRole = options?.iamRole ?? client.config.defaultCopyIamRole
  checkOptions(options ?? ({} as LoadRowsOptions), iamRole)
  const ref = table instanceof TableRef ? table : TableRef.parse(table)
  const mode = options.mode ?? 'append'
  const signal = options.signal
  const run = (sql: string, params: readonly string[]) => {
    let q = new QueryBuilder(sql)
    for (const p of params) q = q.param(p)
    return client.executeQuery(q.build(), signal ? { signal } : {})
  }

  // The columns: the table's own, or (create) inferred from the first rows.
  let columns: TargetColumn[]
  let source: AsyncIterator<LoadValue[]>
  let createSql: string | undefined
  if (mode === 'create') {
    const { columns: inferred, rows: replay } = await inferColumns(
      rows,
      options.createTable?.columnTypes ?? {},
    )
    columns = inferred
    createSql = createTableSql(ref, inferred, options.createTable ?? {})
    source = alignedRows(
      replay,
      columns.map((c) => c.name),
    )[Symbol.asyncIterator]()
  } else {
    columns = await targetColumns(run, ref)
    source = alignedRows(
      rows,
      columns.map((c) => c.name),
    )[Symbol.asyncIterator]()
  }
  const format = options.format === 'csv' || !columns.every(parquetCarries) ? 'csv' : 'parquet'
  const plans = format === 'parquet' ? columns.map(parquetPlan) : []
  const writer = format === 'parquet' ? await import('hyparquet-writer') : undefined
  const staging = await S3Staging.open(
    client.config,
    options.staging,
    (message, cause) => new LoadFailedError(message, { cause }),
  )
  const progress = { phase: 'staging' as LoadProgress['phase'], rows: 0, filesStaged: 0, bytesStaged: 0 }
  const report = () => options.onProgress?.({ ...progress })
  try {
    const staged: StagedObject[] = []
    const inFlight = new Set<Promise<void>>()
    const limit = options.concurrency ?? 4
    const target = (options.fileSizeMb ?? 64) * 1024 * 1024
    let batch: LoadValue[][] = []
    let batchBytes = 0
    const flush = async () => {
      if (batch.length === 0) return
      const rowsOfFile = batch
      batch = []
      batchBytes = 0
      const index = staged.length + inFlight.size
      const name = `part-${String(index).padStart(5, '0')}.${format === 'parquet' ? 'parquet' : 'csv.gz'}`
      const body =
        format === 'parquet'
          ? encodeParquet(writer as typeof import('hyparquet-writer'), plans, rowsOfFile)
          : new Uint8Array(await gzipAsync(encodeCsv(columns, rowsOfFile)))
      while (inFlight.size >= limit) await Promise.race(inFlight)
      const upload = staging.put(name, body, signal).then((object) => {
        staged.push(object)
        progress.filesStaged++
        progress.bytesStaged += object.bytes
        report()
      })
      const tracked = upload.finally(() => inFlight.delete(tracked))
      inFlight.add(tracked)
      upload.catch(() => undefined)
    }
    for (let next = await source.next(); !next.done; next = await source.next()) {
      signal?.throwIfAborted()
      batch.push(next.value)
      batchBytes += rowBytes(next.value)
      progress.rows++
      if (batchBytes >= target) await flush()
    }
    await flush()
    await Promise.all(inFlight)
    if (staged.length === 0 && mode !== 'create' && mode !== 'overwrite') {
      progress.phase = 'done'
      report()
      return Object.freeze({
        rowsLoaded: 0,
        errors: 0,
        startTime: new Date(),
        durationMs: 0,
        queryId: '',
        table: ref,
        format,
        filesStaged: 0,
        bytesStaged: 0,
      }) as unknown as LoadRowsResult
    }
    staged.sort((a, b) => a.key.localeCompare(b.key))
    const manifest = new TextEncoder().encode(
      JSON.stringify({
        entries: staged.map((o) => ({ url: o.url, mandatory: true, meta: { content_length: o.bytes } })),
      }),
    )
    const manifestObject = await staging.put('manifest.json', manifest, signal)
    let copy = new CopyCommandBuilder(ref)
      .columns(columns.map((c) => c.name))
      .fromS3Manifest(staging.bucket, manifestObject.key)
      .iamRole(iamRole as string)
    copy = format === 'parquet' ? copy.parquet() : copy.csv().compression('gzip').nullAs(CSV_NULL)
    if (format === 'csv') copy = copy.timeFormat('auto').dateFormat('auto')
    if (options.maxErrors !== undefined) copy = copy.maxErrors(options.maxErrors)
    if (options.region !== undefined) copy = copy.region(options.region)
    const command = copy.build()
    progress.phase = 'copying'
    report()
    const callOptions = {
      ...(signal ? { signal } : {}),
      ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
      ...(options.queryGroup !== undefined ? { queryGroup: options.queryGroup } : {}),
    }
    let result: CopyResult
    if (mode === 'append') result = await client.copyFromS3(command, callOptions)
    else
      result = await copyInTransaction(
        client,
        ref,
        command.toSql(),
        mode === 'overwrite' ? `DELETE FROM ${ref.toSql()}` : createSql,
        staging,
      )
    progress.phase = 'done'
    report()
    return Object.freeze({ ...result, format, filesStaged: staged.length, bytesStaged: progress.bytesStaged })
  } finally {
    await staging.cleanUp()
  }
}

/**
 * `overwrite` and `create`: the statement before the COPY and the COPY in one transaction, so a failed
 * load leaves the table as it was (or not there). Load errors are read back by the staged file names,
 * which are this load's alone.
 */
async function copyInTransaction(
  client: MovementClient,
  ref: TableRef,
  copySql: string,
  before: string | undefined,
  staging: S3Staging,
): Promise<CopyResult> {
  const startTime = new Date(Date.now() - 60_000)
  const started = Date.now()
  try {
    return await client.executeInTransaction(async (tx) => {
      if (before !== undefined) await tx.execute(before)
      await tx.execute(copySql)
      const r = await tx.query('SELECT pg_last_copy_count(), pg_last_copy_id()')
      return Object.freeze({
        rowsLoaded: Number(r.rows[0]?.get(0) ?? 0),
        errors: 0,
        startTime,
        durationMs: Date.now() - started,
        queryId: String(r.rows[0]?.get(1) ?? ''),
        table: ref,
      }) as unknown as CopyResult
    })
  } catch (error) {
    if (!isRedshiftError(error) || (error.code !== 'QUERY_FAILED' && error.code !== 'LOAD_FAILED'))
      throw error
    const loadErrors = (await client.getLoadErrors(ref, startTime).catch(() => [])).filter((e) =>
      (e.filename ?? '').includes(staging.prefix),
    )
    throw new LoadFailedError(error.message, { cause: error, loadErrors } as never)
  }
}

export type { LoadRow, LoadRows }
