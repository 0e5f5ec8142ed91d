import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createClient } from '../../src/client.js'
import {
  PoolClosedError,
  PoolExhaustedError,
  QueryCancelledError,
  QueryTimeoutError,
} from '../../src/errors/index.js'
import { QueryBuilder } from '../../src/query/query-builder.js'
import { configFor, startTestServer, type TestServer } from './server.js'

let server: TestServer

beforeAll(async () => {
  server = await startTestServer()
})
afterAll(async () => {
  await server?.stop()
})

async function terminate(pid: string): Promise<void> {
  const admin = await server.admin()
  try {
    await admin.query('SELECT pg_terminate_backend($1)', [Number(pid)])
  } finally {
    await admin.end()
  }
}

describe('the pool against a server', () => {
  it('fails with PoolExhaustedError after the acquire timeout when every connection is busy', async () => {
    const client = createClient(configFor(server).poolSize(1).connectionTimeout(300).build())
    const tx = await client.beginTransaction()
    const started = Date.now()
    const error = await client.executeQuery('SELECT 1').catch((e: unknown) => e)
    expect(error).toBeInstanceOf(PoolExhaustedError)
    expect(Date.now() - started).toBeGreaterThanOrEqual(290)
    expect(client.getPoolStats()).toMatchObject({ active: 1, waiting: 0, acquireTimeoutsTotal: 1 })
    await tx.rollback()
    expect((await client.executeQuery('SELECT 1 AS one')).rows[0]?.get('one')).toBe(1)
    expect(client.getPoolStats()).toMatchObject({ active: 0, idle: 1, total: 1 })
    await client.close()
  })

  it('stops waiting for a connection when the call is aborted', async () => {
    const client = createClient(configFor(server).poolSize(1).connectionTimeout(10_000).build())
    const tx = await client.beginTransaction()
    const controller = new AbortController()
    const waiting = client.executeQuery('SELECT 1', { signal: controller.signal }).catch((e: unknown) => e)
    await expect.poll(() => client.getPoolStats().waiting).toBe(1)
    controller.abort()
    expect(await waiting).toBeInstanceOf(QueryCancelledError)
    expect(client.getPoolStats().waiting).toBe(0)
    await tx.rollback()
    await client.close()
  })

  it('evicts a connection whose backend was terminated while idle, and opens a new one', async () => {
    const client = createClient(configFor(server).poolSize(1).build())
    const first = await client.executeQuery('SELECT pg_backend_pid() AS pid')
    const pid = String(first.rows[0]?.get('pid'))
    await terminate(pid)
    // The server's FATAL notice reaches the idle socket: the pool drops the connection by itself.
    await expect.poll(() => client.getPoolStats().total).toBe(0)
    const second = await client.executeQuery('SELECT pg_backend_pid() AS pid')
    expect(String(second.rows[0]?.get('pid'))).not.toBe(pid)
    expect(client.getPoolStats()).toMatchObject({ total: 1, active: 0, createdTotal: 2, destroyedTotal: 1 })
    await client.close()
  })

  it('evicts a connection terminated in the middle of a transaction, and the pool recovers', async () => {
    const client = createClient(configFor(server).poolSize(1).build())
    const tx = await client.beginTransaction()
    await terminate(tx.sessionId)
    await expect(tx.query('SELECT 1')).rejects.toMatchObject({ code: 'CONNECTION_LOST' })
    await tx.rollback().catch(() => undefined)
    expect(client.getPoolStats()).toMatchObject({ total: 0, active: 0 })
    expect((await client.executeQuery('SELECT 2 AS two')).rows[0]?.get('two')).toBe(2)
    expect(client.getPoolStats()).toMatchObject({ total: 1, active: 0 })
    await client.close()
  })

  it('keeps minConnections open once used', async () => {
    const client = createClient(configFor(server).poolSize(4).minConnections(2).build())
    await client.executeQuery('SELECT 1')
    await expect.poll(() => client.getPoolStats().total).toBe(2)
    await client.close()
  })

  it('drains on close: running work finishes, open transactions roll back, new work is refused', async () => {
    const client = createClient(configFor(server).poolSize(2).build())
    await client.executeQuery('CREATE TABLE IF NOT EXISTS drained (id int)')
    const tx = await client.beginTransaction()
    await tx.query('INSERT INTO drained VALUES (1)')
    const running = client.executeQuery('SELECT pg_sleep(0.3)::text AS done')
    const closing = client.close()
    await expect(client.executeQuery('SELECT 1')).rejects.toBeInstanceOf(PoolClosedError)
    expect((await running).rows[0]?.get('done')).toBe('')
    await closing
    expect(tx.state).toBe('rolled-back')
    expect(client.getPoolStats()).toMatchObject({ total: 0, closed: true })
    const admin = await server.admin()
    const { rows } = await admin.query('SELECT count(*)::int AS n FROM drained')
    await admin.end()
    expect(rows[0].n).toBe(0)
  })
})

describe('a deadline on a pipelined connection', () => {
  it('fails only its own call: the statements pipelined behind it still get their answers', async () => {
    const client = createClient(configFor(server).poolSize(1).pipelineDepth(4).build())
    try {
      const sleep = () =>
        client.executeQuery(new QueryBuilder('SELECT pg_sleep(0.9), 1 AS done').timeout(1_000).build()).then(
          () => 'ok',
          (e: unknown) => (e instanceof QueryTimeoutError ? 'timeout' : String(e)),
        )
      // Three sleeps on the one connection: the third runs from about 1.8 s to 2.7 s, so its client
      // deadline (timeout + 1 s grace, from when it was sent) passes while it runs.
      const sleeps = [sleep(), sleep(), sleep()]
      await new Promise((resolve) => setTimeout(resolve, 1_500))
      // Pipelined behind the third, with a deadline of its own well after the third's answer.
      const behind = client.executeQuery(new QueryBuilder('SELECT 42 AS answer').timeout(1_000).build())
      const outcomes = await Promise.all(sleeps)
      // The third at least passed its deadline (a loaded machine may make the second pass it too);
      // none failed any other way.
      expect(outcomes[2]).toBe('timeout')
      expect(outcomes.every((o) => o === 'ok' || o === 'timeout')).toBe(true)
      expect((await behind).rows[0]?.get('answer')).toBe(42)
      // The connection the deadline passed on was kept: the server was answering all along.
      expect(client.getPoolStats()).toMatchObject({ createdTotal: 1, destroyedTotal: 0 })
    } finally {
      await client.close()
    }
  })
})
