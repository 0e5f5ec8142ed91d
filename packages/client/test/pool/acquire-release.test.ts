import { describe, expect, it } from 'vitest'
import { Pool } from '../../src/transport/wire/pool.js'
import { fakeFactory, flush } from './fake-factory.js'

describe('pool: acquire and release', () => {
  it('reuses a released connection instead of opening another', async () => {
    const factory = fakeFactory()
    const pool = new Pool(factory, { max: 3, acquireTimeoutMs: 1000 })
    const a = await pool.acquire()
    a.release()
    const b = await pool.acquire()
    expect(b.connection).toBe(a.connection)
    expect(factory.created).toHaveLength(1)
    b.release()
    await pool.close()
  })

  it('opens up to max connections, then queues callers first come first served', async () => {
    const factory = fakeFactory()
    const pool = new Pool(factory, { max: 2, acquireTimeoutMs: 1000 })
    const a = await pool.acquire()
    const b = await pool.acquire()
    const order: string[] = []
    const c = pool.acquire().then((lease) => {
      order.push('c')
      return lease
    })
    const d = pool.acquire().then((lease) => {
      order.push('d')
      return lease
    })
    await flush()
    expect(pool.stats()).toMatchObject({ total: 2, active: 2, idle: 0, waiting: 2 })
    b.release()
    const leaseC = await c
    expect(leaseC.connection).toBe(b.connection)
    a.release()
    const leaseD = await d
    expect(leaseD.connection).toBe(a.connection)
    expect(order).toEqual(['c', 'd'])
    expect(factory.created).toHaveLength(2)
    leaseC.release()
    leaseD.release()
    await pool.close()
  })

  it('ignores a second release of the same lease, so a stale lease cannot free a connection lent again', async () => {
    const factory = fakeFactory()
    const pool = new Pool(factory, { max: 1, acquireTimeoutMs: 1000 })
    const first = await pool.acquire()
    expect(first.release()).toBe(true)
    const second = await pool.acquire()
    expect(second.connection).toBe(first.connection)
    expect(first.release()).toBe(false)
    expect(pool.stats()).toMatchObject({ active: 1, idle: 0 })
    // The connection is still held by `second`, so a third caller must wait.
    const third = pool.acquire()
    await flush()
    expect(pool.stats().waiting).toBe(1)
    second.release()
    ;(await third).release()
    await pool.close()
  })

  it('rejects the caller whose new connection failed to open, and serves the next one', async () => {
    const factory = fakeFactory()
    factory.createFailures.push(new Error('connect ECONNREFUSED'))
    const pool = new Pool(factory, { max: 1, acquireTimeoutMs: 1000 })
    await expect(pool.acquire()).rejects.toThrow('ECONNREFUSED')
    expect(pool.stats()).toMatchObject({ total: 0, pending: 0 })
    const lease = await pool.acquire()
    expect(lease.connection.id).toBe(1)
    lease.release()
    await pool.close()
  })

  it('hands a waiter a new connection when a failed open frees capacity', async () => {
    const factory = fakeFactory()
    let open!: () => void
    factory.createGate = new Promise((resolve) => {
      open = resolve
    })
    factory.createFailures.push(new Error('boom'))
    const pool = new Pool(factory, { max: 1, acquireTimeoutMs: 1000 })
    const first = pool.acquire()
    const second = pool.acquire()
    await flush()
    expect(pool.stats()).toMatchObject({ pending: 1, waiting: 1 })
    factory.createGate = undefined
    open()
    await expect(first).rejects.toThrow('boom')
    const lease = await second
    expect(lease.connection.closed).toBe(false)
    lease.release()
    await pool.close()
  })

  it('refuses bad sizes with a message naming the field', () => {
    expect(() => new Pool(fakeFactory(), { max: 0, acquireTimeoutMs: 1 })).toThrow(/max must be/)
    expect(() => new Pool(fakeFactory(), { max: 2, min: 3, acquireTimeoutMs: 1 })).toThrow(/min must be/)
  })
})
