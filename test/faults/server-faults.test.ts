import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  CircuitOpenError,
  ConnectionFailedError,
  ConnectionLostError,
  createClient,
  QueryBuilder,
  QueryCancelledError,
  QueryTimeoutError,
  RedshiftConfig,
  RedshiftError,
} from '@redshift-kit/client'
import type { LocalRedshift } from '@redshift-kit/local'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startFaultProxy } from './fault-proxy.js'
import {
  ADMIN,
  clientAt,
  engineClient,
  recordFigures,
  since,
  startServer,
  userSessions,
  within,
} from './harness.js'

// One local Redshift for the server-side scenarios, kept on a data folder of ours so that the last
// scenario can kill it and start it again on the same data.

let server: LocalRedshift
let engine: pg.Client
let dataDir: string
const CREDENTIAL_LIFETIME_S = 4

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'rk-faults-'))
  // The engine runs as the `postgres` OS user when we are root: it must be able to enter the folder.
  chmodSync(dataDir, 0o711)
  server = await startServer({
    dataDir: join(dataDir, 'pg'),
    aws: { credentialLifetimeSeconds: CREDENTIAL_LIFETIME_S, clusters: [{ identifier: 'faults' }] },
  })
  engine = await engineClient(server)
})

afterAll(async () => {
  await engine?.end().catch(() => undefined)
  await server?.stop()
  rmSync(dataDir, { recursive: true, force: true })
})

/** Every client session is gone from the engine (polled: a closed socket takes a moment to be seen). */
async function expectNoSessions(): Promise<number> {
  let left = -1
  await expect
    .poll(
      async () => {
        left = await userSessions(engine)
        return left
      },
      { timeout: 10_000 },
    )
    .toBe(0)
  return left
}

async function gatewayAdmin(s: LocalRedshift): Promise<pg.Client> {
  const c = new pg.Client({ ...s.wire, user: ADMIN.name, password: ADMIN.password, database: 'dev' })
  c.on('error', () => undefined) // as engineClient: a session that may outlive its server
  await c.connect()
  return c
}

function isRetryable(e: unknown): boolean {
  return e instanceof RedshiftError && e.retryable
}

describe('backend termination under load', () => {
  it('terminated sessions fail with a retryable error or are retried; the pool heals; nothing leaks', async () => {
    const t0 = performance.now()
    const client = clientAt(server.wire, (b) => b.poolSize(6).maxRetries(3).retryBackoff(20))
    let ok = 0
    let retryableFailures = 0
    let otherFailures = 0
    let stop = false
    const worker = async () => {
      while (!stop) {
        try {
          const r = await client.executeQuery('SELECT pg_backend_pid() AS pid, pg_sleep(0.01)')
          if (r.rows.length === 1) ok++
        } catch (e) {
          if (isRetryable(e)) retryableFailures++
          else otherFailures++
          // A failure that comes back without I/O (a refusal) must not spin this loop in microtasks
          // only: the timers that end the scenario would never run.
          await new Promise((resolve) => setImmediate(resolve))
        }
      }
    }
    const workers = Array.from({ length: 12 }, worker)
    let killed = 0
    for (let round = 0; round < 8; round++) {
      await new Promise((r) => setTimeout(r, 150))
      const r = await engine.query<{ n: string }>(
        "SELECT count(pg_terminate_backend(pid)) AS n FROM pg_stat_activity WHERE usename = 'awsuser' AND backend_type = 'client backend' AND pid <> pg_backend_pid()",
      )
      killed += Number(r.rows[0]?.n ?? 0)
    }
    stop = true
    await Promise.all(workers)
    // Healed: a fresh query works on the same client.
    expect((await client.executeQuery('SELECT 1 AS one')).rows[0]?.get('one')).toBe(1)
    expect(client.getPoolStats().active).toBe(0)
    await client.close()
    const leaked = await expectNoSessions()
    recordFigures({
      scenario: 'backend termination',
      cases: ok + retryableFailures + otherFailures,
      failures: otherFailures,
      leakedConnections: leaked,
      durationMs: since(t0),
      notes: `${killed} backends terminated; ${retryableFailures} calls failed retryable after retries`,
    })
    expect(killed).toBeGreaterThan(0)
    // How many get through depends on the machine; that some do, and every failure is retryable, does not.
    expect(ok).toBeGreaterThan(10)
    expect(otherFailures).toBe(0)
  })
})

