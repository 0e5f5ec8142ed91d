import type pg from 'pg'
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest'
import {
  type CommandContext,
  type CommandExecutor,
  type ExecutableCommand,
  GatewayCommandError,
} from '../../src/gateway/index.js'
import { ADMIN, startTestGateway, type TestGateway } from './helpers.js'
import { errorFields, msg, RawClient, sendCancel } from './raw-client.js'

/**
 * A test executor: the S3 key says what to do. `ok` loads three rows, `half` loads two and fails,
 * `bad-row` fails in the engine on its second row, `sleep` waits in the engine, `wait` waits in the
 * gateway for its signal, `gate` waits until the test opens it; UNLOAD returns rows.
 */
const seen: { signal: AbortSignal; queryId: number }[] = []
let openGate: (() => void) | undefined
let gateReached: (() => void) | undefined
let waitReached: (() => void) | undefined

const executor: CommandExecutor = async (command: ExecutableCommand, ctx: CommandContext) => {
  seen.push({ signal: ctx.signal, queryId: ctx.queryId })
  if (command.type === 'unload') {
    const r = await ctx.query('SELECT g::text, ($1::int * g)::text FROM generate_series(1, 2) g', ['10'])
    return {
      commandTag: 'UNLOAD',
      rows: {
        fields: [
          { name: 'n', typeOid: 25 },
          { name: 'tenfold', typeOid: 25 },
        ],
        values: r.rows,
      },
      lastUnloadCount: r.rows.length,
    }
  }
  const table = /copy\s+(\w+)/i.exec(command.text)?.[1] ?? ''
  const key = /'s3:\/\/bucket\/([\w-]+)'/.exec(command.text)?.[1] ?? ''
  const insert = (v: string): Promise<unknown> => ctx.query(`INSERT INTO ${table} VALUES ($1::int)`, [v])
  switch (key) {
    case 'ok': {
      for (const v of ['1', '2', '3']) await insert(v)
      ctx.notice('INFO', `Load into table '${table}' completed, 3 record(s) loaded successfully.`)
      return { commandTag: 'COPY 3', lastCopy: { id: ctx.queryId, count: 3 } }
    }
    case 'half':
      await insert('1')
      await insert('2')
      throw new GatewayCommandError(
        'XX000',
        `Load into table '${table}' failed.  Check 'stl_load_errors' system table for details.`,
      )
    case 'bad-row':
      await insert('1')
      await insert('not a number')
      return { commandTag: 'COPY' }
    case 'sleep':
      await insert('1')
      await ctx.query('SELECT pg_sleep(30)')
      return { commandTag: 'COPY' }
    case 'wait':
      await insert('1')
      await new Promise<void>((resolve) => {
        ctx.signal.addEventListener('abort', () => resolve())
        waitReached?.()
      })
      throw ctx.signal.reason
    case 'gate':
      await new Promise<void>((resolve) => {
        openGate = resolve
        gateReached?.()
      })
      return { commandTag: 'COPY 0' }
    default:
      throw new Error(`unexpected key ${key}`)
  }
}

let t: TestGateway

beforeAll(async () => {
  t = await startTestGateway({ commandExecutor: executor })
})
afterAll(async () => {
  await t?.stop()
})

const copy = (table: string, key: string): string =>
  `COPY ${table} FROM 's3://bucket/${key}' IAM_ROLE 'arn:aws:iam::123456789012:role/Load' CSV`

async function table(c: pg.Client, name: string): Promise<void> {
  await c.query(`DROP TABLE IF EXISTS ${name}; CREATE TABLE ${name} (v int)`)
}

const count = async (name: string): Promise<number> =>
  Number((await t.engineQuery<{ n: string }>(`SELECT count(*) AS n FROM ${name}`)).rows[0]?.n)

async function logged(queryId: number): Promise<Record<string, unknown>> {
  let row: Record<string, unknown> | undefined
  await vi.waitFor(async () => {
    row = (
      await t.engineQuery(
        `SELECT query_type, status, rows_affected::int, returned_rows::int, error_message,
           extract(epoch FROM start_time)::float8 * 1000 AS start_ms FROM rk_internal.queries WHERE query_id = $1`,
        [queryId],
      )
    ).rows[0]
    expect(row?.status).toMatch(/success|failed|canceled/)
  })
  return row as Record<string, unknown>
}

const failure = (p: Promise<unknown>): Promise<{ code: string; message: string }> =>
  p.then(
    () => ({ code: 'none', message: 'it succeeded' }),
    (e: { code: string; message: string }) => e,
  )

