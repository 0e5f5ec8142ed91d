import { describe, expect, it } from 'vitest'
import { DEFAULT_LISTENER_LIMITS, resolveListenerLimits } from '../../src/gateway/listener-limits.js'

describe('resolveListenerLimits', () => {
  it('fills in the documented defaults', () => {
    expect(resolveListenerLimits()).toEqual({
      maxConnections: 500,
      authenticationTimeoutMs: 30_000,
      maxLoginDelayMs: 2_000,
    })
    expect(resolveListenerLimits({ maxConnections: 7 })).toEqual({
      ...DEFAULT_LISTENER_LIMITS,
      maxConnections: 7,
    })
  })

  it.each([
    [{ maxConnections: 0 }, /limits\.maxConnections must be an integer of at least 1, got 0/],
    [{ authenticationTimeoutMs: 1.5 }, /limits\.authenticationTimeoutMs must be an integer/],
    [{ maxLoginDelayMs: -1 }, /limits\.maxLoginDelayMs must be an integer of at least 0/],
  ])('refuses %o naming the field', (limits, message) => {
    expect(() => resolveListenerLimits(limits)).toThrow(message)
  })
})