describe('credential expiry mid-pool', () => {
  it(`IAM passwords living ${CREDENTIAL_LIFETIME_S} s, and ended early, never fail a query`, async () => {
    const t0 = performance.now()
    const aws = server.aws
    if (aws === undefined) throw new Error('the local AWS endpoint is off')
    const client = createClient(
      RedshiftConfig.builder()
        .endpoint(server.wire.host, server.wire.port, 'dev')
        .sslMode('disable')
        .clusterIdentifier('faults')
        .withIamAuth({ dbUser: 'awsuser' })
        .awsEndpoint(aws.endpoint)
        .awsCredentials({ accessKeyId: aws.accessKeyId, secretAccessKey: aws.secretAccessKey })
        .region(aws.region)
        .poolSize(4)
        .build(),
    )
    let ok = 0
    const failures: string[] = []
    const until = performance.now() + 3 * CREDENTIAL_LIFETIME_S * 1000
    const worker = async () => {
      while (performance.now() < until) {
        try {
          await client.executeQuery('SELECT current_user AS u, pg_sleep(0.02)')
          ok++
        } catch (e) {
          failures.push(String(e))
        }
      }
    }
    const workers = Array.from({ length: 8 }, worker)
    // Mid-run, the endpoint ends the passwords it issued (a revoked session, a clock ahead of ours).
    await new Promise((r) => setTimeout(r, 1500))
    const ended = aws.expireCredentials()
    await Promise.all(workers)
    const fetches = (await client.getDiagnostics()).credentials?.fetches ?? 0
    await client.close()
    const leaked = await expectNoSessions()
    recordFigures({
      scenario: 'credential expiry mid-pool',
      cases: ok + failures.length,
      failures: failures.length,
      leakedConnections: leaked,
      durationMs: since(t0),
      notes: `${fetches} GetClusterCredentials fetches, ${ended} passwords ended early`,
    })
    expect(failures).toEqual([])
    expect(ended).toBeGreaterThan(0)
    expect(fetches).toBeGreaterThanOrEqual(3)
  })
})

/**
 * 300 short queries, 10 sleeps ended by their statement timeout and 10 by an AbortSignal, at once.
 * `shared`: all on one client, so the sleeps queue on pipelined connections with the traffic; else
 * the traffic has a client of its own and the sleepers one connection each (pipelineDepth 1).
 */
async function timeoutsUnderLoad(scenario: string, shared: boolean): Promise<void> {
  const t0 = performance.now()
  const client = clientAt(server.wire, (b) =>
    shared ? b.poolSize(8).maxRetries(0) : b.poolSize(22).pipelineDepth(1).maxRetries(0),
  )
  const traffic = shared ? client : clientAt(server.wire, (b) => b.poolSize(8).maxRetries(0))
  const normal = Array.from({ length: 300 }, (_, i) =>
    traffic.executeQuery(new QueryBuilder('SELECT $1::int AS n').param(i).build()).then(
      (r) => r.rows[0]?.get('n') === i,
      () => false,
    ),
  )
  const timedOut = Array.from({ length: 10 }, () =>
    client.executeQuery(new QueryBuilder('SELECT pg_sleep(30)').timeout(400).build()).then(
      () => 'finished',
      (e: unknown) => (e instanceof QueryTimeoutError ? 'timeout' : String(e)),
    ),
  )
  const aborted = Array.from({ length: 10 }, () => {
    const controller = new AbortController()
    setTimeout(() => controller.abort(), 300)
    return client.executeQuery('SELECT pg_sleep(30)', { signal: controller.signal }).then(
      () => 'finished',
      (e: unknown) =>
        e instanceof QueryCancelledError || e instanceof QueryTimeoutError ? 'cancelled' : String(e),
    )
  })
  const settled = await within(
    20_000,
    Promise.all([Promise.all(normal), Promise.all(timedOut), Promise.all(aborted)]),
  )
  expect(settled.hung).toBe(false)
  if (settled.hung) return
  const [normalOk, timeouts, cancels] = settled.value
  // No sleep is still running on the engine: the cancels reached it.
  await expect
    .poll(
      async () =>
        Number(
          (
            await engine.query<{ n: string }>(
              "SELECT count(*) AS n FROM pg_stat_activity WHERE query LIKE 'SELECT pg_sleep(30)%' AND state = 'active'",
            )
          ).rows[0]?.n,
        ),
      { timeout: 10_000 },
    )
    .toBe(0)
  expect(client.getPoolStats().active).toBe(0)
  const after = await client.executeQuery('SELECT 2 AS two')
  await client.close()
  if (!shared) await traffic.close()
  const leaked = await expectNoSessions()
  const failures =
    normalOk.filter((x) => !x).length +
    timeouts.filter((x) => x !== 'timeout').length +
    cancels.filter((x) => x !== 'cancelled').length
  recordFigures({
    scenario,
    cases: normal.length + timedOut.length + aborted.length,
    failures,
    leakedConnections: leaked,
    hangs: 0,
    durationMs: since(t0),
    notes:
      '10 statement timeouts (400 ms) and 10 AbortSignal cancels (300 ms) of 30 s sleeps among 300 queries',
  })
  expect(timeouts).toEqual(Array(10).fill('timeout'))
  expect(cancels).toEqual(Array(10).fill('cancelled'))
  expect(normalOk.every(Boolean)).toBe(true)
  expect(after.rows[0]?.get('two')).toBe(2)
}

