import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { WireConnection, type WireConnectionOptions } from '../../src/transport/wire/wire-connection.js'
import { startTestServer, type TestServer } from './server.js'

let server: TestServer
let options: WireConnectionOptions

beforeAll(async () => {
  server = await startTestServer()
  options = {
    host: server.host,
    port: server.port,
    database: server.database,
    user: server.user,
    password: server.password,
    ssl: false,
    connectTimeoutMs: 5_000,
    keepAliveInitialDelayMs: 30_000,
    applicationName: 'redshift-kit-test',
    types: pg.types,
    managedSettings: ['statement_timeout'],
  }
})
afterAll(async () => {
  await server?.stop()
})

const run = (
  c: WireConnection,
  sql: string,
  settings: Record<string, string | null> = {},
  fetchQueryId = false,
) => c.run({ sql, values: [], settings, fetchQueryId })

describe('wire connection', () => {
  it('applies a setting once, keeps it while unchanged, and resets it to the server default', async () => {
    const c = await WireConnection.open(options, () => undefined)
    try {
      const shown = await run(c, 'SHOW statement_timeout', { statement_timeout: '5000' })
      expect(shown.rows[0]?.[0]).toBe('5s')
      expect(c.knownSetting('statement_timeout')).toBe('5000')
      expect((await run(c, 'SHOW statement_timeout', { statement_timeout: '5000' })).rows[0]?.[0]).toBe('5s')
      expect((await run(c, 'SHOW statement_timeout', { statement_timeout: null })).rows[0]?.[0]).toBe('0')
      expect(c.knownSetting('statement_timeout')).toBeNull()
    } finally {
      await c.close()
    }
  })

  it('forgets what it knew when the user changes a setting, and sets it again', async () => {
    const c = await WireConnection.open(options, () => undefined)
    try {
      await run(c, 'SELECT 1', { statement_timeout: '7000' })
      await run(c, "SET statement_timeout TO '1234'")
      expect(c.knownSetting('statement_timeout')).toBeUndefined()
      expect((await run(c, 'SHOW statement_timeout', { statement_timeout: '7000' })).rows[0]?.[0]).toBe('7s')
    } finally {
      await c.close()
    }
  })

  it('forgets settings changed inside a transaction once it ends (a ROLLBACK undoes the SET)', async () => {
    const c = await WireConnection.open(options, () => undefined)
    try {
      await c.simple('BEGIN')
      await run(c, 'SELECT 1', { statement_timeout: '3000' })
      await c.simple('ROLLBACK')
      expect(c.knownSetting('statement_timeout')).toBeUndefined()
      expect((await run(c, 'SHOW statement_timeout', { statement_timeout: '3000' })).rows[0]?.[0]).toBe('3s')
    } finally {
      await c.close()
    }
  })

  it('fetches the query id in the same round trip, and fails a statement with its own error', async () => {
    const c = await WireConnection.open(options, () => undefined)
    try {
      const first = await run(c, 'SELECT 1', {}, true)
      const second = await run(c, 'SELECT 2', {}, true)
      expect(first.queryId).toMatch(/^\d+$/)
      expect(Number(second.queryId)).toBeGreaterThan(Number(first.queryId))
      await expect(run(c, 'SELECT * FROM no_such_table', {}, true)).rejects.toMatchObject({ code: '42P01' })
      expect((await run(c, 'SELECT 3', {}, true)).rows).toEqual([[3]])
    } finally {
      await c.close()
    }
  })

  it('describes a statement without running it, then executes it by name without parsing again', async () => {
    const c = await WireConnection.open(options, () => undefined)
    try {
      const fields = await c.describe('rk_1_t', 'SELECT $1::int AS n, $2::text AS s')
      expect(fields.map((f) => [f.name, f.dataTypeID])).toEqual([
        ['n', 23],
        ['s', 25],
      ])
      expect(c.hasPrepared('rk_1_t')).toBe(true)
      const result = await c.run({
        sql: 'SELECT $1::int AS n, $2::text AS s',
        name: 'rk_1_t',
        values: ['5', 'x'],
        settings: {},
        fetchQueryId: false,
      })
      expect(result.rows).toEqual([[5, 'x']])
      c.retire('rk_1_t')
      await run(c, 'SELECT 1')
      const left = await run(c, "SELECT count(*)::int FROM pg_prepared_statements WHERE name = 'rk_1_t'")
      expect(left.rows).toEqual([[0]])
    } finally {
      await c.close()
    }
  })

  it('reports its death when the backend is terminated while idle', async () => {
    let reported: unknown
    const died = new Promise<void>((resolve) => {
      void WireConnection.open(options, (error) => {
        reported = error
        resolve()
      }).then(async (c) => {
        const admin = await server.admin()
        await admin.query('SELECT pg_terminate_backend($1)', [c.pid])
        await admin.end()
      })
    })
    await died
    expect(String(reported)).toMatch(/terminat/i)
  })
})
