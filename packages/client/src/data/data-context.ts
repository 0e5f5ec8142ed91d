import { type Problem, ValidationError } from '../errors/client-errors.js'
import type { OperationRunner } from '../pipeline/pipeline.js'
import { queryGroupProblem, timeoutProblem } from '../query/query.js'
import type {
  StatementSettings,
  Transport,
  TransportResult,
  TransportSession,
} from '../transport/transport.js'
import type { QueryParam } from '../types/value.js'

/** What the COPY and UNLOAD operations take from the client: its transport, pipeline and settings. */
export interface DataOperationContext {
  readonly transport: Transport
  /** The client's pipeline: every operation runs through it. */
  readonly run: OperationRunner
  /** The session settings (timeout, query group) the statements run under. */
  readonly settings: StatementSettings
  readonly signal?: AbortSignal
}

/** Options of `copyFromS3`, `copyFromDynamoDb` and `unloadToS3`. */
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

/** Runs one statement on `session` under the operation's settings. */
export function runOn(
  session: TransportSession,
  context: DataOperationContext,
  sql: string,
  params: readonly QueryParam[] = [],
): Promise<TransportResult> {
  return session.execute({
    sql,
    params,
    settings: context.settings,
    ...(context.signal === undefined ? {} : { signal: context.signal }),
  })
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
