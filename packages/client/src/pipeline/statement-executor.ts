import { classifyError } from '../errors/classify.js'
import { ValidationError } from '../errors/client-errors.js'
import { QueryCancelledError, QueryTimeoutError } from '../errors/query-errors.js'
import type { RedshiftError } from '../errors/redshift-error.js'
import { onAbort as onAbortOf } from '../transport/abort-hub.js'
import type { StatementSettings } from '../transport/transport.js'
import { leadingKeyword } from '../types/sql-scan.js'
import type { QueryParam } from '../types/value.js'
import { placeholderCount } from './placeholders.js'
import type {
  StatementContext,
  StatementMiddleware,
  StatementOperation,
  StatementOutcome,
} from './statement-context.js'

/** How long past its timeout the client waits for the server before it gives the statement up. */
export const DEADLINE_GRACE_MS = 1_000
/** How long a call aborted by its caller waits for the server to answer the cancel before it settles anyway. */
export const CANCEL_SETTLE_MS = 2_000

/**
 * What one run of the transport call gets: two signals, because they ask for different things.
 *
 * @example
 * run: (call) => transport.execute({ sql, params, settings, signal: call.signal, deadline: call.deadline })
 */
export interface StatementCall {
  /** The caller's signal: on abort the transport asks the server to cancel the statement. */
  readonly signal: AbortSignal | undefined
  /**
   * Aborted when the statement's timeout plus a grace has passed without an answer (the server
   * enforces the timeout itself, so it has stopped answering): the transport drops the connection.
   */
  readonly deadline: AbortSignal | undefined
  /** 1 for the first run, 2 for a retry, ... */
  readonly attempt: number
}

/**
 * One operation call for the executor: what it is (for middlewares, errors and telemetry), its
 * settings, and the transport call that runs it.
 *
 * @example
 * await execute({
 *   operation: 'query', sql, params, settings,
 *   run: (call) => transport.execute({ sql, params, settings, ...call }),
 *   describe: (r) => ({ rowCount: r.rows.length, queryId: r.queryId }),
 * })
 */
export interface Statement<T> {
  readonly operation: StatementOperation
  readonly sql: string
  /** Its parameters: checked against the statement's `$n` placeholders before anything is sent. */
  readonly params?: readonly QueryParam[] | undefined
  /** How many parameters go with it, when `params` is not given (a batch). @default params.length */
  readonly paramCount?: number
  /** Its timeout and query group; the timeout arms the client-side deadline. */
  readonly settings?: StatementSettings | undefined
  readonly label?: string | undefined
  readonly signal?: AbortSignal | undefined
  /** @default true for a read (SELECT, SHOW, EXPLAIN, VALUES, TABLE), else false */
  readonly idempotent?: boolean
  /** @default false */
  readonly inTransaction?: boolean
  /** The caller's per-call options object, handed to middlewares as `ctx.options`. */
  readonly options?: object
  /** The transport call; it may run more than once (retries). */
  readonly run: (call: StatementCall) => Promise<T>
  /** Facts about the result for middlewares. @default no facts */
  readonly describe?: (value: T) => StatementOutcome
  /**
   * Frees a result that arrived after the call had already settled (timed out or cancelled): a
   * session, a cursor. @default nothing
   */
  readonly discard?: (value: T) => void
}

/**
 * Runs an operation call through the middlewares and the transport, with the deadline and the
 * caller's signal, and settles it with a classified error.
 */
export type StatementExecutor = <T>(statement: Statement<T>) => Promise<T>

/** Options of {@link createStatementExecutor}. */
export interface StatementExecutorOptions {
  /** The transport's name, put on errors a transport raised without it. */
  readonly transport: string
  /** The middlewares, outermost first. @default none */
  readonly middleware?: readonly StatementMiddleware[]
  /** Called with the error every failed call ends with (for diagnostics' recent errors). */
  readonly onError?: (error: RedshiftError, operation: StatementOperation) => void
  /** @default {@link DEADLINE_GRACE_MS} */
  readonly deadlineGraceMs?: number
  /** @default {@link CANCEL_SETTLE_MS} */
  readonly cancelSettleMs?: number
}

