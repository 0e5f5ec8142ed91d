import { connect, createServer, type Server } from 'node:net'
import path from 'node:path'
import { performance } from 'node:perf_hooks'
import pg from 'pg'
import Cursor from 'pg-cursor'
import type { LocalRedshift } from '../packages/local/src/index.js'
import { type BenchReport, latencies, ms, percentile, perSecond } from './harness.js'

const STREAM_ROWS = 1_000_000
const FETCH_SIZE = 10_000

async function streamRows(client: pg.Client): Promise<number> {
  // A named portal per fetch, as Redshift requires: pg-cursor always names its portal.
  const cursor = client.query(
    new Cursor("SELECT n, n * 2 AS doubled, 'row ' || n AS label FROM generate_series(1, $1::int) AS n", [
      STREAM_ROWS,
    ]),
  )
  let count = 0
  for (;;) {
    const rows = await cursor.read(FETCH_SIZE)
    if (rows.length === 0) break
    count += rows.length
  }
  await cursor.close()
  return count
}

async function rowsPerSecond(client: pg.Client): Promise<number> {
  await client.query('BEGIN')
  const t0 = performance.now()
  const n = await streamRows(client)
  const seconds = (performance.now() - t0) / 1000
  await client.query('COMMIT')
  if (n !== STREAM_ROWS) throw new Error(`streamed ${n} rows, expected ${STREAM_ROWS}`)
  return n / seconds
}

/**
 * A proxy that only copies bytes, TCP in and the engine's Unix socket out, in this process: what any
 * proxy in front of the engine costs at the least (two more socket hops per round trip).
 */
async function startBytePipe(socketPath: string): Promise<{ server: Server; port: number }> {
  const server = createServer((client) => {
    client.setNoDelay(true)
    const engine = connect({ path: socketPath })
    client.on('data', (d: Buffer) => engine.write(d))
    engine.on('data', (d: Buffer) => client.write(d))
    client.on('close', () => engine.destroy())
    engine.on('close', () => client.destroy())
    client.on('error', () => engine.destroy())
    engine.on('error', () => client.destroy())
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  return { server, port: typeof address === 'object' && address !== null ? address.port : 0 }
}

/** Runs each contender `perRound` times in turn, `rounds` times over; returns each one's sorted samples. */
async function interleave(
  rounds: number,
  perRound: number,
  ops: readonly (() => Promise<unknown>)[],
): Promise<number[][]> {
  const samples = ops.map((): number[] => [])
  for (let r = 0; r < rounds; r++) {
    for (const [i, op] of ops.entries()) samples[i]?.push(...(await latencies(perRound, op)))
  }
  return samples.map((s) => s.sort((a, b) => a - b))
}

/** The gateway's cost against the engine it fronts, measured in the same run. */
export async function gatewayBench(redshift: LocalRedshift): Promise<BenchReport> {
  const admin = redshift.users.find((u) => u.superuser) ?? redshift.users[0]
  if (!admin) throw new Error('no user')
  const viaGateway = new pg.Client({
    host: redshift.wire.host,
    port: redshift.wire.port,
    user: admin.name,
    password: admin.password,
    database: redshift.database,
  })
  const direct = new pg.Client({
    host: redshift.engine.host,
    port: redshift.engine.port,
    user: redshift.engine.user,
    password: redshift.engine.password,
    database: redshift.database,
  })
  const pipe = await startBytePipe(path.join(redshift.engine.socketDir, `.s.PGSQL.${redshift.engine.port}`))
  // The engine trusts its Unix socket: the pipe's client logs in as the gateway's user, without a password.
  const viaPipe = new pg.Client({
    host: '127.0.0.1',
    port: pipe.port,
    user: admin.name,
    database: redshift.database,
  })
  await viaGateway.connect()
  await direct.connect()
  await viaPipe.connect()
  try {
    const roundTrip = (c: pg.Client) => () => c.query({ text: 'select $1::int AS v', values: [1] })
    const contenders = [roundTrip(viaGateway), roundTrip(direct), roundTrip(viaPipe)]
    // Warm every path (plans, JIT of the gateway's hot functions).
    await interleave(2, 500, contenders)
    const [gwSamples = [], dSamples = [], pipeSamples = []] = await interleave(10, 1000, contenders)
    const gw50 = percentile(gwSamples, 50)
    const d50 = percentile(dSamples, 50)
    const gw99 = percentile(gwSamples, 99)
    const d99 = percentile(dSamples, 99)
    const pipe50 = percentile(pipeSamples, 50)

    await rowsPerSecond(viaGateway)
    await rowsPerSecond(direct)
    const gwRates: number[] = []
    const dRates: number[] = []
    for (let i = 0; i < 3; i++) {
      gwRates.push(await rowsPerSecond(viaGateway))
      dRates.push(await rowsPerSecond(direct))
    }
    const gwRate = Math.max(...gwRates)
    const dRate = Math.max(...dRates)
    return {
      title: 'Gateway cost: redshift-local vs its engine directly',
      rows: [
        {
          measure: '`select $1` round trip, p50 (10,000 sequential, pg.Client)',
          ours: ms(gw50),
          baseline: ms(d50),
          ratio: gw50 / d50,
          goal: '≤ 1.3x direct',
          met: gw50 / d50 <= 1.3,
        },
        {
          measure: '`select $1` round trip through a bare byte pipe (the floor of any proxy), p50',
          ours: ms(pipe50),
          baseline: ms(d50),
          ratio: pipe50 / d50,
          goal: '(informative)',
          met: true,
        },
        {
          measure: '`select $1` round trip, p99',
          ours: ms(gw99),
          baseline: ms(d99),
          ratio: gw99 / d99,
          goal: '(informative)',
          met: true,
        },
        {
          measure: `streaming ${STREAM_ROWS.toLocaleString('en-US')} rows (pg-cursor, ${FETCH_SIZE} per fetch), best of 3`,
          ours: perSecond(gwRate, 'rows'),
          baseline: perSecond(dRate, 'rows'),
          ratio: gwRate / dRate,
          goal: '≥ 0.8x direct',
          met: gwRate / dRate >= 0.8,
        },
      ],
      notes: [
        'Both contenders run in the same process against the same engine, alternating in rounds; the gateway path is TCP to the gateway, then its Unix socket to the engine; direct is TCP to the engine.',
        "The byte pipe copies bytes from TCP to the engine's Unix socket and back, in the same process, and does nothing else: no proxy can be cheaper, so the round-trip goal is met only when it is well under 1.3x on the machine at hand.",
      ],
    }
  } finally {
    await viaGateway.end()
    await direct.end()
    await viaPipe.end()
    await new Promise<void>((resolve) => pipe.server.close(() => resolve()))
  }
}
