import {
  ColumnMetadata,
  ConnectionFailedError,
  NotFoundError,
  PermissionDeniedError,
  QueryBuilder,
  QueryCancelledError,
  QueryResult,
  QueryTimeoutError,
  ValidationError,
} from '@redshift-kit/client'
import { InjectedResult, MockAssertionError, MockRedshiftClient } from '@redshift-kit/client/simulation'
import { describe, expect, it } from 'vitest'

const one = (value: bigint) =>
  new QueryResult({ columns: [new ColumnMetadata('n', 'BIGINT')], rows: [[value]] })

describe('setQueryResponse', () => {
  it('matches regular expressions, case-insensitively and across lines, the newest match winning', async () => {
    const mock = new MockRedshiftClient()
    mock.setQueryResponse('FROM sales', one(1n)).setQueryResponse(/FROM sales WHERE/i, one(2n))
    expect((await mock.executeQuery('select n\nfrom SALES')).rows[0]?.get('n')).toBe(1n)
    expect((await mock.executeQuery('SELECT n FROM sales WHERE x = 1')).rows[0]?.get('n')).toBe(2n)
    mock.setQueryResponse('FROM sales', one(3n))
    expect((await mock.executeQuery('SELECT n FROM sales WHERE x = 1')).rows[0]?.get('n')).toBe(3n)
  })

  it('takes result fields or a function of the call', async () => {
    const mock = new MockRedshiftClient()
    mock.setQueryResponse('^UPDATE', { rowsAffected: 7, command: 'UPDATE' })
    mock.setQueryResponse(/^SELECT .* WHERE id = \$1/, ({ params, sessionId }) => ({
      columns: [new ColumnMetadata('id', 'BIGINT'), new ColumnMetadata('session', 'VARCHAR')],
      rows: [[params[0] as bigint, String(sessionId)]],
    }))
    const updated = await mock.executeQuery('UPDATE t SET a = 1')
    expect([updated.rowsAffected, updated.command]).toEqual([7, 'UPDATE'])
    const found = await mock.executeQuery(
      new QueryBuilder('SELECT * FROM users WHERE id = $1').param(42n).build(),
    )
    expect(found.toObjects()).toEqual([{ id: 42n, session: 'null' }])
  })

  it('refuses values of the wrong type for their column, as the real client would never return them', () => {
    const mock = new MockRedshiftClient()
    const wrong = new QueryResult({ columns: [new ColumnMetadata('total', 'BIGINT')], rows: [[1_000_000]] })
    expect(() => mock.setQueryResponse('x', wrong)).toThrow(ValidationError)
    try {
      mock.setQueryResponse('x', wrong)
    } catch (e) {
      expect((e as ValidationError).problems?.[0]?.message).toContain('write 1000000n')
    }
    expect(() =>
      mock.setQueryResponse('x', { columns: [new ColumnMetadata('d', 'DECIMAL')], rows: [[1.5]] }),
    ).toThrow(/exact string/)
    expect(() => mock.setQueryResponse('(', one(1n))).toThrow(/not a regular expression/)
  })

  it('fails a statement nothing answers with an error naming it and the patterns tried', async () => {
    const mock = new MockRedshiftClient()
    mock.setQueryResponse('FROM sales', one(1n)).setQueryResponse(/FROM users/, one(2n))
    const error = await mock.executeQuery('SELECT * FROM orders').catch((e: unknown) => e)
    expect(error).toBeInstanceOf(NotFoundError)
    const message = (error as Error).message
    expect(message).toContain('SELECT * FROM orders')
    expect(message).toContain('Patterns tried (newest first): /FROM users/, /FROM sales/is')
    expect(message).toContain('No tables were created')
    expect(mock.getExecutedQueries()[0]?.outcome).toBe('failed')
  })
})

