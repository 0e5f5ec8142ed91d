import { QueryPlan } from '../query/explain-plan.js'
import { type Query, sqlToSend, toQuery } from '../query/query.js'
import { type QueryResult, toQueryResult } from '../query/query-result.js'
import {
  assertCallOptions,
  type ClientContext,
  describeResult,
  settingsFor,
  transportCall,
} from './client-context.js'
import type { CallOptions } from './client-options.js'

/** `RedshiftClient.executeQuery`: one statement in autocommit mode. */
export async function executeQuery(
  ctx: ClientContext,
  query: Query | string,
  options: CallOptions,
): Promise<QueryResult> {
  const q = toQuery(query)
  assertCallOptions(options)
  const settings = settingsFor(ctx, q, options)
  const sql = sqlToSend(q)
  const startedAt = Date.now()
  const result = await ctx.execute({
    operation: 'query',
    sql,
    params: q.params,
    settings,
    label: q.label,
    signal: options.signal,
    ...idempotence(options),
    options,
    run: (call) =>
      ctx.transport.execute({
        sql,
        params: q.params,
        settings,
        ...transportCall(call),
        ...(options.fetchQueryId === undefined ? {} : { fetchQueryId: options.fetchQueryId }),
      }),
    describe: describeResult,
  })
  return toQueryResult(result, startedAt)
}

/** `RedshiftClient.explainQuery`: EXPLAIN (added unless the SQL has it) parsed into a plan. */
export async function explainQuery(
  ctx: ClientContext,
  query: Query | string,
  options: CallOptions,
): Promise<QueryPlan> {
  const q = toQuery(query)
  assertCallOptions(options)
  const sql = /^\s*explain\b/i.test(q.sql) ? q.sql : `EXPLAIN ${q.sql}`
  const settings = settingsFor(ctx, q, options)
  const result = await ctx.execute({
    operation: 'explain',
    sql,
    params: q.params,
    settings,
    label: q.label,
    signal: options.signal,
    idempotent: true,
    options,
    run: (call) => ctx.transport.execute({ sql, params: q.params, settings, ...transportCall(call) }),
    describe: describeResult,
  })
  return QueryPlan.parse(result.rows.map((row) => String(row[0] ?? '')).join('\n'))
}

/** The caller's `idempotent` flag, when given, for the executor. */
export function idempotence(options: CallOptions): { idempotent?: boolean } {
  return typeof options.idempotent === 'boolean' ? { idempotent: options.idempotent } : {}
}
