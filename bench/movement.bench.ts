import { spawn } from 'node:child_process'
import { mkdir } from 'node:fs/promises'
import path from 'node:path'
import { performance } from 'node:perf_hooks'
import { fileURLToPath } from 'node:url'
import type { LocalRedshift } from '../packages/local/src/index.js'
import type { BenchReport } from './harness.js'

/** Rows loaded and unloaded (`MOVEMENT_BENCH_ROWS` overrides, e.g. for a quick run). */
const ROWS = Number(process.env.MOVEMENT_BENCH_ROWS ?? 1_000_000)
/** batchExecute is measured on a sample: its rate per row, not its time for the whole million. */
const BATCH_SAMPLE = Math.min(ROWS, Number(process.env.MOVEMENT_BENCH_BATCH_ROWS ?? 50_000))
const BUCKET = 'redshift-kit-bench-movement'
const ROLE = 'arn:aws:iam::123456789012:role/BenchLoad'
const CONTENDERS = ['load-rows', 'load-rows-csv', 'batch-execute', 'unload-stream', 'stream-results'] as const
type Contender = (typeof CONTENDERS)[number]

interface Target {
  readonly url: string
  readonly aws: { endpoint: string; region: string; accessKeyId: string; secretAccessKey: string }
}

interface ChildResult {
  readonly contender: Contender
  readonly rows: number
  readonly seconds: number
  readonly peakRssMb: number
  /** RSS once connected, with the modules its work loads already loaded (MB). */
  readonly baselineRssMb: number
  /** Seconds from the start to each progress phase's first report. */
  readonly phases: Readonly<Record<string, number>>
}

const TABLE =
  'bench_movement (id BIGINT, name VARCHAR(40), score DOUBLE PRECISION, created_at TIMESTAMP, active BOOLEAN, amount DECIMAL(18,2))'

/** The mixed-type rows every loader gets: BIGINT, VARCHAR, DOUBLE, TIMESTAMP, BOOLEAN, DECIMAL. */
function* rows(count: number): Generator<unknown[]> {
  const base = Date.UTC(2024, 0, 1)
  for (let n = 1; n <= count; n++)
    yield [BigInt(n), `customer-${n}`, n * 1.5, new Date(base + n * 1000), n % 2 === 0, (n / 100).toFixed(2)]
}

async function clientFor(target: Target) {
  const { createClient, RedshiftConfig } = await import('../packages/client/src/index.js')
  return createClient(
    RedshiftConfig.builder()
      .fromUrl(target.url)
      .sslMode('disable')
      .awsEndpoint(target.aws.endpoint)
      .awsCredentials({ accessKeyId: target.aws.accessKeyId, secretAccessKey: target.aws.secretAccessKey })
      .region(target.aws.region)
      .defaultCopyIamRole(ROLE)
      .defaultUnloadIamRole(ROLE)
      .build(),
  )
}

/** One contender alone in its process: `node <bundle> <contender> <target JSON> <rows>`. */
export async function runMovementContender(argv: readonly string[]): Promise<void> {
  const [contender, targetJson, rowsText] = argv as [Contender, string, string]
  const target = JSON.parse(targetJson) as Target
  const count = Number(rowsText)
  const client = await clientFor(target)
  const staging = `s3://${BUCKET}/staging/`
  let done = 0
  await client.healthCheck()
  if (contender !== 'batch-execute' && contender !== 'stream-results') {
    // What the work loads on its first call, loaded first, so the baseline is the process at rest.
    await import('@aws-sdk/client-s3')
    await import('@aws-sdk/lib-storage')
    await import(contender === 'unload-stream' ? 'hyparquet' : 'hyparquet-writer')
  }
  const baselineRssMb = Math.round((process.memoryUsage().rss / 2 ** 20) * 10) / 10
  const t0 = performance.now()
  const phases: Record<string, number> = {}
  const onProgress = (p: { phase: string }) => {
    phases[p.phase] ??= Math.round((performance.now() - t0) / 100) / 10
  }
  try {
    if (contender === 'load-rows' || contender === 'load-rows-csv') {
      const format = contender === 'load-rows' ? 'parquet' : 'csv'
      done = (await client.loadRows('bench_movement', rows(count) as never, { staging, onProgress, format }))
        .rowsLoaded
    } else if (contender === 'batch-execute') {
      const stmt = await client.prepare(
        'bench_insert',
        'INSERT INTO bench_movement VALUES ($1, $2, $3, $4, $5, $6)',
      )
      done = (await client.batchExecute(stmt, [...rows(count)] as never)).length
    } else if (contender === 'unload-stream') {
      const stream = await client.unloadToStream('SELECT * FROM bench_movement_src', { staging, onProgress })
      for await (const batch of stream.batches()) done += batch.length
    } else if (contender === 'stream-results') {
      const stream = await client.streamResults('SELECT * FROM bench_movement_src', { fetchSize: 1000 })
      for (let b = await stream.nextBatch(); b !== null; b = await stream.nextBatch()) done += b.length
    }
  } finally {
    await client.close()
  }
  const result: ChildResult = {
    contender,
    rows: done,
    seconds: (performance.now() - t0) / 1000,
    peakRssMb: Math.round((process.resourceUsage().maxRSS / 1024) * 10) / 10,
    phases,
    baselineRssMb,
  }
  process.stdout.write(`${JSON.stringify(result)}\n`)
}

