import type { RedshiftError } from '../errors/redshift-error.js'
import type { QueryId } from '../types/query-id.js'

/**
 * The states of an async query, in the order they are reached.
 *
 * @example
 * ASYNC_QUERY_STATES.indexOf('running') < ASYNC_QUERY_STATES.indexOf('finished') // true
 */
export const ASYNC_QUERY_STATES = ['submitted', 'running', 'finished', 'failed', 'cancelled'] as const

/**
 * Where an async query is: `submitted` (waiting for a connection), `running` (sent to Redshift),
 * then one of `finished`, `failed`, `cancelled`.
 *
 * @example
 * const state: AsyncQueryState = (await client.getQueryStatus(handle)).state
 * if (state === 'failed') console.error('the query failed')
 */
export type AsyncQueryState = (typeof ASYNC_QUERY_STATES)[number]

/**
 * What `client.executeQueryAsync()` returns at once: the id to ask about the query with. The id is the
 * client's own (Redshift numbers a query only once it runs); `QueryStatus.redshiftQueryId` and the
 * result's `queryId` give Redshift's.
 *
 * @example
 * const handle = await client.executeQueryAsync('SELECT COUNT(*) FROM events')
 * handle.queryId // 'async-1b4e28ba-2fa1-11d2-883f-0016d3cca427'
 */
export interface AsyncQueryHandle {
  readonly queryId: QueryId
  /** When the client accepted the query. */
  readonly submittedAt: Date
  /** The query's label, when it had one. */
  readonly label?: string
}

/**
 * An async query's state, timings and outcome, from `client.getQueryStatus()`.
 *
 * @example
 * const s = await client.getQueryStatus(handle)
 * if (s.state === 'failed') console.error(s.error?.code, s.error?.message)
 */
export interface QueryStatus {
  /** The handle's id. */
  readonly queryId: QueryId
  readonly state: AsyncQueryState
  /** Redshift's query id, once known (while running, looked up in STV_INFLIGHT); `''` before. */
  readonly redshiftQueryId: QueryId
  /** The server session running it (the backend pid on the wire), once it has one. */
  readonly sessionId: string | null
  readonly submittedAt: Date
  /** When it was sent to the server. */
  readonly startedAt: Date | null
  readonly finishedAt: Date | null
  /** From submission to the end, or to now while it runs. */
  readonly elapsedMs: number
  /** Rows returned (or affected, for INSERT/UPDATE/DELETE) once finished. */
  readonly rowCount: number | null
  /** Why it failed or was cancelled. */
  readonly error: RedshiftError | null
  /** Whether `getQueryResults()` can still return its result (not yet fetched, not expired). */
  readonly resultsAvailable: boolean
  /** When the handle and its result are released, once it has ended. */
  readonly expiresAt: Date | null
}

/**
 * Options of `client.getQueryResults()`.
 *
 * @example
 * const result = await client.getQueryResults(handle, { timeoutMs: 60_000 })
 */
export interface QueryResultsOptions {
  /** Gives up waiting after this long with `QueryTimeoutError`; the query keeps running. */
  readonly timeoutMs?: number
  /** Gives up waiting when aborted (the query keeps running: cancel it with `cancelQuery`). */
  readonly signal?: AbortSignal
}

/**
 * Options of `client.executeQueryAsync()`.
 *
 * @example
 * const handle = await client.executeQueryAsync(query, { resultTtlMs: 60_000, signal: controller.signal })
 */
export interface AsyncQueryOptions {
  /** Cancels the query when aborted, whatever its state. */
  readonly signal?: AbortSignal
  /**
   * How long the handle and an unfetched result are kept after the query ends.
   * @default the client's `asyncResultTtlMs` (10 minutes)
   */
  readonly resultTtlMs?: number
  /**
   * A timeout for the query, overriding its own and the client's `defaultTimeout` (0: no limit):
   * it ends `failed` with `QueryTimeoutError`.
   */
  readonly timeoutMs?: number
}
