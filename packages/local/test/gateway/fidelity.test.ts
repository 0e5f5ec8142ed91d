import type pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ADMIN, ALICE, startTestGateway, type TestGateway } from './helpers.js'

let t: TestGateway
let admin: pg.Client
let alice: pg.Client

beforeAll(async () => {
  t = await startTestGateway()
  admin = await t.connect(ADMIN)
  await admin.query(`
    CREATE SCHEMA sales;
    CREATE TABLE sales.orders (id INTEGER NOT NULL, note VARCHAR(40) DEFAULT 'none', amount DECIMAL(12, 2), doc SUPER);
    CREATE TABLE sales.secret (id INTEGER);
    CREATE VIEW sales.big_orders AS SELECT id FROM sales.orders WHERE amount > 100;
    GRANT USAGE ON SCHEMA sales TO alice;
    GRANT SELECT ON sales.orders TO alice;`)
  alice = await t.connect(ALICE)
})
afterAll(async () => {
  await t?.stop()
})

describe('SHOW metadata commands, with Redshift result columns', () => {
  it('SHOW DATABASES lists dev', async () => {
    const r = await alice.query('SHOW DATABASES')
    expect(r.fields.map((f) => f.name)).toEqual([
      'database_name',
      'database_owner',
      'database_type',
      'database_acl',
      'parameters',
      'database_isolation_level',
    ])
    expect(r.rows.map((row) => row.database_name)).toContain('dev')
    expect(r.rows.map((row) => row.database_name)).not.toContain('template1')
    expect((await alice.query("SHOW DATABASES LIKE 'de_'")).rows).toHaveLength(1)
  })

  it('SHOW SCHEMAS FROM DATABASE, with LIKE (case-sensitive) and LIMIT', async () => {
    const r = await alice.query('SHOW SCHEMAS FROM DATABASE dev')
    expect(r.fields.map((f) => f.name)).toEqual([
      'database_name',
      'schema_name',
      'schema_owner',
      'schema_type',
      'schema_acl',
      'source_database',
      'schema_option',
    ])
    const names = r.rows.map((row) => row.schema_name)
    expect(names).toEqual(expect.arrayContaining(['public', 'sales', 'pg_catalog']))
    expect(names).not.toContain('rk_internal')
    expect((await alice.query("SHOW SCHEMAS FROM DATABASE dev LIKE 'sal%'")).rows).toHaveLength(1)
    expect((await alice.query("SHOW SCHEMAS FROM DATABASE dev LIKE 'SAL%'")).rows).toHaveLength(0)
    expect((await alice.query('SHOW SCHEMAS FROM DATABASE dev LIMIT 1')).rows).toHaveLength(1)
  })

  it('SHOW TABLES FROM SCHEMA shows what the user may read', async () => {
    const mine = await alice.query('SHOW TABLES FROM SCHEMA dev.sales')
    expect(mine.rows.map((row) => [row.table_name, row.table_type])).toEqual([['orders', 'TABLE']])
    const all = await admin.query("SHOW TABLES FROM SCHEMA dev.sales LIKE '%o%';")
    expect(all.fields.map((f) => f.name)).toEqual([
      'database_name',
      'schema_name',
      'table_name',
      'table_type',
      'table_acl',
      'remarks',
      'owner',
      'last_altered_time',
      'last_modified_time',
      'dist_style',
      'table_subtype',
    ])
    expect(all.rows.map((row) => [row.table_name, row.table_type, row.owner])).toEqual([
      ['big_orders', 'VIEW', 'admin'],
      ['orders', 'TABLE', 'admin'],
    ])
  })

  it('SHOW COLUMNS FROM TABLE gives types, lengths, precision and defaults', async () => {
    const r = await alice.query('SHOW COLUMNS FROM TABLE dev.sales.orders')
    expect(r.rows).toEqual([
      expect.objectContaining({
        column_name: 'id',
        ordinal_position: 1,
        is_nullable: 'NO',
        data_type: 'integer',
        numeric_precision: 32,
        numeric_scale: 0,
      }),
      expect.objectContaining({
        column_name: 'note',
        data_type: 'character varying',
        character_maximum_length: 40,
        column_default: "'none'::character varying",
      }),
      expect.objectContaining({
        column_name: 'amount',
        data_type: 'numeric',
        numeric_precision: 12,
        numeric_scale: 2,
        is_nullable: 'YES',
      }),
      expect.objectContaining({ column_name: 'doc', data_type: 'super' }),
    ])
    expect((await alice.query("SHOW COLUMNS FROM TABLE sales.orders LIKE 'n%'")).rows).toHaveLength(1)
  })

  it('answers bad forms with Redshift-shaped errors', async () => {
    await expect(alice.query('SHOW TABLES')).rejects.toMatchObject({ code: '42601' })
    await expect(alice.query('SHOW TABLES FROM SCHEMA dev.sales LIMIT 10001')).rejects.toMatchObject({
      code: '22023',
    })
    // Settings still SHOW as before.
    expect((await alice.query('SHOW query_group')).rows[0]).toEqual({ query_group: 'unset' })
  })
})

