import Cursor from 'pg-cursor'
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest'
import { ALICE, connectRaw, startTestGateway, type TestGateway } from './helpers.js'
import { errorFields, msg, type RawClient } from './raw-client.js'

let t: TestGateway

beforeAll(async () => {
  t = await startTestGateway()
})
afterAll(async () => {
  await t?.stop()
})

const raw = (): Promise<RawClient> => connectRaw(t, ALICE)

const types = (messages: { type: string }[]): string => messages.map((m) => m.type).join('')

describe('extended protocol', () => {
  test('named prepared statements, executed twice with parameters', async () => {
    const c = await t.connect()
    const q = { name: 'plus_one', text: 'select $1::int + 1 as n' }
    expect((await c.query({ ...q, values: [1] })).rows).toEqual([{ n: 2 }])
    expect((await c.query({ ...q, values: [41] })).rows).toEqual([{ n: 42 }])
  })

  test('a row-limited portal is suspended and resumed (pg-cursor)', async () => {
    const c = await t.connect()
    const cursor = c.query(new Cursor('select g from generate_series(1, 10) g'))
    const batches: number[][] = []
    for (;;) {
      const rows = await cursor.read(4)
      if (rows.length === 0) break
      batches.push(rows.map((r: { g: number }) => r.g))
    }
    await cursor.close()
    expect(batches).toEqual([
      [1, 2, 3, 4],
      [5, 6, 7, 8],
      [9, 10],
    ])
    // pg_last_query_id() names the cursor's statement, the last one before it.
    const last = (await c.query('select pg_last_query_id() as id')).rows[0].id as number
    await vi.waitFor(async () => {
      const r = await t.engineQuery(
        "select status, returned_rows::int as n from rk_internal.queries where query_text like 'select g from generate_series%' and query_id = $1",
        [last],
      )
      expect(r.rows).toEqual([{ status: 'success', n: 10 }])
    })
  })

  test('raw: Parse/Bind/Describe/Execute with max rows, PortalSuspended, Close, Sync', async () => {
    const c = await raw()
    try {
      c.send(
        msg.parse('s1', 'select g from generate_series(1, 5) g'),
        msg.bind('p1', 's1'),
        msg.describe('P', 'p1'),
        msg.execute('p1', 2),
        msg.execute('p1', 2),
        msg.execute('p1', 2),
        msg.close('P', 'p1'),
        msg.close('S', 's1'),
        msg.sync(),
      )
      const reply = await c.untilReady()
      expect(types(reply)).toBe('12TDDsDDsDC33Z')
    } finally {
      c.close()
    }
  })

  test('raw: pipelined batches in one write come back in order', async () => {
    const c = await raw()
    try {
      c.send(
        msg.parse('', 'select 1'),
        msg.bind('', ''),
        msg.execute(''),
        msg.sync(),
        msg.parse('', 'select 1/(g - 1) from generate_series(1, 1) g'),
        msg.bind('', ''),
        msg.execute(''),
        msg.sync(),
        msg.parse('', 'select 3'),
        msg.bind('', ''),
        msg.execute(''),
        msg.sync(),
      )
      const first = await c.untilReady()
      const second = await c.untilReady()
      const third = await c.untilReady()
      expect(types(first)).toBe('12DCZ')
      expect(types(second)).toBe('12EZ')
      expect(errorFields(second[2]?.body as Buffer).C).toBe('22012')
      expect(types(third)).toBe('12DCZ')
    } finally {
      c.close()
    }
  })

  test('an error skips the rest of the batch up to Sync', async () => {
    const c = await raw()
    try {
      c.send(
        msg.parse('bad', 'select nope'),
        msg.bind('', 'bad'),
        msg.execute(''),
        msg.sync(),
        msg.query('select 2'),
      )
      expect(types(await c.untilReady())).toBe('EZ')
      expect(types(await c.untilReady())).toBe('TDCZ')
    } finally {
      c.close()
    }
  })
})

describe('simple query', () => {
  test('several statements in one query', async () => {
    const c = await t.connect()
    const results = (await c.query('select 1 as a; select 2 as b')) as unknown as { rows: unknown[] }[]
    expect(results.map((r) => r.rows)).toEqual([[{ a: 1 }], [{ b: 2 }]])
  })

  test('statements of one query share an implicit transaction', async () => {
    const c = await t.connect()
    await expect(
      c.query('create table implicit_tx (x int); insert into implicit_tx values (1); select 1/0'),
    ).rejects.toMatchObject({
      code: '22012',
    })
    const exists = await c.query("select to_regclass('implicit_tx') is not null as e")
    expect(exists.rows[0].e).toBe(false)
  })

  test('raw: messages of a multi-statement query', async () => {
    const c = await raw()
    try {
      c.send(
        msg.query(
          'create temp table mt (x int); insert into mt values (1), (2); select x from mt order by x',
        ),
      )
      const reply = await c.untilReady()
      expect(types(reply)).toBe('CCTDDCZ')
      expect(reply[1]?.body.toString('utf8')).toBe('INSERT 0 2\0')
      c.send(msg.query(''))
      expect(types(await c.untilReady())).toBe('IZ')
      c.send(msg.query('begin; select 1'))
      expect((await c.untilReady()).at(-1)?.body.toString()).toBe('T')
      c.send(msg.query('commit'))
      expect((await c.untilReady()).at(-1)?.body.toString()).toBe('I')
    } finally {
      c.close()
    }
  })

  test('COPY FROM STDIN is refused and the session stays usable', async () => {
    const c = await t.connect()
    await c.query('create temp table copy_target (x int)')
    await expect(c.query('copy copy_target from stdin')).rejects.toMatchObject({ code: '0A000' })
    expect((await c.query('select 5 as five')).rows).toEqual([{ five: 5 }])
  })

  test('COPY from S3 answers 0A000 without running', async () => {
    const c = await t.connect()
    await expect(
      c.query("copy t from 's3://bucket/key' iam_role 'arn:aws:iam::123456789012:role/r'"),
    ).rejects.toMatchObject({
      code: '0A000',
      message: 'COPY from S3 is not available yet in redshift-local',
    })
  })

  test('a dialect error is answered as the dialect words it, in both protocols', async () => {
    const c = await t.connect()
    await expect(c.query('set wlm_query_slot_count to 99')).rejects.toMatchObject({ code: '22023' })
    await expect(c.query({ text: 'set wlm_query_slot_count to 99', values: [] })).rejects.toMatchObject({
      code: '22023',
    })
    await c.query('begin')
    await expect(c.query('listen x')).rejects.toMatchObject({ code: '0A000' })
    // The engine's transaction failed with it, as the client was told.
    await expect(c.query('select 1')).rejects.toMatchObject({ code: '25P02' })
    await c.query('rollback')
  })

  test('SHOW and SET of Redshift settings answer as Redshift', async () => {
    const c = await raw()
    try {
      c.send(msg.query("set query_group to 'reports'; show query_group"))
      const reply = await c.untilReady()
      expect(types(reply)).toBe('CTDCZ')
      expect(reply[3]?.body.toString('utf8')).toBe('SHOW\0')
    } finally {
      c.close()
    }
  })
})
