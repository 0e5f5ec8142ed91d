import { reportProgress } from '../observability/progress.js'
import { assertParamSets, multiRowInsertChunks, parseSingleRowInsert } from '../query/batch.js'
import { newPreparedSpec, PreparedStatement, usableSpec } from '../query/prepared-statement.js'
import { createQuery } from '../query/query.js'
import { QueryResult, toQueryResult } from '../query/query-result.js'
import type { TransactionOptions } from '../transaction/run-in-transaction.js'
import type { QueryParam } from '../types/value.js'
import {
  assertCallOptions,
  type ClientContext,
  describeResult,
  NO_SETTINGS,
  settingsFor,
} from './client-context.js'
import type { CallOptions } from './client-options.js'
import { idempotence } from './statement-operations.js'
import { inTransaction } from './transaction-operations.js'

/** `RedshiftClient.prepare`: validates the statement on the server and describes its columns. */
export async function prepare(
  ctx: ClientContext,
  name: string,
  sql: string,
  options: CallOptions = {},
): Promise<PreparedStatement> {
  const spec = newPreparedSpec(name, sql)
  assertCallOptions(options)
  const settings = settingsFor(ctx, {}, options)
  const columns = await ctx.execute({
    operation: 'prepared',
    sql,
    settings: { ...NO_SETTINGS, timeoutMs: settings.timeoutMs },
    signal: options.signal,
    idempotent: true,
    options,
    run: (call) => ctx.transport.prepare(spec, call.signal, call.deadline),
    describe: () => ({}),
  })
  return new PreparedStatement(spec, columns)
}

/** `RedshiftClient.executePrepared`: one run of a prepared statement. */
export async function executePrepared(
  ctx: ClientContext,
  statement: PreparedStatement,
  params: readonly QueryParam[],
  options: CallOptions = {},
): Promise<QueryResult> {
  const spec = usableSpec(statement)
  assertParamSets([params], statement.parameterCount)
  assertCallOptions(options)
  const settings = settingsFor(ctx, {}, options)
  const startedAt = Date.now()
  const result = await ctx.execute({
    operation: 'prepared',
    sql: spec.sql,
    params,
    settings,
    signal: options.signal,
    ...idempotence(options),
    options,
    run: (call) => ctx.transport.executePrepared(spec, params, settings, call.signal, call.deadline),
    describe: describeResult,
  })
  return toQueryResult(result, startedAt)
}

/** `RedshiftClient.batchExecute`: every parameter set in one transaction, single-row INSERTs merged. */
export async function batchExecute(
  ctx: ClientContext,
  statement: PreparedStatement,
  paramSets: readonly (readonly QueryParam[])[],
  options: TransactionOptions & CallOptions,
): Promise<QueryResult[]> {
  const spec = usableSpec(statement)
  assertParamSets(paramSets, statement.parameterCount)
  assertCallOptions(options)
  if (paramSets.length === 0) return []
  const started = performance.now()
  const insert = parseSingleRowInsert(spec.sql)
  const atOnce = ctx.transport.executeBatch
  if (atOnce !== undefined) {
    // A transport with an atomic batch call (the Data API) runs the whole batch in it when it fits.
    const settings = settingsFor(ctx, {}, options)
    const outcomes = await ctx.execute({
      operation: 'batch',
      sql: spec.sql,
      settings,
      signal: options.signal,
      options,
      run: (call) =>
        atOnce.call(
          ctx.transport,
          {
            sql: spec.sql,
            paramSets,
            insert: insert?.paramCount === statement.parameterCount ? insert : undefined,
          },
          settings,
          call,
        ),
      describe: (done) => ({ rowsAffected: done?.reduce((n, o) => n + o.rowsAffected, 0) ?? 0 }),
    })
    if (outcomes !== null) {
      const executionTimeMs = Math.round(performance.now() - started)
      reportProgress(options.onProgress, {
        operation: 'batch',
        phase: 'running',
        elapsedMs: executionTimeMs,
        rows: paramSets.length,
        chunksDone: 1,
        chunksTotal: 1,
      })
      return outcomes.map((o) => new QueryResult({ ...o, executionTimeMs }))
    }
  }
  // Each statement of the batch runs through the executor (tx.query / tx.executePrepared) with the
  // call's signal and timeout; the batch as a whole is one transaction, retried on conflicts.
  const call: CallOptions = {
    ...(options.signal === undefined ? {} : { signal: options.signal }),
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
  }
  return inTransaction(
    ctx,
    async (tx) => {
      const results: QueryResult[] = []
      if (insert === undefined || insert.paramCount !== statement.parameterCount) {
        for (const params of paramSets) {
          results.push(await tx.executePrepared(statement, params, call))
          reportProgress(options.onProgress, {
            operation: 'batch',
            phase: 'running',
            elapsedMs: Math.round(performance.now() - started),
            rows: results.length,
            chunksDone: results.length,
            chunksTotal: paramSets.length,
          })
        }
        return results
      }
      const chunks = [...multiRowInsertChunks(insert, paramSets)]
      let rows = 0
      for (const [done, chunk] of chunks.entries()) {
        const r = await tx.query(createQuery({ sql: chunk.sql, params: chunk.params }), call)
        rows += chunk.rows
        reportProgress(options.onProgress, {
          operation: 'batch',
          phase: 'running',
          elapsedMs: Math.round(performance.now() - started),
          rows,
          chunksDone: done + 1,
          chunksTotal: chunks.length,
        })
        // Each parameter set was one single-row INSERT: it inserted exactly one row.
        const perRow = new QueryResult({
          rowsAffected: 1,
          executionTimeMs: r.executionTimeMs,
          queryId: r.queryId,
          command: r.command,
        })
        for (let i = 0; i < chunk.rows; i++) results.push(perRow)
      }
      return results
    },
    options,
    'batch',
  )
}

/** `RedshiftClient.deallocate`: marks the statement dropped, then drops it on every connection. */
export async function deallocate(ctx: ClientContext, statement: PreparedStatement): Promise<void> {
  if (statement.deallocated) return
  const spec = usableSpec(statement)
  statement.markDeallocated()
  await ctx.execute({
    operation: 'prepared',
    sql: `DEALLOCATE ${spec.serverName}`,
    run: () => ctx.transport.deallocate(spec),
  })
}
