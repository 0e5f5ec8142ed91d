import { createReadStream } from 'node:fs'
import { performance } from 'node:perf_hooks'
import { Writable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import pg from 'pg'
import { from as copyFrom, to as copyTo } from 'pg-copy-streams'
import type { LocalRedshift } from '../packages/local/src/index.js'
import type { BenchReport } from './harness.js'
import { perSecond } from './harness.js'

const ROWS = 1_000_000
const BUCKET = 'redshift-kit-bench'
const KEY = 'copy/sales.csv'
const COLUMNS =
  'id int, customer varchar(40), amount numeric(12,2), sold date, at timestamp, paid bool, note varchar(60)'

/** About 60 MB of CSV: a million sales rows, a tenth of them with a quoted, comma-holding note. */
function csvChunks(): string[] {
  const chunks: string[] = []
  let chunk = ''
  for (let i = 1; i <= ROWS; i++) {
    const note = i % 10 === 0 ? `"note, with comma ${i}"` : `plain note ${i}`
    chunk += `${i},customer ${i % 5000},${((i * 37) % 100000) / 100},2024-0${1 + (i % 9)}-1${i % 10},2024-01-01 12:${String(i % 60).padStart(2, '0')}:00,${i % 2 ? 't' : 'f'},${note}\n`
    if (i % 50_000 === 0) {
      chunks.push(chunk)
      chunk = ''
    }
  }
  if (chunk !== '') chunks.push(chunk)
  return chunks
}

async function timed(f: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now()
  await f()
  return (performance.now() - t0) / 1000
}

/** COPY from the local S3 against COPY FROM STDIN straight into the engine; UNLOAD rates. */
export async function copyBench(redshift: LocalRedshift): Promise<BenchReport> {
  const admin = redshift.users.find((u) => u.superuser) ?? redshift.users[0]
  if (!admin) throw new Error('no user')
  await redshift.s3.put(BUCKET, KEY, chunks())
  const file = `${redshift.s3.dir}/${BUCKET}/${KEY}`
  const viaGateway = new pg.Client({
    host: redshift.wire.host,
    port: redshift.wire.port,
    user: admin.name,
    password: admin.password,
    database: redshift.database,
  })
  const direct = new pg.Client({ ...redshift.engine, database: redshift.database })
  await viaGateway.connect()
  await direct.connect()
  try {
    await viaGateway.query(`CREATE TABLE bench_copy (${COLUMNS})`)
    const ours = async () => {
      await viaGateway.query('TRUNCATE bench_copy')
      return timed(() =>
        viaGateway.query(`COPY bench_copy FROM 's3://${BUCKET}/${KEY}' IAM_ROLE default CSV`),
      )
    }
    const baseline = async () => {
      await direct.query('TRUNCATE bench_copy')
      return timed(() =>
        pipeline(
          createReadStream(file),
          direct.query(copyFrom('COPY bench_copy FROM STDIN WITH (FORMAT csv)')),
        ),
      )
    }
    const oursTimes: number[] = []
    const baseTimes: number[] = []
    for (let round = 0; round < 2; round++) {
      oursTimes.push(await ours())
      baseTimes.push(await baseline())
    }
    const copyOurs = Math.min(...oursTimes)
    const copyBase = Math.min(...baseTimes)
    const loaded = Number((await direct.query('SELECT count(*) FROM bench_copy')).rows[0].count)
    if (loaded !== ROWS) throw new Error(`the table holds ${loaded} rows, expected ${ROWS}`)

    const toStdout = () =>
      timed(() =>
        pipeline(
          direct.query(copyTo('COPY (SELECT * FROM bench_copy) TO STDOUT WITH (FORMAT csv)')),
          new Writable({ write: (_c, _e, done) => done() }),
        ),
      )
    const unload = (format: string, n: number) =>
      timed(() =>
        viaGateway.query(
          `UNLOAD ('select * from bench_copy') TO 's3://${BUCKET}/unload/${format}-${n}/part_' IAM_ROLE default ${format}`,
        ),
      )
    const stdout = await toStdout()
    const csv = Math.min(await unload('CSV', 1), await unload('CSV', 2))
    const parquet = Math.min(await unload('PARQUET', 1), await unload('PARQUET', 2))
    return {
      title: 'COPY and UNLOAD: redshift-local against its engine directly',
      rows: [
        {
          measure: `COPY of ${ROWS.toLocaleString('en-US')} CSV rows (${Math.round((await redshift.s3.list(BUCKET, KEY))[0]!.size / 1e6)} MB) from the local S3`,
          ours: perSecond(ROWS / copyOurs, 'rows'),
          baseline: `${perSecond(ROWS / copyBase, 'rows')} (COPY FROM STDIN into the engine)`,
          ratio: copyBase / copyOurs,
          goal: '≥ 0.8x',
          met: copyBase / copyOurs >= 0.8,
        },
        {
          measure: `UNLOAD of ${ROWS.toLocaleString('en-US')} rows to CSV`,
          ours: perSecond(ROWS / csv, 'rows'),
          baseline: `${perSecond(ROWS / stdout, 'rows')} (engine COPY TO STDOUT, discarded)`,
          ratio: stdout / csv,
          goal: 'reported',
          met: true,
        },
        {
          measure: `UNLOAD of ${ROWS.toLocaleString('en-US')} rows to Parquet`,
          ours: perSecond(ROWS / parquet, 'rows'),
          baseline: `${perSecond(ROWS / stdout, 'rows')} (engine COPY TO STDOUT, discarded)`,
          ratio: stdout / parquet,
          goal: 'reported',
          met: true,
        },
      ],
      notes: [
        "COPY streams the rows into the engine's COPY FROM STDIN on the client's session while the file is read: records whose every field is already in the form the engine reads are passed on as read, the others converted by Redshift's rules first.",
        'Each figure is the best of two runs, ours and the baseline alternating.',
      ],
    }
  } finally {
    await viaGateway.query('DROP TABLE IF EXISTS bench_copy').catch(() => undefined)
    await viaGateway.end()
    await direct.end()
  }
}

function chunks(): Buffer {
  return Buffer.from(csvChunks().join(''))
}
