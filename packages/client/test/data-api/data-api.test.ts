import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises'
import path from 'node:path'
import {
  DescribeStatementCommand,
  ListStatementsCommand,
  RedshiftDataClient,
} from '@aws-sdk/client-redshift-data'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { createClient, type RedshiftClient } from '../../src/client.js'
import { RedshiftConfig } from '../../src/config/redshift-config.js'
import { RateLimitedError } from '../../src/errors/connection-errors.js'
import { QueryBuilder } from '../../src/query/query-builder.js'
import type { QueryResult } from '../../src/query/query-result.js'
import {
  MockRedshiftClient,
  QueryRecorder,
  QueryReplayer,
  type RedshiftClientApi,
} from '../../src/simulation/index.js'
import { ColumnMetadata } from '../../src/types/column-metadata.js'
import { adversarialStrings } from './adversarial-strings.js'
import { dataApiConfig } from './transports.js'

describe('the Data API transport', () => {
  let client: RedshiftClient
  let sdk: RedshiftDataClient

  beforeAll(() => {
    client = createClient(dataApiConfig().build())
    const s = inject('redshift')
    sdk = new RedshiftDataClient({
      region: s.aws.region,
      endpoint: s.aws.endpoint,
      credentials: { accessKeyId: s.aws.accessKeyId, secretAccessKey: s.aws.secretAccessKey },
    })
  })
  afterAll(async () => {
    await client?.close()
    sdk?.destroy()
  })

  it('streams CSV pages (GetStatementResultV2) into typed values, BIGINTs exact', async () => {
    const csv = createClient(
      dataApiConfig()
        .withDataApi({
          clusterIdentifier: 'redshift-local',
          database: inject('redshift').database,
          dbUser: 'awsuser',
          streamFormat: 'csv',
        })
        .build(),
    )
    try {
      const stream = await csv.streamResults(
        `SELECT g AS n, 9007199254740993::int8 AS big, 'a,"b"' AS quoted, NULL::varchar AS none
         FROM generate_series(1, 3) AS g ORDER BY 1`,
      )
      const rows = []
      for await (const row of stream) rows.push(row.values)
      expect(rows).toEqual([
        [1, 9007199254740993n, 'a,"b"', null],
        [2, 9007199254740993n, 'a,"b"', null],
        [3, 9007199254740993n, 'a,"b"', null],
      ])
    } finally {
      await csv.close()
    }
  })

  it('streams a result of several pages in fetchSize slices, JSON BIGINTs exact', async () => {
    // Over 1 MiB of records: several GetStatementResult pages from the local Data API.
    const sql = `SELECT g::int8 + 9007199254740000 AS big, repeat('é"\\', 60) || g AS text
      FROM generate_series(1, 3000) AS g ORDER BY 1`
    const stream = await client.streamResults(sql, { fetchSize: 700 })
    let count = 0
    let largest = 0
    let last: readonly unknown[] = []
    for await (const batch of stream.batches()) {
      largest = Math.max(largest, batch.length)
      count += batch.length
      last = (batch.at(-1) as { values: readonly unknown[] }).values
    }
    expect([count, largest]).toEqual([3000, 700])
    expect(last).toEqual([9007199254743000n, `${'é"\\'.repeat(60)}3000`])
    const whole = await client.executeQuery(sql)
    expect(whole.rows.length).toBe(3000)
    expect(whole.rows[0]?.values).toEqual([9007199254740001n, `${'é"\\'.repeat(60)}1`])
  })

  it('runs batchExecute as one BatchExecuteStatement with literals that adversarial strings cannot escape', async () => {
    const table = `batch_literals_${Date.now()}`
    await client.executeQuery(`CREATE TABLE ${table} (id int NOT NULL, note varchar(400))`)
    try {
      const values = [...adversarialStrings(120), '', '\\', "'", "\\'); DROP TABLE x; --"]
      const insert = await client.prepare('adversarial', `INSERT INTO ${table} VALUES ($1, $2)`)
      const results = await client.batchExecute(
        insert,
        values.map((v, i) => [i, v]),
      )
      expect(results.map((r) => r.rowsAffected)).toEqual(values.map(() => 1))
      const { Statements } = await sdk.send(new ListStatementsCommand({ MaxResults: 5 }))
      expect(
        Statements?.some((s) => s.IsBatchStatement === true && s.QueryStrings?.[0]?.includes(table)),
      ).toBe(true)
      const back = await client.executeQuery(`SELECT id, note FROM ${table} ORDER BY id`)
      expect(back.rows.map((r) => r.values[1])).toEqual(values.map((v) => (v === '' ? '' : v)))
      // All or nothing: a batch with a failing statement leaves no row behind.
      await expect(
        client.batchExecute(insert, [
          [1000, 'kept?'],
          [null, 'fails NOT NULL'],
        ]),
      ).rejects.toThrow()
      const after = await client.executeQuery(`SELECT count(*) FROM ${table} WHERE id >= 1000`)
      expect(after.rows[0]?.values[0]).toBe(0n)
    } finally {
      await client.executeQuery(`DROP TABLE ${table}`)
    }
  })

  it("returns Redshift's query id (for getQueryMetrics), and answers health checks", async () => {
    const result = await client.executeQuery('SELECT count(*) FROM generate_series(1, 10)')
    expect(result.queryId).toMatch(/^\d+$/)
    const metrics = await client.getQueryMetrics(result.queryId)
    expect(metrics.queryId).toBe(result.queryId)
    expect(await client.healthCheck()).toMatchObject({ healthy: true })
    expect((await client.getDiagnostics()).transport).toBe('data-api')
  })

  it('runs COPY and UNLOAD (plain SQL over ExecuteStatement) against the local S3', async () => {
    const s = inject('redshift')
    const bucket = 'data-api-copy'
    await mkdir(path.join(s.s3Dir, bucket, 'in'), { recursive: true })
    await writeFile(path.join(s.s3Dir, bucket, 'in', 'rows.csv'), '1,alpha\n2,beta\n')
    const role = 'arn:aws:iam::123456789012:role/DataApiCopy'
    await client.executeQuery('DROP TABLE IF EXISTS dapi_copy')
    await client.executeQuery('CREATE TABLE dapi_copy (id INT, name VARCHAR(10))')
    const copied = await client.executeQuery(
      `COPY dapi_copy FROM 's3://${bucket}/in/rows.csv' IAM_ROLE '${role}' CSV`,
    )
    expect(copied.rowsAffected).toBe(2)
    await client.executeQuery(
      `UNLOAD ('SELECT * FROM dapi_copy ORDER BY id') TO 's3://${bucket}/out/part_' IAM_ROLE '${role}' CSV PARALLEL OFF`,
    )
    const files = await readdir(path.join(s.s3Dir, bucket, 'out'))
    const text = await readFile(path.join(s.s3Dir, bucket, 'out', files[0] as string), 'utf8')
    expect(text).toBe('1,alpha\n2,beta\n')
    await client.executeQuery('DROP TABLE dapi_copy')
  })

  it('refuses SQL over 100 KB before calling the service', async () => {
    const sql = `SELECT '${'x'.repeat(100 * 1024)}'`
    await expect(client.executeQuery(sql)).rejects.toMatchObject({
      name: 'ValidationError',
      problems: [expect.objectContaining({ field: 'sql', message: expect.stringMatching(/at most 102400/) })],
    })
  })

  it('cancels the statement on the service when the caller aborts (CancelStatement)', async () => {
    const controller = new AbortController()
    const running = client.executeQuery('SELECT pg_sleep(20)', { signal: controller.signal, retry: false })
    setTimeout(() => controller.abort(), 300)
    const error = await running.catch((e: unknown) => e)
    expect(error).toMatchObject({ name: 'QueryCancelledError' })
    const statementId = (error as { metadata: { statementId?: string } }).metadata.statementId
    expect(statementId).toMatch(/^[0-9a-f-]{36}$/)
    // The service's own view: the statement ended ABORTED, it was not left running.
    let status: string | undefined
    for (let i = 0; i < 100 && status !== 'ABORTED'; i++) {
      status = (await sdk.send(new DescribeStatementCommand({ Id: statementId }))).Status
      if (status !== 'ABORTED') await new Promise((r) => setTimeout(r, 20))
    }
    expect(status).toBe('ABORTED')
  })

  it('gives up a statement past its timeout with QueryTimeoutError', async () => {
    const q = new QueryBuilder('SELECT pg_sleep(20)').timeout(300).build()
    await expect(client.executeQuery(q, { retry: false })).rejects.toMatchObject({
      name: 'QueryTimeoutError',
    })
  })

  it('runs a query in its WLM query group (SET query_group in a Data API session)', async () => {
    const q = new QueryBuilder("SELECT 'grouped' AS g").queryGroup('etl').build()
    expect((await client.executeQuery(q)).rows[0]?.values).toEqual(['grouped'])
  })

  it('cancels by statement id, and says cancelling by pid is wire-only', async () => {
    await expect(client.cancelQuery({ pid: 1234 })).rejects.toMatchObject({
      name: 'UnsupportedError',
      message: expect.stringMatching(/wire-only/),
    })
    const s = inject('redshift')
    const started = await sdk.send(
      new (await import('@aws-sdk/client-redshift-data')).ExecuteStatementCommand({
        ClusterIdentifier: 'redshift-local',
        Database: s.database,
        DbUser: s.admin.name,
        Sql: 'SELECT pg_sleep(20)',
      }),
    )
    const outcome = await client.cancelQuery(started.Id as string)
    expect(outcome).toMatchObject({ cancelled: true, method: 'cancel-statement' })
  })

  it('reads region and endpoint from the AWS SDK chain (AWS_ENDPOINT_URL_REDSHIFT_DATA)', async () => {
    const s = inject('redshift')
    const saved = { ...process.env }
    Object.assign(process.env, {
      AWS_ENDPOINT_URL_REDSHIFT_DATA: s.aws.endpoint,
      AWS_REGION: s.aws.region,
      AWS_ACCESS_KEY_ID: s.aws.accessKeyId,
      AWS_SECRET_ACCESS_KEY: s.aws.secretAccessKey,
    })
    const fromEnv = createClient(
      RedshiftConfig.fromEnv({
        REDSHIFT_TRANSPORT: 'data-api',
        REDSHIFT_CLUSTER_ID: 'redshift-local',
        REDSHIFT_DATABASE: s.database,
        REDSHIFT_USER: s.admin.name,
      }),
    )
    try {
      expect((await fromEnv.executeQuery('SELECT 42 AS answer')).rows[0]?.values).toEqual([42])
    } finally {
      await fromEnv.close()
      for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key]
    }
  })
})

