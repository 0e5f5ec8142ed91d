import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { installCompat, REDSHIFT_VERSION_STRING } from '../../src/engine/compat/index.js'
import { type CompatFixture, one, startCompatFixture } from './compat-harness.js'

let fx: CompatFixture

beforeAll(async () => {
  fx = await startCompatFixture()
})

afterAll(async () => {
  await fx?.stop()
})

describe('installCompat', () => {
  it('is idempotent, and a no-op when already installed', async () => {
    await installCompat(fx.db, { force: true })
    await installCompat(fx.db)
    const { n } = await one<{ n: string }>(
      fx.db,
      `SELECT count(*) AS n FROM pg_proc WHERE proname = 'nvl' AND pronamespace = 'pg_catalog'::regnamespace`,
    )
    expect(Number(n)).toBe(2)
    // The version check alone is far cheaper than the script.
    expect(fx.installMillis[1]).toBeLessThan(fx.installMillis[0])
  })

  it('creates the internal tables first', async () => {
    const r = await fx.db.query(
      `SELECT tablename FROM pg_tables WHERE schemaname = 'rk_internal' ORDER BY tablename`,
    )
    expect(r.rows.map((x) => x.tablename)).toEqual(
      expect.arrayContaining(['queries', 'connection_log', 'wlm_queues', 'wlm_state', 'table_attributes']),
    )
  })
})

describe('Redshift types', () => {
  it('resolves whatever the search_path and reports its own OID in RowDescription', async () => {
    await fx.db.query(`CREATE SCHEMA IF NOT EXISTS other`)
    await fx.db.query(`SET search_path = other`)
    try {
      await fx.db.query(
        `CREATE TABLE other.typed (s super, b varbyte(4), v varbinary, g geometry, h hllsketch, y geography)`,
      )
      await fx.db.query(
        `INSERT INTO other.typed VALUES (json_parse('{"a":1}'), '\\x0102', '\\xff', '0101', '{}', '01')`,
      )
      const r = await fx.db.query(`SELECT s, b, v, g, h, y, s['a'] AS sa, b || b AS bb FROM other.typed`)
      const map = await fx.db.query<{ engine_oid: number; redshift_oid: number; type_name: string }>(
        `SELECT engine_oid::int, redshift_oid, type_name FROM rk_internal.redshift_type_map`,
      )
      const redshiftOid = (engineOid: number) =>
        map.rows.find((m) => m.engine_oid === engineOid)?.redshift_oid
      // Real base types: PostgreSQL would describe a domain column by its base type's OID (text, bytea...).
      expect(r.fields.map((f) => redshiftOid(f.dataTypeID))).toEqual([
        4000, 6551, 6551, 3000, 2935, 3001, 4000, 6551,
      ])
      expect(r.fields[0]?.dataTypeID).not.toBe(3802)
      expect(r.fields[3]?.dataTypeID).not.toBe(25)
    } finally {
      await fx.db.query(`RESET search_path`)
    }
  })

  it('gives SUPER equality, grouping and subscripts, and VARBYTE(n) its length', async () => {
    await fx.db.query(`CREATE TABLE sup (s super)`)
    await fx.db.query(
      `INSERT INTO sup VALUES (json_parse('{"b":[1,2]}')), (json_parse('{"b":[1,2]}')), (json_parse('"x"'))`,
    )
    const g = await fx.db.query(
      `SELECT pg_catalog.json_serialize(s) AS j, count(*)::int AS n FROM sup GROUP BY s ORDER BY n`,
    )
    expect(g.rows).toEqual([
      { j: '"x"', n: 1 },
      { j: '{"b":[1,2]}', n: 2 },
    ])
    expect((await one(fx.db, `SELECT s['b'][1]::int AS v FROM sup LIMIT 1`)).v).toBe(2)
    await fx.db.query(`CREATE TABLE vb (b varbyte(3))`)
    await expect(fx.db.query(`INSERT INTO vb VALUES ('\\x01020304')`)).rejects.toThrow(
      /too long for type varbyte\(3\)/,
    )
    expect(
      await one(fx.db, `SELECT '\\x01020304'::varbyte(3)::text AS t, 5::smallint::varbyte::text AS i`),
    ).toEqual({
      t: '\\x010203',
      i: '\\x0005',
    })
  })
})

