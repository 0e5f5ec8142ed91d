/**
 * Options of a {@link RetryBudget}: retries may be at most `ratio` of the statements run over the last
 * `windowMs`, with a floor of `minPerSecond` so that a quiet client can still retry.
 *
 * @example
 * const budget: RetryBudgetOptions = { ratio: 0.2, minPerSecond: 10, windowMs: 10_000 }
 */
export interface RetryBudgetOptions {
  /** Retries allowed per statement run. @default 0.2 */
  readonly ratio?: number
  /** Retries allowed per second whatever the traffic. @default 10 */
  readonly minPerSecond?: number
  /** The window over which statements and retries are counted. @default 10000 */
  readonly windowMs?: number
}

const BUCKETS = 10

/**
 * Caps retries to a share of the traffic, so that a failing database sees at most `1 + ratio` times
 * the normal load instead of `1 + maxRetries` times (the retry storm that makes an outage last).
 * Counts live in ten buckets that slide with time.
 *
 * @example
 * const budget = new RetryBudget({ ratio: 0.1 })
 * budget.recordRequest()
 * if (budget.tryWithdraw()) retry()
 */
export class RetryBudget {
  readonly #ratio: number
  readonly #floor: number
  readonly #bucketMs: number
  readonly #now: () => number
  readonly #requests = new Array<number>(BUCKETS).fill(0)
  readonly #retries = new Array<number>(BUCKETS).fill(0)
  #bucket = 0
  #bucketStart = 0

  constructor(options: RetryBudgetOptions = {}, now: () => number = Date.now) {
    const windowMs = options.windowMs ?? 10_000
    this.#ratio = options.ratio ?? 0.2
    this.#floor = ((options.minPerSecond ?? 10) * windowMs) / 1000
    this.#bucketMs = windowMs / BUCKETS
    this.#now = now
    this.#bucketStart = now()
  }

  /** Counts one statement run (first attempts only). */
  recordRequest(): void {
    this.#advance()
    this.#requests[this.#bucket] = (this.#requests[this.#bucket] ?? 0) + 1
  }

  /** Takes one retry from the budget; false when it is spent (the retry must not happen). */
  tryWithdraw(): boolean {
    this.#advance()
    if (this.#sum(this.#retries) + 1 > Math.max(this.#floor, this.#ratio * this.#sum(this.#requests))) {
      return false
    }
    this.#retries[this.#bucket] = (this.#retries[this.#bucket] ?? 0) + 1
    return true
  }

  /** Retries still allowed right now. */
  remaining(): number {
    this.#advance()
    return Math.max(
      0,
      Math.floor(Math.max(this.#floor, this.#ratio * this.#sum(this.#requests)) - this.#sum(this.#retries)),
    )
  }

  #sum(counts: readonly number[]): number {
    let total = 0
    for (const n of counts) total += n
    return total
  }

  #advance(): void {
    const now = this.#now()
    let steps = Math.floor((now - this.#bucketStart) / this.#bucketMs)
    if (steps <= 0) return
    this.#bucketStart += steps * this.#bucketMs
    if (steps > BUCKETS) steps = BUCKETS
    for (let i = 0; i < steps; i++) {
      this.#bucket = (this.#bucket + 1) % BUCKETS
      this.#requests[this.#bucket] = 0
      this.#retries[this.#bucket] = 0
    }
  }
}
