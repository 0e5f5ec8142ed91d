import { SerializationConflictError } from '../errors/query-errors.js'
import { backoffDelay, sleep } from '../pipeline/backoff.js'
import type { Transaction } from './transaction.js'

/**
 * Options of `client.executeInTransaction(fn, options)`.
 *
 * @example
 * await client.executeInTransaction(async (tx) => tx.execute('DELETE FROM staging'), { maxRetries: 5, retryBackoffMs: 200 })
 */
export interface TransactionOptions {
  /**
   * How many times the whole function is run again after a serialization conflict.
   * @default the client's `maxRetries`
   */
  readonly maxRetries?: number
  /**
   * Base of the exponential backoff (with jitter) between runs, in milliseconds.
   * @default the client's `retryBackoff`
   */
  readonly retryBackoffMs?: number
  /** Stops waiting between runs (the current run still finishes or fails on its own). */
  readonly signal?: AbortSignal
}

/** What {@link runInTransaction} needs, resolved. */
export interface RunInTransactionSettings {
  readonly maxRetries: number
  readonly retryBackoffMs: number
  readonly signal?: AbortSignal
  readonly random?: () => number
  /** Called before each rerun, with the conflict and the rerun's number (1 for the first). */
  readonly onRetry?: (error: SerializationConflictError, retry: number) => void
}

/**
 * Runs `fn` in a transaction and commits. A serialization conflict (Redshift's error 1023, or
 * PostgreSQL's 40001), whether raised by a statement or by COMMIT, rolls back and runs the whole
 * function again after a backoff, up to `maxRetries` times. Any other error rolls back and is rethrown
 * exactly as it was thrown (a caller's own error class included).
 */
export async function runInTransaction<T>(
  begin: () => Promise<Transaction>,
  fn: (tx: Transaction) => Promise<T>,
  settings: RunInTransactionSettings,
): Promise<T> {
  for (let retry = 0; ; retry++) {
    const tx = await begin()
    try {
      const value = await fn(tx)
      if (tx.state === 'open') await tx.commit()
      return value
    } catch (error) {
      if (tx.state === 'open') {
        // The original error matters, not a failure to roll back (the session is discarded then).
        await tx.rollback().catch(() => undefined)
      }
      if (!(error instanceof SerializationConflictError) || retry >= settings.maxRetries) {
        if (error instanceof SerializationConflictError) error.withMetadata({ attempts: retry + 1 })
        throw error
      }
      settings.onRetry?.(error, retry + 1)
      await sleep(backoffDelay(retry, settings.retryBackoffMs, settings.random), settings.signal)
    }
  }
}
