/**
 * WLM through the client against the shared local Redshift (queues of test/global-setup.ts: etl,
 * analysts, short with a 1.5 s max_execution_time, default): queue state, running queries, cancelling
 * one by id, the WLM timeout, and the pool-sizing hint.
 */
import { context, trace } from '@opentelemetry/api'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { createClient, type RedshiftClient } from '../../src/client.js'
import { RedshiftConfig } from '../../src/config/redshift-config.js'
import { QueryCancelledError } from '../../src/errors/index.js'
import { QueryBuilder } from '../../src/query/query-builder.js'
import { poolSizingHint, redactQueryText } from '../../src/workload/workload.js'
import { configFor, startTestServer, type TestServer } from '../integration/server.js'
import { capturingLogger, type LogLine, otelSdk } from '../observability/telemetry-harness.js'

let server: TestServer
let client: RedshiftClient

beforeAll(async () => {
  server = await startTestServer()
  client = createClient(configFor(server).poolSize(4).build())
})
afterAll(async () => {
  await client?.close()
  await server?.stop()
})

describe('getQueueState', () => {
  it('lists the queues as Redshift numbers them, with groups, slots and limits', async () => {
    const queues = await client.getQueueState()
    expect(queues.map((q) => [q.serviceClass, q.name, q.slots])).toEqual([
      [5, 'Superuser queue', 1],
      [6, 'etl', 2],
      [7, 'analysts', 3],
      [8, 'short', 2],
      [9, 'default', 20],
    ])
    expect(queues[1]).toMatchObject({
      queryGroups: ['etl', 'load*'],
      queryGroupWildcard: true,
      superuser: false,
    })
    expect(queues[2]).toMatchObject({ userGroups: ['analysts'], maxExecutionTimeMs: 0 })
    expect(queues[3]).toMatchObject({ maxExecutionTimeMs: 1500 })
    expect(queues[0]).toMatchObject({ superuser: true, queryGroups: ['superuser'] })
  })
})

describe('getRunningQueries and cancel by id', () => {
  it('shows a running query with its queue and label, and cancels it by query id', async () => {
    const sleeper = createClient(configFor(server).poolSize(1).build())
    const running = sleeper.executeQuery(
      new QueryBuilder("SELECT pg_sleep(20), 'secret-value' AS s").queryGroup('etl').label('nightly').build(),
    )
    running.catch(() => undefined)
    let found: Awaited<ReturnType<RedshiftClient['getRunningQueries']>>[number] | undefined
    await vi.waitFor(
      async () => {
        // This test's statement: other files sleep on the same shared server at the same time.
        found = (await client.getRunningQueries()).find((q) => q.queryText.includes('pg_sleep(?), ? AS s'))
        expect(found?.state).toBe('running')
      },
      { timeout: 10_000, interval: 100 },
    )
    expect(found).toMatchObject({ serviceClass: 6, queue: 'etl', user: 'awsuser' })
    expect(found?.label).toBe('etl')
    expect(found?.queryText).toContain('SELECT pg_sleep(?), ? AS s')
    expect(found?.queryText).not.toContain('secret-value')
    expect(found?.pid).toBeGreaterThan(0)
    const outcome = await client.cancelQuery(found?.queryId ?? '')
    expect(outcome.cancelled).toBe(true)
    await expect(running).rejects.toBeInstanceOf(QueryCancelledError)
    await sleeper.close()
  })

  it("ends a query past its queue's max_execution_time with the WLM timeout error", async () => {
    const error = await client
      .executeQuery(new QueryBuilder('SELECT pg_sleep(10)').queryGroup('short').build())
      .then(
        () => undefined,
        (e: unknown) => e,
      )
    expect(error).toMatchObject({ sqlState: '57014' })
    expect((error as Error).message).toMatch(/^Query \(\d+\) cancelled by WLM timeout/)
    expect((error as Error).message).toContain('"short"')
  })
})

describe('pool sizing', () => {
  it('getDiagnostics compares the pool with 2x the WLM slots', async () => {
    const d = await client.getDiagnostics()
    expect(d.wlm).toMatchObject({ wlmSlots: 27, recommendedPoolSize: 54, poolSize: 4 })
    expect(d.wlm?.advice).toContain('smaller than the WLM slots')
  })

  it('poolSizingHint is quiet when the pool is within range', () => {
    const queue = {
      serviceClass: 6,
      name: 'q',
      slots: 5,
      running: 0,
      queued: 0,
      serviced: 0,
      maxExecutionTimeMs: 0,
      queryGroups: [],
      userGroups: [],
      queryGroupWildcard: false,
      userGroupWildcard: false,
      superuser: false,
    }
    expect(poolSizingHint([queue], 10).advice).toBeNull()
    expect(poolSizingHint([queue], 50).advice).toContain('more than twice')
  })

  it('redacts literals from query text', () => {
    expect(redactQueryText("select * from t where name = 'ada' and id = 42")).toBe(
      'select * from t where name = ? and id = ?',
    )
  })
})

describe('spans name the WLM queue (telemetry wlmQueue)', () => {
  it("by Redshift's routing rules over the configuration read once; a user who cannot read it gets none, told once", async () => {
    const sdk = otelSdk()
    const lines: LogLine[] = []
    const telemetry = { tracerProvider: sdk.tracerProvider, meterProvider: sdk.meterProvider, wlmQueue: true }
    const admin = createClient(configFor(server).poolSize(2).telemetry(telemetry).build())
    const analyst = createClient(
      RedshiftConfig.builder()
        .endpoint(server.host, server.port, server.database)
        .withDatabaseAuth('analyst', 'Analyst-pw1')
        .sslMode('disable')
        .telemetry(telemetry)
        .logger(capturingLogger(lines))
        .build(),
    )
    const queueOf = async (c: RedshiftClient, sql: string, queryGroup?: string) => {
      sdk.spans.reset()
      const q = new QueryBuilder(sql)
      await c.executeQuery((queryGroup === undefined ? q : q.queryGroup(queryGroup)).build())
      const span = sdk.spans.getFinishedSpans().find((s) => s.attributes['redshift.operation'] === 'query')
      return span?.attributes['redshift.wlm.queue']
    }
    try {
      // The first statement, inside a request's span, starts the read and does not wait for it; the
      // read's own statements are not part of that request's trace.
      const request = sdk.tracerProvider.getTracer('test').startSpan('request')
      await context.with(trace.setSpan(context.active(), request), () => admin.executeQuery('SELECT 0'))
      request.end()
      const reads = () =>
        sdk.spans.getFinishedSpans().filter((x) => String(x.attributes['db.query.text']).includes('stv_wlm'))
      await expect.poll(() => reads().length, { timeout: 10_000 }).toBeGreaterThan(0)
      expect(reads().map((x) => x.parentSpanContext?.spanId)).toEqual(reads().map(() => undefined))
      await expect.poll(() => queueOf(admin, 'SELECT 1', 'load_nightly'), { timeout: 10_000 }).toBe('etl')
      expect(await queueOf(admin, 'SELECT 2')).toBe('default')
      expect(await queueOf(admin, 'SELECT 3', 'superuser')).toBe('Superuser queue')
      await analyst.executeQuery('SELECT 4')
      await expect.poll(() => lines.filter((l) => l.fields.event === 'wlm_queue_unavailable').length).toBe(1)
      expect(await queueOf(analyst, 'SELECT 5')).toBeUndefined()
      expect(lines.filter((l) => l.fields.event === 'wlm_queue_unavailable')).toHaveLength(1)
    } finally {
      await Promise.all([admin.close(), analyst.close()])
    }
  })
})
