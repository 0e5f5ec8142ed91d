import { describe, expect, it } from 'vitest'
import { PoolClosedError } from '../../src/errors/connection-errors.js'
import { Pool } from '../../src/transport/wire/pool.js'
import { fakeFactory, flush } from './fake-factory.js'

describe('pool: close', () => {
  it('waits for lent connections to come back, then closes everything', async () => {
    const factory = fakeFactory()
    const pool = new Pool(factory, { max: 2, acquireTimeoutMs: 1000 })
    const a = await pool.acquire()
    const b = await pool.acquire()
    b.release()
    let closed = false
    const closing = pool.close().then(() => {
      closed = true
    })
    await flush()
    expect(closed).toBe(false)
    expect(b.connection.closed).toBe(false)
    a.release()
    await closing
    expect(closed).toBe(true)
    expect(factory.destroyed.map((c) => c.id).sort()).toEqual([1, 2])
    expect(pool.stats()).toMatchObject({ total: 0, closed: true })
  })

  it('rejects waiters and later acquires with PoolClosedError', async () => {
    const pool = new Pool(fakeFactory(), { max: 1, acquireTimeoutMs: 1000 })
    const held = await pool.acquire()
    const waiting = pool.acquire().catch((error: unknown) => error)
    await flush()
    const closing = pool.close()
    expect(await waiting).toBeInstanceOf(PoolClosedError)
    await expect(pool.acquire()).rejects.toBeInstanceOf(PoolClosedError)
    held.release()
    await closing
  })

  it('returns the same promise when called twice, and closes a connection still opening', async () => {
    const factory = fakeFactory()
    let open!: () => void
    factory.createGate = new Promise((resolve) => {
      open = resolve
    })
    const pool = new Pool(factory, { max: 1, acquireTimeoutMs: 1000 })
    const acquiring = pool.acquire().catch((error: unknown) => error)
    await flush()
    const first = pool.close()
    expect(pool.close()).toBe(first)
    open()
    expect(await acquiring).toBeInstanceOf(PoolClosedError)
    await first
    expect(factory.created[0]!.closed).toBe(true)
  })
})
