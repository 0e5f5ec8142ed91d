import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createClient, type RedshiftClient } from '../../src/client.js'
import type { StatementContext, StatementMiddleware } from '../../src/pipeline/statement-context.js'
import { QueryBuilder } from '../../src/query/query-builder.js'
import { configFor, startTestServer, type TestServer } from './server.js'

let server: TestServer
const clients: RedshiftClient[] = []
const track = (c: RedshiftClient) => {
  clients.push(c)
  return c
}

beforeAll(async () => {
  server = await startTestServer()
})
afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()))
  await server?.stop()
})

describe('the per-statement query id', () => {
  it('is fetched by default, can be turned off for the client, and asked for per call', async () => {
    const on = track(createClient(configFor(server).build()))
    expect((await on.executeQuery('SELECT 1')).queryId).toMatch(/^\d+$/)
    const off = track(createClient(configFor(server).fetchQueryId(false).build()))
    expect((await off.executeQuery('SELECT 1')).queryId).toBe('')
    expect((await off.executeQuery('SELECT 1', { fetchQueryId: true })).queryId).toMatch(/^\d+$/)
    expect((await on.executeQuery('SELECT 1', { fetchQueryId: false })).queryId).toBe('')
  })
})

describe('a query label', () => {
  it("shows in the server's query log with the statement", async () => {
    const client = track(createClient(configFor(server).build()))
    const q = new QueryBuilder('SELECT $1::int AS n').param(7).label('user-lookup */ drop').build()
    const result = await client.executeQuery(q)
    expect(result.rows[0]?.get('n')).toBe(7)
    const logged = await client.executeQuery(
      new QueryBuilder('SELECT querytxt FROM stl_query WHERE query = $1')
        .param(Number(result.queryId))
        .build(),
    )
    // The label cannot close its comment early: what follows it stays inside the comment.
    expect(String(logged.rows[0]?.get('querytxt'))).toMatch(/^\/\* label: user-lookup \* \/ drop \*\/ SELECT/)
  })
})

describe('statement middleware given to createClient', () => {
  it('wraps every operation once, with the call options and result facts', async () => {
    const seen: { ctx: StatementContext; rows: number | undefined }[] = []
    const record: StatementMiddleware = async (ctx, next, describe) => {
      const value = await next()
      seen.push({ ctx, rows: describe(value).rowCount })
      return value
    }
    const client = track(createClient(configFor(server).build(), { middleware: [record] }))
    await client.executeQuery(new QueryBuilder('SELECT $1::int AS n').param(1).label('one').build(), {
      retry: false,
    })
    await client.executeInTransaction((tx) => tx.execute('SELECT 2'))
    await client.healthCheck()
    expect(seen[0]).toMatchObject({
      ctx: {
        operation: 'query',
        label: 'one',
        paramCount: 1,
        idempotent: true,
        options: { retry: false },
        attempt: 1,
      },
      rows: 1,
    })
    expect(seen.map((s) => [s.ctx.operation, s.ctx.sql, s.ctx.inTransaction])).toEqual([
      ['query', '/* label: one */ SELECT $1::int AS n', false],
      ['transaction', 'BEGIN', false],
      ['transaction', 'SELECT 2', true],
      ['transaction', 'COMMIT', true],
      ['health', 'SELECT 1', false],
    ])
  })
})

describe('one signal shared by many calls', () => {
  it('20 concurrent calls on one signal, policies on, raise no MaxListenersExceededWarning', async () => {
    const warnings: Error[] = []
    const onWarning = (w: Error) => warnings.push(w)
    process.on('warning', onWarning)
    try {
      const client = track(
        createClient(configFor(server).poolSize(4).maxRetries(2).circuitBreakerThreshold(5).build()),
      )
      const shutdown = new AbortController()
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          client.executeQuery(new QueryBuilder('SELECT $1::int AS n, pg_sleep(0.05)').param(i).build(), {
            signal: shutdown.signal,
          }),
        ),
      )
      expect(results.map((r) => r.rows[0]?.get('n'))).toEqual(Array.from({ length: 20 }, (_, i) => i))
      await new Promise((resolve) => setImmediate(resolve))
      expect(warnings.filter((w) => w.name === 'MaxListenersExceededWarning').map((w) => w.message)).toEqual(
        [],
      )
    } finally {
      process.off('warning', onWarning)
    }
  })
})
