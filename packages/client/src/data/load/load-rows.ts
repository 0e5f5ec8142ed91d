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
import { CSV_NULL, csvLine } from './csv-encoder.js'
import { createTableSql, inferColumns } from './infer-schema.js'
import type { MovementClient } from './movement-client.js'
import { ParquetFileBuilder, parquetPlan } from './parquet-encoder.js'
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
 * Rows per staged file at most, whatever `fileSizeMb` allows: a file is built in memory (its columns'
 * values, or its CSV text), so this with `concurrency` is what bounds memory (see docs/benchmarks.md).
 */
export const MAX_ROWS_PER_FILE = 20_000

/** The format rows are staged in: Parquet unless asked otherwise or a column needs text (SUPER, VARBYTE). */
export function rowsFormat(columns: readonly TargetColumn[], asked: 'parquet' | 'csv' | undefined) {
  return asked === 'csv' || !columns.every(parquetCarries) ? 'csv' : 'parquet'
}

/** One staged file being built from rows as they come (each row converted when added, not held). */
interface FileBuilder {
  add(row: readonly LoadValue[]): void
  readonly rows: number
  readonly bytes: number
  finish(): Promise<Uint8Array>
}

/**
 * gzip CSV: each row's line made when it is added and written into one growing buffer as UTF-8 (no
 * string kept per line), compressed at the end.
 */
class CsvFileBuilder implements FileBuilder {
  readonly #columns: readonly TargetColumn[]
  #buffer = Buffer.allocUnsafe(1024 * 1024)
  #used = 0
  rows = 0
  bytes = 0
  constructor(columns: readonly TargetColumn[]) {
    this.#columns = columns
  }
  add(row: readonly LoadValue[]): void {
    const line = csvLine(this.#columns, row)
    if (this.#used + line.length * 3 > this.#buffer.length) {
      const grown = Buffer.allocUnsafe(Math.max(this.#buffer.length * 2, this.#used + line.length * 3))
      this.#buffer.copy(grown, 0, 0, this.#used)
      this.#buffer = grown
    }
    this.#used += this.#buffer.write(line, this.#used, 'utf8')
    this.rows++
    this.bytes = this.#used
  }
  async finish(): Promise<Uint8Array> {
    const text = this.#buffer.subarray(0, this.#used)
    const body = new Uint8Array(await gzipAsync(text))
    this.#used = 0
    this.rows = 0
    this.bytes = 0
    return body
  }
}

/**
 * Encodes and uploads the rows as files of about `fileSizeMb` each (at most
 * {@link MAX_ROWS_PER_FILE} rows), `concurrency` uploads at once: memory holds one file being built
 * (its values, not the caller's rows) and at most `concurrency` encoded files being uploaded.
 */
export async function stageRows(
  staging: S3Staging,
  input: RowsToStage,
  options: StagedLoadOptions,
  progress: ProgressReporter,
): Promise<StagedObject[]> {
  const { columns, format } = input
  let file: FileBuilder
  if (format === 'parquet') {
    const parquet = new ParquetFileBuilder(await import('hyparquet-writer'), columns.map(parquetPlan))
    file = {
      add: (row) => parquet.add(row),
      get rows() {
        return parquet.rows
      },
      get bytes() {
        return parquet.bytes
      },
      finish: async () => parquet.finish(),
    }
  } else {
    file = new CsvFileBuilder(columns)
  }
  const signal = options.signal
  const uploads = new StagedUploads(staging, options.concurrency ?? 4, signal, (o) => progress.staged(o))
  const target = (options.fileSizeMb ?? 64) * 1024 * 1024
  const flush = async () => {
    if (file.rows === 0) return
    const name = `part-${String(uploads.count).padStart(5, '0')}.${format === 'parquet' ? 'parquet' : 'csv.gz'}`
    await uploads.add(name, await file.finish())
  }
  for await (const rows of input.rows) {
    signal?.throwIfAborted()
    for (const row of rows) {
      file.add(row)
      progress.state.rows++
      if (file.bytes >= target || file.rows >= MAX_ROWS_PER_FILE) await flush()
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
