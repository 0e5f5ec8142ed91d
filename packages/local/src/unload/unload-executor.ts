import { CommandSyntaxError, parseUnload, type UnloadStatement } from '@redshift-kit/dialect'
import type { CommandContext, CommandOutcome } from '../gateway/command-executor.js'
import { commandError } from '../load/copy-executor.js'
import type { SqlRunner } from '../load/sql-runner.js'
import type { StatementIdentity, SystemLog } from '../load/system-log.js'
import type { ObjectStore } from '../s3/index.js'
import { parseS3Url } from '../s3/index.js'
import { FileSeries, type WrittenFile } from './file-series.js'
import { manifestJson, PARTITION_TYPES, partitionFolder } from './manifest.js'
import { describeQuery, engineQuery, fetchRows, type OutputColumn } from './query-source.js'
import { rowEncoder } from './row-encoder.js'

/** What the UNLOAD executor works with besides the statement. */
export interface UnloadDependencies {
  readonly store: ObjectStore
  readonly log: SystemLog
}

/** Rows encoded and compressed at a time. */
const TEXT_SLICE_ROWS = 1000

const FORMAT_NAMES = { text: 'Text', csv: 'Text', json: 'JSON', parquet: 'Parquet' } as const

/** Where the files go, and which columns partition them. */
interface Target {
  readonly bucket: string
  readonly prefix: string
  /** Indexes of the partition columns in the result. */
  readonly partitions: readonly number[]
  /** Indexes of the columns written to the files. */
  readonly written: readonly number[]
}

function planTarget(u: UnloadStatement, columns: readonly OutputColumn[]): Target {
  const { bucket, key } = parseS3Url(u.target)
  const all = columns.map((_c, i) => i)
  if (u.partitionBy === null) return { bucket, prefix: key, partitions: [], written: all }
  const partitions = u.partitionBy.columns.map((name) => {
    const at = columns.findIndex((c) => c.name === name)
    if (at < 0)
      throw new CommandSyntaxError(
        '42703',
        `PARTITION BY column "${name}" is not a column of the UNLOAD query's result`,
      )
    const type = columns[at]?.typeName ?? ''
    if (!PARTITION_TYPES.has(type))
      throw new CommandSyntaxError(
        '0A000',
        `PARTITION BY column "${name}" has type ${type}, which cannot be a partition key`,
        'partition by SMALLINT, INTEGER, BIGINT, DECIMAL, REAL, BOOLEAN, CHAR, VARCHAR, DATE or TIMESTAMP columns',
      )
    return at
  })
  const written = u.partitionBy.include ? all : all.filter((i) => !partitions.includes(i))
  if (written.length === 0)
    throw new CommandSyntaxError(
      '0A000',
      'UNLOAD with PARTITION BY needs at least one column that is not a partition column',
    )
  // "a forward slash (/) is automatically added to the end of the name-prefix value if needed"
  return { bucket, prefix: key === '' || key.endsWith('/') ? key : `${key}/`, partitions, written }
}

/** Fails as Redshift does when the target holds objects and neither ALLOWOVERWRITE nor CLEANPATH is given. */
async function prepareTarget(store: ObjectStore, u: UnloadStatement, t: Target): Promise<void> {
  const existing = await store.list(t.bucket, t.prefix)
  if (existing.length === 0 || u.allowOverwrite) return
  if (u.cleanPath) {
    // With PARTITION BY, only the folders that receive files are cleaned (when their first file is written).
    if (t.partitions.length === 0) for (const o of existing) await store.delete(o.bucket, o.key)
    return
  }
  throw new CommandSyntaxError(
    'XX000',
    'Specified unload destination on S3 is not empty. Consider using a different bucket / prefix, manually removing the target files in S3, or using the ALLOWOVERWRITE option.',
  )
}

/**
 * Runs `UNLOAD ('select ...') TO 's3://...'`: the query runs in the client's session through a cursor,
 * batch by batch, and its rows are written as text, CSV, JSON or Parquet files into the local store,
 * partitioned and split as asked, with a manifest when asked. ENCRYPTED and KMS_KEY_ID are accepted but
 * the files are not encrypted locally.
 */