const READS = new Set(['SELECT', 'SHOW', 'EXPLAIN', 'VALUES', 'TABLE'])
const NO_FACTS = (): StatementOutcome => ({})
const NO_OPTIONS: Readonly<Record<string, unknown>> = Object.freeze({})

/**
 * Builds the one statement executor of a client. Every operation (queries, transaction statements,
 * prepared statements, batches, EXPLAIN, COPY/UNLOAD, async queries, streams, health checks, system
 * lookups) runs through it, so each gets, in this order: the parameter count checked against the
 * placeholders (a `ValidationError` before sending), the middlewares, then per transport call the
 * client-side deadline and the caller's signal, and one classification of the failure.
 *
 * A call settles at once when its deadline passes (`QueryTimeoutError`; the transport is told
 * through `call.deadline` to drop the connection), and at most {@link CANCEL_SETTLE_MS} after its
 * caller aborts (`QueryCancelledError`; the transport cancels the statement and gets that long to
 * hear back), whether or not the server answers.
 *
 * @example
 * const execute = createStatementExecutor({ transport: 'wire', middleware: [retryConnectFailures({ maxRetries: 3, backoffMs: 100 })] })
 * const result = await execute({ operation: 'query', sql, params, settings, run: (call) => transport.execute({ sql, params, settings, ...call }) })
 */
export function createStatementExecutor(options: StatementExecutorOptions): StatementExecutor {
  const middleware = options.middleware ?? []
  const graceMs = options.deadlineGraceMs ?? DEADLINE_GRACE_MS
  const cancelSettleMs = options.cancelSettleMs ?? CANCEL_SETTLE_MS
  return async function execute<T>(statement: Statement<T>): Promise<T> {
    const paramCount = statement.paramCount ?? statement.params?.length ?? 0
    try {
      if (statement.params !== undefined) assertParamCount(statement.sql, statement.params.length)
      if (statement.signal?.aborted === true) throw cancelledBeforeSending(statement.signal)
    } catch (error) {
      const classified = classifyError(error, { sql: statement.sql })
      options.onError?.(classified, statement.operation)
      throw classified
    }
    const timeoutMs = statement.settings?.timeoutMs ?? undefined
    let attempt = 0
    const context: StatementContext = Object.freeze({
      operation: statement.operation,
      sql: statement.sql,
      paramCount,
      queryGroup: statement.settings?.queryGroup ?? undefined,
      label: statement.label,
      timeoutMs: timeoutMs === 0 ? undefined : timeoutMs,
      signal: statement.signal,
      idempotent: statement.idempotent ?? READS.has(leadingKeyword(statement.sql)),
      inTransaction: statement.inTransaction ?? false,
      options: (statement.options ?? NO_OPTIONS) as Readonly<Record<string, unknown>>,
      get attempt() {
        return attempt
      },
    })
    const transportCall = (): Promise<T> => {
      attempt++
      return runOnce(statement, attempt, options.transport, graceMs, cancelSettleMs)
    }
    const describe = statement.describe ?? NO_FACTS
    let chain = transportCall
    for (let i = middleware.length - 1; i >= 0; i--) {
      const step = middleware[i] as StatementMiddleware
      const next = chain
      chain = () => step(context, next, describe)
    }
    try {
      return await chain()
    } catch (error) {
      const classified = classifyError(error, { sql: statement.sql })
      options.onError?.(classified, statement.operation)
      throw classified
    }
  }
}

/**
 * Throws a `ValidationError` when `sql`'s highest `$n` and the number of parameters differ (the
 * server would refuse it with a protocol error after it was sent).
 *
 * @example
 * assertParamCount('SELECT $1, $2', 1) // throws: the statement has 2 placeholders ($1..$2) but 1 parameter was given
 */
export function assertParamCount(sql: string, given: number): void {
  const expected = placeholderCount(sql)
  if (expected === given) return
  const wants =
    expected === 0
      ? 'no placeholders'
      : `${expected} placeholder${expected === 1 ? '' : 's'} ($1..$${expected})`
  throw new ValidationError(
    `the statement has ${wants} but ${given} parameter${given === 1 ? ' was' : 's were'} given`,
    {
      problems: [
        {
          field: 'params',
          message: `expected ${expected} parameter${expected === 1 ? '' : 's'}, got ${given}: give one value per $n`,
        },
      ],
    },
  )
}

