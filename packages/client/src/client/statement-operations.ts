import { callDeadline } from '../query/cancel-deadline.js'
import { QueryPlan } from '../query/explain-plan.js'
import { type Query, toQuery } from '../query/query.js'
import { type QueryResult, toQueryResult } from '../query/query-result.js'
import { type ClientContext, settingsFor } from './client-context.js'
import type { CallOptions } from './client-options.js'

/** `RedshiftClient.executeQuery`: one statement in autocommit mode. */
export function executeQuery(
  ctx: ClientContext,
  query: Query | string,
  options: CallOptions,
): Promise<QueryResult> {
  const q = toQuery(query)
  const settings = settingsFor(ctx, q)
  return ctx.run({
    kind: 'query',
    sql: q.sql,
    ...(options.signal === undefined ? {} : { signal: options.signal }),
    run: async () => {
      const startedAt = Date.now()
      // The server enforces the timeout (statement_timeout); this deadline covers a server that
      // does not answer, and keeps a timeout and a cancel apart (Redshift says 57014 for both).
      const deadline = callDeadline(settings.timeoutMs, options.signal)
      try {
        const result = await ctx.transport.execute({
          sql: q.sql,
          params: q.params,
          settings,
          ...(deadline.signal === undefined ? {} : { signal: deadline.signal }),
        })
        return toQueryResult(result, startedAt)
      } catch (error) {
        throw deadline.settle(error)
      } finally {
        deadline.dispose()
      }
    },
  })
}

/** `RedshiftClient.explainQuery`: EXPLAIN (added unless the SQL has it) parsed into a plan. */
export async function explainQuery(
  ctx: ClientContext,
  query: Query | string,
  options: CallOptions,
): Promise<QueryPlan> {
  const q = toQuery(query)
  const sql = /^\s*explain\b/i.test(q.sql) ? q.sql : `EXPLAIN ${q.sql}`
  const settings = settingsFor(ctx, q)
  const signal = options.signal
  const result = await ctx.run({
    kind: 'query',
    sql,
    ...(signal === undefined ? {} : { signal }),
    run: () =>
      ctx.transport.execute({
        sql,
        params: q.params,
        settings,
        ...(signal === undefined ? {} : { signal }),
      }),
  })
  return QueryPlan.parse(result.rows.map((row) => String(row[0] ?? '')).join('\n'))
}
