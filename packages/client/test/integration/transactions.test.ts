import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { wireTransportFromConfig } from '../../src/client/wire-transport-from-config.js'
import { createClient, type RedshiftClient } from '../../src/client.js'
import {
  SerializationConflictError,
  TransactionAbortedError,
  ValidationError,
} from '../../src/errors/index.js'
import { configFor, startTestServer, type TestServer } from './server.js'

let server: TestServer
let client: RedshiftClient

beforeAll(async () => {
  server = await startTestServer()
  client = createClient(configFor(server).poolSize(4).retryBackoff(10).build())
  await client.executeQuery('CREATE TABLE accounts (id int PRIMARY KEY, balance int NOT NULL)')
})
afterEach(async () => {
  expect(client.getPoolStats()).toMatchObject({ active: 0, waiting: 0 })
  await client.executeQuery('TRUNCATE accounts')
})
afterAll(async () => {
  await client?.close()
  await server?.stop()
})

async function balances(): Promise<Record<string, unknown>[]> {
  return (await client.executeQuery('SELECT id, balance FROM accounts ORDER BY id')).toObjects()
}

class InsufficientFunds extends Error {}

describe('transactions', () => {
  it('commits through the client, and rolls back through the transaction', async () => {
    const tx = await client.beginTransaction()
    expect(await tx.execute('INSERT INTO accounts VALUES (1, 100), (2, 50)')).toBe(2)
    await client.commit(tx)
    expect(tx.state).toBe('committed')
    const tx2 = await client.beginTransaction()
    await tx2.query('UPDATE accounts SET balance = 0')
    await tx2.rollback()
    expect(await balances()).toEqual([
      { id: 1, balance: 100 },
      { id: 2, balance: 50 },
    ])
    await expect(tx2.query('SELECT 1')).rejects.toBeInstanceOf(ValidationError)
  })

  it('refuses to pretend a failed transaction committed', async () => {
    const tx = await client.beginTransaction()
    await tx.execute('INSERT INTO accounts VALUES (1, 1)')
    await expect(tx.query('SELECT * FROM nowhere')).rejects.toMatchObject({ code: 'NOT_FOUND' })
    await expect(tx.query('SELECT 1')).rejects.toBeInstanceOf(TransactionAbortedError)
    await expect(tx.commit()).rejects.toBeInstanceOf(TransactionAbortedError)
    expect(await balances()).toEqual([])
  })

  it('executeInTransaction commits and returns the function value', async () => {
    const n = await client.executeInTransaction(async (tx) => {
      await tx.execute('INSERT INTO accounts VALUES (1, 10)')
      return tx.execute('UPDATE accounts SET balance = balance + 5')
    })
    expect(n).toBe(1)
    expect(await balances()).toEqual([{ id: 1, balance: 15 }])
  })

  it('executeInTransaction rolls back on a user error and rethrows it unchanged', async () => {
    const thrown = new InsufficientFunds('not enough')
    let runs = 0
    const error = await client
      .executeInTransaction(async (tx) => {
        runs++
        await tx.execute('INSERT INTO accounts VALUES (1, 10)')
        throw thrown
      })
      .catch((e: unknown) => e)
    expect(error).toBe(thrown)
    expect(runs).toBe(1)
    expect(await balances()).toEqual([])
  })

  it('reruns the whole function after a serialization conflict, with backoff', async () => {
    await client.executeQuery('INSERT INTO accounts VALUES (1, 100), (2, 100)')
    // Classic write skew: each transaction reads both rows, then writes one. Serializable isolation
    // must abort one of them (40001 on PostgreSQL, error 1023 on Redshift); it is then rerun.
    let bothRead!: () => void
    let reads = 0
    const barrier = new Promise<void>((resolve) => {
      bothRead = resolve
    })
    let runs = 0
    const withdraw = (id: number) =>
      client.executeInTransaction(async (tx) => {
        runs++
        const total = (await tx.query('SELECT sum(balance)::int AS total FROM accounts')).rows[0]?.get(
          'total',
        )
        if (++reads === 2) bothRead()
        if (reads <= 2) await barrier
        if ((total as number) < 150) throw new InsufficientFunds()
        await tx.execute(`UPDATE accounts SET balance = balance - 100 WHERE id = ${id}`)
      })
    const outcomes = await Promise.allSettled([withdraw(1), withdraw(2)])
    expect(runs).toBe(3)
    // The rerun sees the first withdrawal and refuses: the invariant (total >= 50) holds.
    const rejected = outcomes.filter((o) => o.status === 'rejected')
    expect(rejected).toHaveLength(1)
    expect((rejected[0] as PromiseRejectedResult).reason).toBeInstanceOf(InsufficientFunds)
    const total = (await balances()).reduce((sum, r) => sum + (r.balance as number), 0)
    expect(total).toBe(100)
  })

  it('gives up after maxRetries conflicts with the SerializationConflictError', async () => {
    await client.executeQuery('INSERT INTO accounts VALUES (1, 100)')
    let runs = 0
    const error = await client
      .executeInTransaction(
        async (tx) => {
          runs++
          await tx.query('SELECT 1')
          // A conflict as PostgreSQL reports it, raised by the server inside the transaction.
          await tx.query("DO $$ BEGIN RAISE EXCEPTION 'conflict' USING ERRCODE = '40001'; END $$")
        },
        { maxRetries: 2, retryBackoffMs: 1 },
      )
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(SerializationConflictError)
    expect((error as SerializationConflictError).metadata.attempts).toBe(3)
    expect(runs).toBe(3)
  })

  it('never returns a connection to the pool with a transaction open', async () => {
    const transport = wireTransportFromConfig(configFor(server).poolSize(1).build(), () => undefined)
    const none = { timeoutMs: null, queryGroup: null }
    const session = await transport.openSession()
    await session.execute({ sql: 'BEGIN', params: [], settings: none })
    await session.execute({ sql: 'INSERT INTO accounts VALUES (7, 7)', params: [], settings: none })
    expect(session.inTransaction).toBe(true)
    session.release()
    expect(transport.stats()).toMatchObject({ total: 0, destroyedTotal: 1 })
    const next = await transport.execute({
      sql: 'SELECT count(*)::int FROM accounts',
      params: [],
      settings: none,
    })
    expect(next.rows).toEqual([[0]])
    await transport.close()
  })
})
