import { RedshiftConfig } from '../config/redshift-config.js'
import { ValidationError } from '../errors/client-errors.js'
import { createPipeline, type OperationRunner } from '../pipeline/pipeline.js'
import { AsyncQueries } from '../query/async-queries.js'
import { type Query, queryGroupProblem } from '../query/query.js'
import type { Transaction } from '../transaction/transaction.js'
import type {
  StatementSettings,
  Transport,
  TransportCursor,
  TransportResult,
} from '../transport/transport.js'
import type { ClientLifecycle } from './client-lifecycle.js'
import type { ClientOptions } from './client-options.js'
import { RecentErrors } from './recent-errors.js'
import { wireTransportFromConfig } from './wire-transport-from-config.js'

/**
 * The private pieces of one `RedshiftClient`, handed to the operation modules under `client/`. Only
 * the client holds it (in a `#private` field), so none of this is reachable from outside.
 */
export interface ClientContext {
  readonly config: RedshiftConfig
  readonly transport: Transport
  /** The pipeline every operation runs through (retries, error classification, recent errors). */
  readonly run: OperationRunner
  readonly errors: RecentErrors
  /** Transactions begun and not yet ended, rolled back when the client closes. */
  readonly openTransactions: Set<Transaction>
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
  const given =
    options.transport ?? wireTransportFromConfig(config, (error) => errors.add(error, 'background'))
  const transport = options.wrapTransport === undefined ? given : options.wrapTransport(given)
  const run = createPipeline({
    transport: transport.name,
    connectRetries: config.maxRetries,
    retryBackoffMs: config.retryBackoffMs,
    onError: (error, kind) => errors.add(error, kind),
  })
  const asyncQueries = new AsyncQueries(
    {
      openSession: (signal) =>
        run({
          kind: 'begin',
          ...(signal === undefined ? {} : { signal }),
          run: () => transport.openSession(signal),
        }),
      lookup: (sql, params) => lookup({ transport, run }, sql, params),
    },
    options.asyncResultTtlMs ?? 600_000,
  )
  return {
    config,
    transport,
    run,
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
  ctx: Pick<ClientContext, 'transport' | 'run'>,
  sql: string,
  params: readonly (string | number)[],
  kind: 'query' | 'cancel' = 'query',
  signal?: AbortSignal,
): Promise<TransportResult> {
  return ctx.run({
    kind,
    sql,
    ...(signal === undefined ? {} : { signal }),
    run: () =>
      ctx.transport.execute({
        sql,
        params,
        settings: { timeoutMs: null, queryGroup: null },
        ...(signal === undefined ? {} : { signal }),
      }),
  })
}

/** The timeout and query group a statement runs with: its own, else the client's, capped by the config. */
export function settingsFor(
  ctx: Pick<ClientContext, 'config' | 'queryGroup'>,
  query: Pick<Query, 'timeoutMs' | 'queryGroup'>,
): StatementSettings {
  const { defaultTimeoutMs, maxQueryTimeoutMs } = ctx.config
  // A query's own timeout wins (0 there means "no limit"); a default of 0 leaves the server's.
  let timeoutMs: number | null = query.timeoutMs ?? (defaultTimeoutMs > 0 ? defaultTimeoutMs : null)
  if (maxQueryTimeoutMs > 0 && (timeoutMs === null || timeoutMs === 0 || timeoutMs > maxQueryTimeoutMs)) {
    timeoutMs = maxQueryTimeoutMs
  }
  return { timeoutMs, queryGroup: query.queryGroup ?? ctx.queryGroup }
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

/** What closing does once no call is in flight: async queries, cursors, open transactions, then the pool. */
export async function shutDown(ctx: ClientContext): Promise<void> {
  await ctx.asyncQueries.drain()
  await Promise.allSettled([...ctx.cursors].map((cursor) => cursor.close()))
  await Promise.allSettled([...ctx.openTransactions].map((tx) => tx.rollback()))
  await ctx.transport.close()
}
