import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { PoolExhaustedError } from '../../src/errors/connection-errors.js'
import { Pool } from '../../src/transport/wire/pool.js'
import { fakeFactory, flush } from './fake-factory.js'

describe('pool: acquire timeout', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('fails with PoolExhaustedError once the acquire timeout passes, and counts it', async () => {
    const pool = new Pool(fakeFactory(), { max: 1, acquireTimeoutMs: 500 })
    const held = await pool.acquire()
    const waiting = pool.acquire()
    const outcome = waiting.catch((error: unknown) => error)
    await flush()
    expect(pool.stats().waiting).toBe(1)
    await vi.advanceTimersByTimeAsync(499)
    expect(pool.stats().waiting).toBe(1)
    await vi.advanceTimersByTimeAsync(1)
    const error = await outcome
    expect(error).toBeInstanceOf(PoolExhaustedError)
    expect((error as PoolExhaustedError).message).toMatch(/500 ms.*1 of 1 in use/)
    expect(pool.stats()).toMatchObject({ waiting: 0, acquireTimeoutsTotal: 1, active: 1 })
    held.release()
    await pool.close()
  })

  it('a timed-out waiter does not take the next released connection', async () => {
    const pool = new Pool(fakeFactory(), { max: 1, acquireTimeoutMs: 100 })
    const held = await pool.acquire()
    const late = pool.acquire().catch((error: unknown) => error)
    await vi.advanceTimersByTimeAsync(100)
    expect(await late).toBeInstanceOf(PoolExhaustedError)
    held.release()
    expect(pool.stats()).toMatchObject({ idle: 1, active: 0 })
    await pool.close()
  })

  it('an aborted waiter leaves the queue with the abort reason', async () => {
    const pool = new Pool(fakeFactory(), { max: 1, acquireTimeoutMs: 10_000 })
    const held = await pool.acquire()
    const controller = new AbortController()
    const waiting = pool.acquire(controller.signal).catch((error: unknown) => error)
    await flush()
    controller.abort(new Error('caller gave up'))
    expect(await waiting).toMatchObject({ message: 'caller gave up' })
    expect(pool.stats().waiting).toBe(0)
    held.release()
    await pool.close()
  })

  it('a connection opened after its caller aborted goes back to the pool, so close() is not held', async () => {
    const factory = fakeFactory()
    let open = (): void => undefined
    factory.createGate = new Promise<void>((resolve) => {
      open = resolve
    })
    const pool = new Pool(factory, { max: 2, acquireTimeoutMs: 10_000 })
    const controller = new AbortController()
    const waiting = pool.acquire(controller.signal).catch((error: unknown) => error)
    await flush()
    controller.abort(new Error('caller gave up while connecting'))
    open()
    expect(await waiting).toMatchObject({ message: 'caller gave up while connecting' })
    expect(pool.stats()).toMatchObject({ active: 0 })
    await pool.close()
    expect(factory.destroyed).toHaveLength(factory.created.length)
  })

  it('a waiter that gives up while a connection is being opened for it leaves that connection in the pool', async () => {
    const factory = fakeFactory()
    const pool = new Pool(factory, { max: 1, acquireTimeoutMs: 10_000 })
    const held = await pool.acquire()
    const controller = new AbortController()
    const waiting = pool.acquire(controller.signal).catch((error: unknown) => error)
    await flush()
    let open = (): void => undefined
    factory.createGate = new Promise<void>((resolve) => {
      open = resolve
    })
    // The held connection dies: the pool opens a new one for the waiter, which gives up meanwhile.
    held.release(new Error('connection lost'))
    await flush()
    controller.abort(new Error('gave up while its connection was opening'))
    expect(await waiting).toMatchObject({ message: 'gave up while its connection was opening' })
    open()
    await flush()
    expect(pool.stats()).toMatchObject({ active: 0, idle: 1 })
    await pool.close()
  })
})
