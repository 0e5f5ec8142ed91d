import { describe, expect, it } from 'vitest'
import { Pool } from '../../src/transport/wire/pool.js'
import { fakeFactory, flush } from './fake-factory.js'

describe('pool: eviction', () => {
  it('closes a connection released with an error instead of reusing it', async () => {
    const factory = fakeFactory()
    const pool = new Pool(factory, { max: 1, acquireTimeoutMs: 1000 })
    const lease = await pool.acquire()
    lease.release(new Error('Connection terminated unexpectedly'))
    expect(lease.connection.closed).toBe(true)
    expect(pool.stats()).toMatchObject({ total: 0, destroyedTotal: 1 })
    const next = await pool.acquire()
    expect(next.connection).not.toBe(lease.connection)
    next.release()
    await pool.close()
  })

  it('serves a waiter with a new connection when the held one is evicted', async () => {
    const factory = fakeFactory()
    const pool = new Pool(factory, { max: 1, acquireTimeoutMs: 1000 })
    const lease = await pool.acquire()
    const waiting = pool.acquire()
    await flush()
    lease.release(new Error('broken'))
    const next = await waiting
    expect(next.connection.id).toBe(2)
    next.release()
    await pool.close()
  })

  it('closes a connection that died while lent when it is released, even without an error', async () => {
    const factory = fakeFactory()
    const pool = new Pool(factory, { max: 1, acquireTimeoutMs: 1000, onError: () => undefined })
    const lease = await pool.acquire()
    lease.connection.die(new Error('socket hang up'))
    expect(lease.connection.closed).toBe(false)
    lease.release()
    expect(lease.connection.closed).toBe(true)
    await pool.close()
  })

  it('never pools a connection the factory says is not reusable (a transaction left open)', async () => {
    const factory = fakeFactory()
    const pool = new Pool(factory, { max: 1, acquireTimeoutMs: 1000 })
    const lease = await pool.acquire()
    lease.connection.reusable = false
    lease.release()
    expect(lease.connection.closed).toBe(true)
    expect(pool.stats().idle).toBe(0)
    await pool.close()
  })
})
