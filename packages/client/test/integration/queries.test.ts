import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { createClient, createClientFromEnv, type RedshiftClient } from '../../src/client.js'
import { ConfigError, NotFoundError, QueryTimeoutError, ValidationError } from '../../src/errors/index.js'
import { QueryBuilder } from '../../src/query/query-builder.js'
import { json } from '../../src/types/value.js'
import { configFor, SERVER_SPEAKS_REDSHIFT, startTestServer, type TestServer } from './server.js'

let server: TestServer
let client: RedshiftClient

beforeAll(async () => {
  server = await startTestServer()
  client = createClient(configFor(server).poolSize(3).build())
})
afterEach(() => {
  // Every test gives back every connection it used.
  expect(client.getPoolStats()).toMatchObject({ active: 0, waiting: 0, pending: 0 })
})
afterAll(async () => {
  await client?.close()
  await server?.stop()
})

describe('queries over the wire', () => {
  it('connects lazily: creating a client opens nothing', () => {
    const lazy = createClient(configFor(server).build())
    expect(lazy.getPoolStats()).toMatchObject({ total: 0, createdTotal: 0 })
    return lazy.close()
  })

  it('round-trips every type, losslessly', async () => {
    const r = await client.executeQuery(`
      SELECT 1::smallint AS si, 2::integer AS i, 9007199254740993::bigint AS bi,
             12345678901234567890.123456789::numeric(38,9) AS dec,
             1.5::real AS r, 2.25::double precision AS d, true AS b,
             'ab'::char(4) AS ch, 'héllo'::varchar(20) AS vc,
             '2024-02-29'::date AS dt, '13:14:15'::time AS t,
             '2024-01-02 03:04:05.678'::timestamp AS ts,
             '2024-01-02 03:04:05.678+02'::timestamptz AS tstz,
             '1 day 02:00:00'::interval AS iv, NULL::integer AS n`)
    const row = r.toObjects()[0]
    expect(row).toEqual({
      si: 1,
      i: 2,
      bi: 9007199254740993n,
      dec: '12345678901234567890.123456789',
      r: 1.5,
      d: 2.25,
      b: true,
      ch: 'ab  ',
      vc: 'héllo',
      dt: '2024-02-29',
      t: '13:14:15',
      ts: new Date(Date.UTC(2024, 0, 2, 3, 4, 5, 678)),
      tstz: new Date(Date.UTC(2024, 0, 2, 1, 4, 5, 678)),
      iv: '1 day 02:00:00',
      n: null,
    })
    expect(r.columns.map((c) => c.dataType)).toEqual([
      'SMALLINT',
      'INTEGER',
      'BIGINT',
      'DECIMAL',
      'REAL',
      'DOUBLE PRECISION',
      'BOOLEAN',
      'CHAR',
      'VARCHAR',
      'DATE',
      'TIME',
      'TIMESTAMP',
      'TIMESTAMPTZ',
      'INTERVAL',
      'INTEGER',
    ])
    expect(r.columns[3]).toMatchObject({ precision: 38, scale: 9 })
    expect(r.columns[8]).toMatchObject({ length: 20 })
  })

  it('binds every parameter kind and reads it back', async () => {
    const bytes = new Uint8Array([0, 1, 254, 255])
    const q = new QueryBuilder(
      'SELECT $1::integer AS i, $2::bigint AS bi, $3::text AS s, $4::boolean AS b, $5::timestamptz AS ts, ' +
        '$6::bytea AS bytes, $7::text AS j, $8::numeric(10,2) AS dec, $9::text AS n',
    )
      .param(42)
      .param(-9007199254740993n)
      .param("it's")
      .param(false)
      .param(new Date(Date.UTC(2023, 11, 31, 23, 59, 59, 999)))
      .param(bytes)
      .param(json({ a: [1, 2] }))
      .param('12.50')
      .param(null)
      .build()
    const row = (await client.executeQuery(q)).toObjects()[0]
    expect(row).toEqual({
      i: 42,
      bi: -9007199254740993n,
      s: "it's",
      b: false,
      ts: new Date(Date.UTC(2023, 11, 31, 23, 59, 59, 999)),
      bytes: new Uint8Array([0, 1, 254, 255]),
      j: '{"a":[1,2]}',
      dec: '12.50',
      n: null,
    })
  })

  it("reports Redshift's query id, rows affected and timing", async () => {
    await client.executeQuery('CREATE TABLE IF NOT EXISTS affected (id int)')
    const insert = await client.executeQuery('INSERT INTO affected SELECT generate_series(1, 5)')
    expect(insert.rowsAffected).toBe(5)
    expect(insert.queryId).toMatch(/^\d+$/)
    expect(insert.executionTimeMs).toBeGreaterThanOrEqual(0)
    const next = await client.executeQuery('SELECT count(*) FROM affected')
    expect(Number(next.queryId)).toBeGreaterThan(Number(insert.queryId))
    expect(next.rows[0]?.get(0)).toBe(5n)
  })

  it('times a query out with its own timeout, then runs the next one without it', async () => {
    const slow = new QueryBuilder('SELECT pg_sleep(2)').timeout(100).build()
    const error = await client.executeQuery(slow).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(QueryTimeoutError)
    expect(error).toMatchObject({ sqlState: '57014', timeoutMs: 100 })
    const r = await client.executeQuery('SELECT pg_sleep(0.2)::text AS slept')
    expect(r.rows[0]?.get('slept')).toBe('')
  })

  it('refuses bad parameters before sending anything', async () => {
    const before = client.getPoolStats().acquiredTotal
    await expect(client.executeQuery({ sql: 'SELECT $1', params: [[1, 2] as never] })).rejects.toBeInstanceOf(
      ValidationError,
    )
    expect(client.getPoolStats().acquiredTotal).toBe(before)
  })

  it('keeps a connection after a statement error, and reports the error', async () => {
    const created = client.getPoolStats().createdTotal
    await expect(client.executeQuery('SELECT * FROM missing_table')).rejects.toMatchObject({
      code: 'NOT_FOUND',
      sqlState: '42P01',
    })
    await client.executeQuery('SELECT 1')
    expect(client.getPoolStats().createdTotal).toBe(created)
  })

  it('answers a health check and diagnostics without secrets', async () => {
    const health = await client.healthCheck()
    expect(health).toMatchObject({ healthy: true })
    expect(health.latencyMs).toBeGreaterThanOrEqual(0)
    const d = await client.getDiagnostics()
    expect(d).toMatchObject({
      transport: 'wire',
      endpoint: { host: server.host, port: server.port, database: server.database },
      tls: { enabled: false, mode: 'disable' },
      authMethod: 'password',
      user: server.user,
      closed: false,
    })
    expect(d.serverVersion).toMatch(/^\d+/)
    expect(d.serverVersionText).toMatch(/PostgreSQL|Redshift/)
    expect(d.recentErrors.some((e) => e.code === 'NOT_FOUND')).toBe(true)
    expect(JSON.stringify(d)).not.toContain(server.password)
  })

  it('reports an unreachable server as unhealthy instead of throwing', async () => {
    const dead = createClient(
      configFor(server).endpoint('127.0.0.1', 1, 'postgres').maxRetries(0).connectionTimeout(1000).build(),
    )
    const health = await dead.healthCheck()
    expect(health).toMatchObject({ healthy: false, error: { code: 'CONNECTION_FAILED' } })
    await dead.close()
  })

  it('creates a client from REDSHIFT_* variables, or names what is missing', async () => {
    const env = {
      REDSHIFT_HOST: server.host,
      REDSHIFT_PORT: String(server.port),
      REDSHIFT_DATABASE: server.database,
      REDSHIFT_USER: server.user,
      REDSHIFT_PASSWORD: server.password,
      REDSHIFT_SSL_MODE: 'disable',
    }
    const fromEnv = createClientFromEnv(env)
    expect((await fromEnv.executeQuery('SELECT current_user AS u')).rows[0]?.get('u')).toBe(server.user)
    await fromEnv.close()
    expect(() => createClientFromEnv({})).toThrow(ConfigError)
  })

  it('applies setQueryGroup to later queries, and null goes back to none', async () => {
    await expect(client.setQueryGroup('')).rejects.toBeInstanceOf(ValidationError)
    await client.setQueryGroup('etl')
    expect((await client.getDiagnostics()).settings.queryGroup).toBe('etl')
    if (SERVER_SPEAKS_REDSHIFT) {
      expect((await client.executeQuery('SHOW query_group')).rows[0]?.get(0)).toBe('etl')
    } else {
      // PostgreSQL has no query_group setting: the SET the client now sends is refused.
      await expect(client.executeQuery('SELECT 1')).rejects.toBeInstanceOf(NotFoundError)
    }
    await client.setQueryGroup(null)
    expect((await client.getDiagnostics()).settings.queryGroup).toBeNull()
    expect((await client.executeQuery('SELECT 1 AS one')).rows[0]?.get('one')).toBe(1)
  })

  it('sslmode prefer and require use the TLS the server offers; verify-full checks its CA', async () => {
    const prefer = createClient(configFor(server).sslMode('prefer').build())
    expect((await prefer.executeQuery('SELECT 1 AS one')).rows[0]?.get('one')).toBe(1)
    expect((await prefer.getDiagnostics()).tls).toEqual({ enabled: true, mode: 'prefer' })
    await prefer.close()
    const require = createClient(configFor(server).sslMode('require').build())
    expect((await require.executeQuery('SELECT 2 AS two')).rows[0]?.get('two')).toBe(2)
    await require.close()
    const verified = createClient(configFor(server).sslMode('verify-full').sslCa(server.caCert).build())
    expect((await verified.executeQuery('SELECT 3 AS three')).rows[0]?.get('three')).toBe(3)
    await verified.close()
    // Without the generated CA the self-signed chain is not trusted: no silent downgrade.
    const untrusted = createClient(configFor(server).sslMode('verify-full').maxRetries(0).build())
    await expect(untrusted.executeQuery('SELECT 1')).rejects.toMatchObject({ code: 'CONNECTION_FAILED' })
    await untrusted.close()
  })
})
