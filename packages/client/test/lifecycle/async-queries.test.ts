import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { createClient, type RedshiftClient } from '../../src/client.js'
import {
  NotFoundError,
  QueryCancelledError,
  QueryFailedError,
  QueryTimeoutError,
} from '../../src/errors/index.js'
import type { AsyncQueryHandle, QueryStatus } from '../../src/query/async-query-handle.js'
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

/** Polls the status until `done` says so (each poll is a round trip or a settled state). */
async function pollUntil(
  handle: AsyncQueryHandle,
  done: (s: QueryStatus) => boolean,
): Promise<QueryStatus[]> {
  const seen: QueryStatus[] = []
  const deadline = Date.now() + 15_000
  while (Date.now() < deadline) {
    const status = await client.getQueryStatus(handle)
    seen.push(status)
    if (done(status)) return seen
    // The client polls as a caller would; the state changes on the server's time.
    await new Promise((r) => setTimeout(r, 10))
  }
  throw new Error(`status never reached the expected state: ${seen.at(-1)?.state}`)
}

describe('async queries', () => {
  it('returns a handle at once, runs on its own connection, and is polled to completion', async () => {
    const submitted = Date.now()
    const handle = await client.executeQueryAsync(
      'SELECT g AS n FROM generate_series(1, 5) AS g, (SELECT pg_sleep(1.5)) AS s',
    )
    // The query sleeps 1.5 s: a handle that came back well before that did not wait for it.
    expect(Date.now() - submitted).toBeLessThan(1000)
    expect(handle.queryId).toMatch(/^async-/)
    const states = await pollUntil(handle, (s) => s.state === 'finished')
    expect(states.some((s) => s.state === 'running')).toBe(true)
    const running = states.find((s) => s.state === 'running' && s.redshiftQueryId !== '')
    expect(running?.sessionId).toMatch(/^\d+$/)
    const final = states.at(-1) as QueryStatus
    expect(final).toMatchObject({ state: 'finished', rowCount: 5, error: null, resultsAvailable: true })
    expect(final.redshiftQueryId).toMatch(/^\d+$/)
    expect(final.elapsedMs).toBeGreaterThanOrEqual(250)
    expect(final.finishedAt?.getTime()).toBeGreaterThanOrEqual(final.startedAt?.getTime() ?? Infinity)
    const result = await client.getQueryResults(handle)
    expect(result.rows.map((r) => r.get('n'))).toEqual([1, 2, 3, 4, 5])
    expect(result.queryId).toBe(final.redshiftQueryId)
    // Released once fetched: the status says so, and a second fetch fails.
    expect((await client.getQueryStatus(handle)).resultsAvailable).toBe(false)
    await expect(client.getQueryResults(handle)).rejects.toBeInstanceOf(NotFoundError)
    // Its metrics are Redshift's, found through the handle.
    const metrics = await client.getQueryMetrics(handle)
    expect(metrics.queryId).toBe(final.redshiftQueryId)
  })

  it('getQueryResults waits until done, with a timeout that leaves the query running', async () => {
    const handle = await client.executeQueryAsync('SELECT pg_sleep(0.5), 42 AS answer')
    await expect(client.getQueryResults(handle, { timeoutMs: 50 })).rejects.toBeInstanceOf(QueryTimeoutError)
    const result = await client.getQueryResults(handle)
    expect(result.rows[0]?.get('answer')).toBe(42)
  })

  it('getQueryResults stops waiting when its signal aborts', async () => {
    const handle = await client.executeQueryAsync('SELECT pg_sleep(0.5)')
    const controller = new AbortController()
    const waiting = client.getQueryResults(handle, { signal: controller.signal })
    controller.abort()
    await expect(waiting).rejects.toBeInstanceOf(QueryCancelledError)
    expect((await client.getQueryStatus(handle)).state).not.toBe('cancelled')
    await client.getQueryResults(handle)
  })

  it('is cancelled through its own session: QueryCancelledError, state cancelled', async () => {
    const handle = await client.executeQueryAsync('SELECT pg_sleep(30)')
    await pollUntil(handle, (s) => s.state === 'running' && s.redshiftQueryId !== '')
    const outcome = await client.cancelQuery(handle.queryId)
    expect(outcome).toMatchObject({ cancelled: true, outcome: 'cancelled', method: 'protocol' })
    const status = await client.getQueryStatus(handle)
    expect(status.state).toBe('cancelled')
    expect(status.error).toBeInstanceOf(QueryCancelledError)
    await expect(client.getQueryResults(handle)).rejects.toBeInstanceOf(QueryCancelledError)
    // Cancelling it again is a no-op that says so.
    expect(await client.cancelQuery(handle)).toMatchObject({ cancelled: false, outcome: 'already-finished' })
  })

  it('is cancelled through its Redshift query id too', async () => {
    const handle = await client.executeQueryAsync('SELECT pg_sleep(30)')
    const [running] = (await pollUntil(handle, (s) => s.redshiftQueryId !== '')).slice(-1)
    const outcome = await client.cancelQuery(running?.redshiftQueryId ?? '')
    expect(outcome).toMatchObject({ cancelled: true, method: 'protocol' })
    expect((await client.getQueryStatus(handle)).state).toBe('cancelled')
  })

  it('reports a failed query with its error', async () => {
    const handle = await client.executeQueryAsync('SELECT * FROM no_such_table_here')
    const [failed] = (await pollUntil(handle, (s) => s.state === 'failed')).slice(-1)
    expect(failed?.error).toMatchObject({ code: 'NOT_FOUND', sqlState: '42P01' })
    await expect(client.getQueryResults(handle)).rejects.toBeInstanceOf(NotFoundError)
  })

  it('a statement timeout fails the query (not cancelled)', async () => {
    const handle = await client.executeQueryAsync({ sql: 'SELECT pg_sleep(10)', params: [], timeoutMs: 200 })
    const [ended] = (await pollUntil(handle, (s) => s.state === 'failed' || s.state === 'cancelled')).slice(
      -1,
    )
    expect(ended?.state).toBe('failed')
    expect(ended?.error).toBeInstanceOf(QueryTimeoutError)
  })

  it('handles expire after their TTL, results unfetched or not', async () => {
    const short = createClient(configFor(server).build(), { asyncResultTtlMs: 50 })
    const handle = await short.executeQueryAsync('SELECT 1 AS one')
    await pollUntil2(short, handle)
    const expired = await waitForNotFound(short, handle)
    expect(expired).toBeInstanceOf(NotFoundError)
    await short.close()
  })

  it('an aborted signal cancels the async query', async () => {
    const controller = new AbortController()
    const handle = await client.executeQueryAsync('SELECT pg_sleep(30)', { signal: controller.signal })
    await pollUntil(handle, (s) => s.state === 'running')
    controller.abort()
    await expect(client.getQueryResults(handle)).rejects.toBeInstanceOf(QueryCancelledError)
  })

  it('a bad SQL text fails the query, not the submission', async () => {
    const handle = await client.executeQueryAsync('SELEC 1')
    await expect(client.getQueryResults(handle)).rejects.toBeInstanceOf(QueryFailedError)
  })
})

async function pollUntil2(c: RedshiftClient, handle: AsyncQueryHandle): Promise<void> {
  const deadline = Date.now() + 15_000
  while (Date.now() < deadline) {
    if ((await c.getQueryStatus(handle)).state === 'finished') return
    await new Promise((r) => setTimeout(r, 10))
  }
}

async function waitForNotFound(c: RedshiftClient, handle: AsyncQueryHandle): Promise<unknown> {
  for (let i = 0; i < 400; i++) {
    const error = await c.getQueryStatus(handle).then(
      () => undefined,
      (e: unknown) => e,
    )
    if (error !== undefined) return error
    await new Promise((r) => setTimeout(r, 5))
  }
  return undefined
}
