import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { createClient, type RedshiftClient } from '../../src/client.js'
import { ValidationError } from '../../src/errors/index.js'
import { configFor, startTestServer, type TestServer } from './server.js'

let server: TestServer
let client: RedshiftClient

beforeAll(async () => {
  server = await startTestServer()
  client = createClient(configFor(server).poolSize(3).build())
  await client.executeQuery('CREATE TABLE users (id bigint PRIMARY KEY, name varchar(50), score int)')
})
afterEach(async () => {
  expect(client.getPoolStats()).toMatchObject({ active: 0, waiting: 0 })
  await client.executeQuery('TRUNCATE users')
})
afterAll(async () => {
  await client?.close()
  await server?.stop()
})

async function count(): Promise<bigint> {
  return (await client.executeQuery('SELECT count(*) FROM users')).rows[0]?.get(0) as bigint
}

describe('prepared statements', () => {
  it('prepares, validating against the server, and reports columns and parameter count', async () => {
    const stmt = await client.prepare('user_by_id', 'SELECT id, name FROM users WHERE id = $1')
    expect(stmt.parameterCount).toBe(1)
    expect(stmt.columns.map((c) => [c.name, c.dataType])).toEqual([
      ['id', 'BIGINT'],
      ['name', 'VARCHAR'],
    ])
    await expect(client.prepare('bad', 'SELECT * FROM no_such_table WHERE id = $1')).rejects.toMatchObject({
      code: 'NOT_FOUND',
    })
    await client.deallocate(stmt)
  })

  it('runs on every pooled connection, parsed there on first use', async () => {
    await client.executeQuery("INSERT INTO users VALUES (1, 'ada', 10)")
    const stmt = await client.prepare(
      'user_by_id',
      'SELECT name, pg_backend_pid() AS pid FROM users WHERE id = $1',
    )
    // Three concurrent executions need three connections.
    const results = await Promise.all([1, 2, 3].map(() => client.executePrepared(stmt, [1n])))
    expect(results.map((r) => r.rows[0]?.get('name'))).toEqual(['ada', 'ada', 'ada'])
    const pids = new Set(results.map((r) => r.rows[0]?.get('pid')))
    expect(pids.size).toBe(3)
    // Each of those sessions now holds the statement under the same server name.
    const held = await Promise.all(
      [1, 2, 3].map(() =>
        client.executeQuery(
          "SELECT count(*)::int AS n FROM pg_prepared_statements WHERE statement LIKE 'SELECT name, pg_backend_pid()%'",
        ),
      ),
    )
    expect(held.map((r) => r.rows[0]?.get('n'))).toEqual([1, 1, 1])
    await client.deallocate(stmt)
    await expect(client.executePrepared(stmt, [1n])).rejects.toBeInstanceOf(ValidationError)
    const after = await Promise.all(
      [1, 2, 3].map(() =>
        client.executeQuery(
          "SELECT count(*)::int AS n FROM pg_prepared_statements WHERE statement LIKE 'SELECT name, pg_backend_pid()%'",
        ),
      ),
    )
    expect(after.map((r) => r.rows[0]?.get('n'))).toEqual([0, 0, 0])
  })

  it('checks the number of parameters before sending', async () => {
    const stmt = await client.prepare('two', 'SELECT $1::int + $2::int AS s')
    await expect(client.executePrepared(stmt, [1])).rejects.toThrow(/takes 2/)
    expect((await client.executePrepared(stmt, [1, 2])).rows[0]?.get('s')).toBe(3)
    await client.deallocate(stmt)
  })
})

describe('batchExecute', () => {
  it('sends a single-row INSERT as multi-row INSERTs chunked under 32,767 parameters', async () => {
    const stmt = await client.prepare('add_user', 'INSERT INTO users (id, name, score) VALUES ($1, $2, $3)')
    const rows = Array.from({ length: 11_000 }, (_, i) => [BigInt(i + 1), `user ${i + 1}`, i % 7])
    const queryIdsBefore = Number((await client.executeQuery('SELECT 1')).queryId)
    const results = await client.batchExecute(stmt, rows)
    expect(results).toHaveLength(11_000)
    expect(results.every((r) => r.rowsAffected === 1)).toBe(true)
    // 33,000 parameters: two statements (10,922 rows, then 78).
    expect(new Set(results.map((r) => r.queryId)).size).toBe(2)
    expect(Number(results[0]?.queryId)).toBeGreaterThan(queryIdsBefore)
    expect(await count()).toBe(11_000n)
    const last = await client.executeQuery('SELECT name, score FROM users WHERE id = 11000')
    expect(last.toObjects()).toEqual([{ name: 'user 11000', score: 10_999 % 7 }])
    await client.deallocate(stmt)
  })

  it('is all or nothing: one bad row and no row is inserted', async () => {
    const stmt = await client.prepare('add_user', 'INSERT INTO users (id, name, score) VALUES ($1, $2, $3)')
    const error = await client
      .batchExecute(stmt, [
        [1n, 'a', 1],
        [2n, 'b', 2],
        [1n, 'duplicate', 3],
      ])
      .catch((e: unknown) => e)
    expect(error).toMatchObject({ code: 'QUERY_FAILED', sqlState: '23505' })
    expect(await count()).toBe(0n)
    await client.deallocate(stmt)
  })

  it('runs other statements once per parameter set, in one transaction', async () => {
    await client.executeQuery("INSERT INTO users VALUES (1, 'a', 0), (2, 'b', 0)")
    const stmt = await client.prepare('bump', 'UPDATE users SET score = score + $1 WHERE id = $2')
    const results = await client.batchExecute(stmt, [
      [5, 1n],
      [7, 2n],
      [1, 3n],
    ])
    expect(results.map((r) => r.rowsAffected)).toEqual([1, 1, 0])
    const failing = await client
      .batchExecute(stmt, [
        [5, 1n],
        ['not a number', 2n],
      ])
      .catch((e: unknown) => e)
    expect(failing).toMatchObject({ sqlState: '22P02' })
    expect(
      (await client.executeQuery('SELECT score FROM users ORDER BY id')).rows.map((r) => r.get(0)),
    ).toEqual([5, 7])
    await client.deallocate(stmt)
  })

  it('refuses parameter sets of the wrong length, naming them', async () => {
    const stmt = await client.prepare('add_user', 'INSERT INTO users (id, name, score) VALUES ($1, $2, $3)')
    const error = await client.batchExecute(stmt, [[1n, 'a', 1], [2n]]).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ValidationError)
    expect((error as ValidationError).message).toMatch(/paramSets\[1\]: has 1 values; the statement takes 3/)
    await client.deallocate(stmt)
  })
})
