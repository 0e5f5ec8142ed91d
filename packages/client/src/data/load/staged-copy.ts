import type { LoadError } from '../../errors/load-error.js'
import { LoadFailedError } from '../../errors/query-errors.js'
import { isRedshiftError } from '../../errors/redshift-error.js'
import { QueryBuilder } from '../../query/query-builder.js'
import type { Transaction } from '../../transaction/transaction.js'
import { CopyCommandBuilder } from '../copy-command-builder.js'
import type { CopyResult } from '../data-results.js'
import { LOAD_ERROR_COLUMNS, loadErrorFromRow } from '../load-error.js'
import type { S3Staging, StagedObject } from '../staging/s3-staging.js'
import type { TableRef } from '../table-ref.js'
import type { MovementClient } from './movement-client.js'

/** What a long load reports as it goes (`onProgress` of `loadRows`, `loadFile`, `upsert`, `merge`). */
export interface LoadProgress {
  /** `merging` only for `upsert` and `merge`, after the COPY into their staging table. */
  readonly phase: 'staging' | 'copying' | 'merging' | 'done'
  /** Rows (or, for files, records) read so far. */
  readonly rows: number
  readonly filesStaged: number
  /** Bytes uploaded (compressed, as stored). */
  readonly bytesStaged: number
}

