import type { RedshiftConfig } from '../config/redshift-config.js'
import type { CredentialsStatus } from '../credentials/credentials-provider.js'
import { ClientTelemetry } from '../observability/client-telemetry.js'
import { ClientLog, errorFields } from '../observability/logger.js'
import { observePolicies } from '../observability/observe-policies.js'
import { observeStatements } from '../observability/observe-statement.js'
import { loadOtelApi } from '../observability/otel-api.js'
import { type ProgressListener, progressListenerOf, reportProgress } from '../observability/progress.js'
import { statementText } from '../observability/statement-text.js'
import { WlmQueueLookup } from '../observability/wlm-queue-lookup.js'
import type { StatementMiddleware } from '../pipeline/statement-context.js'
import type { StreamWatcher } from '../query/result-stream-core.js'
import { Resilience } from '../resilience/resilience.js'
import type { PoolStats } from '../transport/pool-stats.js'
import type { TransportObserver, TransportStep } from '../transport/transport-observer.js'
import type { SqlRunner } from '../workload/sql-runner.js'

/** A connection that took longer than this to acquire is logged as `slow_acquire`. */
export const SLOW_ACQUIRE_MS = 1_000

/** The client's policies, telemetry and log, built from its configuration. */
export interface ClientObservability {
  readonly policies: Resilience
  readonly telemetry: ClientTelemetry | undefined
  readonly log: ClientLog | undefined
  /** The middlewares they add, outermost first: observation (span, metrics, log), then the policies. */
  readonly middleware: readonly StatementMiddleware[]
  /** Told by the wire transport about connections and login steps. */
  readonly observer: TransportObserver | undefined
  /** Follows a stream to its close: a `redshift stream` lifetime span and progress reports. */
  readonly watchStream: (sql: string, onProgress: ProgressListener | undefined) => StreamWatcher | undefined
  /** Connects the pool's counts once the transport exists. */
  attach(stats: () => PoolStats): void
  /** Gives the WLM queue lookup (telemetry's `wlmQueue`) the client's SQL path; nothing when it is off. */
  attachSql(run: SqlRunner): void
  shutdown(): void
}

/**
 * Builds a client's policies (retry, circuit breaker, rate limit, bulkhead), its OpenTelemetry
 * instruments (when `@opentelemetry/api` is installed and telemetry is not off) and its logger.
 */
export function createClientObservability(
  config: RedshiftConfig,
  transportName: string,
): ClientObservability {
  const host = config.endpoint.host ?? config.workgroup ?? config.clusterIdentifier ?? 'unknown'
  const port = config.endpoint.port
  const database = config.endpoint.database
  const options = config.hooks.telemetry
  const api = options.enabled === false ? undefined : loadOtelApi()
  let stats: () => PoolStats = () => ({}) as PoolStats
  let credentials: (() => CredentialsStatus) | undefined
  let policies: Resilience | undefined
  const telemetry =
    api === undefined
      ? undefined
      : new ClientTelemetry(
          api,
          options,
          { host, port, database, poolName: `${host}:${port}/${database}` },
          () => ({
            pool: stats(),
            resilience: policies?.state(),
            credentials: credentials?.(),
          }),
        )
  const logger = config.hooks.logger
  const log = logger === undefined ? undefined : new ClientLog(logger)
  policies = new Resilience(
    {
      endpoint: `${host}:${port}`,
      retry: {
        maxRetries: config.maxRetries,
        backoffMs: config.retryBackoffMs,
        maxBackoffMs: config.maxRetryBackoffMs,
        budget: config.retryBudget,
      },
      circuitBreaker: config.circuitBreaker,
      rateLimit: config.rateLimit,
      bulkhead: config.bulkhead,
    },
    telemetry === undefined && log === undefined ? {} : observePolicies(telemetry, log),
  )
  const resilience = policies
  const middleware: StatementMiddleware[] = [progressMiddleware]
  const observe = observeStatements({ telemetry, log, slowQueryThresholdMs: config.slowQueryThresholdMs })
  if (observe !== undefined) middleware.push(observe as StatementMiddleware)
  if (resilience.active) {
    middleware.push((ctx, next) =>
      resilience.run(
        {
          operation: ctx.operation,
          // Only the caller's word makes a sent statement safe to re-send (a read on a server that
          // stopped answering would otherwise be sent again into the same stall).
          idempotent: ctx.options.idempotent === true,
          inTransaction: ctx.inTransaction,
          signal: ctx.signal,
          options: ctx.options,
        },
        next,
      ),
    )
  }
  return {
    policies: resilience,
    telemetry,
    log,
    middleware,
    observer: transportObserver(telemetry, log, transportName, (status) => {
      credentials = status
    }),
    watchStream: (sql, onProgress) => watchStream(telemetry, sql, onProgress),
    attach(read) {
      stats = read
    },
    attachSql(run) {
      if (telemetry === undefined || options.wlmQueue !== true) return
      const { context, ROOT_CONTEXT } = telemetry.api
      // The lookup's reads start inside the statement that found it stale: run them outside its
      // trace, or they would show as children of the caller's request span.
      const detached: SqlRunner = (sql, params) => context.with(ROOT_CONTEXT, () => run(sql, params))
      telemetry.wlmQueue = new WlmQueueLookup(detached, (error) =>
        log?.write(
          'warn',
          'wlm_queue_unavailable',
          { error: errorFields(error) },
          'spans will not name the WLM queue: the WLM configuration views could not be read (they are for superusers)',
        ),
      )
    },
    shutdown() {
      telemetry?.shutdown()
    },
  }
}

