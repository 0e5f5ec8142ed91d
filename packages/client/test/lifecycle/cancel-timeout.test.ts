import type pg from 'pg'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { createClient, type RedshiftClient } from '../../src/client.js'
import {
  NotFoundError,
  QueryCancelledError,
  QueryTimeoutError,
  ValidationError,
} from '../../src/errors/index.js'
import { QueryBuilder } from '../../src/query/query-builder.js'
import { configFor, startTestServer, type TestServer } from '../integration/server.js'

let server: TestServer
let client: RedshiftClient

beforeAll(async () => {
  server = await startTestServer()
  client = createClient(configFor(server).poolSize(4).build())
})
afterEach(() => {
  expect(client.getPoolStats()).toMatchObject({ active: 0, waiting: 0 })
})
afterAll(async () => {
  await client?.close()
  await server?.stop()
})

/** A session of another client, running `pg_sleep` until cancelled; resolves with its outcome. */
async function sleepingSession(): Promise<{ pid: number; done: Promise<unknown>; admin: pg.Client }> {
  const admin = await server.admin()
  const pid = (await admin.query('SELECT pg_backend_pid() AS pid')).rows[0].pid as number
  const done = admin.query('SELECT pg_sleep(30)').then(
    () => 'finished',
    (error: unknown) => error,
  )
  // Running once the engine lists it (STV_INFLIGHT flushes the gateway's log first).
  const probe = await server.admin()
  for (let i = 0; i < 200; i++) {
    const r = await probe.query('SELECT query FROM stv_inflight WHERE pid = $1', [pid])
    if (r.rows.length > 0) break
  }
  await probe.end()
  return { pid, done, admin }
}

describe('timeouts', () => {
  it("a query's timeout becomes statement_timeout: QueryTimeoutError, not a cancel", async () => {
    const started = Date.now()
    const error = await client
      .executeQuery(new QueryBuilder('SELECT pg_sleep(10)').timeout(300).build())
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(QueryTimeoutError)
    expect(error).not.toBeInstanceOf(QueryCancelledError)
    expect(error).toMatchObject({ code: 'QUERY_TIMEOUT', sqlState: '57014', timeoutMs: 300 })
    expect(Date.now() - started).toBeLessThan(5_000)
  })

  it('the configured defaultTimeout applies, capped by maxQueryTimeout', async () => {
    const capped = createClient(configFor(server).defaultTimeout(200).maxQueryTimeout(400).build())
    await expect(capped.executeQuery('SELECT pg_sleep(10)')).rejects.toMatchObject({ timeoutMs: 200 })
    // A query's own longer timeout is capped by maxQueryTimeout.
    await expect(
      capped.executeQuery(new QueryBuilder('SELECT pg_sleep(10)').timeout(60_000).build()),
    ).rejects.toMatchObject({ code: 'QUERY_TIMEOUT', timeoutMs: 400 })
    const shown = await capped.executeQuery('SHOW statement_timeout')
    expect(String(shown.rows[0]?.values[0])).toMatch(/^200(ms)?$/)
    await capped.close()
  })

  it('the client-side deadline cancels a query the server lets run past its timeout', async () => {
    // The statement turns the server's statement_timeout off for itself: only the client's deadline is left.
    const started = Date.now()
    const error = await client
      .executeQuery(new QueryBuilder('SET statement_timeout TO 0; SELECT pg_sleep(20)').timeout(300).build())
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(QueryTimeoutError)
    expect(Date.now() - started).toBeLessThan(8_000)
    // The connection was cleaned up or discarded: the next query runs normally.
    expect((await client.executeQuery('SELECT 1 AS one')).rows[0]?.get('one')).toBe(1)
  })

  it('a stream round trip is bounded by the query timeout too', async () => {
    const stream = client.streamResults(
      new QueryBuilder(
        'SELECT g, pg_sleep(CASE WHEN g = 50 THEN 10 ELSE 0 END) FROM generate_series(1, 100) g',
      )
        .timeout(300)
        .build(),
      { fetchSize: 10 },
    )
    const opened = await stream
    const error = await (async () => {
      for (let b = await opened.nextBatch(); b !== null; b = await opened.nextBatch());
    })().catch((e: unknown) => e)
    expect(error).toBeInstanceOf(QueryTimeoutError)
    await opened.whenClosed()
  })
})

describe('cancel', () => {
  it("an aborted signal cancels executeQuery's running query: QueryCancelledError", async () => {
    const controller = new AbortController()
    const running = client.executeQuery('SELECT pg_sleep(30)', { signal: controller.signal })
    setTimeout(() => controller.abort(), 200)
    const error = await running.catch((e: unknown) => e)
    expect(error).toBeInstanceOf(QueryCancelledError)
    expect(error).not.toBeInstanceOf(QueryTimeoutError)
  })

  it('an aborted signal with a timeout set still reads as a cancel', async () => {
    const controller = new AbortController()
    const running = client.executeQuery(new QueryBuilder('SELECT pg_sleep(30)').timeout(20_000).build(), {
      signal: controller.signal,
    })
    setTimeout(() => controller.abort(), 200)
    await expect(running).rejects.toBeInstanceOf(QueryCancelledError)
  })

  it("cancels another session's query by its pid with CANCEL", async () => {
    const other = await sleepingSession()
    const outcome = await client.cancelQuery({ pid: other.pid })
    expect(outcome).toMatchObject({
      cancelled: true,
      outcome: 'requested',
      method: 'cancel-statement',
      pid: other.pid,
    })
    const result = await other.done
    expect(result).toMatchObject({ code: '57014' })
    await other.admin.end()
  })

  it("cancels another session's query by its Redshift query id", async () => {
    const other = await sleepingSession()
    const probe = await server.admin()
    const queryId = String(
      (await probe.query('SELECT query FROM stv_inflight WHERE pid = $1', [other.pid])).rows[0].query,
    )
    await probe.end()
    const outcome = await client.cancelQuery(queryId)
    expect(outcome).toMatchObject({ cancelled: true, method: 'cancel-statement', pid: other.pid })
    expect(await other.done).toMatchObject({ code: '57014' })
    // Now it has ended: cancelling again is a no-op that says so.
    const again = await client.cancelQuery(queryId)
    expect(again).toMatchObject({ cancelled: false, outcome: 'already-finished', method: 'none' })
    expect(again.message).toMatch(/already ended/)
    await other.admin.end()
  })

  it('cancelling a finished query is a no-op that says so', async () => {
    const done = await client.executeQuery('SELECT 1')
    const outcome = await client.cancelQuery(done.queryId)
    expect(outcome).toMatchObject({ cancelled: false, outcome: 'already-finished' })
  })

  it('refuses a target that is not a query', async () => {
    await expect(client.cancelQuery('not-a-query')).rejects.toBeInstanceOf(ValidationError)
    await expect(client.cancelQuery({ pid: -1 })).rejects.toBeInstanceOf(ValidationError)
    await expect(client.cancelQuery('987654321')).rejects.toBeInstanceOf(NotFoundError)
  })
})
