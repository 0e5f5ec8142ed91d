import { RateLimitedError } from '../errors/connection-errors.js'
import { backoffDelay, sleep } from '../pipeline/backoff.js'
import { RetryBudget, type RetryBudgetOptions } from './retry-budget.js'
import { type RetryCall, type RetryReason, retryReason } from './retry-decision.js'

/**
 * How failed statements are retried. Which failures qualify is fixed by {@link retryReason}: never a
 * statement that may have run unless it is idempotent.
 *
 * @example
 * const retry: RetrySettings = { maxRetries: 3, backoffMs: 100, maxBackoffMs: 5_000, budget: { ratio: 0.2 } }
 */
export interface RetrySettings {
  /** Retries after the first attempt (0: none). */
  readonly maxRetries: number
  /** Base of the exponential backoff: the n-th retry waits about `backoffMs * 2^n`, with jitter. */
  readonly backoffMs: number
  /** The longest wait between two attempts. @default 30000 */
  readonly maxBackoffMs?: number
  /** Caps retries to a share of the traffic; `false` turns the cap off. @default {} (20 %, 10/s floor) */
  readonly budget?: RetryBudgetOptions | false
}

/** One retry about to happen, for logs and metrics. */
export interface RetryEvent {
  /** The attempt that failed, counting from 1. */
  readonly attempt: number
  readonly reason: RetryReason
  readonly delayMs: number
  readonly error: unknown
}

/** Why a retryable failure was not retried. */
export type RetryRefusal = 'budget-exhausted'

/**
 * Runs one statement with retries: exponential backoff with "equal jitter", a wait at least as long
 * as a throttle asked for, and a {@link RetryBudget}. The loop is written here rather than with
 * cockatiel's `retry()` because each decision depends on the statement (sent or not, idempotent, in a
 * transaction) and on a budget shared by all statements, which cockatiel's policy does not model.
 *
 * @example
 * const policy = new RetryPolicy({ maxRetries: 3, backoffMs: 100 })
 * await policy.run({ idempotent: true, inTransaction: false }, (attempt) => send(), { signal })
 */
export class RetryPolicy {
  readonly settings: RetrySettings
  readonly #budget: RetryBudget | undefined
  readonly #random: () => number
  #retries = 0
  #refused = 0

  constructor(settings: RetrySettings, random: () => number = Math.random, now: () => number = Date.now) {
    this.settings = settings
    this.#budget = settings.budget === false ? undefined : new RetryBudget(settings.budget ?? {}, now)
    this.#random = random
  }

  /**
   * Runs `attempt` until it succeeds, fails in a way that may not be retried, or the retries or the
   * budget are spent. `maxRetries` overrides the configured count for this call (0: no retry).
   */
  async run<T>(
    call: RetryCall,
    attempt: (n: number) => Promise<T>,
    options: {
      readonly signal?: AbortSignal | undefined
      readonly maxRetries?: number | undefined
      readonly onRetry?: ((event: RetryEvent) => void) | undefined
      readonly onRefused?: ((refusal: RetryRefusal, error: unknown) => void) | undefined
    } = {},
  ): Promise<T> {
    const maxRetries = options.maxRetries ?? this.settings.maxRetries
    this.#budget?.recordRequest()
    for (let n = 1; ; n++) {
      try {
        return await attempt(n)
      } catch (error) {
        if (n > maxRetries || options.signal?.aborted === true) throw error
        const reason = retryReason(error, call)
        if (reason === undefined) throw error
        if (this.#budget !== undefined && !this.#budget.tryWithdraw()) {
          this.#refused++
          options.onRefused?.('budget-exhausted', error)
          throw error
        }
        const delayMs = this.delayFor(n - 1, error)
        this.#retries++
        options.onRetry?.({ attempt: n, reason, delayMs, error })
        await sleep(delayMs, options.signal).catch((aborted: unknown) => {
          throw options.signal?.aborted === true ? options.signal.reason : aborted
        })
      }
    }
  }

  /** The wait before retry number `retry` (0 for the first), at least what a throttle asked for. */
  delayFor(retry: number, error: unknown): number {
    const cap = this.settings.maxBackoffMs ?? 30_000
    const delay = Math.min(cap, backoffDelay(retry, this.settings.backoffMs, this.#random))
    const asked = error instanceof RateLimitedError ? (error.retryAfterMs ?? 0) : 0
    return Math.max(delay, Math.min(asked, cap))
  }

  /** Retries made and retries the budget refused, since the policy was created. */
  stats(): { readonly retries: number; readonly budgetRefusals: number; readonly budgetRemaining?: number } {
    return {
      retries: this.#retries,
      budgetRefusals: this.#refused,
      ...(this.#budget === undefined ? {} : { budgetRemaining: this.#budget.remaining() }),
    }
  }
}
