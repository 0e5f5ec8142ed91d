import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { Pool } from '../../src/transport/wire/pool.js'
import { fakeFactory } from './fake-factory.js'

describe('pool: validation of idle connections', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('does not validate a connection that was idle only briefly', async () => {
    const factory = fakeFactory()
    const pool = new Pool(factory, { max: 1, acquireTimeoutMs: 1000, validateAfterIdleMs: 5_000 })
    ;(await pool.acquire()).release()
    await vi.advanceTimersByTimeAsync(4_999)
    const lease = await pool.acquire()
    expect(lease.connection.validations).toBe(0)
    lease.release()
    await pool.close()
  })

  it('validates a connection idle past the threshold and keeps it when valid', async () => {
    const factory = fakeFactory()
    const pool = new Pool(factory, { max: 1, acquireTimeoutMs: 1000, validateAfterIdleMs: 5_000 })
    ;(await pool.acquire()).release()
    await vi.advanceTimersByTimeAsync(5_000)
    const lease = await pool.acquire()
    expect(lease.connection.validations).toBe(1)
    expect(factory.created).toHaveLength(1)
    lease.release()
    await pool.close()
  })

  it('discards a connection that fails validation and opens a new one', async () => {
    const factory = fakeFactory()
    const pool = new Pool(factory, { max: 1, acquireTimeoutMs: 1000, validateAfterIdleMs: 5_000 })
    ;(await pool.acquire()).release()
    await vi.advanceTimersByTimeAsync(6_000)
    factory.validateResult = false
    const lease = await pool.acquire()
    expect(factory.created).toHaveLength(2)
    expect(factory.created[0]!.closed).toBe(true)
    expect(lease.connection.id).toBe(2)
    expect(lease.connection.validations).toBe(0)
    lease.release()
    await pool.close()
  })
})
