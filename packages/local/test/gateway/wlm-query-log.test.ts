import type pg from 'pg'
import { afterAll, beforeAll, expect, test, vi } from 'vitest'
import { ADMIN, ALICE, startTestGateway, type TestGateway } from './helpers.js'
import { sendCancel } from './raw-client.js'

let t: TestGateway

beforeAll(async () => {
  t = await startTestGateway({
    wlm: [
      { name: 'etl', queryGroups: ['etl', 'load*'], slots: 1 },
      { name: 'analysts', userGroups: ['analysts'], slots: 3 },
      { name: 'default', slots: 5 },
    ],
  })
})
afterAll(async () => {
  await t?.stop()
})

const keyOf = (c: pg.Client): { pid: number; secret: Buffer } => {
  const k = c as unknown as { processID: number; secretKey: number }
  const secret = Buffer.alloc(4)
  secret.writeInt32BE(k.secretKey, 0)
  return { pid: k.processID, secret }
}

async function record(queryId: number): Promise<Record<string, unknown>> {
  await vi.waitFor(async () => {
    const r = await t.engineQuery('select 1 from rk_internal.queries where query_id = $1', [queryId])
    expect(r.rowCount).toBe(1)
  })
  const row = (await t.engineQuery('select * from rk_internal.queries where query_id = $1', [queryId]))
    .rows[0]
  return row ?? {}
}

/** The record of `text` run by `pid`, once it has the status wanted. */
async function recordOf(pid: number, text: string, status: string): Promise<Record<string, unknown>> {
  let row: Record<string, unknown> | undefined
  await vi.waitFor(
    async () => {
      const r = await t.engineQuery(
        'select * from rk_internal.queries where pid = $1 and query_text = $2 and status = $3',
        [pid, text, status],
      )
      expect(r.rowCount).toBe(1)
      row = r.rows[0]
    },
    { timeout: 5000, interval: 20 },
  )
  return row as Record<string, unknown>
}

test('the WLM configuration is written with service classes in routing order', async () => {
  const r = await t.engineQuery('select service_class, name, slots from rk_internal.wlm_queues order by 1')
  expect(r.rows).toEqual([
    { service_class: 5, name: 'Superuser queue', slots: 1 },
    { service_class: 6, name: 'etl', slots: 1 },
    { service_class: 7, name: 'analysts', slots: 3 },
    { service_class: 8, name: 'default', slots: 5 },
  ])
})

test('pg_last_query_id() is the previous statement of the session, and its record says what ran', async () => {
  const c = await t.connect()
  expect((await c.query('select pg_last_query_id() as id')).rows[0].id).toBe(-1)
  await c.query('select 40 + 2 as n')
  const id = (await c.query('select pg_last_query_id() as id')).rows[0].id as number
  const row = await record(id)
  expect(row).toMatchObject({
    query_text: 'select 40 + 2 as n',
    status: 'success',
    user_name: ALICE.name,
    database_name: 'dev',
    label: 'default',
    query_type: 'SELECT',
    returned_rows: '1',
    service_class: 7,
    queue_name: 'analysts',
  })
  expect(Number(row.returned_bytes)).toBeGreaterThan(0)
})

test('query_group labels statements and routes them (stl_query sees the previous statement at once)', async () => {
  const c = await t.connect(ADMIN)
  await c.query("set query_group to 'load_nightly'")
  await c.query('select 1 as one')
  const r = await c.query(
    'select label, trim(querytxt) as txt from stl_query where query = pg_last_query_id()',
  )
  expect(r.rows).toEqual([{ label: 'load_nightly'.padEnd(320), txt: 'select 1 as one' }])
  const id = (await c.query('select pg_last_query_id() as id')).rows[0].id as number
  expect(await record(id)).toMatchObject({ service_class: 6, queue_name: 'etl', label: 'load_nightly' })
  await c.query('reset query_group')
  await c.query('select 2')
  const id2 = (await c.query('select pg_last_query_id() as id')).rows[0].id as number
  expect(await record(id2)).toMatchObject({ service_class: 8, label: 'default' })
  await c.query("set query_group to 'superuser'")
  await c.query('select 3')
  const id3 = (await c.query('select pg_last_query_id() as id')).rows[0].id as number
  expect(await record(id3)).toMatchObject({ service_class: 5 })
})