function cancelledBeforeSending(signal: AbortSignal): RedshiftError {
  const reason: unknown = signal.reason
  if (reason instanceof QueryCancelledError || reason instanceof QueryTimeoutError) return reason
  return new QueryCancelledError('the call was cancelled by its signal before it was sent', {
    cause: reason,
    sent: false,
  })
}

function timeoutError(timeoutMs: number, cause?: unknown): QueryTimeoutError {
  return new QueryTimeoutError(`the query did not answer within its ${timeoutMs} ms timeout`, {
    timeoutMs,
    ...(cause === undefined ? {} : { cause }),
  })
}

/** One run of the transport call, under the deadline and the caller's signal. */
function runOnce<T>(
  statement: Statement<T>,
  attempt: number,
  transport: string,
  graceMs: number,
  cancelSettleMs: number,
): Promise<T> {
  const signal = statement.signal
  const timeoutMs = statement.settings?.timeoutMs ?? null
  const hasDeadline = timeoutMs !== null && timeoutMs > 0
  if (!hasDeadline && signal === undefined) {
    return statement
      .run({ signal: undefined, deadline: undefined, attempt })
      .catch((error: unknown) => Promise.reject(classified(error, statement.sql, transport)))
  }
  const deadline = hasDeadline ? new AbortController() : undefined
  return new Promise<T>((resolve, reject) => {
    let settled = false
    let deadlineFired = false
    let timer: ReturnType<typeof setTimeout> | undefined
    let cancelTimer: ReturnType<typeof setTimeout> | undefined
    let stopListening = (): void => undefined
    const finish = (): boolean => {
      if (settled) return false
      settled = true
      if (timer !== undefined) clearTimeout(timer)
      if (cancelTimer !== undefined) clearTimeout(cancelTimer)
      stopListening()
      return true
    }
    const onAbort = (): void => {
      // The transport cancels the statement on the same signal; a server that answers the cancel
      // settles the call through `running`, one that does not is given up after a bound.
      cancelTimer = setTimeout(() => {
        if (finish()) reject(asCancelled(undefined, signal))
      }, cancelSettleMs)
      cancelTimer.unref?.()
    }
    if (hasDeadline) {
      timer = setTimeout(() => {
        deadlineFired = true
        const error = timeoutError(timeoutMs)
        deadline?.abort(error)
        if (finish()) reject(error)
      }, timeoutMs + graceMs)
      timer.unref?.()
    }
    if (signal !== undefined) {
      if (signal.aborted) onAbort()
      else stopListening = onAbortOf(signal, onAbort)
    }
    let running: Promise<T>
    try {
      running = statement.run({ signal, deadline: deadline?.signal, attempt })
    } catch (error) {
      running = Promise.reject(error)
    }
    running.then(
      (value) => {
        if (finish()) resolve(value)
        else statement.discard?.(value)
      },
      (error: unknown) => {
        if (!finish()) return
        const e = classified(error, statement.sql, transport)
        if (deadlineFired) reject(e instanceof QueryTimeoutError ? e : timeoutError(timeoutMs as number, e))
        else if (signal?.aborted === true) reject(asCancelled(e, signal))
        else reject(e)
      },
    )
  })
}

function classified(error: unknown, sql: string, transport: string): RedshiftError {
  const e = classifyError(error, { sql })
  // Stamped once, only when the transport did not say who it was.
  return e.metadata.transport === undefined ? e.withMetadata({ transport }) : e
}

function asCancelled(error: RedshiftError | undefined, signal: AbortSignal | undefined): RedshiftError {
  const reason: unknown = signal?.reason
  // A caller's own reason that is one of ours (a deadline of theirs, say) is kept as they chose it.
  if (reason instanceof QueryCancelledError || reason instanceof QueryTimeoutError) return reason
  if (error instanceof QueryCancelledError) return error
  return new QueryCancelledError('the query was cancelled by its signal', {
    cause: error ?? reason,
    ...(error === undefined ? {} : { sent: error.sent }),
  })
}
