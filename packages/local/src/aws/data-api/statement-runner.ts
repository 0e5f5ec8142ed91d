/**
 * Runs a statement's SQL on its gateway connection: each SQL in turn (a batch in one transaction
 * unless its ExecutionMode is AUTO_COMMIT), rows encoded into the kept result as they arrive,
 * the query id read after each one, and the statuses and errors DescribeStatement reports.
 */
import type pg from 'pg'
import { type ColumnSource, columnMetadata, fieldKind } from './column-types.js'
import type { GatewayConnection } from './gateway-connection.js'
import type { BoundSql } from './parameters.js'
import { ResultBuilder, ResultLimitError, type ResultLimits } from './result-set.js'
import type { SpillSpace } from './spill-space.js'
import type { SqlRun, Statement } from './statement.js'

/** What running needs besides the statement. */
export interface RunnerContext {
  readonly limits: ResultLimits
  readonly space: SpillSpace
}

const COLUMN_SOURCES = `SELECT a.attrelid::int, a.attnum::int, c.relname::text, a.attnotnull,
  pg_catalog.pg_get_expr(d.adbin, d.adrelid)
FROM pg_catalog.pg_attribute a JOIN pg_catalog.pg_class c ON c.oid = a.attrelid
LEFT JOIN pg_catalog.pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
WHERE a.attrelid = ANY($1::oid[]) AND a.attnum > 0`

/** Where each column of a result comes from (its table, NOT NULL), for ColumnMetadata. */
async function columnSources(
  connection: GatewayConnection,
  fields: readonly pg.FieldDef[],
): Promise<(ColumnSource | undefined)[]> {
  const tables = [...new Set(fields.filter((f) => f.tableID !== 0).map((f) => f.tableID))]
  if (tables.length === 0) return fields.map(() => undefined)
  const rows = await connection.internal(COLUMN_SOURCES, [tables.map(String)]).catch(() => [])
  const byKey = new Map<string, ColumnSource>()
  for (const [rel, num, table, notNull, def] of rows) {
    byKey.set(`${rel}:${num}`, {
      schemaName: '',
      tableName: table ?? '',
      notNull: notNull === 't' || notNull === 'true',
      columnDefault: def ?? null,
    })
  }
  return fields.map((f) => (f.tableID === 0 ? undefined : byKey.get(`${f.tableID}:${f.columnID}`)))
}

function errorText(error: unknown): string {
  if (error instanceof ResultLimitError) return error.message
  const message = error instanceof Error ? error.message : String(error)
  // The service reports the database's error as the driver prints it.
  return `ERROR: ${message}`
}

function isCancel(error: unknown): boolean {
  return (error as { code?: string } | undefined)?.code === '57014'
}

/** Runs one SQL; returns false when it did not finish. */
async function runOne(
  statement: Statement,
  run: SqlRun,
  bound: BoundSql,
  connection: GatewayConnection,
  ctx: RunnerContext,
): Promise<boolean> {
  run.status = 'STARTED'
  run.updatedAt = new Date()
  run.startedNs = process.hrtime.bigint()
  let builder: ResultBuilder | undefined
  try {
    const outcome = await connection.run(
      bound.text,
      bound.values,
      (fields) => {
        builder = new ResultBuilder(
          statement.resultFormat,
          fields.map((f) => fieldKind(f.dataTypeID)),
          fields.map((f) => f.name),
          ctx.limits,
          ctx.space,
        )
      },
      (row) => builder?.add(row),
    )
    run.endedNs = process.hrtime.bigint()
    run.queryId = await connection.lastQueryId()
    if (outcome.hasResultSet && builder !== undefined) {
      const sources = await columnSources(connection, outcome.fields)
      run.result = builder.finish(outcome.fields.map((f, i) => columnMetadata(f, sources[i])))
      run.hasResultSet = true
      run.resultRows = run.result.totalRows
      run.resultSize = run.result.size
    } else {
      run.resultRows = outcome.rowCount ?? 0
      run.resultSize = 0
    }
    run.status = 'FINISHED'
    return true
  } catch (error) {
    builder?.abandon()
    run.endedNs ??= process.hrtime.bigint()
    run.queryId = await connection.lastQueryId().catch(() => 0)
    if (isCancel(error) && statement.cancelRequested) {
      run.status = 'ABORTED'
    } else {
      run.status = 'FAILED'
      run.error = errorText(error)
    }
    return false
  } finally {
    run.updatedAt = new Date()
  }
}

/**
 * Runs every SQL of `statement` on `connection` and sets its final status. Never throws: a failure
 * is the statement's FAILED status and Error.
 */
export async function runStatement(
  statement: Statement,
  bound: readonly BoundSql[],
  connection: GatewayConnection,
  ctx: RunnerContext,
): Promise<void> {
  statement.pid = connection.pid
  statement.cancel = () => connection.cancel()
  const wrap = statement.isBatch && statement.executionMode === 'TRANSACTION'
  let failed: SqlRun | undefined
  let aborted = false
  try {
    if (statement.cancelRequested) {
      aborted = true
    } else {
      statement.status = 'STARTED'
      statement.updatedAt = new Date()
      if (wrap)
        await connection.run(
          'BEGIN',
          [],
          () => undefined,
          () => undefined,
        )
      for (const [i, run] of statement.runs.entries()) {
        // In a transaction a failure ends the batch; in AUTO_COMMIT mode the others still run.
        if (aborted || statement.cancelRequested || (wrap && failed !== undefined)) {
          aborted ||= statement.cancelRequested
          run.status = 'ABORTED'
          run.updatedAt = new Date()
          continue
        }
        const ok = await runOne(statement, run, bound[i] as BoundSql, connection, ctx)
        if (!ok) {
          if (run.status === 'FAILED') failed ??= run
          else aborted = true
        }
      }
      if (wrap) {
        if (failed === undefined && !aborted) {
          await connection.run(
            'COMMIT',
            [],
            () => undefined,
            () => undefined,
          )
        } else {
          await connection
            .run(
              'ROLLBACK',
              [],
              () => undefined,
              () => undefined,
            )
            .catch(() => undefined)
        }
      }
    }
  } catch (error) {
    // BEGIN or COMMIT failed (a serialization conflict at commit, a lost connection).
    const last = [...statement.runs].reverse().find((r) => r.status === 'FINISHED') ?? statement.runs[0]
    if (last !== undefined) {
      last.status = 'FAILED'
      last.error = errorText(error)
      failed = last
    }
  } finally {
    statement.cancel = undefined
  }
  for (const run of statement.runs) {
    if (run.status === 'SUBMITTED' || run.status === 'PICKED' || run.status === 'STARTED') {
      run.status = 'ABORTED'
      run.updatedAt = new Date()
    }
  }
  statement.status = failed !== undefined ? 'FAILED' : aborted ? 'ABORTED' : 'FINISHED'
  statement.error = failed?.error
  statement.updatedAt = new Date()
}
