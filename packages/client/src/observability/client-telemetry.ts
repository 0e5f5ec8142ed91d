import type {
  Attributes,
  BatchObservableResult,
  Counter,
  Histogram,
  Meter,
  Observable,
  Span,
  Tracer,
} from '@opentelemetry/api'
import type { CredentialsStatus } from '../credentials/credentials-provider.js'
import type { ResilienceState } from '../resilience/resilience.js'
import type { PoolStats } from '../transport/pool-stats.js'
import { CLIENT_METRICS, DURATION_BUCKETS_S, type MetricSpec, ROW_BUCKETS } from './metric-catalog.js'
import type { OtelApiModule } from './otel-api.js'
import {
  INSTRUMENTATION_NAME,
  INSTRUMENTATION_VERSION,
  type MeterProviderLike,
  type TelemetryOptions,
  type TracerProviderLike,
} from './telemetry-options.js'
import type { WlmQueueLookup } from './wlm-queue-lookup.js'

/** Where the client connects, for the attributes every span and metric carries. */
export interface TelemetryTarget {
  readonly host: string
  readonly port: number
  readonly database: string
  /** The pool's name in `db.client.connection.pool.name`. */
  readonly poolName: string
}

/** What observable metrics read when a reader collects (nothing is computed between collections). */
export interface TelemetrySnapshot {
  readonly pool: PoolStats
  readonly resilience?: ResilienceState | undefined
  readonly credentials?: CredentialsStatus | undefined
}

type Counters = Record<
  | 'errors'
  | 'timeouts'
  | 'cancellations'
  | 'retries'
  | 'breakerOpens'
  | 'rejections'
  | 'transferRows'
  | 'transferBytes'
  | 'transferFailures',
  Counter
>

const BREAKER_STATES = ['closed', 'open', 'half-open'] as const

/**
 * A client's OpenTelemetry instruments: its tracer, its meter, and every metric of
 * {@link CLIENT_METRICS}. Observable metrics (pool, policies, credentials) are read from `snapshot`
 * in one batch callback, only when a reader collects.
 */
export class ClientTelemetry {
  readonly api: OtelApiModule
  readonly tracer: Tracer
  readonly target: TelemetryTarget
  /** Attributes of every operation span and metric: `db.system.name`, `db.namespace`, `server.*`. */
  readonly baseAttributes: Attributes
  readonly captureQueryText: boolean
  readonly duration: Histogram
  readonly returnedRows: Histogram
  readonly waitTime: Histogram
  readonly createTime: Histogram
  /** `db.client.connection.pool.name` of the pool metrics. */
  readonly poolAttributes: Attributes
  readonly counters: Counters
  /** Set by the client when `wlmQueue` is on: the queue each operation span names. */
  wlmQueue: WlmQueueLookup | undefined
  readonly #meter: Meter
  readonly #operationAttributes = new Map<string, Attributes>()
  readonly #spanAttributes = new Map<string, Attributes>()
  readonly #observables: Observable[]
  readonly #callback: (result: BatchObservableResult) => void

