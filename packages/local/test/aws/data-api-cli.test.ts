/**
 * The local Redshift Data API from the AWS CLI (`aws redshift-data ...`, spawned asynchronously with
 * the local keys and `--endpoint-url`), and its catalog operations from the SDK.
 */
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import {
  DescribeTableCommand,
  ExecuteStatementCommand,
  ListDatabasesCommand,
  ListSchemasCommand,
  ListTablesCommand,
  type RedshiftDataClient,
} from '@aws-sdk/client-redshift-data'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { signRequest } from '../../src/aws/sigv4.js'
import { type LocalRedshift, startLocalRedshift } from '../../src/index.js'
import { dataClient, settled } from './data-api-helpers.js'

const run = promisify(execFile)
let local: LocalRedshift
let client: RedshiftDataClient
const asAdmin = { ClusterIdentifier: 'redshift-local', Database: 'dev', SecretArn: 'redshift-local/awsuser' }

async function sql(Sql: string): Promise<void> {
  const { Id } = await client.send(new ExecuteStatementCommand({ ...asAdmin, Sql }))
  const d = await settled(client, Id as string)
  expect(d.Status, d.Error).toBe('FINISHED')
}

/** Runs `aws redshift-data <args>` against the local endpoint and parses its JSON output. */
async function aws(...args: string[]): Promise<Record<string, unknown>> {
  const endpoint = local.aws as NonNullable<LocalRedshift['aws']>
  const { stdout } = await run(
    'aws',
    [
      'redshift-data',
      ...args,
      '--endpoint-url',
      endpoint.endpoint,
      '--region',
      endpoint.region,
      '--output',
      'json',
    ],
    {
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        AWS_ACCESS_KEY_ID: endpoint.accessKeyId,
        AWS_SECRET_ACCESS_KEY: endpoint.secretAccessKey,
        AWS_CONFIG_FILE: '/dev/null',
        AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
      },
      timeout: 60_000,
    },
  )
  return JSON.parse(stdout) as Record<string, unknown>
}

beforeAll(async () => {
  local = await startLocalRedshift({ aws: { dataApi: { pageBytes: 2048, maxActiveSessions: 1 } } })
  client = dataClient(local)
  await sql('create schema reporting')
  await sql(
    "create table reporting.orders (id bigint not null, note varchar(50) default 'none', total decimal(10,2))",
  )
  await sql('create table reporting.customers (id int)')
  await sql('create view reporting.order_view as select id from reporting.orders')
  await sql('create table public.other (x int)')
  await sql("insert into reporting.orders values (1, 'first', 9.99), (2, null, 0)")
})

afterAll(async () => {
  await local?.stop()
})

describe('the AWS CLI', () => {
  it('execute-statement, describe-statement and get-statement-result', async () => {
    const submitted = await aws(
      'execute-statement',
      '--cluster-identifier',
      'redshift-local',
      '--database',
      'dev',
      '--secret-arn',
      'redshift-local/awsuser',
      '--sql',
      'select id, note, total from reporting.orders where id = :id',
      '--parameters',
      '[{"name":"id","value":"1"}]',
    )
    expect(submitted.Id).toMatch(/^[a-z0-9]{8}(-[a-z0-9]{4}){3}-[a-z0-9]{12}$/)
    await settled(client, submitted.Id as string)
    const described = await aws('describe-statement', '--id', submitted.Id as string)
    expect(described).toMatchObject({
      Status: 'FINISHED',
      ResultRows: 1,
      HasResultSet: true,
      DbUser: 'awsuser',
    })
    const result = await aws('get-statement-result', '--id', submitted.Id as string)
    expect(result.Records).toEqual([[{ longValue: 1 }, { stringValue: 'first' }, { stringValue: '9.99' }]])
    expect(result.TotalNumRows).toBe(1)
    expect((result.ColumnMetadata as { typeName: string }[]).map((c) => c.typeName)).toEqual([
      'int8',
      'varchar',
      'numeric',
    ])
  })

  it('follows NextToken across pages by itself', async () => {
    const submitted = await aws(
      'execute-statement',
      '--cluster-identifier',
      'redshift-local',
      '--database',
      'dev',
      '--secret-arn',
      'redshift-local/awsuser',
      '--sql',
      'select g from generate_series(1, 500) g',
    )
    await settled(client, submitted.Id as string)
    const result = await aws('get-statement-result', '--id', submitted.Id as string)
    expect((result.Records as unknown[]).length).toBe(500)
  })
})

