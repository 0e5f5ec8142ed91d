import { CommandSyntaxError, type CopyStatement, parseCopy } from '@redshift-kit/dialect'
import { type CommandContext, type CommandOutcome, GatewayCommandError } from '../gateway/command-executor.js'
import type { ObjectStore } from '../s3/index.js'
import { parseS3Url } from '../s3/index.js'
import { CopyOutput, copyDialect, copyInSql } from './copy-output.js'
import { fastCheck } from './fast-check.js'
import { type JsonPath, parseJsonPathsFile } from './json-paths.js'
import type { LoadErrorRecord } from './load-error.js'
import { FILE_FORMAT_NAMES, type LoadPlan, type LoadTally, loadRows, TooManyErrors } from './load-files.js'
import { sourceFiles } from './source-files.js'
import type { SqlRunner } from './sql-runner.js'
import type { StatementIdentity, SystemLog } from './system-log.js'
import { resolveTargetTable, type TargetTable } from './target-table.js'
import { columnConverter } from './value-converter.js'

/** What the COPY executor works with besides the statement. */
export interface LoadDependencies {
  readonly store: ObjectStore
  readonly log: SystemLog
}

/** A CommandSyntaxError (or any error of the setup) as the client's error. */
export function commandError(error: unknown): unknown {
  if (error instanceof CommandSyntaxError) {
    return new GatewayCommandError(
      error.sqlState,
      error.message,
      error.hint === undefined ? {} : { hint: error.hint },
    )
  }
  return error
}

/**
 * Redshift's DETAIL block under a load error (the first rejected record), as its drivers print it:
 * error, code, context, query, location, process between dashed rules.
 */
function detailBlock(first: LoadErrorRecord | undefined, queryId: number, pid: number): string | undefined {
  if (first === undefined) return undefined
  const rule = '  -----------------------------------------------'
  return [
    '',
    rule,
    `  error:  ${first.reason}`,
    `  code:      ${first.code}`,
    `  context:   ${first.rawFieldValue || first.rawLine}`,
    `  query:     ${queryId}`,
    `  location:  ${first.fileName}:${first.lineNumber}`,
    `  process:   redshift-local [pid=${pid}]`,
    rule,
  ].join('\n')
}

async function jsonPathsFor(
  store: ObjectStore,
  copy: CopyStatement,
  table: TargetTable,
): Promise<JsonPath[] | null> {
  const url = copy.options.jsonPaths
  if (url === null) return null
  const { bucket, key } = parseS3Url(url)
  let text: string
  try {
    text = (await store.get(bucket, key)).toString('utf8')
  } catch {
    throw new CommandSyntaxError('XX000', `The JSONPaths file ${url} does not exist`)
  }
  return parseJsonPathsFile(text, url, table.columns.length)
}

/**
 * Runs `COPY ... FROM 's3://...'`: parses it, resolves the table in the client's session, reads the
 * files from the local store, converts each record as Redshift would and streams the rows to the
 * engine's `COPY ... FROM STDIN` in the client's transaction while reading goes on. Rejected records go to STL_LOAD_ERRORS; more than MAXERROR of them fail the
 * load (XX000 "Load into table 't' failed.  Check 'stl_load_errors' ..."), and nothing is loaded.
 */
export async function executeCopy(
  text: string,
  ctx: CommandContext,
  deps: LoadDependencies,
): Promise<CommandOutcome> {
  const startTime = new Date()
  let copy: CopyStatement
  let table: TargetTable
  let plan: LoadPlan
  let sql = ''
  const query: SqlRunner = (sql, params) => ctx.query(sql, params)
  try {
    copy = parseCopy(text)
    table = await resolveTargetTable(query, copy)
    const o = copy.options
    if (o.format === 'fixedwidth' && o.fixedWidth?.length !== table.columns.length) {
      throw new CommandSyntaxError(
        '22023',
        `FIXEDWIDTH gives ${o.fixedWidth?.length ?? 0} columns, but the COPY loads ${table.columns.length}`,
        'give one label:width per loaded column, in order',
      )
    }
    const files = await sourceFiles(deps.store, copy.source, o.manifest, o.format === 'parquet')
    const dialect = copyDialect(o)
    const columns = table.columns
    sql = copyInSql(table, dialect)
    plan = {
      store: deps.store,
      files,
      table,
      options: o,
      jsonPaths: await jsonPathsFor(deps.store, copy, table),
      converters: columns.map((c, i) => columnConverter(c, i, o)),
      checks: dialect.passThrough ? columns.map((c) => fastCheck(c, o)) : null,
      output: o.noLoad ? null : new CopyOutput(dialect),
      signal: ctx.signal,
    }
  } catch (error) {
    throw commandError(error)
  }
  const who: StatementIdentity = {
    queryId: ctx.queryId,
    pid: ctx.pid,
    user: ctx.user,
    database: ctx.database,
  }
  const tally: LoadTally = { errors: [], commits: [], accepted: 0, bytes: 0 }
  const summary = (status: 'completed' | 'aborted', loaded: number) => ({
    status,
    tableName: table.displayName,
    tableId: table.oid,
    startTime,
    endTime: new Date(),
    dataSource: copy.source,
    fileFormat: FILE_FORMAT_NAMES[copy.options.format],
    loadedRows: loaded,
    loadedBytes: status === 'completed' ? tally.bytes : 0,
    sourceFileCount: plan.files.length,
    sourceFileBytes: plan.files.reduce((n, f) => n + f.size, 0),
    errorCount: tally.errors.length,
  })
  let loaded = 0
  const rows = loadRows(plan, tally)
  try {
    if (plan.output === null) {
      for await (const _ of rows) void _
    } else {
      loaded = await ctx.copyIn(sql, rows)
    }
  } catch (error) {
    // The reading stops (and records its file's commit) before the system tables are written.
    await rows.return(undefined).catch(() => undefined)
    await deps.log.loadErrors(who, table.oid, startTime, tally.errors).catch(() => undefined)
    await deps.log.loadCommits(who, new Date(), tally.commits).catch(() => undefined)
    await deps.log.loadHistory(who, summary('aborted', 0)).catch(() => undefined)
    if (error instanceof TooManyErrors) {
      const detail = detailBlock(tally.errors[0], ctx.queryId, ctx.pid)
      throw new GatewayCommandError(
        'XX000',
        `Load into table '${table.displayName}' failed.  Check 'stl_load_errors' system table for details.`,
        detail === undefined ? {} : { detail },
      )
    }
    throw commandError(error)
  }
  await deps.log.loadErrors(who, table.oid, startTime, tally.errors)
  await deps.log.loadCommits(who, new Date(), tally.commits)
  await deps.log.loadHistory(who, summary('completed', loaded))
  const name = table.displayName
  if (tally.errors.length > 0) {
    ctx.notice(
      'INFO',
      `Load into table '${name}' completed, ${tally.errors.length} record(s) could not be loaded.  Check 'stl_load_errors' system table for details.`,
    )
  }
  ctx.notice('INFO', `Load into table '${name}' completed, ${loaded} record(s) loaded successfully.`)
  return { commandTag: `COPY ${loaded}`, lastCopy: { id: ctx.queryId, count: loaded } }
}