describe('PostgreSQL-only SQL over the wire', () => {
  it.each([
    ['INSERT INTO sales.orders (id) VALUES (1) RETURNING id', '42601'],
    ["SELECT '{}'::jsonb", '42704'],
    ['CREATE INDEX orders_id ON sales.orders (id)', '0A000'],
    ['CREATE TABLE sales.hosts (ip inet)', '0A000'],
    ['SELECT * FROM sales.orders FOR UPDATE', '0A000'],
  ])('%s fails with %s and the session stays usable', async (sql, code) => {
    await expect(alice.query(sql)).rejects.toMatchObject({ code })
    expect((await alice.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }])
  })

  it('a refused statement with parameters fails at Execute, not at Bind', async () => {
    await expect(
      alice.query('INSERT INTO sales.orders (id, note) VALUES ($1, $2) ON CONFLICT DO NOTHING', [1, 'x']),
    ).rejects.toMatchObject({ code: '42601', message: 'syntax error at or near "ON"' })
  })
})

describe('Redshift functions from the SQL reference', () => {
  const row = async (sql: string) => (await alice.query(sql)).rows[0]

  it('date functions: ADD_MONTHS keeps month ends, LAST_DAY, NEXT_DAY, DATE_PART_YEAR, DATE_CMP', async () => {
    expect(
      await row(`SELECT ADD_MONTHS('2008-02-29'::date, 1)::text AS end_to_end,
        ADD_MONTHS('2008-01-30'::date, 1)::text AS clamped, ADD_MONTHS('2008-03-15 10:30:00'::timestamp, -1)::text AS back,
        LAST_DAY('2024-02-10'::date)::text AS last, NEXT_DAY('2024-05-01'::date, 'Mon')::text AS mon,
        NEXT_DAY('2024-05-06'::date, 'monday')::text AS week_later,
        DATE_PART_YEAR('2019-07-04'::date) AS y, DATE_CMP('2024-01-01', '2024-01-02') AS cmp`),
    ).toEqual({
      end_to_end: '2008-03-31 00:00:00',
      clamped: '2008-02-29 00:00:00',
      back: '2008-02-15 10:30:00',
      last: '2024-02-29',
      mon: '2024-05-06',
      week_later: '2024-05-13',
      y: 2019,
      cmp: -1,
    })
  })

  it('string functions: REPLICATE, SHA2, CRC32 (CRC-32C, the documented example), VARBYTE', async () => {
    expect(
      await row(`SELECT REPLICATE('ab', 3) AS r, SHA2('Amazon Redshift', 256) AS s,
        CRC32('Amazon Redshift') AS c, TO_HEX(FROM_HEX('00ff')) AS h`),
    ).toEqual({
      r: 'ababab',
      s: '15013dc10bc5b293f1f66ea28d818387f191cafeb26f89639fae0b4acf9c8772',
      c: 'f2726906',
      h: '00ff',
    })
  })

  it('MEDIAN and PERCENTILE_* (aggregate and window), RATIO_TO_REPORT, APPROXIMATE COUNT(DISTINCT)', async () => {
    await admin.query(`CREATE TABLE public.scores (team VARCHAR(5), points INTEGER);
      INSERT INTO public.scores VALUES ('a', 1), ('a', 2), ('a', 10), ('b', 4), ('b', 6);
      GRANT SELECT ON public.scores TO alice`)
    const r = await alice.query(`SELECT team, MEDIAN(points) AS med, APPROXIMATE COUNT(DISTINCT points) AS n
      FROM public.scores GROUP BY team ORDER BY team`)
    expect(r.rows).toEqual([
      { team: 'a', med: '2', n: '3' },
      { team: 'b', med: '5', n: '2' },
    ])
    const w = await alice.query(`SELECT points, RATIO_TO_REPORT(points) OVER (PARTITION BY team) AS share,
      MEDIAN(points) OVER (PARTITION BY team) AS med,
      PERCENTILE_CONT(0.25) WITHIN GROUP (ORDER BY points DESC) OVER (PARTITION BY team) AS pc,
      PERCENTILE_DISC(0.5) WITHIN GROUP (ORDER BY points) OVER () AS pd
      FROM public.scores WHERE team = 'b' ORDER BY points`)
    expect(w.rows.map((x) => [x.points, Number(x.share), x.med, x.pc, x.pd])).toEqual([
      [4, 0.4, '5', '5.5', 4],
      [6, 0.6, '5', '5.5', 4],
    ])
    // Redshift's result types on the wire: DECIMAL (1700) from integers, GEOMETRY (3000), HLLSKETCH (2935).
    const t = await alice.query(`SELECT PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY points) OVER () AS p,
      ST_Point(points, 0) AS g, HLL_CREATE_SKETCH(points) OVER () AS h FROM public.scores LIMIT 1`)
    expect(t.fields.map((f) => f.dataTypeID)).toEqual([1700, 3000, 2935])
  })
})

