import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createClient, type RedshiftClient } from '../../src/client.js'
import { QueryBuilder } from '../../src/query/query-builder.js'
import { configFor, startTestServer, type TestServer } from '../integration/server.js'

let server: TestServer
let client: RedshiftClient

beforeAll(async () => {
  server = await startTestServer()
  // One connection, so every statement below meets the statements parsed before it.
  client = createClient(configFor(server).poolSize(1).build())
})
afterAll(async () => {
  await client?.close()
  await server?.stop()
})

async function generatedStatements(): Promise<string[]> {
  const r = await client.executeQuery(
    "SELECT statement FROM pg_prepared_statements WHERE name LIKE 'rka\\_%' ORDER BY statement",
  )
  return r.rows.map((row) => String(row.get(0)))
}

describe('statements run often are parsed once per connection', () => {
  it('parses a text under a generated name on its second run, not on its first', async () => {
    const once = 'SELECT $1::int + 100 AS once'
    const twice = 'SELECT $1::int + 200 AS twice'
    await client.executeQuery(new QueryBuilder(once).param(1).build())
    await client.executeQuery(new QueryBuilder(twice).param(1).build())
    const r = await client.executeQuery(new QueryBuilder(twice).param(2).build())
    expect(r.rows[0]?.get('twice')).toBe(202)
    expect(r.queryId).toMatch(/^\d+$/)
    const held = await generatedStatements()
    expect(held).toContain(twice)
    expect(held).not.toContain(once)
  })

  it('keeps answering correctly when a table changes shape under a parsed statement', async () => {
    const admin = await server.admin()
    try {
      await admin.query('DROP TABLE IF EXISTS reshaped')
      await admin.query('CREATE TABLE reshaped (a int)')
      await admin.query('INSERT INTO reshaped VALUES (1)')
      const sql = 'SELECT * FROM reshaped'
      await client.executeQuery(sql)
      expect((await client.executeQuery(sql)).columns.map((c) => c.name)).toEqual(['a'])
      // From another session: this connection's parsed plan no longer fits.
      await admin.query('ALTER TABLE reshaped ADD COLUMN b int DEFAULT 7')
      const after = await client.executeQuery(sql)
      expect(after.columns.map((c) => c.name)).toEqual(['a', 'b'])
      expect(after.rows[0]?.get('b')).toBe(7)
    } finally {
      await admin.query('DROP TABLE IF EXISTS reshaped')
      await admin.end()
    }
  })

  it('drops its parsed statements after DDL on its own connection, and parses them again', async () => {
    const sql = 'SELECT count(*) AS n FROM pg_class WHERE relname = $1'
    await client.executeQuery(new QueryBuilder(sql).param('x').build())
    await client.executeQuery(new QueryBuilder(sql).param('x').build())
    expect(await generatedStatements()).toContain(sql)
    await client.executeQuery('CREATE TABLE IF NOT EXISTS ddl_marker (a int)')
    expect(await generatedStatements()).not.toContain(sql)
    await client.executeQuery('DROP TABLE ddl_marker')
  })

  it('reports a bad statement with its own error every time, never a missing statement name', async () => {
    for (let i = 0; i < 3; i++) {
      await expect(client.executeQuery('SELECT * FROM no_such_table_here')).rejects.toMatchObject({
        code: 'NOT_FOUND',
      })
    }
  })
})
