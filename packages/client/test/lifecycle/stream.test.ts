import { Writable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { createClient, type RedshiftClient } from '../../src/client.js'
import { RedshiftConfig } from '../../src/config/redshift-config.js'
import { QueryCancelledError, QueryFailedError, ValidationError } from '../../src/errors/index.js'
import { QueryBuilder } from '../../src/query/query-builder.js'
import type { Row } from '../../src/query/row.js'
import { configFor, startTestServer, type TestServer } from '../integration/server.js'

let server: TestServer
let client: RedshiftClient

const numbers = (n: number) =>
  `SELECT g AS n, 'row ' || g AS label FROM generate_series(1, ${n}) AS g ORDER BY g`

/** Waits (up to 10 s) until `ready()` holds: for what no event announces, such as a prefetch arriving. */
async function eventually(ready: () => boolean): Promise<void> {
  for (const started = Date.now(); !ready() && Date.now() - started < 10_000; ) {
    await new Promise((r) => setTimeout(r, 5))
  }
}

/** Resolves once the pool has every connection back (releases happen as the stream ends). */
function poolSettled(c: RedshiftClient): Promise<void> {
  return eventually(() => c.getPoolStats().active === 0)
}

beforeAll(async () => {
  server = await startTestServer()
  const admin = await server.admin()
  await admin.query(`
    DROP TABLE IF EXISTS events;
    CREATE TABLE events (id bigint, year int, kind varchar(20), amount numeric(12,2), at timestamp, ok boolean);
    INSERT INTO events SELECT g, CASE WHEN g % 4 = 0 THEN 2023 ELSE 2024 END, 'kind-' || (g % 7), g / 100.0,
      timestamp '2024-01-01' + g * interval '1 minute', g % 3 = 0
    FROM generate_series(1, 250000) g;`)
  await admin.end()
  client = createClient(configFor(server).poolSize(3).fetchSize(500).build())
})
afterEach(async () => {
  await poolSettled(client)
  // Every test gives back every connection it used.
  expect(client.getPoolStats()).toMatchObject({ active: 0, waiting: 0 })
})
afterAll(async () => {
  await client?.close()
  await server?.stop()
})

describe('seed example 7.2: streaming large results', () => {
  it('runs as written: batches until null, every row once, the connection back at the end', async () => {
    const config = RedshiftConfig.builder()
      .endpoint(server.host, server.port, server.database)
      .withDatabaseAuth(server.user, server.password)
      .sslMode('disable')
      .build()
    const seedClient = createClient(config)
    const query = new QueryBuilder('SELECT * FROM events WHERE year = 2024').timeout(300_000).build()
    const stream = await seedClient.streamResults(query)
    let totalRows = 0
    let batches = 0
    let batch: Row[] | null
    // biome-ignore lint/suspicious/noAssignInExpressions: the seed's loop, as written
    while ((batch = await stream.nextBatch()) !== null) {
      for (const row of batch) {
        expect(row.get('year')).toBe(2024)
        totalRows += 1
      }
      batches++
    }
    expect(totalRows).toBe(187_500)
    expect(batches).toBe(Math.ceil(187_500 / config.fetchSize))
    expect(stream.rowsRead).toBe(187_500)
    expect(stream.closed).toBe(true)
    expect(stream.queryId).toMatch(/^\d+$/)
    expect(seedClient.getPoolStats()).toMatchObject({ active: 0, idle: 1 })
    await seedClient.close()
  })
})

describe('streamResults', () => {
  it('gives the same values and columns as executeQuery', async () => {
    const sql = `SELECT 1::smallint AS si, 9007199254740993::bigint AS bi, -42::bigint AS small_bi,
      12345678901234567890.123456789::numeric(38,9) AS dec, 1.5::real AS r, 2.25::double precision AS d,
      true AS b, 'ab'::char(4) AS ch, 'héllo ✓'::varchar(20) AS vc, '2024-02-29'::date AS dt,
      '2024-01-02 03:04:05.678912'::timestamp AS ts, '2024-01-02 03:04:05.678+02'::timestamptz AS tstz,
      '0099-06-01 00:00:00'::timestamp AS old_ts, 'infinity'::timestamp AS inf, NULL::integer AS n,
      json_serialize(json_parse('{"a":[1,2]}')) AS js`
    const expected = await client.executeQuery(sql)
    const stream = await client.streamResults(sql)
    const rows = await stream.nextBatch()
    expect(await stream.nextBatch()).toBeNull()
    expect(rows?.map((r) => r.toObject())).toEqual(expected.toObjects())
    expect(stream.columns).toEqual(expected.columns)
  })

  it('is an async iterable of rows, and a for-await loop left early closes it', async () => {
    const stream = await client.streamResults(numbers(10_000), { fetchSize: 100 })
    const seen: number[] = []
    for await (const row of stream) {
      seen.push(row.get('n') as number)
      if (seen.length === 250) break
    }
    expect(seen).toEqual(Array.from({ length: 250 }, (_, i) => i + 1))
    expect(stream.closed).toBe(true)
    expect(await stream.nextBatch()).toBeNull()
  })

  it('closes early on close(): the connection goes back and is reused', async () => {
    const before = client.getPoolStats()
    const stream = await client.streamResults(numbers(100_000), { fetchSize: 1000 })
    expect((await stream.nextBatch())?.length).toBe(1000)
    expect(client.getPoolStats().active).toBe(1)
    await stream.close()
    await stream.close()
    const after = client.getPoolStats()
    expect(after.active).toBe(0)
    expect(after.destroyedTotal).toBe(before.destroyedTotal)
    // The same connection serves the next query: no transaction or portal was left behind.
    const r = await client.executeQuery('SELECT 1 AS one')
    expect(r.rows[0]?.get('one')).toBe(1)
  })

  it('stops fetching when the reader stops: one batch ahead at most', async () => {
    const stream = await client.streamResults(numbers(50_000), { fetchSize: 200 })
    try {
      expect((await stream.nextBatch())?.length).toBe(200)
      // The batch fetched ahead arrives; then nothing more is asked for until the reader reads.
      await eventually(() => stream.rowsFetched >= 400)
      expect(stream.rowsFetched).toBe(400)
      for (let i = 0; i < 5; i++) await client.executeQuery('SELECT 1')
      expect(stream.rowsFetched).toBe(400)
      expect(stream.rowsRead).toBe(200)
      expect((await stream.nextBatch())?.[0]?.get('n')).toBe(201)
    } finally {
      await stream.close()
    }
  })

  it('adapts to a Node Readable with backpressure', async () => {
    const stream = await client.streamResults(numbers(20_000), { fetchSize: 500 })
    const readable = stream.toReadable({ highWaterMark: 100 })
    let received = 0
    let maxAhead = 0
    await pipeline(
      readable,
      new Writable({
        objectMode: true,
        highWaterMark: 1,
        write(row: Row, _enc, done) {
          received++
          // Fetched minus consumed: what the stream and the Readable hold ahead of this slow writer.
          maxAhead = Math.max(maxAhead, stream.rowsFetched - received)
          expect(row.get('n')).toBe(received)
          setImmediate(done)
        },
      }),
    )
    expect(received).toBe(20_000)
    // The batch being read, one fetched ahead, and the Readable's own buffer.
    expect(maxAhead).toBeLessThanOrEqual(2 * 500 + 100 + 1)
    expect(stream.closed).toBe(true)
  })

  it('destroying the Readable closes the stream', async () => {
    const stream = await client.streamResults(numbers(50_000), { fetchSize: 500 })
    const readable = stream.toReadable()
    let count = 0
    readable.on('data', () => {
      if (++count === 10) readable.destroy()
    })
    await stream.whenClosed()
    expect(count).toBe(10)
    expect(stream.closed).toBe(true)
  })

  it('fails with the query error mid-stream and gives the connection back', async () => {
    const stream = await client.streamResults(
      'SELECT g, 10 / (g - 1500) AS boom FROM generate_series(1, 3000) AS g',
      { fetchSize: 1000 },
    )
    expect((await stream.nextBatch())?.length).toBe(1000)
    await expect(stream.nextBatch()).rejects.toMatchObject({ code: 'QUERY_FAILED', sqlState: '22012' })
    expect(stream.closed).toBe(true)
    await poolSettled(client)
    expect((await client.executeQuery('SELECT 2 AS two')).rows[0]?.get('two')).toBe(2)
  })

  it('fails to open on a bad statement, without keeping a connection', async () => {
    await expect(client.streamResults('SELECT * FROM no_such_table')).rejects.toMatchObject({
      code: 'NOT_FOUND',
    })
  })

  it('streams an empty result and a statement without rows', async () => {
    const empty = await client.streamResults('SELECT 1 AS x WHERE false')
    expect(empty.columns.map((c) => c.name)).toEqual(['x'])
    expect(await empty.nextBatch()).toBeNull()
    const none = await client.streamResults('CREATE TEMP TABLE stream_tmp (a int)')
    expect(none.columns).toEqual([])
    expect(await none.nextBatch()).toBeNull()
  })

  it('closes an abandoned stream after its idle timeout', async () => {
    const stream = await client.streamResults(numbers(10_000), { fetchSize: 100, idleTimeoutMs: 50 })
    expect((await stream.nextBatch())?.length).toBe(100)
    await stream.whenClosed()
    await poolSettled(client)
    expect(client.getPoolStats().active).toBe(0)
    await expect(stream.nextBatch()).rejects.toBeInstanceOf(QueryFailedError)
  })

  it('frees the connection of a stream dropped unclosed, once it is garbage collected', async () => {
    setFlagsFromString('--expose-gc')
    const gc = runInNewContext('gc') as () => void
    const own = createClient(configFor(server).poolSize(1).build())
    await (async () => {
      const dropped = await own.streamResults(numbers(10_000), { fetchSize: 100, idleTimeoutMs: 0 })
      await dropped.nextBatch()
    })()
    expect(own.getPoolStats().active).toBe(1)
    // Finalizers run some time after a collection: collect until the pool has the connection back.
    await eventually(() => {
      gc()
      return own.getPoolStats().active === 0
    })
    expect(own.getPoolStats()).toMatchObject({ active: 0, idle: 1 })
    expect((await own.executeQuery('SELECT 3 AS three')).rows[0]?.get('three')).toBe(3)
    await own.close()
  })

  it('aborting its signal cancels the query and fails the pending read', async () => {
    const controller = new AbortController()
    const stream = await client.streamResults(
      'SELECT g, pg_sleep(CASE WHEN g = 600 THEN 30 ELSE 0 END) FROM generate_series(1, 1000) AS g',
      { fetchSize: 500, signal: controller.signal },
    )
    expect((await stream.nextBatch())?.length).toBe(500)
    const pending = stream.nextBatch()
    setTimeout(() => controller.abort(), 50)
    const started = Date.now()
    await expect(pending).rejects.toBeInstanceOf(QueryCancelledError)
    expect(Date.now() - started).toBeLessThan(10_000)
  })

  it('refuses bad options with a ValidationError', async () => {
    await expect(client.streamResults('SELECT 1', { fetchSize: 0 })).rejects.toBeInstanceOf(ValidationError)
  })

  it('closing the client closes open streams', async () => {
    const own = createClient(configFor(server).poolSize(1).build())
    const stream = await own.streamResults(numbers(10_000), { fetchSize: 100 })
    await stream.nextBatch()
    await own.close()
    expect(own.getPoolStats()).toMatchObject({ total: 0, active: 0 })
  })
})
