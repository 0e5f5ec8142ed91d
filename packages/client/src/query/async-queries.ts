import { randomUUID } from 'node:crypto'
import { classifyError } from '../errors/classify.js'
import { ValidationError } from '../errors/client-errors.js'
import { NotFoundError, QueryCancelledError, QueryTimeoutError } from '../errors/query-errors.js'
import type { RedshiftError } from '../errors/redshift-error.js'
import type { StatementExecutor } from '../pipeline/statement-executor.js'
import { onAbort } from '../transport/abort-hub.js'
import type { StatementSettings, TransportResult, TransportSession } from '../transport/transport.js'
import type { QueryId } from '../types/query-id.js'
import type {
  AsyncQueryHandle,
  AsyncQueryOptions,
  AsyncQueryState,
  QueryResultsOptions,
  QueryStatus,
} from './async-query-handle.js'
import { type Query, sqlToSend } from './query.js'
import { QueryResult, toQueryResult } from './query-result.js'

/** What the async registry needs from its client. */
export interface AsyncQueryHost {
  /** The client's statement executor: each async query runs through it. */
  readonly execute: StatementExecutor
  /** A dedicated session. */
  readonly openSession: (signal: AbortSignal | undefined) => Promise<TransportSession>
  /** Runs a small lookup on any pooled connection (STV_INFLIGHT). */
  readonly lookup: (sql: string, params: readonly (string | number)[]) => Promise<TransportResult>
}

/** How a cancellation of an async query went. */
export interface AsyncCancelResult {
  /** Whether the query was still running (or waiting) and was cancelled. */
  readonly cancelled: boolean
  readonly state: AsyncQueryState
  readonly sessionId: string | null
}

interface Entry {
  readonly id: QueryId
  readonly submittedAt: Date
  readonly label: string | undefined
  readonly sql: string
  readonly ttlMs: number
  state: AsyncQueryState
  startedAt: Date | null
  finishedAt: Date | null
  session: TransportSession | null
  redshiftQueryId: QueryId
  rowCount: number | null
  error: RedshiftError | null
  result: QueryResult | null
  fetched: boolean
  cancelRequested: boolean
  done: Promise<void>
  expiry: ReturnType<typeof setTimeout> | undefined
}

/** The id prefix of async handles: never a Redshift query number. */
export const ASYNC_ID_PREFIX = 'async-'

/**
 * The async queries of one client: each runs on a session of its own, its handle answers status
 * questions, and its result waits to be fetched once (then it is released) or for `ttl` after the
 * query ended (then the handle expires too).
 */
export class AsyncQueries {
  readonly #host: AsyncQueryHost
  readonly #defaultTtlMs: number
  readonly #entries = new Map<QueryId, Entry>()

  constructor(host: AsyncQueryHost, defaultTtlMs: number) {
    this.#host = host
    this.#defaultTtlMs = defaultTtlMs
  }

  /** Starts `query` and returns its handle at once. */
  submit(query: Query, settings: StatementSettings, options: AsyncQueryOptions = {}): AsyncQueryHandle {
    const ttlMs = options.resultTtlMs ?? this.#defaultTtlMs
    if (!Number.isInteger(ttlMs) || ttlMs < 0) {
      throw new ValidationError('invalid async query options', {
        problems: [
          { field: 'resultTtlMs', message: `must be a whole number of milliseconds >= 0, got ${ttlMs}` },
        ],
      })
    }
    const entry: Entry = {
      id: `${ASYNC_ID_PREFIX}${randomUUID()}`,
      submittedAt: new Date(),
      label: query.label,
      sql: sqlToSend(query),
      ttlMs,
      state: 'submitted',
      startedAt: null,
      finishedAt: null,
      session: null,
      redshiftQueryId: '',
      rowCount: null,
      error: null,
      result: null,
      fetched: false,
      cancelRequested: false,
      done: Promise.resolve(),
      expiry: undefined,
    }
    this.#entries.set(entry.id, entry)
    entry.done = this.#run(entry, query, settings, options.signal)
    return Object.freeze({
      queryId: entry.id,
      submittedAt: entry.submittedAt,
      ...(entry.label === undefined ? {} : { label: entry.label }),
    })
  }

