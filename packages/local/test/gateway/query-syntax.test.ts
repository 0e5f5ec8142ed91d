import pg from 'pg'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'

// Redshift query syntax PostgreSQL lacks, run through the shared server in a schema of this file's own.
const { host, port, database, admin } = inject('redshift')
let c: pg.Client

beforeAll(async () => {
  c = new pg.Client({ host, port, database, user: admin.name, password: admin.password })
  await c.connect()
  await c.query(`DROP SCHEMA IF EXISTS qsyntax CASCADE; CREATE SCHEMA qsyntax; SET search_path TO qsyntax;
    create table store_sales (ss_sold_date date, ss_sold_time time, ss_item text, ss_sales_price float);
    insert into store_sales values ('2022-01-01', '09:00:00', 'Product 1', 100.0),
      ('2022-01-01', '11:00:00', 'Product 2', 500.0), ('2022-01-01', '15:00:00', 'Product 3', 20.0),
      ('2022-01-01', '17:00:00', 'Product 4', 1000.0), ('2022-01-01', '18:00:00', 'Product 5', 30.0),
      ('2022-01-02', '10:00:00', 'Product 6', 5000.0), ('2022-01-02', '16:00:00', 'Product 7', 5.0);`)
})
afterAll(async () => {
  await c?.query('DROP SCHEMA IF EXISTS qsyntax CASCADE')
  await c?.end()
})

describe('QUALIFY', () => {
  it("the documentation's example: the two most expensive items sold after 12:00 each day", async () => {
    const r = await c.query(`select * from store_sales ss where ss_sold_time > time '12:00:00'
      qualify row_number() over (partition by ss_sold_date order by ss_sales_price desc) <= 2
      order by ss_sold_date, ss_sales_price desc`)
    expect(r.fields.map((f) => f.name)).toEqual(['ss_sold_date', 'ss_sold_time', 'ss_item', 'ss_sales_price'])
    expect(r.rows.map((x) => [x.ss_item, x.ss_sales_price])).toEqual([
      ['Product 4', 1000],
      ['Product 5', 30],
      ['Product 7', 5],
    ])
  })

  it('a named list filtered on an alias, with parameters, and the last item of each day', async () => {
    const r = await c.query(
      `select ss_sold_date::text as day, ss_item, row_number() over (partition by ss_sold_date order by ss_sold_time desc) as rn
       from store_sales where ss_sales_price > $1 qualify rn = 1 order by day`,
      [10],
    )
    expect(r.rows).toEqual([
      { day: '2022-01-01', ss_item: 'Product 5', rn: '1' },
      { day: '2022-01-02', ss_item: 'Product 6', rn: '1' },
    ])
  })
})

describe('functions', () => {
  it('SHA1 and FUNC_SHA1 give the hex SHA-1 digest', async () => {
    expect((await c.query("SELECT SHA1('Amazon Redshift') AS a, FUNC_SHA1('') AS b")).rows).toEqual([
      { a: 'eeac5ed1e11cda66032c30ad77b25071b5487f55', b: 'da39a3ee5e6b4b0d3255bfef95601890afd80709' },
    ])
  })
})