const here = path.dirname(fileURLToPath(import.meta.url))

/** One ESM file for plain `node`: a TypeScript loader in the children would add to every RSS figure. */
async function bundleChild(): Promise<string> {
  const outDir = path.join(here, '..', 'node_modules', '.cache', 'redshift-kit-bench')
  await mkdir(outDir, { recursive: true })
  const outfile = path.join(outDir, 'movement-child.mjs')
  const { build } = await import('esbuild')
  await build({
    stdin: {
      contents:
        "import { runMovementContender } from './movement.bench.ts'\n" +
        'runMovementContender(process.argv.slice(2)).catch((e) => { console.error(e); process.exit(1) })\n',
      resolveDir: here,
      loader: 'ts',
    },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    outfile,
    logLevel: 'error',
  })
  return outfile
}

function runChild(bundle: string, contender: Contender, target: Target, rows: number): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    // MOVEMENT_BENCH_CPU_PROF=<dir>: each child writes a V8 CPU profile there (open in Chrome DevTools).
    const prof = process.env.MOVEMENT_BENCH_CPU_PROF
    const flags = prof
      ? ['--cpu-prof', `--cpu-prof-dir=${prof}`, `--cpu-prof-name=${contender}.cpuprofile`]
      : []
    const child = spawn(
      process.execPath,
      [...flags, bundle, contender, JSON.stringify(target), String(rows)],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
        env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
      },
    )
    let out = ''
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString('utf8')
    })
    child.once('error', reject)
    child.once('exit', (code) => {
      if (code !== 0) reject(new Error(`${contender} exited with ${code}`))
      else resolve(JSON.parse(out.trim().split('\n').at(-1) as string) as ChildResult)
    })
  })
}

const rate = (r: ChildResult) => r.rows / r.seconds
const fmt = (n: number) => `${Math.round(n).toLocaleString('en-US')} rows/s`

/**
 * Data movement against redshift-local: loadRows (Parquet staged to the local S3, one COPY) against
 * batchExecute (multi-row INSERTs), and unloadToStream (UNLOAD to Parquet, read back) against
 * streamResults (rows over the wire); each contender alone in its own process for its peak RSS.
 */
