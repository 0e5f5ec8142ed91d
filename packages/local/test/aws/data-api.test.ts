/**
 * The local Redshift Data API, driven by the real `@aws-sdk/client-redshift-data`: statements run
 * through the wire gateway as the user each authentication resolves to.
 */
import { readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import {
  BatchExecuteStatementCommand,
  CancelStatementCommand,
  DescribeStatementCommand,
  ExecuteStatementCommand,
  GetStatementResultCommand,
  GetStatementResultV2Command,
  ListSessionsCommand,
  ListStatementsCommand,
  type RedshiftDataClient,
} from '@aws-sdk/client-redshift-data'
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type LocalRedshift, startLocalRedshift } from '../../src/index.js'
import { dataClient, settled } from './data-api-helpers.js'

let local: LocalRedshift
let client: RedshiftDataClient
const eventFile = path.join(tmpdir(), `data-api-events-${process.pid}.jsonl`)
const CLUSTER = 'redshift-local'
const ADMIN_SECRET = 'redshift-local/awsuser'
const asAdmin = { ClusterIdentifier: CLUSTER, Database: 'dev', SecretArn: ADMIN_SECRET }

/** Runs SQL as the admin and returns its settled description. */
async function run(sql: string, extra: Record<string, unknown> = {}) {
  const { Id } = await client.send(new ExecuteStatementCommand({ ...asAdmin, Sql: sql, ...extra }))
  return settled(client, Id as string)
}

/** Runs a query as the admin and returns its first page. */
async function rows(sql: string) {
  const d = await run(sql)
  expect(d.Status, d.Error).toBe('FINISHED')
  return client.send(new GetStatementResultCommand({ Id: d.Id }))
}

beforeAll(async () => {
  local = await startLocalRedshift({
    users: [
      { name: 'awsuser', password: 'Password1', superuser: true },
      { name: 'analyst', password: 'Analyst-pw1', groups: ['analysts'] },
    ],
    wlm: [
      { name: 'analysts', userGroups: ['analysts'], slots: 2 },
      { name: 'default', slots: 10 },
    ],
    aws: {
      clusters: [{ identifier: 'redshift-local' }, { identifier: 'other-cluster' }],
      workgroups: [{ name: 'analytics' }],
      dataApi: { pageBytes: 4096, maxResultBytes: 300_000, maxActiveStatements: 4, eventLogFile: eventFile },
    },
  })
  client = dataClient(local)
  await run(
    `create table sales (id int not null, region varchar(20) default 'north', amount numeric(12,2),
      qty smallint, big bigint, ratio real, score double precision, flag boolean, day date,
      at timestamp, code char(3), doc super)`,
  )
  await run(`insert into sales values
    (1, 'east', 12.50, 3, 9007199254740993, 0.5, 1.25, true, '2024-01-02', '2024-01-02 03:04:05', 'abc', json_parse('{"a":1}')),
    (2, null, null, null, null, null, null, null, null, '2024-01-02 03:04:05.25', null, null)`)
  await run('grant select on sales to analyst')
})

afterAll(async () => {
  await local?.stop()
  await rm(eventFile, { force: true })
})

