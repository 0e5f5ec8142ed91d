import { describe, expect, it } from 'vitest'
import { PoolClosedError } from '../../src/errors/connection-errors.js'
import { Pool } from '../../src/transport/wire/pool.js'
import { type FakeConnection, fakeFactory, flush } from './fake-factory.js'

const A = { key: 'a' }
const B = { key: 'b' }

describe('pool: shared leases', () => {
  it('shares only once every connection is busy and no more may be opened', async () => {
    const factory = fakeFactory()
    const pool = new Pool(factory, { max: 2, maxShared: 3, acquireTimeoutMs: 1000 })
    const first = await pool.acquireShared(A)
    const second = await pool.acquireShared(A)
    expect(second.connection).not.toBe(first.connection)
    const third = await pool.acquireShared(A)
    const fourth = await pool.acquireShared(A)
    // Spread over both connections, least busy first.
    expect([third.connection, fourth.connection].map((c) => c.id).sort()).toEqual([1, 2])
    expect(factory.created).toHaveLength(2)
    expect(pool.stats()).toMatchObject({ total: 2, active: 2, idle: 0, waiting: 0, acquiredTotal: 4 })
    for (const lease of [first, second, third, fourth]) lease.release()
    expect(pool.stats()).toMatchObject({ total: 2, active: 0, idle: 2 })
    await pool.close()
  })

  it('puts at most maxShared leases on one connection, then queues', async () => {
    const pool = new Pool(fakeFactory(), { max: 1, maxShared: 2, acquireTimeoutMs: 1000 })
    const a = await pool.acquireShared(A)
    const b = await pool.acquireShared(A)
    expect(b.connection).toBe(a.connection)
    let third: FakeConnection | undefined
    const waiting = pool.acquireShared(A).then((lease) => {
      third = lease.connection
      return lease
    })
    await flush()
    expect(third).toBeUndefined()
    expect(pool.stats()).toMatchObject({ active: 1, waiting: 1 })
    a.release()
    const c = await waiting
    expect(c.connection).toBe(b.connection)
    b.release()
    c.release()
    expect(pool.stats()).toMatchObject({ active: 0, idle: 1 })
    await pool.close()
  })

  it('never shares between different keys, nor with an exclusive lease', async () => {
    const pool = new Pool(fakeFactory(), { max: 1, maxShared: 4, acquireTimeoutMs: 1000 })
    const exclusive = await pool.acquire()
    let sharedGranted = false
    const shared = pool.acquireShared(A).then((lease) => {
      sharedGranted = true
      return lease
    })
    await flush()
    expect(sharedGranted).toBe(false)
    exclusive.release()
    const a = await shared
    let otherGranted = false
    const other = pool.acquireShared(B).then((lease) => {
      otherGranted = true
      return lease
    })
    await flush()
    expect(otherGranted).toBe(false)
    a.release()
    ;(await other).release()
    expect(otherGranted).toBe(true)
    await pool.close()
  })

  it('asks joinable() before joining a busy connection', async () => {
    const pool = new Pool(fakeFactory(), { max: 1, maxShared: 4, acquireTimeoutMs: 1000 })
    let allow = false
    const share = { key: 'a', joinable: () => allow }
    const a = await pool.acquireShared(share)
    let joined = false
    const waiting = pool.acquireShared(share).then((lease) => {
      joined = true
      return lease
    })
    await flush()
    expect(joined).toBe(false)
    allow = true
    a.release()
    ;(await waiting).release()
    await pool.close()
  })

  it('does not starve an exclusive waiter: shared callers behind it wait until it is served', async () => {
    const pool = new Pool(fakeFactory(), { max: 1, maxShared: 4, acquireTimeoutMs: 1000 })
    const a = await pool.acquireShared(A)
    const order: string[] = []
    const exclusive = pool.acquire().then((lease) => {
      order.push('exclusive')
      return lease
    })
    const late = pool.acquireShared(A).then((lease) => {
      order.push('shared')
      return lease
    })
    await flush()
    // The connection had room, but a waiter was already queued ahead.
    expect(pool.stats()).toMatchObject({ waiting: 2 })
    a.release()
    const x = await exclusive
    await flush()
    expect(order).toEqual(['exclusive'])
    x.release()
    ;(await late).release()
    expect(order).toEqual(['exclusive', 'shared'])
    await pool.close()
  })

  it('lets queued shared callers join a connection as soon as it is handed out', async () => {
    const factory = fakeFactory()
    let open: () => void = () => undefined
    factory.createGate = new Promise<void>((resolve) => {
      open = resolve
    })
    const pool = new Pool(factory, { max: 1, maxShared: 3, acquireTimeoutMs: 1000 })
    const leases = Promise.all([1, 2, 3].map(() => pool.acquireShared(A)))
    await flush()
    expect(pool.stats()).toMatchObject({ pending: 1, waiting: 2 })
    open()
    const all = await leases
    expect(new Set(all.map((l) => l.connection)).size).toBe(1)
    expect(pool.stats()).toMatchObject({ total: 1, active: 1, waiting: 0 })
    for (const lease of all) lease.release()
    await pool.close()
  })

  it('closes a connection released with an error once its other leases are back, and lets nobody join it', async () => {
    const factory = fakeFactory()
    const pool = new Pool(factory, { max: 1, maxShared: 3, acquireTimeoutMs: 1000 })
    const a = await pool.acquireShared(A)
    const b = await pool.acquireShared(A)
    a.release(new Error('socket lost'))
    expect(factory.destroyed).toHaveLength(0)
    let joined = false
    const next = pool.acquireShared(A).then((lease) => {
      joined = true
      return lease
    })
    await flush()
    expect(joined).toBe(false)
    b.release()
    const c = await next
    expect(factory.destroyed.map((d) => d.id)).toEqual([1])
    expect(c.connection.id).toBe(2)
    c.release()
    await pool.close()
  })

  it('stops joins to a connection that died, and drops it when the last lease is back', async () => {
    const factory = fakeFactory()
    const pool = new Pool(factory, { max: 2, maxShared: 3, acquireTimeoutMs: 1000 })
    const a = await pool.acquireShared(A)
    const b = await pool.acquireShared(A)
    a.connection.die(new Error('terminated'))
    const c = await pool.acquireShared(A)
    expect(c.connection).toBe(b.connection)
    a.release()
    expect(pool.stats()).toMatchObject({ total: 1, destroyedTotal: 1 })
    b.release()
    c.release()
    await pool.close()
  })

  it('close() waits for every shared lease, and refuses new ones', async () => {
    const factory = fakeFactory()
    const pool = new Pool(factory, { max: 1, maxShared: 2, acquireTimeoutMs: 1000 })
    const a = await pool.acquireShared(A)
    const b = await pool.acquireShared(A)
    let closed = false
    const closing = pool.close().then(() => {
      closed = true
    })
    await expect(pool.acquireShared(A)).rejects.toBeInstanceOf(PoolClosedError)
    a.release()
    await flush()
    expect(closed).toBe(false)
    expect(a.connection.closed).toBe(false)
    b.release()
    await closing
    expect(factory.destroyed).toHaveLength(1)
  })

  it('with maxShared 1 (the default) a shared lease is an exclusive one', async () => {
    const pool = new Pool(fakeFactory(), { max: 1, acquireTimeoutMs: 50 })
    const a = await pool.acquireShared(A)
    await expect(pool.acquireShared(A)).rejects.toMatchObject({ code: 'POOL_EXHAUSTED' })
    a.release()
    await pool.close()
  })

  it('refuses a maxShared below 1', () => {
    expect(() => new Pool(fakeFactory(), { max: 1, maxShared: 0, acquireTimeoutMs: 1 })).toThrow(/maxShared/)
  })
})
