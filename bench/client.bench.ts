import { performance } from 'node:perf_hooks'
import pg from 'pg'
import {
  createClient,
  QueryBuilder,
  type RedshiftClient,
  RedshiftConfig,
} from '../packages/client/src/index.js'
import type { LocalRedshift } from '../packages/local/src/index.js'
import { alternate, type BenchReport, ms, percentile, perSecond } from './harness.js'
import { startServerProcess } from './server-process.js'

const ROUND_TRIP_ROUNDS = 10
const ROUND_TRIP_PER_ROUND = 1000
const WORKERS = 100
const QUERIES_PER_WORKER = 100
const POOL_SIZE = 10
const BATCH_ROWS = 100_000
const THROUGHPUT_RUNS = 3

interface Target {
  readonly host: string
  readonly port: number
  readonly database: string
  readonly user: string
  readonly password: string
}

function targetOf(redshift: LocalRedshift): Target {
  const admin = redshift.users.find((u) => u.superuser) ?? redshift.users[0]
  if (!admin) throw new Error('the local Redshift has no user')
  return {
    host: redshift.wire.host,
    port: redshift.wire.port,
    database: redshift.database,
    user: admin.name,
    password: admin.password,
  }
}

function clientFor(t: Target, poolSize: number, fetchQueryId = true, pipelineDepth?: number): RedshiftClient {
  const builder = RedshiftConfig.builder()
    .endpoint(t.host, t.port, t.database)
    .withDatabaseAuth(t.user, t.password)
    .sslMode('disable')
    .poolSize(poolSize)
    .fetchQueryId(fetchQueryId)
  return createClient((pipelineDepth === undefined ? builder : builder.pipelineDepth(pipelineDepth)).build())
}

/**
 * The same work as `executeQuery` over `pg` by hand: the statement and `SELECT pg_last_query_id()`
 * written together on a pipelined connection. Shows what the client itself costs on top of the
 * protocol work it must do.
 */
function sameWork(pool: pg.Pool): () => Promise<unknown> {
  return async () => {
    const c = await pool.connect()
    try {
      await Promise.all([c.query('select $1', [1]), c.query('SELECT pg_last_query_id()')])
    } finally {
      c.release()
    }
  }
}

function pgPoolFor(t: Target, max: number, pipeline = false): pg.Pool {
  if (pipeline) {
    const config = { ...t, max, pipeline: true }
    return new pg.Pool(config as pg.PoolConfig)
  }
  return new pg.Pool({
    host: t.host,
    port: t.port,
    database: t.database,
    user: t.user,
    password: t.password,
    max,
  })
}

/** Runs `workers` loops of `perWorker` calls of `op` at once; returns calls per second. */
async function throughput(
  workers: number,
  perWorker: number,
  op: (i: number) => Promise<unknown>,
): Promise<number> {
  const t0 = performance.now()
  await Promise.all(
    Array.from({ length: workers }, async (_, w) => {
      for (let i = 0; i < perWorker; i++) await op(w * perWorker + i)
    }),
  )
  return (workers * perWorker) / ((performance.now() - t0) / 1000)
}

async function roundTrip(t: Target): Promise<{
  ours50: number
  base50: number
  ours99: number
  base99: number
  same50: number
  oursVsSame50: number
  off50: number
  offBase50: number
}> {
  const client = clientFor(t, 1)
  const noIds = clientFor(t, 1, false)
  const pool = pgPoolFor(t, 1)
  const same = pgPoolFor(t, 1, true)
  try {
    const query = new QueryBuilder('select $1').param(1).build()
    const ours = async () => {
      const r = await client.executeQuery(query)
      if (r.queryId === '') throw new Error('executeQuery returned no query id')
    }
    const base = () => pool.query('select $1', [1])
    await alternate(2, 500, ours, base)
    const rt = await alternate(ROUND_TRIP_ROUNDS, ROUND_TRIP_PER_ROUND, ours, base)
    // A second alternation, ours against the same work by hand.
    const sw = await alternate(ROUND_TRIP_ROUNDS / 2, ROUND_TRIP_PER_ROUND, ours, sameWork(same))
    // With the per-statement query id off (fetchQueryId(false)), against pg.Pool again.
    const off = () => noIds.executeQuery(query)
    await alternate(1, 500, off, base)
    const offRt = await alternate(ROUND_TRIP_ROUNDS, ROUND_TRIP_PER_ROUND, off, base)
    return {
      off50: percentile(offRt.a, 50),
      offBase50: percentile(offRt.b, 50),
      ours50: percentile(rt.a, 50),
      base50: percentile(rt.b, 50),
      ours99: percentile(rt.a, 99),
      base99: percentile(rt.b, 99),
      oursVsSame50: percentile(sw.a, 50),
      same50: percentile(sw.b, 50),
    }
  } finally {
    await client.close()
    await noIds.close()
    await pool.end()
    await same.end()
  }
}

