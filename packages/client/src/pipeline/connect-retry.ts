import { isRedshiftError } from '../errors/redshift-error.js'
import { backoffDelay, sleep } from './backoff.js'
import type { StatementMiddleware } from './statement-context.js'

/** Options of {@link retryUnsent}. */
export interface RetryUnsentOptions {
  /** Retries after the first attempt (so up to `1 + maxRetries` runs). */
  readonly maxRetries: number
  /** Base of the exponential backoff (with jitter) between runs, in milliseconds. */
  readonly backoffMs: number
  /** @default Math.random */
  readonly random?: () => number
}

/**
 * The client's default retry: a call whose statement never reached the server (`error.sent ===
 * false`, retryable, and a connection failure: no connection could be opened, or a pooled one was
 * found dead before anything was written) runs again after a backoff, up to `maxRetries` times. Running it
 * again cannot run it twice, so this holds for writes and inside nothing but autocommit alike. A call
 * made with `{ retry: false }` is never retried; an aborted caller stops the waiting.
 *
 * The resilience layer's retry policy replaces it when configured (it retries sent reads too).
 *
 * @example
 * const client = createClient(config, { middleware: [retryUnsent({ maxRetries: 3, backoffMs: 100 })] })
 */
export function retryUnsent(options: RetryUnsentOptions): StatementMiddleware {
  return async function retryUnsentMiddleware<T>(
    ctx: Parameters<StatementMiddleware>[0],
    next: () => Promise<T>,
  ): Promise<T> {
    for (let retry = 0; ; retry++) {
      try {
        return await next()
      } catch (error) {
        const again =
          isRedshiftError(error) &&
          (error.code === 'CONNECTION_FAILED' || error.code === 'CONNECTION_LOST') &&
          error.retryable &&
          !error.sent &&
          retry < options.maxRetries &&
          ctx.options.retry !== false &&
          ctx.signal?.aborted !== true
        if (!again) throw error
        await sleep(backoffDelay(retry, options.backoffMs, options.random), ctx.signal)
      }
    }
  }
}
