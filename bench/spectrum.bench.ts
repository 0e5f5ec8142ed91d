import { performance } from 'node:perf_hooks'
import { parquetWriteBuffer } from 'hyparquet-writer'
import pg from 'pg'
import type { LocalRedshift } from '../packages/local/src/index.js'
import type { BenchReport } from './harness.js'
import { ms, perSecond } from './harness.js'

const ROWS = 1_000_000
const BUCKET = 'redshift-kit-bench'
const PREFIX = 'spectrum/sales/'
const KEY = `${PREFIX}part-0.parquet`
const QUERY = 'SELECT region, count(*) AS n, sum(amount) AS total FROM %s GROUP BY region ORDER BY region'

/** A million sales rows as one Parquet file (id, customer, amount, region). */
function parquetFile(): Buffer {
  const id = new Int32Array(ROWS)
  const amount = new Float64Array(ROWS)
  const customer: string[] = new Array(ROWS)
  const region: string[] = new Array(ROWS)
  const regions = ['east', 'north', 'south', 'west']
  for (let i = 0; i < ROWS; i++) {
    id[i] = i + 1
    amount[i] = ((i * 37) % 100000) / 100
    customer[i] = `customer ${i % 5000}`
    region[i] = regions[i % 4] as string
  }
  return Buffer.from(
    parquetWriteBuffer({
      columnData: [
        { name: 'id', data: id, type: 'INT32' },
        { name: 'customer', data: customer, type: 'STRING' },
        { name: 'amount', data: amount, type: 'DOUBLE' },
        { name: 'region', data: region, type: 'STRING' },
      ],
    }),
  )
}

async function timed(f: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now()
  await f()
  return (performance.now() - t0) / 1000
}

/**
 * An external Parquet table of 1M rows: the first scan (files read into the engine-side cache) against
 * COPY of the same file into a local table, and a repeat over unchanged files against the same query
 * on that local table.
 */
export async function spectrumBench(redshift: LocalRedshift): Promise<BenchReport> {
  const file = parquetFile()
  await redshift.s3.put(BUCKET, KEY, file)
  const c = new pg.Client({ connectionString: redshift.url().replace('redshift://', 'postgres://') })
  await c.connect()
  try {
    const columns = 'id int, customer varchar(40), amount double precision, region varchar(10)'
    await c.query(
      "CREATE EXTERNAL SCHEMA bench_spectrum FROM DATA CATALOG DATABASE 'benchdb' IAM_ROLE default CREATE EXTERNAL DATABASE IF NOT EXISTS",
    )
    await c.query(`CREATE TABLE bench_spectrum_local (${columns})`)
    const createExternal = () =>
      c.query(
        `CREATE EXTERNAL TABLE bench_spectrum.sales (${columns}) STORED AS PARQUET LOCATION 's3://${BUCKET}/${PREFIX}'`,
      )
    const copies: number[] = []
    const firsts: number[] = []
    for (let round = 0; round < 2; round++) {
      await c.query('TRUNCATE bench_spectrum_local')
      copies.push(
        await timed(() =>
          c.query(
            `COPY bench_spectrum_local FROM 's3://${BUCKET}/${KEY}' IAM_ROLE default FORMAT AS PARQUET`,
          ),
        ),
      )
      await c.query('DROP TABLE IF EXISTS bench_spectrum.sales')
      await createExternal()
      firsts.push(await timed(() => c.query(QUERY.replace('%s', 'bench_spectrum.sales'))))
    }
    const repeats: number[] = []
    const locals: number[] = []
    for (let round = 0; round < 5; round++) {
      repeats.push(await timed(() => c.query(QUERY.replace('%s', 'bench_spectrum.sales'))))
      locals.push(await timed(() => c.query(QUERY.replace('%s', 'bench_spectrum_local'))))
    }
    const ext = (await c.query(QUERY.replace('%s', 'bench_spectrum.sales'))).rows
    const local = (await c.query(QUERY.replace('%s', 'bench_spectrum_local'))).rows
    // Sums of doubles may differ in their last digits with the order rows are added in.
    const shape = (rows: Record<string, unknown>[]) =>
      JSON.stringify(rows.map((r) => [r.region, r.n, Math.round(Number(r.total))]))
    if (shape(ext) !== shape(local)) {
      throw new Error(`the external and local results differ: ${shape(ext)} / ${shape(local)}`)
    }
    const copy = Math.min(...copies)
    const first = Math.min(...firsts)
    const repeat = [...repeats].sort((a, b) => a - b)[2] as number
    const localQuery = [...locals].sort((a, b) => a - b)[2] as number
    await c.query('DROP TABLE bench_spectrum.sales')
    await c.query('DROP SCHEMA bench_spectrum DROP EXTERNAL DATABASE')
    await c.query('DROP TABLE bench_spectrum_local')
    return {
      title: 'Spectrum: an external Parquet table of 1M rows',
      rows: [
        {
          measure: `first scan of ${ROWS.toLocaleString('en-US')} rows (${Math.round(file.length / 1e6)} MB Parquet), GROUP BY query`,
          ours: perSecond(ROWS / first, 'rows'),
          baseline: `${perSecond(ROWS / copy, 'rows')} (COPY of the same file into a local table)`,
          ratio: copy / first,
          goal: '≥ 0.5x',
          met: copy / first >= 0.5,
        },
        {
          measure: 'the same query again over unchanged files',
          ours: ms(repeat * 1000),
          baseline: `${ms(localQuery * 1000)} (the query on the local table)`,
          ratio: repeat / localQuery,
          goal: '≤ 1.5x (time)',
          met: repeat / localQuery <= 1.5,
        },
      ],
      notes: [
        'Design: the first scan reads the files (hyparquet, the COPY converters) into an engine-side cache table, keyed per file by path, size and modification time; a repeat lists the files, finds them unchanged and runs on the cache. The ratio of the second row is time (lower is better).',
        'First scan and COPY: best of two runs, alternating; repeat and local query: median of five, alternating. Noisy: a 2-core machine shared with other jobs.',
      ],
    }
  } finally {
    await c.end()
  }
}