async function concurrency(
  t: Target,
  fetchQueryId = true,
): Promise<{ ours: number; base: number; same: number }> {
  const client = clientFor(t, POOL_SIZE, fetchQueryId)
  const pool = pgPoolFor(t, POOL_SIZE)
  const samePool = pgPoolFor(t, POOL_SIZE, true)
  try {
    const query = new QueryBuilder('select $1').param(1).build()
    const ours = () => throughput(WORKERS, QUERIES_PER_WORKER, () => client.executeQuery(query))
    const base = () => throughput(WORKERS, QUERIES_PER_WORKER, () => pool.query('select $1', [1]))
    const same = () => throughput(WORKERS, QUERIES_PER_WORKER, sameWork(samePool))
    await ours()
    await base()
    await same()
    const oursRates: number[] = []
    const baseRates: number[] = []
    const sameRates: number[] = []
    for (let i = 0; i < THROUGHPUT_RUNS; i++) {
      oursRates.push(await ours())
      baseRates.push(await base())
      sameRates.push(await same())
    }
    return { ours: Math.max(...oursRates), base: Math.max(...baseRates), same: Math.max(...sameRates) }
  } finally {
    await client.close()
    await pool.end()
    await samePool.end()
  }
}

async function batch(t: Target): Promise<{ ours: number; base: number }> {
  const rows = Array.from({ length: BATCH_ROWS }, (_, i) => [i, `name ${i}`, i * 0.5] as const)
  const setup = new pg.Client({ ...t })
  await setup.connect()
  const client = clientFor(t, 1)
  const baseline = new pg.Client({ ...t })
  await baseline.connect()
  try {
    await setup.query('DROP TABLE IF EXISTS bench_batch_ours, bench_batch_base')
    await setup.query('CREATE TABLE bench_batch_ours (id int, name varchar(64), score float8)')
    await setup.query('CREATE TABLE bench_batch_base (id int, name varchar(64), score float8)')

    const stmt = await client.prepare(
      'bench_insert',
      'INSERT INTO bench_batch_ours (id, name, score) VALUES ($1, $2, $3)',
    )
    const t0 = performance.now()
    const results = await client.batchExecute(
      stmt,
      rows.map((r) => [...r]),
    )
    const oursSeconds = (performance.now() - t0) / 1000
    if (results.length !== BATCH_ROWS) throw new Error(`batchExecute returned ${results.length} results`)

    // What users write by hand: one named prepared statement, run row by row, awaited one at a time,
    // in one transaction.
    const t1 = performance.now()
    await baseline.query('BEGIN')
    for (const r of rows) {
      await baseline.query({
        name: 'bench_insert_base',
        text: 'INSERT INTO bench_batch_base (id, name, score) VALUES ($1, $2, $3)',
        values: [...r],
      })
    }
    await baseline.query('COMMIT')
    const baseSeconds = (performance.now() - t1) / 1000

    for (const table of ['bench_batch_ours', 'bench_batch_base']) {
      const { rows: counted } = await setup.query(`SELECT count(*)::int AS n FROM ${table}`)
      if (counted[0]?.n !== BATCH_ROWS)
        throw new Error(`${table} has ${counted[0]?.n} rows, expected ${BATCH_ROWS}`)
    }
    return { ours: BATCH_ROWS / oursSeconds, base: BATCH_ROWS / baseSeconds }
  } finally {
    await setup.query('DROP TABLE IF EXISTS bench_batch_ours, bench_batch_base').catch(() => undefined)
    await setup.end()
    await client.close()
    await baseline.end()
  }
}

/**
 * What a `select 1` waits when every connection of a pool of 4 runs a 2 s statement: with
 * pipelining (the default depth 4) it joins the least busy connection and waits for the statement
 * ahead of it; with pipelineDepth 1 it waits for the first connection to come back. Either way it
 * waits for a 2 s statement to end: what differs is only where it waits.
 */
async function headOfLine(t: Target): Promise<{ pipelined: number; exclusive: number }> {
  const measure = async (depth: number): Promise<number> => {
    const client = clientFor(t, 4, true, depth)
    try {
      await Promise.all(Array.from({ length: 4 }, () => client.executeQuery('select 1')))
      const long = Array.from({ length: 4 }, () => client.executeQuery('select pg_sleep(2)'))
      // All four connections busy (the pool lent four, nobody waits) before the short one goes out.
      while (client.getPoolStats().active < 4) await new Promise((r) => setTimeout(r, 5))
      await new Promise((r) => setTimeout(r, 200))
      const t0 = performance.now()
      await client.executeQuery('select 1')
      const waited = performance.now() - t0
      await Promise.all(long)
      return waited
    } finally {
      await client.close()
    }
  }
  return { pipelined: await measure(4), exclusive: await measure(1) }
}

