import { setTimeout as delay } from 'node:timers/promises'

/** The longest wait between two attempts, whatever the attempt number. */
export const MAX_BACKOFF_MS = 30_000

/**
 * The wait before retry number `attempt` (0 for the first retry): `baseMs * 2^attempt`, capped at
 * {@link MAX_BACKOFF_MS}, with "equal jitter" (half fixed, half random) so that clients that failed
 * together do not retry together.
 *
 * @example
 * backoffDelay(0, 100, () => 0.5) // 75
 * backoffDelay(3, 100, () => 0)   // 400
 */
export function backoffDelay(attempt: number, baseMs: number, random: () => number = Math.random): number {
  const ceiling = Math.min(MAX_BACKOFF_MS, baseMs * 2 ** attempt)
  return Math.round(ceiling / 2 + random() * (ceiling / 2))
}

/** Waits `ms`, or rejects with the signal's reason when it aborts first. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return delay(ms, undefined, signal === undefined ? undefined : { signal }).then(() => undefined)
}
