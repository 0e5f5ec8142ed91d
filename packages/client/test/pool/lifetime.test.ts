import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { Pool } from '../../src/transport/wire/pool.js'
import { fakeFactory } from './fake-factory.js'

describe('pool: max lifetime', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('closes an idle connection when it reaches maxLifetime', async () => {
    const factory = fakeFactory()
    const pool = new Pool(factory, { max: 2, acquireTimeoutMs: 1000, maxLifetimeMs: 60_000 })
    ;(await pool.acquire()).release()
    await vi.advanceTimersByTimeAsync(59_999)
    expect(factory.destroyed).toHaveLength(0)
    await vi.advanceTimersByTimeAsync(1)
    expect(factory.destroyed).toHaveLength(1)
    expect(pool.stats().total).toBe(0)
    await pool.close()
  })

  it('lets a lent connection finish its work, and closes it on release past its lifetime', async () => {
    const factory = fakeFactory()
    const pool = new Pool(factory, { max: 2, acquireTimeoutMs: 1000, maxLifetimeMs: 60_000 })
    const lease = await pool.acquire()
    await vi.advanceTimersByTimeAsync(120_000)
    expect(lease.connection.closed).toBe(false)
    lease.release()
    expect(lease.connection.closed).toBe(true)
    const next = await pool.acquire()
    expect(next.connection).not.toBe(lease.connection)
    next.release()
    await pool.close()
  })
})
