import {
  ColumnMetadata,
  CopyCommandBuilder,
  type LoadError,
  LoadFailedError,
  QueryBuilder,
  QueryCancelledError,
  QueryResult,
  SerializationConflictError,
  TableRef,
  TransactionAbortedError,
  UnloadCommandBuilder,
} from '@redshift-kit/client'
import { InjectedResult, MockRedshiftClient } from '@redshift-kit/client/simulation'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

const mock = new MockRedshiftClient()
const accounts = new TableRef('bank', 'accounts')

beforeAll(async () => {
  mock.createTable(accounts, [new ColumnMetadata('id', 'INTEGER'), new ColumnMetadata('balance', 'BIGINT')])
  await mock.ready()
}, 60_000)

afterAll(() => mock.close())

async function balances(): Promise<unknown[][]> {
  const r = await mock.executeQuery('SELECT id, balance FROM bank.accounts ORDER BY id')
  return r.rows.map((row) => [...row.values])
}

describe('transactions', () => {
  it('commit keeps changes and rollback discards them, in the tables', async () => {
    mock.clearTable(accounts).insertRows(accounts, [
      [1, 100n],
      [2, 0n],
    ])
    const tx = await mock.beginTransaction()
    await tx.query(
      new QueryBuilder('UPDATE bank.accounts SET balance = balance - $1 WHERE id = 1').param(30n).build(),
    )
    expect(await tx.execute('UPDATE bank.accounts SET balance = balance + 30 WHERE id = 2')).toBe(1)
    await mock.commit(tx)
    expect(await balances()).toEqual([
      [1, 70n],
      [2, 30n],
    ])

    const undo = await mock.beginTransaction()
    await undo.execute('DELETE FROM bank.accounts')
    expect((await undo.query('SELECT COUNT(*) FROM bank.accounts')).rows[0]?.get(0)).toBe(0n)
    await mock.rollback(undo)
    expect(await balances()).toHaveLength(2)
    mock.assertQueryExecuted('^BEGIN$', 2)
    mock.assertQueryExecuted('^COMMIT$', 1)
    mock.assertQueryExecuted('^ROLLBACK$', 1)
  })

  it('executeInTransaction rolls back on an error and rethrows it as it was', async () => {
    mock.clearTable(accounts).insertRows(accounts, [[1, 5n]])
    class Insufficient extends Error {}
    const error = await mock
      .executeInTransaction(async (tx) => {
        await tx.execute('UPDATE bank.accounts SET balance = balance - 10 WHERE id = 1')
        throw new Insufficient('not enough')
      })
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(Insufficient)
    expect(await balances()).toEqual([[1, 5n]])
  })

  it('a serialization conflict reruns the whole function', async () => {
    mock.clearTable(accounts).insertRows(accounts, [[1, 5n]])
    mock.injectErrorSequence(/^UPDATE bank\.accounts/, [
      InjectedResult.error(
        new SerializationConflictError('1023 DETAIL: Serializable isolation violation on table'),
      ),
    ])
    let runs = 0
    await mock.executeInTransaction(async (tx) => {
      runs++
      await tx.execute('UPDATE bank.accounts SET balance = balance + 1 WHERE id = 1')
    })
    expect(runs).toBe(2)
    expect(await balances()).toEqual([[1, 6n]])
  })

  it('a statement that failed aborts the transaction: COMMIT rolls back', async () => {
    mock.clearTable(accounts).insertRows(accounts, [[1, 5n]])
    const tx = await mock.beginTransaction()
    await tx.execute('UPDATE bank.accounts SET balance = 0')
    await expect(tx.query('SELECT missing FROM bank.accounts')).rejects.toMatchObject({ sqlState: '42703' })
    await expect(tx.query('SELECT 1')).rejects.toMatchObject({ sqlState: '25P02' })
    await expect(tx.commit()).rejects.toBeInstanceOf(TransactionAbortedError)
    expect(await balances()).toEqual([[1, 5n]])
  })

  it('transactions work without tables too (responses only)', async () => {
    const plain = new MockRedshiftClient()
    plain.setQueryResponse('^UPDATE', { command: 'UPDATE', rowsAffected: 3 })
    const n = await plain.executeInTransaction((tx) => tx.execute('UPDATE t SET a = 1'))
    expect(n).toBe(3)
    expect(plain.getExecutedQueries().map((q) => [q.sql, q.inTransaction])).toEqual([
      ['BEGIN', false],
      ['UPDATE t SET a = 1', true],
      ['COMMIT', true],
    ])
  })
})

