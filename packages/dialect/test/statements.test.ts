import { describe, expect, it } from 'vitest'
import { translateStatement } from '../src/index.js'
import { ctx } from './context.js'

const t = (text: string) => translateStatement(text, ctx)

describe('COPY and UNLOAD', () => {
  it('hands Redshift COPY to the gateway with its text', () => {
    for (const text of [
      "COPY sales FROM 's3://bucket/sales/' IAM_ROLE 'arn:aws:iam::1:role/r' CSV",
      "copy t (a, b) from 'dynamodb://Orders' credentials 'aws_access_key_id=x' readratio 50",
      "copy t from 'emr://j-1/out/part-*' iam_role default",
      "copy t from 's3://b/ssh_manifest' iam_role 'r' ssh",
    ]) {
      expect(t(text)).toMatchObject({ sql: text, queryType: 'COPY', gatewayCommand: { type: 'copy', text } })
    }
  })

  it("answers PostgreSQL's COPY forms with Redshift's lack of them", () => {
    expect(t('COPY t FROM STDIN')).toMatchObject({
      queryType: 'COPY',
      error: { sqlState: '0A000', message: 'COPY FROM STDIN is not supported by Amazon Redshift' },
    })
    expect(t('copy t (a) from stdin with (format csv)').error?.hint).toContain('s3://')
    expect(t('copy (select 1) to stdout').error).toMatchObject({
      sqlState: '0A000',
      hint: expect.stringContaining('UNLOAD'),
    })
    expect(t("copy t to '/tmp/x'").error?.sqlState).toBe('0A000')
    expect(t("copy t from program 'cat x'").error?.sqlState).toBe('0A000')
    expect(t('copy t from stdin').gatewayCommand).toBeUndefined()
  })

  it('hands UNLOAD to the gateway with its text', () => {
    const text = "UNLOAD ('select * from t where a = ''x''') TO 's3://b/p_' IAM_ROLE 'r' PARQUET"
    expect(t(text)).toMatchObject({
      sql: text,
      queryType: 'UNLOAD',
      gatewayCommand: { type: 'unload', text },
    })
  })
})

describe('PostgreSQL features Redshift lacks', () => {
  it('answer 0A000 naming what is missing', () => {
    for (const [text, message] of [
      ['LISTEN jobs', 'LISTEN is not supported by Amazon Redshift'],
      ["notify jobs, 'x'", 'NOTIFY is not supported by Amazon Redshift'],
      ['unlisten *', 'UNLISTEN is not supported by Amazon Redshift'],
      ['create extension if not exists pgcrypto', 'CREATE EXTENSION is not supported by Amazon Redshift'],
      ['create sequence s', 'CREATE SEQUENCE is not supported by Amazon Redshift'],
      [
        'create or replace trigger tr after insert on t execute function f()',
        'CREATE TRIGGER is not supported by Amazon Redshift',
      ],
    ] as const) {
      const out = t(text)
      expect(out.error).toMatchObject({ sqlState: '0A000', message })
      expect(out.sql).toBe(text)
    }
  })
})

describe('queryType', () => {
  it('classifies every kind of statement', () => {
    const cases: Array<[string, string]> = [
      ['select 1', 'SELECT'],
      ['(select 1) union (select 2)', 'SELECT'],
      ['with x as (select 1) select * from x', 'SELECT'],
      ['with x as (select 1) insert into t select * from x', 'INSERT'],
      ['values (1)', 'SELECT'],
      ['insert into t values (1)', 'INSERT'],
      ['update t set a = 1', 'UPDATE'],
      ['delete from t', 'DELETE'],
      ["copy t from 's3://b/k' iam_role 'r'", 'COPY'],
      ["unload ('select 1') to 's3://b/k' iam_role 'r'", 'UNLOAD'],
      ['create table t (a int)', 'DDL'],
      ['create table t as select 1', 'CTAS'],
      ['select 1 as a into new_table', 'CTAS'],
      ['alter table t add column b int', 'DDL'],
      ['drop table t', 'DDL'],
      ['truncate t', 'DDL'],
      ['grant select on t to u', 'DDL'],
      ['create view v as select 1', 'DDL'],
      ['set statement_timeout to 0', 'UTILITY'],
      ['show search_path', 'UTILITY'],
      ['begin', 'UTILITY'],
      ['commit', 'UTILITY'],
      ['end', 'UTILITY'],
      ['rollback', 'UTILITY'],
      ['analyze t', 'UTILITY'],
      ['vacuum t', 'UTILITY'],
      ['cancel 1', 'UTILITY'],
      ['call p()', 'COMMAND'],
      ['frobnicate', 'OTHER'],
      ['', 'OTHER'],
    ]
    for (const [text, type] of cases) expect([text, t(text).queryType]).toEqual([text, type])
  })
})

describe('readsSystemViews', () => {
  it('is true for Redshift system relations, bare, qualified or quoted', () => {
    for (const text of [
      'select * from stl_query',
      'select * from STV_RECENTS',
      'select * from pg_catalog.svl_qlog',
      'select * from svv_table_info',
      'select * from sys_query_history where query_id = 1',
      'select * from "pg_table_def"',
      'select 1 from t join pg_catalog."stl_load_errors" e on true',
    ]) {
      expect([text, t(text).readsSystemViews]).toEqual([text, true])
    }
  })

  it('is false otherwise, names in strings and comments included', () => {
    for (const text of [
      "select 'stl_query' from t -- svl_qlog",
      'select sysdate',
      'select * from system_users',
    ]) {
      expect([text, t(text).readsSystemViews]).toEqual([text, false])
    }
  })
})
