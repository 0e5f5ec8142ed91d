/**
 * The second half of the tour (`npm start`): streaming with progress, COPY and UNLOAD, moving rows
 * through S3, EXPLAIN with warnings, async queries and cancel, the mock client, and the CLI.
 */
import { spawn } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import {
  ColumnMetadata,
  CopyCommandBuilder,
  createClient,
  inList,
  QueryBuilder,
  QueryResult,
  type RedshiftClient,
  RedshiftConfig,
  UnloadCommandBuilder,
} from '@redshift-kit/client'
import { MockRedshiftClient } from '@redshift-kit/client/simulation'
import type { LocalRedshift } from '@redshift-kit/local'

type Step = (title: string) => void
type Show = (label: string, value: unknown) => void

const ROLE = 'arn:aws:iam::123456789012:role/RedshiftTour'

/** Runs `redshift-kit` as a user would (from source in this repository) and returns its output. */
function cli(args: readonly string[], url: string, env: Record<string, string> = {}): Promise<string> {
  const bin = fileURLToPath(new URL('../packages/cli/src/bin.ts', import.meta.url))
  const child = spawn(process.execPath, ['--import', 'tsx', bin, ...args, '--url', url], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NO_COLOR: '1', ...env },
  })
  let out = ''
  const take = (d: Buffer) => {
    out += d.toString()
  }
  child.stdout.on('data', take)
  // Outcome lines (`COPY: 3 row(s)`, errors) go to stderr: the tour shows both, in order.
  child.stderr.on('data', take)
  return new Promise((resolve) => child.once('exit', () => resolve(out)))
}