describe('prepared statements', () => {
  it('prepare reports the columns; executePrepared and batchExecute run on the tables', async () => {
    mock.clearTable(accounts)
    const insert = await mock.prepare('add', 'INSERT INTO bank.accounts (id, balance) VALUES ($1, $2)')
    await mock.batchExecute(insert, [
      [1, 10n],
      [2, 20n],
      [3, 30n],
    ])
    const byId = await mock.prepare('by_id', 'SELECT id, balance FROM bank.accounts WHERE id = $1')
    expect(byId.columns.map((c) => [c.name, c.dataType])).toEqual([
      ['id', 'INTEGER'],
      ['balance', 'BIGINT'],
    ])
    expect((await mock.executePrepared(byId, [2])).rows[0]?.values).toEqual([2, 20n])
    await mock.deallocate(byId)
    await expect(mock.executePrepared(byId, [2])).rejects.toThrow(/deallocated/)
  })
})

describe('streaming and async queries', () => {
  it('streams a configured result in batches of fetchSize', async () => {
    const stream_mock = new MockRedshiftClient()
    const rows = Array.from({ length: 25 }, (_, i) => [BigInt(i)])
    stream_mock.setQueryResponse(
      'FROM events',
      new QueryResult({ columns: [new ColumnMetadata('id', 'BIGINT')], rows }),
    )
    const stream = await stream_mock.streamResults('SELECT id FROM events', { fetchSize: 10 })
    const sizes: number[] = []
    let batch = await stream.nextBatch()
    while (batch !== null) {
      sizes.push(batch.length)
      batch = await stream.nextBatch()
    }
    expect(sizes).toEqual([10, 10, 5])
    await stream.close()

    const again = await stream_mock.streamResults('SELECT id FROM events', { fetchSize: 7 })
    const seen: unknown[] = []
    for await (const row of again) {
      seen.push(row.get('id'))
      if (seen.length === 3) break
    }
    expect(seen).toEqual([0n, 1n, 2n])
    expect(again.closed).toBe(true)
    expect(stream_mock.getPoolStats().active).toBe(0)
  })

  it('streams rows of a table', async () => {
    mock.clearTable(accounts).insertRows(accounts, [
      [1, 1n],
      [2, 2n],
      [3, 3n],
    ])
    const stream = await mock.streamResults('SELECT id FROM bank.accounts ORDER BY id', { fetchSize: 2 })
    const ids: unknown[] = []
    for await (const row of stream) ids.push(row.get(0))
    expect(ids).toEqual([1, 2, 3])
  })

  it('runs async queries: status, results, and cancel of a slow one', async () => {
    const slow = new MockRedshiftClient()
    slow.setQueryResponse('SELECT 42', QueryResult.singleValue(42))
    const handle = await slow.executeQueryAsync('SELECT 42')
    expect((await slow.getQueryResults(handle)).rows[0]?.get(0)).toBe(42)
    expect((await slow.getQueryStatus(handle)).state).toBe('finished')

    slow.setLatency(10_000)
    const pending = await slow.executeQueryAsync('SELECT 42')
    await expect.poll(async () => (await slow.getQueryStatus(pending)).state).toBe('running')
    const outcome = await slow.cancelQuery(pending)
    expect(outcome.cancelled).toBe(true)
    expect((await slow.getQueryStatus(pending)).state).toBe('cancelled')
    await expect(slow.getQueryResults(pending)).rejects.toBeInstanceOf(QueryCancelledError)
  })
})

