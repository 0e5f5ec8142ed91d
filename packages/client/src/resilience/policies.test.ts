import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import {
  CircuitOpenError,
  ConnectionFailedError,
  ConnectionLostError,
  PoolExhaustedError,
  RateLimitedError,
} from '../errors/connection-errors.js'
import { QueryFailedError } from '../errors/query-errors.js'
import { Bulkhead } from './bulkhead.js'
import { type CircuitTransition, EndpointCircuitBreaker } from './circuit-breaker.js'
import { TokenBucket } from './rate-limiter.js'
import { Resilience } from './resilience.js'

const refused = () => Promise.reject(new ConnectionFailedError('refused'))
const ok = () => Promise.resolve('ok')

describe('EndpointCircuitBreaker', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['Date'] })
    vi.setSystemTime(1_000_000)
  })
  afterEach(() => vi.useRealTimers())

  it('opens after N consecutive endpoint failures, fails fast with the next probe time, then half-opens', async () => {
    const transitions: CircuitTransition[] = []
    const breaker = new EndpointCircuitBreaker('h:5439', { threshold: 3, halfOpenAfterMs: 5_000 }, (t) =>
      transitions.push(t),
    )
    for (let i = 0; i < 3; i++)
      await expect(breaker.execute(refused)).rejects.toBeInstanceOf(ConnectionFailedError)
    expect(breaker.snapshot()).toMatchObject({ state: 'open', opens: 1, nextProbeAt: 1_005_000 })
    expect(transitions).toEqual([
      expect.objectContaining({ from: 'closed', to: 'open', nextProbeAt: 1_005_000, endpoint: 'h:5439' }),
    ])
    const send = vi.fn(ok)
    vi.setSystemTime(1_002_000)
    const error = await breaker.execute(send).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(CircuitOpenError)
    expect((error as CircuitOpenError).retryAfterMs).toBe(3_000)
    expect(send).not.toHaveBeenCalled()
    vi.setSystemTime(1_005_001)
    await expect(breaker.execute(send)).resolves.toBe('ok')
    expect(send).toHaveBeenCalledOnce()
    expect(transitions.map((t) => t.to)).toEqual(['open', 'half-open', 'closed'])
    expect(breaker.snapshot()).toMatchObject({ state: 'closed', consecutiveFailures: 0, rejected: 1 })
  })

  it('re-opens when the half-open probe fails', async () => {
    const breaker = new EndpointCircuitBreaker('h:5439', { threshold: 1, halfOpenAfterMs: 1_000 })
    await expect(breaker.execute(refused)).rejects.toThrow()
    vi.setSystemTime(1_001_500)
    await expect(breaker.execute(refused)).rejects.toBeInstanceOf(ConnectionFailedError)
    expect(breaker.snapshot()).toMatchObject({ state: 'open', opens: 2, nextProbeAt: 1_002_500 })
  })

  it('does not count server errors of the statement itself', async () => {
    const breaker = new EndpointCircuitBreaker('h:5439', { threshold: 2 })
    for (let i = 0; i < 5; i++) {
      await expect(breaker.execute(() => Promise.reject(new QueryFailedError('syntax')))).rejects.toThrow()
    }
    expect(breaker.snapshot().state).toBe('closed')
  })

  it('opens on a failure rate over the window', async () => {
    const breaker = new EndpointCircuitBreaker('h:5439', {
      threshold: 0,
      failureRate: { threshold: 0.5, windowMs: 10_000, minimumCalls: 10 },
    })
    for (let i = 0; i < 5; i++) {
      await breaker.execute(ok)
      await expect(breaker.execute(refused)).rejects.toThrow()
    }
    expect(breaker.snapshot().state).toBe('closed')
    await expect(breaker.execute(refused)).rejects.toThrow()
    expect(breaker.snapshot().state).toBe('open')
  })

  it('does not count sessions lost once open (a burst of terminated sessions), only failed connects', async () => {
    const breaker = new EndpointCircuitBreaker('h:5439', { threshold: 2 })
    for (let i = 0; i < 10; i++) {
      await expect(
        breaker.execute(() =>
          Promise.reject(new ConnectionLostError('Connection terminated unexpectedly', { fault: 'network' })),
        ),
      ).rejects.toBeInstanceOf(ConnectionLostError)
    }
    expect(breaker.snapshot()).toMatchObject({ state: 'closed', consecutiveFailures: 0 })
    await expect(breaker.execute(refused)).rejects.toBeInstanceOf(ConnectionFailedError)
    await expect(breaker.execute(refused)).rejects.toBeInstanceOf(ConnectionFailedError)
    expect(breaker.snapshot().state).toBe('open')
  })
})

describe('TokenBucket', () => {
  it('admits a burst, then spaces statements, and refuses a wait beyond maxWaitMs', async () => {
    let t = 0
    const bucket = new TokenBucket({ statementsPerSecond: 10, burst: 2, maxWaitMs: 150 }, () => t)
    expect(bucket.take()).toBeUndefined()
    expect(bucket.take()).toBeUndefined()
    const third = bucket.take()
    expect(third).toBeInstanceOf(Promise)
    expect(bucket.state().waiting).toBe(1)
    // The fourth would wait 200 ms for its token: more than maxWaitMs.
    const refusal = (() => {
      try {
        bucket.take()
      } catch (e) {
        return e
      }
      return undefined
    })()
    expect(refusal).toBeInstanceOf(RateLimitedError)
    expect((refusal as RateLimitedError).retryAfterMs).toBe(200)
    await third
    expect(bucket.state()).toMatchObject({ waiting: 0, rejected: 1 })
    t = 10_000
    expect(bucket.state().available).toBe(2)
  })

  it('gives the token back when the waiter aborts', async () => {
    const bucket = new TokenBucket({ statementsPerSecond: 1, burst: 1, maxWaitMs: 5_000 }, () => 0)
    bucket.take()
    const controller = new AbortController()
    const wait = bucket.take(controller.signal)
    controller.abort()
    await expect(wait).rejects.toThrow()
    expect(bucket.state().available).toBe(0)
    expect(() => bucket.take()).not.toThrow()
  })
})

