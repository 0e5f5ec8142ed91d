import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createClient, type RedshiftClient } from '../../src/client.js'
import { QueryBuilder } from '../../src/query/query-builder.js'
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

describe('the per-statement query id', () => {
  it('is fetched by default, can be turned off for the client, and asked for per call', async () => {
    const on = track(createClient(configFor(server).build()))
    expect((await on.executeQuery('SELECT 1')).queryId).toMatch(/^\d+$/)
    const off = track(createClient(configFor(server).fetchQueryId(false).build()))
    expect((await off.executeQuery('SELECT 1')).queryId).toBe('')
    expect((await off.executeQuery('SELECT 1', { fetchQueryId: true })).queryId).toMatch(/^\d+$/)
    expect((await on.executeQuery('SELECT 1', { fetchQueryId: false })).queryId).toBe('')
  })
})

describe('a query label', () => {
  it("shows in the server's query log with the statement", async () => {
    const client = track(createClient(configFor(server).build()))
    const q = new QueryBuilder('SELECT $1::int AS n').param(7).label('user-lookup */ drop').build()
    const result = await client.executeQuery(q)
    expect(result.rows[0]?.get('n')).toBe(7)
    const logged = await client.executeQuery(
      new QueryBuilder('SELECT querytxt FROM stl_query WHERE query = $1')
        .param(Number(result.queryId))
        .build(),
    )
    // The label cannot close its comment early: what follows it stays inside the comment.
    expect(String(logged.rows[0]?.get('querytxt'))).toMatch(/^\/\* label: user-lookup \* \/ drop \*\/ SELECT/)
  })
})