export async function executeUnload(
  text: string,
  ctx: CommandContext,
  deps: UnloadDependencies,
): Promise<CommandOutcome> {
  const startTime = new Date()
  const query: SqlRunner = (sql, params) => ctx.query(sql, params)
  let u: UnloadStatement
  let sql: string
  let columns: OutputColumn[]
  let target: Target
  try {
    u = parseUnload(text)
    sql = engineQuery(u.query, ctx.queryId)
    columns = await describeQuery(query, sql, ctx.queryId)
    target = planTarget(u, columns)
    await prepareTarget(deps.store, u, target)
  } catch (error) {
    throw commandError(error)
  }
  const outColumns = target.written.map((i) => columns[i] as OutputColumn)
  const series = new Map<string, FileSeries>()
  const seriesFor = (row: readonly (string | null)[]): FileSeries => {
    const folder = target.partitions
      .map((i) => partitionFolder(columns[i]?.name ?? '', columns[i]?.typeName ?? '', row[i] ?? null))
      .join('/')
    let s = series.get(folder)
    if (s === undefined) {
      const base = folder === '' ? target.prefix : `${target.prefix}${folder}/`
      s = new FileSeries({
        store: deps.store,
        bucket: target.bucket,
        base,
        parallel: u.parallel,
        compression: u.compression,
        extension: u.extension?.replace(/^\./, '') ?? null,
        parquet: u.format === 'parquet',
        maxFileSize: u.maxFileSize,
        header: u.format === 'parquet' ? '' : (encoder?.header ?? ''),
        columns: outColumns,
        ...(u.cleanPath && folder !== ''
          ? {
              beforeFirstFile: async () => {
                for (const o of await deps.store.list(target.bucket, base))
                  await deps.store.delete(o.bucket, o.key)
              },
            }
          : {}),
      })
      series.set(folder, s)
    }
    return s
  }
  const who: StatementIdentity = {
    queryId: ctx.queryId,
    pid: ctx.pid,
    user: ctx.user,
    database: ctx.database,
  }
  let encoder: ReturnType<typeof rowEncoder> | undefined
  let rows = 0
  try {
    encoder = u.format === 'parquet' ? undefined : rowEncoder(u, outColumns)
    const project = (row: readonly (string | null)[]) => target.written.map((i) => row[i] ?? null)
    const write = async (s: FileSeries, run: readonly (readonly (string | null)[])[]) => {
      if (encoder === undefined) return s.writeParquet(run)
      // Text is written in slices, so that MAXFILESIZE cuts files close to the size asked.
      for (let i = 0; i < run.length; i += TEXT_SLICE_ROWS) {
        const slice = run.slice(i, i + TEXT_SLICE_ROWS)
        await s.writeText(encoder.encode(slice), slice.length)
      }
    }
    for await (const batch of fetchRows(query, sql, ctx.queryId, target.partitions, ctx.signal)) {
      rows += batch.length
      if (target.partitions.length === 0) {
        const s = seriesFor([])
        const run = target.written.length === columns.length ? batch : batch.map(project)
        await write(s, run)
        continue
      }
      // Rows arrive sorted by partition: consecutive runs go to one series.
      let start = 0
      while (start < batch.length) {
        const s = seriesFor(batch[start] as readonly (string | null)[])
        let end = start + 1
        while (end < batch.length && seriesFor(batch[end] as readonly (string | null)[]) === s) end++
        const run = batch.slice(start, end).map(project)
        await write(s, run)
        start = end
      }
    }
    if (series.size === 0 && target.partitions.length === 0) seriesFor([])
    for (const s of series.values())
      await s.close(target.partitions.length === 0 && !(u.format === 'json' && rows === 0))
  } catch (error) {
    for (const s of series.values())
      for (const key of await s.abort()) await deps.store.delete(target.bucket, key)
    const message = error instanceof Error ? error.message : String(error)
    await deps.log.unloadHistory(who, summary(u, startTime, 'aborted', 0, [], message)).catch(() => undefined)
    throw commandError(error)
  }
  const files: WrittenFile[] = [...series.values()].flatMap((s) => s.files)
  if (u.manifest !== 'none') {
    const manifestKey = `${target.prefix}manifest`
    await deps.store.put(
      target.bucket,
      manifestKey,
      manifestJson(files, outColumns, u.manifest === 'verbose'),
    )
  }
  await deps.log.unloadLog(
    who,
    files.map((f) => ({
      path: f.url,
      startTime: f.startTime,
      endTime: f.endTime,
      lineCount: f.rows,
      transferSize: f.bytes,
      fileFormat: FORMAT_NAMES[u.format],
    })),
  )
  await deps.log.unloadHistory(who, summary(u, startTime, 'completed', rows, files, null))
  ctx.notice('INFO', `UNLOAD completed, ${rows} record(s) unloaded successfully.`)
  return { commandTag: 'UNLOAD', lastUnloadCount: rows }
}

function summary(
  u: UnloadStatement,
  startTime: Date,
  status: 'completed' | 'aborted',
  rows: number,
  files: readonly WrittenFile[],
  errorMessage: string | null,
) {
  return {
    status,
    startTime,
    endTime: new Date(),
    fileFormat: FORMAT_NAMES[u.format],
    compressionType: u.compression === 'none' ? '' : u.compression.toUpperCase(),
    location: u.target,
    rows,
    files: files.length,
    bytes: files.reduce((n, f) => n + f.bytes, 0),
    errorMessage,
  }
}
