/**
 * TLS modes, as libpq and the Redshift drivers name them.
 *
 * @example
 * SSL_MODES.includes('verify-full') // true
 */
export const SSL_MODES = ['disable', 'prefer', 'require', 'verify-ca', 'verify-full'] as const

/**
 * `disable`: plain TCP. `prefer`: TLS when the server offers it, without verification. `require`:
 * TLS, certificate not verified. `verify-ca`: TLS, certificate chain verified. `verify-full`: chain
 * and host name verified.
 *
 * @example
 * const mode: SslMode = 'verify-full'
 * RedshiftConfig.builder().endpoint(host, 5439, 'dev').sslMode(mode)
 */
export type SslMode = (typeof SSL_MODES)[number]

/**
 * Whether `value` is an {@link SslMode}.
 *
 * @example
 * isSslMode('verify-full') // true
 */
export function isSslMode(value: unknown): value is SslMode {
  return typeof value === 'string' && (SSL_MODES as readonly string[]).includes(value)
}

/**
 * The transports a client can use.
 *
 * @example
 * TRANSPORT_KINDS // ['wire', 'data-api']
 */
export const TRANSPORT_KINDS = ['wire', 'data-api'] as const

/**
 * `wire`: the PostgreSQL protocol (pooled sessions). `data-api`: the Redshift Data API over HTTPS.
 *
 * @example
 * const kind: TransportKind = 'data-api'
 * RedshiftConfig.builder().withServerless('analytics-wg').transport(kind)
 */
export type TransportKind = (typeof TRANSPORT_KINDS)[number]

/**
 * Whether `value` is a {@link TransportKind}.
 *
 * @example
 * isTransportKind('data-api') // true
 */
export function isTransportKind(value: unknown): value is TransportKind {
  return typeof value === 'string' && (TRANSPORT_KINDS as readonly string[]).includes(value)
}

/**
 * The default of every option. The TLS mode's default depends on the host: `verify-full` for every
 * host except this machine's (`localhost`, `127.x`, `::1`), where a local Redshift runs, which gets
 * `prefer`. Redshift's own and custom-domain endpoints carry public certificates, so verification
 * works; an IP address or a load balancer without a matching certificate must choose a mode.
 *
 * @example
 * CONFIG_DEFAULTS.port      // 5439
 * CONFIG_DEFAULTS.poolSize  // the pool size when poolSize() is not called
 */
export const CONFIG_DEFAULTS = Object.freeze({
  /** Redshift's port. */
  port: 5439,
  /** The database every Redshift cluster and workgroup starts with. */
  database: 'dev',
  transport: 'wire' as TransportKind,
  /** At most this many pooled connections (2x the WLM slots of the queue used is a good start). */
  poolSize: 10,
  /** Connections kept open even when idle. */
  minConnections: 0,
  /**
   * Autocommit statements one connection may have in flight at once (pipelined) once every pooled
   * connection is busy; 1: one statement per connection, as pg.Pool does.
   */
  pipelineDepth: 4,
  /** Opening a connection (TCP, TLS, login) must finish within this; also the pool's acquire timeout. */
  connectionTimeoutMs: 10_000,
  /** Idle connections close after this (0: never). */
  idleTimeoutMs: 600_000,
  /** Connections are replaced after this age (0: never), so rotated IAM passwords are picked up. */
  maxLifetimeMs: 1_800_000,
  /**
   * Timeout of a query that names none (0: none, as in the Redshift drivers: long ETL statements are
   * not killed by surprise; WLM rules still apply).
   */
  defaultTimeoutMs: 0,
  /** Upper bound on any query's timeout (0: no bound). */
  maxQueryTimeoutMs: 0,
  /** Rows per batch when streaming. */
  fetchSize: 1000,
  /**
   * Reruns of a call whose statement never reached the server, and of a transaction after a
   * serialization conflict (so up to 1 + maxRetries runs).
   */
  maxRetries: 3,
  /** First retry delay; later ones back off exponentially with jitter. */
  retryBackoffMs: 100,
  /** Consecutive failures that open the circuit breaker (0: no breaker). */
  circuitBreakerThreshold: 5,
  /** `application_name` of each session (shows in STV_SESSIONS / SYS_SESSION_HISTORY). */
  applicationName: 'redshift-kit',
  /** A pooled connection idle for longer is checked with a round trip before it is handed out. */
  validateAfterIdleMs: 30_000,
  /**
   * A statement that receives no byte from the server for this long drops its connection
   * (`ConnectionLostError`); 0: never. For servers that go silent without closing the socket; set it
   * above the longest statement you run, since a statement computing quietly sends nothing either.
   */
  readTimeoutMs: 0,
  /** Delay before the first TCP keepalive probe of an idle socket (0: keepalive off). */
  keepAliveMs: 60_000,
  /**
   * How long `close()` waits for running calls before it drops every connection (the calls then fail
   * with `ConnectionLostError`).
   */
  closeTimeoutMs: 30_000,
  /**
   * Fetch Redshift's query id (`pg_last_query_id()`) with every statement, in the same round trip,
   * so that `result.queryId`, `getQueryMetrics(result.queryId)` and telemetry have it.
   */
  fetchQueryId: true,
  /** Lifetime of IAM temporary passwords. */
  iamDurationSeconds: 900,
})
