import type { Problem } from '../errors/client-errors.js'
import { UnsupportedError, ValidationError } from '../errors/client-errors.js'
import type { StatementExecutor } from '../pipeline/statement-executor.js'
import type { StatementSettings, Transport, TransportCursor } from '../transport/transport.js'
import { type Query, timeoutProblem } from './query.js'
import { ResultStream } from './result-stream.js'

/**
 * Options of `client.streamResults()`.
 *
 * @example
 * const stream = await client.streamResults(query, { fetchSize: 5_000, idleTimeoutMs: 60_000 })
 */
export interface StreamOptions {
  /** Cancels the query and closes the stream when aborted; a pending read fails with `QueryCancelledError`. */
  readonly signal?: AbortSignal
  /**
   * A timeout for the query, overriding its own and the client's `defaultTimeout` (0: no limit):
   * each round trip of the cursor is bounded by it, and a server that stops answering fails the
   * stream with `QueryTimeoutError`.
   */
  readonly timeoutMs?: number
  /**
   * Rows per round trip, and so per batch: memory holds about two batches at most.
   * @default the client's `fetchSize` (1000)
   */
  readonly fetchSize?: number
  /**
   * A stream nobody reads for this long closes itself and frees its connection (a later read fails
   * saying so); 0 never. Redshift holds the query's WLM slot while a stream is open.
   * @default 300000 (5 minutes)
   */
  readonly idleTimeoutMs?: number
}

/**
 * A stream's default idle timeout.
 *
 * @example
 * DEFAULT_STREAM_IDLE_TIMEOUT_MS // 300000 (5 minutes)
 */
export const DEFAULT_STREAM_IDLE_TIMEOUT_MS = 300_000

/** What opening a stream needs from the client. */
export interface StreamHost {
  readonly transport: Transport
  readonly execute: StatementExecutor
  readonly defaultFetchSize: number
  /** Open cursors, closed when the client closes; a cursor leaves the set when its stream closes. */
  readonly cursors: Set<TransportCursor>
}

function optionProblems(options: StreamOptions): Problem[] {
  const problems: Problem[] = []
  const { fetchSize, idleTimeoutMs, timeoutMs } = options
  if (timeoutMs !== undefined) {
    const p = timeoutProblem('timeoutMs', timeoutMs)
    if (p !== undefined) problems.push(p)
  }
  if (fetchSize !== undefined && (!Number.isInteger(fetchSize) || fetchSize < 1 || fetchSize > 1_000_000)) {
    problems.push({
      field: 'fetchSize',
      message: `must be a whole number of rows from 1 to 1000000, got ${fetchSize}`,
    })
  }
  if (idleTimeoutMs !== undefined && (!Number.isInteger(idleTimeoutMs) || idleTimeoutMs < 0)) {
    problems.push({
      field: 'idleTimeoutMs',
      message: `must be a whole number of milliseconds >= 0, got ${idleTimeoutMs}`,
    })
  }
  return problems
}

/**
 * Opens a {@link ResultStream} over the transport's cursor, through the client's pipeline (so a
 * connection that cannot be opened is retried like any other operation's).
 */
export async function openResultStream(
  host: StreamHost,
  query: Query,
  settings: StatementSettings,
  options: StreamOptions,
): Promise<ResultStream> {
  const problems = optionProblems(options)
  if (problems.length > 0) throw new ValidationError('invalid stream options', { problems })
  const transport = host.transport
  if (transport.openCursor === undefined || !transport.capabilities.cursors) {
    throw new UnsupportedError(
      `the '${transport.name}' transport cannot stream results (it has no server-side cursors); use executeQuery with LIMIT/OFFSET pages, or the wire transport`,
    )
  }
  const signal = options.signal
  const fetchSize = options.fetchSize ?? host.defaultFetchSize
  const cursor = await host.execute({
    operation: 'stream',
    sql: query.sql,
    params: query.params,
    settings,
    label: query.label,
    signal,
    options,
    run: (call) =>
      (transport.openCursor as NonNullable<Transport['openCursor']>).call(
        transport,
        {
          sql: query.sql,
          params: query.params,
          settings,
          ...(call.signal === undefined ? {} : { signal: call.signal }),
          ...(call.deadline === undefined ? {} : { deadline: call.deadline }),
        },
        { fetchSize, ...(signal === undefined ? {} : { signal }) },
      ),
    describe: () => ({}),
    discard: (late) => void late.close().catch(() => undefined),
  })
  host.cursors.add(cursor)
  return new ResultStream(cursor, {
    idleTimeoutMs: options.idleTimeoutMs ?? DEFAULT_STREAM_IDLE_TIMEOUT_MS,
    onClosed: () => host.cursors.delete(cursor),
  })
}
