import type { StatementMiddleware } from '../pipeline/statement-context.js'
import type { Transport } from '../transport/transport.js'

/**
 * Options of {@link createClient} beyond the configuration.
 *
 * @example
 * const recorder = new QueryRecorder()
 * const client = createClient(config, { wrapTransport: (t) => recorder.wrap(t), asyncResultTtlMs: 60_000 })
 */
export interface ClientOptions {
  /**
   * The transport to run over instead of the one the configuration describes (the simulation kit's
   * mock and replay transports, or a custom one).
   */
  readonly transport?: Transport
  /**
   * Wraps the transport the client would use (the simulation kit's `QueryRecorder` records through
   * it): called once, with the configured or given transport, and the client runs over what it returns.
   */
  readonly wrapTransport?: (transport: Transport) => Transport
  /**
   * How long an async query's handle and unfetched result are kept after it ends.
   * @default 600000 (10 minutes)
   */
  readonly asyncResultTtlMs?: number
  /**
   * Steps run around every statement of every operation, outermost first (see
   * {@link StatementMiddleware}); the client's default retry of unsent statements runs inside them.
   */
  readonly middleware?: readonly StatementMiddleware[]
}

/**
 * Options of a single call. Middlewares see them all as `ctx.options` (a middleware that takes
 * options of its own adds them here).
 *
 * @example
 * const controller = new AbortController()
 * await client.executeQuery(query, { signal: controller.signal, timeoutMs: 5_000, retry: false })
 */
export interface CallOptions {
  /**
   * Cancels the call when aborted: waiting for a connection stops, and a running statement is
   * cancelled on the server. The call fails with `QueryCancelledError` (at most 2 s after the abort,
   * even from a server that stopped answering).
   */
  readonly signal?: AbortSignal
  /**
   * A timeout for this call, overriding the query's own and the client's `defaultTimeout` (still
   * capped by `maxQueryTimeout`); 0: no limit. It fails with `QueryTimeoutError`.
   */
  readonly timeoutMs?: number
  /** `false`: never retried, not even a statement that could not be sent. */
  readonly retry?: boolean | Readonly<Record<string, unknown>>
  /**
   * Fetch Redshift's query id (`result.queryId`) with this statement, overriding the client's
   * `fetchQueryId` setting: `false` for a hot path, `true` when this one statement needs it.
   */
  readonly fetchQueryId?: boolean
  /** Marks a write as safe to run twice (retry policies may then retry it after it was sent). */
  readonly idempotent?: boolean
}