  /** Whether `id` names an async query of this client (running, or ended and not yet expired). */
  has(id: QueryId): boolean {
    return this.#entries.has(id)
  }

  /** The handle id of the running async query Redshift knows as `redshiftQueryId`, if any. */
  byRedshiftId(redshiftQueryId: QueryId): QueryId | undefined {
    for (const entry of this.#entries.values()) {
      if (entry.redshiftQueryId === redshiftQueryId) return entry.id
    }
    return undefined
  }

  /** The session ids (backend pids) of the async queries running now. */
  runningSessions(): Map<string, QueryId> {
    const out = new Map<string, QueryId>()
    for (const entry of this.#entries.values()) {
      if (entry.state === 'running' && entry.session !== null) out.set(entry.session.id, entry.id)
    }
    return out
  }

  async status(id: QueryId): Promise<QueryStatus> {
    const entry = this.#get(id)
    // Only wire sessions have a backend pid to look up (a Data API session id is a UUID).
    if (
      entry.state === 'running' &&
      entry.redshiftQueryId === '' &&
      entry.session !== null &&
      /^\d+$/.test(entry.session.id)
    ) {
      // Redshift numbers a query once it runs; STV_INFLIGHT tells which number, by session. The
      // session may still be running a setting sent before the query (query group, timeout): only a
      // statement whose text (STV_INFLIGHT keeps its first 100 characters) is this query's counts.
      try {
        const found = await this.#host.lookup(
          `SELECT query FROM stv_inflight
           WHERE pid = $1 AND rtrim(text) <> '' AND strpos($2, rtrim(text)) > 0
           ORDER BY query DESC LIMIT 1`,
          [Number(entry.session.id), entry.sql],
        )
        const value = found.rows[0]?.[0]
        if (entry.redshiftQueryId === '' && value !== undefined && value !== null) {
          entry.redshiftQueryId = String(value)
        }
      } catch {
        // Best effort: the status is still right without it.
      }
    }
    const end = entry.finishedAt?.getTime() ?? Date.now()
    return Object.freeze({
      queryId: entry.id,
      state: entry.state,
      redshiftQueryId: entry.redshiftQueryId,
      sessionId: entry.session?.id ?? null,
      submittedAt: entry.submittedAt,
      startedAt: entry.startedAt,
      finishedAt: entry.finishedAt,
      elapsedMs: end - entry.submittedAt.getTime(),
      rowCount: entry.rowCount,
      error: entry.error,
      resultsAvailable: !entry.fetched && entry.state !== 'submitted' && entry.state !== 'running',
      expiresAt: entry.finishedAt === null ? null : new Date(entry.finishedAt.getTime() + entry.ttlMs),
    })
  }

  /**
   * Waits for the query to end and returns its result (or throws its error), once: the result is
   * released then, and a second call fails with `NotFoundError`.
   */
  async results(id: QueryId, options: QueryResultsOptions = {}): Promise<QueryResult> {
    const entry = this.#get(id)
    if (entry.fetched) {
      throw new NotFoundError(
        `the result of async query ${id} was already fetched; results are returned once`,
      )
    }
    await waitFor(entry.done, id, options)
    if (entry.fetched) {
      throw new NotFoundError(
        `the result of async query ${id} was already fetched; results are returned once`,
      )
    }
    entry.fetched = true
    const { result, error } = entry
    entry.result = null
    if (error !== null) throw error
    return result ?? new QueryResult()
  }

  /**
   * Cancels the query: one still waiting for a connection never starts; a running one is cancelled
   * on the server through its own session (no privilege needed). A query that has ended is left as
   * it is, and the result says so.
   */
  async cancel(id: QueryId): Promise<AsyncCancelResult> {
    const entry = this.#get(id)
    if (entry.state !== 'submitted' && entry.state !== 'running') {
      return { cancelled: false, state: entry.state, sessionId: entry.session?.id ?? null }
    }
    entry.cancelRequested = true
    const session = entry.session
    if (entry.state === 'running' && session !== null) {
      if (session.cancel === undefined) {
        throw new ValidationError(`the transport cannot cancel a running query (async query ${id})`)
      }
      await session.cancel()
    }
    await entry.done
    const state: AsyncQueryState = (entry as { state: AsyncQueryState }).state
    return {
      cancelled: state === 'cancelled',
      state,
      sessionId: entry.session?.id ?? null,
    }
  }

  /** Waits for every running async query to end (when the client closes). */
  async drain(): Promise<void> {
    await Promise.allSettled([...this.#entries.values()].map((e) => e.done))
  }

  async #run(
    entry: Entry,
    query: Query,
    settings: StatementSettings,
    signal: AbortSignal | undefined,
  ): Promise<void> {
    try {
      const startedAt = Date.now()
      const sql = sqlToSend(query)
      const result = await this.#host.execute({
        operation: 'async',
        sql,
        params: query.params,
        settings,
        label: query.label,
        signal,
        run: async (call) => {
          const session = await this.#host.openSession(call.signal)
          entry.session = session
          const statement = (async () => {
            if (entry.cancelRequested)
              throw new QueryCancelledError(`async query ${entry.id} was cancelled before it started`, {
                sent: false,
              })
            entry.state = 'running'
            entry.startedAt = new Date()
            return session.execute({ sql, params: query.params, settings, ...call })
          })()
          // The statement may outlive the call (a deadline or an abort settles the call at once, and
          // a retry may start another attempt): each attempt's session goes back once its own
          // statement has ended. A cancel requested meanwhile could still reach the session's next
          // statement, so that session is discarded.
          statement.then(
            () =>
              session.release(
                entry.cancelRequested
                  ? new Error('a cancel request is outstanding on this session')
                  : undefined,
              ),
            (error: unknown) => session.release(error),
          )
          return statement
        },
        describe: (r) => ({ rowCount: r.rows.length, rowsAffected: r.rowsAffected, queryId: r.queryId }),
      })
      entry.result = toQueryResult(result, startedAt)
      entry.redshiftQueryId = result.queryId || entry.redshiftQueryId
      entry.rowCount = result.command === 'SELECT' ? result.rows.length : result.rowsAffected
      entry.state = 'finished'
    } catch (raw) {
      const error = classifyError(raw, { sql: query.sql })
      entry.error = error
      entry.state = entry.cancelRequested || error instanceof QueryCancelledError ? 'cancelled' : 'failed'
      if (entry.state === 'cancelled' && !(error instanceof QueryCancelledError)) {
        entry.error = new QueryCancelledError(`async query ${entry.id} was cancelled`, { cause: error })
      }
    } finally {
      entry.finishedAt = new Date()
      entry.expiry = setTimeout(() => this.#entries.delete(entry.id), entry.ttlMs)
      entry.expiry.unref?.()
    }
  }

  #get(id: QueryId): Entry {
    const entry = this.#entries.get(id)
    if (entry === undefined) {
      throw new NotFoundError(
        `no async query ${JSON.stringify(id)}: it never existed on this client, or it ended longer ago than its result TTL`,
      )
    }
    return entry
  }
}

async function waitFor(done: Promise<void>, id: QueryId, options: QueryResultsOptions): Promise<void> {
  const { timeoutMs, signal } = options
  signal?.throwIfAborted()
  if (timeoutMs === undefined && signal === undefined) return done
  let timer: ReturnType<typeof setTimeout> | undefined
  let stopListening: (() => void) | undefined
  const gaveUp = new Promise<never>((_, reject) => {
    if (timeoutMs !== undefined) {
      timer = setTimeout(
        () =>
          reject(
            new QueryTimeoutError(
              `async query ${id} did not end within ${timeoutMs} ms; it keeps running: wait again, or cancel it`,
              { timeoutMs },
            ),
          ),
        timeoutMs,
      )
    }
    if (signal !== undefined) {
      stopListening = onAbort(signal, () => reject(classifyError(signal.reason)))
    }
  })
  try {
    await Promise.race([done, gaveUp])
  } finally {
    if (timer !== undefined) clearTimeout(timer)
    stopListening?.()
  }
}
