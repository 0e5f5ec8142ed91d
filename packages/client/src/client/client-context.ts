import { RedshiftConfig } from '../config/redshift-config.js'
import { ValidationError } from '../errors/client-errors.js'
import { ConnectionLostError } from '../errors/connection-errors.js'
import type { StatementOutcome } from '../pipeline/statement-context.js'
import {
  createStatementExecutor,
  type StatementCall,
  type StatementExecutor,
} from '../pipeline/statement-executor.js'
import { AsyncQueries } from '../query/async-queries.js'
import { type Query, queryGroupProblem, timeoutProblem } from '../query/query.js'
import type { TransactionCore } from '../transaction/transaction.js'
import { DataApiTransport } from '../transport/data-api/data-api-transport.js'
import type {
  StatementSettings,
  Transport,
  TransportCursor,
  TransportResult,
} from '../transport/transport.js'
import type { ClientLifecycle } from './client-lifecycle.js'
import { type ClientObservability, createClientObservability } from './client-observability.js'
import type { CallOptions, ClientOptions } from './client-options.js'
import { RecentErrors } from './recent-errors.js'
import { wireTransportFromConfig } from './wire-transport-from-config.js'

/**
 * The private pieces of one `RedshiftClient`, handed to the operation modules under `client/`. Only
 * the client holds it (in a `#private` field), so none of this is reachable from outside.
 */
export interface ClientContext {
  readonly config: RedshiftConfig
  readonly transport: Transport
  /**
   * The statement executor every operation runs through: parameter check, middlewares (retries,
   * and whatever the client was built with), deadline and signal, one classification of errors.
   */
  readonly execute: StatementExecutor
  readonly errors: RecentErrors
  /** The policies, telemetry and logger (see `createClientObservability`). */
  readonly observability: ClientObservability
  /** Transactions begun and not yet ended, rolled back when the client closes. */
  readonly openTransactions: Set<TransactionCore>
  /** Open stream cursors, closed when the client closes. */
  readonly cursors: Set<TransportCursor>
  readonly asyncQueries: AsyncQueries
  /** The WLM query group of queries that name none; `setQueryGroup` changes it. */
  queryGroup: string | null
  /** Whether `close()` has been called. */
  readonly isClosed: () => boolean
}

/**
 * Builds a client's context: the configured (or given, then wrapped) transport, the pipeline over
 * it and the async-query registry. Throws `ValidationError` when `config` is not a `RedshiftConfig`.
 */
export function createClientContext(
  config: RedshiftConfig,
  options: ClientOptions,
  isClosed: () => boolean,
): ClientContext {
  if (!(config instanceof RedshiftConfig)) {
    throw new ValidationError('createClient needs a RedshiftConfig', {
      problems: [
        {
          field: 'config',
          message: 'build one with RedshiftConfig.builder()...build() or RedshiftConfig.fromEnv()',
        },
      ],
    })
  }
  const errors = new RecentErrors()
  const queryGroup = config.defaultQueryGroup ?? null
  const observability = createClientObservability(config, options.transport?.name ?? config.transport)
  const given =
    options.transport ??
    (config.transport === 'data-api'
      ? new DataApiTransport(config, { streamFormat: config.dataApiStreamFormat ?? 'json' })
      : wireTransportFromConfig(config, (error) => errors.add(error, 'background'), observability.observer))
  const transport = options.wrapTransport === undefined ? given : options.wrapTransport(given)
  observability.attach(() => transport.stats())
  const execute = createStatementExecutor({
    transport: transport.name,
    middleware: [...(options.middleware ?? []), ...observability.middleware],
    onError: (error, operation) => errors.add(error, operation),
  })
  const asyncQueries = new AsyncQueries(
    {
      execute,
      openSession: (signal) => transport.openSession(signal),
      lookup: (sql, params) => lookup({ transport, execute }, sql, params),
    },
    options.asyncResultTtlMs ?? 600_000,
  )
  return {
    config,
    transport,
    observability,
    execute,
    errors,
    openTransactions: new Set(),
    cursors: new Set(),
    asyncQueries,
    queryGroup,
    isClosed,
  }
}

