import type pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { connect, failure, IAM_ROLE, sharedStore, uniqueBucket, uniqueTable } from './s3-test-kit.js'

const bucket = uniqueBucket('copyerr')
const store = sharedStore()
let client: pg.Client
let notices: string[]

beforeAll(async () => {
  ;({ client, notices } = await connect())
})
afterAll(async () => {
  await client.end()
})

// Two bad rows among five: a letter in an integer, a string too long for VARCHAR(5).
const MIXED = '1|ok\n2|fine\nx|bad digit\n4|far too long\n5|good\n'

describe('COPY load errors', () => {
  it('skips bad rows within MAXERROR, records them in stl_load_errors and sys_load_error_detail', async () => {
    const t = uniqueTable('maxerr')
    await client.query(`CREATE TABLE ${t} (id int, name varchar(5))`)
    await store.put(bucket, 'mixed/a.txt', MIXED)
    notices.length = 0
    const r = await client.query(`COPY ${t} FROM 's3://${bucket}/mixed/a.txt' ${IAM_ROLE} MAXERROR 2`)
    expect(r.rowCount).toBe(3)
    expect(notices).toEqual([
      `Load into table '${t}' completed, 2 record(s) could not be loaded.  Check 'stl_load_errors' system table for details.`,
      `Load into table '${t}' completed, 3 record(s) loaded successfully.`,
    ])
    const id = (await client.query('SELECT pg_last_copy_id() AS id')).rows[0].id
    const errors = await client.query(
      `SELECT trim(filename) AS filename, line_number, trim(colname) AS colname, trim(type) AS type, trim(col_length) AS len,
              position, trim(raw_line) AS raw_line, trim(raw_field_value) AS raw_field_value, err_code, trim(err_reason) AS err_reason
       FROM stl_load_errors WHERE query = $1 ORDER BY line_number`,
      [id],
    )
    expect(errors.rows).toEqual([
      {
        filename: `s3://${bucket}/mixed/a.txt`,
        line_number: '3',
        colname: 'id',
        type: 'int4',
        len: '0',
        position: 0,
        raw_line: 'x|bad digit',
        raw_field_value: 'x',
        err_code: 1207,
        err_reason: "Invalid digit, Value 'x', Pos 0, Type: Integer",
      },
      {
        filename: `s3://${bucket}/mixed/a.txt`,
        line_number: '4',
        colname: 'name',
        type: 'varchar',
        len: '5',
        position: 0,
        raw_line: '4|far too long',
        raw_field_value: 'far too long',
        err_code: 1204,
        err_reason: 'String length exceeds DDL length',
      },
    ])
    const detail = await client.query(
      'SELECT error_code, trim(column_name) AS c FROM sys_load_error_detail WHERE query_id = $1 ORDER BY line_number',
      [id],
    )
    expect(detail.rows).toEqual([
      { error_code: 1207, c: 'id' },
      { error_code: 1204, c: 'name' },
    ])
    const history = await client.query(
      'SELECT status, loaded_rows, error_count, source_file_count FROM sys_load_history WHERE query_id = $1',
      [id],
    )
    expect(history.rows).toEqual([
      { status: 'completed', loaded_rows: '3', error_count: '2', source_file_count: 1 },
    ])
    const commits = await client.query(
      'SELECT lines_scanned, errors, trim(file_format) AS f FROM stl_load_commits WHERE query = $1',
      [id],
    )
    expect(commits.rows).toEqual([{ lines_scanned: 5, errors: 2, f: 'Text' }])
  })

  it('fails as Redshift does over MAXERROR: XX000, nothing loaded, the errors kept', async () => {
    const t = uniqueTable('over')
    await client.query(`CREATE TABLE ${t} (id int, name varchar(5))`)
    await client.query(`INSERT INTO ${t} VALUES (100, 'keep')`)
    const before = (await client.query('SELECT pg_last_copy_id() AS id')).rows[0].id
    const e = await failure(
      client.query(`COPY ${t} FROM 's3://${bucket}/mixed/a.txt' ${IAM_ROLE} MAXERROR 1`),
    )
    expect(e.code).toBe('XX000')
    expect(e.message).toBe(
      `Load into table '${t}' failed.  Check 'stl_load_errors' system table for details.`,
    )
    expect(e.detail).toMatch(/error: {2}Invalid digit, Value 'x', Pos 0, Type: Integer\n {2}code: {6}1207/)
    expect((await client.query(`SELECT id FROM ${t}`)).rows).toEqual([{ id: 100 }])
    expect((await client.query('SELECT pg_last_copy_id() AS id')).rows[0].id).toBe(before)
    const recorded = await client.query(
      `SELECT count(*)::int AS n FROM stl_load_errors e JOIN sys_load_history h ON h.query_id = e.query
       WHERE h.table_name = $1 AND h.status = 'aborted'`,
      [t],
    )
    expect(recorded.rows[0].n).toBe(2)
  })

  it('is all or nothing inside a transaction block too, and a failure aborts the transaction', async () => {
    const t = uniqueTable('tx')
    await client.query(`CREATE TABLE ${t} (id int, name varchar(5))`)
    await store.put(bucket, 'tx/good.txt', '1|a\n2|b\n')
    await client.query('BEGIN')
    await client.query(`COPY ${t} FROM 's3://${bucket}/tx/good.txt' ${IAM_ROLE}`)
    await failure(client.query(`COPY ${t} FROM 's3://${bucket}/mixed/a.txt' ${IAM_ROLE}`))
    const aborted = await failure(client.query('SELECT 1'))
    expect(aborted.code).toBe('25P02')
    await client.query('ROLLBACK')
    expect((await client.query(`SELECT count(*)::int AS n FROM ${t}`)).rows[0].n).toBe(0)
    await client.query('BEGIN')
    await client.query(`COPY ${t} FROM 's3://${bucket}/tx/good.txt' ${IAM_ROLE}`)
    await client.query('COMMIT')
    expect((await client.query(`SELECT count(*)::int AS n FROM ${t}`)).rows[0].n).toBe(2)
  })

  it('reports missing columns, extra columns and NOT NULL with their codes', async () => {
    const t = uniqueTable('shape')
    await client.query(`CREATE TABLE ${t} (id int NOT NULL, a varchar(5), b varchar(5))`)
    await store.put(bucket, 'shape/a.txt', '1|x\n2|x|y|z\n\\N|x|y\n3|x|y\n')
    await client.query(`COPY ${t} FROM 's3://${bucket}/shape/a.txt' ${IAM_ROLE} MAXERROR 10`)
    const id = (await client.query('SELECT pg_last_copy_id() AS id')).rows[0].id
    const codes = await client.query(
      'SELECT line_number::int AS line, err_code FROM stl_load_errors WHERE query = $1 ORDER BY 1',
      [id],
    )
    expect(codes.rows).toEqual([
      { line: 1, err_code: 1214 },
      { line: 2, err_code: 1202 },
      { line: 3, err_code: 1213 },
    ])
  })

  it('refuses a missing table, a missing column, and another user without INSERT privilege', async () => {
    expect(
      (await failure(client.query(`COPY no_such_table FROM 's3://${bucket}/mixed/a.txt' ${IAM_ROLE}`))).code,
    ).toBe('42P01')
    const t = uniqueTable('priv')
    await client.query(`CREATE TABLE ${t} (id int)`)
    expect(
      (await failure(client.query(`COPY ${t} (nope) FROM 's3://${bucket}/mixed/a.txt' ${IAM_ROLE}`))).code,
    ).toBe('42703')
    const other = await connect('user')
    try {
      const e = await failure(other.client.query(`COPY ${t} FROM 's3://${bucket}/mixed/a.txt' ${IAM_ROLE}`))
      expect(e.code).toBe('42501')
    } finally {
      await other.client.end()
    }
  })
})
