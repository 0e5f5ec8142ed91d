import { classifyError } from '../errors/classify.js'
import {
  CircuitOpenError,
  ConnectionFailedError,
  PoolExhaustedError,
  RateLimitedError,
} from '../errors/connection-errors.js'
import { SerializationConflictError } from '../errors/query-errors.js'
import { isRedshiftError, type RedshiftError } from '../errors/redshift-error.js'

/**
 * Why a failed statement may be sent again:
 * - `not-sent`: it never reached the server (the connection could not be opened), so it cannot have run;
 * - `throttled`: a rate limit refused it before it ran;
 * - `serialization-conflict`: an auto-commit statement is its own whole transaction, which the server
 *   rolled back, so running it again re-runs the whole transaction;
 * - `idempotent`: it may have run, but the caller marked it safe to run twice.
 *
 * @example
 * const reason: RetryReason = 'not-sent'
 */
export type RetryReason = 'not-sent' | 'throttled' | 'serialization-conflict' | 'idempotent'

/** What the retry decision needs to know about the statement. */
export interface RetryCall {
  /** The caller said running it twice is harmless (a SELECT, or a statement marked idempotent). */
  readonly idempotent: boolean
  /** It runs inside an explicit transaction: only the transaction as a whole may be re-run. */
  readonly inTransaction: boolean
}

/**
 * Whether the transport says the statement left the client: `false` when it is known not to have been
 * sent, `true` when it was (or may have been), `undefined` when the error does not say.
 */
export function sentState(error: RedshiftError): boolean | undefined {
  const sent = (error as { readonly sent?: unknown }).sent
  return typeof sent === 'boolean' ? sent : undefined
}

/**
 * Decides whether `raw` (any failure of one attempt) may be retried for `call`, and why. Never a
 * statement that may have run unless `call.idempotent`; never a statement inside a transaction.
 *
 * @example
 * retryReason(new ConnectionFailedError('refused'), { idempotent: false, inTransaction: false }) // 'not-sent'
 */
export function retryReason(raw: unknown, call: RetryCall): RetryReason | undefined {
  if (call.inTransaction) return undefined
  const error = isRedshiftError(raw) ? raw : classifyError(raw)
  if (error instanceof CircuitOpenError || error instanceof PoolExhaustedError) return undefined
  if (error instanceof RateLimitedError) return 'throttled'
  const sent = sentState(error)
  if (error instanceof ConnectionFailedError) return error.retryable && sent !== true ? 'not-sent' : undefined
  if (sent === false && error.retryable) return 'not-sent'
  if (error instanceof SerializationConflictError) return 'serialization-conflict'
  if (error.retryable && call.idempotent) return 'idempotent'
  return undefined
}
