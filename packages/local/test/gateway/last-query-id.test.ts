/**
 * `SELECT pg_last_query_id()` is a leader-node statement on Redshift: the gateway answers it itself,
 * in order with the engine's pipelined answers, with no query id and no log record of its own.
 */
import { afterAll, beforeAll, expect, test, vi } from 'vitest'
import { MessageWriter } from '../../src/gateway/protocol/writer.js'
import { ALICE, connectRaw, startTestGateway, type TestGateway } from './helpers.js'
import { alone, answers, columns, group, LAST_QUERY_ID, rows, types } from './pipeline-support.js'
import { errorFields, msg, type RawClient, type RawMessage } from './raw-client.js'

let t: TestGateway

beforeAll(async () => {
  t = await startTestGateway()
})
afterAll(async () => {
  await t?.stop()
})

const raw = (): Promise<RawClient> => connectRaw(t, ALICE)

/** Every record of session `pid` once none is queued or running: query id -> text. */
async function records(pid: number, count: number): Promise<Map<number, string>> {
  let out = new Map<number, string>()
  await vi.waitFor(
    async () => {
      const r = await t.engineQuery<{ query_id: string; query_text: string }>(
        "select query_id, query_text from rk_internal.queries where pid = $1 and status not in ('queued', 'running') order by query_id",
        [pid],
      )
      expect(r.rowCount).toBe(count)
      out = new Map(r.rows.map((row) => [Number(row.query_id), row.query_text]))
    },
    { timeout: 5000, interval: 20 },
  )
  return out
}

const lastRow = (messages: RawMessage[] | undefined): string | null | undefined => {
  const all = rows(messages ?? [])
  return all[all.length - 1]?.[0]
}

test('in pipelined groups each pg_last_query_id() is its statement id, and is no query itself', async () => {
  const c = await raw()
  try {
    c.send(...group('select 1 as a'), ...group('select 2 as b'), ...group('select 3 as c'))
    const replies = await answers(c, 3)
    expect(replies.map(types)).toEqual(['12TDC12TDCZ', '12TDC12TDCZ', '12TDC12TDCZ'])
    const ids = replies.map((r) => Number(lastRow(r)))
    const logged = await records(c.pid, 3)
    expect(ids.map((id) => logged.get(id))).toEqual(['select 1 as a', 'select 2 as b', 'select 3 as c'])
    // No id went to the pg_last_query_id() statements.
    expect(ids).toEqual([ids[0], (ids[0] as number) + 1, (ids[0] as number) + 2])
    const answer = replies[0] ?? []
    expect(columns(answer.filter((m) => m.type === 'T')[1] as RawMessage)).toEqual([
      { name: 'pg_last_query_id', typeOid: 23, format: 0 },
    ])
    expect(answer.filter((m) => m.type === 'C')[1]?.body.toString('utf8', 0, 8)).toBe('SELECT 1')
  } finally {
    c.close()
  }
})

test('it is -1 before any statement, takes an alias in any case, and a trailing semicolon', async () => {
  const c = await raw()
  try {
    c.send(
      ...alone('SELECT PG_LAST_QUERY_ID() AS LastId;'),
      ...alone('select pg_catalog.pg_last_query_id() "Q"'),
    )
    const [first, second] = await answers(c, 2)
    expect(rows(first ?? [])).toEqual([['-1']])
    expect(columns(first?.find((m) => m.type === 'T') as RawMessage)[0]?.name).toBe('lastid')
    expect(columns(second?.find((m) => m.type === 'T') as RawMessage)[0]?.name).toBe('Q')
  } finally {
    c.close()
  }
})

test('in a simple Query, alone or after other statements, it names the statement before it', async () => {
  const c = await raw()
  try {
    c.send(msg.query('select 7 as seven'), msg.query(LAST_QUERY_ID))
    const [, single] = await answers(c, 2)
    expect(types(single ?? [])).toBe('TDCZ')
    c.send(msg.query('select 8 as eight; select pg_last_query_id() as id'))
    const [multi] = await answers(c, 1)
    expect(types(multi ?? [])).toBe('TDCTDCZ')
    const logged = await records(c.pid, 2)
    expect(logged.get(Number(lastRow(single)))).toBe('select 7 as seven')
    expect(logged.get(Number(lastRow(multi)))).toBe('select 8 as eight')
  } finally {
    c.close()
  }
})

test('a named statement of it can be described, bound with a binary result, run again and closed', async () => {
  const c = await raw()
  try {
    const binaryBind = new MessageWriter()
      .cstring('')
      .cstring('lq')
      .int16(0)
      .int16(0)
      .int16(1)
      .int16(1)
      .finish(0x42)
    c.send(msg.parse('lq', LAST_QUERY_ID), msg.describe('S', 'lq'), msg.sync())
    c.send(...group('select 9 as nine'))
    c.send(binaryBind, msg.describe('P', ''), msg.execute(''), msg.close('S', 'lq'), msg.sync())
    const [described, , ran] = await answers(c, 3)
    expect(types(described ?? [])).toBe('1tTZ')
    expect(types(ran ?? [])).toBe('2TDC3Z')
    expect(columns(ran?.find((m) => m.type === 'T') as RawMessage)[0]?.format).toBe(1)
    const data = ran?.find((m) => m.type === 'D')?.body as Buffer
    expect(data.readInt32BE(2)).toBe(4)
    const logged = await records(c.pid, 1)
    expect(logged.get(data.readInt32BE(6))).toBe('select 9 as nine')
  } finally {
    c.close()
  }
})

test('it fails in a failed transaction block, and is skipped after an error of its batch', async () => {
  const c = await raw()
  try {
    c.send(...group('select 1/0'), ...alone('BEGIN'), ...alone('select 1/0'), ...alone(LAST_QUERY_ID))
    c.send(...alone('ROLLBACK'), ...alone(LAST_QUERY_ID))
    const [skipped, , failed, inFailedBlock, rollback, after] = await answers(c, 6)
    expect(types(skipped ?? [])).toBe('1EZ')
    expect(types(failed ?? [])).toBe('1EZ')
    expect(types(inFailedBlock ?? [])).toBe('EZ')
    expect(errorFields(inFailedBlock?.[0]?.body as Buffer).C).toBe('25P02')
    expect(inFailedBlock?.[1]?.body.toString()).toBe('E')
    expect(types(rollback ?? [])).toBe('12nCZ')
    expect(types(after ?? [])).toBe('12TDCZ')
  } finally {
    c.close()
  }
})

test('a named statement that calls it among other things sees the id of the statement run before it', async () => {
  const c = await raw()
  try {
    const named = 'select pg_last_query_id() as id, 1 as one'
    c.send(msg.parse('named_last', named), msg.sync())
    await answers(c, 1)
    const runNamed = [msg.bind('', 'named_last'), msg.execute(''), msg.sync()]
    c.send(...group('select 10 as ten'), ...runNamed, ...group('select 11 as eleven'), ...runNamed)
    const [, first, , second] = await answers(c, 4)
    const logged = await records(c.pid, 4)
    const textOf = (messages: RawMessage[] | undefined) => logged.get(Number(rows(messages ?? [])[0]?.[0]))
    expect(textOf(first)).toBe('select 10 as ten')
    expect(textOf(second)).toBe('select 11 as eleven')
  } finally {
    c.close()
  }
})
