import { describe, expect, it } from 'vitest'
import { ConfigError } from '../errors/client-errors.js'
import {
  CircuitOpenError,
  ConnectionFailedError,
  ConnectionLostError,
  PoolExhaustedError,
  RateLimitedError,
} from '../errors/connection-errors.js'
import { QueryFailedError, QueryTimeoutError, SerializationConflictError } from '../errors/query-errors.js'
import { RetryBudget } from './retry-budget.js'
import { retryReason } from './retry-decision.js'
import { RetryPolicy } from './retry-policy.js'

const plain = { idempotent: false, inTransaction: false }
const idempotent = { idempotent: true, inTransaction: false }
const inTx = { idempotent: true, inTransaction: true }

describe('retryReason', () => {
  it('retries what cannot have run', () => {
    expect(retryReason(new ConnectionFailedError('refused'), plain)).toBe('not-sent')
    expect(retryReason(new RateLimitedError('slow down'), plain)).toBe('throttled')
    const lostBeforeSend = Object.assign(new ConnectionLostError('reset'), { sent: false })
    expect(retryReason(lostBeforeSend, plain)).toBe('not-sent')
  })

  it('never re-sends a statement that may have run unless it is idempotent', () => {
    const lost = new ConnectionLostError('connection reset while the INSERT ran')
    expect(retryReason(lost, plain)).toBeUndefined()
    expect(retryReason(lost, idempotent)).toBe('idempotent')
    expect(retryReason(new QueryTimeoutError('deadline'), idempotent)).toBeUndefined()
    expect(retryReason(new QueryFailedError('syntax error'), idempotent)).toBeUndefined()
  })

  it('re-runs a serialization conflict only where it is the whole transaction', () => {
    expect(retryReason(new SerializationConflictError('1023'), plain)).toBe('serialization-conflict')
    expect(retryReason(new SerializationConflictError('1023'), inTx)).toBeUndefined()
  })

  it('never retries inside a transaction, an open circuit, a full pool or a bad configuration', () => {
    expect(retryReason(new ConnectionFailedError('refused'), inTx)).toBeUndefined()
    expect(retryReason(new CircuitOpenError('open'), idempotent)).toBeUndefined()
    expect(retryReason(new PoolExhaustedError('full'), idempotent)).toBeUndefined()
    expect(retryReason(new ConfigError('bad'), idempotent)).toBeUndefined()
    expect(retryReason(new ConnectionFailedError('TLS', { retryable: false }), idempotent)).toBeUndefined()
  })

  it('classifies raw failures first', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' })
    expect(retryReason(refused, plain)).toBe('not-sent')
  })
})

describe('RetryPolicy', () => {
  const noWait = { maxRetries: 3, backoffMs: 0, budget: false as const }

  it('retries until success and reports each retry', async () => {
    const policy = new RetryPolicy(noWait)
    const seen: string[] = []
    let calls = 0
    const value = await policy.run(
      plain,
      async () => {
        calls++
        if (calls < 3) throw new ConnectionFailedError('refused')
        return 'ok'
      },
      { onRetry: (e) => seen.push(`${e.attempt}:${e.reason}`) },
    )
    expect(value).toBe('ok')
    expect(calls).toBe(3)
    expect(seen).toEqual(['1:not-sent', '2:not-sent'])
    expect(policy.stats().retries).toBe(2)
  })

  it('stops after maxRetries and rethrows the last failure; a per-call count overrides', async () => {
    const policy = new RetryPolicy(noWait)
    let calls = 0
    const fail = async () => {
      calls++
      throw new ConnectionFailedError(`refused ${calls}`)
    }
    await expect(policy.run(plain, fail)).rejects.toThrow('refused 4')
    calls = 0
    await expect(policy.run(plain, fail, { maxRetries: 1 })).rejects.toThrow('refused 2')
  })

  it('does not retry a statement that may have run', async () => {
    const policy = new RetryPolicy(noWait)
    let calls = 0
    await expect(
      policy.run(plain, async () => {
        calls++
        throw new ConnectionLostError('reset')
      }),
    ).rejects.toBeInstanceOf(ConnectionLostError)
    expect(calls).toBe(1)
  })

  it('backs off exponentially with jitter, capped, and waits at least what a throttle asks', () => {
    const policy = new RetryPolicy({ maxRetries: 5, backoffMs: 100, maxBackoffMs: 1_000 }, () => 1)
    expect(policy.delayFor(0, new Error('x'))).toBe(100)
    expect(policy.delayFor(2, new Error('x'))).toBe(400)
    expect(policy.delayFor(8, new Error('x'))).toBe(1_000)
    expect(policy.delayFor(0, new RateLimitedError('x', { retryAfterMs: 700 }))).toBe(700)
    const low = new RetryPolicy({ maxRetries: 5, backoffMs: 100 }, () => 0)
    expect(low.delayFor(1, new Error('x'))).toBe(100)
  })

  it('gives up when the budget is spent', async () => {
    let t = 0
    const policy = new RetryPolicy(
      { maxRetries: 5, backoffMs: 0, budget: { ratio: 0, minPerSecond: 0.2, windowMs: 10_000 } },
      Math.random,
      () => t,
    )
    const refusals: string[] = []
    let calls = 0
    const fail = async () => {
      calls++
      throw new ConnectionFailedError('refused')
    }
    await expect(policy.run(plain, fail, { onRefused: (r) => refusals.push(r) })).rejects.toThrow()
    // 0.2/s over 10 s: two retries in the window, then none.
    expect(calls).toBe(3)
    expect(refusals).toEqual(['budget-exhausted'])
    t += 20_000
    calls = 0
    await expect(policy.run(plain, fail)).rejects.toThrow()
    expect(calls).toBe(3)
  })

  it('stops waiting when the caller aborts', async () => {
    const policy = new RetryPolicy({ maxRetries: 3, backoffMs: 60_000, budget: false })
    const controller = new AbortController()
    const run = policy.run(
      plain,
      async () => {
        throw new ConnectionFailedError('refused')
      },
      { signal: controller.signal, onRetry: () => controller.abort(new Error('caller gave up')) },
    )
    await expect(run).rejects.toThrow('caller gave up')
  })
})

describe('RetryBudget', () => {
  it('allows ratio x requests, with a floor, over a sliding window', () => {
    let t = 0
    const budget = new RetryBudget({ ratio: 0.5, minPerSecond: 0.1, windowMs: 10_000 }, () => t)
    for (let i = 0; i < 10; i++) budget.recordRequest()
    expect(budget.remaining()).toBe(5)
    for (let i = 0; i < 5; i++) expect(budget.tryWithdraw()).toBe(true)
    expect(budget.tryWithdraw()).toBe(false)
    t = 11_000
    expect(budget.remaining()).toBe(1)
  })
})
