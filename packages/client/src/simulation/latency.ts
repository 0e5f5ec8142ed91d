import { ValidationError } from '../errors/client-errors.js'
import { QueryCancelledError, QueryTimeoutError } from '../errors/query-errors.js'

/** A simulated server time per statement: fixed, or drawn uniformly from a range. */
export type Latency = { readonly minMs: number; readonly maxMs: number }

/** No latency at all. */
export const NO_LATENCY: Latency = Object.freeze({ minMs: 0, maxMs: 0 })

/** A checked latency range; throws a `ValidationError` naming the bad bound. */
export function latencyRange(minMs: number, maxMs: number): Latency {
  const problems = []
  for (const [field, value] of [
    ['minMs', minMs],
    ['maxMs', maxMs],
  ] as const) {
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
      problems.push({ field, message: `must be a number of milliseconds >= 0, got ${String(value)}` })
    }
  }
  if (problems.length === 0 && maxMs < minMs) {
    problems.push({ field: 'maxMs', message: `must be at least minMs (${minMs}), got ${maxMs}` })
  }
  if (problems.length > 0) throw new ValidationError('invalid latency', { problems })
  return Object.freeze({ minMs, maxMs })
}

/** The latency of one statement. */
export function drawLatency(latency: Latency, random: () => number): number {
  if (latency.maxMs === latency.minMs) return latency.minMs
  return latency.minMs + random() * (latency.maxMs - latency.minMs)
}

/** What may end a statement's simulated wait early. */
export interface WaitLimits {
  /** The caller's signal (or the client's deadline): the statement is cancelled. */
  readonly signal?: AbortSignal | undefined
  /** The statement's `statement_timeout`: past it the server cancels the statement. */
  readonly timeoutMs?: number | null | undefined
  /** A cancel of the session (CancelRequest, `cancelQuery`). */
  readonly cancel?: AbortSignal | undefined
}

/**
 * Waits `ms` as the server would spend running a statement, honouring what a real server honours: a
 * `statement_timeout` shorter than the wait ends it with `QueryTimeoutError` once the timeout passes,
 * and an aborted signal or a session cancel ends it with `QueryCancelledError` at once.
 */
export function simulateServerTime(ms: number, limits: WaitLimits): Promise<void> {
  const timeoutMs = limits.timeoutMs ?? null
  const timesOut = timeoutMs !== null && timeoutMs > 0 && ms >= timeoutMs
  const cancelled = (): QueryCancelledError | undefined => {
    if (limits.cancel?.aborted)
      return new QueryCancelledError('canceling statement due to user request', { sqlState: '57014' })
    if (limits.signal?.aborted) {
      return new QueryCancelledError('the query was cancelled by its signal', {
        sqlState: '57014',
        cause: limits.signal.reason,
      })
    }
    return undefined
  }
  const early = cancelled()
  if (early !== undefined) return Promise.reject(early)
  if (ms <= 0 && !timesOut) return Promise.resolve()
  return new Promise<void>((resolve, reject) => {
    const onAbort = (): void => {
      cleanup()
      reject(cancelled())
    }
    const timer = setTimeout(
      () => {
        cleanup()
        if (timesOut) {
          reject(
            new QueryTimeoutError('canceling statement due to statement timeout', {
              sqlState: '57014',
              timeoutMs: timeoutMs as number,
            }),
          )
        } else resolve()
      },
      timesOut ? (timeoutMs as number) : ms,
    )
    const cleanup = (): void => {
      clearTimeout(timer)
      limits.signal?.removeEventListener('abort', onAbort)
      limits.cancel?.removeEventListener('abort', onAbort)
    }
    limits.signal?.addEventListener('abort', onAbort, { once: true })
    limits.cancel?.addEventListener('abort', onAbort, { once: true })
  })
}
