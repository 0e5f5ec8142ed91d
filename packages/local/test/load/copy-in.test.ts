/**
 * `CommandContext.copyIn`: a command executor streaming COPY FROM STDIN data into the client's own
 * engine session, on a gateway of its own (the S3 key of the COPY says what the executor does).
 */
import type pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type CommandContext, type CommandExecutor, GatewayCommandError } from '../../src/gateway/index.js'
import { startTestGateway, type TestGateway } from '../gateway/helpers.js'
import { failure } from './s3-test-kit.js'

const ROWS = 200_000
const seenBeforeEnd: number[] = []

async function* numbers(from: number, to: number, perChunk: number): AsyncGenerator<Uint8Array> {
  for (let i = from; i <= to; i += perChunk) {
    let text = ''
    for (let v = i; v < Math.min(i + perChunk, to + 1); v++) text += `${v},row ${v}\n`
    yield Buffer.from(text)
  }
}

async function* thenFail(): AsyncGenerator<Uint8Array> {
  yield Buffer.from('1,a\n2,b\n')
  throw new GatewayCommandError('XX000', 'the source broke')
}

async function* forever(ctx: CommandContext, own?: AbortController): AsyncGenerator<Uint8Array> {
  yield Buffer.from('1,a\n')
  own?.abort(new GatewayCommandError('XX000', 'stopped by the executor'))
  await new Promise((resolve) => ctx.signal.addEventListener('abort', resolve))
}

const executor: CommandExecutor = async (command, ctx) => {
  const table = /copy\s+(\w+)/i.exec(command.text)?.[1] ?? ''
  const key = /'s3:\/\/bucket\/([\w-]+)'/.exec(command.text)?.[1] ?? ''
  const sql = `COPY ${table} (id, name) FROM STDIN WITH (FORMAT csv)`
  let count: number
  switch (key) {
    case 'many': {
      const loading = ctx.copyIn(sql, numbers(1, ROWS, 5000))
      // Sent while the COPY streams: it runs once the COPY ended.
      const after = ctx.query(`SELECT count(*) FROM ${table}`)
      count = await loading
      seenBeforeEnd.push(Number((await after).rows[0]?.[0]))
      break
    }
    case 'bad-data':
      count = await ctx.copyIn(sql, numbers(1, 3, 1)).then(() =>
        ctx.copyIn(
          sql,
          (async function* () {
            yield Buffer.from('4,ok\nnot a number,x\n')
          })(),
        ),
      )
      break
    case 'source-fails':
      count = await ctx.copyIn(sql, thenFail())
      break
    case 'own-abort': {
      const own = new AbortController()
      count = await ctx.copyIn(sql, forever(ctx, own), own.signal)
      break
    }
    case 'timeout':
      count = await ctx.copyIn(sql, forever(ctx))
      break
    case 'not-copy':
      count = await ctx.copyIn('SELECT 1', numbers(1, 1, 1))
      break
    default:
      throw new Error(`unexpected key ${key}`)
  }
  return { commandTag: `COPY ${count}`, lastCopy: { id: ctx.queryId, count } }
}

let t: TestGateway
let client: pg.Client

beforeAll(async () => {
  t = await startTestGateway({ commandExecutor: executor })
  client = await t.connect()
})
afterAll(async () => {
  await t?.stop()
})

const copy = (table: string, key: string): string =>
  `COPY ${table} FROM 's3://bucket/${key}' IAM_ROLE 'arn:aws:iam::123456789012:role/Load' CSV`

async function table(name: string): Promise<void> {
  await client.query(`DROP TABLE IF EXISTS ${name}; CREATE TABLE ${name} (id int, name varchar(20))`)
}

const count = async (name: string): Promise<number> =>
  Number((await t.engineQuery<{ n: string }>(`SELECT count(*) AS n FROM ${name}`)).rows[0]?.n)

describe('CommandContext.copyIn', () => {
  it('streams chunks into the engine and resolves with its row count; queries wait for the COPY', async () => {
    await table('ci_many')
    const r = await client.query(copy('ci_many', 'many'))
    expect(r.command).toBe('COPY')
    expect(r.rowCount).toBe(ROWS)
    expect(seenBeforeEnd).toEqual([ROWS])
    expect(await count('ci_many')).toBe(ROWS)
    const last = await client.query('SELECT pg_last_copy_count() AS n')
    expect(Number(last.rows[0].n)).toBe(ROWS)
  })

  it("rejects with the engine's SQLSTATE, and nothing of the statement is kept", async () => {
    await table('ci_bad')
    const e = await failure(client.query(copy('ci_bad', 'bad-data')))
    expect(e.code).toBe('22P02')
    expect(e.message).toMatch(/invalid input syntax for type integer/)
    expect(await count('ci_bad')).toBe(0)
    expect((await client.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }])
  })

  it("fails the COPY when the data source throws, with the source's error, aborting the transaction", async () => {
    await table('ci_source')
    await client.query('BEGIN')
    const e = await failure(client.query(copy('ci_source', 'source-fails')))
    expect([e.code, e.message]).toEqual(['XX000', 'the source broke'])
    expect((await failure(client.query('SELECT 1'))).code).toBe('25P02')
    await client.query('ROLLBACK')
    expect(await count('ci_source')).toBe(0)
  })

  it("stops when its own signal aborts, with the signal's reason", async () => {
    await table('ci_abort')
    const e = await failure(client.query(copy('ci_abort', 'own-abort')))
    expect([e.code, e.message]).toEqual(['XX000', 'stopped by the executor'])
    expect(await count('ci_abort')).toBe(0)
  })

  it('stops when the statement times out while the source is still producing', async () => {
    await table('ci_timeout')
    await client.query('SET statement_timeout = 300')
    try {
      const e = await failure(client.query(copy('ci_timeout', 'timeout')))
      expect(e.code).toBe('57014')
    } finally {
      await client.query('SET statement_timeout = 0')
    }
    expect(await count('ci_timeout')).toBe(0)
    expect((await client.query('SELECT 2 AS two')).rows).toEqual([{ two: 2 }])
  })

  it('refuses a statement that is not COPY FROM STDIN', async () => {
    await table('ci_select')
    const e = await failure(client.query(copy('ci_select', 'not-copy')))
    expect(e.code).toBe('42601')
    expect(e.message).toMatch(/copyIn runs COPY \.\.\. FROM STDIN only/)
  })
})
