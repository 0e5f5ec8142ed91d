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

describe('spatial functions over a real geometry model (AWS documentation examples)', () => {
  const q = async (sql: string) => one(fx.db, sql)
  const LINE = `'LINESTRING(3.141592653589793 -6.283185307179586,2.718281828459045 -1.414213562373095)'`

  it('constructors give hex EWKB as Redshift prints it; the text forms print as documented', async () => {
    expect(
      await q(`SELECT ST_GeomFromText('POLYGON((0 0,0 1,1 1,1 0,0 0))', 4326) AS a, ST_Point(1, 2) AS b,
        ST_AsText(ST_GeomFromText(${LINE}, 4326)) AS c, ST_AsText(ST_GeomFromText(${LINE}), 6) AS d,
        ST_AsGeoJSON(ST_GeomFromText(${LINE})) AS e,
        ST_AsEWKT(ST_GeomFromEWKT('SRID=4326;MULTIPOINT(1 0,EMPTY)')) AS f,
        ST_AsText(ST_GeogFromText('LINESTRING(110 40, 2 3, -10 80, -7 9)')) AS g,
        ST_AsText(ST_GeomFromWKB(ST_AsBinary(ST_GeomFromText('GEOMETRYCOLLECTION(POINT(1 2),POLYGON((0 0,0 1,1 1,0 0)))')))) AS h,
        ST_AsEWKB(ST_Point(1, 2, 4326)) AS i`),
    ).toEqual({
      a: '0103000020E61000000100000005000000000000000000000000000000000000000000000000000000000000000000F03F000000000000F03F000000000000F03F000000000000F03F000000000000000000000000000000000000000000000000',
      b: '0101000000000000000000F03F0000000000000040',
      c: 'LINESTRING(3.14159265358979 -6.28318530717959,2.71828182845905 -1.41421356237309)',
      d: 'LINESTRING(3.14159 -6.28319,2.71828 -1.41421)',
      e: '{"type":"LineString","coordinates":[[3.14159265358979,-6.28318530717959],[2.71828182845905,-1.41421356237309]]}',
      f: 'SRID=4326;MULTIPOINT((1 0),EMPTY)',
      g: 'LINESTRING(110 40,2 3,-10 80,-7 9)',
      h: 'GEOMETRYCOLLECTION(POINT(1 2),POLYGON((0 0,0 1,1 1,0 0)))',
      i: '\\x0101000020e6100000000000000000f03f0000000000000040',
    })
  })

  it('accessors, also of WKT put into a GEOMETRY column as written', async () => {
    await fx.db.query(`CREATE TABLE public.places (g geometry);
      INSERT INTO public.places VALUES ('POINT(1.5 -2)'), (ST_GeomFromText('MULTIPOLYGON(((0 0,0 1,1 1,0 0)),((5 5,5 6,6 6,5 5)))', 3857))`)
    const r = await fx.db.query(`SELECT ST_GeometryType(g) AS t, ST_SRID(g) AS s, ST_NPoints(g) AS n,
      ST_NumGeometries(g) AS m, ST_IsEmpty(g) AS e FROM public.places ORDER BY 1`)
    expect(r.rows).toEqual([
      { t: 'ST_MultiPolygon', s: 3857, n: 8, m: 2, e: false },
      { t: 'ST_Point', s: 0, n: 1, m: 1, e: false },
    ])
    expect(
      await q(`SELECT ST_X(g) AS x, ST_Y(g) AS y, ST_SRID(ST_SetSRID(g, 4326)) AS s,
        ST_IsEmpty(ST_GeomFromText('POINT EMPTY')) AS e FROM public.places WHERE ST_GeometryType(g) = 'ST_Point'`),
    ).toEqual({ x: 1.5, y: -2, s: 4326, e: true })
  })

  it('planar measures and predicates', async () => {
    const square = `ST_GeomFromText('POLYGON((0 0,10 0,10 10,0 10,0 0),(2 2,2 4,4 4,4 2,2 2))')`
    expect(
      await q(`SELECT ST_Distance(ST_GeomFromText('POLYGON((0 2,1 1,0 -1,0 2))'),
          ST_GeomFromText('POLYGON((-1 -3,-2 -1,0 -3,-1 -3))')) AS d,
        ST_DWithin(ST_Point(0, 0), ST_Point(3, 4), 5) AS w1, ST_DWithin(ST_Point(0, 0), ST_Point(3, 4), 4.9) AS w2,
        ST_Length(ST_GeomFromText('MULTILINESTRING((0 0,10 0,0 10),(10 0,20 0,20 10))')) AS l,
        ST_Area(ST_GeomFromText('MULTIPOLYGON(((0 0,10 0,0 10,0 0)),((10 0,20 0,20 10,10 0)))')) AS a,
        ST_Perimeter(ST_GeomFromText('MULTIPOLYGON(((0 0,10 0,0 10,0 0)),((10 0,20 0,20 10,10 0)))')) AS p,
        ST_Area(${square}) AS holed, ST_Contains(${square}, ST_Point(5, 5)) AS c1, ST_Contains(${square}, ST_Point(3, 3)) AS c2,
        ST_Contains(${square}, ST_Point(0, 5)) AS c3, ST_Within(ST_Point(5, 5), ${square}) AS w,
        ST_Contains(ST_GeomFromText('POLYGON((-1 3,2 1,0 -3,-1 3))'), ST_GeomFromText('POLYGON((0 2,1 1,0 -1,0 2))')) AS c4,
        ST_Intersects(${square}, ST_Point(0, 5)) AS i1, ST_Intersects(${square}, ST_GeomFromText('LINESTRING(20 20,30 30)')) AS i2,
        ST_AsText(ST_Envelope(ST_GeomFromText('GEOMETRYCOLLECTION(POLYGON((0 0,10 0,0 10,0 0)),LINESTRING(20 10,20 0,10 0))'))) AS e,
        ST_AsEWKT(ST_Centroid(ST_GeomFromText('POLYGON((0 0,10 0,10 10,0 10,0 0))', 4326))) AS ce`),
    ).toEqual({
      d: Math.SQRT2,
      w1: true,
      w2: false,
      l: 44.14213562373095,
      a: 100,
      p: 68.2842712474619,
      holed: 96,
      c1: true,
      c2: false,
      c3: false,
      w: true,
      c4: true,
      i1: true,
      i2: false,
      e: 'POLYGON((0 0,0 10,20 10,20 0,0 0))',
      ce: 'SRID=4326;POINT(5 5)',
    })
  })

  it('bad WKT or WKB, Z coordinates and mixed SRIDs fail with an error that says what is wrong', async () => {
    for (const [sql, code, message] of [
      [`ST_GeomFromText('POINT(1)')`, '22023', /ST_GeomFromText: invalid WKT: expected a coordinate/],
      [`ST_GeomFromText('LINESTRING(1 2,3 4')`, '22023', /invalid WKT "LINESTRING\(1 2,3 4"/],
      [`ST_GeomFromText('POLYGON((0 0,0 1,1 1,1 0))')`, '22023', /ring must end where it starts/],
      [`ST_GeomFromText('CIRCLE(1 2)')`, '22023', /unknown geometry type CIRCLE/],
      [`ST_GeomFromWKB('0101')`, '22023', /ST_GeomFromWKB: invalid WKB: the input ends too early/],
      [`ST_GeomFromText('POINT Z (1 2 3)')`, '0A000', /Z or M coordinates are not available/],
      [`ST_Distance(ST_Point(0, 0), ST_Point(1, 1, 4326))`, '22023', /different SRIDs \(0 and 4326\)/],
      [
        `ST_X(ST_GeomFromText('LINESTRING(0 0,1 1)'))`,
        '22023',
        /ST_X: the argument is a LineString, not a point/,
      ],
    ] as const) {
      await expect(fx.db.query(`SELECT ${sql}`), sql).rejects.toMatchObject({
        code,
        message: expect.stringMatching(message),
      })
    }
  })
})

