import { type Problem, UnsupportedError, ValidationError } from '../errors/client-errors.js'
import type { StatementExecutor } from '../pipeline/statement-executor.js'
import { queryGroupProblem, timeoutProblem } from '../query/query.js'
import type {
  StatementSettings,
  Transport,
  TransportCall,
  TransportResult,
  TransportSession,
} from '../transport/transport.js'
import type { QueryParam } from '../types/value.js'

/** What the COPY and UNLOAD operations take from the client: its transport, pipeline and settings. */
export interface DataOperationContext {
  readonly transport: Transport
  /** The client's statement executor: every operation runs through it. */
  readonly execute: StatementExecutor
  /** The session settings (timeout, query group) the statements run under. */
  readonly settings: StatementSettings
  readonly signal?: AbortSignal
  /** The caller's options object, for the executor's middlewares. */
  readonly options?: object
}

/**
 * Options of `copyFromS3`, `copyFromDynamoDb` and `unloadToS3`.
 *
 * @example
 * await client.copyFromS3(copy, { timeoutMs: 600_000, queryGroup: 'loads', signal: controller.signal })
 */
export interface DataCallOptions {
  /** Gives up waiting for a connection when aborted, and cancels the statement. */
  readonly signal?: AbortSignal
  /** A timeout for the COPY / UNLOAD, overriding the client's default (0: no limit). */
  readonly timeoutMs?: number
  /** The WLM query group to run under (e.g. a queue for loads), overriding the client's. */
  readonly queryGroup?: string
}

/** Throws a `ValidationError` naming every bad field of `options`. */
export function assertDataCallOptions(options: DataCallOptions): void {
  const problems: Problem[] = []
  if (options.timeoutMs !== undefined) {
    const p = timeoutProblem('timeoutMs', options.timeoutMs)
    if (p !== undefined) problems.push(p)
  }
  if (options.queryGroup !== undefined) {
    const p = queryGroupProblem('queryGroup', options.queryGroup)
    if (p !== undefined) problems.push(p)
  }
  if (problems.length > 0) throw new ValidationError('invalid options', { problems })
}

/** Runs one statement on `session` (or on the transport, in autocommit) under the operation's settings. */
export function runOn(
  session: Pick<TransportSession, 'execute'>,
  context: DataOperationContext,
  sql: string,
  params: readonly QueryParam[] = [],
): Promise<TransportResult> {
  return session.execute({ sql, params, settings: context.settings })
}

/** The first value of the first row, or `undefined`. */
export function scalar(result: TransportResult): unknown {
  return result.rows[0]?.[0]
}

/** A number from a numeric value (bigint, number, numeric text); `undefined` when there is none. */
export function toNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return value
  if (typeof value === 'bigint') return Number(value)
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value)
  return undefined
}

/**
 * Runs `work` through the client's statement executor on a session of its own, for statements whose results
 * are read back per session afterwards (`pg_last_copy_count()`, `pg_last_unload_count()`, named in
 * `perSession` for the error a transport without sessions raises). `work` calls `failed` with the
 * main statement's error, so the session is discarded rather than reused; otherwise it goes back.
 */
export function runInOwnSession<T>(
  context: DataOperationContext,
  operation: 'copy' | 'unload',
  sql: string,
  perSession: string,
  work: (session: TransportSession, failed: (error: unknown) => void) => Promise<T>,
): Promise<T> {
  const { transport } = context
  return context.execute({
    operation,
    sql,
    settings: context.settings,
    signal: context.signal,
    ...(context.options === undefined ? {} : { options: context.options }),
    run: async (call) => {
      if (!transport.capabilities.sessions) {
        throw new UnsupportedError(
          `the ${transport.name} transport cannot keep a session, and ${perSession} is per session; use the wire transport`,
        )
      }
      const session = await transport.openSession(call.signal)
      let failure: unknown
      try {
        return await work(withCall(session, call), (error) => {
          failure = error
        })
      } finally {
        session.release(failure)
      }
    },
  })
}

/** `session`, with the call's signal and deadline on every statement it runs. */
function withCall(session: TransportSession, call: TransportCall): TransportSession {
  const signals = {
    ...(call.signal === undefined ? {} : { signal: call.signal }),
    ...(call.deadline === undefined ? {} : { deadline: call.deadline }),
  }
  return {
    get id() {
      return session.id
    },
    get inTransaction() {
      return session.inTransaction
    },
    get lost() {
      return session.lost
    },
    execute: (statement) => session.execute({ ...statement, ...signals }),
    executePrepared: (prepared, params, settings) =>
      session.executePrepared(prepared, params, settings, signals),
    release: (error) => session.release(error),
    ...(session.cancel === undefined ? {} : { cancel: () => (session.cancel as () => Promise<boolean>)() }),
  }
}