describe('ExecuteStatement and GetStatementResult', () => {
  it('returns typed Field records and ColumnMetadata as Redshift fills them', async () => {
    const page = await rows('select * from sales order by id')
    expect(page.TotalNumRows).toBe(2)
    expect(page.Records?.[0]).toEqual([
      { longValue: 1 },
      { stringValue: 'east' },
      { stringValue: '12.50' },
      { longValue: 3 },
      { longValue: 9007199254740992 },
      { doubleValue: 0.5 },
      { doubleValue: 1.25 },
      { booleanValue: true },
      { stringValue: '2024-01-02' },
      { stringValue: '2024-01-02 03:04:05.0' },
      { stringValue: 'abc' },
      { stringValue: expect.stringMatching(/^\{"a": ?1\}$/) },
    ])
    expect(page.Records?.[1]?.[1]).toEqual({ isNull: true })
    expect(page.Records?.[1]?.[9]).toEqual({ stringValue: '2024-01-02 03:04:05.25' })
    const meta = page.ColumnMetadata ?? []
    expect(meta.map((c) => c.typeName)).toEqual([
      'int4',
      'varchar',
      'numeric',
      'int2',
      'int8',
      'float4',
      'float8',
      'bool',
      'date',
      'timestamp',
      'bpchar',
      'super',
    ])
    expect(meta[0]).toEqual({
      isCaseSensitive: false,
      isCurrency: false,
      isSigned: true,
      label: 'id',
      length: 0,
      name: 'id',
      nullable: 0,
      precision: 10,
      scale: 0,
      schemaName: '',
      tableName: 'sales',
      typeName: 'int4',
    })
    expect(meta[1]).toMatchObject({ precision: 20, nullable: 1, isCaseSensitive: true, isSigned: false })
    expect(meta[2]).toMatchObject({ precision: 12, scale: 2, isSigned: true })
    expect(meta[9]).toMatchObject({ precision: 29, scale: 6 })
    const computed = await rows("select 1 + 1 as two, 'x'::varchar(5) as s")
    expect(computed.ColumnMetadata?.[0]).toMatchObject({ name: 'two', tableName: '', nullable: 1 })
  })

  it('reports the statement as DescribeStatement does: FINISHED, nanoseconds, rows, query id, pid', async () => {
    const d = await run('select id from sales')
    expect(d).toMatchObject({
      Status: 'FINISHED',
      HasResultSet: true,
      ResultRows: 2,
      ClusterIdentifier: CLUSTER,
      Database: 'dev',
      DbUser: 'awsuser',
      ResultFormat: 'JSON',
    })
    expect(d.SecretArn).toMatch(
      /^arn:aws:secretsmanager:us-east-1:000000000000:secret:redshift-local\/awsuser-/,
    )
    expect(d.Duration).toBeGreaterThan(0)
    expect(d.Duration).toBeLessThan(60e9)
    expect(d.ResultSize).toBeGreaterThan(0)
    expect(d.RedshiftQueryId).toBeGreaterThan(0)
    expect(d.RedshiftPid).toBeGreaterThan(0)
    const insert = await run('insert into sales (id) values (100), (101)')
    expect(insert).toMatchObject({ Status: 'FINISHED', HasResultSet: false, ResultRows: 2 })
    await run('delete from sales where id >= 100')
  })

  it('runs through the gateway: the query id is stl_query’s and sys_query_history’s', async () => {
    const d = await run("select count(*) from sales where region = 'east'")
    const log = await rows(
      `select q.query, trim(q.querytxt), h.status from stl_query q join sys_query_history h on h.query_id = q.query
       where q.query = ${d.RedshiftQueryId}`,
    )
    expect(log.Records).toEqual([
      [
        { longValue: d.RedshiftQueryId },
        { stringValue: "select count(*) from sales where region = 'east'" },
        { stringValue: expect.stringMatching(/^success/) },
      ],
    ])
  })

  it('binds :name parameters, leaving strings, comments and ::casts alone', async () => {
    const { Id } = await client.send(
      new ExecuteStatementCommand({
        ...asAdmin,
        Sql: "select id, ':id' as lit, :day::date as d /* :nope */ from sales where id = :id::smallint",
        Parameters: [
          { name: 'id', value: '1' },
          { name: 'day', value: '2024-05-06' },
        ],
      }),
    )
    const d = await settled(client, Id as string)
    expect(d.Status, d.Error).toBe('FINISHED')
    expect(d.QueryParameters).toEqual([
      { name: 'id', value: '1' },
      { name: 'day', value: '2024-05-06' },
    ])
    const r = await client.send(new GetStatementResultCommand({ Id }))
    expect(r.Records).toEqual([[{ longValue: 1 }, { stringValue: ':id' }, { stringValue: '2024-05-06' }]])
  })

  it('refuses bad parameters with ValidationException', async () => {
    const send = (Sql: string, Parameters: { name: string; value: string }[]) =>
      client.send(new ExecuteStatementCommand({ ...asAdmin, Sql, Parameters }))
    await expect(send('select :a', [{ name: 'b', value: '1' }])).rejects.toMatchObject({
      name: 'ValidationException',
      $metadata: { httpStatusCode: 400 },
      message: expect.stringContaining(':a'),
    })
    await expect(send('select :a', [{ name: 'a', value: '' }])).rejects.toMatchObject({
      name: 'ValidationException',
      message: expect.stringContaining('NULL'),
    })
    await expect(
      send('select :a', [
        { name: 'a', value: '1' },
        { name: 'unused', value: '2' },
      ]),
    ).rejects.toMatchObject({ name: 'ValidationException', message: expect.stringContaining('unused') })
  })

  it('fails a statement with the database’s error text', async () => {
    const d = await run('select * from no_such_table')
    expect(d.Status).toBe('FAILED')
    expect(d.Error).toBe('ERROR: relation "no_such_table" does not exist')
    await expect(client.send(new GetStatementResultCommand({ Id: d.Id }))).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
      message: 'Query does not have result. Please check query status with DescribeStatement.',
    })
  })
})