export async function tourBeyond(client: RedshiftClient, redshift: LocalRedshift, step: Step, show: Show) {
  step('Streaming a large result with bounded memory, with progress')
  let last = ''
  const stream = await client.streamResults(
    'select g as id, md5(g::text) as h from generate_series(1, 200000) as g',
    {
      onProgress: (p) => {
        last = `${p.phase}: ${p.rows ?? 0} rows, ${Math.round(p.rowsPerSecond ?? 0)} rows/s`
      },
    },
  )
  let rows = 0
  for await (const batch of stream.batches()) rows += batch.length
  show('rows streamed', rows)
  show('last progress event', last)

  const aws = redshift.aws
  if (aws) {
    const mover = createClient(
      RedshiftConfig.builder()
        .endpoint(redshift.wire.host, redshift.wire.port, redshift.database)
        .withDatabaseAuth('awsuser', 'Password1')
        .sslMode('disable')
        .awsEndpoint(aws.endpoint)
        .awsCredentials({ accessKeyId: aws.accessKeyId, secretAccessKey: aws.secretAccessKey })
        .region(aws.region)
        .defaultCopyIamRole(ROLE)
        .defaultUnloadIamRole(ROLE)
        .build(),
    )
    try {
      await redshift.s3.put('tour-data', 'README', 'the tour stages its files here\n')
      step('COPY and UNLOAD: builders that validate, load errors, files listed')
      await mover.executeQuery('create table tour_events (id bigint, kind varchar(20), amount decimal(12,2))')
      await redshift.s3.put(
        'tour-data',
        'events/part-1.csv',
        'id,kind,amount\n1,click,0.10\n2,buy,19.99\n3,click,0.10\n',
      )
      const copy = new CopyCommandBuilder('tour_events')
        .fromS3('tour-data', 'events/')
        .csv()
        .ignoreHeader(1)
        .iamRole(ROLE)
        .build()
      show('COPY', copy.toString())
      show('copyFromS3', await mover.copyFromS3(copy))
      const unload = new UnloadCommandBuilder(
        'select kind, sum(amount) as total from tour_events group by kind',
      )
        .toS3('tour-data', 'reports/by_kind_')
        .parquet()
        .parallel(false)
        .iamRole(ROLE)
        .build()
      const unloaded = await mover.unloadToS3(unload)
      show(
        'unloadToS3 files',
        unloaded.files.map((f) => f.url),
      )

      step('Moving rows the way data engineers do: loadRows stages Parquet in S3 and runs one COPY')
      const many = Array.from({ length: 50_000 }, (_, i) => [
        BigInt(i + 10),
        i % 3 ? 'view' : 'buy',
        (i % 1000) / 100,
      ])
      const loaded = await mover.loadRows('tour_events', many, {
        staging: 's3://tour-data/staging/',
        onProgress: (p) => {
          last = `${p.phase}: ${p.rows} rows, ${p.filesStaged} files`
        },
      })
      show('loadRows', { rowsLoaded: loaded.rowsLoaded, format: loaded.format, files: loaded.filesStaged })
      show('last progress', last)
      step('unloadToStream: UNLOAD as Parquet, rows streamed back with the same types as streamResults')
      let back = 0
      for await (const batch of (
        await mover.unloadToStream('select * from tour_events', { staging: 's3://tour-data/staging/' })
      ).batches())
        back += batch.length
      show('rows read back from S3', back)
      step('upsert: rows merged by key through a staging table and MERGE; inList binds a list')
      const merged = await mover.upsert(
        'tour_events',
        [
          { id: 1n, kind: 'refund', amount: '-0.10' },
          { id: 99_999n, kind: 'buy', amount: '5.00' },
        ],
        { keys: ['id'], staging: 's3://tour-data/staging/' },
      )
      show('upsert', {
        inserted: merged.rowsInserted,
        updated: merged.rowsUpdated,
        usedMerge: merged.usedMerge,
      })
      const picked = new QueryBuilder('select id, kind, amount from tour_events where id in ($1) order by id')
        .param(inList([1n, 99_999n]))
        .build()
      show('inList', picked.sql)
      show(
        'rows',
        (await mover.executeQuery(picked)).rows.map((r) => r.toObject()),
      )
    } finally {
      await mover.close()
    }
  }

  step('EXPLAIN parsed into a plan tree, with Redshift distribution warnings')
  // sales is distributed on region: joined on id, rows must move between nodes, and the client says so.
  const plan = await client.explainQuery('select s.id from sales s join sales t on s.id = t.id')
  show('root', `${plan.root.operation}${plan.root.distribution ? ` ${plan.root.distribution}` : ''}`)
  for (const w of plan.warnings) show(`warning ${w.code}`, w.message)

  step('Async queries and cancel')
  const handle = await client.executeQueryAsync('select pg_sleep(30)')
  show('status', (await client.getQueryStatus(handle)).state)
  show('cancelQuery', (await client.cancelQuery(handle)).outcome)
  show('status after cancel', (await client.getQueryStatus(handle)).state)

  if (aws) {
    step('The same client over the Redshift Data API (HTTPS: Lambda, serverless, outside the VPC)')
    const dataApi = createClient(
      RedshiftConfig.builder()
        .withDataApi({ clusterIdentifier: 'redshift-local', database: redshift.database, dbUser: 'awsuser' })
        .region(aws.region)
        .awsEndpoint(aws.endpoint)
        .awsCredentials({ accessKeyId: aws.accessKeyId, secretAccessKey: aws.secretAccessKey })
        .build(),
    )
    try {
      const started = performance.now()
      const answer = await dataApi.executeQuery(
        new QueryBuilder('SELECT region, count(*) AS n FROM sales WHERE region = $1 GROUP BY region')
          .param('emea')
          .build(),
      )
      show('Data API answer', answer.toObjects())
      show(
        'ExecuteStatement -> DescribeStatement -> GetStatementResult',
        `${Math.round(performance.now() - started)} ms`,
      )
    } finally {
      await dataApi.close()
    }
  }

  step('The mock client: the real client over a simulated server, for your unit tests')
  const mock = new MockRedshiftClient()
  mock.setQueryResponse(
    /select.*from sales/i,
    new QueryResult({ columns: [new ColumnMetadata('n', 'BIGINT')], rows: [[42n]] }),
  )
  const mocked = await mock.executeQuery(new QueryBuilder('SELECT count(*) AS n FROM sales').build())
  show('mocked result', mocked.rows[0]?.get(0))
  show('queries the mock saw', mock.getQueryCount())
  await mock.close()

  step('The command line: redshift-kit query, explain, wlm')
  const url = `${redshift.url()}?sslmode=disable`
  process.stdout.write(
    await cli(
      [
        'query',
        'select region, count(*) as n from sales group by region order by region',
        '--format',
        'table',
      ],
      url,
    ),
  )
  process.stdout.write(await cli(['explain', 'select * from sales where region = $1', '-p', 'west'], url))
  process.stdout.write(await cli(['wlm', '--queues'], url))
  const aws2 = redshift.aws
  if (!aws2) return
  step('The command line: copy, unload, load, load-errors and cancel')
  const awsEnv = {
    AWS_ENDPOINT_URL: aws2.endpoint,
    AWS_ACCESS_KEY_ID: aws2.accessKeyId,
    AWS_SECRET_ACCESS_KEY: aws2.secretAccessKey,
    AWS_REGION: aws2.region,
  }
  await client.executeQuery('create table tour_cli (id bigint, kind varchar(20), amount decimal(12,2))')
  const copyArgs = ['--table', 'tour_cli', '--from', 's3://tour-data/events/', '--format', 'csv', '--header']
  process.stdout.write(await cli(['copy', ...copyArgs, '--iam-role', ROLE], url))
  process.stdout.write(
    await cli(
      [
        'unload',
        'select * from tour_cli',
        '--to',
        's3://tour-data/cli/tour_cli_',
        '--format',
        'csv',
        '--iam-role',
        ROLE,
      ],
      url,
    ),
  )
  const dir = await mkdtemp(path.join(os.tmpdir(), 'rk-tour-'))
  try {
    const file = path.join(dir, 'more-events.csv')
    await writeFile(file, 'id,kind,amount\n10,view,1.50\n11,buy,not-a-number\n12,view,0.25\n')
    const load = ['load', 'tour_cli', file, '--staging', 's3://tour-data/staging/', '--iam-role', ROLE]
    // One bad row: the load fails as a whole (exit 5) and prints the load errors as a table.
    process.stdout.write(await cli(load, url, awsEnv))
    process.stdout.write(await cli([...load, '--max-errors', '1'], url, awsEnv))
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
  process.stdout.write(await cli(['load-errors', 'tour_cli'], url))
  const sleeper = client.executeQuery(new QueryBuilder('select pg_sleep(30)').label('tour-sleeper').build())
  sleeper.catch(() => undefined)
  let running: string | undefined
  for (let i = 0; i < 100 && running === undefined; i++) {
    running = (await client.getRunningQueries()).find((q) => q.queryText.includes('pg_sleep'))?.queryId
    if (running === undefined) await new Promise((r) => setTimeout(r, 50))
  }
  if (running !== undefined) process.stdout.write(await cli(['cancel', running], url))
  show(
    'the cancelled statement',
    await sleeper.then(
      () => 'finished',
      (e: Error) => e.name,
    ),
  )
}