describe('Bulkhead', () => {
  it('runs maxConcurrent at once, queues maxQueued, refuses the rest with PoolExhaustedError', async () => {
    let rejects = 0
    const bulkhead = new Bulkhead({ maxConcurrent: 1, maxQueued: 1 }, () => rejects++)
    let release: () => void = () => undefined
    const first = bulkhead.execute(() => new Promise<string>((r) => (release = () => r('first'))))
    const second = bulkhead.execute(ok)
    expect(bulkhead.state()).toMatchObject({ active: 1, queued: 1 })
    await expect(bulkhead.execute(ok)).rejects.toBeInstanceOf(PoolExhaustedError)
    expect(rejects).toBe(1)
    release()
    await expect(first).resolves.toBe('first')
    await expect(second).resolves.toBe('ok')
    expect(bulkhead.state()).toMatchObject({ active: 0, queued: 0, rejected: 1 })
  })
})

describe('Resilience', () => {
  const call = { operation: 'query', idempotent: false, inTransaction: false }

  it('retries through the breaker, counts each attempt, and honours retry: false', async () => {
    const events: string[] = []
    const policies = new Resilience(
      {
        endpoint: 'h:5439',
        retry: { maxRetries: 5, backoffMs: 0, budget: false },
        circuitBreaker: { threshold: 3, halfOpenAfterMs: 60_000 },
      },
      {
        onRetry: (e) => events.push(`retry ${e.attempt}`),
        onRejected: (p) => events.push(`rejected ${p}`),
        onCircuitTransition: (t) => events.push(`${t.from}->${t.to}`),
      },
    )
    const send = vi.fn(refused)
    await expect(policies.run(call, send)).rejects.toBeInstanceOf(CircuitOpenError)
    expect(send).toHaveBeenCalledTimes(3)
    expect(events).toEqual(['retry 1', 'retry 2', 'closed->open', 'retry 3', 'rejected circuit-breaker'])
    expect(policies.state()).toMatchObject({ retry: { retries: 3 }, circuitBreaker: { state: 'open' } })

    const other = new Resilience({
      endpoint: 'h:5439',
      retry: { maxRetries: 5, backoffMs: 0, budget: false },
    })
    const once = vi.fn(refused)
    await expect(other.run({ ...call, options: { retry: false } }, once)).rejects.toThrow()
    expect(once).toHaveBeenCalledOnce()
  })

  it('answers an open breaker in well under a millisecond without calling the transport', async () => {
    const policies = new Resilience({
      endpoint: 'h:5439',
      retry: { maxRetries: 0, backoffMs: 0 },
      circuitBreaker: { threshold: 1, halfOpenAfterMs: 60_000 },
    })
    await expect(policies.run(call, refused)).rejects.toThrow()
    const send = vi.fn(ok)
    const start = performance.now()
    for (let i = 0; i < 1_000; i++) await policies.run(call, send).catch(() => undefined)
    expect((performance.now() - start) / 1_000).toBeLessThan(1)
    expect(send).not.toHaveBeenCalled()
  })

  it('never retries a statement inside a transaction', async () => {
    const policies = new Resilience({
      endpoint: 'h:5439',
      retry: { maxRetries: 3, backoffMs: 0, budget: false },
    })
    const send = vi.fn(refused)
    await expect(
      policies.run({ ...call, operation: 'transaction', inTransaction: true }, send),
    ).rejects.toThrow()
    expect(send).toHaveBeenCalledOnce()
  })

  it('reports a refused rate-limit and bulkhead', async () => {
    const rejected: string[] = []
    const policies = new Resilience(
      {
        endpoint: 'h:5439',
        retry: { maxRetries: 0, backoffMs: 0 },
        rateLimit: { statementsPerSecond: 1, burst: 1, maxWaitMs: 0 },
        bulkhead: { maxConcurrent: 1, maxQueued: 0 },
      },
      { onRejected: (p) => rejected.push(p) },
    )
    await policies.run(call, ok)
    await expect(policies.run(call, ok)).rejects.toBeInstanceOf(RateLimitedError)
    let release: () => void = () => undefined
    const slow = new Resilience(
      { endpoint: 'h:5439', retry: { maxRetries: 0, backoffMs: 0 }, bulkhead: { maxConcurrent: 1 } },
      { onRejected: (p) => rejected.push(p) },
    )
    const holding = slow.run(call, () => new Promise<void>((r) => (release = r)))
    await expect(slow.run(call, ok)).rejects.toBeInstanceOf(PoolExhaustedError)
    release()
    await holding
    expect(rejected).toEqual(['rate-limit', 'bulkhead'])
    expect(policies.state().rateLimiter).toMatchObject({ rejected: 1 })
  })
})
