import type { Attributes, Span } from '@opentelemetry/api'
import { isRedshiftError } from '../errors/redshift-error.js'
import type { ClientTelemetry } from './client-telemetry.js'
import { type ClientLog, errorFields } from './logger.js'
import { statementText } from './statement-text.js'

/** What observation needs of a statement (the executor's `StatementContext` has all of it). */
export interface ObservedStatement {
  readonly operation: string
  readonly sql: string
  readonly paramCount: number
  readonly queryGroup?: string | undefined
  readonly label?: string | undefined
  readonly attempt?: number
}

/** The facts a result gives (the executor's `StatementOutcome`). */
export interface ObservedOutcome {
  readonly rowCount?: number
  readonly rowsAffected?: number
  readonly queryId?: string | bigint | number | undefined
  readonly bytes?: number
}

/** Options of {@link observeStatements}. */
export interface ObserveOptions {
  readonly telemetry?: ClientTelemetry | undefined
  readonly log?: ClientLog | undefined
  /** A statement that takes longer is logged at `warn` as `slow_query`. 0 or undefined: off. */
  readonly slowQueryThresholdMs?: number | undefined
}

const TRANSFERS = new Set(['copy', 'unload'])

/**
 * The observability step around every statement: a span per operation (child of the caller's active
 * span) with the database semantic conventions and Redshift's attributes, the operation metrics, and
 * the log events (slow query, failures, COPY/UNLOAD results). Returns `undefined` when there is
 * neither telemetry nor a logger, so the executor adds no step at all.
 *
 * @example
 * const middleware = observeStatements({ telemetry, log, slowQueryThresholdMs: 5_000 })
 */
export function observeStatements(options: ObserveOptions) {
  const { telemetry, log } = options
  if (telemetry === undefined && log === undefined) return undefined
  const slowMs = options.slowQueryThresholdMs ?? 0
  return async function observeStatement<T>(
    ctx: ObservedStatement,
    next: () => Promise<T>,
    describe: (value: T) => ObservedOutcome,
  ): Promise<T> {
    const started = performance.now()
    const { operationName } = statementText(ctx.sql)
    const span = telemetry === undefined ? undefined : startSpan(telemetry, ctx, operationName)
    try {
      const value =
        span === undefined || telemetry === undefined
          ? await next()
          : await telemetry.api.context.with(
              telemetry.api.trace.setSpan(telemetry.api.context.active(), span),
              next,
            )
      const ms = performance.now() - started
      const outcome = describe(value)
      if (telemetry !== undefined && span !== undefined)
        succeed(telemetry, span, ctx, operationName, outcome, ms)
      if (log !== undefined) logSuccess(log, ctx, outcome, value, ms, slowMs)
      return value
    } catch (error) {
      const ms = performance.now() - started
      if (telemetry !== undefined && span !== undefined) fail(telemetry, span, ctx, operationName, error, ms)
      if (log !== undefined) logFailure(log, ctx, error, ms, slowMs)
      throw error
    }
  }
}

function startSpan(telemetry: ClientTelemetry, ctx: ObservedStatement, operationName: string): Span {
  const api = telemetry.api
  const common = telemetry.spanAttributes(ctx.operation, operationName)
  let attributes = common
  const queue = telemetry.wlmQueue?.queueFor(ctx.queryGroup)
  if (ctx.queryGroup !== undefined || ctx.label !== undefined || ctx.operation === 'batch' || queue) {
    const own: Attributes = { ...common }
    if (ctx.queryGroup !== undefined) own['redshift.query_group'] = ctx.queryGroup
    if (ctx.label !== undefined) own['redshift.label'] = ctx.label
    if (ctx.operation === 'batch') own['db.operation.batch.size'] = ctx.paramCount
    if (queue !== undefined) {
      own['redshift.wlm.queue'] = queue.name
      own['redshift.wlm.service_class'] = queue.serviceClass
    }
    attributes = own
  }
  const name = `${operationName === '' ? ctx.operation : operationName} ${telemetry.target.database}`
  const span = telemetry.tracer.startSpan(
    name,
    { kind: api.SpanKind.CLIENT, attributes },
    api.context.active(),
  )
  // Redacting the text costs a lexer pass (cached): only for spans that are recorded.
  if (telemetry.captureQueryText && span.isRecording()) {
    span.setAttribute('db.query.text', statementText(ctx.sql).text)
  }
  return span
}

function succeed(
  telemetry: ClientTelemetry,
  span: Span,
  ctx: ObservedStatement,
  operationName: string,
  outcome: ObservedOutcome,
  ms: number,
): void {
  if (outcome.queryId !== undefined) span.setAttribute('redshift.query_id', String(outcome.queryId))
  if (outcome.rowCount !== undefined) span.setAttribute('db.response.returned_rows', outcome.rowCount)
  if (outcome.rowsAffected !== undefined) span.setAttribute('redshift.rows_affected', outcome.rowsAffected)
  if (outcome.bytes !== undefined) span.setAttribute('redshift.bytes', outcome.bytes)
  if ((ctx.attempt ?? 1) > 1) span.setAttribute('redshift.attempts', ctx.attempt ?? 1)
  span.end()
  const attributes = telemetry.operationAttributes(ctx.operation, operationName)
  telemetry.duration.record(ms / 1000, attributes)
  if (outcome.rowCount !== undefined) telemetry.returnedRows.record(outcome.rowCount, attributes)
  if (TRANSFERS.has(ctx.operation)) {
    const rows = outcome.rowsAffected ?? outcome.rowCount
    if (rows !== undefined) telemetry.counters.transferRows.add(rows, attributes)
    if (outcome.bytes !== undefined) telemetry.counters.transferBytes.add(outcome.bytes, attributes)
  }
}

