/**
 * The client side of the Data API streaming benchmark, in a process of its own so that its peak RSS
 * is the client's alone (the local Redshift runs in the benchmark's process): one `streamResults`
 * over the Data API transport, every row read, then its figures as JSON on stdout (`firstPage`: the
 * seconds until the statement had run and its first page was read).
 */
import { performance } from 'node:perf_hooks'
import { createClient, RedshiftConfig } from '../packages/client/src/index.js'

const env = process.env
const format = env.BENCH_FORMAT === 'csv' ? 'csv' : 'json'
const client = createClient(
  RedshiftConfig.builder()
    .withDataApi({
      clusterIdentifier: 'redshift-local',
      database: 'dev',
      dbUser: 'awsuser',
      streamFormat: format,
    })
    .region(env.BENCH_REGION as string)
    .awsEndpoint(env.BENCH_ENDPOINT as string)
    .awsCredentials({
      accessKeyId: env.BENCH_ACCESS_KEY as string,
      secretAccessKey: env.BENCH_SECRET_KEY as string,
    })
    .build(),
)
try {
  const t0 = performance.now()
  const stream = await client.streamResults(env.BENCH_SQL as string, { timeoutMs: 600_000 })
  const firstPage = (performance.now() - t0) / 1000
  const rssBeforeRows = process.memoryUsage().rss
  let rows = 0
  for await (const _row of stream) rows++
  const seconds = (performance.now() - t0) / 1000
  const maxRssBytes = process.resourceUsage().maxRSS * 1024
  process.stdout.write(`${JSON.stringify({ rows, seconds, firstPage, rssBeforeRows, maxRssBytes })}\n`)
} finally {
  await client.close()
}