describe('statement timeout and cancel under load', () => {
  it('timed-out and aborted sleeps end as such, on the server too; the traffic around them succeeds', async () => {
    await timeoutsUnderLoad('timeouts and cancel under load', false)
  })
})

// The client-side deadline (statement timeout + 1 s) counts the time a statement waits behind others
// on a pipelined connection: a sleep queued behind another sleep's statement timeout can pass it, and
// the dropped connection fails its neighbours with ConnectionLostError instead of QueryTimeoutError.
// Found here after merging foundations [deadline-fix]; left out by vitest.faults.config.ts until the
// wire transport measures the deadline from when the statement is sent (or settles its own call with
// QueryTimeoutError before dropping the connection).
describe('deadlines on pipelined connections', () => {
  it('timed-out sleeps sharing pipelined connections with traffic end as timeouts, neighbours unharmed', async () => {
    await timeoutsUnderLoad('timeouts and cancel under load, pipelined', true)
  })
})

describe('10,000 concurrent queries on 10 connections', () => {
  it('every result belongs to its query; the pool never opens more than 10', async () => {
    const t0 = performance.now()
    const client = clientAt(server.wire, (b) => b.poolSize(10).connectionTimeout(120_000))
    let maxTotal = 0
    const watch = setInterval(() => {
      maxTotal = Math.max(maxTotal, client.getPoolStats().total)
    }, 5)
    const results = await Promise.all(
      Array.from({ length: 10_000 }, (_, i) =>
        client
          .executeQuery(new QueryBuilder('SELECT $1::int AS n, $2::text AS s').params([i, `q${i}`]).build())
          .then(
            (r) => r.rows.length === 1 && r.rows[0]?.get('n') === i && r.rows[0]?.get('s') === `q${i}`,
            () => false,
          ),
      ),
    )
    clearInterval(watch)
    const stats = client.getPoolStats()
    await client.close()
    const leaked = await expectNoSessions()
    const failures = results.filter((ok) => !ok).length
    recordFigures({
      scenario: '10,000 concurrent queries on 10 connections',
      cases: results.length,
      failures,
      leakedConnections: leaked,
      durationMs: since(t0),
      notes: `pool peaked at ${Math.max(maxTotal, stats.total)} connections, ${stats.createdTotal} created`,
    })
    expect(failures).toBe(0)
    expect(Math.max(maxTotal, stats.total)).toBeLessThanOrEqual(10)
  })
})

