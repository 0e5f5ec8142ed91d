/**
 * Spectrum over the shared local Redshift: external schemas and tables created with SQL, read from
 * the local S3 store (CSV, TEXTFILE, JSON, Parquet), partitions and pruning, pseudocolumns, joins
 * with local tables, new files on the next query, and Redshift's rules and errors.
 */

import { execFile } from 'node:child_process'
import { parquetWriteBuffer } from 'hyparquet-writer'
import type pg from 'pg'
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest'
import { connect, failure, IAM_ROLE, sharedStore, uniqueBucket } from '../load/s3-test-kit.js'

const bucket = uniqueBucket('spectrum')
const store = sharedStore()
const tag = Math.random().toString(36).slice(2, 8)
const ext = `spectrum_${tag}`
const glueDb = `spectrumdb_${tag}`
let client: pg.Client

/** Runs a client program without blocking the test's event loop; resolves with its stdout. */
function run(
  program: string,
  args: string[],
  options: { env: NodeJS.ProcessEnv },
  last: string,
): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(program, [...args, last], options, (error, stdout, stderr) =>
      error ? reject(new Error(`${program} failed: ${stderr || error.message}`)) : resolve(stdout),
    )
  })
}

beforeAll(async () => {
  ;({ client } = await connect())
  await store.put(bucket, 'sales/year=2023/part-0.csv', 'id,amount,region\n1,10.50,west\n2,20.00,east\n')
  await store.put(bucket, 'sales/year=2024/part-0.csv', 'id,amount,region\n3,30.25,west\n')
  await store.put(bucket, 'events/a.json', '{"id": 1, "Kind": "click"}\n{"id": 2, "kind": "view"}\n')
  await store.put(bucket, 'pipes/x.txt', '1|alpha\n2|beta\n')
  await store.put(bucket, 'pipes/_SUCCESS', '')
  await store.put(
    bucket,
    'parquet/p1.parquet',
    Buffer.from(
      parquetWriteBuffer({
        columnData: [
          { name: 'id', data: [1, 2, 3], type: 'INT32' },
          { name: 'name', data: ['one', 'two', 'three'], type: 'STRING' },
        ],
      }),
    ),
  )
  await client.query(
    `CREATE EXTERNAL SCHEMA ${ext} FROM DATA CATALOG DATABASE '${glueDb}' ${IAM_ROLE} CREATE EXTERNAL DATABASE IF NOT EXISTS`,
  )
})

afterAll(async () => {
  await client.query(`DROP SCHEMA IF EXISTS ${ext} DROP EXTERNAL DATABASE`).catch(() => undefined)
  await client.end()
})

