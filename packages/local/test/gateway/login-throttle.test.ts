import { describe, expect, it } from 'vitest'
import { FREE_LOGIN_FAILURES } from '../../src/gateway/listener-limits.js'
import { LoginThrottle } from '../../src/gateway/login-throttle.js'

/** A throttle on a clock the test moves. */
function throttle(maxDelayMs: number) {
  let now = 1_000_000
  const t = new LoginThrottle(maxDelayMs, () => now)
  return {
    t,
    advance: (ms: number) => {
      now += ms
    },
    /** One failed attempt; returns how long it had to wait. */
    fail: (address = '10.0.0.1', user = 'awsuser') => {
      const wait = t.reserve(address, user)
      t.failed(address, user)
      return wait
    },
  }
}

describe('LoginThrottle', () => {
  it('lets the first attempts through, then spaces attempts 100 ms, 200 ms, ... apart up to the cap', () => {
    const { fail } = throttle(1_000)
    const waits = Array.from({ length: FREE_LOGIN_FAILURES + 6 }, () => fail())
    expect(waits).toEqual([0, 0, 0, 0, 0, 0, 100, 300, 700, 1_500, 2_500])
  })

  it('keys by user and address', () => {
    const { t, fail } = throttle(1_000)
    for (let i = 0; i < 8; i++) fail()
    expect(t.reserve('10.0.0.1', 'analyst')).toBe(0)
    expect(t.reserve('10.0.0.2', 'awsuser')).toBe(0)
    expect(t.reserve('10.0.0.1', 'awsuser')).toBeGreaterThan(0)
  })

  it('forgets a pair after a minute without failure, and after a success', () => {
    const { t, fail, advance } = throttle(1_000)
    for (let i = 0; i < 8; i++) fail()
    advance(60_001 + 10_000)
    expect(t.reserve('10.0.0.1', 'awsuser')).toBe(0)
    for (let i = 0; i < 8; i++) fail()
    advance(10_000)
    t.succeeded('10.0.0.1', 'awsuser')
    expect(t.reserve('10.0.0.1', 'awsuser')).toBe(0)
  })

  it('does nothing with a cap of 0', () => {
    const { fail } = throttle(0)
    expect(Array.from({ length: 20 }, () => fail()).every((w) => w === 0)).toBe(true)
  })
})
