/**
 * The local Glue Data Catalog through `@aws-sdk/client-glue` and the AWS CLI: databases, tables,
 * partitions; a table created through Glue is queryable through an external schema; the catalog
 * survives a restart of the cluster.
 */
import { execFile } from 'node:child_process'
import { chmod, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import {
  BatchCreatePartitionCommand,
  BatchDeletePartitionCommand,
  CreateDatabaseCommand,
  CreateTableCommand,
  DeleteTableCommand,
  GetDatabasesCommand,
  GetPartitionsCommand,
  GetTableCommand,
  GlueClient,
} from '@aws-sdk/client-glue'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type LocalRedshift, startLocalRedshift } from '../../src/index.js'

const run = promisify(execFile)
let dir: string
let local: LocalRedshift
let glue: GlueClient

function glueClient(l: LocalRedshift): GlueClient {
  const aws = l.aws
  if (aws === undefined) throw new Error('the AWS endpoint is off')
  return new GlueClient({
    endpoint: aws.endpoint,
    region: aws.region,
    credentials: { accessKeyId: aws.accessKeyId, secretAccessKey: aws.secretAccessKey },
    maxAttempts: 1,
  })
}

async function sql(l: LocalRedshift, text: string): Promise<pg.QueryResult> {
  const c = new pg.Client({
    host: l.wire.host,
    port: l.wire.port,
    database: l.database,
    user: 'awsuser',
    password: 'Password1',
  })
  await c.connect()
  try {
    return await c.query(text)
  } finally {
    await c.end()
  }
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'rk-glue-'))
  // The engine runs as the `postgres` OS user when tests run as root: it must be able to enter.
  await chmod(dir, 0o755)
  local = await startLocalRedshift({
    dataDir: path.join(dir, 'cluster'),
    s3Dir: path.join(dir, 's3'),
    tls: false,
  })
  glue = glueClient(local)
})

afterAll(async () => {
  glue?.destroy()
  await local?.stop()
  await rm(dir, { recursive: true, force: true })
})