/** The client's cost against `pg` used directly, through the same local Redshift gateway, in the same run. */
export async function clientBench(redshift: LocalRedshift): Promise<BenchReport> {
  // CLIENT_BENCH_SERVER=in-process measures against the bench's own redshift-local, in this process.
  const server = process.env.CLIENT_BENCH_SERVER === 'in-process' ? undefined : await startServerProcess()
  const t = server ?? targetOf(redshift)
  let rt: Awaited<ReturnType<typeof roundTrip>>
  let cc: Awaited<ReturnType<typeof concurrency>>
  let ccOff: Awaited<ReturnType<typeof concurrency>>
  let bt: Awaited<ReturnType<typeof batch>>
  let hol: Awaited<ReturnType<typeof headOfLine>>
  try {
    rt = await roundTrip(t)
    cc = await concurrency(t)
    ccOff = await concurrency(t, false)
    bt = await batch(t)
    hol = await headOfLine(t)
  } finally {
    await server?.stop()
  }
  return {
    title: 'Client: RedshiftClient vs pg',
    rows: [
      {
        measure: '`executeQuery(select $1)` round trip, p50 (10,000 sequential; baseline `pg.Pool.query`)',
        ours: ms(rt.ours50),
        baseline: ms(rt.base50),
        ratio: rt.ours50 / rt.base50,
        goal: '≤ 1.05x pg.Pool (query id on)',
        met: rt.ours50 / rt.base50 <= 1.05,
      },
      {
        measure: 'the same with the per-statement query id off (`fetchQueryId(false)`), p50',
        ours: ms(rt.off50),
        baseline: ms(rt.offBase50),
        ratio: rt.off50 / rt.offBase50,
        goal: '≤ 1.0x pg.Pool',
        met: rt.off50 / rt.offBase50 <= 1.0,
      },
      {
        measure: '`executeQuery(select $1)` round trip, p99',
        ours: ms(rt.ours99),
        baseline: ms(rt.base99),
        ratio: rt.ours99 / rt.base99,
        goal: '(informative)',
        met: true,
      },
      {
        measure:
          '`executeQuery(select $1)` p50 vs the same two statements (`select $1` + `SELECT pg_last_query_id()`) written by hand on a pipelined pg.Pool',
        ours: ms(rt.oursVsSame50),
        baseline: ms(rt.same50),
        ratio: rt.oursVsSame50 / rt.same50,
        goal: '(informative)',
        met: true,
      },
      {
        measure: `${WORKERS} concurrent workers × ${QUERIES_PER_WORKER} queries, poolSize ${POOL_SIZE} vs pg.Pool max ${POOL_SIZE}, best of ${THROUGHPUT_RUNS}`,
        ours: perSecond(cc.ours, 'queries'),
        baseline: perSecond(cc.base, 'queries'),
        ratio: cc.ours / cc.base,
        goal: '(informative: query id on)',
        met: true,
      },
      {
        measure: `the same with the per-statement query id off`,
        ours: perSecond(ccOff.ours, 'queries'),
        baseline: perSecond(ccOff.base, 'queries'),
        ratio: ccOff.ours / ccOff.base,
        goal: '≥ 1.3x pg.Pool',
        met: ccOff.ours / ccOff.base >= 1.3,
      },
      {
        measure: `the same, vs the same two statements per query by hand on a pipelined pg.Pool max ${POOL_SIZE}`,
        ours: perSecond(cc.ours, 'queries'),
        baseline: perSecond(cc.same, 'queries'),
        ratio: cc.ours / cc.same,
        goal: '(informative)',
        met: true,
      },
      {
        measure: `\`batchExecute\` of ${BATCH_ROWS.toLocaleString('en-US')} single-row INSERTs (baseline: named prepared INSERT row by row, sequential, one transaction, pg.Client)`,
        ours: perSecond(bt.ours, 'rows'),
        baseline: perSecond(bt.base, 'rows'),
        ratio: bt.ours / bt.base,
        goal: '≥ 8x row by row',
        met: bt.ours / bt.base >= 8,
      },
      {
        measure:
          '`select 1` behind a 2 s statement, pool of 4 all busy: pipelined (depth 4) vs pipelineDepth 1 (waits for a free connection)',
        ours: ms(hol.pipelined),
        baseline: ms(hol.exclusive),
        ratio: hol.pipelined / hol.exclusive,
        goal: '(informative)',
        met: true,
      },
    ],
    notes: [
      `Every contender goes through the same local Redshift gateway, ${server ? 'running in a process of its own (`redshift-local`), as a real server would: the client process runs only the client' : 'in the same process as the clients (CLIENT_BENCH_SERVER=in-process)'}; round trips alternate in rounds, throughput runs alternate, best of each kept.`,
      "`executeQuery` also fetches Redshift's query id (`pg_last_query_id()`) and keeps the session settings in step, in the same round trip; `pg.Pool.query` does neither.",
    ],
  }
}
