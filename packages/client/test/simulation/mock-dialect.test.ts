import { ColumnMetadata, TableRef } from '@redshift-kit/client'
import { MockRedshiftClient } from '@redshift-kit/client/simulation'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

// The mock's tables translate through @redshift-kit/dialect, as redshift-local does: the same Redshift
// SQL runs, and the same PostgreSQL-only SQL fails with Redshift's SQLSTATE.
const mock = new MockRedshiftClient()
const orders = new TableRef('public', 'orders')

beforeAll(async () => {
  mock
    .createTable(orders, [
      new ColumnMetadata('id', 'INTEGER'),
      new ColumnMetadata('customer', 'VARCHAR', { length: 20 }),
      new ColumnMetadata('placed', 'DATE'),
    ])
    .insertRows(orders, [
      [1, 'ada', '2024-01-31'],
      [2, null, '2024-02-29'],
      [3, 'bob', '2024-03-01'],
    ])
  await mock.ready()
})

afterAll(async () => {
  await mock.close()
})

describe('the mock speaks the dialect redshift-local speaks', () => {
  it('runs TOP, NVL, DECODE, bare DATEADD/DATEDIFF parts and SYSDATE', async () => {
    const r = await mock.executeQuery(`
      SELECT TOP 2 id, NVL(customer, 'nobody') AS who, DECODE(id, 1, 'one', 'other') AS word,
             DATEADD(month, 1, placed) AS next, DATEDIFF(day, placed, '2024-03-31') AS days_left,
             SYSDATE IS NOT NULL AS now_known
      FROM orders ORDER BY id`)
    expect(r.rows.map((row) => row.toObject())).toEqual([
      {
        id: 1,
        who: 'ada',
        word: 'one',
        next: new Date('2024-02-29T00:00:00Z'),
        days_left: 60n,
        now_known: true,
      },
      {
        id: 2,
        who: 'nobody',
        word: 'other',
        next: new Date('2024-03-29T00:00:00Z'),
        days_left: 31n,
        now_known: true,
      },
    ])
  })

  it('accepts Redshift DDL with table attributes and VARBYTE functions', async () => {
    await mock.executeQuery(
      'CREATE TABLE public.events (id BIGINT IDENTITY(1, 1), kind VARCHAR(MAX) ENCODE zstd) DISTSTYLE KEY DISTKEY (id) SORTKEY (id)',
    )
    await mock.executeQuery("INSERT INTO public.events (kind) VALUES ('a'), ('b')")
    const r = await mock.executeQuery(
      "SELECT count(*) AS n, to_hex(from_hex('0aff')) AS hex, from_varbyte(to_varbyte('abc', 'utf8'), 'hex') AS utf FROM public.events",
    )
    expect(r.rows[0]?.toObject()).toEqual({ n: 2n, hex: '0aff', utf: '616263' })
  })

  it('runs PERCENTILE_CONT over dates as a window function, MEDIAN, APPROXIMATE COUNT(DISTINCT) and HLL', async () => {
    const w = await mock.executeQuery(
      'SELECT id, PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY placed DESC) OVER () AS mid FROM orders ORDER BY id',
    )
    expect(w.rows.map((row) => row.toObject().mid)).toEqual(['2024-02-29', '2024-02-29', '2024-02-29'])
    const r = await mock.executeQuery(
      'SELECT MEDIAN(placed) AS m, APPROXIMATE COUNT(DISTINCT customer) AS n, HLL_CARDINALITY(HLL_CREATE_SKETCH(id)) AS h FROM orders',
    )
    expect(r.rows[0]?.toObject()).toEqual({ m: '2024-02-29', n: 2n, h: 3n })
  })

  it('runs PIVOT, UNPIVOT and SUPER navigation and unnesting', async () => {
    const pivoted = await mock.executeQuery(`SELECT * FROM (SELECT id, customer FROM orders) PIVOT (
      count(id) FOR customer IN ('ada' AS a, NULL AS nobody))`)
    expect(pivoted.rows.map((row) => row.toObject())).toEqual([{ a: 1n, nobody: 1n }])
    // Over the table itself: its columns come from the engine's catalog, as on redshift-local.
    const overTable = await mock.executeQuery(`SELECT * FROM orders PIVOT (
      count(placed) FOR customer IN ('ada' AS a, NULL AS nobody)) ORDER BY id`)
    expect(overTable.rows.map((row) => row.toObject())).toEqual([
      { id: 1, a: 1n, nobody: 0n },
      { id: 2, a: 0n, nobody: 1n },
      { id: 3, a: 0n, nobody: 0n },
    ])
    await expect(
      mock.executeQuery('SELECT * FROM nowhere PIVOT (count(x) FOR y IN (1))'),
    ).rejects.toMatchObject({
      sqlState: '42P01',
    })
    const unpivoted =
      await mock.executeQuery(`SELECT * FROM (SELECT id, customer, 'x' AS other FROM orders WHERE id = 1)
      UNPIVOT (v FOR k IN (customer, other))`)
    expect(unpivoted.rows.map((row) => row.toObject())).toEqual([
      { id: 1, k: 'customer', v: 'ada' },
      { id: 1, k: 'other', v: 'x' },
    ])
    const nested = await mock.executeQuery(`SELECT d.a.b AS b, e.x AS x, i FROM
      (SELECT json_parse('{"b": 7, "list": [{"x": 1}, {"x": 2}]}') AS a) AS d, d.a.list AS e AT i ORDER BY i`)
    expect(nested.rows.map((row) => row.toObject())).toEqual([
      { b: 7, x: 1, i: 0 },
      { b: 7, x: 2, i: 1 },
    ])
  })

  it.each([
    ['INSERT INTO orders VALUES (1, NULL, NULL) ON CONFLICT DO NOTHING', '42601'],
    ['INSERT INTO orders VALUES (4, NULL, NULL) RETURNING id', '42601'],
    ["SELECT '{}'::jsonb", '42704'],
    ['CREATE INDEX i ON orders (id)', '0A000'],
    ['CREATE SEQUENCE s', '0A000'],
    ['CREATE TABLE bad (id serial)', '0A000'],
    ['COPY orders FROM STDIN', '0A000'],
  ])('refuses %s as Redshift does (%s)', async (sql, sqlState) => {
    const error = await mock.executeQuery(sql).catch((e: unknown) => e)
    expect(error).toMatchObject({ sqlState })
  })
})