describe('the Glue API', () => {
  it('creates databases, tables and partitions that SQL then reads', async () => {
    await glue.send(
      new CreateDatabaseCommand({ DatabaseInput: { Name: 'GlueDB', Description: 'made by the SDK' } }),
    )
    const dbs = await glue.send(new GetDatabasesCommand({}))
    expect(dbs.DatabaseList?.map((d) => d.Name)).toContain('gluedb')
    await glue.send(
      new CreateTableCommand({
        DatabaseName: 'gluedb',
        TableInput: {
          Name: 'clicks',
          TableType: 'EXTERNAL_TABLE',
          PartitionKeys: [{ Name: 'day', Type: 'string' }],
          StorageDescriptor: {
            Columns: [
              { Name: 'id', Type: 'bigint' },
              { Name: 'url', Type: 'string' },
            ],
            Location: 's3://glue-data/clicks/',
            InputFormat: 'org.apache.hadoop.mapred.TextInputFormat',
            OutputFormat: 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat',
            SerdeInfo: {
              SerializationLibrary: 'org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe',
              Parameters: { 'field.delim': ',' },
            },
          },
        },
      }),
    )
    const created = await glue.send(
      new BatchCreatePartitionCommand({
        DatabaseName: 'gluedb',
        TableName: 'clicks',
        PartitionInputList: [
          {
            Values: ['2024-01-01'],
            StorageDescriptor: { Location: 's3://glue-data/clicks/day=2024-01-01/' },
          },
          {
            Values: ['2024-01-02'],
            StorageDescriptor: { Location: 's3://glue-data/clicks/day=2024-01-02/' },
          },
          { Values: ['a', 'b'] },
        ],
      }),
    )
    expect(created.Errors?.map((e) => e.ErrorDetail?.ErrorCode)).toEqual(['InvalidInputException'])
    await local.s3.put('glue-data', 'clicks/day=2024-01-01/0.csv', '1,/home\n2,/about\n')
    await local.s3.put('glue-data', 'clicks/day=2024-01-02/0.csv', '3,/home\n')
    await sql(
      local,
      `CREATE EXTERNAL SCHEMA web FROM DATA CATALOG DATABASE 'gluedb' IAM_ROLE 'arn:aws:iam::123456789012:role/s'`,
    )
    const r = await sql(local, `SELECT day, count(*)::int AS n FROM web.clicks GROUP BY day ORDER BY day`)
    expect(r.rows).toEqual([
      { day: '2024-01-01', n: 2 },
      { day: '2024-01-02', n: 1 },
    ])
    const parts = await glue.send(new GetPartitionsCommand({ DatabaseName: 'gluedb', TableName: 'clicks' }))
    expect(parts.Partitions?.map((p) => p.Values)).toEqual([['2024-01-01'], ['2024-01-02']])
    await glue.send(
      new BatchDeletePartitionCommand({
        DatabaseName: 'gluedb',
        TableName: 'clicks',
        PartitionsToDelete: [{ Values: ['2024-01-02'] }],
      }),
    )
    const after = await sql(local, `SELECT count(*)::int AS n FROM web.clicks`)
    expect(after.rows[0].n).toBe(2)
  })

  it('answers Glue errors in Glue shapes', async () => {
    await expect(
      glue.send(new GetTableCommand({ DatabaseName: 'gluedb', Name: 'nope' })),
    ).rejects.toMatchObject({
      name: 'EntityNotFoundException',
    })
    await expect(
      glue.send(new CreateDatabaseCommand({ DatabaseInput: { Name: 'gluedb' } })),
    ).rejects.toMatchObject({
      name: 'AlreadyExistsException',
    })
  })

  it('refuses requests that are not signed with a configured key', async () => {
    const aws = local.aws
    if (aws === undefined) throw new Error('no AWS endpoint')
    const wrong = new GlueClient({
      endpoint: aws.endpoint,
      region: aws.region,
      credentials: { accessKeyId: aws.accessKeyId, secretAccessKey: 'not-the-secret' },
      maxAttempts: 1,
    })
    await expect(wrong.send(new GetDatabasesCommand({}))).rejects.toMatchObject({
      name: 'InvalidSignatureException',
    })
    wrong.destroy()
  })

  it('keeps the catalog across a restart', async () => {
    await local.stop()
    local = await startLocalRedshift({
      dataDir: path.join(dir, 'cluster'),
      s3Dir: path.join(dir, 's3'),
      tls: false,
    })
    glue.destroy()
    glue = glueClient(local)
    const t = await glue.send(new GetTableCommand({ DatabaseName: 'gluedb', Name: 'clicks' }))
    expect(t.Table?.PartitionKeys).toEqual([{ Name: 'day', Type: 'string' }])
    const r = await sql(local, 'SELECT count(*)::int AS n FROM web.clicks')
    expect(r.rows[0].n).toBe(2)
    await glue.send(new DeleteTableCommand({ DatabaseName: 'gluedb', Name: 'clicks' }))
    await expect(sql(local, 'SELECT * FROM web.clicks')).rejects.toMatchObject({ code: '42P01' })
  })
})

describe('the AWS CLI', () => {
  it('lists and reads the catalog with aws glue (skipped where the AWS CLI is not installed)', async (ctx) => {
    const found = await run('aws', ['--version']).then(
      () => true,
      () => false,
    )
    if (!found) ctx.skip()
    const aws = local.aws
    if (aws === undefined) throw new Error('no AWS endpoint')
    const cli = (args: string[]) =>
      run(
        'aws',
        ['--endpoint-url', aws.endpoint, '--region', aws.region, '--output', 'json', 'glue', ...args],
        {
          env: {
            PATH: process.env.PATH ?? '',
            HOME: process.env.HOME ?? '/tmp',
            AWS_ACCESS_KEY_ID: aws.accessKeyId,
            AWS_SECRET_ACCESS_KEY: aws.secretAccessKey,
            AWS_CONFIG_FILE: '/dev/null',
            AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
          },
        },
      )
    await cli(['create-database', '--database-input', '{"Name":"clidb"}'])
    await glue.send(
      new CreateTableCommand({
        DatabaseName: 'clidb',
        TableInput: {
          Name: 't1',
          StorageDescriptor: {
            Columns: [{ Name: 'a', Type: 'int' }],
            Location: 's3://cli-data/t1/',
            SerdeInfo: {
              SerializationLibrary: 'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe',
            },
          },
        },
      }),
    )
    const { stdout } = await cli(['get-tables', '--database-name', 'clidb'])
    const tables = JSON.parse(stdout) as {
      TableList: { Name: string; StorageDescriptor: { Location: string } }[]
    }
    expect(tables.TableList.map((t) => [t.Name, t.StorageDescriptor.Location])).toEqual([
      ['t1', 's3://cli-data/t1/'],
    ])
  })
})
