import { spawn } from 'node:child_process'
import { performance } from 'node:perf_hooks'
import { setTimeout as sleep } from 'node:timers/promises'
import { fileURLToPath } from 'node:url'
import {
  DescribeStatementCommand,
  ExecuteStatementCommand,
  GetStatementResultCommand,
  RedshiftDataClient,
} from '@aws-sdk/client-redshift-data'
import { build } from 'esbuild'
import { createClient, RedshiftConfig } from '../packages/client/src/index.js'
import type { LocalRedshift } from '../packages/local/src/index.js'
import { type BenchReport, ms, percentile, perSecond } from './harness.js'

/** Rows of the streamed result (`DATA_API_BENCH_ROWS` overrides, e.g. for a quick run). */
const ROWS = Number(process.env.DATA_API_BENCH_ROWS ?? 1_000_000)
const SAMPLES = 60
const FIXED_POLL_SAMPLES = 5

const STREAM_SQL = `SELECT n::bigint AS id, 'customer-' || n AS name, (n / 100.0)::numeric(18,2) AS amount,
  timestamp '2024-01-01' + n * interval '1 second' AS created_at, (n % 2 = 0) AS active
FROM generate_series(1, ${ROWS}) AS n`

type Aws = NonNullable<LocalRedshift['aws']>

const TARGET = { ClusterIdentifier: 'redshift-local', Database: 'dev', DbUser: 'awsuser' }

/** What SDK code written by hand typically does: submit, then check once a second until done. */
async function fixedPollSelect1(sdk: RedshiftDataClient): Promise<void> {
  const { Id } = await sdk.send(new ExecuteStatementCommand({ ...TARGET, Sql: 'select 1' }))
  for (;;) {
    await sleep(1000)
    const d = await sdk.send(new DescribeStatementCommand({ Id }))
    if (d.Status === 'FINISHED') break
    if (d.Status === 'FAILED' || d.Status === 'ABORTED') throw new Error(`${d.Status}: ${d.Error}`)
  }
  await sdk.send(new GetStatementResultCommand({ Id }))
}

/** The endpoint's own execution time of `select 1` (DescribeStatement's Duration), in ms. */
async function serverDurations(sdk: RedshiftDataClient, count: number): Promise<number[]> {
  const out: number[] = []
  for (let i = 0; i < count; i++) {
    const { Id } = await sdk.send(new ExecuteStatementCommand({ ...TARGET, Sql: 'select 1' }))
    for (;;) {
      const d = await sdk.send(new DescribeStatementCommand({ Id, WaitTimeSeconds: 5 } as never))
      if (d.Status === 'FINISHED') {
        // Duration is in nanoseconds; CreatedAt..UpdatedAt is the service's view of the whole run.
        const viaTimes =
          d.CreatedAt && d.UpdatedAt ? d.UpdatedAt.getTime() - d.CreatedAt.getTime() : Number.NaN
        out.push(Math.max(Number(d.Duration ?? 0) / 1e6, Number.isNaN(viaTimes) ? 0 : viaTimes))
        break
      }
      if (d.Status === 'FAILED' || d.Status === 'ABORTED') throw new Error(`${d.Status}: ${d.Error}`)
    }
  }
  return out.sort((a, b) => a - b)
}

/** One `streamResults` in a child process (its own RSS): rows/s and peak RSS. */
interface StreamFigures {
  /** Rows/s from the call to the last row (the statement's run included). */
  readonly rate: number
  /** Rows/s of the pages alone (after the statement ran and the first page arrived). */
  readonly pageRate: number
  readonly rssMb: number
  /** RSS once the stream was open (Node, tsx, the SDK, the first page): what the rows add is on top. */
  readonly openRssMb: number
}

/**
 * The stream client bundled as a user would ship it (esbuild, ESM, the AWS SDK external), so the
 * child runs plain JavaScript: tsx's in-process transpiling would add ~30 MB of its own to the RSS.
 */
async function bundleStreamClient(): Promise<string> {
  const outfile = fileURLToPath(new URL('../node_modules/.cache/data-api-bench/stream.mjs', import.meta.url))
  await build({
    entryPoints: [fileURLToPath(new URL('./data-api-client-stream.ts', import.meta.url))],
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    outfile,
    logLevel: 'silent',
    external: ['@aws-sdk/*', '@opentelemetry/*', '@electric-sql/*', 'pg', 'pg-*', 'vitest'],
    alias: {
      '@redshift-kit/dialect': fileURLToPath(new URL('../packages/dialect/src/index.ts', import.meta.url)),
    },
  })
  return outfile
}