describe('external tables', () => {
  it('reads a partitioned CSV table, prunes partitions and shows $path and $size', async () => {
    await client.query(`CREATE EXTERNAL TABLE ${ext}.sales (id int, amount decimal(10,2), region varchar(10))
      PARTITIONED BY (year int)
      ROW FORMAT SERDE 'org.apache.hadoop.hive.serde2.OpenCSVSerde'
      STORED AS TEXTFILE LOCATION 's3://${bucket}/sales/'
      TABLE PROPERTIES ('skip.header.line.count'='1')`)
    await client.query(
      `ALTER TABLE ${ext}.sales ADD PARTITION (year=2023) LOCATION 's3://${bucket}/sales/year=2023/' PARTITION (year=2024) LOCATION 's3://${bucket}/sales/year=2024/'`,
    )
    const all = await client.query(`SELECT id, amount, region, year FROM ${ext}.sales ORDER BY id`)
    expect(all.rows).toEqual([
      { id: 1, amount: '10.50', region: 'west', year: 2023 },
      { id: 2, amount: '20.00', region: 'east', year: 2023 },
      { id: 3, amount: '30.25', region: 'west', year: 2024 },
    ])
    const star = await client.query(`SELECT * FROM ${ext}.sales WHERE year = 2024`)
    expect(star.fields.map((f) => f.name)).toEqual(['id', 'amount', 'region', 'year'])
    const pruned = await client.query(`SELECT pg_last_query_id() AS q`)
    const q = Number(pruned.rows[0].q)
    const summary = await client.query(
      `SELECT total_partitions, qualified_partitions, scanned_files FROM sys_external_query_detail WHERE query_id = $1`,
      [q],
    )
    expect(summary.rows).toEqual([{ total_partitions: 2, qualified_partitions: 1, scanned_files: 1 }])
    const s3 = await client.query(
      `SELECT trim(external_table_name) AS t, trim(file_format) AS f, is_partitioned, s3_scanned_rows, files FROM svl_s3query_summary WHERE query = $1`,
      [q],
    )
    expect(s3.rows).toEqual([
      { t: `${ext}.sales`, f: 'CSV', is_partitioned: 't', s3_scanned_rows: '1', files: 1 },
    ])
    const path = await client.query(`SELECT "$path" AS p, "$size" AS s FROM ${ext}.sales WHERE id = 3`)
    expect(path.rows).toEqual([{ p: `s3://${bucket}/sales/year=2024/part-0.csv`, s: '30' }])
  })

  it('sees new and removed files on the next query', async () => {
    await store.put(bucket, 'sales/year=2024/part-1.csv', 'id,amount,region\n4,1.00,north\n')
    const more = await client.query(`SELECT count(*)::int AS n FROM ${ext}.sales`)
    expect(more.rows[0].n).toBe(4)
    await store.delete(bucket, 'sales/year=2024/part-1.csv')
    const less = await client.query(`SELECT count(*)::int AS n FROM ${ext}.sales`)
    expect(less.rows[0].n).toBe(3)
  })

  it('joins an external Parquet table with a local table', async () => {
    await client.query(
      `CREATE EXTERNAL TABLE ${ext}.names (id int, name varchar(20)) STORED AS PARQUET LOCATION 's3://${bucket}/parquet/'`,
    )
    await client.query(`CREATE TEMP TABLE local_scores_${tag} (id int, score int)`)
    await client.query(`INSERT INTO local_scores_${tag} VALUES (1, 90), (3, 70)`)
    const r = await client.query(
      `SELECT n.name, s.score FROM ${ext}.names n JOIN local_scores_${tag} s ON s.id = n.id ORDER BY s.score DESC`,
    )
    expect(r.rows).toEqual([
      { name: 'one', score: 90 },
      { name: 'three', score: 70 },
    ])
    // psql, as a user would: the external table reads the same through a foreign client.
    const db = inject('redshift')
    const psql = await run(
      'psql',
      ['-h', db.host, '-p', String(db.port), '-U', db.admin.name, '-d', db.database, '-AtF', ',', '-c'],
      { env: { ...process.env, PGPASSWORD: db.admin.password } },
      `SELECT id, name FROM ${ext}.names WHERE id > 1 ORDER BY id`,
    )
    expect(psql).toBe('2,two\n3,three\n')
  })

  it('reads JSON (keys matched case-insensitively) and pipe-delimited text, skipping hidden files', async () => {
    await client.query(`CREATE EXTERNAL TABLE ${ext}.events (id int, kind varchar(10))
      ROW FORMAT SERDE 'org.openx.data.jsonserde.JsonSerDe' STORED AS TEXTFILE LOCATION 's3://${bucket}/events/'`)
    const events = await client.query(`SELECT id, kind FROM ${ext}.events ORDER BY id`)
    expect(events.rows).toEqual([
      { id: 1, kind: 'click' },
      { id: 2, kind: 'view' },
    ])
    await client.query(`CREATE EXTERNAL TABLE ${ext}.pipes (id int, word varchar(10))
      ROW FORMAT DELIMITED FIELDS TERMINATED BY '|' STORED AS TEXTFILE LOCATION 's3://${bucket}/pipes/'`)
    const pipes = await client.query(`SELECT * FROM ${ext}.pipes ORDER BY id`)
    expect(pipes.rows).toEqual([
      { id: 1, word: 'alpha' },
      { id: 2, word: 'beta' },
    ])
  })

  it('answers the svv_external_* views', async () => {
    const schemas = await client.query(
      'SELECT eskind, databasename, esoptions FROM svv_external_schemas WHERE schemaname = $1',
      [ext],
    )
    expect(schemas.rows).toEqual([
      { eskind: 1, databasename: glueDb, esoptions: expect.stringContaining('IAM_ROLE') },
    ])
    const cols = await client.query(
      `SELECT columnname, external_type, part_key FROM svv_external_columns WHERE schemaname = $1 AND tablename = 'sales' ORDER BY columnnum`,
      [ext],
    )
    expect(cols.rows).toEqual([
      { columnname: 'id', external_type: 'int', part_key: 0 },
      { columnname: 'amount', external_type: 'decimal(10,2)', part_key: 0 },
      { columnname: 'region', external_type: 'varchar(10)', part_key: 0 },
      { columnname: 'year', external_type: 'int', part_key: 1 },
    ])
    const parts = await client.query(
      `SELECT "values", location FROM svv_external_partitions WHERE schemaname = $1 ORDER BY 1`,
      [ext],
    )
    expect(parts.rows.map((r) => r.values)).toEqual(['["2023"]', '["2024"]'])
    const tables = await client.query(
      'SELECT tablename, input_format FROM svv_external_tables WHERE schemaname = $1 ORDER BY 1',
      [ext],
    )
    expect(tables.rows.map((r) => r.tablename)).toEqual(['events', 'names', 'pipes', 'sales'])
  })
})

