import { UnsupportedError } from '../errors/client-errors.js'
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
import { DataApiTransport } from '../transport/data-api/data-api-transport.js'
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
    watchStream: ctx.observability.watchStream,
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
  if (ctx.transport instanceof DataApiTransport) return cancelOverDataApi(ctx, ctx.transport, target, options)
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

const STATEMENT_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}(?::\d+)?$/i

/**
 * `cancelQuery` over the Data API: an async handle as on the wire, a Data API statement id through
 * CancelStatement; a session's pid is wire-only (Data API sessions have no pid to signal).
 */
async function cancelOverDataApi(
  ctx: ClientContext,
  transport: DataApiTransport,
  target: CancelTarget,
  options: CallOptions,
): Promise<CancelOutcome> {
  if (typeof target === 'object' && target !== null && 'pid' in target) {
    throw new UnsupportedError(
      'cancelQuery({ pid }) is wire-only: a Data API statement has no server process to signal; cancel its async handle or its statement id instead',
    )
  }
  const id = typeof target === 'string' ? target : target?.queryId
  if (typeof id === 'string' && STATEMENT_ID.test(id) && !ctx.asyncQueries.has(id)) {
    const cancelled = await transport.cancelStatement(id)
    return {
      cancelled,
      outcome: cancelled ? 'requested' : 'already-finished',
      method: cancelled ? 'cancel-statement' : 'none',
      pid: null,
      message: cancelled
        ? `CancelStatement sent for Data API statement ${id}`
        : `Data API statement ${id} was not running; nothing was cancelled`,
    }
  }
  return cancelTarget(
    { asyncQueries: ctx.asyncQueries, execute: (sql, params) => lookup(ctx, sql, params, options.signal) },
    target,
  )
}
