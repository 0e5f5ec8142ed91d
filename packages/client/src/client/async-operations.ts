import type {
  AsyncQueryHandle,
  AsyncQueryOptions,
  QueryResultsOptions,
  QueryStatus,
} from '../query/async-query-handle.js'
import { type CancelOutcome, type CancelTarget, cancelQuery as cancelTarget } from '../query/cancel-query.js'
import { fetchQueryMetrics, type QueryMetrics, type QueryMetricsOptions } from '../query/metrics-query.js'
import { type Query, toQuery } from '../query/query.js'
import type { QueryResult } from '../query/query-result.js'
import type { ResultStream } from '../query/result-stream.js'
import { openResultStream, type StreamOptions } from '../query/result-stream-open.js'
import type { QueryId } from '../types/query-id.js'
import { type ClientContext, lookup, settingsFor } from './client-context.js'
import type { CallOptions } from './client-options.js'

/** `RedshiftClient.streamResults`: a cursor on a pooled connection of its own. */
export function streamResults(
  ctx: ClientContext,
  query: Query | string,
  options: StreamOptions,
): Promise<ResultStream> {
  const q = toQuery(query)
  const host = {
    transport: ctx.transport,
    execute: ctx.execute,
    defaultFetchSize: ctx.config.fetchSize,
    cursors: ctx.cursors,
  }
  return openResultStream(host, q, settingsFor(ctx, q, options), options)
}

/** `RedshiftClient.executeQueryAsync`: starts the query and returns its handle at once. */
export function executeQueryAsync(
  ctx: ClientContext,
  query: Query | string,
  options: AsyncQueryOptions,
): AsyncQueryHandle {
  const q = toQuery(query)
  return ctx.asyncQueries.submit(q, settingsFor(ctx, q, options), options)
}

/** `RedshiftClient.getQueryStatus`. */
export function getQueryStatus(ctx: ClientContext, handle: AsyncQueryHandle | QueryId): Promise<QueryStatus> {
  return ctx.asyncQueries.status(asyncId(handle))
}

/** `RedshiftClient.getQueryResults`. */
export function getQueryResults(
  ctx: ClientContext,
  handle: AsyncQueryHandle | QueryId,
  options: QueryResultsOptions,
): Promise<QueryResult> {
  return ctx.asyncQueries.results(asyncId(handle), options)
}

/** `RedshiftClient.cancelQuery`: an async query of this client, or any query through `CANCEL`. */
export function cancelQuery(
  ctx: ClientContext,
  target: CancelTarget,
  options: CallOptions,
): Promise<CancelOutcome> {
  return cancelTarget(
    {
      asyncQueries: ctx.asyncQueries,
      execute: (sql, params) => lookup(ctx, sql, params, options.signal),
    },
    target,
  )
}

/** `RedshiftClient.getQueryMetrics`: an async query's id is first turned into Redshift's. */
export async function getQueryMetrics(
  ctx: ClientContext,
  queryId: QueryId | AsyncQueryHandle,
  options: QueryMetricsOptions,
): Promise<QueryMetrics> {
  let id = asyncId(queryId)
  if (ctx.asyncQueries.has(id)) id = (await ctx.asyncQueries.status(id)).redshiftQueryId || id
  return fetchQueryMetrics((sql, params) => lookup(ctx, sql, params, options.signal), id, options)
}

function asyncId(handle: AsyncQueryHandle | QueryId): QueryId {
  return typeof handle === 'string' ? handle : handle?.queryId
}