describe('who a statement runs as', () => {
  const whoAmI = async (params: Record<string, unknown>, c = client) => {
    const { Id, DbUser } = await c.send(
      new ExecuteStatementCommand({ Sql: 'select current_user', ...params }),
    )
    const d = await settled(c, Id as string)
    expect(d.Status, d.Error).toBe('FINISHED')
    const r = await c.send(new GetStatementResultCommand({ Id }))
    return { user: r.Records?.[0]?.[0]?.stringValue, dbUser: DbUser, describedUser: d.DbUser }
  }

  it('a secret’s user, DbUser through temporary credentials, and the caller’s IAM identity', async () => {
    expect(await whoAmI(asAdmin)).toMatchObject({ user: 'awsuser', dbUser: 'awsuser' })
    expect(await whoAmI({ ClusterIdentifier: CLUSTER, Database: 'dev', DbUser: 'analyst' })).toEqual({
      user: 'IAM:analyst',
      dbUser: 'analyst',
      describedUser: 'analyst',
    })
    expect(await whoAmI({ ClusterIdentifier: CLUSTER, Database: 'dev' })).toMatchObject({
      user: 'IAM:local-admin',
    })
    expect(await whoAmI({ WorkgroupName: 'analytics', Database: 'dev' })).toMatchObject({
      user: 'IAM:local-admin',
    })
    const aws = local.aws as NonNullable<LocalRedshift['aws']>
    const sts = new STSClient({
      endpoint: aws.endpoint,
      region: aws.region,
      credentials: { accessKeyId: aws.accessKeyId, secretAccessKey: aws.secretAccessKey },
    })
    const { Credentials } = await sts.send(
      new AssumeRoleCommand({ RoleArn: 'arn:aws:iam::000000000000:role/Reporting', RoleSessionName: 'r1' }),
    )
    const asRole = dataClient(local, {
      accessKeyId: Credentials?.AccessKeyId ?? '',
      secretAccessKey: Credentials?.SecretAccessKey ?? '',
      sessionToken: Credentials?.SessionToken ?? '',
    })
    expect(await whoAmI({ WorkgroupName: 'analytics', Database: 'dev' }, asRole)).toMatchObject({
      user: 'IAMR:Reporting',
    })
  })

  it('routes by the user’s WLM queue, and keeps its privileges', async () => {
    const { Id } = await client.send(
      new ExecuteStatementCommand({
        ClusterIdentifier: CLUSTER,
        Database: 'dev',
        SecretArn: 'redshift-local/analyst',
        Sql: 'select count(*) from sales',
      }),
    )
    const mine = await settled(client, Id as string)
    expect(mine.Status, mine.Error).toBe('FINISHED')
    const queue = await rows(
      `select trim(service_class_name) from sys_query_history where query_id = ${mine.RedshiftQueryId}`,
    )
    expect(queue.Records).toEqual([[{ stringValue: 'analysts' }]])
    const { Id: denied } = await client.send(
      new ExecuteStatementCommand({
        ClusterIdentifier: CLUSTER,
        Database: 'dev',
        DbUser: 'analyst',
        Sql: 'delete from sales',
      }),
    )
    expect(await settled(client, denied as string)).toMatchObject({
      Status: 'FAILED',
      Error: 'ERROR: permission denied for table sales',
    })
  })

  it('refuses what does not resolve', async () => {
    await expect(
      client.send(
        new ExecuteStatementCommand({ ClusterIdentifier: 'nope', Database: 'dev', Sql: 'select 1' }),
      ),
    ).rejects.toMatchObject({ name: 'ResourceNotFoundException', ResourceId: 'nope' })
    await expect(
      client.send(new ExecuteStatementCommand({ ...asAdmin, SecretArn: 'no/such/secret', Sql: 'select 1' })),
    ).rejects.toMatchObject({ name: 'ResourceNotFoundException' })
    await expect(
      client.send(new ExecuteStatementCommand({ Database: 'dev', Sql: 'select 1' })),
    ).rejects.toMatchObject({ name: 'ValidationException' })
    await expect(
      client.send(
        new ExecuteStatementCommand({ ...asAdmin, ClusterIdentifier: 'other-cluster', Sql: 'select 1' }),
      ),
    ).rejects.toMatchObject({
      name: 'ValidationException',
      message: expect.stringContaining('dbClusterIdentifier'),
    })
    await expect(
      client.send(
        new ExecuteStatementCommand({
          WorkgroupName: 'analytics',
          DbUser: 'x',
          Database: 'dev',
          Sql: 'select 1',
        }),
      ),
    ).rejects.toMatchObject({ name: 'ValidationException' })
  })
})

