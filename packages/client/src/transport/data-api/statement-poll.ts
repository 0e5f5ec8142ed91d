import type { DescribeStatementCommandOutput } from '@aws-sdk/client-redshift-data'
import { QueryCancelledError, QueryTimeoutError } from '../../errors/query-errors.js'
import type { RedshiftError } from '../../errors/redshift-error.js'
import type { DataApiSdk } from './sdk-client.js'
import { serviceFailure, statementFailure } from './service-errors.js'

/**
 * The poll is a long poll: DescribeStatement with `WaitTimeSeconds` answers as soon as the statement
 * ends (or when the wait is over), so a short statement costs one DescribeStatement, answered the
 * moment it finishes, and a long one a call every {@link WAIT_SECONDS} seconds. Only when less than
 * a second of the statement's timeout is left does the poll fall back to short pauses: the first
 * after a few milliseconds, growing by half up to a cap.
 */
export const WAIT_SECONDS = 20
export const POLL_FIRST_MS = 4
export const POLL_GROWTH = 1.5
export const POLL_CAP_MS = 500

/**
 * The `WaitTimeSeconds` of a call made now, for a statement with this timeout: {@link WAIT_SECONDS}
 * at most, and never past the timeout (0: do not wait on the service).
 */
export function waitSecondsWithin(timeoutMs: number | null | undefined, startedAt = Date.now()): number {
  const endsAt =
    timeoutMs === null || timeoutMs === undefined || timeoutMs === 0
      ? Number.POSITIVE_INFINITY
      : startedAt + timeoutMs
  return Math.max(0, Math.min(WAIT_SECONDS, Math.floor((endsAt - Date.now()) / 1000)))
}

/** Why a statement was given up: the caller's signal, or its timeout. */
export interface StatementStops {
  readonly signal?: AbortSignal | undefined
  readonly deadline?: AbortSignal | undefined
  /** The statement's own timeout (`statement_timeout` there is none over the Data API). */
  readonly timeoutMs?: number | null | undefined
}

/** Waits `ms`, or less when a stop fires (then resolves too: the caller checks why). */
function pause(ms: number, stops: readonly AbortSignal[]): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer)
      for (const s of stops) s.removeEventListener('abort', done)
      resolve()
    }
    const timer = setTimeout(done, ms)
    for (const s of stops) s.addEventListener('abort', done, { once: true })
  })
}

/**
 * Polls a submitted statement until it ends and returns its final description; a FAILED statement
 * throws its classified error, an ABORTED one `QueryCancelledError`. When the caller's signal
 * aborts, the deadline passes or the timeout runs out, the statement is cancelled on the service
 * (CancelStatement) and the matching error is thrown.
 */
export async function awaitStatement(
  api: DataApiSdk,
  id: string,
  sql: string,
  stops: StatementStops,
): Promise<DescribeStatementCommandOutput> {
  const timeout =
    stops.timeoutMs === null || stops.timeoutMs === undefined || stops.timeoutMs === 0
      ? undefined
      : AbortSignal.timeout(stops.timeoutMs)
  const signals = [stops.signal, stops.deadline, timeout].filter((s): s is AbortSignal => s !== undefined)
  const stopped = signals.length === 0 ? undefined : AbortSignal.any(signals)
  const isStopped = (): boolean => stopped?.aborted === true
  const startedAt = Date.now()
  let wait = POLL_FIRST_MS
  for (;;) {
    if (isStopped()) {
      await cancelQuietly(api, id)
      throw stopError(id, stops, timeout)
    }
    const waitSeconds = waitSecondsWithin(stops.timeoutMs, startedAt)
    let described: DescribeStatementCommandOutput
    try {
      described = await api.client.send(
        new api.sdk.DescribeStatementCommand({
          Id: id,
          ...(waitSeconds > 0 ? { WaitTimeSeconds: waitSeconds } : {}),
        }),
        stopped === undefined ? {} : { abortSignal: stopped },
      )
    } catch (error) {
      if (isStopped()) continue // cancelled at the top of the next turn
      throw serviceFailure(error, 'DescribeStatement', id)
    }
    switch (described.Status) {
      case 'FINISHED':
        return described
      case 'FAILED':
        throw statementFailure(described.Error ?? 'the statement failed', id, sql)
      case 'ABORTED':
        throw new QueryCancelledError(`Data API statement ${id} was cancelled`, {
          metadata: { transport: 'data-api', statementId: id },
        })
    }
    if (waitSeconds > 0) continue // the service waited already
    await pause(wait, signals)
    wait = Math.min(POLL_CAP_MS, Math.ceil(wait * POLL_GROWTH))
  }
}

async function cancelQuietly(api: DataApiSdk, id: string): Promise<void> {
  try {
    await api.client.send(new api.sdk.CancelStatementCommand({ Id: id }))
  } catch {
    // It may have ended meanwhile: the statement's error below says what the caller asked for.
  }
}

function stopError(id: string, stops: StatementStops, timeout: AbortSignal | undefined): RedshiftError {
  const metadata = { transport: 'data-api', statementId: id }
  if (timeout?.aborted === true || (stops.deadline?.aborted === true && stops.signal?.aborted !== true)) {
    return new QueryTimeoutError(
      `Data API statement ${id} did not finish within its timeout and was cancelled (CancelStatement)`,
      { metadata, ...(stops.timeoutMs ? { timeoutMs: stops.timeoutMs } : {}), sent: true },
    )
  }
  return new QueryCancelledError(`Data API statement ${id} was cancelled (CancelStatement)`, {
    metadata,
    sent: true,
  })
}
