import { classifyError } from '../errors/classify.js'
import { QueryCancelledError, QueryTimeoutError } from '../errors/query-errors.js'

/** How long past its timeout the client waits for the server before it cancels the query itself. */
export const DEADLINE_GRACE_MS = 1_000

/** A call's cancellation: the caller's signal and the client-side deadline, as one signal. */
export interface CallDeadline {
  /** Aborted when the caller aborts or the deadline passes; undefined when there is neither. */
  readonly signal: AbortSignal | undefined
  /**
   * The error the call ends with: a `QueryTimeoutError` once the deadline fired, a
   * `QueryCancelledError` once the caller aborted (Redshift reports both as SQLSTATE 57014, so the
   * server's error alone cannot tell them apart), else the error as classified.
   */
  settle(error: unknown): unknown
  /** Stops the timer (always call it once the call has ended). */
  dispose(): void
}

/**
 * The deadline of one call. The server enforces `timeoutMs` itself (it is the session's
 * `statement_timeout`); the client's deadline, a grace later, covers a server that does not answer:
 * the transport then cancels the query with a CancelRequest, and drops the connection if even that
 * goes unanswered.
 *
 * @example
 * const deadline = callDeadline(settings.timeoutMs, options.signal)
 * try { return await transport.execute({ ...statement, signal: deadline.signal }) }
 * catch (e) { throw deadline.settle(e) }
 * finally { deadline.dispose() }
 */
export function callDeadline(timeoutMs: number | null, signal: AbortSignal | undefined): CallDeadline {
  if (timeoutMs === null || timeoutMs <= 0) {
    return {
      signal,
      settle: (error) => (signal?.aborted === true ? asCancelled(error, signal.reason) : error),
      dispose: () => undefined,
    }
  }
  const controller = new AbortController()
  let fired = false
  const timer = setTimeout(() => {
    fired = true
    controller.abort(
      new QueryTimeoutError(`the query did not answer within its ${timeoutMs} ms timeout`, { timeoutMs }),
    )
  }, timeoutMs + DEADLINE_GRACE_MS)
  timer.unref?.()
  return {
    signal: signal === undefined ? controller.signal : AbortSignal.any([signal, controller.signal]),
    settle(error) {
      if (fired) {
        const classified = classifyError(error)
        return classified instanceof QueryTimeoutError
          ? classified
          : new QueryTimeoutError(`the query did not answer within its ${timeoutMs} ms timeout`, {
              timeoutMs,
              cause: classified,
            })
      }
      return signal?.aborted === true ? asCancelled(error, signal.reason) : error
    },
    dispose: () => clearTimeout(timer),
  }
}

function asCancelled(error: unknown, reason: unknown): unknown {
  // The caller's own reason, when it is what the call failed with, is kept as the caller chose it.
  if (reason === error) return classifyError(error)
  const classified = classifyError(error)
  // A 57014 read as a timeout (the elapsed time passed statement_timeout) was this cancel.
  if (classified instanceof QueryTimeoutError) {
    return new QueryCancelledError('the query was cancelled by its signal', { cause: classified })
  }
  return error
}
