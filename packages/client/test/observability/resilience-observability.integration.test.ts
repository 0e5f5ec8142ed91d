import { once } from 'node:events'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { context, trace } from '@opentelemetry/api'
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus'
import { MeterProvider } from '@opentelemetry/sdk-metrics'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type FaultProxy, startFaultProxy } from '../../../../test/faults/fault-proxy.js'
import { createClient, type RedshiftClient } from '../../src/client.js'
import {
  CircuitOpenError,
  ConnectionFailedError,
  ConnectionLostError,
  PoolExhaustedError,
  QueryTimeoutError,
} from '../../src/errors/index.js'
import { CLIENT_METRICS } from '../../src/observability/metric-catalog.js'
import type { Progress } from '../../src/observability/progress.js'
import { configFor, startTestServer, type TestServer } from '../integration/server.js'
import { capturingLogger, type LogLine, otelSdk } from './telemetry-harness.js'

// Every scenario's log lines, checked for secrets at the end.
const lines: LogLine[] = []
const SECRET_LITERAL = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'
const ACCESS_KEY = 'AKIAIOSFODNN7EXAMPLE'

let server: TestServer
let proxy: FaultProxy
let sdk: ReturnType<typeof otelSdk>
const clients: RedshiftClient[] = []

beforeAll(async () => {
  server = await startTestServer()
  proxy = await startFaultProxy({ host: server.host, port: server.port })
  sdk = otelSdk()
  const admin = await server.admin()
  try {
    await admin.query(
      'DROP TABLE IF EXISTS obs_events; CREATE TABLE obs_events (id integer, note varchar(64))',
    )
  } finally {
    await admin.end()
  }
})

afterAll(async () => {
  await Promise.allSettled(clients.map((c) => c.close()))
  await proxy?.close()
  await sdk?.shutdown()
})

function clientThroughProxy(
  build: (b: ReturnType<typeof configFor>) => ReturnType<typeof configFor> = (b) => b,
) {
  const client = createClient(
    build(
      configFor(server)
        .endpoint(proxy.host, proxy.port, server.database)
        .logger(capturingLogger(lines))
        .slowQueryThresholdMs(150)
        .telemetry({ tracerProvider: sdk.tracerProvider, meterProvider: sdk.meterProvider }),
    ).build(),
  )
  clients.push(client)
  return client
}

