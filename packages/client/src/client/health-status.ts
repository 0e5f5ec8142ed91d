import type { RedshiftErrorCode } from '../errors/redshift-error.js'
import type { PoolStats } from '../transport/pool-stats.js'

/**
 * The outcome of `client.healthCheck()`: one `SELECT 1` (no table read) through the pool.
 *
 * @example
 * const health = await client.healthCheck()
 * if (!health.healthy) console.error(`Redshift unreachable: ${health.error?.code} ${health.error?.message}`)
 */
export interface HealthStatus {
  readonly healthy: boolean
  /** Round trip of the check, acquiring a connection included, in milliseconds. */
  readonly latencyMs: number
  readonly checkedAt: Date
  /** The pool after the check. */
  readonly pool: PoolStats
  /** Why the check failed (absent when healthy). */
  readonly error?: { readonly code: RedshiftErrorCode; readonly message: string }
}