test('a running statement shows in stv_wlm_query_state with its queue', async () => {
  const c = await t.connect(ADMIN)
  const r = await c.query(
    'select service_class, trim(state) as state from stv_wlm_query_state where query = (select max(query) from stv_wlm_query_state)',
  )
  // The statement reading the view is itself running, in the default queue.
  expect(r.rows).toEqual([{ service_class: 8, state: 'Running' }])
})

test('a full queue makes statements wait (queued) until a slot frees; control statements do not wait', async () => {
  const holder = await t.connect()
  const waiter = await t.connect()
  await holder.query("set query_group to 'etl'")
  await waiter.query("set query_group to 'etl'")
  const holding = holder.query('select pg_sleep(30)')
  holding.catch(() => undefined)
  await recordOf(keyOf(holder).pid, 'select pg_sleep(30)', 'running')
  const waiting = waiter.query('select 7 as seven')
  const queued = await recordOf(keyOf(waiter).pid, 'select 7 as seven', 'queued')
  expect(queued).toMatchObject({ service_class: 6 })
  await vi.waitFor(async () => {
    const s = await t.engineQuery(
      'select num_queued_queries, num_executing_queries from rk_internal.wlm_state where service_class = 6',
    )
    expect(s.rows).toEqual([{ num_queued_queries: 1, num_executing_queries: 1 }])
  })
  // Transaction control and settings pass the queue.
  const third = await t.connect()
  await third.query("set query_group to 'etl'")
  await third.query('begin')
  await third.query('show query_group')
  await third.query('commit')
  const { pid, secret } = keyOf(holder)
  await sendCancel(t.gateway.port, pid, secret)
  await expect(holding).rejects.toMatchObject({ code: '57014' })
  expect((await waiting).rows).toEqual([{ seven: 7 }])
})

test('a statement waiting in its queue can be cancelled', async () => {
  const holder = await t.connect()
  const waiter = await t.connect()
  await holder.query("set query_group to 'etl'")
  await waiter.query("set query_group to 'etl'")
  const holding = holder.query('select pg_sleep(30)')
  holding.catch(() => undefined)
  await recordOf(keyOf(holder).pid, 'select pg_sleep(30)', 'running')
  const waiting = waiter.query('select 8')
  waiting.catch(() => undefined)
  const queued = await recordOf(keyOf(waiter).pid, 'select 8', 'queued')
  await sendCancel(t.gateway.port, keyOf(waiter).pid, keyOf(waiter).secret)
  await expect(waiting).rejects.toMatchObject({
    code: '57014',
    message: `Query (${queued.query_id}) cancelled on user's request`,
  })
  await sendCancel(t.gateway.port, keyOf(holder).pid, keyOf(holder).secret)
  await expect(holding).rejects.toMatchObject({ code: '57014' })
  expect((await waiter.query('select 9 as nine')).rows).toEqual([{ nine: 9 }])
})

test('wlm_query_slot_count above the queue concurrency fails', async () => {
  const c = await t.connect()
  await c.query("set query_group to 'etl'")
  await c.query('set wlm_query_slot_count to 2')
  await expect(c.query('select 1')).rejects.toMatchObject({
    code: '53000',
    message: expect.stringContaining('wlm_query_slot_count 2'),
  })
  await c.query('set wlm_query_slot_count to 1')
  expect((await c.query('select 1 as ok')).rows).toEqual([{ ok: 1 }])
})

test('a setting made in a rolled-back transaction is forgotten', async () => {
  const c = await t.connect()
  await c.query('begin')
  await c.query("set query_group to 'etl'")
  await c.query('rollback')
  await c.query('select 11')
  const id = (await c.query('select pg_last_query_id() as id')).rows[0].id as number
  expect(await record(id)).toMatchObject({ label: 'default', service_class: 7 })
})
