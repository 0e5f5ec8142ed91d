/**
 * Spectrum through the client against the shared local Redshift: external schemas and tables with
 * their columns and partitions, and validateSpectrumQuery's errors and warnings.
 */
import { mkdir, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { createClient, type RedshiftClient } from '../../src/client.js'
import { configFor, startTestServer, type TestServer } from '../integration/server.js'

let server: TestServer
let client: RedshiftClient
const tag = Math.random().toString(36).slice(2, 8)
const schema = `ext_${tag}`
const bucket = `rk-client-spectrum-${tag}`
const ROLE = "IAM_ROLE 'arn:aws:iam::123456789012:role/Spectrum'"

async function put(key: string, body: string): Promise<void> {
  const file = path.join(inject('redshift').s3Dir, bucket, ...key.split('/'))
  await mkdir(path.dirname(file), { recursive: true })
  await writeFile(file, body)
}

beforeAll(async () => {
  server = await startTestServer()
  client = createClient(configFor(server).poolSize(2).build())
  await put('orders/day=2024-01-01/a.csv', '1,9.5\n2,3.25\n')
  await put('orders/day=2024-01-02/a.csv', '3,1.00\n')
  await client.executeQuery(
    `CREATE EXTERNAL SCHEMA ${schema} FROM DATA CATALOG DATABASE 'db_${tag}' ${ROLE} CREATE EXTERNAL DATABASE IF NOT EXISTS`,
  )
  await client.executeQuery(`CREATE EXTERNAL TABLE ${schema}.orders (id int, total decimal(8,2))
    PARTITIONED BY (day date) ROW FORMAT DELIMITED FIELDS TERMINATED BY ','
    STORED AS TEXTFILE LOCATION 's3://${bucket}/orders/'`)
  await client.executeQuery(`ALTER TABLE ${schema}.orders ADD
    PARTITION (day='2024-01-01') LOCATION 's3://${bucket}/orders/day=2024-01-01/'
    PARTITION (day='2024-01-02') LOCATION 's3://${bucket}/orders/day=2024-01-02/'`)
  const wide = Array.from({ length: 25 }, (_, i) => `c${i} int`).join(', ')
  await client.executeQuery(
    `CREATE EXTERNAL TABLE ${schema}.wide (${wide}) STORED AS PARQUET LOCATION 's3://${bucket}/wide/'`,
  )
})
afterAll(async () => {
  await client?.executeQuery(`DROP SCHEMA ${schema} DROP EXTERNAL DATABASE`).catch(() => undefined)
  await client?.close()
  await server?.stop()
})

describe('the external catalog', () => {
  it('lists external schemas', async () => {
    const schemas = await client.listExternalSchemas()
    expect(schemas.find((s) => s.name === schema)).toEqual({
      name: schema,
      catalogDatabase: `db_${tag}`,
      kind: 'data-catalog',
      iamRole: 'arn:aws:iam::123456789012:role/Spectrum',
      options: { IAM_ROLE: 'arn:aws:iam::123456789012:role/Spectrum' },
    })
  })

  it('lists external tables with columns, partition keys and partitions', async () => {
    const tables = await client.listExternalTables(schema)
    expect(tables.map((t) => t.name)).toEqual(['orders', 'wide'])
    const orders = tables[0]
    expect(orders).toMatchObject({
      schema,
      location: `s3://${bucket}/orders/`,
      format: 'text',
      columns: [
        { name: 'id', type: 'int', position: 1 },
        { name: 'total', type: 'decimal(8,2)', position: 2 },
      ],
      partitionKeys: [{ name: 'day', type: 'date', position: 3 }],
    })
    expect(orders?.partitions.map((p) => p.values).sort()).toEqual([['2024-01-01'], ['2024-01-02']])
    expect(tables[1]?.format).toBe('parquet')
  })

  it('reads the table through the client', async () => {
    const r = await client.executeQuery(
      `SELECT count(*) AS n, sum(total) AS s FROM ${schema}.orders WHERE day = '2024-01-01'`,
    )
    expect(r.rows[0]?.toObject()).toEqual({ n: 2n, s: '12.75' })
  })
})

describe('validateSpectrumQuery', () => {
  it('passes a pruned query, and warns when no partition filter is given', async () => {
    const ok = await client.validateSpectrumQuery(`SELECT id FROM ${schema}.orders WHERE day = '2024-01-01'`)
    expect(ok).toEqual({ valid: true, errors: [], warnings: [], externalTables: [`${schema}.orders`] })
    const all = await client.validateSpectrumQuery(`SELECT id FROM ${schema}.orders`)
    expect(all.valid).toBe(true)
    expect(all.warnings.map((w) => w.code)).toEqual(['NO_PARTITION_FILTER'])
    expect(all.warnings[0]?.message).toContain('every partition (2)')
  })

  it('warns about SELECT * on a wide table', async () => {
    const v = await client.validateSpectrumQuery(`SELECT * FROM ${schema}.wide`)
    expect(v.warnings.map((w) => w.code)).toEqual(['SELECT_STAR_ON_WIDE_TABLE'])
  })

  it('finds unknown tables and columns, DML, and external DDL in a transaction', async () => {
    const unknown = await client.validateSpectrumQuery(`SELECT * FROM ${schema}.nope`)
    expect(unknown.errors.map((e) => e.code)).toEqual(['UNKNOWN_EXTERNAL_TABLE'])
    const column = await client.validateSpectrumQuery(
      `SELECT o.bogus FROM ${schema}.orders o WHERE o.day = '2024-01-01'`,
    )
    expect(column.errors.map((e) => e.code)).toEqual(['UNKNOWN_COLUMN'])
    const unqualified = await client.validateSpectrumQuery(
      `SELECT bogus FROM ${schema}.orders WHERE day = '2024-01-01'`,
    )
    expect(unqualified.errors.map((e) => e.code)).toEqual(['UNKNOWN_COLUMN'])
    const dml = await client.validateSpectrumQuery(`DELETE FROM ${schema}.orders WHERE id = 1`)
    expect(dml.errors.map((e) => e.code)).toEqual(['DML_ON_EXTERNAL_TABLE'])
    const ddl = await client.validateSpectrumQuery(
      `BEGIN; CREATE EXTERNAL TABLE ${schema}.t2 (a int) STORED AS PARQUET LOCATION 's3://${bucket}/t2/'; COMMIT`,
    )
    expect(ddl.errors.map((e) => e.code)).toEqual(['EXTERNAL_DDL_IN_TRANSACTION'])
    const flagged = await client.validateSpectrumQuery(
      `ALTER TABLE ${schema}.orders ADD PARTITION (day='2024-01-03') LOCATION 's3://${bucket}/orders/day=2024-01-03/'`,
      { inTransaction: true },
    )
    expect(flagged.valid).toBe(false)
  })
})
