import {
  ColumnMetadata,
  QueryBuilder,
  QueryFailedError,
  TableRef,
  ValidationError,
} from '@redshift-kit/client'
import { MockRedshiftClient } from '@redshift-kit/client/simulation'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

// One mock for the file: the in-process engine starts once (the first start takes a few seconds).
const mock = new MockRedshiftClient()
const sales = new TableRef('analytics', 'sales')
const regions = new TableRef('analytics', 'regions')

beforeAll(async () => {
  mock
    .createTable(sales, [
      new ColumnMetadata('id', 'BIGINT'),
      new ColumnMetadata('region', 'VARCHAR', { length: 32 }),
      new ColumnMetadata('amount', 'DECIMAL', { precision: 12, scale: 2 }),
      new ColumnMetadata('units', 'INTEGER'),
      new ColumnMetadata('sold_at', 'TIMESTAMP'),
      new ColumnMetadata('paid', 'BOOLEAN'),
      new ColumnMetadata('details', 'SUPER'),
      new ColumnMetadata('receipt', 'VARBYTE'),
      new ColumnMetadata('place', 'GEOMETRY'),
    ])
    .insertRows(sales, [
      [
        1n,
        'emea',
        '10.50',
        2,
        new Date('2024-01-01T10:00:00.123Z'),
        true,
        { tags: ['a'], n: 1 },
        new Uint8Array([1, 2, 255]),
        'POINT(1 2)',
      ],
      {
        id: 2n,
        region: 'apac',
        amount: '7.25',
        units: 1,
        sold_at: new Date('2024-01-02T00:00:00Z'),
        paid: false,
      },
      [3n, 'emea', '100.00', 5, new Date('2024-01-03T00:00:00Z'), true, null, null, null],
      [
        9_007_199_254_740_993n,
        'amer',
        '0.01',
        1,
        new Date('2024-01-04T00:00:00Z'),
        true,
        'just text',
        null,
        null,
      ],
    ])
    .createTable(regions, [new ColumnMetadata('region', 'VARCHAR'), new ColumnMetadata('manager', 'VARCHAR')])
    .insertRows(regions, [
      ['emea', 'ada'],
      ['apac', 'grace'],
    ])
  await mock.ready()
}, 60_000)

afterAll(() => mock.close())