describe('simple protocol', () => {
  test('a COPY among other statements: runs after the ones before it, sends its INFO, and is logged', async () => {
    const c = await t.connect()
    await table(c, 'loaded')
    const notices: string[] = []
    c.on('notice', (n) => notices.push(`${n.severity}: ${n.message}`))
    const results = (await c.query(
      `INSERT INTO loaded VALUES (0); ${copy('loaded', 'ok')}; SELECT count(*)::int AS n FROM loaded`,
    )) as unknown as pg.QueryResult[]
    expect(results.map((r) => r.command)).toEqual(['INSERT', 'COPY', 'SELECT'])
    expect(results[2]?.rows).toEqual([{ n: 4 }])
    expect(notices).toEqual(["INFO: Load into table 'loaded' completed, 3 record(s) loaded successfully."])
    // The executor's queries leave no prepared statement behind in the client's session.
    expect((await c.query('SELECT name FROM pg_prepared_statements')).rows).toEqual([])
    const id = seen.at(-1)?.queryId as number
    const record = await logged(id)
    expect(record).toMatchObject({ query_type: 'COPY', status: 'success', rows_affected: 3 })
    // Times are UTC wall-clock, to the millisecond.
    expect(Math.abs((record.start_ms as number) - Date.now())).toBeLessThan(60_000)
    const last = await c.query('SELECT pg_last_copy_id() AS id, pg_last_copy_count()::int AS n')
    expect(last.rows).toEqual([{ id, n: 3 }])
  })

  test('a COPY that fails halfway leaves nothing behind, nor the statements of its Query', async () => {
    const c = await t.connect()
    await table(c, 'half')
    const error = await failure(c.query(`INSERT INTO half VALUES (0); ${copy('half', 'half')}`))
    expect(error).toMatchObject({
      code: 'XX000',
      message: "Load into table 'half' failed.  Check 'stl_load_errors' system table for details.",
    })
    expect(await count('half')).toBe(0)
    const id = seen.at(-1)?.queryId as number
    expect(await logged(id)).toMatchObject({ query_type: 'COPY', status: 'failed' })
    // The session goes on, and pg_last_copy_count() did not move.
    expect((await c.query('SELECT 1 AS ok')).rows).toEqual([{ ok: 1 }])
    expect((await c.query('SELECT pg_last_copy_count()::int AS n')).rows).toEqual([{ n: 0 }])
  })

  test("an engine error inside the executor is the statement's error, and its rows are rolled back", async () => {
    const c = await t.connect()
    await table(c, 'badrow')
    const error = await failure(c.query(copy('badrow', 'bad-row')))
    expect(error.code).toBe('22P02')
    expect(await count('badrow')).toBe(0)
    expect((await c.query('SELECT 2 AS ok')).rows).toEqual([{ ok: 2 }])
  })

  test('inside a transaction block a failed COPY aborts the transaction; a good one commits with it', async () => {
    const c = await t.connect()
    await table(c, 'intx')
    await c.query('BEGIN')
    await c.query('INSERT INTO intx VALUES (0)')
    await c.query(copy('intx', 'ok'))
    expect((await c.query('SELECT count(*)::int AS n FROM intx')).rows).toEqual([{ n: 4 }])
    expect((await failure(c.query(copy('intx', 'half')))).code).toBe('XX000')
    expect((await failure(c.query('SELECT 1'))).code).toBe('25P02')
    await c.query('ROLLBACK')
    expect(await count('intx')).toBe(0)

    await c.query('BEGIN')
    await c.query(copy('intx', 'ok'))
    await c.query('COMMIT')
    expect(await count('intx')).toBe(3)
  })

  test('UNLOAD returns its rows and sets pg_last_unload_count()', async () => {
    const c = await t.connect()
    const r = await c.query("UNLOAD ('select 1') TO 's3://bucket/out/' IAM_ROLE 'arn:aws:iam::1:role/x'")
    expect(r.command).toBe('UNLOAD')
    expect(r.fields.map((f) => f.name)).toEqual(['n', 'tenfold'])
    expect(r.rows).toEqual([
      { n: '1', tenfold: '10' },
      { n: '2', tenfold: '20' },
    ])
    const id = seen.at(-1)?.queryId as number
    expect(await logged(id)).toMatchObject({ query_type: 'UNLOAD', status: 'success', returned_rows: 2 })
    const last = await c.query('SELECT pg_last_unload_id() AS id, pg_last_unload_count()::int AS n')
    expect(last.rows).toEqual([{ id, n: 2 }])
  })
})

