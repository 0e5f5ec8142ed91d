import { describe, expect, test } from 'vitest'
import { translateStatement } from '../src/index.js'
import { ctx } from './context.js'

const errorOf = (sql: string) => translateStatement(sql, ctx).error

describe('PostgreSQL-only SQL fails as Redshift fails it', () => {
  test.each([
    ['INSERT INTO t VALUES (1) RETURNING id', '42601', 'syntax error at or near "RETURNING"'],
    ['update t set a = 1 returning *', '42601', 'syntax error at or near "returning"'],
    ['DELETE FROM t WHERE a = 1 RETURNING a', '42601', 'syntax error at or near "RETURNING"'],
    ['insert into t values (1) on conflict do nothing', '42601', 'syntax error at or near "on"'],
    ["select '{}'::jsonb", '42704', 'type "jsonb" does not exist'],
    ["select cast('{}' as json)", '42704', 'type "json" does not exist'],
    ['select gen_random_uuid()::uuid from t', '42704', 'type "uuid" does not exist'],
    ['create table t (id uuid)', '42704', 'type "uuid" does not exist'],
    ['create table t (doc jsonb, n int)', '42704', 'type "jsonb" does not exist'],
    ['create table t (b bytea)', '0A000', 'Column "t.b" has unsupported type "bytea".'],
    ['create table s.hosts (ip inet)', '0A000', 'Column "hosts.ip" has unsupported type "inet".'],
    ['create table t (flags bit varying(8))', '0A000', 'Column "t.flags" has unsupported type "varbit".'],
    ['create table t (id serial)', '0A000', 'SERIAL columns are not supported by Amazon Redshift'],
    ['create table t (tags text[])', '0A000', 'array column types are not supported by Amazon Redshift'],
    [
      'select ARRAY[1, 2] from t',
      '0A000',
      'Specified types or functions (one per INFO message) not supported on Redshift tables.',
    ],
    [
      'select a::bytea from public.t',
      '0A000',
      'Specified types or functions (one per INFO message) not supported on Redshift tables.',
    ],
    ['create index i on t (a)', '0A000', 'CREATE INDEX is not supported by Amazon Redshift'],
    ['create unique index i on t (a)', '0A000', 'CREATE INDEX is not supported by Amazon Redshift'],
    ["create type mood as enum ('a')", '0A000', 'CREATE TYPE is not supported by Amazon Redshift'],
    ['create domain d as int', '0A000', 'CREATE DOMAIN is not supported by Amazon Redshift'],
    [
      'select * from t for update',
      '0A000',
      'SELECT ... FOR UPDATE / FOR SHARE is not supported by Amazon Redshift',
    ],
    [
      'select * from (values (1), (2)) v(a)',
      '0A000',
      'VALUES lists used as constant tables are not supported by Amazon Redshift',
    ],
    ['cluster t', '0A000', 'CLUSTER is not supported by Amazon Redshift'],
    ['reindex table t', '0A000', 'REINDEX is not supported by Amazon Redshift'],
  ])('%s', (sql, sqlState, message) => {
    expect(errorOf(sql)).toMatchObject({ sqlState, message })
  })

  test.each([
    // Leader-node queries may use PostgreSQL 8.0 types, as on Redshift.
    "select '\\\\x01'::bytea",
    'select array[1, 2]',
    "select 'r'::regclass, c.oid::int from pg_catalog.pg_class c",
    'select relname from pg_class where relacl::text[] is not null',
    // Redshift's own SQL that looks close.
    'select array(1, 2) from t',
    'insert into t values (1), (2)',
    "select substring('abc' for 2) from t",
    'select json_parse(x) as json from t',
    'select \'returning\' as s, "returning" from t',
    'create table t (id bigint identity(1, 1), v varbyte(10), s super, g geometry)',
    'select cast(a as varchar(10)) from t',
  ])('accepts %s', (sql) => {
    expect(errorOf(sql)).toBeUndefined()
  })
})