/** A small statement of the client's own (system views, CANCEL) on any pooled connection. */
export function lookup(
  ctx: Pick<ClientContext, 'transport' | 'execute'>,
  sql: string,
  params: readonly (string | number)[],
  signal?: AbortSignal,
): Promise<TransportResult> {
  const settings = NO_SETTINGS
  return ctx.execute({
    operation: 'metadata',
    sql,
    params,
    settings,
    signal,
    run: (call) => ctx.transport.execute({ sql, params, settings, ...transportCall(call) }),
    describe: describeResult,
  })
}

/** The session settings of the client's own statements: the server's defaults. */
export const NO_SETTINGS: StatementSettings = Object.freeze({ timeoutMs: null, queryGroup: null })

/** A transport result's facts, for middlewares. */
export function describeResult(result: TransportResult): StatementOutcome {
  return { rowCount: result.rows.length, rowsAffected: result.rowsAffected, queryId: result.queryId }
}

/** The executor's signals as a transport statement's optional fields. */
export function transportCall(call: StatementCall): { signal?: AbortSignal; deadline?: AbortSignal } {
  return {
    ...(call.signal === undefined ? {} : { signal: call.signal }),
    ...(call.deadline === undefined ? {} : { deadline: call.deadline }),
  }
}

/**
 * The timeout and query group a statement runs with: the call's timeout, else the query's, else the
 * client's default, capped by the config's `maxQueryTimeout`; the query's group, else the client's.
 */
export function settingsFor(
  ctx: Pick<ClientContext, 'config' | 'queryGroup'>,
  query: Pick<Query, 'timeoutMs' | 'queryGroup'>,
  call: Pick<CallOptions, 'timeoutMs'> = {},
): StatementSettings {
  const { defaultTimeoutMs, maxQueryTimeoutMs } = ctx.config
  // A call's or query's own timeout wins (0 there means "no limit"); a default of 0 leaves the server's.
  let timeoutMs: number | null =
    call.timeoutMs ?? query.timeoutMs ?? (defaultTimeoutMs > 0 ? defaultTimeoutMs : null)
  if (maxQueryTimeoutMs > 0 && (timeoutMs === null || timeoutMs === 0 || timeoutMs > maxQueryTimeoutMs)) {
    timeoutMs = maxQueryTimeoutMs
  }
  return { timeoutMs, queryGroup: query.queryGroup ?? ctx.queryGroup }
}

/** Throws a `ValidationError` naming every bad field of a call's options. */
export function assertCallOptions(options: CallOptions): void {
  if (options.timeoutMs === undefined) return
  const problem = timeoutProblem('timeoutMs', options.timeoutMs)
  if (problem !== undefined) throw new ValidationError('invalid call options', { problems: [problem] })
}

/** `RedshiftClient.setQueryGroup`'s change, once validated; `null` goes back to the configured default. */
export function setQueryGroup(ctx: ClientContext, group: string | null, life: ClientLifecycle): void {
  if (group !== null) {
    const problem = queryGroupProblem('group', group)
    if (problem !== undefined) throw new ValidationError('invalid query group', { problems: [problem] })
  }
  life.assertOpen()
  ctx.queryGroup = group ?? ctx.config.defaultQueryGroup ?? null
}

/** A bounded close's last resort: every connection dropped, so the calls still in flight fail now. */
export function forceClose(ctx: ClientContext): void {
  ctx.transport.destroy?.(
    new ConnectionLostError('the client closed: its closeTimeout passed while this call was still running'),
  )
}

/** What closing does once no call is in flight: async queries, cursors, open transactions, then the pool. */
export async function shutDown(ctx: ClientContext): Promise<void> {
  await ctx.asyncQueries.drain()
  await Promise.allSettled([...ctx.cursors].map((cursor) => cursor.close()))
  await Promise.allSettled([...ctx.openTransactions].map((core) => core.rollback()))
  ctx.openTransactions.clear()
  await ctx.transport.close()
  ctx.observability.shutdown()
}
