// A recording made against the local Redshift (the test run's shared redshift-local), then replayed
// with no server at all: every result, error and stream comes back identical.
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  createClient,
  isRedshiftError,
  json,
  QueryBuilder,
  type QueryResult,
  type RedshiftClient,
  RedshiftConfig,
} from '@redshift-kit/client'
import { QueryRecorder, QueryReplayer, type RedshiftClientApi } from '@redshift-kit/client/simulation'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { configFor, startTestServer, type TestServer } from '../integration/server.js'

const TABLE = 'sim_replay_items'

/** The workload, written once against the shared client interface: it runs on both clients alike. */
async function workload(client: RedshiftClientApi): Promise<unknown[]> {
  const out: unknown[] = []
  const shape = (r: QueryResult) => ({
    columns: r.columns.map((c) => ({ ...c })),
    rows: r.rows.map((row) => row.values),
    rowsAffected: r.rowsAffected,
    command: r.command,
    queryId: r.queryId,
  })
  const failure = (e: unknown) =>
    isRedshiftError(e) ? { name: e.name, code: e.code, message: e.message, sqlState: e.sqlState } : String(e)
  out.push(shape(await client.executeQuery(`DROP TABLE IF EXISTS ${TABLE}`)))
  out.push(
    shape(
      await client.executeQuery(
        `CREATE TABLE ${TABLE} (id BIGINT, price DECIMAL(38,9), ratio DOUBLE PRECISION, label VARCHAR(40), made TIMESTAMP, made_tz TIMESTAMPTZ, day DATE, flag BOOLEAN, doc SUPER, raw VARBYTE(16))`,
      ),
    ),
  )
  const insert = await client.prepare(
    'add_item',
    `INSERT INTO ${TABLE} VALUES ($1, $2, $3, $4, $5, $6, $7, $8, JSON_PARSE($9), $10)`,
  )
  out.push(
    (
      await client.batchExecute(insert, [
        [
          9_007_199_254_740_993n,
          '12345678901234567890.123456789',
          0.1,
          'first',
          new Date('2024-01-02T03:04:05.678Z'),
          new Date('2024-06-01T12:00:00Z'),
          '2024-02-29',
          true,
          json({ a: [1, 'x'], n: null }),
          new Uint8Array([0, 1, 254, 255]),
        ],
        [
          -1n,
          '-0.000000001',
          Number.NaN,
          "it's",
          new Date('1999-12-31T23:59:59Z'),
          new Date('2000-01-01T00:00:00Z'),
          '2000-01-01',
          false,
          json('text'),
          new Uint8Array([]),
        ],
        [3n, null, Number.POSITIVE_INFINITY, null, null, null, null, null, json(null), null],
      ])
    ).map((r) => r.rowsAffected),
  )
  await client.deallocate(insert)
  out.push(
    shape(
      await client.executeQuery(
        new QueryBuilder(`SELECT * FROM ${TABLE} WHERE id > $1 ORDER BY id`).param(-10n).build(),
      ),
    ),
  )
  out.push(
    shape(await client.executeQuery(`SELECT COUNT(*) AS n, SUM(id) AS s, MAX(made) AS latest FROM ${TABLE}`)),
  )
  out.push(await client.executeQuery('SELECT nope FROM nowhere').catch(failure))
  out.push(
    await client.executeInTransaction(async (tx) => {
      const n = await tx.execute(`UPDATE ${TABLE} SET label = 'changed' WHERE id = 3`)
      return n
    }),
  )
  const stream = await client.streamResults(`SELECT id, label FROM ${TABLE} ORDER BY id`, { fetchSize: 2 })
  const batches: unknown[] = []
  let batch = await stream.nextBatch()
  while (batch !== null) {
    batches.push(batch.map((r) => r.values))
    batch = await stream.nextBatch()
  }
  await stream.close()
  out.push(batches)
  out.push(shape(await client.executeQuery(`DROP TABLE ${TABLE}`)))
  return out
}

let server: TestServer
let dir: string

beforeAll(async () => {
  server = await startTestServer()
  dir = await mkdtemp(join(tmpdir(), 'rk-recording-'))
})

afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
  await server?.stop()
})