function streamInChild(aws: Aws, format: 'json' | 'csv', script: string): Promise<StreamFigures> {
  const child = spawn(process.execPath, [script], {
    env: {
      ...process.env,
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      BENCH_FORMAT: format,
      BENCH_SQL: STREAM_SQL,
      BENCH_REGION: aws.region,
      BENCH_ENDPOINT: aws.endpoint,
      BENCH_ACCESS_KEY: aws.accessKeyId,
      BENCH_SECRET_KEY: aws.secretAccessKey,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  let out = ''
  child.stdout.on('data', (chunk: Buffer) => {
    out += chunk.toString()
  })
  return new Promise((resolve, reject) => {
    child.once('error', reject)
    child.once('exit', (code) => {
      if (code !== 0) return reject(new Error(`the ${format} stream worker exited with ${code}`))
      const r = JSON.parse(out.trim().split('\n').pop() as string) as {
        rows: number
        seconds: number
        firstPage: number
        rssBeforeRows: number
        maxRssBytes: number
      }
      if (r.rows !== ROWS) return reject(new Error(`${format}: ${r.rows} rows, expected ${ROWS}`))
      resolve({
        rate: r.rows / r.seconds,
        pageRate: r.rows / Math.max(1e-6, r.seconds - r.firstPage),
        rssMb: r.maxRssBytes / 2 ** 20,
        openRssMb: r.rssBeforeRows / 2 ** 20,
      })
    })
  })
}

/**
 * The client's Data API transport against the local Data API: `select 1` end to end (adaptive
 * polling) against the endpoint's own execution time and against hand-written fixed 1 s polling;
 * 1M rows through `streamResults` in CSV pages against JSON pages, with the client's peak RSS.
 */
export async function dataApiClientBench(redshift: LocalRedshift): Promise<BenchReport> {
  const aws = redshift.aws
  if (aws === undefined) throw new Error('the data-api-client benchmark needs the AWS endpoint')
  const credentials = { accessKeyId: aws.accessKeyId, secretAccessKey: aws.secretAccessKey }
  const sdk = new RedshiftDataClient({ endpoint: aws.endpoint, region: aws.region, credentials })
  const client = createClient(
    RedshiftConfig.builder()
      .withDataApi({ clusterIdentifier: 'redshift-local', database: 'dev', dbUser: 'awsuser' })
      .region(aws.region)
      .awsEndpoint(aws.endpoint)
      .awsCredentials(credentials)
      .build(),
  )
  try {
    for (let i = 0; i < 5; i++) await client.executeQuery('select 1')
    const ours: number[] = []
    for (let i = 0; i < SAMPLES; i++) {
      const t0 = performance.now()
      await client.executeQuery('select 1')
      ours.push(performance.now() - t0)
    }
    ours.sort((a, b) => a - b)
    const server = await serverDurations(sdk, SAMPLES)
    const fixed: number[] = []
    for (let i = 0; i < FIXED_POLL_SAMPLES; i++) {
      const t0 = performance.now()
      await fixedPollSelect1(sdk)
      fixed.push(performance.now() - t0)
    }
    fixed.sort((a, b) => a - b)
    const script = await bundleStreamClient()
    const json = await streamInChild(aws, 'json', script)
    const csv = await streamInChild(aws, 'csv', script)
    const p50 = percentile(ours, 50)
    const serverP50 = percentile(server, 50)
    const rows = ROWS.toLocaleString('en-US')
    return {
      title: 'Data API transport of the client (select 1, streamResults)',
      rows: [
        {
          measure: `\`select 1\` end to end through the client, p50 of ${SAMPLES} (p95 ${ms(percentile(ours, 95))})`,
          ours: ms(p50),
          baseline: `${ms(serverP50)} (the endpoint's own time for the statement, p50) + 20 ms`,
          ratio: p50 / (serverP50 + 20),
          goal: '≤ endpoint time + 20 ms',
          met: p50 <= serverP50 + 20,
        },
        {
          measure: '`select 1` end to end through the client, p50',
          ours: ms(p50),
          baseline: `${ms(percentile(fixed, 50))} (hand-written SDK code polling every 1 s, p50 of ${FIXED_POLL_SAMPLES})`,
          ratio: p50 / percentile(fixed, 50),
          goal: '(informative)',
          met: true,
        },
        {
          measure: `streamResults, ${rows} rows in CSV pages (GetStatementResultV2), statement included`,
          ours: perSecond(csv.rate, 'rows'),
          baseline: `${perSecond(json.rate, 'rows')} (JSON pages, GetStatementResult)`,
          ratio: csv.rate / json.rate,
          goal: '≥ 3x JSON',
          met: csv.rate >= 3 * json.rate,
        },
        {
          measure: `streamResults, ${rows} rows, CSV pages after the statement ran (paging and decoding alone)`,
          ours: perSecond(csv.pageRate, 'rows'),
          baseline: `${perSecond(json.pageRate, 'rows')} (JSON pages alone)`,
          ratio: csv.pageRate / json.pageRate,
          goal: '(informative)',
          met: true,
        },
        {
          measure: `peak RSS of the client process while streaming, CSV / JSON (once open: ${csv.openRssMb.toFixed(0)} MB / ${json.openRssMb.toFixed(0)} MB)`,
          ours: `${csv.rssMb.toFixed(0)} MB / ${json.rssMb.toFixed(0)} MB`,
          baseline: '100 MB',
          ratio: Math.max(csv.rssMb, json.rssMb) / 100,
          goal: '< 100 MB',
          met: Math.max(csv.rssMb, json.rssMb) < 100,
        },
      ],
      notes: [
        'The client and the SDK talk to the local Data API over HTTP on the same machine; each stream runs in a child process of its own so its peak RSS is the client alone (Node itself and the AWS SDK included), bundled with esbuild as a user would ship it.',
        "The endpoint's own time is DescribeStatement's Duration (or UpdatedAt - CreatedAt when larger): what the server spent, without the client's HTTP round trips. The client's `select 1` is ExecuteStatement, then a DescribeStatement long poll and a GetStatementResult waiting on the service side by side: two round trips after the submission.",
        `Rows of BIGINT, VARCHAR, DECIMAL(18,2), TIMESTAMP, BOOLEAN; the stream rates include running the statement (the Data API runs it to completion before the first page).`,
        'The machine is shared (2 cores, several agents at once): figures are noisy.',
      ],
    }
  } finally {
    await client.close()
    sdk.destroy()
  }
}
