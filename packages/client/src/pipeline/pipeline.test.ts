import { describe, expect, it } from 'vitest'
import { ConnectionFailedError, ConnectionLostError, QueryFailedError } from '../errors/index.js'
import { backoffDelay } from './backoff.js'
import { createPipeline } from './pipeline.js'

describe('the pipeline', () => {
  const pipeline = (connectRetries: number, errors: unknown[] = []) =>
    createPipeline({
      transport: 'test',
      connectRetries,
      retryBackoffMs: 1,
      onError: (e) => errors.push(e),
    })

  it('retries an operation whose connection could not be opened, then succeeds', async () => {
    const attempts: number[] = []
    const run = pipeline(3)
    const value = await run({
      kind: 'query',
      run: async (attempt) => {
        attempts.push(attempt)
        if (attempt < 3) throw new ConnectionFailedError('connect ECONNREFUSED')
        return 'ok'
      },
    })
    expect(value).toBe('ok')
    expect(attempts).toEqual([1, 2, 3])
  })

  it('never retries a failure that happened after the statement was sent', async () => {
    let runs = 0
    const errors: unknown[] = []
    const error = await pipeline(
      3,
      errors,
    )({
      kind: 'query',
      run: async () => {
        runs++
        throw new ConnectionLostError('Connection terminated unexpectedly')
      },
    }).catch((e: unknown) => e)
    expect(runs).toBe(1)
    expect(error).toBeInstanceOf(ConnectionLostError)
    expect(errors).toEqual([error])
  })

  it('gives up after connectRetries, stamping transport and attempts on the error', async () => {
    const error = await pipeline(2)({
      kind: 'query',
      run: async () => {
        throw new ConnectionFailedError('timeout')
      },
    }).catch((e: unknown) => e)
    expect(error).toMatchObject({ code: 'CONNECTION_FAILED', metadata: { transport: 'test', attempts: 3 } })
  })

  it('classifies raw failures into RedshiftErrors with the statement attached', async () => {
    const error = await pipeline(0)({
      kind: 'query',
      sql: 'SELECT x',
      run: async () => {
        throw Object.assign(new Error('column "x" does not exist'), { code: '42703', severity: 'ERROR' })
      },
    }).catch((e: unknown) => e)
    expect(error).toMatchObject({ code: 'NOT_FOUND', sqlState: '42703', sql: 'SELECT x' })
    expect(error).not.toBeInstanceOf(QueryFailedError)
  })
})

describe('backoffDelay', () => {
  it('doubles per attempt with equal jitter, capped at 30 s', () => {
    expect(backoffDelay(0, 100, () => 0)).toBe(50)
    expect(backoffDelay(0, 100, () => 1)).toBe(100)
    expect(backoffDelay(3, 100, () => 0.5)).toBe(600)
    expect(backoffDelay(30, 100, () => 1)).toBe(30_000)
  })
})