describe('BatchExecuteStatement', () => {
  it('runs the SQLs in one transaction with sub-statement ids <id>:<n>', async () => {
    const { Id } = await client.send(
      new BatchExecuteStatementCommand({
        ...asAdmin,
        Sqls: [
          'create table batch_t (n int)',
          'insert into batch_t values (1), (2)',
          'select sum(n) from batch_t',
        ],
      }),
    )
    const d = await settled(client, Id as string)
    expect(d.Status).toBe('FINISHED')
    expect(d.SubStatements?.map((s) => [s.Id, s.Status, s.HasResultSet])).toEqual([
      [`${Id}:1`, 'FINISHED', false],
      [`${Id}:2`, 'FINISHED', false],
      [`${Id}:3`, 'FINISHED', true],
    ])
    expect(d.SubStatements?.[1]?.ResultRows).toBe(2)
    const third = await client.send(new GetStatementResultCommand({ Id: `${Id}:3` }))
    expect(third.Records).toEqual([[{ longValue: 3 }]])
    const sub = await client.send(new DescribeStatementCommand({ Id: `${Id}:2` }))
    expect(sub).toMatchObject({
      Id: `${Id}:2`,
      Status: 'FINISHED',
      QueryString: 'insert into batch_t values (1), (2)',
    })
  })

  it('rolls the whole batch back when one SQL fails', async () => {
    const { Id } = await client.send(
      new BatchExecuteStatementCommand({
        ...asAdmin,
        Sqls: [
          'create table batch_fail (n int)',
          'insert into batch_fail values (1)',
          'select 1/0',
          'select 2',
        ],
      }),
    )
    const d = await settled(client, Id as string)
    expect(d.Status).toBe('FAILED')
    expect(d.Error).toBe('ERROR: division by zero')
    expect(d.SubStatements?.map((s) => s.Status)).toEqual(['FINISHED', 'FINISHED', 'FAILED', 'ABORTED'])
    const after = await run('select count(*) from batch_fail')
    expect(after.Error).toBe('ERROR: relation "batch_fail" does not exist')
  })

  it('AUTO_COMMIT commits each SQL on its own', async () => {
    const { Id } = await client.send(
      new BatchExecuteStatementCommand({
        ...asAdmin,
        ExecutionMode: 'AUTO_COMMIT',
        Sqls: ['create table batch_auto (n int)', 'select 1/0', 'insert into batch_auto values (7)'],
      }),
    )
    const d = await settled(client, Id as string)
    expect(d.SubStatements?.map((s) => s.Status)).toEqual(['FINISHED', 'FAILED', 'FINISHED'])
    expect((await rows('select n from batch_auto')).Records).toEqual([[{ longValue: 7 }]])
  })

  it('takes 1 to 40 SQLs', async () => {
    await expect(
      client.send(
        new BatchExecuteStatementCommand({ ...asAdmin, Sqls: Array.from({ length: 41 }, () => 'select 1') }),
      ),
    ).rejects.toMatchObject({ name: 'ValidationException', message: expect.stringContaining('40') })
  })
})

