import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest'
import { ADMIN, ALICE, startTestGateway, type TestGateway } from './helpers.js'
import { errorFields, msg, RawClient } from './raw-client.js'

const run = promisify(execFile)
let t: TestGateway

beforeAll(async () => {
  t = await startTestGateway()
})
afterAll(async () => {
  await t?.stop()
})

const REDSHIFT_KEYS = {
  client_protocol_version: '2',
  driver_version: '2.1.0',
  os_version: 'Linux',
  plugin_name: 'none',
  driver_discovery_version: '1',
  idp_type: 'AzureAD',
  provider_name: 'x',
  token_type: 'ACCESS_TOKEN',
  identity_namespace: 'ns',
  idc_client_display_name: 'tests',
  some_unknown_key: 'ignored',
}

describe('startup', () => {
  test('accepts the keys Redshift drivers send and reports Redshift parameters', async () => {
    const { client, error } = await RawClient.connect(
      t.gateway.port,
      { user: ALICE.name, database: 'dev', application_name: 'raw-test', ...REDSHIFT_KEYS },
      ALICE.password,
    )
    expect(error).toBeUndefined()
    try {
      expect(client.authCode).toBe(5)
      expect(client.parameters.get('server_version')).toBe('8.0.2')
      expect(client.parameters.has('server_protocol_version')).toBe(false)
      expect(client.parameters.get('client_encoding')).toBe('UTF8')
      expect(client.parameters.get('DateStyle')).toBe('ISO, MDY')
      expect(client.parameters.get('TimeZone')).toBe('UTC')
      expect(client.parameters.get('integer_datetimes')).toBe('on')
      expect(client.parameters.get('standard_conforming_strings')).toBe('on')
      expect(client.parameters.get('is_superuser')).toBe('off')
      expect(client.parameters.get('session_authorization')).toBe(ALICE.name)
      expect(client.parameters.get('application_name')).toBe('raw-test')
      expect(client.parameters.get('datashare_enabled')).toBe('off')
      expect(client.parameters.get('show_discovery')).toBe('3')
      client.send(msg.query('select pg_backend_pid() as pid, current_user as u'))
      const reply = await client.untilReady()
      const row = reply.find((m) => m.type === 'D')
      expect(row).toBeDefined()
      // DataRow: Int16 count, then Int32 length + text per column.
      const body = row?.body as Buffer
      const pid = Number(body.toString('utf8', 6, 6 + body.readInt32BE(2)))
      expect(pid).toBe(client.pid)
    } finally {
      client.close()
    }
    expect(t.logs.some((l) => l.includes('some_unknown_key'))).toBe(true)
  })

  test('a StartupMessage asking for protocol 3.2 gets NegotiateProtocolVersion and still works', async () => {
    const { client, error } = await RawClient.connect(
      t.gateway.port,
      { user: ALICE.name, database: 'dev', '_pq_.compression': 'lz4' },
      ALICE.password,
      196610,
    )
    expect(error).toBeUndefined()
    try {
      expect(client.negotiated).toEqual({ minor: 0x30000, options: 1 })
      client.send(msg.query('select 41 + 1'))
      const reply = await client.untilReady()
      expect(reply.map((m) => m.type)).toEqual(['T', 'D', 'C', 'Z'])
    } finally {
      client.close()
    }
  })

  test('version() names Redshift', async () => {
    const c = await t.connect()
    const r = await c.query('select version()')
    expect(Object.keys(r.rows[0])).toEqual(['version'])
    expect(String(r.rows[0].version)).toContain('Redshift')
  })

  test('psql connects and runs a multi-statement query', async () => {
    const { stdout } = await run(
      '/usr/bin/psql',
      [
        `host=127.0.0.1 port=${t.gateway.port} user=${ALICE.name} dbname=dev sslmode=prefer`,
        '-At',
        '-c',
        'select 1; select 2',
      ],
      { env: { ...process.env, PGPASSWORD: ALICE.password } },
    )
    expect(stdout.trim().split('\n')).toEqual(['1', '2'])
  })
})

describe('authentication', () => {
  test('md5 by default, with the right password', async () => {
    const c = await t.connect(ADMIN)
    const r = await c.query('select current_user as u')
    expect(r.rows[0].u).toBe(ADMIN.name)
  })

  test('a wrong password fails with 28000 and is logged', async () => {
    const c = t.client(ALICE, { password: 'wrong' })
    c.on('error', () => undefined)
    await expect(c.connect()).rejects.toMatchObject({
      code: '28000',
      severity: 'FATAL',
      message: `password authentication failed for user "${ALICE.name}"`,
    })
    await vi.waitFor(
      async () => {
        const r = await t.engineQuery(
          "select count(*)::int as n from rk_internal.connection_log where event = 'authentication failure' and username = $1",
          [ALICE.name],
        )
        expect(r.rows[0]?.n).toBeGreaterThan(0)
      },
      { timeout: 5000, interval: 100 },
    )
  })

  test('an unknown user fails the same way', async () => {
    const { client, error } = await RawClient.connect(
      t.gateway.port,
      { user: 'nobody', database: 'dev' },
      'x',
    )
    client.close()
    expect(error).toBeDefined()
    expect(errorFields(error?.body as Buffer)).toMatchObject({
      S: 'FATAL',
      C: '28000',
      M: 'password authentication failed for user "nobody"',
    })
  })

  test('cleartext when configured', async () => {
    const g = await t.startAnother({ authMethod: 'cleartext' })
    const { client, error } = await RawClient.connect(
      g.port,
      { user: ALICE.name, database: 'dev' },
      ALICE.password,
    )
    expect(error).toBeUndefined()
    expect(client.authCode).toBe(3)
    client.close()
  })

  test('temporary credentials are accepted besides the configured password', async () => {
    const g = await t.startAnother({
      temporaryPassword: (user) => (user === ALICE.name ? 'temp-secret' : undefined),
    })
    const c = t.client(ALICE, { port: g.port, password: 'temp-secret' })
    await c.connect()
    expect((await c.query('select current_user as u')).rows[0].u).toBe(ALICE.name)
    await c.end()
  })

  test('session events are recorded in connection_log', async () => {
    const c = await t.connect()
    const pid = (await c.query('select pg_backend_pid() as pid')).rows[0].pid as number
    await vi.waitFor(
      async () => {
        const r = await t.engineQuery<{ event: string }>(
          'select event from rk_internal.connection_log where pid = $1 order by recordtime, event desc',
          [pid],
        )
        expect(r.rows.map((x) => x.event)).toEqual(['initiating session', 'authenticated'])
      },
      { timeout: 5000, interval: 100 },
    )
  })
})