/** `started`, then `finished` or `failed`, to a call's `onProgress` (nothing at all without one). */
const progressMiddleware: StatementMiddleware = async (ctx, next, describe) => {
  const listener = progressListenerOf(ctx.options)
  if (listener === undefined) return next()
  const started = performance.now()
  const elapsed = () => Math.round(performance.now() - started)
  reportProgress(listener, { operation: ctx.operation, phase: 'started', elapsedMs: 0 })
  try {
    const value = await next()
    const o = describe(value)
    const rows = o.rowsAffected ?? o.rowCount
    reportProgress(listener, {
      operation: ctx.operation,
      phase: 'finished',
      elapsedMs: elapsed(),
      ...(rows === undefined ? {} : { rows }),
      ...(o.bytes === undefined ? {} : { bytes: o.bytes }),
      ...(o.queryId === undefined || o.queryId === '' ? {} : { queryId: String(o.queryId) }),
    })
    return value
  } catch (error) {
    reportProgress(listener, { operation: ctx.operation, phase: 'failed', elapsedMs: elapsed() })
    throw error
  }
}

function watchStream(
  telemetry: ClientTelemetry | undefined,
  sql: string,
  onProgress: ProgressListener | undefined,
): StreamWatcher | undefined {
  if (telemetry === undefined && onProgress === undefined) return undefined
  const started = performance.now()
  const span = telemetry?.tracer.startSpan(
    'redshift stream',
    {
      kind: telemetry.api.SpanKind.CLIENT,
      attributes: {
        ...telemetry.baseAttributes,
        'redshift.operation': 'stream',
        ...(telemetry.captureQueryText ? { 'db.query.text': statementText(sql).text } : {}),
      },
    },
    telemetry.api.context.active(),
  )
  const progress = (phase: 'running' | 'finished' | 'failed', rows: number, bytes: number | undefined) => {
    const elapsedMs = performance.now() - started
    const perSecond = (n: number) => (elapsedMs > 0 ? Math.round((n / elapsedMs) * 1000) : 0)
    reportProgress(onProgress, {
      operation: 'stream',
      phase,
      elapsedMs: Math.round(elapsedMs),
      rows,
      rowsPerSecond: perSecond(rows),
      ...(bytes === undefined ? {} : { bytes, bytesPerSecond: perSecond(bytes) }),
    })
  }
  return {
    batch: (rows, bytes) => progress('running', rows, bytes),
    closed: (rows, completed, bytes, error) => {
      progress(error === undefined ? 'finished' : 'failed', rows, bytes)
      if (span !== undefined && telemetry !== undefined) {
        span.setAttribute('db.response.returned_rows', rows)
        if (bytes !== undefined) span.setAttribute('redshift.stream.bytes', bytes)
        span.setAttribute('redshift.stream.completed', completed)
        if (error !== undefined) telemetry.markError(span, error)
        span.end()
      }
    },
  }
}

