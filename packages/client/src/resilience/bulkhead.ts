import { BulkheadPolicy, BulkheadRejectedError, TaskCancelledError } from 'cockatiel'
import { PoolExhaustedError } from '../errors/connection-errors.js'

/**
 * The client's bulkhead: at most `maxConcurrent` statements run at once, `maxQueued` more wait in
 * arrival order, and any beyond fail at once with `PoolExhaustedError`.
 *
 * @example
 * RedshiftConfig.builder().bulkhead({ maxConcurrent: 20, maxQueued: 100 })
 */
export interface BulkheadOptions {
  readonly maxConcurrent: number
  /** @default 0 (no queue: a statement beyond `maxConcurrent` fails at once) */
  readonly maxQueued?: number
}

/** What a bulkhead holds now. */
export interface BulkheadState {
  readonly maxConcurrent: number
  readonly maxQueued: number
  /** Statements running now. */
  readonly active: number
  /** Statements waiting now. */
  readonly queued: number
  /** Statements refused since the client started. */
  readonly rejected: number
}

/**
 * cockatiel's `BulkheadPolicy`, with its rejection turned into the library's `PoolExhaustedError`
 * and a caller's abort into the abort reason.
 *
 * @example
 * const bulkhead = new Bulkhead({ maxConcurrent: 2, maxQueued: 10 })
 * await bulkhead.execute(() => send(), signal)
 */
export class Bulkhead {
  readonly #policy: BulkheadPolicy
  readonly #options: Required<BulkheadOptions>
  #rejected = 0

  constructor(options: BulkheadOptions, onReject: () => void = () => undefined) {
    this.#options = { maxConcurrent: options.maxConcurrent, maxQueued: options.maxQueued ?? 0 }
    this.#policy = new BulkheadPolicy(this.#options.maxConcurrent, this.#options.maxQueued)
    this.#policy.onReject(() => {
      this.#rejected++
      onReject()
    })
  }

  async execute<T>(fn: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    try {
      return await this.#policy.execute(fn, signal)
    } catch (error) {
      if (error instanceof BulkheadRejectedError) {
        const s = this.state()
        throw new PoolExhaustedError(
          `bulkhead full: ${s.active} statements running (maxConcurrent ${s.maxConcurrent}) and ` +
            `${s.queued} queued (maxQueued ${s.maxQueued}); nothing was sent. Retry later, or raise bulkhead({ ... })`,
        )
      }
      if (error instanceof TaskCancelledError && signal?.aborted === true) throw signal.reason
      throw error
    }
  }

  state(): BulkheadState {
    return {
      maxConcurrent: this.#options.maxConcurrent,
      maxQueued: this.#options.maxQueued,
      active: this.#options.maxConcurrent - this.#policy.executionSlots,
      queued: this.#options.maxQueued - this.#policy.queueSlots,
      rejected: this.#rejected,
    }
  }
}
