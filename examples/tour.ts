/**
 * The tour: `npm start`. Starts a local Redshift and walks through what redshift-kit does, printing each
 * step the way a newcomer would want to see it.
 */

import { context, trace } from '@opentelemetry/api'
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks'
import {
  AggregationTemporality,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
} from '@opentelemetry/sdk-metrics'
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base'
import {
  createClient,
  isRedshiftError,
  QueryBuilder,
  RedshiftConfig,
  SerializationConflictError,
} from '@redshift-kit/client'
import { startLocalRedshift } from '@redshift-kit/local'
import { tourBeyond } from './tour-beyond.js'

// The AWS SDK (pinned at the last version that supports Node 20) warns, once per process, that later
// versions will need Node 22: nothing the tour's reader can act on here, so it is turned off with the
// SDK's own switch. Set it to 'false' to see it.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true'

const step = (title: string) => process.stdout.write(`\n── ${title}\n`)
const show = (label: string, value: unknown) =>
  process.stdout.write(
    `   ${label}: ${JSON.stringify(value, (_k, v) => (typeof v === 'bigint' ? `${v}n` : v instanceof Uint8Array ? `<${v.length} bytes>` : v))}\n`,
  )

step('Start a local Redshift (embedded PostgreSQL behind a Redshift wire gateway)')
const redshift = await startLocalRedshift({
  users: [{ name: 'awsuser', password: 'Password1', superuser: true }],
  wlm: [
    { name: 'etl', queryGroups: ['etl'], slots: 2 },
    { name: 'default', slots: 10 },
  ],
})
show('listening on', `${redshift.wire.host}:${redshift.wire.port}, database ${redshift.database}`)
show('TLS CA', redshift.tls?.caPath)

const config = RedshiftConfig.builder()
  .endpoint(redshift.wire.host, redshift.wire.port, redshift.database)
  .withDatabaseAuth('awsuser', 'Password1')
  .sslMode('verify-full')
  .sslCa(redshift.tls?.caCert ?? '')
  .poolSize(4)
  .defaultQueryGroup('tour')
  .build()
const client = createClient(config)