describe('the simulation kit over the Data API transport', () => {
  const table = `sim_data_api_${process.pid}`

  /** A workload written against the shared client interface: a real client, a replayer and a mock run it alike. */
  async function workload(client: RedshiftClientApi): Promise<unknown[]> {
    const out: unknown[] = []
    const rows = (r: QueryResult) => r.rows.map((row) => row.values)
    await client.executeQuery(`DROP TABLE IF EXISTS ${table}`)
    await client.executeQuery(`CREATE TABLE ${table} (id BIGINT, label VARCHAR(40), price DECIMAL(12,2))`)
    const insert = await client.prepare('sim_insert', `INSERT INTO ${table} VALUES ($1, $2, $3)`)
    out.push(
      (
        await client.batchExecute(insert, [
          [9_007_199_254_740_993n, "it's", '12.50'],
          [2n, '', null],
          [3n, null, '-0.01'],
        ])
      ).map((r) => r.rowsAffected),
    )
    out.push(
      rows(
        await client.executeQuery(
          new QueryBuilder(`SELECT id, label, price FROM ${table} WHERE id > $1 ORDER BY id`)
            .param(0n)
            .build(),
        ),
      ),
    )
    out.push(
      await client.executeQuery('SELECT nope FROM nowhere_at_all').catch((e: unknown) => (e as Error).name),
    )
    out.push(
      await client.executeInTransaction((tx) =>
        tx.execute(`UPDATE ${table} SET label = 'changed' WHERE id = 3`),
      ),
    )
    const stream = await client.streamResults(`SELECT id, label FROM ${table} ORDER BY id`, { fetchSize: 2 })
    const batches: unknown[] = []
    for await (const batch of stream.batches()) batches.push(batch.map((r) => r.values))
    out.push(batches)
    await client.executeQuery(`DROP TABLE ${table}`)
    return out
  }

  const expected = [
    [1, 1, 1],
    [
      [2n, '', null],
      [3n, null, '-0.01'],
      [9_007_199_254_740_993n, "it's", '12.50'],
    ],
    'NotFoundError',
    1,
    [
      [
        [2n, ''],
        [3n, 'changed'],
      ],
      [[9_007_199_254_740_993n, "it's"]],
    ],
  ]

  it('records a workload over the Data API and replays it with no service at all', async () => {
    const recorder = new QueryRecorder()
    const real = recorder.createClient(dataApiConfig().build())
    recorder.startRecording()
    const recorded = await workload(real)
    recorder.stopRecording()
    await real.close()
    expect(recorded).toEqual(expected)
    expect(recorder.exchanges.length).toBeGreaterThan(5)
    const replayer = QueryReplayer.fromRecorder(recorder)
    const offline = replayer.createClient(
      dataApiConfig()
        .awsEndpoint('http://127.0.0.1:9')
        .awsCredentials({ accessKeyId: 'x', secretAccessKey: 'y' })
        .build(),
    )
    expect(await workload(offline)).toEqual(recorded)
    expect(replayer.remaining).toBe(0)
    await offline.close()
  })

  it('stands a mock in for a Data API client: answers, injected errors and checks, no service', async () => {
    /** Application code (a Lambda handler's logic) written against the client interface. */
    async function regionTotal(client: RedshiftClientApi, region: string): Promise<unknown> {
      const r = await client.executeQuery(
        new QueryBuilder('SELECT SUM(amount) AS total FROM lambda_orders WHERE region = $1')
          .param(region)
          .build(),
      )
      return r.rows[0]?.get('total') ?? null
    }
    const mock = new MockRedshiftClient({ config: dataApiConfig().build() })
    mock.setQueryResponse('FROM lambda_orders', ({ params }) => ({
      columns: [new ColumnMetadata('total', 'DECIMAL')],
      rows: [[params[0] === 'west' ? '42.50' : null]],
    }))
    expect(await regionTotal(mock, 'west')).toBe('42.50')
    expect(await regionTotal(mock, 'east')).toBeNull()
    mock.assertQueryExecuted('FROM lambda_orders', 2)
    mock.injectError(
      'FROM lambda_orders',
      new RateLimitedError('Data API ExecuteStatement failed: slow down'),
    )
    await expect(regionTotal(mock, 'west')).rejects.toThrow(/slow down/)
    expect(mock.config.transport).toBe('data-api')
    await mock.close()
  })
})