describe("Redshift's rules", () => {
  it('refuses DML on external tables', async () => {
    const e = await failure(client.query(`INSERT INTO ${ext}.pipes VALUES (3, 'x')`))
    expect(e.code).toBe('0A000')
    expect(e.message).toContain('external table')
    const d = await failure(client.query(`DELETE FROM ${ext}.pipes`))
    expect(d.code).toBe('0A000')
  })

  it('refuses external DDL inside a transaction block', async () => {
    await client.query('BEGIN')
    const e = await failure(
      client.query(
        `CREATE EXTERNAL TABLE ${ext}.nope (id int) STORED AS PARQUET LOCATION 's3://${bucket}/nope/'`,
      ),
    )
    await client.query('ROLLBACK')
    expect(e.code).toBe('25001')
    expect(e.message).toBe('CREATE EXTERNAL TABLE cannot run inside a transaction block')
  })

  it('fails a scan of a bad file with Spectrum Scan Error and keeps nothing of it', async () => {
    await store.put(bucket, 'bad/x.txt', '1|ok\nnot-a-number|oops\n')
    await client.query(`CREATE EXTERNAL TABLE ${ext}.bad (id int, word varchar(10))
      ROW FORMAT DELIMITED FIELDS TERMINATED BY '|' STORED AS TEXTFILE LOCATION 's3://${bucket}/bad/'`)
    const e = await failure(client.query(`SELECT * FROM ${ext}.bad`))
    expect(e.code).toBe('XX000')
    expect(e.message).toBe('Spectrum Scan Error')
    expect(e.detail).toContain(`s3://${bucket}/bad/x.txt`)
    await store.put(bucket, 'bad/x.txt', '1|ok\n')
    const fixed = await client.query(`SELECT * FROM ${ext}.bad`)
    expect(fixed.rows).toEqual([{ id: 1, word: 'ok' }])
  })

  it('needs an existing catalog database unless asked to create it', async () => {
    const e = await failure(
      client.query(`CREATE EXTERNAL SCHEMA ${ext}_x FROM DATA CATALOG DATABASE 'missing_${tag}' ${IAM_ROLE}`),
    )
    expect(e.message).toContain('does not exist')
  })

  it('stops reading files when the statement is cancelled, and keeps nothing of that read', async () => {
    const rows = Array.from({ length: 3_000_000 }, (_, i) => `${i}|word${i % 100}`).join('\n')
    await store.put(bucket, 'big/x.txt', `${rows}\n`)
    await client.query(`CREATE EXTERNAL TABLE ${ext}.big (id int, word varchar(10))
      ROW FORMAT DELIMITED FIELDS TERMINATED BY '|' STORED AS TEXTFILE LOCATION 's3://${bucket}/big/'`)
    const { client: other } = await connect()
    const pid = (await other.query('SELECT pg_backend_pid() AS p')).rows[0].p as number
    const text = `SELECT count(*) FROM ${ext}.big`
    const running = other.query(text)
    running.catch(() => undefined)
    await vi.waitFor(
      async () => {
        const r = await client.query(
          "SELECT 1 FROM sys_query_history WHERE session_id = $1 AND query_text = $2 AND status = 'queued'",
          [pid, text],
        )
        expect(r.rowCount).toBe(1)
      },
      { timeout: 10_000, interval: 10 },
    )
    await client.query(`CANCEL ${pid}`)
    await expect(running).rejects.toMatchObject({ code: '57014' })
    // Nothing of the cancelled read was kept: only the new file's row is there.
    await store.put(bucket, 'big/x.txt', '1|one\n')
    const after = await other.query(text)
    expect(after.rows[0].count).toBe('1')
    await other.end()
  })

  it("lets only the schema's owner or a superuser change it", async () => {
    const { client: analyst } = await connect('user')
    const e = await failure(analyst.query(`DROP TABLE ${ext}.pipes`))
    expect(e.code).toBe('42501')
    expect(e.message).toBe(`must be owner of schema ${ext}`)
    const read = await analyst.query(`SELECT count(*)::int AS n FROM ${ext}.pipes`)
    expect(read.rows[0].n).toBe(2)
    await analyst.end()
  })

  it('drops external tables', async () => {
    await client.query(`DROP TABLE ${ext}.bad`)
    const e = await failure(client.query(`SELECT * FROM ${ext}.bad`))
    expect(e.code).toBe('42P01')
  })
})