describe('resilience and observability against a local Redshift behind a fault proxy', () => {
  it('traces a query under the caller span with the DB conventions, with pool acquire (when it waited), connect and credential spans', async () => {
    proxy.setMode({ kind: 'pass' })
    const client = clientThroughProxy((b) => b.poolSize(2))
    const parent = sdk.tracerProvider.getTracer('app').startSpan('GET /report')
    const result = await context.with(trace.setSpan(context.active(), parent), () =>
      client.executeQuery(`SELECT 1 AS one, '${SECRET_LITERAL}' AS k WHERE 2 > 1`),
    )
    parent.end()
    const finished = sdk.spans.getFinishedSpans()
    const query = finished.find((s) => s.name === `SELECT ${server.database}`)
    expect(query?.parentSpanContext?.spanId).toBe(parent.spanContext().spanId)
    expect(query?.attributes).toMatchObject({
      'db.system.name': 'aws.redshift',
      'db.namespace': server.database,
      'db.operation.name': 'SELECT',
      'db.query.text': 'SELECT ? AS one, ? AS k WHERE ? > ?',
      'server.address': proxy.host,
      'server.port': proxy.port,
      'redshift.query_id': result.queryId.toString(),
      'db.response.returned_rows': 1,
    })
    const acquire = finished.find((s) => s.name === 'redshift pool.acquire')
    const connect = finished.find((s) => s.name === 'redshift connect')
    const credentials = finished.find((s) => s.name === 'redshift credentials')
    // The first acquire opened a connection, so it waited and got a span; connecting happened meanwhile.
    expect(acquire?.parentSpanContext?.spanId).toBe(query?.spanContext().spanId)
    expect(connect?.parentSpanContext?.spanId).toBe(query?.spanContext().spanId)
    expect(credentials?.parentSpanContext?.spanId).toBe(connect?.spanContext().spanId)
    const [[attrs, histogram]] = (await sdk.points(CLIENT_METRICS.operationDuration.name, {
      'server.port': proxy.port,
      'db.operation.name': 'SELECT',
    })) as [[Record<string, unknown>, { count: number; sum: number }]]
    expect(attrs['error.type']).toBeUndefined()
    expect(histogram.count).toBe(1)
    expect(histogram.sum).toBeGreaterThan(0)
    const used = await sdk.points(CLIENT_METRICS.connectionCount.name, {
      'db.client.connection.state': 'idle',
    })
    expect(used.some(([, v]) => v === 1)).toBe(true)
    expect(lines.some((l) => l.fields.event === 'connect')).toBe(true)
  })

  it('refused connections: retried, then the breaker opens and answers at once without touching the network; a probe closes it', async () => {
    const client = clientThroughProxy((b) =>
      b
        .retry({ maxRetries: 1, backoffMs: 1, budget: false })
        .circuitBreaker({ threshold: 2, halfOpenAfterMs: 400 }),
    )
    proxy.setMode({ kind: 'refuse' })
    // Two refused attempts (the first and its retry) open the breaker; the caller gets the last failure.
    const first = await client.executeQuery('SELECT 1').catch((e: unknown) => e)
    expect(first).toBeInstanceOf(ConnectionFailedError)
    const accepted = proxy.stats.accepted
    const started = performance.now()
    const fast = await client.executeQuery('SELECT 1').catch((e: unknown) => e)
    expect(performance.now() - started).toBeLessThan(50)
    expect(fast).toBeInstanceOf(CircuitOpenError)
    expect((fast as CircuitOpenError).retryAfterMs).toBeGreaterThan(0)
    expect(proxy.stats.accepted).toBe(accepted)
    const diagnostics = await client.getDiagnostics()
    expect(diagnostics.resilience.circuitBreaker).toMatchObject({ state: 'open', opens: 1 })
    expect(await sdk.points(CLIENT_METRICS.breakerOpens.name, { 'server.port': proxy.port })).toEqual([
      [expect.anything(), 1],
    ])
    const open = await sdk.points(CLIENT_METRICS.breakerState.name, {
      'server.port': proxy.port,
      'redshift.circuit_breaker.state': 'open',
    })
    expect(open.map(([, v]) => v)).toContain(1)
    const retries = await sdk.points(CLIENT_METRICS.retries.name, { 'redshift.retry.reason': 'not-sent' })
    expect(retries.length).toBeGreaterThan(0)
    expect(lines.map((l) => l.fields.event)).toEqual(expect.arrayContaining(['retry', 'circuit_open']))

    proxy.setMode({ kind: 'pass' })
    // The breaker lets a probe through only once its clock says so: wait for that time.
    const probeAt = diagnostics.resilience.circuitBreaker?.nextProbeAt ?? 0
    await new Promise((r) => setTimeout(r, Math.max(0, probeAt - Date.now() + 5)))
    expect((await client.executeQuery('SELECT 2 AS two')).rows[0]?.get('two')).toBe(2)
    expect((await client.getDiagnostics()).resilience.circuitBreaker?.state).toBe('closed')
    expect(lines.map((l) => l.fields.event)).toEqual(
      expect.arrayContaining(['circuit_half_open', 'circuit_closed']),
    )
  })

  it('a dropped connection: a write that may have run is not re-sent; a statement marked idempotent is', async () => {
    proxy.setMode({ kind: 'pass' })
    const client = clientThroughProxy((b) => b.poolSize(1).pipelineDepth(1))
    await client.executeQuery('SELECT 1')
    const cut = proxy.cutAfter('down', 1)
    const write = await client
      .executeQuery("INSERT INTO obs_events VALUES (1, 'dropped')")
      .catch((e: unknown) => e)
    await cut
    expect(write).toBeInstanceOf(ConnectionLostError)
    expect((write as ConnectionLostError).metadata.attempts ?? 1).toBe(1)
    await client.executeQuery('SELECT 1')
    const readCut = proxy.cutAfter('down', 1)
    const read = await client.executeQuery('SELECT count(*) AS n FROM obs_events', { idempotent: true })
    await readCut
    expect(read.rows).toHaveLength(1)
    const retried = lines.filter((l) => l.fields.event === 'retry' && l.fields.reason === 'idempotent')
    expect(retried.length).toBeGreaterThan(0)
  })

  it('a stalled server: the statement times out, counted as a timeout and logged as slow; the breaker stays closed', async () => {
    proxy.setMode({ kind: 'pass' })
    const client = clientThroughProxy((b) => b.poolSize(1))
    await client.executeQuery('SELECT 1')
    proxy.setMode({ kind: 'stall' })
    const error = await client
      .executeQuery('SELECT 1', { timeoutMs: 100, retry: false })
      .catch((e: unknown) => e)
    proxy.setMode({ kind: 'pass' })
    expect(error).toBeInstanceOf(QueryTimeoutError)
    const timeouts = await sdk.points(CLIENT_METRICS.timeouts.name, { 'server.port': proxy.port })
    expect(timeouts.map(([, v]) => v)).toContain(1)
    expect((await client.getDiagnostics()).resilience.circuitBreaker?.state).toBe('closed')
    expect(lines.some((l) => l.fields.event === 'slow_query' && l.level === 'warn')).toBe(true)
  })

  it('a full bulkhead refuses at once with PoolExhaustedError, counted and visible in diagnostics', async () => {
    proxy.setMode({ kind: 'pass' })
    const client = clientThroughProxy((b) => b.poolSize(2).bulkhead({ maxConcurrent: 1, maxQueued: 0 }))
    const running = client.executeQuery('SELECT pg_sleep(0.3)')
    const refused = await client.executeQuery('SELECT 1').catch((e: unknown) => e)
    expect(refused).toBeInstanceOf(PoolExhaustedError)
    expect((await client.getDiagnostics()).resilience.bulkhead).toMatchObject({
      active: 1,
      queued: 0,
      rejected: 1,
    })
    await running
    // getDiagnostics() itself reads the WLM queues (its pool-sizing hint) through the same bulkhead,
    // which was still full: that read is refused too. The metric counts every refusal the bulkhead made.
    const rejected = (await client.getDiagnostics()).resilience.bulkhead?.rejected ?? 0
    expect(rejected).toBeGreaterThanOrEqual(1)
    const rejections = await sdk.points(CLIENT_METRICS.rejections.name, { 'redshift.policy': 'bulkhead' })
    expect(rejections.map(([, v]) => v)).toContain(rejected)
  })

  it('a failed COPY statement carrying keys is logged without them', async () => {
    proxy.setMode({ kind: 'pass' })
    const client = clientThroughProxy()
    const error = await client
      .executeQuery(
        `COPY obs_events FROM 's3://no-such-bucket/x.csv' CREDENTIALS 'aws_access_key_id=${ACCESS_KEY};aws_secret_access_key=${SECRET_LITERAL}' CSV`,
      )
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(Error)
    expect(lines.some((l) => l.fields.event === 'statement_failed')).toBe(true)
  })

  it('serves the metrics to Prometheus through the OpenTelemetry Prometheus exporter', async () => {
    const exporter = new PrometheusExporter({ preventServerStart: true })
    const meterProvider = new MeterProvider({ readers: [exporter] })
    const http = createServer((req, res) => exporter.getMetricsRequestHandler(req, res))
    http.listen(0, '127.0.0.1')
    await once(http, 'listening')
    try {
      const client = createClient(
        configFor(server)
          .poolSize(1)
          .telemetry({ meterProvider, tracerProvider: sdk.tracerProvider })
          .build(),
      )
      clients.push(client)
      await client.executeQuery('SELECT 1')
      const { port } = http.address() as AddressInfo
      const body = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text()
      expect(body).toMatch(/^db_client_operation_duration_bucket\{.*db_operation_name="SELECT".*\} 1$/m)
      expect(body).toMatch(/^db_client_connection_count\{.*db_client_connection_state="idle".*\} 1$/m)
      expect(body).toMatch(/^redshift_client_pool_utilization\{/m)
      expect(body).toMatch(
        /^redshift_client_circuit_breaker_state\{.*redshift_circuit_breaker_state="closed".*\} 1$/m,
      )
      await client.close()
    } finally {
      http.close()
      await meterProvider.shutdown()
    }
  })

  it('reports progress of queries, streams (rows, bytes, rates) and batches (chunks), and traces a stream for its lifetime', async () => {
    proxy.setMode({ kind: 'pass' })
    const client = clientThroughProxy((b) => b.poolSize(2).fetchSize(100))
    const reports: Progress[] = []
    const onProgress = (p: Progress) => reports.push(p)
    await client.executeQuery('SELECT 1 AS one', { onProgress })
    expect(reports.map((p) => p.phase)).toEqual(['started', 'finished'])
    expect(reports[1]).toMatchObject({ operation: 'query', rows: 1 })

    reports.length = 0
    const stream = await client.streamResults('SELECT g FROM generate_series(1, 250) g', { onProgress })
    let read = 0
    for await (const _row of stream) read++
    expect(read).toBe(250)
    const running = reports.filter((p) => p.operation === 'stream' && p.phase === 'running')
    expect(running.map((p) => p.rows)).toEqual([100, 200, 250])
    expect(running.every((p) => typeof p.rowsPerSecond === 'number')).toBe(true)
    // Each DataRow of one int4 in text: 11 bytes of framing plus its digits (9 of 1, 90 of 2, 151 of 3).
    const wireBytes = 250 * 11 + 9 + 90 * 2 + 151 * 3
    const bytesSeen = running.map((p) => p.bytes ?? -1)
    expect(bytesSeen.every((b, i) => b > 0 && b >= (bytesSeen[i - 1] ?? 0))).toBe(true)
    expect(running.every((p) => typeof p.bytesPerSecond === 'number')).toBe(true)
    expect(reports.at(-1)).toMatchObject({
      operation: 'stream',
      phase: 'finished',
      rows: 250,
      bytes: wireBytes,
    })
    const lifetime = sdk.spans.getFinishedSpans().find((s) => s.name === 'redshift stream')
    expect(lifetime?.attributes).toMatchObject({
      'db.response.returned_rows': 250,
      'redshift.stream.bytes': wireBytes,
      'redshift.stream.completed': true,
    })

    reports.length = 0
    const stmt = await client.prepare('obs_insert', 'INSERT INTO obs_events VALUES ($1, $2)')
    await client.batchExecute(
      stmt,
      Array.from({ length: 5 }, (_, i) => [i, `row ${i}`]),
      { onProgress },
    )
    const chunks = reports.filter((p) => p.operation === 'batch' && p.phase === 'running')
    expect(chunks.length).toBeGreaterThan(0)
    expect(chunks.at(-1)).toMatchObject({ rows: 5, chunksDone: chunks.at(-1)?.chunksTotal })
  })

  it('never logs or traces a password, key or secret literal, in any scenario above', () => {
    const logged = JSON.stringify(lines)
    const traced = JSON.stringify(sdk.spans.getFinishedSpans().map((s) => [s.name, s.attributes, s.events]))
    expect(lines.length).toBeGreaterThan(10)
    for (const secret of [server.password, SECRET_LITERAL, ACCESS_KEY]) {
      expect(logged).not.toContain(secret)
      expect(traced).not.toContain(secret)
    }
  })
})
