import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createClient } from '../../src/client.js'
import { ValidationError } from '../../src/errors/index.js'
import { QueryBuilder } from '../../src/query/query-builder.js'
import { expandInLists, inList } from '../../src/types/in-list.js'
import { json } from '../../src/types/value.js'
import { configFor, startTestServer } from '../integration/server.js'

let client: ReturnType<typeof createClient>

beforeAll(async () => {
  client = createClient(configFor(await startTestServer()).build())
  await client.executeQuery('DROP TABLE IF EXISTS il_items')
  await client.executeQuery('CREATE TABLE il_items (id BIGINT, name VARCHAR(20), doc SUPER)')
  await client.executeQuery(
    "INSERT INTO il_items SELECT n, 'item ' || n, NULL FROM (SELECT generate_series(1, 50000) AS n) AS s",
  )
})
afterAll(async () => {
  await client?.close()
})

describe('inList', () => {
  it('expands one placeholder into one per value and renumbers the rest, literals untouched', () => {
    const q = new QueryBuilder("SELECT '$1' AS s, $2 AS x FROM t WHERE id IN ($1) -- $1")
      .param(inList([7n, 8n, 9n]))
      .param('x')
      .build()
    expect(q.sql).toBe("SELECT '$1' AS s, $4 AS x FROM t WHERE id IN ($1, $2, $3) -- $1")
    expect(q.params).toEqual([7n, 8n, 9n, 'x'])
    expect(expandInLists('SELECT 1 WHERE a IN ($1)', [inList([])], 10)).toMatchObject({
      sql: 'SELECT 1 WHERE a IN ($1)',
      params: [null],
    })
    expect(() => inList([1, {} as never])).toThrow(ValidationError)
    expect(() => new QueryBuilder('SELECT $1').param([1, 2] as never)).toThrow(/inList|Expand it/)
  })

  it('runs against the server: a short list bound inline, an empty one matching nothing', async () => {
    const q = new QueryBuilder('SELECT id FROM il_items WHERE id IN ($1) AND name <> $2 ORDER BY id')
      .param(inList([3, 1n, 2]))
      .param('nope')
      .build()
    const r = await client.executeQuery(q)
    expect(r.rows.map((row) => row.get('id'))).toEqual([1n, 2n, 3n])
    const none = await client.executeQuery(
      new QueryBuilder('SELECT COUNT(*) FROM il_items WHERE id IN ($1)').param(inList([])).build(),
    )
    expect(none.rows[0]?.get(0)).toBe(0n)
  })

  it('past 32,767 parameters the list is staged in a temporary table, the values still bound', async () => {
    const ids = Array.from({ length: 40_000 }, (_, i) => BigInt(i * 2 + 1))
    const q = new QueryBuilder(
      'SELECT COUNT(*) AS n, MAX(id) AS top FROM il_items WHERE id IN ($1) AND id < $2',
    )
      .param(inList(ids))
      .param(50_000)
      .build()
    expect(q.params).toHaveLength(2)
    const r = await client.executeQuery(q)
    expect(r.rows[0]?.values).toEqual([25_000n, 49_999n])
    const names = Array.from({ length: 33_000 }, (_, i) => `item ${i + 1}`)
    const byName = await client.executeQuery(
      new QueryBuilder('SELECT COUNT(*) FROM il_items WHERE name IN ($1)')
        .param(inList(names, { type: 'VARCHAR(20)' }))
        .build(),
    )
    expect(byName.rows[0]?.get(0)).toBe(33_000n)
    await expect(client.streamResults(q)).rejects.toThrow(/only executeQuery stages such a list/)
    await expect(
      client.executeQuery(
        new QueryBuilder('SELECT 1 WHERE 1 IN ($1)').param(inList([...ids, 'x' as never])).build(),
      ),
    ).rejects.toThrow(/mixes BIGINT and VARCHAR/)
  })

  it('SUPER values go in and come out exactly (bigints past 2^53, nested arrays, decimals)', async () => {
    const doc = { n: 2n ** 70n + 1n, small: 42, f: 1.5, tags: ['a', null, { deep: [true] }], s: 'x"y' }
    await client.executeQuery(
      new QueryBuilder('INSERT INTO il_items VALUES ($1, $2, JSON_PARSE($3))')
        .param(-1n)
        .param('doc')
        .param(json(doc))
        .build(),
    )
    const r = await client.executeQuery('SELECT doc FROM il_items WHERE id = -1')
    expect(r.rows[0]?.get('doc')).toEqual(doc)
  })
})
