import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { createClient, type RedshiftClient } from '../../src/client.js'
import { NotFoundError, ValidationError } from '../../src/errors/index.js'
import { QueryPlan } from '../../src/query/explain-plan.js'
import { QueryBuilder } from '../../src/query/query-builder.js'
import { configFor, startTestServer, type TestServer } from '../integration/server.js'

let server: TestServer
let client: RedshiftClient

beforeAll(async () => {
  server = await startTestServer()
  const admin = await server.admin()
  await admin.query(`
    DROP TABLE IF EXISTS plan_customers; DROP TABLE IF EXISTS plan_orders;
    CREATE TABLE plan_customers (id int, name varchar(40));
    CREATE TABLE plan_orders (id int, customer_id int, amount numeric(12,2));
    INSERT INTO plan_customers SELECT g, 'c' || g FROM generate_series(1, 200) g;
    INSERT INTO plan_orders SELECT g, g % 200, g FROM generate_series(1, 2000) g;`)
  await admin.end()
  client = createClient(configFor(server).poolSize(2).build())
})
afterEach(() => {
  expect(client.getPoolStats()).toMatchObject({ active: 0, waiting: 0 })
})
afterAll(async () => {
  await client?.close()
  await server?.stop()
})

describe('explainQuery on the local engine', () => {
  it('returns the plan tree of a join, with its details and the raw text', async () => {
    const plan = await client.explainQuery(
      new QueryBuilder(
        'SELECT c.name, SUM(o.amount) FROM plan_orders o JOIN plan_customers c ON o.customer_id = c.id WHERE o.amount > $1 GROUP BY c.name',
      )
        .param(10)
        .build(),
    )
    expect(plan).toBeInstanceOf(QueryPlan)
    const nodes = plan.nodes()
    expect(nodes.some((n) => /Join/.test(n.operation))).toBe(true)
    expect(
      nodes
        .filter((n) => /Scan/.test(n.operation))
        .map((n) => n.relation)
        .sort(),
    ).toEqual(['plan_customers', 'plan_orders'])
    expect(nodes.flatMap((n) => n.details).some((d) => /^(Hash|Merge) Cond:|^Join Filter:/.test(d))).toBe(
      true,
    )
    expect(nodes.flatMap((n) => n.details).some((d) => d.startsWith('Filter:'))).toBe(true)
    expect(plan.root.totalCost).toBeGreaterThan(0)
    expect(plan.text.split('\n')[0]).toContain(plan.root.operation)
    // The same text read again gives the same tree.
    expect(
      QueryPlan.parse(plan.text)
        .nodes()
        .map((n) => n.label),
    ).toEqual(nodes.map((n) => n.label))
  })

  it('warns about the nested loop of a join without a condition', async () => {
    const plan = await client.explainQuery('SELECT * FROM plan_orders, plan_customers')
    expect(plan.warnings.map((w) => w.code)).toContain('NESTED_LOOP')
  })

  it('fails like the query would, without running it', async () => {
    await expect(client.explainQuery('SELECT * FROM no_such_plan_table')).rejects.toBeInstanceOf(
      NotFoundError,
    )
  })
})