describe('PIVOT over a plain table, its columns read from the catalog', () => {
  it('groups by the other columns, over the simple and the extended protocol; privileges and names as the engine has them', async () => {
    await admin.query(`CREATE TABLE public.part (partname VARCHAR(20), manufacturer VARCHAR(20), quality INTEGER);
      INSERT INTO public.part VALUES ('prop', 'm1', 1), ('prop', 'm1', 2), ('wing', 'm1', 1)`)
    const simple = await admin.query(
      'SELECT * FROM part PIVOT (count(*) FOR quality IN (1, 2)) ORDER BY partname',
    )
    expect(simple.fields.map((f) => f.name)).toEqual(['partname', 'manufacturer', '1', '2'])
    expect(simple.rows.map((r) => simple.fields.map((f) => r[f.name]).join(','))).toEqual([
      'prop,m1,1,1',
      'wing,m1,1,0',
    ])
    const extended = await admin.query(
      'SELECT * FROM public.part PIVOT (count(*) FOR quality IN (1, 2)) AS p WHERE p.partname = $1',
      ['wing'],
    )
    expect(extended.rows).toEqual([{ partname: 'wing', manufacturer: 'm1', '1': '1', '2': '0' }])
    await expect(
      alice.query('SELECT * FROM sales.secret PIVOT (count(*) FOR id IN (1))'),
    ).rejects.toMatchObject({
      code: '42501',
    })
    await expect(admin.query('SELECT * FROM nowhere PIVOT (count(*) FOR id IN (1))')).rejects.toMatchObject({
      code: '42P01',
    })
  })
})

describe('Redshift ALTER TABLE forms over the wire', () => {
  it('ALTER DISTSTYLE / SORTKEY change what pg_table_def and svv_table_info show', async () => {
    await admin.query('CREATE TABLE public.events (id INTEGER, kind VARCHAR(10)) DISTSTYLE EVEN')
    const r = await admin.query('ALTER TABLE public.events ALTER DISTSTYLE KEY DISTKEY id')
    expect(r.command).toBe('ALTER')
    await admin.query('ALTER TABLE public.events ALTER SORTKEY (kind)')
    const def = await admin.query(
      `SELECT "column", distkey, sortkey FROM pg_table_def WHERE tablename = 'events' ORDER BY "column"`,
    )
    expect(def.rows).toEqual([
      { column: 'id', distkey: true, sortkey: 0 },
      { column: 'kind', distkey: false, sortkey: 1 },
    ])
    await expect(admin.query('ALTER TABLE public.nope ALTER DISTSTYLE ALL')).rejects.toMatchObject({
      code: '42P01',
    })
  })

  it('ALTER TABLE APPEND moves every row and empties the source', async () => {
    await admin.query(`CREATE TABLE public.target (id INTEGER, kind VARCHAR(10));
      CREATE TABLE public.staging (id INTEGER, kind VARCHAR(10));
      INSERT INTO public.staging VALUES (1, 'a'), (2, 'b')`)
    await admin.query('ALTER TABLE public.target APPEND FROM public.staging')
    expect((await admin.query('SELECT count(*)::int AS n FROM public.target')).rows).toEqual([{ n: 2 }])
    expect((await admin.query('SELECT count(*)::int AS n FROM public.staging')).rows).toEqual([{ n: 0 }])
  })
})