try {
  step('It looks like Redshift to every client')
  const version = await client.executeQuery('select version() as v')
  show('version()', version.rows[0]?.get('v'))

  step('Redshift SQL: DISTKEY/SORTKEY DDL, IDENTITY, SUPER, GETDATE(), NVL, DATEADD, TOP n')
  await client.executeQuery(`
    create table sales (
      id bigint identity(1, 1),
      region varchar(32) not null encode zstd,
      amount decimal(12, 2),
      sold_at timestamp default getdate(),
      attrs super
    ) diststyle key distkey(region) compound sortkey(sold_at)`)
  const table = await client.executeQuery(
    'select "column", type, trim(encoding) as encoding, distkey, sortkey from pg_table_def where tablename = \'sales\'',
  )
  for (const row of table.toObjects()) show('pg_table_def', row)

  step('Parameterized queries with lossless types')
  const insert = new QueryBuilder(
    'insert into sales (region, amount, sold_at, attrs) values ($1, $2, $3, json_parse($4))',
  )
    .param('emea')
    .param('1234.56')
    .param(new Date('2024-01-02T03:04:05Z'))
    .param('{"channel":"web","items":[1,2]}')
    .label('tour-insert')
    .build()
  const inserted = await client.executeQuery(insert)
  show('rowsAffected', inserted.rowsAffected)
  show("queryId (Redshift's, from pg_last_query_id())", inserted.queryId)
  const typed = await client.executeQuery(
    "select top 1 id, region, amount, sold_at, attrs, nvl(null, 'fallback') as nvl, dateadd(day, 7, sold_at) as week_later from sales",
  )
  for (const c of typed.columns) show(`column ${c.name}`, `${c.dataType} (oid ${c.typeOid})`)
  show('row', typed.rows[0]?.toObject())

  step('Prepared statements and a batch of 1,000 inserts (sent as multi-row INSERTs in one transaction)')
  const stmt = await client.prepare('add_sale', 'insert into sales (region, amount) values ($1, $2)')
  const t0 = Date.now()
  await client.batchExecute(
    stmt,
    Array.from({ length: 1000 }, (_, i) => [i % 2 ? 'apac' : 'amer', `${i}.50`]),
  )
  show('batch took', `${Date.now() - t0} ms`)
  const byRegion = await client.executeQuery(
    'select region, count(*) as n, sum(amount) as total from sales group by region order by region',
  )
  for (const row of byRegion.toObjects()) show('by region', row)
  await client.deallocate(stmt)

  step('Redshift query syntax: SUPER navigation and unnesting (PartiQL), PIVOT, QUALIFY')
  const nav = await client.executeQuery(
    'select s.attrs.channel as channel, item, at from sales s, s.attrs.items as item at at where s.attrs.channel is not null order by at',
  )
  for (const row of nav.toObjects()) show('unnested', row)
  const pivoted = await client.executeQuery(
    "select * from (select region, amount from sales) pivot (count(amount) as n for region in ('amer', 'apac', 'emea'))",
  )
  show('pivot', pivoted.rows[0]?.toObject())
  const top = await client.executeQuery(
    'select region, amount from sales qualify row_number() over (partition by region order by amount desc) = 1 order by region',
  )
  for (const row of top.toObjects()) show('largest sale per region', row)

  step('Transactions that retry Redshift serialization conflicts (error 1023)')
  let attempts = 0
  const moved = await client.executeInTransaction(async (tx) => {
    attempts++
    const r = await tx.query(
      new QueryBuilder("update sales set region = 'emea' where region = $1").param('apac').build(),
    )
    return r.rowsAffected
  })
  show('rows moved to emea', moved)
  show('attempts', attempts)
  show('SerializationConflictError is retryable', new SerializationConflictError('1023').retryable)

  step('WLM: query groups route to queues and label queries in stl_query')
  await client.executeQuery(new QueryBuilder('select count(*) from sales').queryGroup('etl').build())
  const labels = await client.executeQuery(
    "select trim(label) as label, count(*) as n from stl_query where trim(label) in ('etl', 'tour') group by 1 order by 1",
  )
  for (const row of labels.toObjects()) show('stl_query', row)

  step('WLM: the queues as Redshift shows them, and what runs in them')
  for (const q of await client.getQueueState()) {
    show(`queue ${q.serviceClass}`, {
      name: q.name,
      slots: q.slots,
      running: q.running,
      queued: q.queued,
      queryGroups: q.queryGroups,
      maxExecutionTimeMs: q.maxExecutionTimeMs,
    })
  }
  const sleeper = client.executeQuery(
    new QueryBuilder("select pg_sleep(5), 'a literal'").queryGroup('etl').build(),
  )
  sleeper.catch(() => undefined)
  let running = await client.getRunningQueries()
  for (let i = 0; i < 50 && !running.some((r) => r.queryText.includes('pg_sleep')); i++) {
    await new Promise((resolve) => setTimeout(resolve, 50))
    running = await client.getRunningQueries()
  }
  for (const r of running)
    show('running', { queryId: r.queryId, queue: r.queue, state: r.state, text: r.queryText })
  const target = running.find((r) => r.queryText.includes('pg_sleep'))
  if (target) show('cancelQuery(queryId)', (await client.cancelQuery(target.queryId)).outcome)
  show('pool sizing', (await client.getDiagnostics()).wlm)

  step('Spectrum: an external Parquet table (files in the local S3) joined with a local table')
  await client.executeQuery(
    "unload ('select region, upper(region) as label from sales group by region') to 's3://tour-lake/regions/part_' iam_role default format parquet",
  )
  await client.executeQuery(
    "create external schema lake from data catalog database 'tourlake' iam_role 'arn:aws:iam::123456789012:role/Spectrum' create external database if not exists",
  )
  await client.executeQuery(
    "create external table lake.regions (region varchar(32), label varchar(32)) stored as parquet location 's3://tour-lake/regions/'",
  )
  for (const t of await client.listExternalTables('lake'))
    show('external table', {
      name: `${t.schema}.${t.name}`,
      format: t.format,
      columns: t.columns.map((c) => `${c.name} ${c.type}`),
    })
  const joined = await client.executeQuery(
    'select r.label, count(*) as sales, sum(s.amount) as total from sales s join lake.regions r on r.region = s.region group by r.label order by r.label',
  )
  for (const row of joined.toObjects()) show('local x external', row)
  const check = await client.validateSpectrumQuery(
    new QueryBuilder('select r.label, r.nope from lake.regions r where r.label = $1').param('EMEA').build(),
  )
  show('validateSpectrumQuery', { valid: check.valid, errors: check.errors.map((e) => e.message) })

  step("Errors are typed, with Redshift's fields")
  try {
    await client.executeQuery('select * from no_such_table')
  } catch (err) {
    if (isRedshiftError(err))
      show(err.code, { sqlState: err.sqlState, message: err.message, retryable: err.retryable })
  }

  step(
    'IAM: temporary credentials from the local AWS endpoint (GetClusterCredentials), refreshed before expiry',
  )
  const aws = redshift.aws
  if (aws) {
    const iam = createClient(
      RedshiftConfig.builder()
        .endpoint(redshift.wire.host, redshift.wire.port, redshift.database)
        .clusterIdentifier('redshift-local')
        .withIamAuth({ dbUser: 'awsuser', durationSeconds: 900 })
        .region(aws.region)
        .awsEndpoint(aws.endpoint)
        .awsCredentials({ accessKeyId: aws.accessKeyId, secretAccessKey: aws.secretAccessKey })
        .sslMode('verify-full')
        .sslCa(redshift.tls?.caCert ?? '')
        .build(),
    )
    try {
      show('current_user', (await iam.executeQuery('select current_user as u')).rows[0]?.get('u'))
      const { credentials } = await iam.getDiagnostics()
      show('credentials', {
        method: credentials?.method,
        source: credentials?.source,
        expiresAt: credentials?.expiresAt,
      })
    } finally {
      await iam.close()
    }
  }

  step('Observability: an OpenTelemetry trace, metrics and the policies, with the real OTel SDK')
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable())
  const spans = new InMemorySpanExporter()
  const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spans)] })
  const metricExporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE)
  const reader = new PeriodicExportingMetricReader({ exporter: metricExporter, exportIntervalMillis: 60_000 })
  const meterProvider = new MeterProvider({ readers: [reader] })
  const observed = createClient(
    RedshiftConfig.builder()
      .endpoint(redshift.wire.host, redshift.wire.port, redshift.database)
      .withDatabaseAuth('awsuser', 'Password1')
      .sslMode('verify-full')
      .sslCa(redshift.tls?.caCert ?? '')
      .telemetry({ tracerProvider, meterProvider, wlmQueue: true })
      .circuitBreaker({ threshold: 5, halfOpenAfterMs: 10_000 })
      .bulkhead({ maxConcurrent: 8, maxQueued: 100 })
      .rateLimit({ statementsPerSecond: 500 })
      .build(),
  )
  try {
    // wlmQueue reads the WLM configuration in the background after the first statement (never per
    // statement): warm the client up until its spans name the queue.
    for (let i = 0; i < 50; i++) {
      await observed.executeQuery('select 1')
      if (spans.getFinishedSpans().some((s) => s.attributes['redshift.wlm.queue'] !== undefined)) break
    }
    // The first statement opened the connection: its pool.acquire, connect and credentials spans.
    const opened = new Map<string, number>()
    for (const s of spans.getFinishedSpans()) {
      if (s.name.startsWith('redshift ') && !opened.has(s.name))
        opened.set(s.name, Number((s.duration[0] * 1e3 + s.duration[1] / 1e6).toFixed(2)))
    }
    show('the first connection: spans (ms)', Object.fromEntries(opened))
    spans.reset()
    const request = tracerProvider.getTracer('tour').startSpan('GET /sales-report')
    await context.with(trace.setSpan(context.active(), request), () =>
      observed.executeQuery(
        new QueryBuilder("select region, count(*) from sales where region <> 'x' group by region")
          .label('report')
          .build(),
      ),
    )
    request.end()
    for (const s of spans.getFinishedSpans()) {
      const parent = spans
        .getFinishedSpans()
        .find((p) => p.spanContext().spanId === s.parentSpanContext?.spanId)
      show(`span "${s.name}"`, {
        parent: parent?.name ?? null,
        ms: Number((s.duration[0] * 1e3 + s.duration[1] / 1e6).toFixed(2)),
        ...Object.fromEntries(
          Object.entries(s.attributes).filter(([k]) =>
            [
              'db.operation.name',
              'db.query.text',
              'redshift.query_id',
              'redshift.label',
              'redshift.wlm.queue',
              'db.response.returned_rows',
            ].includes(k),
          ),
        ),
      })
    }
    await reader.forceFlush()
    const metrics =
      metricExporter
        .getMetrics()
        .at(-1)
        ?.scopeMetrics.flatMap((m) => m.metrics) ?? []
    for (const m of metrics.filter((m) =>
      [
        'db.client.operation.duration',
        'db.client.connection.count',
        'redshift.client.circuit_breaker.state',
      ].includes(m.descriptor.name),
    )) {
      for (const p of m.dataPoints) {
        const value =
          typeof p.value === 'number'
            ? p.value
            : {
                count: (p.value as { count: number }).count,
                sumSeconds: Number((p.value as { sum: number }).sum.toFixed(4)),
              }
        show(`metric ${m.descriptor.name}`, {
          ...Object.fromEntries(
            Object.entries(p.attributes).filter(
              ([k]) =>
                !k.startsWith('server.') &&
                k !== 'db.system.name' &&
                k !== 'db.namespace' &&
                k !== 'db.client.connection.pool.name',
            ),
          ),
          value,
        })
      }
    }
    show('policies (getDiagnostics().resilience)', (await observed.getDiagnostics()).resilience)
  } finally {
    await observed.close()
    await meterProvider.shutdown()
    await tracerProvider.shutdown()
  }

  await tourBeyond(client, redshift, step, show)

  step('Health, pool and diagnostics')
  show('healthCheck', await client.healthCheck())
  show('pool', client.getPoolStats())
} finally {
  await client.close()
  await redshift.stop()
  step('Stopped: no process left behind')
}
