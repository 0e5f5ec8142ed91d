import { RedshiftError, type RedshiftErrorOptions } from './redshift-error.js'

/**
 * Options of errors that can say when to try again.
 *
 * @example
 * new RateLimitedError('rate limit reached', { retryAfterMs: 250 })
 */
export interface RetryAfterErrorOptions extends RedshiftErrorOptions {
  /** How long to wait before trying again, when known. */
  readonly retryAfterMs?: number
}

/**
 * Logging in was refused: wrong password, expired or refused IAM credentials (SQLSTATE 28000/28P01).
 *
 * @example
 * new AuthenticationError('password authentication failed for user "bob"')
 */
export class AuthenticationError extends RedshiftError {
  static readonly code = 'AUTHENTICATION_FAILED'
  override readonly name = 'AuthenticationError' as const
  declare readonly code: 'AUTHENTICATION_FAILED'

  constructor(message: string, options: RedshiftErrorOptions = {}) {
    super(message, options, { code: 'AUTHENTICATION_FAILED', retryable: false, fault: 'client', sent: false })
  }
}

/**
 * A connection could not be opened: refused, unreachable, timed out, TLS failure, or the cluster's
 * connection limit (53300). Retryable by default; TLS and unknown-host failures are not.
 *
 * @example
 * new ConnectionFailedError('timeout')
 */
export class ConnectionFailedError extends RedshiftError {
  static readonly code = 'CONNECTION_FAILED'
  override readonly name = 'ConnectionFailedError' as const
  declare readonly code: 'CONNECTION_FAILED'

  constructor(message: string, options: RedshiftErrorOptions = {}) {
    super(message, options, { code: 'CONNECTION_FAILED', retryable: true, fault: 'network', sent: false })
  }
}

/**
 * An open connection broke (reset, terminated by the server, closed mid-query). Marked retryable:
 * the retry layer must still only repeat work that is safe to repeat.
 *
 * @example
 * new ConnectionLostError('Connection terminated unexpectedly')
 */
export class ConnectionLostError extends RedshiftError {
  static readonly code = 'CONNECTION_LOST'
  override readonly name = 'ConnectionLostError' as const
  declare readonly code: 'CONNECTION_LOST'

  constructor(message: string, options: RedshiftErrorOptions = {}) {
    super(message, options, { code: 'CONNECTION_LOST', retryable: true, fault: 'network' })
  }
}

/**
 * No pooled connection became free within the acquire timeout.
 *
 * @example
 * new PoolExhaustedError('no connection free after 10000 ms (10 of 10 in use, 4 waiting)')
 */
export class PoolExhaustedError extends RedshiftError {
  static readonly code = 'POOL_EXHAUSTED'
  override readonly name = 'PoolExhaustedError' as const
  declare readonly code: 'POOL_EXHAUSTED'

  constructor(message: string, options: RedshiftErrorOptions = {}) {
    super(message, options, { code: 'POOL_EXHAUSTED', retryable: true, fault: 'client', sent: false })
  }
}

/**
 * The pool (or the client) was closed; no new work is accepted.
 *
 * @example
 * new PoolClosedError('the client is closed')
 */
export class PoolClosedError extends RedshiftError {
  static readonly code = 'POOL_CLOSED'
  override readonly name = 'PoolClosedError' as const
  declare readonly code: 'POOL_CLOSED'

  constructor(message: string, options: RedshiftErrorOptions = {}) {
    super(message, options, { code: 'POOL_CLOSED', retryable: false, fault: 'client', sent: false })
  }
}

/**
 * The circuit breaker is open after repeated failures; calls fail fast until it half-opens.
 *
 * @example
 * new CircuitOpenError('circuit open after 5 consecutive failures', { retryAfterMs: 30_000 })
 */
export class CircuitOpenError extends RedshiftError {
  static readonly code = 'CIRCUIT_OPEN'
  override readonly name = 'CircuitOpenError' as const
  declare readonly code: 'CIRCUIT_OPEN'
  /** When the breaker will let a trial call through, if known. */
  declare readonly retryAfterMs?: number

  constructor(message: string, options: RetryAfterErrorOptions = {}) {
    super(message, options, { code: 'CIRCUIT_OPEN', retryable: false, fault: 'client', sent: false })
    if (options.retryAfterMs !== undefined)
      (this as { retryAfterMs?: number }).retryAfterMs = options.retryAfterMs
  }
}

/**
 * A rate limit refused the call: the client's own limiter, or a service throttle
 * (Data API `ThrottlingException`, `ActiveStatementsExceededException`).
 *
 * @example
 * new RateLimitedError('rate limit of 100 queries/s reached', { retryAfterMs: 10 })
 */
export class RateLimitedError extends RedshiftError {
  static readonly code = 'RATE_LIMITED'
  override readonly name = 'RateLimitedError' as const
  declare readonly code: 'RATE_LIMITED'
  /** When a call may be admitted again, if known. */
  declare readonly retryAfterMs?: number

  constructor(message: string, options: RetryAfterErrorOptions = {}) {
    super(message, options, { code: 'RATE_LIMITED', retryable: true, fault: 'client', sent: false })
    if (options.retryAfterMs !== undefined)
      (this as { retryAfterMs?: number }).retryAfterMs = options.retryAfterMs
  }
}
