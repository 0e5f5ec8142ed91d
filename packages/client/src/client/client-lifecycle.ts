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

  /**
   * Closes once: waits for every call in flight (including ones they start), then runs `shutdown`.
   * When that takes longer than `boundMs`, `force` is called (it drops every connection, so the calls
   * still in flight fail and the waiting ends).
   */
  close(shutdown: () => Promise<void>, boundMs = 0, force?: () => void): Promise<void> {
    this.#closing ??= (async () => {
      const timer = boundMs > 0 && force !== undefined ? setTimeout(force, boundMs) : (undefined as undefined)
      timer?.unref?.()
      try {
        while (this.#inFlight.size > 0) await Promise.allSettled([...this.#inFlight])
        await shutdown()
      } finally {
        if (timer !== undefined) clearTimeout(timer)
      }
    })()
    return this.#closing
  }
}
