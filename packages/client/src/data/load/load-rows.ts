import { promisify } from 'node:util'
import { gzip } from 'node:zlib'
import { ValidationError } from '../../errors/client-errors.js'
import { LoadFailedError } from '../../errors/query-errors.js'
import { QueryBuilder } from '../../query/query-builder.js'
import type { CopyCommandBuilder } from '../copy-command-builder.js'
import type { CopyResult } from '../data-results.js'
import { S3Staging, type StagedObject } from '../staging/s3-staging.js'
import { StagedUploads } from '../staging/staged-uploads.js'
import { TableRef } from '../table-ref.js'
import { CSV_NULL, encodeCsv } from './csv-encoder.js'
import { createTableSql, inferColumns } from './infer-schema.js'
import type { MovementClient } from './movement-client.js'
import { encodeParquet, parquetPlan } from './parquet-encoder.js'
import { alignedBatches, type LoadRow, type LoadRows } from './row-source.js'
import { type LoadProgress, runStagedCopy, type StagedLoadOptions } from './staged-copy.js'
import { type RunSql, type TargetColumn, targetColumns } from './target-columns.js'
import { type LoadValue, parquetCarries } from './value-encoding.js'

const gzipAsync = promisify(gzip)

/**
 * Options of `loadRows`.
 *
 * @example
 * { staging: 's3://my-bucket/tmp/', iamRole: 'arn:aws:iam::123456789012:role/Load', mode: 'append' }
 */
export interface LoadRowsOptions extends StagedLoadOptions {
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
  readonly createTable?: CreateTableOptions
}

/** How `mode: 'create'` creates the table. */
export interface CreateTableOptions {
  readonly distKey?: string
  readonly sortKey?: readonly string[]
  readonly columnTypes?: Readonly<Record<string, string>>
}

/** What a load did: the COPY's result, and what was staged for it. */
export interface LoadRowsResult extends CopyResult {
  readonly format: 'parquet' | 'csv'
  readonly filesStaged: number
  readonly bytesStaged: number
}

/** The problems of the options every staged load shares (named by field). */
export function stagedLoadProblems(
  options: StagedLoadOptions,
  iamRole: string | undefined,
): { field: string; message: string }[] {
  const problems: { field: string; message: string }[] = []
  if (typeof options?.staging !== 'string')
    problems.push({ field: 'staging', message: 'give s3://bucket/prefix/' })
  if (iamRole === undefined)
    problems.push({ field: 'iamRole', message: 'give iamRole, or set defaultCopyIamRole on the client' })
  const size = options.fileSizeMb
  if (size !== undefined && !(Number.isFinite(size) && size >= 1 && size <= 1024))
    problems.push({ field: 'fileSizeMb', message: 'between 1 and 1024' })
  const c = options.concurrency
  if (c !== undefined && !(Number.isInteger(c) && c >= 1 && c <= 32))
    problems.push({ field: 'concurrency', message: 'a whole number from 1 to 32' })
  return problems
}

function checkOptions(options: LoadRowsOptions, iamRole: string | undefined): void {
  const problems = stagedLoadProblems(options, iamRole)
  if (options.format !== undefined && options.format !== 'parquet' && options.format !== 'csv')
    problems.push({ field: 'format', message: "use 'parquet' or 'csv'" })
  if (options.mode !== undefined && !['append', 'overwrite', 'create'].includes(options.mode))
    problems.push({ field: 'mode', message: "use 'append', 'overwrite' or 'create'" })
  if (problems.length) throw new ValidationError('invalid loadRows options', { problems })
}

/** A cheap size estimate of a row as staged text, to cut files near the asked size. */
function rowBytes(row: readonly LoadValue[]): number {
  let n = row.length
  for (const v of row) n += typeof v === 'string' ? v.length : v instanceof Uint8Array ? v.length * 2 : 8
  return n
}

/** A statement runner over the client's public path (for catalog reads). */
export function sqlRunner(client: MovementClient, signal: AbortSignal | undefined): RunSql {
  return (sql, params) => {
    let q = new QueryBuilder(sql)
    for (const p of params) q = q.param(p)
    return client.executeQuery(q.build(), signal ? { signal } : {})
  }
}

/** Progress counters of one run, reported as copies. */
export class ProgressReporter {
  readonly state: { phase: LoadProgress['phase']; rows: number; filesStaged: number; bytesStaged: number } = {
    phase: 'staging',
    rows: 0,
    filesStaged: 0,
    bytesStaged: 0,
  }
  readonly #listener: ((p: LoadProgress) => void) | undefined
  constructor(listener: ((p: LoadProgress) => void) | undefined) {
    this.#listener = listener
  }
  staged(object: StagedObject): void {
    this.state.filesStaged++
    this.state.bytesStaged += object.bytes
    this.report()
  }
  phase(phase: LoadProgress['phase']): void {
    this.state.phase = phase
    this.report()
  }
  report(): void {
    this.#listener?.({ ...this.state })
  }
}

