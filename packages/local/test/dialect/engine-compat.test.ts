import { POSTGRES_DATE_PART_NAMES, REDSHIFT_DATE_PARTS, translateStatement } from '@redshift-kit/dialect'
import type pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type CompatFixture, startCompatFixture } from '../engine/compat-harness.js'
import { ctx } from './context.js'

// The rewrites that fit Redshift SQL to the engine's compat schema, run on a real engine with it.
let fx: CompatFixture
let db: pg.Client

beforeAll(async () => {
  fx = await startCompatFixture()
  db = fx.db
})

afterAll(async () => {
  await fx?.stop()
})

async function run(text: string): Promise<pg.QueryResult> {
  const translated = translateStatement(text, ctx)
  expect(translated.error).toBeUndefined()
  return db.query(translated.sql)
}

async function row(text: string): Promise<Record<string, unknown>> {
  const result = await run(text)
  expect(result.rows).toHaveLength(1)
  return result.rows[0] as Record<string, unknown>
}

describe('VARBYTE and its aliases', () => {
  it('keep their length, which the engine enforces', async () => {
    await run(
      'create table bytes (a VARBYTE(3), b VARBINARY(2), c BINARY VARYING(4), d VARBYTE(MAX), ' +
        'e varbinary, f binary varying, g varbinary(max))',
    )
    const columns = await db.query(
      `select attname, format_type(atttypid, atttypmod) as type from pg_attribute
       where attrelid = 'bytes'::regclass and attnum > 0 order by attnum`,
    )
    expect(columns.rows.map((r) => `${r.attname} ${r.type}`)).toEqual([
      'a varbyte(3)',
      'b varbyte(2)',
      'c varbyte(4)',
      'd varbyte(1024000)',
      'e varbinary',
      'f varbyte',
      'g varbyte(1024000)',
    ])
    await expect(run("insert into bytes (a) values ('\\x01020304')")).rejects.toMatchObject({ code: '22001' })
    await expect(run("insert into bytes (b) values ('\\x010203')")).rejects.toMatchObject({ code: '22001' })
    await run("insert into bytes (a, b, c, d, e) values ('\\x010203', '\\x0102', 'abcd', 'x', '\\x05')")
    expect(await row('select len(a) as a, len(d) as d, len(e) as e from bytes')).toEqual({ a: 3, d: 1, e: 1 })
  })

  it('truncate on an explicit cast to a length', async () => {
    expect(
      await row("select '\\x010203'::varbinary(2)::text as t, cast('abc' as binary varying(1))::text as u"),
    ).toEqual({ t: '\\x0102', u: '\\x61' })
  })
})

describe('JSON_SERIALIZE', () => {
  it("reaches the engine's function, not PostgreSQL's SQL/JSON construct", async () => {
    const result = await run(`select json_serialize(json_parse('{"a": [1, 2], "b": "x, y"}'))`)
    expect(result.rows).toEqual([{ json_serialize: '{"a":[1,2],"b":"x, y"}' }])
  })
})

describe('date parts', () => {
  const at = "(select timestamptz '2024-02-04 12:34:56.789+00' as x) s"

  it("every Redshift part runs in DATE_PART, DATEPART and EXTRACT, quoted or bare, with PostgreSQL's value", async () => {
    for (const part of REDSHIFT_DATE_PARTS) {
      const postgres = POSTGRES_DATE_PART_NAMES[part] ?? part
      const r = await row(
        `select date_part(${part}, x) as a, date_part('${part}', x) as b, datepart(${part}, x) as c, ` +
          `extract(${part} from x) as d, date_part('${postgres}', x) as want from ${at}`,
      )
      const want = Number(r.want)
      // Redshift's EXTRACT counts milliseconds and microseconds within the second.
      const within = /^(ms|msec|millisec)/.test(postgres)
        ? 1000
        : /^(us|usec|microsec)/.test(postgres)
          ? 1e6
          : 0
      const extracted = within === 0 ? want : (Math.round(want * 1000) % (within * 1000)) / 1000
      expect([part, Number(r.a), Number(r.b), Number(r.c), Number(r.d)]).toEqual([
        part,
        want,
        want,
        want,
        extracted,
      ])
    }
  })

  it('gives the renamed parts their Redshift values', async () => {
    const r = await row(
      `select date_part(dw, x) as dw, datepart('weekday', x) as weekday, extract(yearday from x) as yearday,
       date_part(qtrs, x) as qtrs, extract(cents from x) as cents, date_part(millisecs, x) as ms,
       extract(microsec from x) as us from ${at}`,
    )
    expect(r).toEqual({
      dw: 0, // Sunday
      weekday: 0,
      yearday: 35,
      qtrs: 1,
      cents: 21,
      ms: 56789,
      us: 789000, // EXTRACT counts within the second, DATE_PART does not
    })
  })

  it('DATE_TRUNC takes the renamed parts too', async () => {
    const r = await row(
      `select date_trunc(qtrs, x)::text as q, date_trunc('millisecs', x)::text as ms, ` +
        `date_trunc('cents', x::timestamp)::text as c from ${at}`,
    )
    expect(r).toEqual({
      q: '2024-01-01 00:00:00+00',
      ms: '2024-02-04 12:34:56.789+00',
      c: '2001-01-01 00:00:00',
    })
  })
})

