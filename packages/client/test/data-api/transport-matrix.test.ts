import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { createClient, type RedshiftClient } from '../../src/client.js'
import { QueryBuilder } from '../../src/query/query-builder.js'
import { TRANSPORTS } from './transports.js'

// The same calls over both transports, against the same local Redshift: they must agree.
describe.each(TRANSPORTS)('over the $name transport', ({ name, config }) => {
  let client: RedshiftClient
  const table = `matrix_${name.replace('-', '_')}`

  beforeAll(async () => {
    client = createClient(config().build())
    await client.executeQuery(`DROP TABLE IF EXISTS ${table}`)
    await client.executeQuery(`CREATE TABLE ${table} (id INT, note VARCHAR(20))`)
  })
  afterAll(async () => {
    await client?.executeQuery(`DROP TABLE IF EXISTS ${table}`)
    await client?.close()
  })

  it('reads typed values as the wire does', async () => {
    const r = await client.executeQuery(
      `SELECT 1::int2 AS s, 2::int4 AS i, 9007199254740991::int8 AS b, 12.345::numeric(10,3) AS d,
              1.5::float8 AS f, true AS t, 'x'::varchar AS v, NULL::int AS n,
              '2024-01-02 03:04:05'::timestamp AS ts, '2024-01-02'::date AS dt, JSON_PARSE('{"a":1}') AS j`,
    )
    expect(r.rows[0]?.values).toEqual([
      1,
      2,
      9007199254740991n,
      '12.345',
      1.5,
      true,
      'x',
      null,
      new Date('2024-01-02T03:04:05.000Z'),
      '2024-01-02',
      { a: 1 },
    ])
    expect(r.columns.map((c) => c.dataType)).toEqual([
      'SMALLINT',
      'INTEGER',
      'BIGINT',
      'DECIMAL',
      'DOUBLE PRECISION',
      'BOOLEAN',
      'VARCHAR',
      'INTEGER',
      'TIMESTAMP',
      'DATE',
      'SUPER',
    ])
  })

  it('binds $n parameters, NULL and the empty string included, without pasting values into SQL', async () => {
    const hostile = "'); DROP TABLE x; --"
    const r = await client.executeQuery(
      new QueryBuilder(
        "SELECT $1::int AS a, $2::varchar AS b, $3::varchar AS c, $4 AS d, $1 + 1 AS e, '$1' AS f",
      )
        .param(41)
        .param(null)
        .param('')
        .param(hostile)
        .build(),
    )
    expect(r.rows[0]?.values).toEqual([41, null, '', hostile, 42, '$1'])
  })

  it('runs a transaction, and rolls one back', async () => {
    await client.executeInTransaction(async (tx) => {
      await tx.query(new QueryBuilder(`INSERT INTO ${table} VALUES ($1, $2)`).param(1).param('kept').build())
    })
    await expect(
      client.executeInTransaction(async (tx) => {
        await tx.query(`INSERT INTO ${table} VALUES (2, 'gone')`)
        throw new Error('changed my mind')
      }),
    ).rejects.toThrow('changed my mind')
    const r = await client.executeQuery(`SELECT id, note FROM ${table} ORDER BY id`)
    expect(r.rows.map((row) => row.values)).toEqual([[1, 'kept']])
  })

  it('runs a batch in one transaction', async () => {
    const insert = await client.prepare('matrix_insert', `INSERT INTO ${table} VALUES ($1, $2)`)
    const results = await client.batchExecute(insert, [
      [10, 'a'],
      [11, null],
      [12, ''],
    ])
    expect(results).toHaveLength(3)
    const r = await client.executeQuery(`SELECT count(*) FROM ${table} WHERE id >= 10`)
    expect(r.rows[0]?.values[0]).toBe(3n)
  })

  it('streams a result in pages', async () => {
    const stream = await client.streamResults('SELECT g AS n FROM generate_series(1, 2500) AS g ORDER BY 1')
    let count = 0
    let last = 0
    for await (const row of stream) {
      count++
      last = row.get('n') as number
    }
    expect([count, last]).toEqual([2500, 2500])
  })

  it('runs an async query and fetches its result by handle', async () => {
    const handle = await client.executeQueryAsync('SELECT 7 AS seven')
    const result = await client.getQueryResults(handle)
    expect(result.rows[0]?.values).toEqual([7])
    expect((await client.getQueryStatus(handle)).state).toBe('finished')
  })

  it('cancels a running async query', async () => {
    const handle = await client.executeQueryAsync('SELECT pg_sleep(20)')
    // Until it runs, however long a loaded machine takes to start it (the sleep outlasts the wait).
    await vi.waitFor(
      async () => {
        expect((await client.getQueryStatus(handle)).state).toBe('running')
      },
      { timeout: 15_000, interval: 10 },
    )
    const outcome = await client.cancelQuery(handle)
    expect(outcome.cancelled).toBe(true)
    expect((await client.getQueryStatus(handle)).state).toBe('cancelled')
  })

  it('reports a failed statement as the same error class', async () => {
    await expect(client.executeQuery('SELECT * FROM no_such_table_matrix')).rejects.toMatchObject({
      name: 'NotFoundError',
    })
  })
})