/** Rows aligned to `columns` (in batches), staged in the format chosen: what loadRows and upsert share. */
export interface RowsToStage {
  readonly columns: readonly TargetColumn[]
  readonly rows: AsyncIterable<LoadValue[][]>
  readonly format: 'parquet' | 'csv'
}

/**
 * Rows per staged file at most, whatever `fileSizeMb` allows: rows held as JavaScript values weigh
 * several times their text, and a file is built in memory, so this is what bounds memory (about
 * 100 MB at the peak for six mixed columns; see docs/benchmarks.md).
 */
export const MAX_ROWS_PER_FILE = 50_000

/** The format rows are staged in: Parquet unless asked otherwise or a column needs text (SUPER, VARBYTE). */
export function rowsFormat(columns: readonly TargetColumn[], asked: 'parquet' | 'csv' | undefined) {
  return asked === 'csv' || !columns.every(parquetCarries) ? 'csv' : 'parquet'
}

/**
 * Encodes and uploads the rows as files of about `fileSizeMb` each, `concurrency` uploads at once:
 * memory holds at most one file being built and `concurrency` being uploaded.
 */
export async function stageRows(
  staging: S3Staging,
  input: RowsToStage,
  options: StagedLoadOptions,
  progress: ProgressReporter,
): Promise<StagedObject[]> {
  const { columns, format } = input
  const plans = format === 'parquet' ? columns.map(parquetPlan) : []
  const writer = format === 'parquet' ? await import('hyparquet-writer') : undefined
  const signal = options.signal
  const uploads = new StagedUploads(staging, options.concurrency ?? 4, signal, (o) => progress.staged(o))
  const target = (options.fileSizeMb ?? 64) * 1024 * 1024
  let batch: LoadValue[][] = []
  let batchBytes = 0
  const flush = async () => {
    if (batch.length === 0) return
    const rowsOfFile = batch
    batch = []
    batchBytes = 0
    const name = `part-${String(uploads.count).padStart(5, '0')}.${format === 'parquet' ? 'parquet' : 'csv.gz'}`
    const body =
      format === 'parquet'
        ? encodeParquet(writer as typeof import('hyparquet-writer'), plans, rowsOfFile)
        : new Uint8Array(await gzipAsync(encodeCsv(columns, rowsOfFile)))
    await uploads.add(name, body)
  }
  for await (const rows of input.rows) {
    signal?.throwIfAborted()
    for (const row of rows) {
      batch.push(row)
      batchBytes += rowBytes(row)
      progress.state.rows++
      if (batchBytes >= target || batch.length >= MAX_ROWS_PER_FILE) await flush()
    }
  }
  await flush()
  return uploads.finish()
}

/** The COPY clauses of staged rows. */
export function rowsCopyFormat(format: 'parquet' | 'csv') {
  return (copy: CopyCommandBuilder) =>
    format === 'parquet'
      ? copy.parquet()
      : copy.csv().compression('gzip').nullAs(CSV_NULL).timeFormat('auto').dateFormat('auto')
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

  // The columns: the table's own, or (create) inferred from the first rows.
  let columns: TargetColumn[]
  let source: AsyncIterable<LoadValue[][]>
  let before: string | undefined
  if (mode === 'create') {
    const { columns: inferred, rows: replay } = await inferColumns(
      rows,
      options.createTable?.columnTypes ?? {},
    )
    columns = inferred
    before = createTableSql(ref, inferred, options.createTable ?? {})
    source = alignedBatches(
      replay,
      columns.map((c) => c.name),
    )
  } else {
    columns = await targetColumns(sqlRunner(client, options.signal), ref)
    if (mode === 'overwrite') before = `DELETE FROM ${ref.toSql()}`
    source = alignedBatches(
      rows,
      columns.map((c) => c.name),
    )
  }
  const format = rowsFormat(columns, options.format)
  const staging = await S3Staging.open(
    client.config,
    options.staging,
    (message, cause) => new LoadFailedError(message, { cause }),
  )
  const progress = new ProgressReporter(options.onProgress)
  try {
    const staged = await stageRows(staging, { columns, rows: source, format }, options, progress)
    if (staged.length === 0 && mode !== 'create') {
      // No rows: nothing to COPY (an empty manifest is an error on Redshift); overwrite still empties.
      if (before !== undefined)
        await client.executeQuery(before, options.signal ? { signal: options.signal } : {})
      progress.phase('done')
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
    progress.phase('copying')
    const result = await runStagedCopy(
      client,
      staging,
      staged,
      {
        ref,
        columns: columns.map((c) => c.name),
        iamRole: iamRole as string,
        configure: rowsCopyFormat(format),
        options,
      },
      before,
    )
    progress.phase('done')
    return Object.freeze({
      ...result,
      format,
      filesStaged: staged.length,
      bytesStaged: progress.state.bytesStaged,
    })
  } finally {
    await staging.cleanUp()
  }
}

export type { LoadProgress, LoadRow, LoadRows }
