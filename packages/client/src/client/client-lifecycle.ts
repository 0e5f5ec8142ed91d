import { PoolClosedError } from '../errors/connection-errors.js'

/**
 * A client's open/closing state and its calls in flight: new work is refused once closing starts,
 * and closing waits for the work already running before it shuts anything down.
 */
export class ClientLifecycle {
  readonly #inFlight = new Set<Promise<unknown>>()
  #closing: Promise<void> | undefined

  /** Whether `close` has been called. */
  get closed(): boolean {
    return this.#closing !== undefined
  }

  /** Throws `PoolClosedError` once closing has started. */
  assertOpen(): void {
    if (this.#closing !== undefined) throw new PoolClosedError('the client is closed; create a new client')
  }

  /**
   * Runs new work unless closing, and keeps it in the set `close()` waits for. `startsWork: false`
   * is for calls that finish work already begun (commit, rollback, async results), allowed while closing.
   */
  track<T>(work: () => Promise<T>, startsWork = true): Promise<T> {
    if (startsWork && this.#closing !== undefined) {
      return Promise.reject(new PoolClosedError('the client is closed; create a new client'))
    }
    const running = (async () => work())()
    this.#inFlight.add(running)
    const forget = (): void => {
      this.#inFlight.delete(running)
    }
    running.then(forget, forget)
    return running
  }

  /** Closes once: waits for every call in flight (including ones they start), then runs `shutdown`. */
  close(shutdown: () => Promise<void>): Promise<void> {
    this.#closing ??= (async () => {
      while (this.#inFlight.size > 0) await Promise.allSettled([...this.#inFlight])
      await shutdown()
    })()
    return this.#closing
  }
}
