import { describe, expect, it } from 'vitest'
import { LatencyWindow } from '../../src/transport/wire/latency-window.js'
import { Pool } from '../../src/transport/wire/pool.js'
import { fakeFactory } from './fake-factory.js'

describe('pool: stats', () => {
  it('counts acquisitions, opens and closes', async () => {
    const pool = new Pool(fakeFactory(), { max: 4, acquireTimeoutMs: 1000 })
    const a = await pool.acquire()
    const b = await pool.acquire()
    a.release()
    b.release(new Error('evict'))
    ;(await pool.acquire()).release()
    expect(pool.stats()).toMatchObject({
      total: 1,
      idle: 1,
      active: 0,
      waiting: 0,
      pending: 0,
      max: 4,
      min: 0,
      acquiredTotal: 3,
      createdTotal: 2,
      destroyedTotal: 1,
      acquireTimeoutsTotal: 0,
      closed: false,
    })
    const { p50, p95, p99 } = pool.stats().acquireTimeMs
    expect(p50).toBeGreaterThanOrEqual(0)
    expect(p99).toBeGreaterThanOrEqual(p95)
    await pool.close()
  })

  it('computes nearest-rank percentiles over a bounded window', () => {
    const window = new LatencyWindow(100)
    expect(window.percentiles()).toEqual({ p50: 0, p95: 0, p99: 0 })
    for (let ms = 1000; ms >= 1; ms--) window.add(ms)
    // Only the last 100 samples (100..1) remain.
    expect(window.percentiles()).toEqual({ p50: 50, p95: 95, p99: 99 })
  })
})
