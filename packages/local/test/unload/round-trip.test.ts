import type pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { connect, IAM_ROLE, uniqueBucket, uniqueTable } from '../load/s3-test-kit.js'

const bucket = uniqueBucket('roundtrip')
let client: pg.Client
let source: string
const COLUMNS =
  'id int, big bigint, small smallint, amount numeric(12,2), ratio float8, flag bool, day date, at timestamp, name varchar(40), code char(3), note varchar(200)'

beforeAll(async () => {
  ;({ client } = await connect())
  source = uniqueTable('rt_source')
  await client.query(`CREATE TABLE ${source} (${COLUMNS})`)
  // Every value kind a file format must carry: NULLs, quotes, delimiters, newlines, backslashes, unicode.
  await client.query(`INSERT INTO ${source}
    SELECT n, n::bigint * 1000000007, (n % 300)::smallint, (n * 1.25)::numeric(12,2), n / 7.0, n % 2 = 0,
           DATE '2020-01-01' + n, TIMESTAMP '2024-02-29 12:00:00.123' + n * INTERVAL '1 minute',
           CASE n % 5 WHEN 0 THEN NULL WHEN 1 THEN 'pipe|and,comma' WHEN 2 THEN 'quote "q" and ''s''' WHEN 3 THEN 'new
line\\back' ELSE 'héllo wörld' END,
           CASE WHEN n % 7 = 0 THEN NULL ELSE 'c' || (n % 10) END,
           CASE WHEN n % 3 = 0 THEN '' ELSE repeat('x', n % 50) END
    FROM generate_series(1, 500) n`)
  await client.query(`INSERT INTO ${source} (id) VALUES (0)`)
})
afterAll(async () => {
  await client.end()
})

async function roundTrip(label: string, unloadOptions: string, copyOptions: string): Promise<void> {
  const target = uniqueTable(`rt_${label}`)
  await client.query(`CREATE TABLE ${target} (${COLUMNS})`)
  await client.query(
    `UNLOAD ('select * from ${source}') TO 's3://${bucket}/${label}/part_' ${IAM_ROLE} ${unloadOptions}`,
  )
  const r = await client.query(
    `COPY ${target} FROM 's3://${bucket}/${label}/part_' ${IAM_ROLE} ${copyOptions}`,
  )
  expect(r.rowCount).toBe(501)
  const diff = await client.query(
    `SELECT (SELECT count(*) FROM (SELECT * FROM ${source} EXCEPT ALL SELECT * FROM ${target}) a)::int AS missing,
            (SELECT count(*) FROM (SELECT * FROM ${target} EXCEPT ALL SELECT * FROM ${source}) b)::int AS extra`,
  )
  expect(diff.rows[0]).toEqual({ missing: 0, extra: 0 })
}

describe('UNLOAD then COPY back: every row equal', () => {
  it('text with ESCAPE and NULL AS', () => roundTrip('text', "ESCAPE NULL AS '\\N'", 'ESCAPE'))
  it('CSV, gzipped, with a header', () =>
    roundTrip('csv', "CSV HEADER GZIP NULL AS '\\\\N'", "CSV IGNOREHEADER 1 GZIP NULL AS '\\\\N'"))
  it('JSON', () => roundTrip('json', 'FORMAT JSON ZSTD', "JSON 'auto' ZSTD"))
  it('Parquet', () => roundTrip('parquet', 'FORMAT PARQUET', 'FORMAT PARQUET'))
  it('pipe text with ADDQUOTES, bzip2, parallel off', () =>
    roundTrip('quotes', "ADDQUOTES ESCAPE NULL AS '\\N' BZIP2 PARALLEL OFF", 'REMOVEQUOTES ESCAPE BZIP2'))
})
