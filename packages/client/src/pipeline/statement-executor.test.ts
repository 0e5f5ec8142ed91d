import { describe, expect, it } from 'vitest'
import {
  ConnectionFailedError,
  ConnectionLostError,
  QueryCancelledError,
  QueryTimeoutError,
  ValidationError,
} from '../errors/index.js'
import { retryUnsent } from './connect-retry.js'
import type { StatementContext, StatementMiddleware } from './statement-context.js'
import { createStatementExecutor, type StatementCall } from './statement-executor.js'

const never = (call: StatementCall): Promise<never> =>
  new Promise((_, reject) => {
    // A transport that never answers on its own; it only gives up when told to drop the connection.
    call.deadline?.addEventListener('abort', () => reject(new Error('socket destroyed')))
  })

describe('the statement executor', () => {
  it('runs the middlewares once per call, outermost first, around the transport call', async () => {
    const seen: string[] = []
    const mark =
      (name: string): StatementMiddleware =>
      async (ctx, next) => {
        seen.push(`${name}>${ctx.attempt}`)
        const value = await next()
        seen.push(`<${name}`)
        return value
      }
    const execute = createStatementExecutor({ transport: 'test', middleware: [mark('a'), mark('b')] })
    const value = await execute({
      operation: 'query',
      sql: 'SELECT 1',
      run: async () => {
        seen.push('transport')
        return 7
      },
    })
    expect(value).toBe(7)
    expect(seen).toEqual(['a>0', 'b>0', 'transport', '<b', '<a'])
  })

  it('describes the statement and hands the call options and result facts to middlewares', async () => {
    let context: StatementContext | undefined
    let rows: number | undefined
    const execute = createStatementExecutor({
      transport: 'test',
      middleware: [
        async (ctx, next, describe) => {
          context = ctx
          const value = await next()
          rows = describe(value).rowCount
          return value
        },
      ],
    })
    const controller = new AbortController()
    await execute({
      operation: 'query',
      sql: 'SELECT $1::int',
      params: [1],
      settings: { timeoutMs: 5_000, queryGroup: 'etl' },
      label: 'lookup',
      signal: controller.signal,
      options: { retry: false },
      run: async () => [1, 2, 3],
      describe: (r) => ({ rowCount: r.length }),
    })
    expect(context).toMatchObject({
      operation: 'query',
      sql: 'SELECT $1::int',
      paramCount: 1,
      queryGroup: 'etl',
      label: 'lookup',
      timeoutMs: 5_000,
      signal: controller.signal,
      idempotent: true,
      inTransaction: false,
      options: { retry: false },
      attempt: 1,
    })
    expect(Object.isFrozen(context)).toBe(true)
    expect(rows).toBe(3)
  })

  it('lets a middleware run the transport call again (attempt counts up), and calls none twice', async () => {
    let runs = 0
    let middlewareCalls = 0
    const execute = createStatementExecutor({
      transport: 'test',
      middleware: [
        async (ctx, next) => {
          middlewareCalls++
          try {
            return await next()
          } catch {
            expect(ctx.attempt).toBe(1)
            return await next()
          }
        },
      ],
    })
    const value = await execute({
      operation: 'query',
      sql: 'INSERT INTO t VALUES (1)',
      run: async (call) => {
        runs++
        if (call.attempt === 1) throw new ConnectionLostError('reset')
        return 'ok'
      },
    })
    expect(value).toBe('ok')
    expect({ runs, middlewareCalls }).toEqual({ runs: 2, middlewareCalls: 1 })
  })

  it('refuses a parameter count that does not match the placeholders before sending, naming both', async () => {
    let ran = false
    const execute = createStatementExecutor({ transport: 'test' })
    const error = await execute({
      operation: 'query',
      sql: 'SELECT $1, $2',
      params: [1],
      run: async () => {
        ran = true
      },
    }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ValidationError)
    expect((error as Error).message).toMatch(/2 placeholders \(\$1\.\.\$2\) but 1 parameter was given/)
    expect(error).toMatchObject({ sent: false })
    expect(ran).toBe(false)
    // A `$1` inside a literal or a comment is not a placeholder.
    await expect(
      execute({ operation: 'query', sql: "SELECT '$1' -- $2", params: [], run: async () => 'ok' }),
    ).resolves.toBe('ok')
  })

  it('settles a call whose server stops answering at its deadline, telling the transport to drop it', async () => {
    const execute = createStatementExecutor({ transport: 'test', deadlineGraceMs: 50 })
    let dropped = false
    const started = Date.now()
    const error = await execute({
      operation: 'query',
      sql: 'SELECT 1',
      settings: { timeoutMs: 100, queryGroup: null },
      run: (call) => {
        call.deadline?.addEventListener('abort', () => {
          dropped = true
        })
        return new Promise<never>(() => undefined)
      },
    }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(QueryTimeoutError)
    expect(error).toMatchObject({ timeoutMs: 100 })
    expect(dropped).toBe(true)
    expect(Date.now() - started).toBeLessThan(1_000)
  })

  it('settles an aborted call when the transport answers the cancel, and within a bound when it does not', async () => {
    const execute = createStatementExecutor({ transport: 'test', cancelSettleMs: 100 })
    const answered = new AbortController()
    const pending = execute({
      operation: 'query',
      sql: 'SELECT 1',
      signal: answered.signal,
      run: (call) =>
        new Promise<never>((_, reject) =>
          call.signal?.addEventListener('abort', () =>
            reject(Object.assign(new Error('canceling statement due to user request'), { code: '57014' })),
          ),
        ),
    })
    answered.abort()
    await expect(pending).rejects.toBeInstanceOf(QueryCancelledError)

    const ignored = new AbortController()
    const started = Date.now()
    const hanging = execute({ operation: 'query', sql: 'SELECT 1', signal: ignored.signal, run: never })
    ignored.abort()
    await expect(hanging).rejects.toBeInstanceOf(QueryCancelledError)
    expect(Date.now() - started).toBeLessThan(1_000)
  })

  it('does not run a call whose signal aborted before it started', async () => {
    let ran = false
    const execute = createStatementExecutor({ transport: 'test' })
    const error = await execute({
      operation: 'query',
      sql: 'SELECT 1',
      signal: AbortSignal.abort(),
      run: async () => {
        ran = true
      },
    }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(QueryCancelledError)
    expect(error).toMatchObject({ sent: false })
    expect(ran).toBe(false)
  })

  it('frees a result that arrives after its call gave up', async () => {
    const execute = createStatementExecutor({ transport: 'test', deadlineGraceMs: 10 })
    let discarded: string | undefined
    let deliver: (v: string) => void = () => undefined
    await expect(
      execute({
        operation: 'stream',
        sql: 'SELECT 1',
        settings: { timeoutMs: 10, queryGroup: null },
        run: () =>
          new Promise<string>((resolve) => {
            deliver = resolve
          }),
        discard: (v) => {
          discarded = v
        },
      }),
    ).rejects.toBeInstanceOf(QueryTimeoutError)
    deliver('cursor')
    await new Promise((r) => setImmediate(r))
    expect(discarded).toBe('cursor')
  })
})

describe('the default retry of unsent statements', () => {
  const executor = () =>
    createStatementExecutor({
      transport: 'test',
      middleware: [retryUnsent({ maxRetries: 3, backoffMs: 1 })],
    })

  it('runs a statement again while its connection could not be opened, up to maxRetries', async () => {
    let runs = 0
    const error = await executor()({
      operation: 'query',
      sql: 'INSERT INTO t VALUES (1)',
      run: async () => {
        runs++
        throw new ConnectionFailedError('connect ECONNREFUSED')
      },
    }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ConnectionFailedError)
    expect(runs).toBe(4)
  })

  it('never runs again a statement that may have reached the server, or a call made with retry: false', async () => {
    let runs = 0
    const run = async (): Promise<never> => {
      runs++
      throw new ConnectionLostError('Connection terminated unexpectedly')
    }
    await expect(executor()({ operation: 'query', sql: 'INSERT INTO t VALUES (1)', run })).rejects.toThrow()
    expect(runs).toBe(1)
    runs = 0
    const unsent = async (): Promise<never> => {
      runs++
      throw new ConnectionFailedError('connect ECONNREFUSED')
    }
    await expect(
      executor()({ operation: 'query', sql: 'SELECT 1', options: { retry: false }, run: unsent }),
    ).rejects.toThrow()
    expect(runs).toBe(1)
  })
})
