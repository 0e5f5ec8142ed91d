/**
 * Acquire latency percentiles over the most recent acquisitions, in milliseconds.
 *
 * @example
 * const { p50, p99 }: AcquireTimePercentiles = client.getPoolStats().acquireTimeMs
 */
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

/**
 * The {@link PoolStats} of a transport without a pool of its own (one not created yet, a mock, a
 * replay): every count zero but those given.
 *
 * @example
 * poolStatsWith({ max: 10, closed: false }).idle // 0
 */
export function poolStatsWith(counts: Partial<PoolStats>): PoolStats {
  return {
    total: 0,
    idle: 0,
    active: 0,
    pending: 0,
    waiting: 0,
    max: 0,
    min: 0,
    acquiredTotal: 0,
    createdTotal: 0,
    destroyedTotal: 0,
    acquireTimeoutsTotal: 0,
    acquireTimeMs: { p50: 0, p95: 0, p99: 0 },
    closed: false,
    ...counts,
  }
}
