/**
 * The tour: `npm start`. Starts a local Redshift and walks through what redshift-kit does, printing each
 * step the way a newcomer would want to see it.
 */
import {
  createClient,
  isRedshiftError,
  QueryBuilder,
  RedshiftConfig,
  SerializationConflictError,
} from '@redshift-kit/client'
import { startLocalRedshift } from '@redshift-kit/local'

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

  step('Health, pool and diagnostics')
  show('healthCheck', await client.healthCheck())
  show('pool', client.getPoolStats())
} finally {
  await client.close()
  await redshift.stop()
  step('Stopped: no process left behind')
}
