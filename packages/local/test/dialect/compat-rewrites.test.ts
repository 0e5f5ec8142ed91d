import { POSTGRES_DATE_PART_NAMES, translateStatement } from '@redshift-kit/dialect'
import { describe, expect, it } from 'vitest'
import { DATEPARTS_POSTGRES_LACKS } from '../../src/engine/compat/index.js'
import { ctx } from './context.js'

// Rewrites that make Redshift SQL meet what the engine's compat schema has (or lacks).
const sql = (text: string) => translateStatement(text, ctx).sql

describe('date parts PostgreSQL lacks', () => {
  it("the dialect's table is the compat schema's", () => {
    expect(POSTGRES_DATE_PART_NAMES).toEqual(DATEPARTS_POSTGRES_LACKS)
  })

  it('are renamed, quoted and bare, in DATE_PART, DATEPART and DATE_TRUNC', () => {
    expect(
      sql(
        "select date_part(dw, d), DATE_PART('DayOfYear', d), date_part(E'qtrs', d), date_trunc('qtrs', d) from t",
      ),
    ).toBe(
      "select date_part('dow', d), DATE_PART('doy', d), date_part('quarter', d), date_trunc('quarter', d) from t",
    )
    expect(sql('select pg_catalog.date_part(millisecs, d) from t')).toBe(
      "select pg_catalog.date_part('millisecond', d) from t",
    )
  })

  it('becomes date_part for DATEPART, which the engine does not have', () => {
    expect(
      sql("select DATEPART(weekday, d), datepart('dw', d), datepart(year, d), datepart(col, d) from t"),
    ).toBe("select date_part('dow', d), date_part('dow', d), date_part('year', d), date_part(col, d) from t")
    expect(sql("select pg_catalog.datepart('h', d)")).toBe("select pg_catalog.date_part('h', d)")
  })

  it("make EXTRACT Redshift's typed date_part, the part quoted (DEC would be a type name) and renamed", () => {
    expect(sql('select extract(dec from d), extract(decs from d) from t')).toBe(
      "select rk_internal.date_part('dec', d), rk_internal.date_part('decs', d) from t",
    )
    expect(
      sql("select extract(dw from d), EXTRACT(YearDay FROM d + 1), extract('cents' from d) from t"),
    ).toBe(
      "select rk_internal.date_part('dow', d), rk_internal.date_part('doy', d + 1), rk_internal.date_part('century', d) from t",
    )
  })

  it('leave what PostgreSQL knows, and calls of other schemas, byte for byte', () => {
    for (const text of [
      "select date_part('dow', d), date_trunc('Week', d) from t",
      "select s.date_part('dw', d), s.datepart(dw, d), extract(dw) from t",
      'select \'date_part(dw, d)\', "datepart" from t -- extract(dw from d)\n',
    ]) {
      expect(sql(text)).toBe(text)
    }
  })

  it("leave DATEADD's and DATEDIFF's parts to the engine's functions, which know them all", () => {
    expect(sql("select dateadd(dw, 1, d), datediff('qtrs', a, b) from t")).toBe(
      "select dateadd('dw', 1, d), datediff('qtrs', a, b) from t",
    )
  })
})

describe('DECODE', () => {
  it('with literal searches becomes a simple CASE, evaluating expr once', () => {
    expect(sql("select decode(code, 1, 'one', -2, 'minus two', 'other') from t")).toBe(
      "select CASE (code) WHEN (1) THEN ('one') WHEN (-2) THEN ('minus two') ELSE ('other') END from t",
    )
    expect(sql("select DECODE(a, 'x', 1) from t")).toBe("select CASE (a) WHEN ('x') THEN (1) END from t")
  })

  it('matches a NULL expr with a NULL (or any non-literal) search', () => {
    expect(sql("select decode(a, null, 'none', b, 'same', 0) from t")).toBe(
      "select CASE WHEN (a) IS NOT DISTINCT FROM (null) THEN ('none') WHEN (a) IS NOT DISTINCT FROM (b) THEN ('same') ELSE (0) END from t",
    )
  })

  it('rewrites inside its arguments and nests', () => {
    expect(sql('select decode(decode(a, 1, 2), 2, sysdate, b + 1) from t')).toBe(
      'select CASE (CASE (a) WHEN (1) THEN (2) END) WHEN (2) THEN (pg_catalog.sysdate()) ELSE (b + 1) END from t',
    )
    expect(sql("select decode(f(a, 'b'), 'x', (select top 1 c from u)) from t")).toBe(
      "select CASE (f(a, 'b')) WHEN ('x') THEN ((select c from u LIMIT 1)) END from t",
    )
  })

  it("leaves PostgreSQL's decode(text, format), qualified calls and malformed ones alone", () => {
    for (const text of [
      "select decode('ab', 'hex'), pg_catalog.decode(a, 1, 2), s.decode(a, 1, 2) from t",
      'select decode(a,, 1), decode(a, 1 from t',
      "select 'decode(a, 1, 2)' as decode from t",
      'create function decode(int, int, int) returns int language sql as $$select 1$$',
    ]) {
      expect(sql(text)).toBe(text)
    }
  })
})

describe('JSON_SERIALIZE', () => {
  it("is qualified, so PostgreSQL's SQL/JSON construct of that name does not take it", () => {
    expect(sql("select json_serialize(s), JSON_SERIALIZE (json_parse('[1]')) from t")).toBe(
      "select pg_catalog.json_serialize(s), pg_catalog.JSON_SERIALIZE (json_parse('[1]')) from t",
    )
  })

  it('is left alone when qualified, quoted, or not called', () => {
    const text = "select pg_catalog.json_serialize(s), json_serialize, 'json_serialize(s)' from t"
    expect(sql(text)).toBe(text)
  })
})
