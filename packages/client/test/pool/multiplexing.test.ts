import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createClient, type RedshiftClient } from '../../src/client.js'
import { QueryBuilder } from '../../src/query/query-builder.js'
import { configFor, startTestServer, type TestServer } from '../integration/server.js'

let server: TestServer

beforeAll(async () => {
  server = await startTestServer()
})
afterAll(async () => {
  await server?.stop()
})

function clientOf(poolSize: number): RedshiftClient {
  return createClient(configFor(server).poolSize(poolSize).build())
}

const numbered = (n: number) =>
  new QueryBuilder('SELECT $1::int AS n, pg_backend_pid() AS pid').param(n).build()

describe('statements pipelined on shared connections', () => {
  it('answers every caller with its own rows and query id when many share few connections', async () => {
    const client = clientOf(2)
    try {
      const results = await Promise.all(
        Array.from({ length: 40 }, (_, i) => client.executeQuery(numbered(i))),
      )
      expect(results.map((r) => r.rows[0]?.get('n'))).toEqual(Array.from({ length: 40 }, (_, i) => i))
      expect(new Set(results.map((r) => r.rows[0]?.get('pid'))).size).toBeLessThanOrEqual(2)
      const ids = results.map((r) => r.queryId)
      expect(ids.every((id) => /^\d+$/.test(id))).toBe(true)
      expect(new Set(ids).size).toBe(40)
      expect(client.getPoolStats()).toMatchObject({ total: 2, active: 0, idle: 2, createdTotal: 2 })
    } finally {
      await client.close()
    }
  })

  it('puts several statements in flight on one connection instead of queueing them', async () => {
    const client = clientOf(1)
    try {
      const slow = new QueryBuilder('SELECT pg_sleep(0.1)::text AS slept, $1::int AS n')
      let settled = 0
      const running = [1, 2, 3, 4].map((n) =>
        client.executeQuery(slow.param(n).build()).finally(() => {
          settled++
        }),
      )
      // All four hold a lease on the one connection before the first has finished.
      await expect.poll(() => client.getPoolStats().acquiredTotal).toBe(4)
      expect(settled).toBe(0)
      expect(client.getPoolStats()).toMatchObject({ total: 1, active: 1, waiting: 0 })
      const results = await Promise.all(running)
      expect(results.map((r) => r.rows[0]?.get('n'))).toEqual([1, 2, 3, 4])
    } finally {
      await client.close()
    }
  })

  it('fails only the statement in error; its neighbours on the connection succeed', async () => {
    const client = clientOf(1)
    try {
      const outcomes = await Promise.allSettled([
        client.executeQuery(numbered(1)),
        client.executeQuery('SELECT * FROM no_such_table_anywhere'),
        client.executeQuery(numbered(3)),
        client.executeQuery(new QueryBuilder('SELECT 1 / $1::int AS q').param(0).build()),
        client.executeQuery(numbered(5)),
      ])
      expect(outcomes.map((o) => o.status)).toEqual([
        'fulfilled',
        'rejected',
        'fulfilled',
        'rejected',
        'fulfilled',
      ])
      expect(outcomes[1]).toMatchObject({ reason: { code: 'NOT_FOUND' } })
      const values = outcomes.map((o) => (o.status === 'fulfilled' ? o.value.rows[0]?.get('n') : undefined))
      expect(values).toEqual([1, undefined, 3, undefined, 5])
      // The connection survived its statements' errors.
      expect(client.getPoolStats()).toMatchObject({ total: 1, createdTotal: 1, destroyedTotal: 0 })
      expect((await client.executeQuery(numbered(6))).rows[0]?.get('n')).toBe(6)
    } finally {
      await client.close()
    }
  })

  it('runs each statement under its own settings when callers with different settings overlap', async () => {
    const client = clientOf(1)
    try {
      const timeouts = [1000, 2000, undefined, 1000, 3000, undefined, 2000]
      const results = await Promise.all(
        timeouts.map((ms) => {
          const q = new QueryBuilder('SHOW statement_timeout')
          return client.executeQuery((ms === undefined ? q : q.timeout(ms)).build())
        }),
      )
      expect(results.map((r) => r.rows[0]?.get(0))).toEqual(['1s', '2s', '0', '1s', '3s', '0', '2s'])
      const groups = ['etl', 'dashboard', 'etl', 'dashboard']
      const shown = await Promise.all(
        groups.map((g) => client.executeQuery(new QueryBuilder('SHOW query_group').queryGroup(g).build())),
      )
      expect(shown.map((r) => r.rows[0]?.get(0))).toEqual(groups)
    } finally {
      await client.close()
    }
  })

  it('keeps the pool counts meaningful while statements share connections', async () => {
    const client = clientOf(2)
    try {
      const before = client.getPoolStats().acquiredTotal
      const running = Promise.all(Array.from({ length: 20 }, (_, i) => client.executeQuery(numbered(i))))
      const during = client.getPoolStats()
      expect(during.total + during.pending).toBeLessThanOrEqual(2)
      expect(during.active).toBeLessThanOrEqual(2)
      await running
      expect(client.getPoolStats()).toMatchObject({ active: 0, waiting: 0, total: 2 })
      expect(client.getPoolStats().acquiredTotal - before).toBe(20)
    } finally {
      await client.close()
    }
  })

  it('gives a transaction a connection of its own: shared statements neither join it nor starve it', async () => {
    const client = clientOf(1)
    try {
      const slow = new QueryBuilder('SELECT pg_sleep(0.02)::text AS s, $1::int AS n')
      const first = [1, 2, 3].map((n) => client.executeQuery(slow.param(n).build()))
      const tx = client.beginTransaction()
      const later = [4, 5].map((n) => client.executeQuery(numbered(n)))
      const transaction = await tx
      await expect.poll(() => client.getPoolStats().waiting).toBe(2)
      const inside = await transaction.query(numbered(9))
      await transaction.commit()
      const results = await Promise.all([...first, ...later])
      expect(results.map((r) => r.rows[0]?.get('n'))).toEqual([1, 2, 3, 4, 5])
      expect(inside.rows[0]?.get('n')).toBe(9)
    } finally {
      await client.close()
    }
  })

  it('shares nothing with pipelineDepth(1), and refuses a depth below 1', async () => {
    const client = createClient(configFor(server).poolSize(1).pipelineDepth(1).build())
    try {
      const slow = new QueryBuilder('SELECT pg_sleep(0.05)::text AS s, $1::int AS n')
      const running = [1, 2, 3].map((n) => client.executeQuery(slow.param(n).build()))
      await expect.poll(() => client.getPoolStats().waiting).toBe(2)
      expect((await Promise.all(running)).map((r) => r.rows[0]?.get('n'))).toEqual([1, 2, 3])
    } finally {
      await client.close()
    }
    expect(() => configFor(server).pipelineDepth(0).build()).toThrow(/pipelineDepth/)
  })

  it('drains on close: statements in flight on shared connections all finish', async () => {
    const client = clientOf(1)
    const slow = new QueryBuilder('SELECT pg_sleep(0.02)::text AS s, $1::int AS n')
    const running = [1, 2, 3, 4, 5, 6].map((n) => client.executeQuery(slow.param(n).build()))
    const closing = client.close()
    const results = await Promise.all(running)
    await closing
    expect(results.map((r) => r.rows[0]?.get('n'))).toEqual([1, 2, 3, 4, 5, 6])
    expect(client.getPoolStats()).toMatchObject({ total: 0, active: 0, closed: true })
  })
})
