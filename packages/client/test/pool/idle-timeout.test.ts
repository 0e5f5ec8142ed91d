import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { Pool } from '../../src/transport/wire/pool.js'
import { fakeFactory, flush } from './fake-factory.js'

describe('pool: idle timeout and warm minimum', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('closes connections idle longer than idleTimeout, down to min', async () => {
    const factory = fakeFactory()
    const pool = new Pool(factory, { max: 3, min: 1, acquireTimeoutMs: 1000, idleTimeoutMs: 10_000 })
    const leases = await Promise.all([pool.acquire(), pool.acquire(), pool.acquire()])
    for (const lease of leases) lease.release()
    expect(pool.stats()).toMatchObject({ total: 3, idle: 3 })
    await vi.advanceTimersByTimeAsync(9_999)
    expect(pool.stats().total).toBe(3)
    await vi.advanceTimersByTimeAsync(1)
    expect(pool.stats()).toMatchObject({ total: 1, idle: 1, destroyedTotal: 2 })
    expect(factory.destroyed).toHaveLength(2)
    await pool.close()
  })

  it('does not idle out a connection that was reused in the meantime', async () => {
    const factory = fakeFactory()
    const pool = new Pool(factory, { max: 1, acquireTimeoutMs: 1000, idleTimeoutMs: 1_000 })
    ;(await pool.acquire()).release()
    await vi.advanceTimersByTimeAsync(900)
    const lease = await pool.acquire()
    await vi.advanceTimersByTimeAsync(900)
    expect(lease.connection.closed).toBe(false)
    lease.release()
    await vi.advanceTimersByTimeAsync(999)
    expect(pool.stats().total).toBe(1)
    await vi.advanceTimersByTimeAsync(1)
    expect(pool.stats().total).toBe(0)
    await pool.close()
  })

  it('opens min connections in the background after first use, and none before', async () => {
    const factory = fakeFactory()
    const pool = new Pool(factory, { max: 5, min: 3, acquireTimeoutMs: 1000 })
    await flush()
    expect(factory.created).toHaveLength(0)
    const lease = await pool.acquire()
    await flush()
    expect(pool.stats()).toMatchObject({ total: 3, active: 1, idle: 2 })
    lease.release()
    await pool.close()
  })

  it('replaces a connection below min that died while idle', async () => {
    const factory = fakeFactory()
    const errors: unknown[] = []
    const pool = new Pool(factory, { max: 2, min: 1, acquireTimeoutMs: 1000, onError: (e) => errors.push(e) })
    ;(await pool.acquire()).release()
    const first = factory.created[0]!
    first.die(new Error('terminating connection due to administrator command'))
    await flush()
    expect(first.closed).toBe(true)
    expect(errors).toHaveLength(1)
    expect(pool.stats()).toMatchObject({ total: 1, idle: 1, createdTotal: 2 })
    await pool.close()
  })
})
