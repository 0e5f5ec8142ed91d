import { context, trace } from '@opentelemetry/api'
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks'
import { MeterProvider, MetricReader, type ResourceMetrics } from '@opentelemetry/sdk-metrics'
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { ConnectionFailedError } from '../errors/connection-errors.js'
import { QueryFailedError, QueryTimeoutError } from '../errors/query-errors.js'
import { Resilience } from '../resilience/resilience.js'
import { poolStatsWith } from '../transport/pool-stats.js'
import { ClientTelemetry } from './client-telemetry.js'
import { ClientLog, type Logger } from './logger.js'
import { CLIENT_METRICS } from './metric-catalog.js'
import { observePolicies } from './observe-policies.js'
import { observeStatements } from './observe-statement.js'
import { loadOtelApi } from './otel-api.js'

class TestReader extends MetricReader {
  protected async onShutdown(): Promise<void> {}
  protected async onForceFlush(): Promise<void> {}
}

const contextManager = new AsyncLocalStorageContextManager()
beforeAll(() => context.setGlobalContextManager(contextManager.enable()))
afterAll(() => {
  contextManager.disable()
  context.disable()
})

function setup() {
  const spans = new InMemorySpanExporter()
  const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spans)] })
  const reader = new TestReader()
  const meterProvider = new MeterProvider({ readers: [reader] })
  const api = loadOtelApi()
  if (api === undefined) throw new Error('@opentelemetry/api is a dev dependency')
  let pool = poolStatsWith({ max: 4, min: 1, idle: 1, active: 3, waiting: 2, total: 4 })
  let resilience: Resilience | undefined
  const telemetry = new ClientTelemetry(
    api,
    { tracerProvider, meterProvider },
    { host: 'cluster.example.com', port: 5439, database: 'dev', poolName: 'cluster.example.com:5439/dev' },
    () => ({ pool, resilience: resilience?.state() }),
  )
  const lines: { level: string; fields: Record<string, unknown>; message: string | undefined }[] = []
  const logger: Logger = {
    debug: (fields, message) => lines.push({ level: 'debug', fields: fields as never, message }),
    info: (fields, message) => lines.push({ level: 'info', fields: fields as never, message }),
    warn: (fields, message) => lines.push({ level: 'warn', fields: fields as never, message }),
    error: (fields, message) => lines.push({ level: 'error', fields: fields as never, message }),
  }
  const log = new ClientLog(logger)
  const observe = observeStatements({ telemetry, log, slowQueryThresholdMs: 20 })!
  return {
    spans,
    tracerProvider,
    telemetry,
    log,
    lines,
    observe,
    setPool: (p: typeof pool) => {
      pool = p
    },
    setResilience: (r: Resilience) => {
      resilience = r
    },
    async metrics(): Promise<Map<string, ResourceMetrics['scopeMetrics'][number]['metrics'][number]>> {
      const { resourceMetrics } = await reader.collect()
      const out = new Map()
      for (const scope of resourceMetrics.scopeMetrics)
        for (const m of scope.metrics) out.set(m.descriptor.name, m)
      return out
    },
  }
}

const ctx = (sql: string, extra: object = {}) => ({
  operation: 'query',
  sql,
  paramCount: 0,
  queryGroup: 'etl',
  label: 'nightly',
  attempt: 1,
  ...extra,
})