describe('mock tables', () => {
  it('returns every type exactly as the real client does', async () => {
    const r = await mock.executeQuery('SELECT * FROM analytics.sales WHERE id = 1')
    const row = r.rows[0]?.toObject()
    expect(row).toEqual({
      id: 1n,
      region: 'emea',
      amount: '10.50',
      units: 2,
      sold_at: new Date('2024-01-01T10:00:00.123Z'),
      paid: true,
      details: { tags: ['a'], n: 1 },
      receipt: new Uint8Array([1, 2, 255]),
      place: 'POINT(1 2)',
    })
    expect(r.columns.map((c) => [c.name, c.dataType])).toEqual([
      ['id', 'BIGINT'],
      ['region', 'VARCHAR'],
      ['amount', 'DECIMAL'],
      ['units', 'INTEGER'],
      ['sold_at', 'TIMESTAMP'],
      ['paid', 'BOOLEAN'],
      ['details', 'SUPER'],
      ['receipt', 'VARBYTE'],
      ['place', 'GEOMETRY'],
    ])
    expect(r.columns[1]?.length).toBe(32)
    expect([r.columns[2]?.precision, r.columns[2]?.scale]).toEqual([12, 2])
    expect(r.command).toBe('SELECT')
    expect(r.rowsAffected).toBe(1)
    expect(r.queryId).toMatch(/^\d+$/)
  })

  it('keeps bigints beyond 2^53 and SUPER strings exact', async () => {
    const r = await mock.executeQuery(
      new QueryBuilder('SELECT id, details FROM analytics.sales WHERE region = $1').param('amer').build(),
    )
    expect(r.rows[0]?.values).toEqual([9_007_199_254_740_993n, 'just text'])
  })

  it('filters, joins, aggregates and orders with real SQL and Redshift result types', async () => {
    const r = await mock.executeQuery(`
      SELECT s.region, g.manager, COUNT(*) AS n, SUM(s.id) AS ids, SUM(s.amount) AS total, AVG(s.units) AS avg_units
      FROM analytics.sales s JOIN analytics.regions g ON g.region = s.region
      WHERE s.paid OR s.units < 5
      GROUP BY s.region, g.manager
      ORDER BY total DESC`)
    expect(r.toObjects()).toEqual([
      { region: 'emea', manager: 'ada', n: 2n, ids: 4n, total: '110.50', avg_units: 3n },
      { region: 'apac', manager: 'grace', n: 1n, ids: 2n, total: '7.25', avg_units: 1n },
    ])
    // Redshift: SUM(BIGINT) is BIGINT and AVG(INTEGER) a truncated integer (PostgreSQL would say NUMERIC).
    expect(r.columns.map((c) => c.dataType)).toEqual([
      'VARCHAR',
      'VARCHAR',
      'BIGINT',
      'BIGINT',
      'DECIMAL',
      'BIGINT',
    ])
  })

  it('runs INSERT, UPDATE and DELETE with parameters and reports rows affected', async () => {
    const ins = await mock.executeQuery(
      new QueryBuilder('INSERT INTO analytics.regions (region, manager) VALUES ($1, $2), ($3, $4)')
        .params(['amer', 'linus', 'mars', 'nobody'])
        .build(),
    )
    expect([ins.command, ins.rowsAffected]).toEqual(['INSERT', 2])
    const upd = await mock.executeQuery(
      new QueryBuilder("UPDATE analytics.regions SET manager = $1 WHERE region LIKE 'a%'").param('x').build(),
    )
    expect([upd.command, upd.rowsAffected]).toEqual(['UPDATE', 2])
    const del = await mock.executeQuery("DELETE FROM analytics.regions WHERE region IN ('mars', 'amer')")
    expect([del.command, del.rowsAffected]).toEqual(['DELETE', 2])
    const left = await mock.executeQuery('SELECT region, manager FROM analytics.regions ORDER BY region')
    expect(left.rows.map((r) => r.values)).toEqual([
      ['apac', 'x'],
      ['emea', 'ada'],
    ])
  })

  it('knows Redshift functions (GETDATE, NVL, JSON_PARSE, SYSDATE-free LEN)', async () => {
    const r = await mock.executeQuery(
      "SELECT NVL(NULL::varchar, 'x') AS a, LEN('abcd') AS b, JSON_PARSE('{\"k\":[1]}') AS c, GETDATE() AS d",
    )
    const o = r.rows[0]?.toObject()
    expect(o?.a).toBe('x')
    expect(o?.b).toBe(4)
    expect(o?.c).toEqual({ k: [1] })
    expect(o?.d).toBeInstanceOf(Date)
  })

  it('reports server errors as the real client classifies them', async () => {
    const error = await mock.executeQuery('SELECT nope FROM analytics.sales').catch((e: unknown) => e)
    expect(error).toMatchObject({ code: 'NOT_FOUND', sqlState: '42703' })
    const syntax = await mock.executeQuery('SELEC 1').catch((e: unknown) => e)
    expect(syntax).toBeInstanceOf(QueryFailedError)
    expect((syntax as QueryFailedError).sqlState).toBe('42601')
  })

  it('checks rows against the column types when they are inserted', () => {
    expect(() => mock.insertRows(sales, [[1, 'emea', 10.5, 2, null, true, null, null, null]])).toThrow(
      ValidationError,
    )
    try {
      mock.insertRows(sales, [{ id: 5 }])
    } catch (e) {
      expect((e as ValidationError).problems?.[0]?.message).toMatch(/BIGINT.*bigint \(write 5n\)/)
    }
    expect(() => mock.insertRows('analytics.nothing', [[1n]])).toThrow(/does not exist in the mock/)
    expect(() => mock.createTable(sales, [new ColumnMetadata('id', 'BIGINT')])).toThrow(/already exists/)
  })

  it('clearTable empties a table', async () => {
    const other = new MockRedshiftClient()
    other.createTable('t', [{ name: 'id', dataType: 'INTEGER' }]).insertRows('t', [[1], [2]])
    expect((await other.executeQuery('SELECT COUNT(*) FROM t')).rows[0]?.get(0)).toBe(2n)
    other.clearTable('t')
    expect((await other.executeQuery('SELECT COUNT(*) FROM t')).rows[0]?.get(0)).toBe(0n)
    other.reset()
    const gone = await other.executeQuery('SELECT COUNT(*) FROM t').catch((e: unknown) => e)
    expect(String((gone as Error).message)).toMatch(/no response for this statement/)
    await other.close()
  }, 30_000)
})
