/**
 * Testing your own application code with the simulation kit, without a database: the way the
 * aws-sdk-client-mock users test code that calls the AWS SDK. The first half is a small piece of
 * application code (as it would live in your `src/`); the second half is its test file.
 *
 * Run it: `npx vitest run examples/sales-report.test.ts`.
 */
import {
  ColumnMetadata,
  ConnectionFailedError,
  PermissionDeniedError,
  QueryBuilder,
  QueryResult,
  type RedshiftClientApi,
  TableRef,
} from '@redshift-kit/client'
import { InjectedResult, MockRedshiftClient } from '@redshift-kit/client/simulation'
import '@redshift-kit/client/simulation/vitest'
import { afterEach, describe, expect, it } from 'vitest'

// ── Application code ────────────────────────────────────────────────────────────────────────────
// It takes a `RedshiftClientApi`: `createClient(config)` in production, a `MockRedshiftClient` in tests.

interface RegionTotal {
  readonly region: string
  readonly total: string // DECIMAL: an exact string
  readonly orders: bigint
}

class SalesReport {
  constructor(private readonly redshift: RedshiftClientApi) {}

  /** The regions that sold the most since `since`, best first. */
  async topRegions(since: Date, limit = 3): Promise<RegionTotal[]> {
    const result = await this.redshift.executeQuery(
      new QueryBuilder(
        'SELECT region, SUM(amount) AS total, COUNT(*) AS orders FROM sales.orders WHERE sold_at >= $1 GROUP BY region ORDER BY total DESC LIMIT $2',
      )
        .param(since)
        .param(limit)
        .label('top-regions')
        .build(),
    )
    return result.rows.map((row) => ({
      region: row.get('region') as string,
      total: row.get('total') as string,
      orders: row.get('orders') as bigint,
    }))
  }

  /** Records a refund: the order's amount goes down and an audit row is written, all or nothing. */
  async refund(orderId: bigint, amount: string): Promise<void> {
    await this.redshift.executeInTransaction(async (tx) => {
      const updated = await tx.query(
        new QueryBuilder('UPDATE sales.orders SET amount = amount - $1 WHERE id = $2 AND amount >= $1')
          .param(amount)
          .param(orderId)
          .build(),
      )
      if (updated.rowsAffected === 0) throw new Error(`order ${orderId} cannot be refunded ${amount}`)
      await tx.query(
        new QueryBuilder("INSERT INTO sales.audit (order_id, action) VALUES ($1, 'refund')")
          .param(orderId)
          .build(),
      )
    })
  }

  /** Whether the warehouse answers; dashboards show a banner when it does not. */
  async available(): Promise<boolean> {
    return (await this.redshift.healthCheck()).healthy
  }
}

// ── Its tests ───────────────────────────────────────────────────────────────────────────────────

const orders = new TableRef('sales', 'orders')
const audit = new TableRef('sales', 'audit')

/** A mock with the two tables the refund touches, and a few orders. */
function mockWithOrders(): MockRedshiftClient {
  return new MockRedshiftClient()
    .createTable(orders, [
      new ColumnMetadata('id', 'BIGINT'),
      new ColumnMetadata('region', 'VARCHAR', { length: 16 }),
      new ColumnMetadata('amount', 'DECIMAL', { precision: 12, scale: 2 }),
      new ColumnMetadata('sold_at', 'TIMESTAMP'),
    ])
    .insertRows(orders, [
      [1n, 'emea', '120.00', new Date('2024-03-01T10:00:00Z')],
      [2n, 'emea', '80.50', new Date('2024-03-02T10:00:00Z')],
      [3n, 'apac', '300.00', new Date('2024-03-02T11:00:00Z')],
      [4n, 'amer', '10.00', new Date('2023-12-31T23:00:00Z')],
    ])
    .createTable(audit, [new ColumnMetadata('order_id', 'BIGINT'), new ColumnMetadata('action', 'VARCHAR')])
}

describe('SalesReport', () => {
  let mock: MockRedshiftClient | undefined
  afterEach(async () => {
    await mock?.close()
    mock = undefined
  })

  it('topRegions maps a configured result', async () => {
    mock = new MockRedshiftClient()
    mock.setQueryResponse(
      'FROM sales\\.orders.*GROUP BY region',
      new QueryResult({
        columns: [
          new ColumnMetadata('region', 'VARCHAR'),
          new ColumnMetadata('total', 'DECIMAL', { precision: 38, scale: 2 }),
          new ColumnMetadata('orders', 'BIGINT'),
        ],
        rows: [
          ['apac', '300.00', 1n],
          ['emea', '200.50', 2n],
        ],
      }),
    )
    const top = await new SalesReport(mock).topRegions(new Date('2024-01-01T00:00:00Z'))
    expect(top).toEqual([
      { region: 'apac', total: '300.00', orders: 1n },
      { region: 'emea', total: '200.50', orders: 2n },
    ])
    expect(mock).toHaveExecuted('GROUP BY region', 1)
    expect(mock.getExecutedQueries()[0]?.params).toEqual([new Date('2024-01-01T00:00:00Z'), 3])
  })

  it('topRegions runs its real SQL against mock tables', async () => {
    mock = mockWithOrders()
    const top = await new SalesReport(mock).topRegions(new Date('2024-01-01T00:00:00Z'), 2)
    expect(top).toEqual([
      { region: 'apac', total: '300.00', orders: 1n },
      { region: 'emea', total: '200.50', orders: 2n },
    ])
  })

  it('refund changes the order and writes the audit row in one transaction', async () => {
    mock = mockWithOrders()
    await new SalesReport(mock).refund(2n, '0.50')
    const after = await mock.executeQuery('SELECT amount FROM sales.orders WHERE id = 2')
    expect(after.rows[0]?.get('amount')).toBe('80.00')
    const rows = await mock.executeQuery('SELECT order_id, action FROM sales.audit')
    expect(rows.toObjects()).toEqual([{ order_id: 2n, action: 'refund' }])
    expect(mock).toHaveExecuted('^COMMIT$', 1)
  })

  it('a refund that fails half-way leaves nothing behind', async () => {
    mock = mockWithOrders()
    mock.injectError(
      'INSERT INTO sales\\.audit',
      new PermissionDeniedError('permission denied for relation audit'),
    )
    await expect(new SalesReport(mock).refund(1n, '20.00')).rejects.toBeInstanceOf(PermissionDeniedError)
    const order = await mock.executeQuery('SELECT amount FROM sales.orders WHERE id = 1')
    expect(order.rows[0]?.get('amount')).toBe('120.00') // the UPDATE was rolled back
    expect(mock).toHaveExecuted('^ROLLBACK$', 1)
  })

  it('refunding more than the order fails without writing', async () => {
    mock = mockWithOrders()
    await expect(new SalesReport(mock).refund(4n, '99.00')).rejects.toThrow(
      'order 4 cannot be refunded 99.00',
    )
    mock.assertQueryNotExecuted('INSERT INTO sales\\.audit')
  })

  it('rides out a brief connection outage (the client retries)', async () => {
    mock = new MockRedshiftClient()
    mock.injectErrorSequence('^SELECT 1$', [
      InjectedResult.error(new ConnectionFailedError('connect ETIMEDOUT')),
      InjectedResult.success(QueryResult.singleValue(1)),
    ])
    // healthCheck makes no retries by design: the first attempt fails, the next check succeeds.
    const report = new SalesReport(mock)
    expect(await report.available()).toBe(false)
    expect(await report.available()).toBe(true)
    expect(mock).toHaveExecutedCount(2)
  })
})
