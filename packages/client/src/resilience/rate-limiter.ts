import { RateLimitedError } from '../errors/connection-errors.js'
import { sleep } from '../pipeline/backoff.js'

/**
 * The client's statement rate limit (a token bucket).
 *
 * @example
 * RedshiftConfig.builder().rateLimit({ statementsPerSecond: 50, burst: 10, maxWaitMs: 2_000 })
 */
export interface RateLimitOptions {
  /** Statements started per second, on average. */
  readonly statementsPerSecond: number
  /** Statements that may start at once after a quiet spell. @default statementsPerSecond (at least 1) */
  readonly burst?: number
  /**
   * How long a statement may wait for its turn; beyond that it fails at once with
   * `RateLimitedError` (whose `retryAfterMs` says when a turn frees up). @default 1000
   */
  readonly maxWaitMs?: number
}

/** What a {@link TokenBucket} holds now. */
export interface RateLimiterState {
  readonly statementsPerSecond: number
  readonly burst: number
  /** Tokens available now (may be fractional). */
  readonly available: number
  /** Statements waiting for a token. */
  readonly waiting: number
  /** Statements refused since the client started. */
  readonly rejected: number
}

/**
 * A token bucket that refills continuously. A caller that finds it empty reserves the next token
 * (the count goes below zero) and waits for it, so waiters are served in arrival order without a
 * queue of their own; a wait longer than `maxWaitMs` is refused instead.
 *
 * @example
 * const bucket = new TokenBucket({ statementsPerSecond: 10 })
 * await bucket.take(signal)   // resolves at once while tokens remain
 */
export class TokenBucket {
  readonly #rate: number
  readonly #burst: number
  readonly #maxWaitMs: number
  readonly #now: () => number
  #tokens: number
  #at: number
  #waiting = 0
  #rejected = 0

  constructor(options: RateLimitOptions, now: () => number = Date.now) {
    this.#rate = options.statementsPerSecond
    this.#burst = options.burst ?? Math.max(1, options.statementsPerSecond)
    this.#maxWaitMs = options.maxWaitMs ?? 1_000
    this.#now = now
    this.#tokens = this.#burst
    this.#at = now()
  }

  /**
   * Takes a token: returns `undefined` at once when one is there, a promise that resolves when the
   * reserved one arrives, or throws `RateLimitedError` when that would take longer than `maxWaitMs`.
   */
  take(signal?: AbortSignal): Promise<void> | undefined {
    this.#refill()
    if (this.#tokens >= 1) {
      this.#tokens -= 1
      return undefined
    }
    const waitMs = Math.ceil(((1 - this.#tokens) / this.#rate) * 1000)
    if (waitMs > this.#maxWaitMs) {
      this.#rejected++
      throw new RateLimitedError(
        `rate limit of ${this.#rate} statements/s reached; the next turn is in ${waitMs} ms ` +
          `(more than maxWaitMs ${this.#maxWaitMs}): slow down, or raise rateLimit({ statementsPerSecond })`,
        { retryAfterMs: waitMs },
      )
    }
    this.#tokens -= 1
    this.#waiting++
    return sleep(waitMs, signal).then(
      () => {
        this.#waiting--
      },
      (error: unknown) => {
        this.#waiting--
        this.#tokens += 1
        throw error
      },
    )
  }

  state(): RateLimiterState {
    this.#refill()
    return {
      statementsPerSecond: this.#rate,
      burst: this.#burst,
      available: Math.max(0, this.#tokens),
      waiting: this.#waiting,
      rejected: this.#rejected,
    }
  }

  #refill(): void {
    const now = this.#now()
    if (now > this.#at) {
      this.#tokens = Math.min(this.#burst, this.#tokens + ((now - this.#at) / 1000) * this.#rate)
      this.#at = now
    }
  }
}
