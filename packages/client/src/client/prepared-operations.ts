import { assertParamSets, multiRowInsertChunks, parseSingleRowInsert } from '../query/batch.js'
import { newPreparedSpec, PreparedStatement, usableSpec } from '../query/prepared-statement.js'
import { createQuery } from '../query/query.js'
import { QueryResult, toQueryResult } from '../query/query-result.js'
import type { TransactionOptions } from '../transaction/run-in-transaction.js'
import type { QueryParam } from '../types/value.js'
import { type ClientContext, settingsFor } from './client-context.js'
import { inTransaction } from './transaction-operations.js'

/** `RedshiftClient.prepare`: validates the statement on the server and describes its columns. */
export async function prepare(ctx: ClientContext, name: string, sql: string): Promise<PreparedStatement> {
  const spec = newPreparedSpec(name, sql)
  const columns = await ctx.run({ kind: 'prepare', sql, run: () => ctx.transport.prepare(spec) })
  return new PreparedStatement(spec, columns)
}

/** `RedshiftClient.executePrepared`: one run of a prepared statement. */
export function executePrepared(
  ctx: ClientContext,
  statement: PreparedStatement,
  params: readonly QueryParam[],
): Promise<QueryResult> {
  const spec = usableSpec(statement)
  assertParamSets([params], statement.parameterCount)
  const settings = settingsFor(ctx, {})
  return ctx.run({
    kind: 'execute-prepared',
    sql: spec.sql,
    run: async () => {
      const startedAt = Date.now()
      return toQueryResult(await ctx.transport.executePrepared(spec, params, settings), startedAt)
    },
  })
}

/** `RedshiftClient.batchExecute`: every parameter set in one transaction, single-row INSERTs merged. */
export async function batchExecute(
  ctx: ClientContext,
  statement: PreparedStatement,
  paramSets: readonly (readonly QueryParam[])[],
  options: TransactionOptions,
): Promise<QueryResult[]> {
  const spec = usableSpec(statement)
  assertParamSets(paramSets, statement.parameterCount)
  if (paramSets.length === 0) return []
  const insert = parseSingleRowInsert(spec.sql)
  return inTransaction(
    ctx,
    async (tx) => {
      const results: QueryResult[] = []
      if (insert === undefined || insert.paramCount !== statement.parameterCount) {
        for (const params of paramSets) results.push(await tx.executePrepared(statement, params))
        return results
      }
      for (const chunk of multiRowInsertChunks(insert, paramSets)) {
        const r = await tx.query(createQuery({ sql: chunk.sql, params: chunk.params }))
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
  )
}

/** `RedshiftClient.deallocate`: marks the statement dropped, then drops it on every connection. */
export async function deallocate(ctx: ClientContext, statement: PreparedStatement): Promise<void> {
  if (statement.deallocated) return
  const spec = usableSpec(statement)
  statement.markDeallocated()
  await ctx.run({ kind: 'deallocate', run: () => ctx.transport.deallocate(spec) })
}
