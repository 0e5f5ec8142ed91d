/** Acquire latency percentiles over the most recent acquisitions, in milliseconds. */
export interface AcquireTimePercentiles {
  readonly p50: number
  readonly p95: number
  readonly p99: number
}

/**
 * A snapshot of a client's connection pool. Transports without a pool (the Data API) report zeros with
 * `max` set to the number of statements they allow in flight.
 *
 * @example
 * const { active, idle, waiting, max } = client.getPoolStats()
 * if (waiting > 0) console.warn(`pool saturated: ${active}/${max} busy, ${waiting} waiting`)
 */
export interface PoolStats {
  /** Open connections (idle + active), not counting ones still connecting. */
  readonly total: number
  /** Open connections nobody holds. */
  readonly idle: number
  /** Connections held by a caller (a query, transaction or stream in progress). */
  readonly active: number
  /** Connections being opened right now. */
  readonly pending: number
  /** Callers queued for a connection. */
  readonly waiting: number
  /** The most connections the pool opens (`poolSize`). */
  readonly max: number
  /** Connections the pool keeps open even when idle (`minConnections`). */
  readonly min: number
  /** Successful acquisitions since the pool was created. */
  readonly acquiredTotal: number
  /** Connections opened since the pool was created. */
  readonly createdTotal: number
  /** Connections closed since the pool was created (idle timeout, lifetime, errors, close). */
  readonly destroyedTotal: number
  /** Acquisitions that gave up after the acquire timeout. */
  readonly acquireTimeoutsTotal: number
  /** Acquire latency over the last acquisitions (0 when there were none). */
  readonly acquireTimeMs: AcquireTimePercentiles
  /** True once `close()` has begun. */
  readonly closed: boolean
}