/** The options every staged load shares. */
export interface StagedLoadOptions {
  /** `s3://bucket/prefix/` where files are staged (a unique folder per load, removed afterwards). */
  readonly staging: string
  /** The role COPY reads the staged files with; default: the client's `defaultCopyIamRole`. */
  readonly iamRole?: string
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

/** One COPY of staged files, as the load prepared it. */
export interface StagedCopy {
  readonly ref: TableRef
  readonly columns: readonly string[]
  readonly iamRole: string
  /** The format clauses (and anything else the staged files need). */
  readonly configure: (copy: CopyCommandBuilder) => CopyCommandBuilder
  readonly options: StagedLoadOptions
  /** Maps a load error's file and line back to what the caller gave (loadFile: the user's file). */
  readonly mapError?: (error: LoadError) => LoadError
}

/** The COPY statement for `staged` (through a manifest written under the run's prefix). */
export async function stagedCopySql(
  staging: S3Staging,
  staged: readonly StagedObject[],
  plan: StagedCopy,
): Promise<ReturnType<CopyCommandBuilder['build']>> {
  const manifest = new TextEncoder().encode(
    JSON.stringify({
      entries: staged.map((o) => ({ url: o.url, mandatory: true, meta: { content_length: o.bytes } })),
    }),
  )
  const manifestObject = await staging.put('manifest.json', manifest, plan.options.signal)
  let copy = new CopyCommandBuilder(plan.ref)
    .columns(plan.columns)
    .fromS3Manifest(staging.bucket, manifestObject.key)
    .iamRole(plan.iamRole)
  copy = plan.configure(copy)
  if (plan.options.maxErrors !== undefined) copy = copy.maxErrors(plan.options.maxErrors)
  if (plan.options.region !== undefined) copy = copy.region(plan.options.region)
  return copy.build()
}

/** `copyFromS3`'s call options from a load's options. */
export function callOptions(options: StagedLoadOptions) {
  return {
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
    ...(options.queryGroup !== undefined ? { queryGroup: options.queryGroup } : {}),
  }
}

/** The server's message, with the first load error as the caller knows it (their file and line). */
function mappedMessage(message: string, loadErrors: readonly LoadError[]): string {
  const first = loadErrors[0]
  if (first === undefined) return message
  const where = `${first.filename}, line ${first.lineNumber}${first.columnName ? `, column ${first.columnName}` : ''}`
  return `${message.split('\n')[0]}\n  ${loadErrors.length} load error(s); first: ${where}: ${first.errorMessage} [${first.errorCode}]`
}

/** Re-raises a failed COPY with its load errors mapped back to the caller's input. */
export function remapLoadFailure(error: unknown, plan: StagedCopy): unknown {
  if (!(error instanceof LoadFailedError) || plan.mapError === undefined || !error.loadErrors) return error
  const loadErrors = error.loadErrors.map(plan.mapError)
  return new LoadFailedError(mappedMessage(error.message, loadErrors), {
    cause: error.cause instanceof Error ? error.cause : error,
    loadErrors,
  } as never)
}

/**
 * A COPY inside the caller's transaction: the statements around it (DELETE for overwrite, CREATE TABLE
 * for create, the MERGE of upsert) commit or roll back with it. Load errors are read back by the staged
 * file names, which are this run's alone.
 */
export async function copyInTransaction(
  tx: Transaction,
  copySql: string,
  plan: StagedCopy,
): Promise<CopyResult> {
  const started = Date.now()
  await tx.execute(copySql)
  const r = await tx.query('SELECT pg_last_copy_count(), pg_last_copy_id()')
  return Object.freeze({
    rowsLoaded: Number(r.rows[0]?.get(0) ?? 0),
    errors: 0,
    startTime: new Date(started),
    durationMs: Date.now() - started,
    queryId: String(r.rows[0]?.get(1) ?? ''),
    table: plan.ref,
  }) as unknown as CopyResult
}

/**
 * The load errors of this run's staged files (found by their unique prefix, not by table: a staging
 * table of `upsert` is gone with its rolled-back transaction).
 */
async function runLoadErrors(client: MovementClient, staging: S3Staging, since: Date): Promise<LoadError[]> {
  try {
    const q = new QueryBuilder(
      `SELECT ${LOAD_ERROR_COLUMNS} FROM stl_load_errors WHERE starttime >= $1 AND POSITION($2 IN filename) > 0 ORDER BY line_number, colname`,
    )
      .param(since)
      .param(`s3://${staging.bucket}/${staging.prefix}`)
      .build()
    const result = await client.executeQuery(q)
    return result.rows.map((r) => loadErrorFromRow(r.values))
  } catch {
    // The COPY's own error is what matters; its details are a bonus.
    return []
  }
}

/**
 * Runs `work` (which COPYs with {@link copyInTransaction}) in one transaction, with the client's
 * serialization-conflict retry; a failed COPY becomes `LoadFailedError` with the run's load errors.
 */
export async function inLoadTransaction<T>(
  client: MovementClient,
  staging: S3Staging,
  plan: StagedCopy,
  work: (tx: Transaction) => Promise<T>,
): Promise<T> {
  const since = new Date(Date.now() - 60_000)
  try {
    return await client.executeInTransaction(work)
  } catch (error) {
    if (!isRedshiftError(error) || (error.code !== 'QUERY_FAILED' && error.code !== 'LOAD_FAILED'))
      throw error
    const loadErrors = await runLoadErrors(client, staging, since)
    if (loadErrors.length === 0 && error.code === 'QUERY_FAILED') throw error
    const mapped = plan.mapError ? loadErrors.map(plan.mapError) : loadErrors
    throw new LoadFailedError(mappedMessage(error.message, mapped), {
      cause: error,
      loadErrors: mapped,
    } as never)
  }
}

/**
 * The COPY of a load in its mode: `append` alone (autocommit, as `copyFromS3`), `overwrite` and
 * `create` with the statement before it in one transaction, so a failed load leaves the table as it
 * was (or not there).
 */
export async function runStagedCopy(
  client: MovementClient,
  staging: S3Staging,
  staged: readonly StagedObject[],
  plan: StagedCopy,
  before: string | undefined,
): Promise<CopyResult> {
  const command = await stagedCopySql(staging, staged, plan)
  if (before === undefined) {
    try {
      return await client.copyFromS3(command, callOptions(plan.options))
    } catch (error) {
      throw remapLoadFailure(error, plan)
    }
  }
  return inLoadTransaction(client, staging, plan, async (tx) => {
    await tx.execute(before)
    return copyInTransaction(tx, command.toSql(), plan)
  })
}