describe('the endpoint', () => {
  it('answers an operation it does not implement with UnknownOperationException naming it', async () => {
    const endpoint = local.aws as NonNullable<LocalRedshift['aws']>
    const url = new URL(endpoint.endpoint)
    const headers = {
      host: url.host,
      'content-type': 'application/x-amz-json-1.1',
      'x-amz-target': 'RedshiftData.FlyToTheMoon',
    }
    const signed = signRequest(
      { method: 'POST', url: '/', headers, body: Buffer.from('{}') },
      { ...endpoint, service: 'redshift-data' },
    )
    const res = await fetch(endpoint.endpoint, {
      method: 'POST',
      headers: { ...headers, ...signed },
      body: '{}',
    })
    expect(res.status).toBe(400)
    expect(await res.json()).toMatchObject({
      __type: 'UnknownOperationException',
      message: expect.stringContaining('FlyToTheMoon'),
    })
  })

  it('refuses a session past the limit with ActiveSessionsExceededException', async () => {
    const first = await client.send(
      new ExecuteStatementCommand({ ...asAdmin, Sql: 'select 1', SessionKeepAliveSeconds: 30 }),
    )
    await settled(client, first.Id as string)
    await expect(
      client.send(new ExecuteStatementCommand({ ...asAdmin, Sql: 'select 1', SessionKeepAliveSeconds: 30 })),
    ).rejects.toMatchObject({ name: 'ActiveSessionsExceededException', $metadata: { httpStatusCode: 400 } })
    // A statement in the open session still runs.
    const inside = await client.send(
      new ExecuteStatementCommand({ Sql: 'select 2', SessionId: first.SessionId }),
    )
    expect((await settled(client, inside.Id as string)).Status).toBe('FINISHED')
  })
})

describe('catalog operations', () => {
  it('ListDatabases and ListSchemas with a pattern', async () => {
    expect((await client.send(new ListDatabasesCommand(asAdmin))).Databases).toEqual(['dev'])
    const schemas = await client.send(new ListSchemasCommand({ ...asAdmin, SchemaPattern: 'rep%' }))
    expect(schemas.Schemas).toEqual(['reporting'])
    const all = await client.send(new ListSchemasCommand(asAdmin))
    expect(all.Schemas).toEqual(expect.arrayContaining(['public', 'reporting', 'pg_catalog']))
    expect(all.Schemas).not.toContain('rk_internal')
  })

  it('ListTables with patterns, types and paging', async () => {
    const tables = await client.send(
      new ListTablesCommand({ ...asAdmin, SchemaPattern: 'reporting', TablePattern: '%' }),
    )
    expect(tables.Tables).toEqual([
      { name: 'customers', schema: 'reporting', type: 'TABLE' },
      { name: 'order_view', schema: 'reporting', type: 'VIEW' },
      { name: 'orders', schema: 'reporting', type: 'TABLE' },
    ])
    const first = await client.send(
      new ListTablesCommand({ ...asAdmin, SchemaPattern: 'reporting', MaxResults: 2 }),
    )
    expect(first.Tables?.map((t) => t.name)).toEqual(['customers', 'order_view'])
    const rest = await client.send(
      new ListTablesCommand({
        ...asAdmin,
        SchemaPattern: 'reporting',
        MaxResults: 2,
        NextToken: first.NextToken,
      }),
    )
    expect(rest.Tables?.map((t) => t.name)).toEqual(['orders'])
    expect(rest.NextToken).toBeUndefined()
    const underscore = await client.send(new ListTablesCommand({ ...asAdmin, TablePattern: 'o_her' }))
    expect(underscore.Tables).toEqual([{ name: 'other', schema: 'public', type: 'TABLE' }])
  })

  it('DescribeTable names each column’s type, nullability and default', async () => {
    const described = await client.send(
      new DescribeTableCommand({ ...asAdmin, Schema: 'reporting', Table: 'orders' }),
    )
    expect(described.TableName).toBe('orders')
    expect(described.ColumnList).toEqual([
      expect.objectContaining({
        name: 'id',
        typeName: 'int8',
        nullable: 0,
        schemaName: 'reporting',
        tableName: 'orders',
      }),
      expect.objectContaining({
        name: 'note',
        typeName: 'varchar',
        precision: 50,
        nullable: 1,
        columnDefault: expect.stringContaining("'none'"),
      }),
      expect.objectContaining({ name: 'total', typeName: 'numeric', precision: 10, scale: 2 }),
    ])
  })

  it('refuses a connection it cannot make with DatabaseConnectionException', async () => {
    await expect(
      client.send(new ListSchemasCommand({ ...asAdmin, Database: 'no_such_db' })),
    ).rejects.toMatchObject({ name: 'DatabaseConnectionException', $metadata: { httpStatusCode: 500 } })
  })
})