describe('sessions', () => {
  it('keep temporary tables and an open transaction between calls', async () => {
    const first = await client.send(
      new ExecuteStatementCommand({
        ...asAdmin,
        Sql: 'create temp table scratch (n int)',
        SessionKeepAliveSeconds: 60,
      }),
    )
    expect(first.SessionId).toMatch(/^[a-z0-9]{8}-/)
    expect((await settled(client, first.Id as string)).Status).toBe('FINISHED')
    const inSession = async (Sql: string) => {
      const { Id, SessionId } = await client.send(
        new ExecuteStatementCommand({ Sql, SessionId: first.SessionId }),
      )
      expect(SessionId).toBe(first.SessionId)
      const d = await settled(client, Id as string)
      expect(d.Status, d.Error).toBe('FINISHED')
      return d
    }
    const counted = await inSession('select n from scratch')
    expect(counted.RedshiftQueryId).toBeGreaterThan(0)
    // Transaction control is no query: no id of its own, not the one of the lookup behind ColumnMetadata.
    expect((await inSession('begin')).RedshiftQueryId).toBe(0)
    await inSession('insert into scratch values (41), (1)')
    const d = await inSession('select sum(n) from scratch')
    expect((await client.send(new GetStatementResultCommand({ Id: d.Id }))).Records).toEqual([
      [{ longValue: 42 }],
    ])
    await inSession('rollback')
    const empty = await inSession('select count(*) from scratch')
    expect((await client.send(new GetStatementResultCommand({ Id: empty.Id }))).Records).toEqual([
      [{ longValue: 0 }],
    ])
    const listed = await client.send(new ListSessionsCommand({ SessionId: first.SessionId }))
    expect(listed.Sessions).toMatchObject([
      { SessionId: first.SessionId, Status: 'AVAILABLE', Database: 'dev' },
    ])
    // A temporary table belongs to its session.
    expect((await run('select * from scratch')).Status).toBe('FAILED')
  })

  it('refuse a second statement while one runs, and end after their keep-alive', async () => {
    const first = await client.send(
      new ExecuteStatementCommand({ ...asAdmin, Sql: 'select pg_sleep(0.5)', SessionKeepAliveSeconds: 1 }),
    )
    await expect(
      client.send(new ExecuteStatementCommand({ Sql: 'select 1', SessionId: first.SessionId })),
    ).rejects.toMatchObject({ name: 'ValidationException', message: expect.stringContaining('busy') })
    await settled(client, first.Id as string)
    await expect
      .poll(
        async () =>
          (await client.send(new ListSessionsCommand({ SessionId: first.SessionId }))).Sessions?.length,
        {
          timeout: 10_000,
          interval: 200,
        },
      )
      .toBe(0)
    await expect(
      client.send(new ExecuteStatementCommand({ Sql: 'select 1', SessionId: first.SessionId })),
    ).rejects.toMatchObject({ name: 'ResourceNotFoundException' })
  })
})

describe('CancelStatement', () => {
  it('cancels a running statement with the protocol cancel: ABORTED', async () => {
    const { Id } = await client.send(new ExecuteStatementCommand({ ...asAdmin, Sql: 'select pg_sleep(30)' }))
    await expect
      .poll(async () => (await client.send(new DescribeStatementCommand({ Id }))).Status, { interval: 50 })
      .toBe('STARTED')
    const started = Date.now()
    expect((await client.send(new CancelStatementCommand({ Id }))).Status).toBe(true)
    const d = await settled(client, Id as string)
    expect(d.Status).toBe('ABORTED')
    expect(Date.now() - started).toBeLessThan(10_000)
    await expect(client.send(new CancelStatementCommand({ Id }))).rejects.toMatchObject({
      name: 'ValidationException',
      message: expect.stringContaining('ABORTED'),
    })
  })
})

