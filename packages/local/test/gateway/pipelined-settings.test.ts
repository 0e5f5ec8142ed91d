/**
 * Session settings under pipelining: a statement sees every setting sent before it, answered or not
 * (its label, its WLM queue, SHOW, column name case), and a setting that failed or was rolled back is
 * undone once that is known.
 */
import { afterAll, beforeAll, expect, test, vi } from 'vitest'
import { ALICE, connectRaw, startTestGateway, type TestGateway } from './helpers.js'
import { alone, answers, columns, group, rows, types } from './pipeline-support.js'
import { msg, type RawClient, type RawMessage } from './raw-client.js'

let t: TestGateway

beforeAll(async () => {
  t = await startTestGateway({
    wlm: [
      { name: 'etl', queryGroups: ['etl'], slots: 2 },
      { name: 'default', slots: 5 },
    ],
  })
})
afterAll(async () => {
  await t?.stop()
})

const raw = (): Promise<RawClient> => connectRaw(t, ALICE)

/** The query log record of the statement `text` run by `pid`, once it has ended. */
async function recordOf(pid: number, text: string): Promise<Record<string, unknown>> {
  let row: Record<string, unknown> | undefined
  await vi.waitFor(
    async () => {
      const r = await t.engineQuery(
        "select label, service_class, queue_name, status from rk_internal.queries where pid = $1 and query_text = $2 and status not in ('queued', 'running')",
        [pid, text],
      )
      expect(r.rowCount).toBe(1)
      row = r.rows[0]
    },
    { timeout: 5000, interval: 20 },
  )
  return row as Record<string, unknown>
}

test('a statement sent right behind a SET, before it is answered, is labelled and routed by it', async () => {
  const c = await raw()
  try {
    c.send(...alone("SET query_group TO 'tour'"))
    await answers(c, 1)
    c.send(...alone("SET query_group TO 'etl'"), ...group('select 1 as behind_set'))
    const [set, select] = await answers(c, 2)
    expect(types(set ?? [])).toBe('12nCZ')
    expect(types(select ?? [])).toBe('12TDC12TDCZ')
    expect(await recordOf(c.pid, 'select 1 as behind_set')).toMatchObject({
      label: 'etl',
      service_class: 6,
      queue_name: 'etl',
      status: 'success',
    })
  } finally {
    c.close()
  }
})

test('SHOW and the case of column names follow settings sent before them in the pipeline', async () => {
  const c = await raw()
  try {
    c.send(
      ...alone('select 1 as before_upper'),
      ...alone("SET query_group TO 'pipelined'"),
      ...alone('SHOW query_group'),
      ...alone('SET describe_field_name_in_uppercase TO on'),
      ...alone('select 2 as after_upper'),
    )
    const [before, , show, , after] = await answers(c, 5)
    expect(rows(show ?? [])).toEqual([['pipelined']])
    const names = (messages: RawMessage[] | undefined) =>
      columns(messages?.find((m) => m.type === 'T') as RawMessage).map((f) => f.name)
    expect(names(before)).toEqual(['before_upper'])
    expect(names(after)).toEqual(['AFTER_UPPER'])
  } finally {
    c.close()
  }
})

test('a SET whose batch fails is undone, and so is one of a rolled-back transaction', async () => {
  const c = await raw()
  try {
    c.send(...alone("SET query_group TO 'etl'"))
    await answers(c, 1)
    // One implicit transaction: the failure rolls the SET back.
    c.send(msg.parse('', "SET query_group TO 'lost'"), msg.bind('', ''), msg.execute(''))
    c.send(msg.parse('', 'select 1/0'), msg.bind('', ''), msg.execute(''), msg.sync())
    const [failed] = await answers(c, 1)
    expect(types(failed ?? [])).toBe('12C1EZ')
    c.send(...alone('BEGIN'), ...alone("SET query_group TO 'rolled_back'"), ...alone('ROLLBACK'))
    await answers(c, 3)
    c.send(...group('select 1 as after_undo'))
    await answers(c, 1)
    expect(await recordOf(c.pid, 'select 1 as after_undo')).toMatchObject({ label: 'etl', service_class: 6 })
  } finally {
    c.close()
  }
})

test('a SET of a committed transaction stays; SET LOCAL ends with its transaction', async () => {
  const c = await raw()
  try {
    c.send(
      ...alone('BEGIN'),
      ...alone("SET query_group TO 'etl'"),
      ...alone('COMMIT'),
      ...group('select 1 as after_commit'),
      ...alone('BEGIN'),
      ...alone("SET LOCAL query_group TO 'local_group'"),
      ...group('select 1 as in_local'),
      ...alone('COMMIT'),
    )
    await answers(c, 8)
    c.send(...group('select 1 as after_local'))
    await answers(c, 1)
    expect(await recordOf(c.pid, 'select 1 as after_commit')).toMatchObject({ label: 'etl' })
    expect(await recordOf(c.pid, 'select 1 as in_local')).toMatchObject({ label: 'local_group' })
    expect(await recordOf(c.pid, 'select 1 as after_local')).toMatchObject({ label: 'etl' })
  } finally {
    c.close()
  }
})

test('a SET the engine skipped (an earlier statement of its batch failed) is no setting at all', async () => {
  const c = await raw()
  try {
    c.send(...alone("SET query_group TO 'etl'"))
    await answers(c, 1)
    c.send(msg.parse('', 'select 1/0'), msg.bind('', ''), msg.execute(''))
    c.send(msg.parse('', "SET query_group TO 'skipped'"), msg.bind('', ''), msg.execute(''), msg.sync())
    const [failed] = await answers(c, 1)
    expect(types(failed ?? [])).toBe('1EZ')
    c.send(...group('select 1 as after_skipped'))
    await answers(c, 1)
    expect(await recordOf(c.pid, 'select 1 as after_skipped')).toMatchObject({
      label: 'etl',
      status: 'success',
    })
  } finally {
    c.close()
  }
})