describe('COPY and UNLOAD', () => {
  const role = 'arn:aws:iam::123456789012:role/RedshiftCopyRole'

  it('copyFromS3 returns the configured counts; its load errors read back', async () => {
    const data = new MockRedshiftClient()
    const events = new TableRef('analytics', 'daily_events')
    const loadError: LoadError = {
      queryId: '0',
      tableId: 0,
      startTime: new Date('2024-01-01T00:00:00Z'),
      filename: 's3://my-data-bucket/events/2024-01-01/part-1.csv',
      lineNumber: 7,
      columnName: 'amount',
      columnType: 'numeric',
      columnLength: '12, 2',
      position: 3,
      rawLine: '7,abc',
      rawFieldValue: 'abc',
      errorCode: 1207,
      errorMessage: 'Invalid digit, Value a, Pos 0, Type: Decimal',
      session: 1,
      slice: 0,
    }
    data.setCopyResponse(events, { rowsLoaded: 1000, errors: 1, queryId: '4242', loadErrors: [loadError] })
    const copy = new CopyCommandBuilder(events)
      .fromS3('my-data-bucket', 'events/2024-01-01/')
      .csv()
      .iamRole(role)
      .maxErrors(10)
      .build()
    const result = await data.copyFromS3(copy)
    expect(result).toMatchObject({ rowsLoaded: 1000, errors: 1, queryId: '4242' })
    expect(result.table.equals(events)).toBe(true)
    const errors = await data.getLoadErrors(events, new Date('2023-12-31T00:00:00Z'))
    expect(errors).toEqual([{ ...loadError, queryId: '4242', tableId: expect.any(Number) as number }])
    data.assertQueryExecuted('^COPY analytics\\.daily_events FROM')
  })

  it('a failed COPY raises LoadFailedError with its load errors', async () => {
    const data = new MockRedshiftClient()
    const events = new TableRef('events')
    data.injectError('^COPY', new LoadFailedError('Load into table events failed. Check stl_load_errors'))
    const copy = new CopyCommandBuilder(events).fromS3('my-data-bucket', 'k/').csv().iamRole(role).build()
    await expect(data.copyFromS3(copy)).rejects.toBeInstanceOf(LoadFailedError)
  })

  it('unloadToS3 returns the configured rows and files', async () => {
    const data = new MockRedshiftClient()
    data.setUnloadResponse('monthly/', { rowsUnloaded: 500, filesCreated: 2 })
    const unload = new UnloadCommandBuilder('SELECT region, SUM(revenue) FROM sales GROUP BY region')
      .toS3('reports-bucket', 'monthly/2024/01/')
      .parquet()
      .iamRole(role)
      .build()
    const result = await data.unloadToS3(unload)
    expect(result.rowsUnloaded).toBe(500)
    expect(result.filesCreated).toBe(2)
    expect(result.files.map((f) => [f.url, f.rowCount])).toEqual([
      ['s3://reports-bucket/monthly/2024/01/0000_part_00', 250],
      ['s3://reports-bucket/monthly/2024/01/0001_part_00', 250],
    ])
    const missing = await data
      .unloadToS3(new UnloadCommandBuilder('SELECT 1').toS3('other', 'x/').csv().iamRole(role).build())
      .catch((e: unknown) => e)
    expect(String((missing as Error).message)).toMatch(/setUnloadResponse/)
  })
})

describe('client surface', () => {
  it('health, diagnostics and pool stats answer from the mock', async () => {
    const m = new MockRedshiftClient()
    m.setQueryResponse('^SELECT 1$', QueryResult.singleValue(1))
    expect((await m.healthCheck()).healthy).toBe(true)
    const d = await m.getDiagnostics()
    expect(d).toMatchObject({
      transport: 'mock',
      serverVersion: '8.0.2',
      endpoint: { host: 'mock.redshift.local' },
    })
    expect(m.getPoolStats()).toMatchObject({ active: 0, closed: false })
    await m.close()
    await expect(m.executeQuery('SELECT 1')).rejects.toMatchObject({ code: 'POOL_CLOSED' })
  })
})