describe('getQueryMetrics', () => {
  it('reads the timings, rows and bytes Redshift recorded for a query', async () => {
    const result = await client.executeQuery('SELECT id, amount FROM plan_orders WHERE amount <= 150')
    const metrics = await client.getQueryMetrics(result.queryId)
    expect(metrics).toMatchObject({
      queryId: result.queryId,
      status: 'success',
      queryType: 'SELECT',
      rowsReturned: 150,
    })
    expect(metrics.elapsedMs).toBeGreaterThanOrEqual(0)
    expect(metrics.executionMs).toBeGreaterThanOrEqual(0)
    expect(metrics.queueMs).toBeGreaterThanOrEqual(0)
    expect(metrics.elapsedMs ?? 0).toBeGreaterThanOrEqual(metrics.executionMs ?? 0)
    expect(metrics.bytesReturned).toBeGreaterThan(0)
    expect(metrics.startTime).toBeInstanceOf(Date)
    expect(metrics.sessionId).toBeGreaterThan(0)
    // What the local engine cannot know stays null rather than invented.
    expect(metrics.cpuTimeMs).toBeNull()
    expect(metrics.spillMb).toBeNull()
  })

  it('reports a failed query with its error message', async () => {
    // A client of its own: the failure is the first statement of its connection.
    const own = createClient(configFor(server).build())
    await expect(
      own.executeQuery('SELECT 1 / (g - 3) AS metrics_failure FROM generate_series(1, 5) g'),
    ).rejects.toMatchObject({ sqlState: '22012' })
    // The system views lag behind the queries they describe: look until the failure is listed.
    let failedId: unknown
    for (const started = Date.now(); failedId === undefined && Date.now() - started < 5_000; ) {
      const last = await own.executeQuery(
        "SELECT query_id FROM sys_query_history WHERE query_text LIKE 'SELECT 1 / (g - 3) AS metrics_failure%' AND TRIM(status) = 'failed' LIMIT 1",
      )
      failedId = last.rows[0]?.values[0]
    }
    const metrics = await own.getQueryMetrics(String(failedId))
    expect(metrics.status).toBe('failed')
    expect(metrics.errorMessage).toMatch(/division by zero/)
    await own.close()
  })

  it("refuses an id that is not Redshift's, and says when a query is unknown", async () => {
    await expect(client.getQueryMetrics('not-an-id')).rejects.toBeInstanceOf(ValidationError)
    await expect(client.getQueryMetrics('987654321', { waitMs: 200 })).rejects.toBeInstanceOf(NotFoundError)
  })
})

describe('explainQuery warnings against redshift-local', () => {
  it('warns of a broadcast and of a redistribution of both sides, and not of a collocated join', async () => {
    // One statement a call: the gateway records DISTKEY / DISTSTYLE of each CREATE TABLE it translates.
    for (const sql of [
      'DROP TABLE IF EXISTS plan_fact',
      'DROP TABLE IF EXISTS plan_dim',
      'DROP TABLE IF EXISTS plan_big',
      'CREATE TABLE plan_fact (id int, dim_id int, big_id int) DISTKEY (id)',
      'CREATE TABLE plan_dim (id int, label varchar(10)) DISTSTYLE EVEN',
      'CREATE TABLE plan_big (id int, fact_id int) DISTKEY (fact_id)',
      'INSERT INTO plan_fact SELECT g, g % 50, g FROM generate_series(1, 20000) g',
      "INSERT INTO plan_dim SELECT g, 'd' FROM generate_series(1, 50) g",
      'INSERT INTO plan_big SELECT g, g FROM generate_series(1, 20000) g',
      'ANALYZE plan_fact',
      'ANALYZE plan_dim',
      'ANALYZE plan_big',
    ]) {
      await client.executeQuery(sql)
    }
    try {
      const broadcast = await client.explainQuery(
        'SELECT d.label, count(*) FROM plan_fact f JOIN plan_dim d ON f.dim_id = d.id GROUP BY d.label',
      )
      expect(broadcast.root.layer).toBe('XN')
      expect(broadcast.warnings.map((w) => w.code)).toEqual(['DS_BCAST_INNER'])
      const both = await client.explainQuery(
        'SELECT count(*) FROM plan_fact f JOIN plan_big b ON f.big_id = b.id',
      )
      expect(both.warnings.map((w) => w.code)).toEqual(['DS_DIST_BOTH'])
      const collocated = await client.explainQuery(
        'SELECT count(*) FROM plan_fact f JOIN plan_big b ON f.id = b.fact_id',
      )
      expect(collocated.nodes().find((n) => n.operation === 'Hash Join')?.distribution).toBe('DS_DIST_NONE')
      expect(collocated.warnings).toEqual([])
    } finally {
      for (const t of ['plan_fact', 'plan_dim', 'plan_big']) await client.executeQuery(`DROP TABLE ${t}`)
    }
  })
})