describe('faults', () => {
  it('injectError fails every matching statement with the error as given', async () => {
    const mock = new MockRedshiftClient()
    const denied = new PermissionDeniedError('permission denied for relation payments')
    mock.setQueryResponse('payments', one(1n)).injectError('FROM payments', denied)
    await expect(mock.executeQuery('SELECT * FROM payments')).rejects.toBe(denied)
    await expect(mock.executeQuery('SELECT * FROM payments')).rejects.toBe(denied)
    expect(mock.getQueryCount()).toBe(2) // not retryable: one attempt each
  })

  it('connection failures are retried by the pipeline up to maxRetries, then surface', async () => {
    const mock = new MockRedshiftClient()
    mock.injectError('SELECT 1', new ConnectionFailedError('timeout'))
    const error = await mock.executeQuery('SELECT 1').catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ConnectionFailedError)
    expect(error as ConnectionFailedError).toMatchObject({ metadata: { transport: 'mock' }, sent: false })
    mock.assertQueryCount(4) // 1 + maxRetries (3)
  })

  it('a sequence is used up in order, then statements are answered as usual', async () => {
    const mock = new MockRedshiftClient()
    mock.setQueryResponse('SELECT 1', one(9n))
    mock.injectErrorSequence('SELECT 1', [
      InjectedResult.success(one(1n)),
      InjectedResult.error(new PermissionDeniedError('no')),
    ])
    expect((await mock.executeQuery('SELECT 1')).rows[0]?.get(0)).toBe(1n)
    await expect(mock.executeQuery('SELECT 1')).rejects.toBeInstanceOf(PermissionDeniedError)
    expect((await mock.executeQuery('SELECT 1')).rows[0]?.get(0)).toBe(9n)
    expect(() => mock.injectErrorSequence('x', [])).toThrow(ValidationError)
    expect(() => InjectedResult.error(undefined)).toThrow(ValidationError)
  })

  it('setLatency delays statements; a shorter timeout fails with QueryTimeoutError', async () => {
    const mock = new MockRedshiftClient()
    mock.setQueryResponse('SELECT 1', one(1n)).setLatency(400)
    const started = performance.now()
    await mock.executeQuery('SELECT 1')
    expect(performance.now() - started).toBeGreaterThanOrEqual(390)
    const error = await mock
      .executeQuery(new QueryBuilder('SELECT 1').timeout(10).build())
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(QueryTimeoutError)
    expect((error as QueryTimeoutError).timeoutMs).toBe(10)
    // The 10 ms timeout ended the call long before the 400 ms latency would have.
    expect(mock.getExecutedQueries()[1]?.durationMs).toBeLessThan(300)
  })

  it('setLatencyRange draws latencies between the bounds (with the configured random source)', async () => {
    const draws = [0, 0.999]
    const mock = new MockRedshiftClient({ random: () => draws.shift() ?? 0.5 })
    mock.setQueryResponse('SELECT 1', one(1n)).setLatencyRange(5, 600)
    await mock.executeQuery('SELECT 1')
    await mock.executeQuery('SELECT 1')
    const [fast, slow] = mock.getExecutedQueries()
    expect(fast?.durationMs).toBeLessThan(300)
    expect(slow?.durationMs).toBeGreaterThanOrEqual(550)
    expect(() => mock.setLatencyRange(10, 5)).toThrow(/at least minMs/)
    expect(() => mock.setLatency(-1)).toThrow(ValidationError)
  })

  it('an aborted signal cancels a statement at once', async () => {
    const mock = new MockRedshiftClient()
    mock.setQueryResponse('SELECT 1', one(1n)).setLatency(10_000)
    const controller = new AbortController()
    const running = mock.executeQuery('SELECT 1', { signal: controller.signal })
    setTimeout(() => controller.abort(), 5)
    await expect(running).rejects.toBeInstanceOf(QueryCancelledError)
    expect(mock.getExecutedQueries()[0]?.outcome).toBe('failed')
  })
})

describe('inspection', () => {
  it('records SQL, params, time and outcome, and clears', async () => {
    const mock = new MockRedshiftClient()
    mock.setQueryResponse('FROM sales', one(1n))
    const before = Date.now()
    await mock.executeQuery(
      new QueryBuilder('SELECT n FROM sales WHERE day = $1').param('2024-01-01').build(),
    )
    const [q] = mock.getExecutedQueries()
    expect(q).toMatchObject({
      sql: 'SELECT n FROM sales WHERE day = $1',
      params: ['2024-01-01'],
      kind: 'query',
      sessionId: null,
      inTransaction: false,
      outcome: 'succeeded',
      source: 'response',
      rowCount: 1,
    })
    expect(q?.startedAt.getTime()).toBeGreaterThanOrEqual(before)
    mock.clearExecutedQueries()
    mock.assertNoQueriesExecuted()
  })

  it('assertions say what was executed instead', async () => {
    const mock = new MockRedshiftClient()
    mock.setQueryResponse('.', one(1n))
    await mock.executeQuery('SELECT a FROM one')
    await mock.executeQuery('SELECT b FROM two')
    expect(() => mock.assertQueryExecuted('FROM three')).toThrow(MockAssertionError)
    expect(() => mock.assertQueryExecuted('FROM three')).toThrow(
      /matching \/FROM three\/is.*none was.*1\. SELECT a FROM one -> succeeded\n {2}2\. SELECT b FROM two/s,
    )
    expect(() => mock.assertQueryCount(3)).toThrow(/expected 3 statements to have been executed, but 2 were/)
    expect(() => mock.assertNoQueriesExecuted()).toThrow(/expected no statements.*2 were/s)
    expect(() => mock.assertQueryExecuted('FROM one', 2)).toThrow(/expected 2 statements matching.*but 1 was/)
    expect(() => mock.assertQueryNotExecuted('FROM two')).toThrow(/SELECT b FROM two/)
    mock.assertQueryExecuted('FROM one', 1)
    mock.assertQueryCount(2)
    mock.assertQueryNotExecuted('FROM three')
  })

  it('redacts secrets from the log', async () => {
    const mock = new MockRedshiftClient()
    mock.setQueryResponse('CREATE USER', { command: 'CREATE' })
    await mock.executeQuery("CREATE USER bob PASSWORD 'Secret1'")
    expect(mock.getExecutedQueries()[0]?.sql).toBe("CREATE USER bob PASSWORD '***'")
  })

  it('reset forgets responses, faults, latency and the log', async () => {
    const mock = new MockRedshiftClient()
    mock
      .setQueryResponse('SELECT 1', one(1n))
      .injectError('SELECT 2', new PermissionDeniedError('no'))
      .setLatency(1000)
    await mock.executeQuery('SELECT 1').catch(() => undefined)
    mock.reset()
    mock.assertNoQueriesExecuted()
    mock.setQueryResponse('SELECT', one(5n))
    const started = performance.now()
    expect((await mock.executeQuery('SELECT 2')).rows[0]?.get(0)).toBe(5n)
    expect(performance.now() - started).toBeLessThan(500)
  })
})