describe('HyperLogLog sketches', () => {
  const q = async (sql: string) => one(fx.db, sql)

  it('print in Redshift sparse JSON form, and an empty one as documented', async () => {
    const r = await q(`SELECT hll_create_sketch(v) AS s FROM (VALUES (1), (2), (3), (4), (NULL)) AS t(v)`)
    expect(r.s).toMatch(
      /^\{"version":1,"logm":15,"sparse":\{"indices":\[\d+(,\d+){3}\],"values":\[\d+(,\d+){3}\]\}\}$/,
    )
    expect(
      await q(`SELECT hll_create_sketch(v) AS s, hll(v) AS n FROM (SELECT 1 AS v WHERE false) AS t`),
    ).toEqual({
      s: '{"version":1,"logm":15,"sparse":{"indices":[],"values":[]}}',
      n: '0',
    })
    expect(await q(`SELECT hll_cardinality('${r.s}'::hllsketch) AS n`)).toEqual({ n: '4' })
  })

  it('estimate 100k distinct values within 2 %, dense past the sparse limit; sketches combine', async () => {
    const r = await q(`SELECT hll_cardinality(s) AS c, left(s::text, 1) AS f
      FROM (SELECT hll_create_sketch(v % 100000) AS s FROM generate_series(1, 120000) AS v) AS t`)
    expect(Math.abs(Number(r.c) - 100_000)).toBeLessThan(2_000)
    expect(r.f).not.toBe('{')
    // HLL and APPROXIMATE COUNT(DISTINCT), which the dialect turns into HLL, give the sketch's estimate.
    const h = await q(
      `SELECT hll(v) AS h, hll_cardinality(hll_create_sketch(v)) AS c FROM generate_series(1, 6000) AS v`,
    )
    expect(h.h).toBe(h.c)
    const c = await q(`SELECT hll_cardinality(hll_combine(s)) AS a,
        hll_cardinality(hll_combine_sketches(min(s::text)::hllsketch, max(s::text)::hllsketch)) AS b
      FROM (SELECT v % 2 AS g, hll_create_sketch(v) AS s FROM generate_series(1, 1000) AS v GROUP BY 1) AS t`)
    expect(c).toEqual({ a: '1000', b: '1000' })
    await expect(fx.db.query(`SELECT hll_cardinality('{"a":1}'::hllsketch)`)).rejects.toMatchObject({
      code: '22023',
    })
  })
})

describe('percentiles with Redshift result types', () => {
  it('PERCENTILE_CONT over integers gives DECIMAL, over dates a DATE; MEDIAN of timestamps', async () => {
    const r = await one(
      fx.db,
      `SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY v) AS a, pg_typeof(percentile_cont(0.5) WITHIN GROUP (ORDER BY v))::text AS at,
        percentile_cont(0.5) WITHIN GROUP (ORDER BY d)::text AS b, percentile_disc(0.5) WITHIN GROUP (ORDER BY d)::text AS c,
        median(d)::text AS e, median(d::timestamp + interval '1 hour')::text AS f
      FROM (VALUES (1, date '2024-01-01'), (2, date '2024-01-05'), (4, date '2024-01-09'), (5, NULL)) AS t(v, d)`,
    )
    expect(r).toEqual({
      a: '3',
      at: 'numeric',
      b: '2024-01-05',
      c: '2024-01-05',
      e: '2024-01-05',
      f: '2024-01-05 01:00:00',
    })
    await expect(
      fx.db.query(`SELECT percentile_cont(1.5) WITHIN GROUP (ORDER BY v) FROM (VALUES (1)) AS t(v)`),
    ).rejects.toMatchObject({
      code: '22003',
    })
  })
})
