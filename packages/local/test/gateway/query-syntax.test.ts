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
      ('2022-01-02', '10:00:00', 'Product 6', 5000.0), ('2022-01-02', '16:00:00', 'Product 7', 5.0);
    create table part (partname varchar, manufacturer varchar, quality int, price decimal(12, 2));
    insert into part values ('prop', 'local parts co', 2, 10.00), ('prop', 'big parts co', NULL, 9.00),
      ('prop', 'small parts co', 1, 12.00), ('rudder', 'local parts co', 1, 2.50), ('rudder', 'big parts co', 2, 3.75),
      ('rudder', 'small parts co', NULL, 1.90), ('wing', 'local parts co', NULL, 7.50), ('wing', 'big parts co', 1, 15.20),
      ('wing', 'small parts co', NULL, 11.80);
    create table count_by_color (quality varchar, red int, green int, blue int);
    insert into count_by_color values ('high', 15, 20, 7), ('normal', 35, NULL, 40), ('low', 10, 23, NULL);
    create table customer_orders (id int, c_orders super);
    insert into customer_orders values
      (1, json_parse('[{"o_orderkey": 10, "o_lines": [{"qty": 1}, {"qty": 2}], "o_status": "P"}, {"o_orderkey": 11, "o_lines": []}]')),
      (2, json_parse('{"not": "an array"}')), (3, NULL);`)
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

describe('PIVOT and UNPIVOT', () => {
  it("PIVOT: the documentation's examples, implicit columns, NULL in the IN list, aliases", async () => {
    const avg = await c.query(`SELECT * FROM (SELECT partname, price FROM part) PIVOT (
      AVG(price) FOR partname IN ('prop', 'rudder', 'wing'))`)
    expect(avg.fields.map((f) => f.name)).toEqual(['prop', 'rudder', 'wing'])
    expect(Number(avg.rows[0].prop).toFixed(2)).toBe('10.33')
    const counts = await c.query(`SELECT * FROM (SELECT quality, manufacturer FROM part) PIVOT (
      count(*) AS count FOR quality IN (1 AS high, 2 AS low, NULL AS na)) ORDER BY manufacturer`)
    expect(counts.fields.map((f) => f.name)).toEqual(['manufacturer', 'high_count', 'low_count', 'na_count'])
    expect(counts.rows.map((r) => [r.manufacturer, r.high_count, r.low_count, r.na_count])).toEqual([
      ['big parts co', '1', '1', '1'],
      ['local parts co', '1', '1', '1'],
      ['small parts co', '1', '0', '2'],
    ])
    const cte = await c.query(`WITH p AS (SELECT quality, manufacturer FROM part)
      SELECT manufacturer, "1" FROM p PIVOT (count(*) FOR quality IN (1, 2)) AS pv WHERE pv."2" = 0`)
    expect(cte.rows).toEqual([{ manufacturer: 'small parts co', 1: '1' }])
  })

  it('UNPIVOT: NULLs skipped unless INCLUDE NULLS, IN-list aliases, a VARCHAR name column', async () => {
    const r = await c.query(`SELECT * FROM (SELECT quality, red, green, blue FROM count_by_color) UNPIVOT (
      cnt FOR color IN (red AS r, green AS g, blue AS b)) ORDER BY color, quality`)
    expect(r.fields.map((f) => f.name)).toEqual(['quality', 'color', 'cnt'])
    expect(r.rows.map((x) => `${x.quality}:${x.color}:${x.cnt}`)).toEqual([
      'high:b:7',
      'normal:b:40',
      'high:g:20',
      'low:g:23',
      'high:r:15',
      'low:r:10',
      'normal:r:35',
    ])
    const all =
      await c.query(`SELECT count(*) AS n, count(cnt) AS v FROM (SELECT red, green, blue FROM count_by_color)
      UNPIVOT INCLUDE NULLS (cnt FOR color IN (red, green, blue))`)
    expect(all.rows).toEqual([{ n: '9', v: '7' }])
  })

  it('a plain table as source: its other columns come from the catalog', async () => {
    const r = await c.query(
      'SELECT * FROM count_by_color UNPIVOT (cnt FOR color IN (red, green)) ORDER BY quality, color',
    )
    expect(r.fields.map((f) => f.name)).toEqual(['quality', 'blue', 'color', 'cnt'])
    expect(r.rows.map((x) => `${x.quality}:${x.blue}:${x.color}:${x.cnt}`)).toEqual([
      'high:7:green:20',
      'high:7:red:15',
      'low:null:green:23',
      'low:null:red:10',
      'normal:40:red:35',
    ])
  })
})

describe('SUPER navigation and unnesting', () => {
  it('dot and bracket paths, table-qualified or not, are lax: a missing path is NULL', async () => {
    const r = await c.query(`SELECT id, c_orders[0].o_orderkey, co.c_orders[0].o_lines[1].qty AS qty,
        c_orders.nothing.deeper AS missing, co.c_orders[1]['o_orderkey'] AS second
      FROM customer_orders co ORDER BY id`)
    expect(r.fields.map((f) => [f.name, f.dataTypeID])).toEqual([
      ['id', 23],
      ['o_orderkey', 4000],
      ['qty', 4000],
      ['missing', 4000],
      ['second', 4000],
    ])
    expect(r.rows.map((x) => [x.o_orderkey, x.qty, x.missing, x.second])).toEqual([
      ['10', '2', null, '11'],
      [null, null, null, null],
      [null, null, null, null],
    ])
    const schemaQualified = await c.query(
      'SELECT qsyntax.customer_orders.c_orders[1].o_orderkey AS k FROM qsyntax.customer_orders ORDER BY id',
    )
    expect(schemaQualified.rows.map((x) => x.k)).toEqual(['11', null, null])
    // Dynamic typing: a path compares with plain literals (false across types) and casts laxly.
    const typed = await c.query(`SELECT count(*) FILTER (WHERE c_orders[0].o_status = 'P') AS p,
        count(*) FILTER (WHERE c_orders[0].o_orderkey = 10) AS ten,
        count(*) FILTER (WHERE c_orders[0].o_orderkey = 'P') AS mixed,
        max(c_orders[0].o_status::varchar) AS status, max(c_orders[0].o_status::int) AS lax
      FROM customer_orders`)
    expect(typed.rows).toEqual([{ p: '1', ten: '1', mixed: '0', status: 'P', lax: null }])
  })

  it('FROM t, t.c AS x AT i unnests arrays (others give no row); UNPIVOT walks an object', async () => {
    const r = await c.query(`SELECT c.id, o.o_orderkey AS k, i, l.qty AS qty
      FROM customer_orders c, c.c_orders AS o AT i, o.o_lines l ORDER BY k, qty`)
    expect(r.rows).toEqual([
      { id: 1, k: '10', i: 0, qty: '1' },
      { id: 1, k: '10', i: 0, qty: '2' },
    ])
    const attrs =
      await c.query(`SELECT attr, val FROM customer_orders c, c.c_orders AS o, UNPIVOT o AS val AT attr
      WHERE o.o_orderkey::int = 11 ORDER BY attr`)
    expect(attrs.rows).toEqual([
      { attr: 'o_lines', val: '[]' },
      { attr: 'o_orderkey', val: '11' },
    ])
  })
})

describe('ANALYZE COMPRESSION', () => {
  it("answers Redshift's report: encodings by type, sort keys kept, unlisted columns N/A, in a transaction too", async () => {
    // Unqualified: created in qsyntax through the search path, and its sort key is still recorded.
    await c.query(`create table listing (listid int, seller varchar(20), price decimal(8,2), ok boolean, listtime timestamp)
      sortkey (listtime)`)
    await c.query(`insert into listing select n, 'seller ' || (n % 3), n % 7, n % 2 = 0, timestamp '2024-01-01' + n * interval '1 hour'
      from generate_series(1, 300) n`)
    await c.query('BEGIN')
    const r = await c.query('analyze compression listing')
    await c.query('COMMIT')
    expect(r.fields.map((f) => f.name)).toEqual(['Table', 'Column', 'Encoding', 'Est_reduction_pct'])
    expect(r.rows.map((x) => [x.Table, x.Column, x.Encoding])).toEqual([
      ['listing', 'listid', 'az64'],
      ['listing', 'seller', 'zstd'],
      ['listing', 'price', 'az64'],
      ['listing', 'ok', 'raw'],
      ['listing', 'listtime', 'raw'],
    ])
    expect(r.rows.map((x) => x.Est_reduction_pct)).toEqual(['0.00', '94.05', '92.78', '0.00', '0.00'])
    const some = await c.query('ANALYZE COMPRESSION qsyntax.listing (seller) COMPROWS 1000')
    expect(some.rows.map((x) => `${x.Column}:${x.Encoding}:${x.Est_reduction_pct}`)).toEqual([
      'listid:N/A:0.00',
      'seller:zstd:94.05',
      'price:N/A:0.00',
      'ok:N/A:0.00',
      'listtime:N/A:0.00',
    ])
    const every = await c.query('ANALYZE COMPRESSION')
    expect(every.rows.filter((x) => x.Table === 'listing').map((x) => x.Encoding)).toEqual(
      r.rows.map((x) => x.Encoding),
    )
    await expect(c.query('analyze compression listing (nope)')).rejects.toThrow(
      'column "nope" does not exist',
    )
    await expect(c.query('analyze compression no_such_table')).rejects.toThrow(
      'relation "no_such_table" does not exist',
    )
    await expect(c.query('analyze compression listing comprows 10')).rejects.toThrow('COMPROWS must be')
  })
})

describe('functions', () => {
  it('SHA1 and FUNC_SHA1 give the hex SHA-1 digest', async () => {
    expect((await c.query("SELECT SHA1('Amazon Redshift') AS a, FUNC_SHA1('') AS b")).rows).toEqual([
      { a: 'eeac5ed1e11cda66032c30ad77b25071b5487f55', b: 'da39a3ee5e6b4b0d3255bfef95601890afd80709' },
    ])
  })
})
