/**
 * Passwords and AWS keys in statements never reach the system views or the logs in clear: Redshift
 * shows them as '***', and so does the local one.
 */
import pg from 'pg'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { type LocalRedshift, startLocalRedshift } from '../../src/index.js'

const SECRETS = [
  'Leaky-pass-1',
  'Leaky-pass-2',
  'AKIALEAKYKEY00000001',
  'leaky/secret+access+key',
  'leaky-session-token',
  'LeakyMasterSymmetricKey=',
] as const

const STATEMENTS = [
  `create user leaky password '${SECRETS[0]}'`,
  // Fails (the user exists): PostgreSQL would log a failing statement's text.
  `create user leaky password '${SECRETS[0]}'`,
  `alter user leaky password /* rotated */ E'${SECRETS[1]}'`,
  `copy leak_t from 's3://no-such-bucket/x' access_key_id '${SECRETS[2]}' secret_access_key '${SECRETS[3]}' session_token '${SECRETS[4]}'`,
  `copy leak_t from 's3://no-such-bucket/x' credentials 'aws_access_key_id=${SECRETS[2]};aws_secret_access_key=${SECRETS[3]}'`,
  `unload ('select 1') to 's3://no-such-bucket/p' access_key_id '${SECRETS[2]}' secret_access_key '${SECRETS[3]}' master_symmetric_key '${SECRETS[5]}' encrypted`,
]

let redshift: LocalRedshift
const logLines: string[] = []
let admin: pg.Client

beforeAll(async () => {
  redshift = await startLocalRedshift({
    users: [{ name: 'awsuser', password: 'Admin-pass-1', superuser: true }],
    aws: false,
    tls: false,
    onLog: (line) => logLines.push(line),
  })
  admin = new pg.Client({
    host: redshift.wire.host,
    port: redshift.wire.port,
    user: 'awsuser',
    password: 'Admin-pass-1',
    database: 'dev',
  })
  await admin.connect()
  await admin.query('create table leak_t (x int)')
  for (const sql of STATEMENTS) await admin.query(sql).catch(() => undefined)
})

afterAll(async () => {
  await admin?.end()
  await redshift?.stop()
})

function leaked(texts: readonly string[]): string[] {
  return SECRETS.filter((s) => texts.some((t) => t.includes(s)))
}

it.each([
  ['sys_query_history', 'query_text'],
  ['stv_recents', 'query'],
  ['stl_query', 'querytxt'],
  ['svl_qlog', 'substring'],
])('%s shows the statements with their secrets masked', async (view, column) => {
  const rows = (await admin.query<{ t: string }>(`select trim(${column}) as t from ${view}`)).rows.map(
    (r) => r.t,
  )
  expect(leaked(rows)).toEqual([])
  if (view === 'sys_query_history') {
    expect(rows).toContain(`alter user leaky password /* rotated */ '***'`)
    expect(rows.filter((r) => r.startsWith('copy leak_t') || r.startsWith('unload'))).toHaveLength(3)
    for (const r of rows.filter((x) => x.startsWith('copy leak_t') || x.startsWith('unload'))) {
      expect(r).toMatch(/(access_key_id|credentials) '\*\*\*'/)
    }
  }
})

it('the engine’s and the gateway’s logs hold no secret', async () => {
  expect(logLines.length).toBeGreaterThan(0)
  expect(leaked(logLines)).toEqual([])
})