describe('COPY and batch interrupted mid-flight', () => {
  it('a batch cut off mid-way is all or nothing; a COPY cut off is all or nothing', async () => {
    const t0 = performance.now()
    const proxy = await startFaultProxy(server.wire)
    const client = clientAt(proxy, (b) => b.poolSize(2).maxRetries(0))
    await client.executeQuery('CREATE TABLE IF NOT EXISTS fault_batch (id int, tag varchar(20))')
    const rounds = 6
    let partial = 0
    let committed = 0
    let failed = 0
    for (let round = 0; round < rounds; round++) {
      const tag = `batch${round}`
      const stmt = await client.prepare(`fault_batch_${round}`, 'INSERT INTO fault_batch VALUES ($1, $2)')
      const rows = Array.from({ length: 400 }, (_, i) => [i, tag] as const)
      // Cut the connection after a varying share of the batch's bytes.
      const cut = proxy.cutAfter('up', 2_000 + round * 3_000)
      const outcome = await client.batchExecute(stmt, rows, { maxRetries: 0 }).then(
        () => 'ok' as const,
        (e: unknown) => e,
      )
      void cut
      proxy.clearCuts()
      const n = Number(
        (await engine.query<{ n: string }>('SELECT count(*) AS n FROM fault_batch WHERE tag = $1', [tag]))
          .rows[0]?.n,
      )
      if (outcome === 'ok') {
        committed++
        if (n !== rows.length) partial++
      } else {
        failed++
        expect(outcome).toBeInstanceOf(ConnectionLostError)
        if (n !== 0 && n !== rows.length) partial++
      }
    }
    // COPY: load from S3 through the same proxy, cut mid-statement.
    const bucket = join(server.s3.dir, 'fault-bucket')
    const { mkdirSync, writeFileSync } = await import('node:fs')
    mkdirSync(join(bucket, 'in'), { recursive: true })
    writeFileSync(
      join(bucket, 'in', 'rows.csv'),
      Array.from({ length: 20_000 }, (_, i) => `${i},copy`).join('\n'),
    )
    await client.executeQuery('CREATE TABLE IF NOT EXISTS fault_copy (id int, tag varchar(20))')
    const { CopyCommandBuilder } = await import('@redshift-kit/client')
    const copy = new CopyCommandBuilder('fault_copy')
      .fromS3('fault-bucket', 'in/')
      .csv()
      .iamRole('default')
      .build()
    let copyPartial = 0
    for (let round = 0; round < 3; round++) {
      await client.executeQuery('TRUNCATE fault_copy')
      const cutting = proxy.cutAfter('down', round === 0 ? 5 : 1)
      const outcome = await client.copyFromS3(copy).then(
        (r) => r.rowsLoaded,
        (e: unknown) => e,
      )
      void cutting
      proxy.clearCuts()
      const n = Number((await engine.query<{ n: string }>('SELECT count(*) AS n FROM fault_copy')).rows[0]?.n)
      if (typeof outcome === 'number') {
        if (n !== 20_000 || outcome !== 20_000) copyPartial++
      } else if (n !== 0 && n !== 20_000) copyPartial++
    }
    await client.close()
    await proxy.close()
    const leaked = await expectNoSessions()
    recordFigures({
      scenario: 'COPY and batch interrupted mid-flight',
      cases: rounds + 3,
      failures: partial + copyPartial,
      lostRows: partial + copyPartial,
      leakedConnections: leaked,
      durationMs: since(t0),
      notes: `${failed} batches cut (all rolled back), ${committed} completed before the cut; 3 COPYs cut`,
    })
    expect(partial).toBe(0)
    expect(copyPartial).toBe(0)
    expect(failed).toBeGreaterThan(0)
  })
})

describe('conflicting transactions with retry', () => {
  it('read-modify-write increments from 8 clients at once: no update lost', async () => {
    const t0 = performance.now()
    const client = clientAt(server.wire, (b) => b.poolSize(8).maxRetries(50).retryBackoff(5))
    await client.executeQuery('DROP TABLE IF EXISTS fault_counter')
    await client.executeQuery('CREATE TABLE fault_counter (id int, n int)')
    await client.executeQuery('INSERT INTO fault_counter VALUES (1, 0), (2, 0)')
    const increments = 200
    let failures = 0
    await Promise.all(
      Array.from({ length: increments }, (_, i) =>
        client
          .executeInTransaction(
            async (tx) => {
              const id = (i % 2) + 1
              const r = await tx.query(
                new QueryBuilder('SELECT n FROM fault_counter WHERE id = $1').param(id).build(),
              )
              const n = Number(r.rows[0]?.get('n'))
              await tx.query(
                new QueryBuilder('UPDATE fault_counter SET n = $1 WHERE id = $2').params([n + 1, id]).build(),
              )
            },
            { maxRetries: 100, retryBackoffMs: 5 },
          )
          .catch(() => {
            failures++
          }),
      ),
    )
    const total = Number(
      (await client.executeQuery('SELECT sum(n) AS s FROM fault_counter')).rows[0]?.get('s'),
    )
    await client.close()
    const leaked = await expectNoSessions()
    recordFigures({
      scenario: 'conflicting transactions with retry',
      cases: increments,
      failures,
      lostRows: increments - failures - total,
      leakedConnections: leaked,
      durationMs: since(t0),
      notes: 'lost rows here = lost updates',
    })
    expect(failures).toBe(0)
    expect(total).toBe(increments)
  })
})