describe('functions (AWS documentation examples)', () => {
  const q = async (sql: string) => one(fx.db, sql)

  it('GETDATE is the statement start to the second, SYSDATE the transaction start', async () => {
    const r = await q(`SELECT getdate()::text AS g, sysdate() = transaction_timestamp()::timestamp AS s,
      getdate() = date_trunc('second', statement_timestamp())::timestamp AS same, pg_typeof(getdate())::text AS t`)
    expect(r).toMatchObject({ s: true, same: true, t: 'timestamp without time zone' })
    expect(r.g).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/)
  })

  it('NVL, NVL2 and DECODE', async () => {
    expect(
      await q(`SELECT nvl(NULL::int, 3) AS a, nvl(NULL, NULL, 'c') AS b, nvl('a'::varchar, 'b'::text) AS c,
        nvl(1, 2.5) AS d, nvl2(NULL, 'x', 'y') AS e, nvl2(1, 'x', 'y') AS f`),
    ).toEqual({ a: 3, b: 'c', c: 'a', d: '1', e: 'y', f: 'x' })
    expect(
      await q(`SELECT decode('NFL', 'NHL', 'National Hockey League', 'NFL', 'National Football League', 'Unknown') AS a,
        decode('MLB', 'NHL', 'National Hockey League', 'Unknown') AS b,
        decode(NULL::int, NULL, 0, 1) AS c, decode(7, NULL, 0, 1) AS d,
        decode(date '2008-06-01', '2008-06-01', 'June 1st, 2008') AS e, decode(2, 1, 'x') AS f,
        decode('ab', 'hex') AS g`),
    ).toEqual({
      a: 'National Football League',
      b: 'Unknown',
      c: 0,
      d: 1,
      e: 'June 1st, 2008',
      f: null,
      g: Buffer.from([0xab]),
    })
  })

  it('LEN, CHARINDEX, STRTOL, BTRIM', async () => {
    expect(
      await q(`SELECT len('abc  ') AS a, len('abc  '::char(10)) AS b, len('\\x010203'::varbyte) AS c,
        charindex('dog', 'fish dog') AS d, charindex('x', 'abc') AS e, btrim('  xyz  ') AS f`),
    ).toEqual({ a: 5, b: 3, c: 3, d: 6, e: 0, f: 'xyz' })
    expect(
      await q(`SELECT strtol('0xf', 16) AS a, strtol('abcd1234', 16) AS b, strtol('1234567', 10) AS c,
        strtol('1234567', 8) AS d, strtol('110101', 2) AS e, strtol('\\0', 2) AS f, strtol('  -12', 10) AS g`),
    ).toEqual({ a: '15', b: '2882343476', c: '1234567', d: '342391', e: '53', f: '0', g: '-12' })
    await expect(fx.db.query(`SELECT strtol('1', 40)`)).rejects.toThrow(/between 2 and 36/)
  })

  it('CONVERT_TIMEZONE', async () => {
    expect(
      await q(`SELECT convert_timezone('EST', 'PST', '20080305 12:25:29')::text AS a,
        convert_timezone('America/New_York', '2013-02-01 08:00:00')::text AS b,
        convert_timezone('America/New_York', '2013-06-01 08:00:00')::text AS c,
        convert_timezone('PST', timestamp '2008-08-24 09:36:12')::text AS d,
        convert_timezone('US/Pacific', timestamp '2008-08-24 09:36:12')::text AS e,
        convert_timezone('GMT', 'GMT+2', '2014-05-17 12:00:00')::text AS f`),
    ).toEqual({
      a: '2008-03-05 09:25:29',
      b: '2013-02-01 03:00:00',
      c: '2013-06-01 04:00:00',
      d: '2008-08-24 01:36:12',
      e: '2008-08-24 02:36:12',
      f: '2014-05-17 10:00:00',
    })
  })

  it('JSON functions', async () => {
    expect(
      await q(`SELECT json_extract_path_text('{"f2":{"f3":1},"f4":{"f5":99,"f6":"star"}}', 'f4', 'f6') AS a,
        json_extract_path_text('{"f2":{"f3":1},"f4":{"f5":99,"f6":"star"}', 'f4', 'f6', true) AS b,
        json_extract_path_text('{"f4":{"f5":99,"f6":"star"}}', 'f4') AS c,
        json_extract_path_text('{"a":1}', 'b') AS d,
        json_extract_array_element_text('[111,112,113]', 2) AS e,
        json_extract_array_element_text('["a",["b",1,["c",2,3,null,]]]', 1, true) AS f,
        json_extract_array_element_text('[1]', 5) AS g,
        json_array_length('[11,12,13,{"f1":21,"f2":[25,26]},14]') AS h,
        json_array_length('[1', true) AS i`),
    ).toEqual({
      a: 'star',
      b: null,
      c: '{"f5":99,"f6":"star"}',
      d: '',
      e: '113',
      f: null,
      g: '',
      h: 5,
      i: null,
    })
    await expect(
      fx.db.query(`SELECT json_extract_path_text('{"f4":{"f6":"star"}', 'f4', 'f6')`),
    ).rejects.toThrow(/invalid input syntax for type json/)
    const valid = await fx.db.query(
      `SELECT is_valid_json(s) AS v FROM (VALUES (1, '{"a":2}'), (2, '{"a":{"b":{"c":1}}}'), (3, '{"a": [1,2,"b"]}'),
        (4, '{{}}'), (5, '{1:"a"}'), (6, '[1,2,3]')) AS t(i, s) ORDER BY i`,
    )
    expect(valid.rows.map((r) => r.v)).toEqual([true, true, true, false, false, false])
    expect(
      await q(`SELECT is_valid_json_array('[1,2,3]') AS a,
        pg_catalog.json_serialize(json_parse('[10001,10002,"abc"]')) AS b,
        pg_catalog.json_serialize(json_parse('{"a": "x, y: z", "b": [1, {"c": null}]}')) AS c,
        pg_typeof(json_parse('1'))::text AS d`),
    ).toEqual({ a: true, b: '[10001,10002,"abc"]', c: '{"a":"x, y: z","b":[1,{"c":null}]}', d: 'super' })
  })

  it('DATEADD, DATEDIFF, MONTHS_BETWEEN, TRUNC, DATE_TRUNC of a date', async () => {
    expect(
      await q(`SELECT dateadd('month', 1, '2008-02-28')::text AS a, dateadd('day', 30, date '2008-02-28')::text AS b,
        dateadd('mon', 1, date '2008-01-31')::text AS c, dateadd('hr', 2, time '23:00')::text AS d,
        dateadd('ms', 5, timestamp '2020-01-01')::text AS e, dateadd('qtr', -1, timestamp '2020-01-15')::text AS f,
        pg_typeof(dateadd('day', 1, '2008-02-28'))::text AS g`),
    ).toEqual({
      a: '2008-03-28 00:00:00',
      b: '2008-03-29 00:00:00',
      c: '2008-02-29 00:00:00',
      d: '01:00:00',
      e: '2020-01-01 00:00:00.005',
      f: '2019-10-15 00:00:00',
      g: 'timestamp without time zone',
    })
    expect(
      await q(`SELECT datediff('week', '2009-01-01', '2009-12-31') AS a,
        datediff('day', '2024-01-01 23:59', '2024-01-02 00:01') AS b,
        datediff('year', date '2008-12-31', date '2009-01-01') AS c,
        datediff('hours', '2009-01-01 08:30:00', '2009-01-01 10:00:00') AS d,
        datediff('hour', time '20:00:00', time '15:24:45') AS e,
        datediff('minute', time '20:00:00', time '21:00:00') AS f,
        datediff('hours', timetz '20:00:00 PST', timetz '00:58:00 EST') AS g,
        datediff('qtr', date '1998-07-01', timestamp '2008-07-01') AS h,
        datediff('month', '2024-03-31', '2024-02-01') AS i,
        datediff('microsecond', '2024-01-01 00:00:00', '2024-01-01 00:00:01.5') AS j`),
    ).toEqual({ a: '52', b: '1', c: '1', d: '2', e: '-5', f: '60', g: '1', h: '40', i: '-1', j: '1500000' })
    await expect(fx.db.query(`SELECT datediff('fortnight', '2024-01-01', '2024-02-01')`)).rejects.toThrow(
      /DATEDIFF does not support the date part "fortnight"/,
    )
    expect(
      await q(`SELECT months_between('1969-01-18', '1969-03-18') AS a,
        round(months_between('2008-12-25 15:00', '2008-01-21 19:30')::numeric, 2) AS b,
        months_between('2014-09-30', '2014-08-31') AS c,
        trunc(timestamp '2011-07-21 10:32:38')::text AS d,
        pg_typeof(date_trunc('month', date '2009-09-21'))::text AS e`),
    ).toEqual({ a: -2, b: '11.12', c: 1, d: '2011-07-21', e: 'timestamp without time zone' })
  })

  it('pg_last_* read the rk.* settings, with Redshift defaults when unset', async () => {
    expect(
      await q(`SELECT pg_last_copy_id() AS a, pg_last_copy_count() AS b, pg_last_unload_count() AS c,
        pg_last_query_id() AS d, pg_last_unload_id() AS e`),
    ).toEqual({ a: -1, b: '0', c: '0', d: -1, e: -1 })
    await fx.db.query(
      `SELECT set_config('rk.last_copy_id', '42', false), set_config('rk.last_copy_count', '7', false)`,
    )
    expect(await q(`SELECT pg_last_copy_id() AS a, pg_last_copy_count() AS b`)).toEqual({ a: 42, b: '7' })
  })

  it("version() answers Redshift's banner; the engine's own version stays in server_version", async () => {
    expect(await q(`SELECT version() AS a, rk_internal.redshift_version() AS b`)).toEqual({
      a: REDSHIFT_VERSION_STRING,
      b: REDSHIFT_VERSION_STRING,
    })
    expect((await q(`SELECT * FROM version() AS v`)).v).toBe(REDSHIFT_VERSION_STRING)
    expect((await q(`SHOW server_version`)).server_version).toMatch(/^18\./)
  })
})