describe('record against redshift-local, replay without it', () => {
  it('gives identical results, errors and streams', async () => {
    const recorder = new QueryRecorder()
    const real: RedshiftClient = recorder.createClient(configFor(server).poolSize(2).build())
    recorder.startRecording()
    const recorded = await workload(real)
    recorder.stopRecording()
    await real.close()
    const path = join(dir, 'workload.json')
    await recorder.save(path)
    // The workload did reach the server: exact values of every kind, an error, a stream.
    const selected = recorded[3] as { rows: unknown[][] }
    expect(selected.rows[0]).toEqual([
      -1n,
      '-0.000000001',
      Number.NaN,
      "it's",
      new Date('1999-12-31T23:59:59Z'),
      new Date('2000-01-01T00:00:00Z'),
      '2000-01-01',
      false,
      'text',
      new Uint8Array([]),
    ])
    expect(selected.rows[2]?.slice(0, 3)).toEqual([
      9_007_199_254_740_993n,
      '12345678901234567890.123456789',
      0.1,
    ])
    expect(selected.rows[2]?.[8]).toEqual({ a: [1, 'x'], n: null })
    expect(selected.rows[2]?.[9]).toEqual(new Uint8Array([0, 1, 254, 255]))
    expect(recorded[5]).toMatchObject({ code: 'NOT_FOUND', sqlState: '42P01' })
    expect(recorded[7]).toEqual([
      [
        [-1n, "it's"],
        [3n, 'changed'],
      ],
      [[9_007_199_254_740_993n, 'first']],
    ])

    // The file is the documented, versioned JSON, with no password in it.
    const text = await readFile(path, 'utf8')
    const file = JSON.parse(text) as { format: string; version: number; exchanges: unknown[] }
    expect([file.format, file.version]).toEqual(['redshift-kit/recording', 1])
    expect(file.exchanges.length).toBeGreaterThan(10)
    expect(text).not.toContain(server.password)

    // Replayed with no server: a client from the file, and a config that points nowhere.
    const replayer = await QueryReplayer.load(path)
    const offline = replayer.createClient(
      RedshiftConfig.builder()
        .endpoint('nowhere.invalid', 5439, 'dev')
        .withDatabaseAuth('nobody', 'x')
        .build(),
    )
    const replayed = await workload(offline)
    expect(replayed).toEqual(recorded)
    expect(replayer.remaining).toBe(0)
    await offline.close()

    // A statement the recording does not hold fails clearly.
    replayer.reset()
    const again = replayer.createClient()
    const missing = await again.executeQuery('SELECT 42').catch((e: unknown) => e)
    expect(String((missing as Error).message)).toMatch(
      /the recording holds no execute of this statement: SELECT 42/,
    )
    await again.close()
  }, 60_000)

  it('QueryReplayer.nextResponse answers from a recorder directly', async () => {
    const recorder = new QueryRecorder()
    const real = recorder.createClient(configFor(server).build())
    recorder.startRecording()
    const live = await real.executeQuery(
      new QueryBuilder('SELECT $1::bigint * 2 AS doubled').param(21n).build(),
    )
    recorder.stopRecording()
    await real.executeQuery('SELECT 1') // not recorded
    await real.close()
    expect(recorder.exchanges).toHaveLength(1)

    const replayer = QueryReplayer.fromRecorder(recorder)
    const query = new QueryBuilder('SELECT $1::bigint * 2 AS doubled').param(21n).build()
    const first = replayer.nextResponse(query)
    expect(first?.rows[0]?.get('doubled')).toBe(42n)
    expect(first?.rows.map((r) => r.values)).toEqual(live.rows.map((r) => r.values))
    expect(replayer.nextResponse(query)).toBeUndefined()
    replayer.reset()
    expect(replayer.nextResponse(query)?.queryId).toBe(live.queryId)
    expect(
      replayer.nextResponse(new QueryBuilder('SELECT $1::bigint * 2 AS doubled').param(22n).build()),
    ).toBeUndefined()
  })

  it('createClient over a custom transport records too', async () => {
    const recorder = new QueryRecorder()
    const client = createClient(configFor(server).build(), { wrapTransport: (t) => recorder.wrap(t) })
    recorder.startRecording()
    await client.executeQuery('SELECT 1 AS one')
    await client.close()
    expect(recorder.exchanges[0]).toMatchObject({ op: 'execute', sql: 'SELECT 1 AS one', session: null })
  })
})
