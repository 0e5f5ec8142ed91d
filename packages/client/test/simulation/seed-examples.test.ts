// The seed's section 7.6, "Testing with Mock Client", both tests as the specification writes them.
import {
  ColumnMetadata,
  ConnectionFailedError,
  DataType,
  QueryBuilder,
  QueryId,
  QueryResult,
} from '@redshift-kit/client'
import { InjectedResult, MockRedshiftClient } from '@redshift-kit/client/simulation'
import { describe, expect, it } from 'vitest'

describe('seed example 7.6', () => {
  it('test_analytics_query', async () => {
    const mock = new MockRedshiftClient()

    // Configure expected response
    mock.setQueryResponse(
      'SELECT.*FROM sales.*',
      new QueryResult({
        columns: [new ColumnMetadata('total', DataType.BigInt)],
        rows: [[1_000_000n]],
        rowsAffected: 0,
        executionTimeMs: 150,
        queryId: QueryId.new('test-123'),
      }),
    )

    // Execute test
    const query = new QueryBuilder('SELECT SUM(amount) as total FROM sales').build()

    const result = await mock.executeQuery(query)

    expect(result.rows[0]?.get(0)).toBe(1_000_000n)
    mock.assertQueryExecuted('SELECT.*FROM sales.*')
    expect(result.queryId).toBe('test-123')
  })

  it('test_retry_on_connection_failure', async () => {
    const mock = new MockRedshiftClient()

    // Inject failures followed by success
    mock.injectErrorSequence('SELECT 1', [
      InjectedResult.error(new ConnectionFailedError('timeout')),
      InjectedResult.error(new ConnectionFailedError('timeout')),
      InjectedResult.success(QueryResult.singleValue(1)),
    ])

    const query = new QueryBuilder('SELECT 1').build()
    const result = await mock.executeQuery(query)

    expect(mock.getQueryCount()).toBe(3) // 2 retries + 1 success
    expect(result.rows[0]?.get(0)).toBe(1)
    const outcomes = mock.getExecutedQueries().map((q) => q.outcome)
    expect(outcomes).toEqual(['failed', 'failed', 'succeeded'])
  })
})
