/**
 * One `abort` listener per caller's signal, however many calls share it.
 *
 * A signal is often shared: a request's or a job's, given to every query it runs. Each call in
 * flight listens to it in several places (the deadline, the pool's queue, the policies, the cancel),
 * so a dozen calls on one signal put dozens of listeners on it, and Node prints a
 * `MaxListenersExceededWarning` the user cannot act on. Listening through this hub puts one listener
 * on the signal, whatever the number of calls, and each call's listeners go when it ends.
 */

const hubs = new WeakMap<AbortSignal, Set<() => void>>()

/**
 * Calls `listener` once when `signal` aborts; returns the function that stops listening (safe to
 * call more than once). As with `addEventListener`, a signal that has already aborted never calls it:
 * callers check `signal.aborted` first.
 *
 * @example
 * if (signal.aborted) cancel()
 * else { const stop = onAbort(signal, () => cancel()); try { await work() } finally { stop() } }
 */
export function onAbort(signal: AbortSignal, listener: () => void): () => void {
  if (signal.aborted) return () => undefined
  let listeners = hubs.get(signal)
  if (listeners === undefined) {
    const created = new Set<() => void>()
    listeners = created
    hubs.set(signal, created)
    signal.addEventListener(
      'abort',
      () => {
        hubs.delete(signal)
        for (const l of [...created]) l()
        created.clear()
      },
      { once: true },
    )
  }
  // A wrapper per registration: each has its own stop function, even for the same listener.
  const entry = (): void => listener()
  const set = listeners
  set.add(entry)
  return () => {
    set.delete(entry)
  }
}

/**
 * A signal of one call's own, aborted (with the same reason) when `signal` is: for code that adds
 * listeners of its own (a policy library), so they land on this signal, not on the caller's.
 * `release()` unlinks it once the call has ended.
 *
 * @example
 * const linked = linkedSignal(signal)
 * try { return await breaker.execute(send, linked.signal) } finally { linked.release() }
 */
export function linkedSignal(signal: AbortSignal | undefined): {
  readonly signal: AbortSignal | undefined
  readonly release: () => void
} {
  if (signal === undefined) return { signal: undefined, release: () => undefined }
  if (signal.aborted) return { signal, release: () => undefined }
  const controller = new AbortController()
  const release = onAbort(signal, () => controller.abort(signal.reason))
  return { signal: controller.signal, release }
}
