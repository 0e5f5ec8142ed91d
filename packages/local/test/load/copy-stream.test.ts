/**
 * COPY streamed into the engine while the files are read: records passed on as written and records
 * converted keep their order and values, rejected ones are recorded, and the load stays all or nothing.
 */
import type pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { connect, failure, IAM_ROLE, sharedStore, uniqueBucket, uniqueTable } from './s3-test-kit.js'

const bucket = uniqueBucket('copystream')
const store = sharedStore()
let client: pg.Client
let notices: string[]

beforeAll(async () => {
  ;({ client, notices } = await connect())
})
afterAll(async () => {
  await client.end()
})

async function table(columns: string): Promise<string> {
  const name = uniqueTable('s')
  await client.query(`CREATE TABLE ${name} (${columns})`)
  return name
}

const lastCopyErrors = async (): Promise<unknown[]> => {
  const id = (await client.query('SELECT pg_last_copy_id() AS id')).rows[0].id
  const r = await client.query(
    'SELECT line_number::int AS line, err_code AS code FROM stl_load_errors WHERE query = $1 ORDER BY 1',
    [id],
  )
  return r.rows
}

describe('COPY streamed to the engine', () => {
  it('keeps the order and the values of records passed as written, converted, and rejected', async () => {
    const t = await table(
      'n int, name varchar(10), amount numeric(6,2), d date, ts timestamp, ok bool, c char(3), f float8',
    )
    const lines = [
      'n,name,amount,d,ts,ok,c,f',
      '1,plain,12.50,2024-02-29,2024-01-01 10:00:00,t,abc,1.5e3',
      '2,"a,b",1.239,2024-03-01, 2024-01-01 10:00:00.123456,true,ab ,-0.25',
      '3,,,,,,,',
      '4,"",\\N,2024-02-30,2024-01-01,f,x,.5',
      '5,"say ""hi""",+3.,2023-12-31,2024-12-31 23:59:59,1,x,nan',
      '6,toolongvalue,1,2024-01-01,2024-01-01 00:00:00,f,x,1',
      'x,bad,1,2024-01-01,2024-01-01 00:00:00,f,x,1',
      '8,"two',
      'lines",1,2024-01-01,2024-01-01 00:00:00,f,x,1',
    ]
    await store.put(bucket, 'mixed.csv', `${lines.join('\n')}\n9,last,1,2024-01-02,2024-01-02 01:02:03,t,z,2`)
    notices.length = 0
    const r = await client.query(
      `COPY ${t} FROM 's3://${bucket}/mixed.csv' ${IAM_ROLE} CSV IGNOREHEADER 1 MAXERROR 5`,
    )
    expect([r.rowCount, await lastCopyErrors()]).toEqual([
      6,
      [
        { line: 5, code: 1205 },
        { line: 7, code: 1204 },
        { line: 8, code: 1207 },
      ],
    ])
    const rows = await client.query({
      text: `SELECT n, name, amount::text, to_char(d, 'YYYY-MM-DD'), to_char(ts, 'YYYY-MM-DD HH24:MI:SS.US'), ok, c, f::text FROM ${t} ORDER BY n`,
      rowMode: 'array',
    })
    expect(rows.rows).toEqual([
      [1, 'plain', '12.50', '2024-02-29', '2024-01-01 10:00:00.000000', true, 'abc', '1500'],
      [2, 'a,b', '1.23', '2024-03-01', '2024-01-01 10:00:00.123456', true, 'ab ', '-0.25'],
      [3, '', null, null, null, null, '   ', null],
      [5, 'say "hi"', '3.00', '2023-12-31', '2024-12-31 23:59:59.000000', true, 'x  ', 'NaN'],
      [8, 'two\nlines', '1.00', '2024-01-01', '2024-01-01 00:00:00.000000', false, 'x  ', '1'],
      [9, 'last', '1.00', '2024-01-02', '2024-01-02 01:02:03.000000', true, 'z  ', '2'],
    ])
    expect(notices.at(-1)).toBe(`Load into table '${t}' completed, 6 record(s) loaded successfully.`)
  })

  it('loads nothing when a record deep into a large file passes MAXERROR', async () => {
    const t = await table('id int, label varchar(20)')
    const good = Array.from({ length: 60_000 }, (_, i) => `${i}|label ${i}`)
    await store.put(bucket, 'big/ok.txt', `${good.join('\n')}\n`)
    await store.put(bucket, 'big/bad.txt', `${good.join('\n')}\nnot a number|x\n`)
    const r = await client.query(`COPY ${t} FROM 's3://${bucket}/big/ok.txt' ${IAM_ROLE}`)
    expect(r.rowCount).toBe(60_000)
    const e = await failure(client.query(`COPY ${t} FROM 's3://${bucket}/big/bad.txt' ${IAM_ROLE}`))
    expect(e.code).toBe('XX000')
    expect(e.detail).toMatch(/location: {2}s3:\/\/.*big\/bad\.txt:60001/)
    expect((await client.query(`SELECT count(*)::int AS n FROM ${t}`)).rows[0].n).toBe(60_000)
    expect(Number((await client.query('SELECT pg_last_copy_count() AS n')).rows[0].n)).toBe(60_000)
  })

  it("fails with the engine's error when the engine refuses a row, keeping nothing", async () => {
    const t = await table("id int PRIMARY KEY, label varchar(20) CHECK (label <> 'no')")
    await store.put(bucket, 'dup.csv', '1,a\n2,b\n1,again\n')
    await store.put(bucket, 'check.csv', '1,a\n2,no\n')
    expect(
      (await failure(client.query(`COPY ${t} FROM 's3://${bucket}/dup.csv' ${IAM_ROLE} CSV`))).code,
    ).toBe('23505')
    expect(
      (await failure(client.query(`COPY ${t} FROM 's3://${bucket}/check.csv' ${IAM_ROLE} CSV`))).code,
    ).toBe('23514')
    expect((await client.query(`SELECT count(*)::int AS n FROM ${t}`)).rows[0].n).toBe(0)
  })

  it('numbers lines right when csv-parse takes over from the fast path mid-file', async () => {
    const t = await table('id int, label varchar(20)')
    const head = Array.from({ length: 5000 }, (_, i) => `${i},x`).join('\n')
    await store.put(bucket, 'stray.csv', `${head}\n5000,bad"quote\n5001,"ok"\nz,1\n5003,"y\nz"\n`)
    const r = await client.query(`COPY ${t} FROM 's3://${bucket}/stray.csv' ${IAM_ROLE} CSV MAXERROR 1`)
    expect(r.rowCount).toBe(5003)
    expect(await lastCopyErrors()).toEqual([{ line: 5003, code: 1207 }])
    const tail = await client.query(`SELECT id, label FROM ${t} WHERE id >= 4999 ORDER BY id`)
    expect(tail.rows).toEqual([
      { id: 4999, label: 'x' },
      { id: 5000, label: 'bad"quote' },
      { id: 5001, label: 'ok' },
      { id: 5003, label: 'y\nz' },
    ])
  })

  it('passes text-format records on, and converts the ones holding a quote or a CR', async () => {
    const t = await table('id int, label varchar(20)')
    await store.put(bucket, 'text.txt', '1|plain\n2|say "hi"\n3|cr\r\n4|\\N\n5|\n')
    await client.query(`COPY ${t} FROM 's3://${bucket}/text.txt' ${IAM_ROLE}`)
    const rows = await client.query({ text: `SELECT id, label FROM ${t} ORDER BY id`, rowMode: 'array' })
    expect(rows.rows).toEqual([
      [1, 'plain'],
      [2, 'say "hi"'],
      [3, 'cr\r'],
      [4, null],
      [5, ''],
    ])
  })
})
