import { ValidationError } from '../errors/client-errors.js'
import { NotFoundError } from '../errors/query-errors.js'
import type { TransportResult } from '../transport/transport.js'
import { QueryId } from '../types/query-id.js'
import { ASYNC_ID_PREFIX, type AsyncQueries } from './async-queries.js'
import type { AsyncQueryHandle } from './async-query-handle.js'

/**
 * What `client.cancelQuery()` cancels: an async query's handle (or its id), a Redshift query id, or
 * the running query of a server session by its process id.
 *
 * @example
 * const target: CancelTarget = { pid: 1073815778 }
 * await client.cancelQuery(target)
 */
export type CancelTarget = QueryId | AsyncQueryHandle | { readonly pid: number }

/**
 * How a cancellation went: whether a running query was cancelled, and if not, why.
 *
 * @example
 * const outcome: CancelOutcome = await client.cancelQuery(handle)
 * if (!outcome.cancelled) console.log(outcome.outcome, outcome.message) // 'already-finished', ...
 */
export interface CancelOutcome {
  /** True when a running (or waiting) query was cancelled, or a cancel was sent to its session. */
  readonly cancelled: boolean
  /**
   * `cancelled`: this client's query ended cancelled. `requested`: a cancel was sent to another
   * session (its query fails with SQLSTATE 57014 there). `already-finished`: nothing to cancel, the
   * query had ended (a no-op). `not-running`: the session runs no query.
   */
  readonly outcome: 'cancelled' | 'requested' | 'already-finished' | 'not-running'
  /**
   * `protocol`: the wire protocol's CancelRequest on the query's own session (no privilege needed).
   * `cancel-statement`: Redshift's `CANCEL pid` (own sessions; superuser for others'). `none`.
   */
  readonly method: 'protocol' | 'cancel-statement' | 'none'
  /** The server session (backend pid) the query ran on, when known. */
  readonly pid: number | null
  /** One sentence for logs. */
  readonly message: string
}

/** What cancelling needs from the client. */
export interface CancelHost {
  readonly asyncQueries: AsyncQueries
  /** Runs a statement on any pooled connection. */
  readonly execute: (sql: string, params: readonly (string | number)[]) => Promise<TransportResult>
}

const LIVE_STATES = new Set(['planning', 'queued', 'running', 'returning'])

function pidOf(value: unknown): number | null {
  const n = Number(value)
  return Number.isSafeInteger(n) && n > 0 ? n : null
}

async function cancelAsync(host: CancelHost, id: QueryId): Promise<CancelOutcome> {
  const result = await host.asyncQueries.cancel(id)
  const pid = pidOf(result.sessionId)
  if (result.cancelled) {
    return {
      cancelled: true,
      outcome: 'cancelled',
      method: 'protocol',
      pid,
      message: `async query ${id} was cancelled`,
    }
  }
  return {
    cancelled: false,
    outcome: 'already-finished',
    method: 'none',
    pid,
    message: `async query ${id} had already ended (${result.state}); nothing was cancelled`,
  }
}

/** Sends Redshift's CANCEL to a session, when it runs (or waits in a WLM queue for) a query. */
async function cancelPid(host: CancelHost, pid: number): Promise<CancelOutcome> {
  const running = await host.execute('SELECT query FROM stv_inflight WHERE pid = $1 LIMIT 1', [pid])
  let query = running.rows[0]?.[0]
  if (query === undefined) {
    // A query waiting in a WLM queue is not in STV_INFLIGHT yet.
    const queued = await host.execute(
      "SELECT query_id FROM sys_query_history WHERE session_id = $1 AND TRIM(status) IN ('planning', 'queued', 'running', 'returning') LIMIT 1",
      [pid],
    )
    query = queued.rows[0]?.[0]
  }
  if (query === undefined || query === null) {
    return {
      cancelled: false,
      outcome: 'not-running',
      method: 'none',
      pid,
      message: `session ${pid} runs no query; nothing was cancelled`,
    }
  }
  // Another session of this user: Redshift's CANCEL (pg_cancel_backend) needs no more privilege;
  // another user's needs superuser, and its error says so.
  await host.execute(`CANCEL ${pid}`, [])
  return {
    cancelled: true,
    outcome: 'requested',
    method: 'cancel-statement',
    pid,
    message: `CANCEL sent to session ${pid} (query ${String(query)})`,
  }
}

