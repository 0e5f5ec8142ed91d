/**
 * The query log under pipelining: a system view read sees every statement of the session that ended
 * before it (the engine takes a SERIALIZABLE snapshot at the first Parse or Bind of a transaction, so
 * the log is flushed before those), and failures among groups in flight are recorded as failures.
 */
import { afterAll, beforeAll, expect, test } from 'vitest'
import { ALICE, connectRaw, startTestGateway, type TestGateway } from './helpers.js'
import { alone, answers, group, rows, types } from './pipeline-support.js'
import { msg, type RawClient } from './raw-client.js'

let t: TestGateway

beforeAll(async () => {
  t = await startTestGateway()
  await t.engineQuery('create table pipelined_rows (a int)')
  await t.engineQuery('insert into pipelined_rows values (1), (2)')
  await t.engineQuery('grant select on pipelined_rows to public')
})
afterAll(async () => {
  await t?.stop()
})

const raw = (): Promise<RawClient> => connectRaw(t, ALICE)

/** How many STL_QUERY rows of this session have `text`, as the session itself reads them. */
const stlCount = (text: string): string =>
  `select count(*) from stl_query where pid = pg_backend_pid() and trim(querytxt) = '${text}'`

test('a system view read sees the statements before it, awaited or still in flight', async () => {
  const c = await raw()
  try {
    c.send(...group('create table pl_awaited (a int)'))
    await answers(c, 1)
    c.send(...group('select count(*) from pl_awaited'))
    await answers(c, 1)
    c.send(...group(stlCount('select count(*) from pl_awaited')))
    const [awaited] = await answers(c, 1)
    expect(rows(awaited ?? [])[0]).toEqual(['1'])
    c.send(...group('select 2 as in_flight'), ...group(stlCount('select 2 as in_flight')))
    const [, inFlight] = await answers(c, 2)
    expect(rows(inFlight ?? [])[0]).toEqual(['1'])
  } finally {
    c.close()
  }
})

test('a system view read in the extended protocol sees itself running', async () => {
  const c = await raw()
  try {
    c.send(
      ...group(
        'select trim(state) from stv_wlm_query_state where query = (select max(query) from stv_wlm_query_state)',
      ),
    )
    const [reply] = await answers(c, 1)
    expect(rows(reply ?? [])[0]).toEqual(['Running'])
  } finally {
    c.close()
  }
})

test('a named system view read parsed earlier sees what ran before each of its runs', async () => {
  const c = await raw()
  try {
    c.send(msg.parse('views', stlCount('select 3 as before_named')), msg.sync())
    await answers(c, 1)
    const runNamed = [msg.bind('', 'views'), msg.execute(''), msg.sync()]
    c.send(...runNamed, ...group('select 3 as before_named'), ...runNamed)
    const [first, , second] = await answers(c, 3)
    expect(rows(first ?? [])).toEqual([['0']])
    expect(rows(second ?? [])).toEqual([['1']])
  } finally {
    c.close()
  }
})

test('a system view read that is only parsed and described leaves no record', async () => {
  const c = await raw()
  try {
    const text = 'select count(*) as never_run from stl_query'
    c.send(msg.parse('', text), msg.describe('S', ''), msg.sync())
    const [described] = await answers(c, 1)
    expect(types(described ?? [])).toBe('1tTZ')
    c.send(...group('select count(*) from svl_qlog'))
    await answers(c, 1)
    const r = await t.engineQuery(
      'select count(*)::int as n from rk_internal.queries where query_text = $1',
      [text],
    )
    expect(r.rows).toEqual([{ n: 0 }])
  } finally {
    c.close()
  }
})

test('failures among groups in flight are recorded as failures, and the history lists every group', async () => {
  const c = await raw()
  try {
    c.send(
      ...group('select 1 as first_group'),
      ...group('select 1/(a - a) from pipelined_rows'),
      ...group('select 1/0 as at_bind'),
      ...group('select 4 as last_group'),
      ...group(
        "select trim(query_text), trim(status), trim(error_message) from sys_query_history where session_id = pg_backend_pid() and query_text not like '%sys_query_history%' order by query_id",
      ),
    )
    const replies = await answers(c, 5)
    expect(replies.slice(0, 4).map(types)).toEqual(['12TDC12TDCZ', '12TEZ', '1EZ', '12TDC12TDCZ'])
    // The last row is the group's pg_last_query_id().
    expect(rows(replies[4] ?? []).slice(0, -1)).toEqual([
      ['select 1 as first_group', 'success', null],
      ['select 1/(a - a) from pipelined_rows', 'failed', 'division by zero'],
      ['select 1/0 as at_bind', 'failed', 'division by zero'],
      ['select 4 as last_group', 'success', null],
    ])
  } finally {
    c.close()
  }
})

test('a read of the log right after a failed statement sees it failed', async () => {
  const c = await raw()
  try {
    c.send(...alone('select 1/(a - a) as failing from pipelined_rows'))
    c.send(
      ...alone(
        "select trim(status) from sys_query_history where trim(query_text) like 'select 1/(a - a) as failing%'",
      ),
    )
    const [failed, read] = await answers(c, 2)
    expect(types(failed ?? [])).toBe('12TEZ')
    expect(rows(read ?? [])).toEqual([['failed']])
  } finally {
    c.close()
  }
})
