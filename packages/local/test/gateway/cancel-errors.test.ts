import type pg from 'pg'
import { afterAll, beforeAll, expect, test, vi } from 'vitest'
import { ADMIN, ALICE, startTestGateway, type TestGateway } from './helpers.js'
import { sendCancel } from './raw-client.js'

let t: TestGateway

beforeAll(async () => {
  t = await startTestGateway()
})
afterAll(async () => {
  await t?.stop()
})

interface BackendKey {
  processID: number
  secretKey: number
}

const keyOf = (c: pg.Client): { pid: number; secret: Buffer } => {
  const k = c as unknown as BackendKey
  const secret = Buffer.alloc(4)
  secret.writeInt32BE(k.secretKey, 0)
  return { pid: k.processID, secret }
}

/** Resolves once the engine shows `pid` running pg_sleep. */
async function sleeping(pid: number): Promise<void> {
  await vi.waitFor(
    async () => {
      const r = await t.engineQuery(
        "select 1 from pg_stat_activity where pid = $1 and state = 'active' and query like '%pg_sleep%'",
        [pid],
      )
      expect(r.rowCount).toBe(1)
    },
    { timeout: 5000, interval: 20 },
  )
}

test('pg_backend_pid() is the pid of the backend key the client holds', async () => {
  const c = await t.connect()
  const pid = (await c.query('select pg_backend_pid() as pid')).rows[0].pid
  expect(pid).toBe(keyOf(c).pid)
})

test('a CancelRequest cancels the running statement, worded as Redshift', async () => {
  const c = await t.connect()
  const { pid, secret } = keyOf(c)
  const running = c.query('select pg_sleep(10)')
  running.catch(() => undefined)
  await sleeping(pid)
  await sendCancel(t.gateway.port, pid, secret)
  const error = await running.then(
    () => undefined,
    (e: unknown) => e as { code: string; message: string },
  )
  expect(error?.code).toBe('57014')
  expect(error?.message).toMatch(/^Query \(\d+\) cancelled on user's request$/)
  const id = Number(/\((\d+)\)/.exec(error?.message ?? '')?.[1])
  // The id in the message is the cancelled statement's, as the query log has it.
  await vi.waitFor(async () => {
    const r = await t.engineQuery('select status, query_text from rk_internal.queries where query_id = $1', [
      id,
    ])
    expect(r.rows).toEqual([{ status: 'canceled', query_text: 'select pg_sleep(10)' }])
  })
  expect((await c.query('select 1 as ok')).rows).toEqual([{ ok: 1 }])
})

test("CANCEL pid 'message' shows the message as the cancelled statement's error", async () => {
  const victim = await t.connect()
  const { pid } = keyOf(victim)
  const running = victim.query('select pg_sleep(10)')
  running.catch(() => undefined)
  await sleeping(pid)
  const admin = await t.connect(ADMIN)
  const result = await admin.query(`cancel ${pid} 'stopped by the operator'`)
  expect(result.command).toBe('CANCEL')
  expect(result.rows).toEqual([])
  await expect(running).rejects.toMatchObject({ code: '57014', message: 'stopped by the operator' })
})

test('statement_timeout cancels with the Redshift wording', async () => {
  const c = await t.connect()
  await c.query('set statement_timeout to 200')
  await expect(c.query('select pg_sleep(5)')).rejects.toMatchObject({
    code: '57014',
    message: expect.stringMatching(/^Query \(\d+\) cancelled on user's request$/),
  })
  await c.query('reset statement_timeout')
})

test('a serialization failure is XX000 / 1023 with the cycle in the detail', async () => {
  const setup = await t.connect()
  await setup.query('create table accounts (id int primary key, v int)')
  await setup.query('insert into accounts values (1, 0), (2, 0)')
  const a = await t.connect(ALICE)
  const b = await t.connect(ALICE)
  await a.query('begin')
  await b.query('begin')
  await a.query('select sum(v) from accounts')
  await b.query('select sum(v) from accounts')
  await a.query('update accounts set v = v + 1 where id = 1')
  await b.query('update accounts set v = v + 1 where id = 2')
  await a.query('commit')
  const error = await b.query('commit').then(
    () => undefined,
    (e: unknown) => e as { code: string; message: string; detail: string; hint?: string },
  )
  expect(error).toMatchObject({ code: 'XX000', message: '1023' })
  expect(error?.detail).toMatch(
    /^Serializable isolation violation on table - 0, transactions forming the cycle are: \d+, \d+ \(pid:\d+\)$/,
  )
  expect(error?.hint).toBeUndefined()
  expect(error?.detail).toContain(`(pid:${keyOf(b).pid})`)
})

test('other errors keep every field the engine gave', async () => {
  const c = await t.connect()
  await expect(c.query('select * from no_such_table')).rejects.toMatchObject({
    code: '42P01',
    position: '15',
    message: 'relation "no_such_table" does not exist',
  })
})