describe('extended protocol', () => {
  test('Parse/Bind/Describe/Execute of a COPY: NoData, then the tag', async () => {
    const c = await t.connect()
    await table(c, 'ext')
    const r = await c.query({ text: copy('ext', 'ok'), queryMode: 'extended' } as pg.QueryConfig)
    expect(r.command).toBe('COPY')
    expect(r.fields).toEqual([])
    expect(await count('ext')).toBe(3)

    const { client: raw, error } = await RawClient.connect(
      t.gateway.port,
      { user: ADMIN.name, database: 'dev' },
      ADMIN.password,
    )
    if (error) throw new Error(errorFields(error.body).M)
    raw.send(
      msg.parse('c1', copy('ext', 'ok')),
      msg.bind('', 'c1'),
      msg.describe('P', ''),
      msg.execute(''),
      msg.sync(),
    )
    const answer = await raw.untilReady()
    expect(answer.map((m) => m.type).join('')).toBe('12nNCZ')
    expect(answer[4]?.body.toString('utf8', 0, 4)).toBe('COPY')
    // A failing COPY in a pipelined batch: its error, and the rest of the batch is skipped.
    raw.send(
      msg.parse('', copy('ext', 'half')),
      msg.bind('', ''),
      msg.execute(''),
      msg.parse('', 'SELECT 1'),
      msg.bind('', ''),
      msg.execute(''),
      msg.sync(),
    )
    const failed = await raw.untilReady()
    expect(failed.map((m) => m.type).join('')).toBe('12EZ')
    expect(errorFields(failed[2]?.body as Buffer).C).toBe('XX000')
    raw.close()
    expect(await count('ext')).toBe(6)
  })

  test('earlier answers of the same message reach the client before the executor runs', async () => {
    const { client: raw } = await RawClient.connect(
      t.gateway.port,
      { user: ADMIN.name, database: 'dev' },
      ADMIN.password,
    )
    const reached = new Promise<void>((resolve) => {
      gateReached = resolve
    })
    raw.send(msg.query(`SELECT 41 + 1 AS n; ${copy('ext', 'gate')}`))
    await reached
    // The executor is waiting: the SELECT's rows and tag are already here.
    const before = [await raw.next(), await raw.next(), await raw.next()]
    expect(before.map((m) => m.type).join('')).toBe('TDC')
    openGate?.()
    const rest = await raw.untilReady()
    expect(rest.map((m) => m.type).join('')).toBe('CZ')
    raw.close()
  })
})

describe('cancellation', () => {
  const keyOf = (c: pg.Client): { pid: number; secret: Buffer } => {
    const k = c as unknown as { processID: number; secretKey: number }
    const secret = Buffer.alloc(4)
    secret.writeInt32BE(k.secretKey, 0)
    return { pid: k.processID, secret }
  }

  async function sleeping(pid: number): Promise<void> {
    await vi.waitFor(
      async () => {
        const r = await t.engineQuery(
          "SELECT 1 FROM pg_stat_activity WHERE pid = $1 AND state = 'active' AND query LIKE '%pg_sleep%'",
          [pid],
        )
        expect(r.rowCount).toBe(1)
      },
      { timeout: 5000, interval: 20 },
    )
  }

  test('a CancelRequest aborts the signal and cancels the engine query; nothing is applied', async () => {
    const c = await t.connect()
    await table(c, 'cancelled')
    const { pid, secret } = keyOf(c)
    const running = failure(c.query(copy('cancelled', 'sleep')))
    await sleeping(pid)
    await sendCancel(t.gateway.port, pid, secret)
    const error = await running
    expect(error.code).toBe('57014')
    expect(error.message).toMatch(/^Query \(\d+\) cancelled on user's request$/)
    expect(seen.at(-1)?.signal.aborted).toBe(true)
    expect(await count('cancelled')).toBe(0)
    expect(await logged(seen.at(-1)?.queryId as number)).toMatchObject({ status: 'canceled' })
    expect((await c.query('SELECT 3 AS ok')).rows).toEqual([{ ok: 3 }])
  })

  test("CANCEL pid 'message' stops a command waiting in the gateway, with that message", async () => {
    const c = await t.connect()
    await table(c, 'cancelmsg')
    const { pid } = keyOf(c)
    const admin = await t.connect(ADMIN)
    const reached = new Promise<void>((resolve) => {
      waitReached = resolve
    })
    const running = failure(c.query(copy('cancelmsg', 'wait')))
    // The executor has loaded its first row and waits for its signal, in the gateway.
    await reached
    await admin.query(`CANCEL ${pid} 'stopped by the operator'`)
    expect(await running).toMatchObject({ code: '57014', message: 'stopped by the operator' })
    expect(await count('cancelmsg')).toBe(0)
  })

  test('a client that disconnects stops its command', async () => {
    const c = await t.connect()
    await table(c, 'gone')
    const { client: raw } = await RawClient.connect(
      t.gateway.port,
      { user: ADMIN.name, database: 'dev' },
      ADMIN.password,
    )
    const reached = new Promise<void>((resolve) => {
      waitReached = resolve
    })
    raw.send(msg.query(copy('gone', 'wait')))
    await reached
    const run = seen.at(-1)
    raw.close()
    await vi.waitFor(() => expect(run?.signal.aborted).toBe(true))
    expect(await logged(run?.queryId as number)).toMatchObject({ status: 'canceled' })
    expect(await count('gone')).toBe(0)
  })

  test('statement_timeout stops a command that outlives it', async () => {
    const c = await t.connect()
    await table(c, 'timedout')
    await c.query('SET statement_timeout = 300')
    const error = await failure(c.query(copy('timedout', 'wait')))
    expect(error.code).toBe('57014')
    expect(error.message).toBe(`Query (${seen.at(-1)?.queryId}) cancelled on user's request`)
    await c.query('SET statement_timeout = 0')
    expect(await count('timedout')).toBe(0)
  })
})