function fail(
  telemetry: ClientTelemetry,
  span: Span,
  ctx: ObservedStatement,
  operationName: string,
  error: unknown,
  ms: number,
): void {
  telemetry.markError(span, error)
  const sqlState = isRedshiftError(error) ? error.sqlState : undefined
  if (sqlState !== undefined) span.setAttribute('db.response.status_code', sqlState)
  span.end()
  const type = isRedshiftError(error) ? error.code : 'UNKNOWN'
  const attributes: Attributes = {
    ...telemetry.operationAttributes(ctx.operation, operationName),
    'error.type': type,
    ...(sqlState === undefined ? {} : { 'db.response.status_code': sqlState }),
  }
  telemetry.duration.record(ms / 1000, attributes)
  telemetry.counters.errors.add(1, attributes)
  const short = { ...telemetry.baseAttributes, 'redshift.operation': ctx.operation }
  if (type === 'QUERY_TIMEOUT') telemetry.counters.timeouts.add(1, short)
  if (type === 'QUERY_CANCELLED') telemetry.counters.cancellations.add(1, short)
  if (TRANSFERS.has(ctx.operation)) {
    telemetry.counters.transferFailures.add(1, {
      ...telemetry.baseAttributes,
      'db.operation.name': operationName,
      'error.type': type,
    })
  }
}

function statementFields(ctx: ObservedStatement, ms: number): Record<string, unknown> {
  return {
    operation: ctx.operation,
    sql: statementText(ctx.sql).text,
    durationMs: Math.round(ms),
    ...(ctx.label === undefined ? {} : { label: ctx.label }),
    ...(ctx.queryGroup === undefined ? {} : { queryGroup: ctx.queryGroup }),
  }
}

function logSuccess(
  log: ClientLog,
  ctx: ObservedStatement,
  outcome: ObservedOutcome,
  value: unknown,
  ms: number,
  slowMs: number,
): void {
  const queryId = outcome.queryId === undefined ? {} : { queryId: String(outcome.queryId) }
  if (slowMs > 0 && ms >= slowMs) {
    log.write(
      'warn',
      'slow_query',
      { ...statementFields(ctx, ms), thresholdMs: slowMs, ...queryId },
      `slow ${ctx.operation}: ${Math.round(ms)} ms (threshold ${slowMs} ms)`,
    )
  }
  if (ctx.operation === 'copy') {
    const rows = outcome.rowsAffected ?? outcome.rowCount ?? 0
    const loadErrors = (value as { readonly errors?: unknown } | null)?.errors
    const table = tableOf(value)
    log.write(
      'info',
      'copy_finished',
      { ...statementFields(ctx, ms), rows, ...queryId, ...table },
      `COPY loaded ${rows} rows in ${Math.round(ms)} ms`,
    )
    if (typeof loadErrors === 'number' && loadErrors > 0) {
      log.write(
        'warn',
        'copy_load_errors',
        { ...queryId, ...table, loadErrors, rows },
        `COPY skipped ${loadErrors} bad rows (within MAXERROR); read them with client.getLoadErrors(table, result.startTime)`,
      )
    }
  } else if (ctx.operation === 'unload') {
    const rows = outcome.rowsAffected ?? outcome.rowCount ?? 0
    const files = (value as { readonly filesCreated?: unknown } | null)?.filesCreated
    log.write(
      'info',
      'unload_finished',
      {
        ...statementFields(ctx, ms),
        rows,
        ...queryId,
        ...(typeof files === 'number' ? { files } : {}),
        ...(outcome.bytes === undefined ? {} : { bytes: outcome.bytes }),
      },
      `UNLOAD wrote ${rows} rows in ${Math.round(ms)} ms`,
    )
  }
}

function tableOf(value: unknown): Record<string, unknown> {
  const table = (value as { readonly table?: unknown } | null)?.table
  return table === undefined || table === null ? {} : { table: String(table) }
}

function logFailure(
  log: ClientLog,
  ctx: ObservedStatement,
  error: unknown,
  ms: number,
  slowMs: number,
): void {
  const fields = { ...statementFields(ctx, ms), error: errorFields(error) }
  if (TRANSFERS.has(ctx.operation)) {
    log.write('error', 'transfer_failed', fields, `${ctx.operation.toUpperCase()} failed`)
  } else {
    log.write('debug', 'statement_failed', fields, `${ctx.operation} failed`)
  }
  if (slowMs > 0 && ms >= slowMs) {
    log.write(
      'warn',
      'slow_query',
      { ...fields, thresholdMs: slowMs },
      `slow ${ctx.operation}: ${Math.round(ms)} ms (failed)`,
    )
  }
}