describe('observeStatements with the OpenTelemetry SDK', () => {
  let t: ReturnType<typeof setup>
  beforeEach(() => {
    t = setup()
  })

  it('makes a client span per operation, child of the caller span, with the DB conventions and Redshift attributes', async () => {
    const parent = t.tracerProvider.getTracer('app').startSpan('handle-request')
    const value = await context.with(trace.setSpan(context.active(), parent), () =>
      t.observe(
        ctx("SELECT * FROM users WHERE name = 'ada' AND id = 42"),
        async () => ({ rows: 3 }),
        () => ({ rowCount: 3, queryId: 4711n }),
      ),
    )
    parent.end()
    expect(value).toEqual({ rows: 3 })
    const span = t.spans.getFinishedSpans().find((s) => s.name === 'SELECT dev')
    expect(span).toBeDefined()
    expect(span?.kind).toBe(2) // CLIENT
    expect(span?.parentSpanContext?.spanId).toBe(parent.spanContext().spanId)
    expect(span?.attributes).toMatchObject({
      'db.system.name': 'aws.redshift',
      'db.system': 'redshift',
      'db.namespace': 'dev',
      'db.operation.name': 'SELECT',
      'db.query.text': 'SELECT * FROM users WHERE name = ? AND id = ?',
      'server.address': 'cluster.example.com',
      'server.port': 5439,
      'redshift.query_id': '4711',
      'redshift.query_group': 'etl',
      'redshift.label': 'nightly',
      'db.response.returned_rows': 3,
    })
    const metrics = await t.metrics()
    const duration = metrics.get(CLIENT_METRICS.operationDuration.name)
    expect(duration?.descriptor.unit).toBe('s')
    const point = duration?.dataPoints[0] as { attributes: Record<string, unknown>; value: { count: number } }
    expect(point.value.count).toBe(1)
    expect(point.attributes).toMatchObject({
      'db.operation.name': 'SELECT',
      'db.system.name': 'aws.redshift',
    })
    const rows = metrics.get(CLIENT_METRICS.returnedRows.name)?.dataPoints[0] as { value: { sum: number } }
    expect(rows.value.sum).toBe(3)
  })

  it('marks failures: status, error.type, SQLSTATE, errors and timeouts counters', async () => {
    const failure = new QueryFailedError('relation "nope" does not exist', { sqlState: '42P01' })
    await expect(
      t.observe(
        ctx('SELECT * FROM nope'),
        () => Promise.reject(failure),
        () => ({}),
      ),
    ).rejects.toBe(failure)
    const timeout = new QueryTimeoutError('timed out after 10 ms')
    await expect(
      t.observe(
        ctx('SELECT pg_sleep(1)'),
        () => Promise.reject(timeout),
        () => ({}),
      ),
    ).rejects.toBe(timeout)
    const [first, second] = t.spans.getFinishedSpans()
    expect(first?.status.code).toBe(2) // ERROR
    expect(first?.attributes).toMatchObject({
      'error.type': 'QUERY_FAILED',
      'db.response.status_code': '42P01',
    })
    expect(second?.attributes['error.type']).toBe('QUERY_TIMEOUT')
    const metrics = await t.metrics()
    const errors = metrics
      .get(CLIENT_METRICS.errors.name)
      ?.dataPoints.map((p) => [p.attributes['error.type'], p.value])
    expect(errors).toEqual(
      expect.arrayContaining([
        ['QUERY_FAILED', 1],
        ['QUERY_TIMEOUT', 1],
      ]),
    )
    expect(metrics.get(CLIENT_METRICS.timeouts.name)?.dataPoints[0]?.value).toBe(1)
    expect(t.lines.filter((l) => l.fields.event === 'statement_failed')).toHaveLength(2)
  })

  it('counts COPY rows and failures, logs the result and load errors', async () => {
    const sql = "COPY t FROM 's3://b/k' IAM_ROLE 'arn:aws:iam::1:role/R' CSV"
    await t.observe(
      { ...ctx(sql), operation: 'copy' },
      async () => ({ rowsLoaded: 10, errors: 2 }),
      () => ({ rowsAffected: 10 }),
    )
    await expect(
      t.observe(
        { ...ctx(sql), operation: 'copy' },
        () => Promise.reject(new QueryFailedError('S3 denied')),
        () => ({}),
      ),
    ).rejects.toThrow()
    const metrics = await t.metrics()
    expect(metrics.get(CLIENT_METRICS.transferRows.name)?.dataPoints[0]?.value).toBe(10)
    expect(metrics.get(CLIENT_METRICS.transferFailures.name)?.dataPoints[0]?.value).toBe(1)
    const events = t.lines.map((l) => `${l.level} ${l.fields.event}`)
    expect(events).toEqual(['info copy_finished', 'warn copy_load_errors', 'error transfer_failed'])
    expect(JSON.stringify(t.lines)).not.toContain('arn:aws:iam')
  })

  it('logs a slow query at warn with the redacted text', async () => {
    await t.observe(
      ctx("SELECT 'secret-value'"),
      () => new Promise((r) => setTimeout(r, 30)),
      () => ({}),
    )
    const slow = t.lines.find((l) => l.fields.event === 'slow_query')
    expect(slow?.level).toBe('warn')
    expect(slow?.fields).toMatchObject({
      sql: 'SELECT ?',
      thresholdMs: 20,
      label: 'nightly',
      component: 'redshift-kit',
    })
    expect(JSON.stringify(t.lines)).not.toContain('secret-value')
  })

  it('reports pool, breaker, limiter and bulkhead state as observable metrics, and policy events', async () => {
    const resilience = new Resilience(
      {
        endpoint: 'cluster.example.com:5439',
        retry: { maxRetries: 1, backoffMs: 0, budget: false },
        circuitBreaker: { threshold: 1, halfOpenAfterMs: 60_000 },
        rateLimit: { statementsPerSecond: 100 },
        bulkhead: { maxConcurrent: 2, maxQueued: 5 },
      },
      observePolicies(t.telemetry, t.log),
    )
    t.setResilience(resilience)
    const call = { operation: 'query', idempotent: false, inTransaction: false }
    const refused = () => Promise.reject(new ConnectionFailedError('connect ECONNREFUSED'))
    await expect(resilience.run(call, refused)).rejects.toThrow()
    const metrics = await t.metrics()
    const value = (name: string, attrs: Record<string, unknown> = {}) =>
      metrics
        .get(name)
        ?.dataPoints.find((p) => Object.entries(attrs).every(([k, v]) => p.attributes[k] === v))?.value
    expect(value(CLIENT_METRICS.connectionCount.name, { 'db.client.connection.state': 'used' })).toBe(3)
    expect(value(CLIENT_METRICS.connectionCount.name, { 'db.client.connection.state': 'idle' })).toBe(1)
    expect(value(CLIENT_METRICS.pendingRequests.name)).toBe(2)
    expect(value(CLIENT_METRICS.poolUtilization.name)).toBe(0.75)
    expect(value(CLIENT_METRICS.breakerState.name, { 'redshift.circuit_breaker.state': 'open' })).toBe(1)
    expect(value(CLIENT_METRICS.breakerState.name, { 'redshift.circuit_breaker.state': 'closed' })).toBe(0)
    expect(value(CLIENT_METRICS.breakerOpens.name)).toBe(1)
    expect(value(CLIENT_METRICS.retries.name, { 'redshift.retry.reason': 'not-sent' })).toBe(1)
    expect(value(CLIENT_METRICS.rejections.name, { 'redshift.policy': 'circuit-breaker' })).toBe(1)
    expect(value(CLIENT_METRICS.bulkheadQueued.name)).toBe(0)
    expect(value(CLIENT_METRICS.limiterWaiting.name)).toBe(0)
    expect(t.lines.map((l) => l.fields.event)).toEqual(['circuit_open', 'retry', 'policy_rejected'])
  })
})

describe('without @opentelemetry/api', () => {
  it('loads nothing and observes nothing', () => {
    expect(
      loadOtelApi(() => {
        throw Object.assign(new Error("Cannot find module '@opentelemetry/api'"), {
          code: 'MODULE_NOT_FOUND',
        })
      }),
    ).toBeUndefined()
    expect(observeStatements({})).toBeUndefined()
  })
})
