import type { CredentialsStatus } from '../credentials/credentials-provider.js'
import type { PoolStats } from '../transport/pool-stats.js'
import type { TransportDiagnostics } from '../transport/transport.js'
import type { PoolSizingHint } from '../workload/workload.js'
import type { RecentError } from './recent-errors.js'

/**
 * What `client.getDiagnostics()` reports: where the client connects and how, the server's version,
 * the pool, the effective limits, and the latest failures. It never contains a password, secret,
 * token or access key.
 *
 * @example
 * const d = await client.getDiagnostics()
 * console.log(d.transport, d.endpoint.host, d.serverVersion, d.tls.mode, d.pool.active, d.recentErrors.length)
 */
export interface Diagnostics extends TransportDiagnostics {
  readonly pool: PoolStats
  /** The settings that shape the client's behaviour. */
  readonly settings: {
    readonly poolSize: number
    readonly minConnections: number
    readonly connectionTimeoutMs: number
    readonly idleTimeoutMs: number
    readonly maxLifetimeMs: number
    readonly defaultTimeoutMs: number
    readonly maxQueryTimeoutMs: number
    readonly maxRetries: number
    readonly retryBackoffMs: number
    /** The query group applied to queries that name none (`setQueryGroup`, else `defaultQueryGroup`). */
    readonly queryGroup: string | null
  }
  /**
   * How the client logs in: the method (`password`, `iam`, `iam-serverless`, `secrets-manager`), the
   * database user, and when the credentials expire and were last fetched; never the credentials.
   * Present for transports that log in through a credentials provider (the wire transport).
   */
  readonly credentials?: CredentialsStatus
  /**
   * The pool compared with the WLM queues (Redshift's guidance: a pool of 2x the WLM slots); null when
   * the queues could not be read (WLM views are for superusers).
   */
  readonly wlm?: PoolSizingHint | null
  /** The latest failures, oldest first (messages redacted). */
  readonly recentErrors: readonly RecentError[]
  readonly closed: boolean
}