const SPAN_NAMES: Record<TransportStep, string> = {
  'pool.acquire': 'redshift pool.acquire',
  connect: 'redshift connect',
  credentials: 'redshift credentials',
}

/** An acquire this fast gets no span of its own (most do not wait): a span per statement would double the cost. */
export const ACQUIRE_SPAN_MIN_MS = 1

/**
 * Acquires, and records a `redshift pool.acquire` span afterwards (with its real start time) when
 * the acquire waited or opened a connection; the connect span, made meanwhile, is its sibling.
 */
async function acquireSpan<T>(
  telemetry: ClientTelemetry,
  transport: string,
  fn: () => Promise<T>,
): Promise<T> {
  const startedAt = Date.now()
  const started = performance.now()
  const parent = telemetry.api.context.active()
  const record = (error?: unknown) => {
    const elapsed = performance.now() - started
    if (elapsed < ACQUIRE_SPAN_MIN_MS && error === undefined) return
    const span = telemetry.tracer.startSpan(
      SPAN_NAMES['pool.acquire'],
      {
        kind: telemetry.api.SpanKind.CLIENT,
        startTime: startedAt,
        attributes: {
          ...telemetry.baseAttributes,
          ...telemetry.poolAttributes,
          'redshift.transport': transport,
        },
      },
      parent,
    )
    if (error !== undefined) telemetry.markError(span, error)
    span.end(startedAt + elapsed)
  }
  try {
    const value = await fn()
    record()
    return value
  } catch (error) {
    record(error)
    throw error
  }
}

function transportObserver(
  telemetry: ClientTelemetry | undefined,
  log: ClientLog | undefined,
  transport: string,
  watch: (status: () => CredentialsStatus) => void,
): TransportObserver | undefined {
  // Nothing to tell: the transport runs its steps bare (no promise of ours per statement).
  if (telemetry === undefined && log === undefined) return undefined
  let fetches = -1
  let status: (() => CredentialsStatus) | undefined
  return {
    step: (name, fn) => {
      if (name === 'pool.acquire')
        return telemetry === undefined ? fn() : acquireSpan(telemetry, transport, fn)
      const run =
        telemetry === undefined
          ? fn
          : () => telemetry.inSpan(SPAN_NAMES[name], { 'redshift.transport': transport }, fn)
      if (name !== 'credentials' || status === undefined || log === undefined) return run()
      const read = status
      return run().then((value) => {
        const s = read()
        if (s.fetches !== fetches && fetches >= 0) {
          log.write(
            'info',
            'credentials_refreshed',
            { method: s.method, source: s.source, user: s.user, expiresAt: s.expiresAt, fetches: s.fetches },
            `database credentials refreshed (${s.method})`,
          )
        }
        fetches = s.fetches
        return value
      })
    },
    connected: (info) => {
      telemetry?.createTime.record(info.durationMs / 1000, telemetry.poolAttributes)
      log?.write(
        'info',
        'connect',
        { durationMs: Math.round(info.durationMs), tls: info.tls },
        'connection opened',
      )
    },
    connectFailed: (error, durationMs) => {
      log?.write(
        'warn',
        'connect_failed',
        { durationMs: Math.round(durationMs), error: errorFields(error) },
        'could not open a connection',
      )
    },
    disconnected: () => log?.write('debug', 'disconnect', {}, 'connection closed'),
    acquired: (waitMs) => {
      telemetry?.waitTime.record(waitMs / 1000, telemetry.poolAttributes)
      if (waitMs >= SLOW_ACQUIRE_MS) {
        log?.write(
          'warn',
          'slow_acquire',
          { waitMs: Math.round(waitMs) },
          `waited ${Math.round(waitMs)} ms for a connection`,
        )
      }
    },
    watchCredentials: (read) => {
      status = read
      watch(read)
    },
  }
}
