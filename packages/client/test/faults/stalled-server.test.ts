import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { createClient, type RedshiftClient } from '../../src/client.js'
import {
  ConnectionLostError,
  QueryCancelledError,
  QueryTimeoutError,
  ValidationError,
} from '../../src/errors/index.js'
import { QueryBuilder } from '../../src/query/query-builder.js'
import type { Transaction } from '../../src/transaction/transaction.js'
import { configFor, startTestServer, type TestServer } from '../integration/server.js'
import { StallProxy } from './stall-proxy.js'

// Issue 10, items 5 and 9: a server that stops answering (a frozen gateway, a stalled network) must
// not hold a call past its deadline or signal, nor `close()` past its bound; resets and abandoned
// transactions must not cost connections or calls.

let server: TestServer
let proxy: StallProxy
const clients: RedshiftClient[] = []

beforeAll(async () => {
  server = await startTestServer()
})
beforeEach(async () => {
  proxy = await StallProxy.start(server.host, server.port)
})
afterEach(async () => {
  proxy.resume()
  await Promise.all(clients.splice(0).map((c) => c.close()))
  await proxy.close()
})
afterAll(async () => {
  await server?.stop()
})

function throughProxy(configure = (b: ReturnType<typeof configFor>) => b): RedshiftClient {
  const client = createClient(
    configure(
      configFor(server).endpoint(proxy.host, proxy.port, server.database).closeTimeout(1_000),
    ).build(),
  )
  clients.push(client)
  return client
}

const slow = (ms: number) => new QueryBuilder('SELECT 1 AS one').timeout(ms).build()

describe('a server that stops answering', () => {
  it('a timeout settles executeQuery at its deadline, and the connection is replaced', async () => {
    const client = throughProxy((b) => b.poolSize(2))
    expect((await client.executeQuery('SELECT 1 AS one')).rows[0]?.get('one')).toBe(1)
    proxy.stall()
    const started = Date.now()
    const error = await client.executeQuery(slow(2_000)).catch((e: unknown) => e)
    const elapsed = Date.now() - started
    expect(error).toBeInstanceOf(QueryTimeoutError)
    expect(error).toMatchObject({ timeoutMs: 2_000 })
    // timeout + the 1 s grace, and nothing more to speak of.
    expect(elapsed).toBeGreaterThanOrEqual(2_000)
    expect(elapsed).toBeLessThan(4_500)
    proxy.resume()
    const created = client.getPoolStats().createdTotal
    expect((await client.executeQuery('SELECT 2 AS two')).rows[0]?.get('two')).toBe(2)
    expect(client.getPoolStats().createdTotal).toBe(created + 1)
  })

  it('an AbortSignal settles the call within its bound even when the cancel goes unanswered', async () => {
    const client = throughProxy()
    await client.executeQuery('SELECT 1')
    proxy.stall()
    const controller = new AbortController()
    const pending = client.executeQuery('SELECT 1', { signal: controller.signal })
    setTimeout(() => controller.abort(), 200)
    const started = Date.now()
    await expect(pending).rejects.toBeInstanceOf(QueryCancelledError)
    expect(Date.now() - started).toBeLessThan(4_000)
  })

  it('a timeout settles a transaction statement too, and rollback() then resolves', async () => {
    const client = throughProxy()
    const tx = await client.beginTransaction()
    proxy.stall()
    await expect(tx.query(slow(500))).rejects.toBeInstanceOf(QueryTimeoutError)
    // The connection was dropped: the server rolls the transaction back; rollback() says so by resolving.
    await expect(tx.rollback()).resolves.toBeUndefined()
    expect(tx.state).toBe('rolled-back')
  })

  it('close() finishes within closeTimeout, failing the calls still waiting on the server', async () => {
    const client = throughProxy()
    await client.executeQuery('SELECT 1')
    proxy.stall()
    const hanging = client.executeQuery('SELECT 1').catch((e: unknown) => e)
    await new Promise((resolve) => setTimeout(resolve, 100))
    const started = Date.now()
    await client.close()
    expect(Date.now() - started).toBeLessThan(4_000)
    expect(await hanging).toBeInstanceOf(ConnectionLostError)
  })

  it('readTimeout drops a connection that receives nothing, with a ConnectionLostError saying why', async () => {
    const client = throughProxy((b) => b.readTimeout(500))
    await client.executeQuery('SELECT 1')
    proxy.stall()
    const started = Date.now()
    const error = await client.executeQuery('SELECT 1').catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ConnectionLostError)
    expect((error as Error).message).toMatch(/sent nothing for 500 ms \(readTimeout\)/)
    expect(Date.now() - started).toBeLessThan(3_000)
  })
})

describe('idle connections reset by the server', () => {
  it('a query right after the reset goes out on a fresh connection', async () => {
    const client = throughProxy((b) => b.poolSize(2).maxRetries(0))
    await Promise.all([client.executeQuery('SELECT pg_sleep(0.05)'), client.executeQuery('SELECT 1')])
    expect(client.getPoolStats()).toMatchObject({ total: 2, idle: 2 })
    proxy.resetAll()
    // maxRetries(0): nothing may be retried, so only a fresh connection can answer.
    expect((await client.executeQuery('SELECT 3 AS three')).rows[0]?.get('three')).toBe(3)
  })
})

describe('parameters that do not match the placeholders', () => {
  it('are refused before sending, naming both counts, and the connection is kept', async () => {
    const client = throughProxy((b) => b.poolSize(1))
    const pid = (await client.executeQuery('SELECT pg_backend_pid() AS pid')).rows[0]?.get('pid')
    const error = await client
      .executeQuery(new QueryBuilder('SELECT $1::int + $2::int').param(1).build())
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ValidationError)
    expect(error).toMatchObject({ retryable: false, sent: false })
    expect((error as Error).message).toMatch(/2 placeholders .* but 1 parameter was given/)
    const again = await client.executeQuery('SELECT pg_backend_pid() AS pid')
    expect(again.rows[0]?.get('pid')).toBe(pid)
    expect(client.getPoolStats()).toMatchObject({ createdTotal: 1, destroyedTotal: 0 })
  })
})

describe('an abandoned transaction', () => {
  it('gives its connection back once garbage-collected', async () => {
    setFlagsFromString('--expose-gc')
    const gc = runInNewContext('gc') as () => void
    const client = throughProxy((b) => b.poolSize(1).connectionTimeout(1_000))
    const begin = async (): Promise<void> => {
      const tx: Transaction = await client.beginTransaction()
      await tx.query('SELECT 1')
      // Dropped here: neither commit() nor rollback().
    }
    await begin()
    expect(client.getPoolStats()).toMatchObject({ active: 1 })
    await expect
      .poll(
        async () => {
          gc()
          await new Promise((resolve) => setImmediate(resolve))
          return client.getPoolStats().active
        },
        { timeout: 10_000, interval: 50 },
      )
      .toBe(0)
    expect((await client.executeQuery('SELECT 4 AS four')).rows[0]?.get('four')).toBe(4)
  })
})