describe('results', () => {
  it('pages a large result by size, with TotalNumRows and NextToken', async () => {
    const d = await run("select g as n, repeat('x', 20) as s from generate_series(1, 1000) g order by g")
    expect(d.ResultRows).toBe(1000)
    let token: string | undefined
    let pages = 0
    const seen: number[] = []
    do {
      const page = await client.send(new GetStatementResultCommand({ Id: d.Id, NextToken: token }))
      expect(page.TotalNumRows).toBe(1000)
      expect(page.ColumnMetadata?.map((c) => c.name)).toEqual(['n', 's'])
      for (const r of page.Records ?? []) seen.push(r[0]?.longValue as number)
      token = page.NextToken
      pages++
    } while (token !== undefined)
    expect(pages).toBeGreaterThan(5)
    expect(seen).toEqual(Array.from({ length: 1000 }, (_, i) => i + 1))
    await expect(
      client.send(new GetStatementResultCommand({ Id: d.Id, NextToken: 'bm90LWEtdG9rZW4' })),
    ).rejects.toMatchObject({ name: 'ValidationException' })
  })

  it('serves CSV through GetStatementResultV2 for ResultFormat CSV, and only there', async () => {
    const d = await run("select id, region, 'a,\"b' as odd from sales order by id", { ResultFormat: 'CSV' })
    expect(d.ResultFormat).toBe('CSV')
    const v2 = await client.send(new GetStatementResultV2Command({ Id: d.Id }))
    expect(v2.ResultFormat).toBe('CSV')
    expect(v2.TotalNumRows).toBe(2)
    expect(v2.Records).toEqual([{ CSVRecords: 'id,region,odd\n1,east,"a,""b"\n2,,"a,""b"\n' }])
    await expect(client.send(new GetStatementResultCommand({ Id: d.Id }))).rejects.toMatchObject({
      name: 'ValidationException',
      message: expect.stringContaining('GetStatementResultV2'),
    })
    const json = await run('select 1')
    await expect(client.send(new GetStatementResultV2Command({ Id: json.Id }))).rejects.toMatchObject({
      name: 'ValidationException',
    })
  })

  it('fails a result over the size limit, and a row over 64 KB, with the service’s texts', async () => {
    const big = await run("select repeat('y', 1000) from generate_series(1, 400)")
    expect(big.Status).toBe('FAILED')
    expect(big.Error).toMatch(/^Database response exceeded size limit/)
    const wide = await run("select repeat('z', 70000)")
    expect(wide.Status).toBe('FAILED')
    expect(wide.Error).toMatch(/^Packet for query is too large/)
  })
})

describe('limits and errors', () => {
  it('refuses SQL over 100 KB, and a missing statement id', async () => {
    await expect(
      client.send(new ExecuteStatementCommand({ ...asAdmin, Sql: `select '${'x'.repeat(102_400)}'` })),
    ).rejects.toMatchObject({ name: 'ValidationException', message: expect.stringContaining('100kB') })
    await expect(
      client.send(new DescribeStatementCommand({ Id: '00000000-0000-0000-0000-000000000000' })),
    ).rejects.toMatchObject({ name: 'ResourceNotFoundException', $metadata: { httpStatusCode: 400 } })
    await expect(
      client.send(new ExecuteStatementCommand({ ...asAdmin, Sql: 'select 1; select 2' })),
    ).rejects.toMatchObject({
      name: 'ValidationException',
      message: expect.stringContaining('BatchExecuteStatement'),
    })
  })

  it('refuses statements past the active limit with ActiveStatementsExceededException', async () => {
    const ids: string[] = []
    for (let i = 0; i < 4; i++) {
      const { Id } = await client.send(
        new ExecuteStatementCommand({ ...asAdmin, Sql: 'select pg_sleep(20)' }),
      )
      ids.push(Id as string)
    }
    await expect(
      client.send(new ExecuteStatementCommand({ ...asAdmin, Sql: 'select 1' })),
    ).rejects.toMatchObject({ name: 'ActiveStatementsExceededException', $metadata: { httpStatusCode: 400 } })
    for (const Id of ids) await client.send(new CancelStatementCommand({ Id }))
    for (const Id of ids) expect((await settled(client, Id)).Status).toBe('ABORTED')
  })

  it('WaitTimeSeconds answers ExecuteStatement once the statement is done', async () => {
    const done = await client.send(
      new ExecuteStatementCommand({ ...asAdmin, Sql: 'select 1', WaitTimeSeconds: 20 }),
    )
    expect(done).toMatchObject({ Status: 'FINISHED', HasResultSet: true })
    expect(done.RedshiftPid).toBeGreaterThan(0)
  })

  it('ClientToken makes a retry return the first statement', async () => {
    const request = { ...asAdmin, Sql: 'select 42', ClientToken: 'retry-token-1' }
    const a = await client.send(new ExecuteStatementCommand(request))
    const b = await client.send(new ExecuteStatementCommand(request))
    expect(b.Id).toBe(a.Id)
    await expect(
      client.send(new ExecuteStatementCommand({ ...request, Sql: 'select 43' })),
    ).rejects.toMatchObject({
      name: 'ValidationException',
      message: expect.stringContaining('retry-token-1'),
    })
  })
})

