/**
 * The middleware seam of the statement executor: what a middleware (retry, circuit breaker, rate
 * limiter, bulkhead, tracing, logging, metrics) sees of a statement, and its signature. Every
 * operation of the client reaches the transport through the executor, so a middleware added here
 * applies to all of them, over every transport.
 */

/**
 * What kind of client operation a statement belongs to.
 *
 * @example
 * const op: StatementOperation = 'query'
 */
export type StatementOperation =
  | 'query'
  | 'execute'
  | 'prepared'
  | 'batch'
  | 'explain'
  | 'copy'
  | 'unload'
  | 'async'
  | 'stream'
  | 'health'
  | 'transaction'
  | 'metadata'

/**
 * One operation call, as middlewares see it: built once per call and frozen, except `attempt`,
 * which the executor moves each time the transport call runs (a retry middleware calling `next()`
 * again runs it again).
 *
 * @example
 * const logSlow: StatementMiddleware = async (ctx, next) => {
 *   const started = Date.now()
 *   try { return await next() } finally {
 *     if (Date.now() - started > 5_000) console.warn(`${ctx.operation} ${ctx.label ?? ''} took ${Date.now() - started} ms`)
 *   }
 * }
 */
export interface StatementContext {
  readonly operation: StatementOperation
  /** The SQL as sent (it may hold secrets: a consumer that logs it redacts it with `redactSql`). */
  readonly sql: string
  /** How many parameters go with it. */
  readonly paramCount: number
  /** The WLM query group it runs under, if any. */
  readonly queryGroup?: string | undefined
  /** The caller's label (`QueryBuilder.label`), if any. */
  readonly label?: string | undefined
  /** Its timeout (the query's, else the client's default, capped by `maxQueryTimeout`); undefined: none. */
  readonly timeoutMs?: number | undefined
  /** The caller's signal, if any. */
  readonly signal?: AbortSignal | undefined
  /**
   * Whether running it twice does no harm: true for reads (SELECT, WITH ... SELECT, SHOW, EXPLAIN,
   * system-view lookups) and for calls the caller marked `{ idempotent: true }`; false for writes.
   * A failure with `sent === false` may be retried either way.
   */
  readonly idempotent: boolean
  /** Whether it runs inside an explicit transaction (a retry of one statement alone is then wrong). */
  readonly inTransaction: boolean
  /** The per-call options (`executeQuery(q, { retry: false })`), passed through as given. */
  readonly options: Readonly<Record<string, unknown>>
  /** 0 before the transport call first runs, then 1, 2, ... for each run. */
  readonly attempt: number
}

/**
 * Facts about a result, for metrics and telemetry (whatever the operation's result type).
 *
 * @example
 * const outcome: StatementOutcome = { rowCount: 10, rowsAffected: 10, queryId: '4711' }
 */
export interface StatementOutcome {
  /** Rows returned. */
  readonly rowCount?: number
  /** Rows inserted, updated, deleted (or returned). */
  readonly rowsAffected?: number
  /** Redshift's query id, when known. */
  readonly queryId?: string | bigint | number | undefined
  /** Bytes transferred, when known (UNLOAD files, ...). */
  readonly bytes?: number
}

/**
 * A step around every statement. It is called exactly once per operation call, in the order the
 * client's middlewares were given (the first is the outermost); `next()` runs the rest of the chain
 * and, innermost, the transport call, and may be called again to retry (a failure whose error has
 * `sent === false` never reached the server). `describe(value)` turns the call's result into
 * {@link StatementOutcome} facts.
 *
 * Errors a middleware sees are already classified `RedshiftError`s (`code`, `retryable`, `sent`);
 * middlewares must not mutate them. A deadline or abort settles the call with `QueryTimeoutError` /
 * `QueryCancelledError` whatever a middleware does.
 *
 * @example
 * const countRows: StatementMiddleware = async (ctx, next, describe) => {
 *   const value = await next()
 *   metrics.add(describe(value).rowCount ?? 0, { operation: ctx.operation })
 *   return value
 * }
 * const client = createClient(config, { middleware: [countRows] })
 */
export type StatementMiddleware = <T>(
  ctx: StatementContext,
  next: () => Promise<T>,
  describe: (value: T) => StatementOutcome,
) => Promise<T>