  constructor(
    api: OtelApiModule,
    options: TelemetryOptions,
    target: TelemetryTarget,
    snapshot: () => TelemetrySnapshot,
  ) {
    this.api = api
    this.target = target
    this.captureQueryText = options.captureQueryText ?? true
    const tracerProvider = (options.tracerProvider ?? api.trace.getTracerProvider()) as TracerProviderLike
    const meterProvider = (options.meterProvider ?? api.metrics.getMeterProvider()) as MeterProviderLike
    this.tracer = tracerProvider.getTracer(INSTRUMENTATION_NAME, INSTRUMENTATION_VERSION) as Tracer
    const meter = meterProvider.getMeter(INSTRUMENTATION_NAME, INSTRUMENTATION_VERSION) as Meter
    this.#meter = meter
    this.baseAttributes = Object.freeze({
      'db.system.name': 'aws.redshift',
      'db.namespace': target.database,
      'server.address': target.host,
      'server.port': target.port,
    })
    const m = CLIENT_METRICS
    const opts = (spec: MetricSpec) => ({ unit: spec.unit, description: spec.description })
    this.duration = meter.createHistogram(m.operationDuration.name, {
      ...opts(m.operationDuration),
      advice: { explicitBucketBoundaries: DURATION_BUCKETS_S },
    })
    this.returnedRows = meter.createHistogram(m.returnedRows.name, {
      ...opts(m.returnedRows),
      advice: { explicitBucketBoundaries: ROW_BUCKETS },
    })
    const seconds = { advice: { explicitBucketBoundaries: DURATION_BUCKETS_S } }
    this.waitTime = meter.createHistogram(m.waitTime.name, { ...opts(m.waitTime), ...seconds })
    this.createTime = meter.createHistogram(m.createTime.name, { ...opts(m.createTime), ...seconds })
    this.poolAttributes = Object.freeze({ 'db.client.connection.pool.name': target.poolName })
    const counter = (spec: MetricSpec) => meter.createCounter(spec.name, opts(spec))
    this.counters = {
      errors: counter(m.errors),
      timeouts: counter(m.timeouts),
      cancellations: counter(m.cancellations),
      retries: counter(m.retries),
      breakerOpens: counter(m.breakerOpens),
      rejections: counter(m.rejections),
      transferRows: counter(m.transferRows),
      transferBytes: counter(m.transferBytes),
      transferFailures: counter(m.transferFailures),
    }
    const upDown = (spec: MetricSpec) => meter.createObservableUpDownCounter(spec.name, opts(spec))
    const gauge = (spec: MetricSpec) => meter.createObservableGauge(spec.name, opts(spec))
    const obs = {
      connectionCount: upDown(m.connectionCount),
      connectionMax: upDown(m.connectionMax),
      connectionIdleMin: upDown(m.connectionIdleMin),
      pendingRequests: upDown(m.pendingRequests),
      connectionTimeouts: meter.createObservableCounter(
        m.connectionTimeouts.name,
        opts(m.connectionTimeouts),
      ),
      poolUtilization: gauge(m.poolUtilization),
      acquireTime: gauge(m.acquireTime),
      breakerState: gauge(m.breakerState),
      limiterWaiting: upDown(m.limiterWaiting),
      bulkheadActive: upDown(m.bulkheadActive),
      bulkheadQueued: upDown(m.bulkheadQueued),
      credentialsAge: gauge(m.credentialsAge),
      credentialsFetches: meter.createObservableCounter(
        m.credentialsFetches.name,
        opts(m.credentialsFetches),
      ),
    }
    this.#observables = Object.values(obs)
    const pool = { 'db.client.connection.pool.name': target.poolName }
    const server = { 'server.address': target.host, 'server.port': target.port }
    this.#callback = (result) => {
      const s = snapshot()
      const p = s.pool
      result.observe(obs.connectionCount, p.idle, { ...pool, 'db.client.connection.state': 'idle' })
      result.observe(obs.connectionCount, p.active, { ...pool, 'db.client.connection.state': 'used' })
      result.observe(obs.connectionMax, p.max, pool)
      result.observe(obs.connectionIdleMin, p.min, pool)
      result.observe(obs.pendingRequests, p.waiting, pool)
      result.observe(obs.connectionTimeouts, p.acquireTimeoutsTotal, pool)
      result.observe(obs.poolUtilization, p.max > 0 ? p.active / p.max : 0, pool)
      result.observe(obs.acquireTime, p.acquireTimeMs.p99 / 1000, pool)
      const r = s.resilience
      if (r?.circuitBreaker !== undefined) {
        for (const state of BREAKER_STATES) {
          result.observe(obs.breakerState, r.circuitBreaker.state === state ? 1 : 0, {
            ...server,
            'redshift.circuit_breaker.state': state,
          })
        }
      }
      if (r?.rateLimiter !== undefined) result.observe(obs.limiterWaiting, r.rateLimiter.waiting, server)
      if (r?.bulkhead !== undefined) {
        result.observe(obs.bulkheadActive, r.bulkhead.active, server)
        result.observe(obs.bulkheadQueued, r.bulkhead.queued, server)
      }
      const c = s.credentials
      if (c !== undefined) {
        const method = { 'redshift.credentials.method': c.method }
        result.observe(obs.credentialsFetches, c.fetches, method)
        if (c.fetchedAt !== null) {
          result.observe(
            obs.credentialsAge,
            Math.max(0, (Date.now() - Date.parse(c.fetchedAt)) / 1000),
            method,
          )
        }
      }
    }
    meter.addBatchObservableCallback(this.#callback, this.#observables)
  }

  /**
   * Runs `fn` in a span named `name` (a child of the active span), ended when `fn` settles and
   * marked as an error when it throws. For the steps under an operation: pool acquire, connect,
   * credential fetch.
   */
  async inSpan<T>(name: string, attributes: Attributes, fn: (span: Span) => Promise<T>): Promise<T> {
    const api = this.api
    const parent = api.context.active()
    const span = this.tracer.startSpan(
      name,
      { kind: api.SpanKind.CLIENT, attributes: { ...this.baseAttributes, ...attributes } },
      parent,
    )
    try {
      return await api.context.with(api.trace.setSpan(parent, span), () => fn(span))
    } catch (error) {
      this.markError(span, error)
      throw error
    } finally {
      span.end()
    }
  }

  /**
   * The metric attributes of an operation, one frozen object per (operation, operation name): the
   * SDK hashes the attributes on every record, and a statement should not also build them anew.
   */
  operationAttributes(operation: string, operationName: string): Attributes {
    return memo(this.#operationAttributes, operation, operationName, () => ({
      ...this.baseAttributes,
      'db.operation.name': operationName,
      'redshift.operation': operation,
    }))
  }

  /** The attributes an operation's span starts with (before the statement's own), memoized likewise. */
  spanAttributes(operation: string, operationName: string): Attributes {
    return memo(this.#spanAttributes, operation, operationName, () => ({
      ...this.baseAttributes,
      'db.system': 'redshift',
      'redshift.operation': operation,
      ...(operationName === '' ? {} : { 'db.operation.name': operationName }),
    }))
  }

  /** Sets a span's status to error, with `error.type` and the (already redacted) exception. */
  markError(span: Span, error: unknown): void {
    const e = error as { readonly code?: unknown; readonly name?: unknown; readonly message?: unknown }
    const type = typeof e?.code === 'string' ? e.code : String(e?.name ?? 'Error')
    span.setAttribute('error.type', type)
    span.setStatus({ code: this.api.SpanStatusCode.ERROR, message: String(e?.message ?? type) })
    if (error instanceof Error) span.recordException(error)
  }

  /** Stops the observable callback (the client closed). */
  shutdown(): void {
    this.#meter.removeBatchObservableCallback(this.#callback, this.#observables)
  }
}

function memo(
  cache: Map<string, Attributes>,
  operation: string,
  operationName: string,
  make: () => Attributes,
): Attributes {
  const key = `${operation}\u0000${operationName}`
  let attributes = cache.get(key)
  if (attributes === undefined) {
    attributes = Object.freeze(make())
    // Operation names are a statement's leading keywords: few. The bound is for odd workloads.
    if (cache.size < 512) cache.set(key, attributes)
  }
  return attributes
}