describe('server kill and restart', () => {
  it('every acknowledged row survives a crash of the engine; the same client works after the restart', async () => {
    const t0 = performance.now()
    const port = server.wire.port
    const client = clientAt(server.wire, (b) => b.poolSize(4).maxRetries(0).connectionTimeout(5_000))
    await client.executeQuery('CREATE TABLE IF NOT EXISTS fault_crash (id int)')
    const acked: number[] = []
    let next = 0
    let stop = false
    let errors = 0
    const unexpected: string[] = []
    const writer = async () => {
      while (!stop) {
        const id = next++
        try {
          await client.executeQuery(new QueryBuilder('INSERT INTO fault_crash VALUES ($1)').param(id).build())
          acked.push(id)
        } catch (e) {
          errors++
          // The outage's errors: lost and refused connections, and the circuit breaker refusing to
          // send anything while the endpoint is down (it lets a probe through once it may be back).
          const outage =
            e instanceof ConnectionLostError ||
            e instanceof ConnectionFailedError ||
            e instanceof CircuitOpenError
          if (!(outage || isRetryable(e))) {
            unexpected.push(`${(e as Error).name}: ${(e as Error).message}`)
          }
          await new Promise((r) => setTimeout(r, 20))
        }
      }
    }
    const writers = Array.from({ length: 4 }, writer)
    await expect.poll(() => acked.length, { timeout: 20_000 }).toBeGreaterThan(200)
    // SIGKILL the engine's postmaster: a crash, with writes in flight.
    const pid = Number(readFileSync(join(server.dataDir, 'postmaster.pid'), 'utf8').split('\n')[0])
    process.kill(pid, 'SIGKILL')
    await engine.end().catch(() => undefined)
    await new Promise((r) => setTimeout(r, 500))
    const ackedBeforeRestart = acked.length
    await server.stop()
    server = await startServer({ dataDir: join(dataDir, 'pg'), port })
    // The restarted engine keeps the first start's superuser password, not the one `server.engine`
    // now reports (a limitation of redshift-local's restart, left to its owners): count and watch
    // sessions through the gateway as the admin user instead.
    engine = await gatewayAdmin(server)
    // The client lives on: its next queries go to the restarted server.
    await expect
      .poll(async () => acked.length, { timeout: 60_000, interval: 200 })
      .toBeGreaterThan(ackedBeforeRestart + 50)
      .catch((e: unknown) => {
        const seen = [...new Set(unexpected)].slice(0, 5).join(' | ')
        throw new Error(`no progress after the restart; unexpected errors: ${seen}`, { cause: e })
      })
    stop = true
    await Promise.all(writers)
    const rows = (await engine.query<{ id: number }>('SELECT id FROM fault_crash')).rows.map((r) => r.id)
    const present = new Set(rows)
    const lost = acked.filter((id) => !present.has(id)).length
    const duplicated = rows.length - present.size
    await client.close()
    const leaked = await expectNoSessions()
    recordFigures({
      scenario: 'server kill and restart',
      cases: next,
      failures: lost + duplicated,
      lostRows: lost,
      duplicatedRows: duplicated,
      leakedConnections: leaked,
      durationMs: since(t0),
      notes: `${acked.length} inserts acknowledged, ${errors} failed during the outage (expected)`,
    })
    expect(lost).toBe(0)
    expect(duplicated).toBe(0)
    expect([...new Set(unexpected)]).toEqual([])
  })
})
