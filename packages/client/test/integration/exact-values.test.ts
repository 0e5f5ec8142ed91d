import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createClient, type RedshiftClient } from '../../src/client.js'
import { RedshiftConfig } from '../../src/config/redshift-config.js'
import { ConfigError } from '../../src/errors/index.js'
import { QueryBuilder } from '../../src/query/query-builder.js'
import { json } from '../../src/types/value.js'
import { problemsOf } from '../problems-of.js'
import { configFor, startTestServer, type TestServer } from './server.js'

let server: TestServer
const clients: RedshiftClient[] = []
const track = (c: RedshiftClient) => {
  clients.push(c)
  return c
}

beforeAll(async () => {
  server = await startTestServer()
})
afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()))
  await server?.stop()
})

describe('SUPER keeps every digit', () => {
  it('reads integers beyond 2^53 as bigint and long decimals as exact text, and writes bigints exactly', async () => {
    const client = track(createClient(configFor(server).build()))
    const read = await client.executeQuery(
      `SELECT JSON_PARSE('{"id": 9007199254740993, "r": 0.12345678901234567890, "n": 1.5}') AS doc`,
    )
    expect(read.rows[0]?.get('doc')).toEqual({ id: 9007199254740993n, r: '0.12345678901234567890', n: 1.5 })
    const written = await client.executeQuery(
      new QueryBuilder('SELECT JSON_PARSE($1) AS doc').param(json({ big: 12345678901234567890n })).build(),
    )
    expect(written.rows[0]?.get('doc')).toEqual({ big: 12345678901234567890n })
  })
})

describe('type parser options from RedshiftConfig', () => {
  it("timestamps: 'string' keeps microseconds; super: 'text' gives the JSON text", async () => {
    const client = track(
      createClient(configFor(server).typeParsers({ timestamps: 'string', super: 'text' }).build()),
    )
    const r = await client.executeQuery(
      `SELECT '2024-01-02 03:04:05.123456'::timestamp AS ts, '03:04:05.654321'::time AS t, JSON_PARSE('[1]') AS doc`,
    )
    expect(r.rows[0]?.get('ts')).toBe('2024-01-02 03:04:05.123456')
    expect(r.rows[0]?.get('t')).toBe('03:04:05.654321')
    expect(r.rows[0]?.get('doc')).toBe('[1]')
    const byDefault = track(createClient(configFor(server).build()))
    const d = await byDefault.executeQuery(`SELECT '2024-01-02 03:04:05.123456'::timestamp AS ts`)
    expect(d.rows[0]?.get('ts')).toEqual(new Date('2024-01-02T03:04:05.123Z'))
  })

  it('refuses an option or a choice that does not exist', () => {
    const problems = problemsOf(
      () =>
        RedshiftConfig.builder()
          .endpoint('localhost')
          .withDatabaseAuth('u', 'p')
          .typeParsers({ timestamps: 'micros', sooper: 'x' } as never)
          .build(),
      ConfigError,
    )
    expect(problems.map((p) => p.field)).toEqual(['typeParsers.timestamps', 'typeParsers.sooper'])
  })
})