describe('DECODE', () => {
  beforeAll(async () => {
    await db.query('create table category (catid int, catname varchar(10))')
    await db.query(
      "insert into category values (1, 'MLB'), (2, 'NHL'), (3, 'NFL'), (4, 'NBA'), (5, 'MLS'), (6, 'Opera'), (7, null)",
    )
  })

  it("answers as Redshift's documented example, in a column named case", async () => {
    const result = await run(
      "select catid, decode(catname, 'NHL', 'National Hockey League', 'MLB', 'Major League Baseball', " +
        "'MLS', 'Major League Soccer', 'NFL', 'National Football League', 'NBA', 'National Basketball Association', " +
        "'Unknown') from category order by catid",
    )
    expect(result.fields.map((f) => f.name)).toEqual(['catid', 'case'])
    expect(result.rows.map((r) => r.case)).toEqual([
      'Major League Baseball',
      'National Hockey League',
      'National Football League',
      'National Basketball Association',
      'Major League Soccer',
      'Unknown',
      'Unknown',
    ])
  })

  it('matches a NULL expr with a NULL search, and returns NULL with no default', async () => {
    const result = await run(
      "select decode(catname, null, 'none', 'NFL', 'football') as d from category where catid in (3, 6, 7) order by catid",
    )
    expect(result.rows.map((r) => r.d)).toEqual(['football', null, 'none'])
    expect(await row('select decode(null::int, null, 0, 1) as a, decode(7, null, 0, 1) as b')).toEqual({
      a: 0,
      b: 1,
    })
  })

  it('types its result as a CASE does, and reads untyped searches as the expr type', async () => {
    const result = await run(
      "select decode(2, 1, 10, 2, 2.5) as n, decode(date '2008-06-01', '2008-06-01', 'June 1st, 2008') as d",
    )
    expect(result.rows).toEqual([{ n: '2.5', d: 'June 1st, 2008' }])
    expect(result.fields[0]?.dataTypeID).toBe(1700) // numeric
  })

  it('evaluates a volatile expr once when the searches are literals', async () => {
    await db.query('create sequence decode_calls')
    expect(await row("select decode(nextval('decode_calls'), 1, 'one', 2, 'two', 'more') as d")).toEqual({
      d: 'one',
    })
    expect(await row("select currval('decode_calls')::int as n")).toEqual({ n: 1 })
  })

  it('takes more search/result pairs than the engine functions do', async () => {
    const pairs = Array.from({ length: 40 }, (_, i) => `${i + 1}, 'v${i + 1}'`).join(', ')
    expect(await row(`select decode(37, ${pairs}, 'none') as d`)).toEqual({ d: 'v37' })
  })

  it("keeps PostgreSQL's decode(text, format)", async () => {
    expect(await row("select decode('ab01', 'hex') as b")).toEqual({ b: Buffer.from([0xab, 0x01]) })
  })
})

describe('functions the engine has under their Redshift names', () => {
  it('NVL with many arguments, GETDATE(), SYSDATE, LEN, CHARINDEX, DATEADD and DATEDIFF with bare parts', async () => {
    const r = await row(
      `select nvl(null, null, 'c') as a, nvl(null::int, null, 3, 4) as b,
       getdate() = date_trunc('second', statement_timestamp())::timestamp as g,
       sysdate = transaction_timestamp()::timestamp as s, len('abc') as l, charindex('b', 'abc') as i,
       dateadd(month, 1, '2024-01-31')::text as d, datediff(qtrs, '2024-01-01', '2024-12-31') as q`,
    )
    expect(r).toEqual({ a: 'c', b: 3, g: true, s: true, l: 3, i: 2, d: '2024-02-29 00:00:00', q: '3' })
  })
})
