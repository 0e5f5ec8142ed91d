import { parquetWriteBuffer } from 'hyparquet-writer'
import type pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { bzip2, gzip, manifest, parquetFile, zstdCompress } from './fixtures.js'
import { connect, failure, IAM_ROLE, sharedStore, uniqueBucket, uniqueTable } from './s3-test-kit.js'

const bucket = uniqueBucket('copyfmt')
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
  const name = uniqueTable('t')
  await client.query(`CREATE TABLE ${name} (${columns})`)
  return name
}

async function rows(name: string, order = 1): Promise<unknown[][]> {
  const r = await client.query({ text: `SELECT * FROM ${name} ORDER BY ${order}`, rowMode: 'array' })
  return r.rows
}

describe('COPY formats', () => {
  it('loads pipe-delimited text by default, \\N as NULL, and reports as Redshift does', async () => {
    const t = await table('id int, name varchar(20), d date')
    await store.put(bucket, 'text/a.txt', '1|alpha|2024-01-02\n2|\\N|\\N\n3||2024-12-31')
    notices.length = 0
    const r = await client.query(`COPY ${t} FROM 's3://${bucket}/text/a.txt' ${IAM_ROLE}`)
    expect(r.rowCount).toBe(3)
    expect(notices).toEqual([`Load into table '${t}' completed, 3 record(s) loaded successfully.`])
    expect(
      await client
        .query({ text: `SELECT id, name, to_char(d, 'YYYY-MM-DD') FROM ${t} ORDER BY 1`, rowMode: 'array' })
        .then((x) => x.rows),
    ).toEqual([
      [1, 'alpha', '2024-01-02'],
      [2, null, null],
      [3, '', '2024-12-31'],
    ])
    const last = await client.query(
      'SELECT pg_last_copy_count() AS n, pg_last_copy_id() AS id, pg_last_query_id() AS q',
    )
    expect(Number(last.rows[0].n)).toBe(3)
    expect(last.rows[0].id).toBeGreaterThan(0)
  })

  it('loads CSV with QUOTE and DELIMITER, quoted delimiters and newlines, IGNOREHEADER', async () => {
    const t = await table('id int, note varchar(50)')
    await store.put(bucket, 'csv/q.csv', 'id;note\n1;%a;b%\n2;%multi\nline%\n3;%say %%hi%%%\n')
    await client.query(
      `COPY ${t} FROM 's3://${bucket}/csv/q.csv' ${IAM_ROLE} CSV QUOTE AS '%' DELIMITER ';' IGNOREHEADER 1`,
    )
    expect(await rows(t)).toEqual([
      [1, 'a;b'],
      [2, 'multi\nline'],
      [3, 'say %hi%'],
    ])
  })

  it('loads every object under a prefix, and GZIP, BZIP2 and ZSTD input', async () => {
    for (const [codec, body] of [
      ['gzip', gzip('1,gz\n2,gz\n')],
      ['bzip2', bzip2('1,bz\n2,bz\n')],
      ['zstd', await zstdCompress('1,zs\n2,zs\n')],
    ] as const) {
      const t = await table('id int, tag varchar(5)')
      await store.put(bucket, `comp/${codec}/part-0`, body)
      await store.put(bucket, `comp/${codec}/part-1`, body)
      await client.query(
        `COPY ${t} FROM 's3://${bucket}/comp/${codec}/part' ${IAM_ROLE} CSV ${codec.toUpperCase()}`,
      )
      expect((await rows(t)).length).toBe(4)
      expect((await rows(t))[0]).toEqual([1, codec === 'gzip' ? 'gz' : codec === 'bzip2' ? 'bz' : 'zs'])
    }
  })

  it('loads FIXEDWIDTH, TRIMBLANKS, and NULL AS', async () => {
    const t = await table('id int, name varchar(10), city varchar(10)')
    await store.put(bucket, 'fw/f.txt', '  1Toyota    Park      \n  2NULL      Foxboro   \n')
    await client.query(
      `COPY ${t} FROM 's3://${bucket}/fw/f.txt' ${IAM_ROLE} FIXEDWIDTH 'id:3,name:10,city:10' TRIMBLANKS NULL AS 'NULL'`,
    )
    expect(await rows(t)).toEqual([
      [1, 'Toyota', 'Park'],
      [2, null, 'Foxboro'],
    ])
  })

  it("loads JSON 'auto' (case-sensitive), 'auto ignorecase' and a JSONPaths file", async () => {
    const t = await table('id int, name varchar(20), tags super')
    await store.put(
      bucket,
      'json/a.json',
      '{"id":1,"name":"a","tags":[1,2]}\n{"id":2,"Name":"ignored","extra":true}\n{"id":3,\n "name":"multi-line"}',
    )
    await client.query(`COPY ${t} FROM 's3://${bucket}/json/a.json' ${IAM_ROLE} JSON 'auto'`)
    expect(
      await client
        .query({ text: `SELECT id, name, json_serialize(tags) FROM ${t} ORDER BY 1`, rowMode: 'array' })
        .then((r) => r.rows),
    ).toEqual([
      [1, 'a', '[1,2]'],
      [2, null, null],
      [3, 'multi-line', null],
    ])
    const t2 = await table('id int, name varchar(20)')
    await client.query(
      `COPY ${t2} FROM 's3://${bucket}/json/a.json' ${IAM_ROLE} FORMAT AS JSON 'auto ignorecase'`,
    )
    expect((await rows(t2))[1]).toEqual([2, 'ignored'])
    const t3 = await table('id int, first_tag int')
    await store.put(bucket, 'json/paths.json', '{"jsonpaths": ["$.id", "$[\'tags\'][0]"]}')
    await client.query(
      `COPY ${t3} FROM 's3://${bucket}/json/a.json' ${IAM_ROLE} JSON 's3://${bucket}/json/paths.json'`,
    )
    expect((await rows(t3))[0]).toEqual([1, 1])
    const e = await failure(
      client.query(
        `COPY ${t2} FROM 's3://${bucket}/json/a.json' ${IAM_ROLE} JSON 's3://${bucket}/json/paths-missing.json'`,
      ),
    )
    expect(e.message).toMatch(/JSONPaths file .* does not exist/)
  })

  it('loads JSON numbers exactly: BIGINT, long DECIMAL and SUPER keep every digit', async () => {
    const t = await table('id bigint, amount decimal(38,4), doc super')
    await store.put(
      bucket,
      'json/exact.json',
      '{"id": 9223372036854775807, "amount": 12345678901234567890.1234, "doc": {"n": 12345678901234567890, "f": 0.5}}\n{"id": 1, "amount": 2.5, "doc": [1, 2]}',
    )
    await client.query(`COPY ${t} FROM 's3://${bucket}/json/exact.json' ${IAM_ROLE} JSON 'auto'`)
    const r = await client.query({
      text: `SELECT id::text, amount::text, json_serialize(doc) FROM ${t} ORDER BY 1 DESC`,
      rowMode: 'array',
    })
    expect(r.rows).toEqual([
      ['9223372036854775807', '12345678901234567890.1234', '{"f":0.5,"n":12345678901234567890}'],
      ['1', '2.5000', '[1,2]'],
    ])
  })

  it('loads Parquet by column position, and refuses a column count mismatch', async () => {
    const t = await table('key int, label varchar(10), amount float8')
    await store.put(
      bucket,
      'pq/a.parquet',
      parquetFile([
        [1, 'one', 1.5],
        [2, null, -2.25],
      ]),
    )
    await client.query(`COPY ${t} FROM 's3://${bucket}/pq/a.parquet' ${IAM_ROLE} FORMAT AS PARQUET`)
    expect(await rows(t)).toEqual([
      [1, 'one', 1.5],
      [2, null, -2.25],
    ])
    const narrow = await table('key int, label varchar(10)')
    const e = await failure(
      client.query(`COPY ${narrow} FROM 's3://${bucket}/pq/a.parquet' ${IAM_ROLE} PARQUET`),
    )
    expect(e.message).toMatch(
      /^Unmatched number of columns between table and file. Table columns: 2, Data columns: 3/,
    )
  })

  it('loads Parquet row groups exactly (BIGINT, DECIMAL, TIMESTAMP micros, BOOLEAN, REAL), and one bad value fails the whole load', async () => {
    const t = await table(
      'id bigint, amount decimal(38,6), at timestamp, tz timestamptz, ok boolean, r real, s smallint, name varchar(3)',
    )
    const micros = 1_717_245_296_123_456n
    const file = (names: (string | null)[], small: number) =>
      Buffer.from(
        parquetWriteBuffer({
          columnData: [
            { name: 'id', data: names.map((_, i) => 9007199254740993n + BigInt(i)) },
            { name: 'amount', data: names.map((_, i) => (i === 1 ? null : -12345678901234567890123456n)) },
            { name: 'at', data: names.map(() => micros) },
            { name: 'tz', data: names.map(() => micros) },
            { name: 'ok', data: names.map((_, i) => i % 2 === 0) },
            { name: 'r', data: names.map(() => 1.1) },
            { name: 's', data: names.map(() => small) },
            { name: 'name', data: names },
          ],
          schema: [
            { name: 'root', num_children: 8 },
            { name: 'id', type: 'INT64', repetition_type: 'OPTIONAL' },
            {
              name: 'amount',
              type: 'FIXED_LEN_BYTE_ARRAY',
              type_length: 16,
              converted_type: 'DECIMAL',
              precision: 38,
              scale: 6,
              repetition_type: 'OPTIONAL',
            },
            { name: 'at', type: 'INT64', converted_type: 'TIMESTAMP_MICROS', repetition_type: 'OPTIONAL' },
            { name: 'tz', type: 'INT64', converted_type: 'TIMESTAMP_MICROS', repetition_type: 'OPTIONAL' },
            { name: 'ok', type: 'BOOLEAN', repetition_type: 'OPTIONAL' },
            { name: 'r', type: 'FLOAT', repetition_type: 'OPTIONAL' },
            { name: 's', type: 'INT32', repetition_type: 'OPTIONAL' },
            { name: 'name', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'OPTIONAL' },
          ],
          rowGroupSize: 2,
        }),
      )
    await store.put(bucket, 'pq/exact.parquet', file(['a', null, 'ccc'], -7))
    await client.query(`COPY ${t} FROM 's3://${bucket}/pq/exact.parquet' ${IAM_ROLE} FORMAT AS PARQUET`)
    const r = await client.query({
      text: `SELECT id::text, amount::text, at::text, tz AT TIME ZONE 'UTC', ok, r, s, name FROM ${t} ORDER BY id`,
      rowMode: 'array',
    })
    expect(r.rows.map((row) => [...row.slice(0, 3), String(row[3]).length > 0, ...row.slice(4)])).toEqual([
      [
        '9007199254740993',
        '-12345678901234567890.123456',
        '2024-06-01 12:34:56.123456',
        true,
        true,
        1.1,
        -7,
        'a',
      ],
      ['9007199254740994', null, '2024-06-01 12:34:56.123456', true, false, 1.1, -7, null],
      [
        '9007199254740995',
        '-12345678901234567890.123456',
        '2024-06-01 12:34:56.123456',
        true,
        true,
        1.1,
        -7,
        'ccc',
      ],
    ])
    // SMALLINT out of range in the second row group, and a name too long: nothing of the file is loaded.
    for (const [name, bad, reason] of [
      ['pq/overflow.parquet', file(['x', 'y', 'z'], 40000), /Overflow, Value '40000'/],
      ['pq/long.parquet', file(['x', 'y', 'long'], 1), /String length exceeds DDL length/],
    ] as const) {
      const before = (await rows(t)).length
      await store.put(bucket, name, bad)
      const e = await failure(client.query(`COPY ${t} FROM 's3://${bucket}/${name}' ${IAM_ROLE} PARQUET`))
      expect(e.message).toMatch(/^Load into table '.*' failed/)
      expect((await rows(t)).length).toBe(before)
      const errors = await client.query(
        `SELECT trim(filename) AS f, line_number::int AS line, trim(err_reason) AS reason FROM stl_load_errors
         WHERE trim(filename) = $1`,
        [`s3://${bucket}/${name}`],
      )
      expect(errors.rows).toEqual([
        {
          f: `s3://${bucket}/${name}`,
          line: name.includes('long') ? 3 : 1,
          reason: expect.stringMatching(reason),
        },
      ])
    }
  })

  it('loads the files a manifest lists: mandatory, optional, meta.content_length', async () => {
    const t = await table('id int')
    await store.put(bucket, 'man/one.txt', '1\n')
    await store.put(bucket, 'man/two.txt', '2\n3\n')
    await store.put(
      bucket,
      'man/files.manifest',
      manifest([
        { url: `s3://${bucket}/man/one.txt`, length: 2 },
        { url: `s3://${bucket}/man/two.txt` },
        { url: `s3://${bucket}/man/absent.txt`, mandatory: false },
      ]),
    )
    await client.query(`COPY ${t} FROM 's3://${bucket}/man/files.manifest' ${IAM_ROLE} MANIFEST`)
    expect(await rows(t)).toEqual([[1], [2], [3]])
    await store.put(bucket, 'man/bad.manifest', manifest([{ url: `s3://${bucket}/man/absent.txt` }]))
    const e = await failure(
      client.query(`COPY ${t} FROM 's3://${bucket}/man/bad.manifest' ${IAM_ROLE} MANIFEST`),
    )
    expect(e.message).toMatch(/mandatory but the file does not exist/)
    const missing = await failure(client.query(`COPY ${t} FROM 's3://${bucket}/nothing-here/' ${IAM_ROLE}`))
    expect(missing.message).toBe("The specified S3 prefix 'nothing-here/' does not exist")
  })

  it('converts as the data conversion parameters say', async () => {
    const t = await table('a varchar(5), b varchar(5), c int, d char(3), e varchar(4)')
    await store.put(bucket, 'conv/a.txt', '"x|y"|   |7|ab|abcdefg\n""||\n')
    await client.query(
      `COPY ${t} FROM 's3://${bucket}/conv/a.txt' ${IAM_ROLE} REMOVEQUOTES BLANKSASNULL EMPTYASNULL FILLRECORD TRUNCATECOLUMNS`,
    )
    expect(await rows(t, 3)).toEqual([
      ['x|y', null, 7, 'ab ', 'abcd'],
      [null, null, null, null, null],
    ])
  })

  it('reads ESCAPE, ACCEPTINVCHARS, DATEFORMAT, TIMEFORMAT (formats, auto, epochsecs)', async () => {
    const t = await table('s varchar(20), d date, ts timestamp')
    const bytes = Buffer.concat([
      Buffer.from('a\\|b\\\\c|03/15/2024|1700000000\n'),
      Buffer.from([0x62, 0xff, 0x63]),
      Buffer.from('|12/31/1999|0\n'),
    ])
    await store.put(bucket, 'esc/a.txt', bytes)
    await client.query(
      `COPY ${t} FROM 's3://${bucket}/esc/a.txt' ${IAM_ROLE} ESCAPE ACCEPTINVCHARS AS '?' DATEFORMAT 'MM/DD/YYYY' TIMEFORMAT 'epochsecs'`,
    )
    expect(
      await client
        .query({
          text: `SELECT s, to_char(d, 'YYYY-MM-DD'), to_char(ts, 'YYYY-MM-DD HH24:MI:SS') FROM ${t} ORDER BY 2`,
          rowMode: 'array',
        })
        .then((r) => r.rows),
    ).toEqual([
      ['b?c', '1999-12-31', '1970-01-01 00:00:00'],
      ['a|b\\c', '2024-03-15', '2023-11-14 22:13:20'],
    ])
    const t2 = await table('d date, ts timestamp')
    await store.put(
      bucket,
      'esc/auto.txt',
      'March 5, 2024|2024-03-05 10:11:12.5\n20240306|03/06/2024 01:02:03 PM\n',
    )
    await client.query(
      `COPY ${t2} FROM 's3://${bucket}/esc/auto.txt' ${IAM_ROLE} DATEFORMAT 'auto' TIMEFORMAT 'auto'`,
    )
    expect(
      await client
        .query({
          text: `SELECT to_char(d, 'YYYY-MM-DD'), to_char(ts, 'YYYY-MM-DD HH24:MI:SS.MS') FROM ${t2} ORDER BY 1`,
          rowMode: 'array',
        })
        .then((r) => r.rows),
    ).toEqual([
      ['2024-03-05', '2024-03-05 10:11:12.500'],
      ['2024-03-06', '2024-03-06 13:02:03.000'],
    ])
  })

  it('checks everything and loads nothing with NOLOAD', async () => {
    const t = await table('id int')
    await store.put(bucket, 'noload/a.txt', '1\n2\n')
    notices.length = 0
    await client.query(`COPY ${t} FROM 's3://${bucket}/noload/a.txt' ${IAM_ROLE} NOLOAD`)
    expect(await rows(t)).toEqual([])
    expect(notices).toEqual([`Load into table '${t}' completed, 0 record(s) loaded successfully.`])
  })

  it('accepts COMPUPDATE, STATUPDATE, REGION and the other authorization forms', async () => {
    const t = await table('id int')
    await store.put(bucket, 'misc/a.txt', '1\n')
    await client.query(
      `COPY ${t} FROM 's3://${bucket}/misc/a.txt' ACCESS_KEY_ID 'AKIAIOSFODNN7EXAMPLE' SECRET_ACCESS_KEY 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' COMPUPDATE OFF STATUPDATE ON REGION 'us-east-1' COMPROWS 1000`,
    )
    expect(await rows(t)).toEqual([[1]])
  })
})