export async function movementBench(redshift: LocalRedshift): Promise<BenchReport> {
  const aws = redshift.aws as NonNullable<LocalRedshift['aws']>
  await mkdir(path.join(redshift.s3.dir, BUCKET), { recursive: true })
  const target: Target = {
    url: redshift.url(),
    aws: {
      endpoint: aws.endpoint,
      region: aws.region,
      accessKeyId: aws.accessKeyId,
      secretAccessKey: aws.secretAccessKey,
    },
  }
  const pg = await import('pg')
  const admin = new pg.default.Client({
    connectionString: redshift.url().replace('redshift://', 'postgresql://'),
  })
  await admin.connect()
  const reset = async () => {
    await admin.query('DROP TABLE IF EXISTS bench_movement')
    await admin.query(`CREATE TABLE ${TABLE}`)
  }
  const bundle = await bundleChild()
  try {
    await reset()
    const load = await runChild(bundle, 'load-rows', target, ROWS)
    // The loaded million is what both readers read.
    await admin.query('DROP TABLE IF EXISTS bench_movement_src')
    await admin.query('ALTER TABLE bench_movement RENAME TO bench_movement_src')
    await reset()
    const csv = await runChild(bundle, 'load-rows-csv', target, ROWS)
    await reset()
    const batch = await runChild(bundle, 'batch-execute', target, BATCH_SAMPLE)
    const unload = await runChild(bundle, 'unload-stream', target, ROWS)
    const stream = await runChild(bundle, 'stream-results', target, ROWS)
    for (const r of [load, csv, unload, stream])
      if (r.rows !== ROWS) throw new Error(`${r.contender} moved ${r.rows} rows, expected ${ROWS}`)
    const loadRatio = rate(load) / rate(batch)
    const unloadRatio = rate(unload) / rate(stream)
    const csvRatio = rate(csv) / rate(batch)
    // unloadToStream reports 'reading' once the UNLOAD is done: the rest is the reading back alone.
    const readingSeconds = unload.seconds - (unload.phases.reading ?? 0)
    const readingRate = unload.rows / readingSeconds
    const readingRatio = readingRate / rate(stream)
    return {
      title: `Data movement: loadRows and unloadToStream (${ROWS.toLocaleString('en-US')} mixed-type rows)`,
      rows: [
        {
          measure: 'loadRows rows/s (Parquet, staged to local S3, one COPY)',
          ours: fmt(rate(load)),
          baseline: `${fmt(rate(batch))} (batchExecute, ${BATCH_SAMPLE.toLocaleString('en-US')}-row sample)`,
          ratio: Math.round(loadRatio * 100) / 100,
          goal: '>= 10x',
          met: loadRatio >= 10,
        },
        {
          measure: 'loadRows peak RSS',
          ours: `${load.peakRssMb} MB`,
          baseline: `${batch.peakRssMb} MB (batchExecute, sample)`,
          ratio: Math.round((load.peakRssMb / Math.max(batch.peakRssMb, 1)) * 100) / 100,
          goal: '< 150 MB',
          met: load.peakRssMb < 150,
        },
        {
          measure: "loadRows rows/s with format: 'csv' (gzip CSV staged)",
          ours: fmt(rate(csv)),
          baseline: `${fmt(rate(batch))} (batchExecute, sample)`,
          ratio: Math.round(csvRatio * 100) / 100,
          goal: '>= 10x',
          met: csvRatio >= 10,
        },
        {
          measure: "loadRows peak RSS with format: 'csv'",
          ours: `${csv.peakRssMb} MB`,
          baseline: `${batch.peakRssMb} MB (batchExecute, sample)`,
          ratio: Math.round((csv.peakRssMb / Math.max(batch.peakRssMb, 1)) * 100) / 100,
          goal: '< 150 MB',
          met: csv.peakRssMb < 150,
        },
        {
          measure: 'unloadToStream rows/s (UNLOAD to Parquet, read back)',
          ours: fmt(rate(unload)),
          baseline: `${fmt(rate(stream))} (streamResults)`,
          ratio: Math.round(unloadRatio * 100) / 100,
          goal: '>= 1x',
          met: unloadRatio >= 1,
        },
        {
          measure: 'unloadToStream, the reading back alone (after the UNLOAD)',
          ours: fmt(readingRate),
          baseline: `${fmt(rate(stream))} (streamResults)`,
          ratio: Math.round(readingRatio * 100) / 100,
          goal: '>= 1x (the client side)',
          met: readingRatio >= 1,
        },
        {
          measure: 'unloadToStream peak RSS',
          ours: `${unload.peakRssMb} MB`,
          baseline: `${stream.peakRssMb} MB (streamResults)`,
          ratio: Math.round((unload.peakRssMb / Math.max(stream.peakRssMb, 1)) * 100) / 100,
          goal: '< 100 MB',
          met: unload.peakRssMb < 100,
        },
      ],
      notes: [
        `Where the time went (s from the start, first report of each phase): loadRows ${JSON.stringify(load.phases)}; loadRows csv ${JSON.stringify(csv.phases)}; unloadToStream ${JSON.stringify(unload.phases)}.`,
        `RSS of each process at rest (connected, its modules loaded), before its work: loadRows ${load.baselineRssMb} MB, batchExecute ${batch.baselineRssMb} MB, unloadToStream ${unload.baselineRssMb} MB, streamResults ${stream.baselineRssMb} MB.`,
        `loadRows ${load.seconds.toFixed(1)} s for ${ROWS.toLocaleString('en-US')} rows; batchExecute ${batch.seconds.toFixed(1)} s for its ${BATCH_SAMPLE.toLocaleString('en-US')}-row sample (one transaction of multi-row INSERTs), compared as rows per second: a million rows through batchExecute would also hold every parameter set in memory at once.`,
        `unloadToStream ${unload.seconds.toFixed(1)} s: the UNLOAD ${(unload.phases.reading ?? 0).toFixed(1)} s (redshift-local fetching the rows from its engine and writing Parquet), the reading back ${readingSeconds.toFixed(1)} s; streamResults ${stream.seconds.toFixed(1)} s.`,
        'Each contender runs alone in its own process (plain node, bundled), so its peak RSS is its own; the server (gateway, PostgreSQL, local S3) runs in the parent.',
        'The machine is shared (2 cores, other agents at work): figures are noisy, ratios matter more than absolutes.',
      ],
    }
  } finally {
    await admin.end()
  }
}