async function cancelRedshiftQuery(host: CancelHost, queryId: QueryId): Promise<CancelOutcome> {
  const own = host.asyncQueries.byRedshiftId(queryId)
  if (own !== undefined) return cancelAsync(host, own)
  const inflight = await host.execute('SELECT pid FROM stv_inflight WHERE query = $1 LIMIT 1', [queryId])
  const inflightPid = pidOf(inflight.rows[0]?.[0])
  if (inflightPid !== null) {
    // One of this client's async sessions: its own CancelRequest, then the query's settled state.
    const ownSession = host.asyncQueries.runningSessions().get(String(inflightPid))
    if (ownSession !== undefined) return cancelAsync(host, ownSession)
    const outcome = await cancelPid(host, inflightPid)
    if (outcome.cancelled) return { ...outcome, message: `query ${queryId}: ${outcome.message}` }
  }
  const history = await host.execute(
    'SELECT session_id, TRIM(status) FROM sys_query_history WHERE query_id = $1 LIMIT 1',
    [queryId],
  )
  const row = history.rows[0]
  if (row === undefined) {
    throw new NotFoundError(
      `no query ${queryId} in STV_INFLIGHT or SYS_QUERY_HISTORY (regular users see their own queries only)`,
    )
  }
  const status = String(row[1] ?? '').toLowerCase()
  const pid = pidOf(row[0])
  if (LIVE_STATES.has(status) && pid !== null) {
    const outcome = await cancelPid(host, pid)
    if (outcome.cancelled) return { ...outcome, message: `query ${queryId}: ${outcome.message}` }
  }
  return {
    cancelled: false,
    outcome: 'already-finished',
    method: 'none',
    pid,
    message: `query ${queryId} had already ended (${status || 'unknown'}); nothing was cancelled`,
  }
}

/**
 * Cancels a query (see `RedshiftClient.cancelQuery`).
 *
 * @example
 * await cancelQuery(host, handle)          // an async query of this client
 * await cancelQuery(host, '1042')          // a Redshift query id, any session of this user
 * await cancelQuery(host, { pid: 31337 })  // whatever session 31337 runs
 */
export async function cancelQuery(host: CancelHost, target: CancelTarget): Promise<CancelOutcome> {
  if (typeof target === 'object' && target !== null && 'pid' in target) {
    const pid = pidOf(target.pid)
    if (pid === null) {
      throw new ValidationError('invalid cancel target', {
        problems: [
          { field: 'pid', message: `must be a positive integer process id, got ${String(target.pid)}` },
        ],
      })
    }
    return cancelPid(host, pid)
  }
  const id = typeof target === 'string' ? target : target?.queryId
  if (typeof id !== 'string' || id === '') {
    throw new ValidationError('invalid cancel target', {
      problems: [
        {
          field: 'queryId',
          message: 'pass an async handle or its queryId, a Redshift query id, or { pid } of a session',
        },
      ],
    })
  }
  if (id.startsWith(ASYNC_ID_PREFIX) || host.asyncQueries.has(id)) return cancelAsync(host, id)
  if (!QueryId.isRedshiftId(id)) {
    throw new ValidationError(`cannot cancel query ${JSON.stringify(id)}`, {
      problems: [
        { field: 'queryId', message: 'not an async handle of this client, nor a Redshift query id' },
      ],
    })
  }
  return cancelRedshiftQuery(host, id)
}