describe('ListStatements and WithEvent', () => {
  it('lists the caller’s statements newest first, by status and name prefix, page by page', async () => {
    for (const n of [1, 2, 3]) await run(`select ${n}`, { StatementName: `nightly-${n}` })
    await run('select * from missing_table', { StatementName: 'nightly-failed' })
    const finished = await client.send(new ListStatementsCommand({ StatementName: 'nightly-' }))
    expect(finished.Statements?.map((s) => s.StatementName)).toEqual(['nightly-3', 'nightly-2', 'nightly-1'])
    expect(finished.Statements?.[0]).toMatchObject({
      QueryString: 'select 3',
      IsBatchStatement: false,
      Status: 'FINISHED',
    })
    const all = await client.send(new ListStatementsCommand({ StatementName: 'nightly-', Status: 'ALL' }))
    expect(all.Statements?.[0]).toMatchObject({ StatementName: 'nightly-failed', Status: 'FAILED' })
    const first = await client.send(new ListStatementsCommand({ StatementName: 'nightly-', MaxResults: 2 }))
    expect(first.Statements?.map((s) => s.StatementName)).toEqual(['nightly-3', 'nightly-2'])
    const second = await client.send(
      new ListStatementsCommand({ StatementName: 'nightly-', MaxResults: 2, NextToken: first.NextToken }),
    )
    expect(second.Statements?.map((s) => s.StatementName)).toEqual(['nightly-1'])
    expect(second.NextToken).toBeUndefined()
    // Another caller (an assumed role) sees only its own statements.
    const aws = local.aws as NonNullable<LocalRedshift['aws']>
    const sts = new STSClient({
      endpoint: aws.endpoint,
      region: aws.region,
      credentials: { accessKeyId: aws.accessKeyId, secretAccessKey: aws.secretAccessKey },
    })
    const { Credentials } = await sts.send(
      new AssumeRoleCommand({ RoleArn: 'arn:aws:iam::000000000000:role/Other', RoleSessionName: 'o1' }),
    )
    const other = dataClient(local, {
      accessKeyId: Credentials?.AccessKeyId ?? '',
      secretAccessKey: Credentials?.SecretAccessKey ?? '',
      sessionToken: Credentials?.SessionToken ?? '',
    })
    expect(
      (await other.send(new ListStatementsCommand({ StatementName: 'nightly-', Status: 'ALL' }))).Statements,
    ).toEqual([])
  })

  it('records the EventBridge event of a statement run WithEvent', async () => {
    const d = await run('select 7', { WithEvent: true, StatementName: 'evented' })
    const aws = local.aws as NonNullable<LocalRedshift['aws']>
    const event = aws.events().find((e) => e.detail.statementId === d.Id)
    expect(event).toMatchObject({
      version: '0',
      source: 'aws.redshift-data',
      'detail-type': 'Redshift Data Statement Status Change',
      account: '000000000000',
      region: 'us-east-1',
      resources: ['arn:aws:redshift:us-east-1:000000000000:cluster:redshift-local'],
      detail: {
        principal: 'arn:aws:iam::000000000000:user/local-admin',
        statementName: 'evented',
        state: 'FINISHED',
        rows: 1,
        redshiftQueryId: d.RedshiftQueryId,
      },
    })
    expect(event?.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/)
    expect(aws.events().some((e) => e.detail.statementName === 'nightly-1')).toBe(false)
    await expect
      .poll(async () => (await readFile(eventFile, 'utf8').catch(() => '')).includes(d.Id as string))
      .toBe(true)
  })
})
