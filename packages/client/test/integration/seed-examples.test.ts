import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createClient, type RedshiftClient } from '../../src/client.js'
import { RedshiftConfig } from '../../src/config/redshift-config.js'
import { NotFoundError } from '../../src/errors/index.js'
import { QueryBuilder } from '../../src/query/query-builder.js'
import { configFor, SERVER_SPEAKS_REDSHIFT, startTestServer, type TestServer } from './server.js'

let server: TestServer

beforeAll(async () => {
  server = await startTestServer()
  const admin = await server.admin()
  await admin.query(`
    CREATE TABLE sales (id int, date date);
    INSERT INTO sales SELECT g, DATE '2023-12-25' + g FROM generate_series(1, 20) g;
    CREATE TABLE inventory (warehouse_id int NOT NULL, product_id int NOT NULL, quantity int NOT NULL);
    CREATE TABLE inventory_transfers (from_warehouse int, to_warehouse int, product_id int, quantity int,
                                      transferred_at timestamp);`)
  await admin.end()
})
afterAll(async () => {
  await server?.stop()
})

describe('seed example 7.1: basic query execution', () => {
  const countSince = (withQueryGroup: boolean) => {
    const builder = new QueryBuilder('SELECT COUNT(*) FROM sales WHERE date >= $1').param('2024-01-01')
    return (withQueryGroup ? builder.queryGroup('dashboard') : builder).build()
  }

  it.skipIf(!SERVER_SPEAKS_REDSHIFT)('runs as written, under query group "dashboard"', async () => {
    const config = RedshiftConfig.builder()
      .endpoint(server.host, server.port, server.database)
      .withDatabaseAuth(server.user, server.password)
      .poolSize(10)
      .build()
    const client = createClient(config)
    const result = await client.executeQuery(countSince(true))
    expect(result.rows[0]?.values[0]).toBe(14n)
    const group = await client.executeQuery(
      new QueryBuilder('SHOW query_group').queryGroup('dashboard').build(),
    )
    expect(group.rows[0]?.values[0]).toBe('dashboard')
    await client.close()
  })

  it('runs against plain PostgreSQL without the query group', async () => {
    const client = createClient(configFor(server).poolSize(10).build())
    const result = await client.executeQuery(countSince(false))
    expect(result.rows[0]?.values[0]).toBe(14n)
    if (!SERVER_SPEAKS_REDSHIFT) {
      // PostgreSQL has no query_group: the SET is refused, and the session stays usable.
      await expect(client.executeQuery(countSince(true))).rejects.toBeInstanceOf(NotFoundError)
      expect((await client.executeQuery(countSince(false))).rows[0]?.values[0]).toBe(14n)
    }
    expect(client.getPoolStats()).toMatchObject({ active: 0 })
    await client.close()
  })
})

describe('seed example 7.5: transaction with retry', () => {
  class InsufficientInventory extends Error {
    override readonly name = 'InsufficientInventory'
  }
  let client: RedshiftClient

  async function transferInventory(
    client: RedshiftClient,
    fromWarehouse: number,
    toWarehouse: number,
    productId: number,
    quantity: number,
  ): Promise<void> {
    await client.executeInTransaction(async (tx) => {
      const deduct = new QueryBuilder(
        'UPDATE inventory SET quantity = quantity - $1 WHERE warehouse_id = $2 AND product_id = $3 AND quantity >= $1',
      )
        .param(quantity)
        .param(fromWarehouse)
        .param(productId)
        .build()
      const result = await tx.query(deduct)
      if (result.rowsAffected === 0) throw new InsufficientInventory()

      // The seed writes this upsert with PostgreSQL's ON CONFLICT, which Redshift refuses (see the test
      // below): on Redshift it is an UPDATE, then an INSERT when no row was there.
      const add = new QueryBuilder(
        'UPDATE inventory SET quantity = quantity + $1 WHERE warehouse_id = $2 AND product_id = $3',
      )
        .param(quantity)
        .param(toWarehouse)
        .param(productId)
        .build()
      if ((await tx.query(add)).rowsAffected === 0) {
        const insert = new QueryBuilder(
          'INSERT INTO inventory (warehouse_id, product_id, quantity) VALUES ($1, $2, $3)',
        )
          .param(toWarehouse)
          .param(productId)
          .param(quantity)
          .build()
        await tx.query(insert)
      }

      const record = new QueryBuilder(
        'INSERT INTO inventory_transfers (from_warehouse, to_warehouse, product_id, quantity, transferred_at) ' +
          'VALUES ($1, $2, $3, $4, GETDATE())',
      )
        .param(fromWarehouse)
        .param(toWarehouse)
        .param(productId)
        .param(quantity)
        .build()
      await tx.query(record)
    })
  }

  async function stock(): Promise<Record<string, unknown>[]> {
    return (
      await client.executeQuery('SELECT warehouse_id, product_id, quantity FROM inventory ORDER BY 1, 2')
    ).toObjects()
  }

  beforeAll(async () => {
    client = createClient(configFor(server).poolSize(5).maxRetries(20).retryBackoff(5).build())
    await client.executeQuery('INSERT INTO inventory VALUES (1, 42, 10)')
  })
  afterAll(async () => {
    expect(client.getPoolStats()).toMatchObject({ active: 0, waiting: 0 })
    await client.close()
  })

  it.skipIf(!SERVER_SPEAKS_REDSHIFT)('refuses the seed’s ON CONFLICT upsert, as Redshift does', async () => {
    const upsert = new QueryBuilder(
      'INSERT INTO inventory (warehouse_id, product_id, quantity) VALUES ($1, $2, $3) ' +
        'ON CONFLICT (warehouse_id, product_id) DO UPDATE SET quantity = inventory.quantity + $3',
    )
      .params([1, 42, 1])
      .build()
    await expect(client.executeQuery(upsert)).rejects.toMatchObject({ sqlState: '42601' })
  })

  it('moves stock, creating the destination row, and records the transfer', async () => {
    await transferInventory(client, 1, 2, 42, 3)
    expect(await stock()).toEqual([
      { warehouse_id: 1, product_id: 42, quantity: 7 },
      { warehouse_id: 2, product_id: 42, quantity: 3 },
    ])
    const transfers = await client.executeQuery('SELECT quantity, transferred_at FROM inventory_transfers')
    expect(transfers.rows).toHaveLength(1)
    expect(transfers.rows[0]?.get('transferred_at')).toBeInstanceOf(Date)
  })

  it('rolls everything back and rethrows the caller’s error when stock is short', async () => {
    const error = await transferInventory(client, 1, 2, 42, 100).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(InsufficientInventory)
    expect(await stock()).toEqual([
      { warehouse_id: 1, product_id: 42, quantity: 7 },
      { warehouse_id: 2, product_id: 42, quantity: 3 },
    ])
    expect((await client.executeQuery('SELECT count(*) FROM inventory_transfers')).rows[0]?.get(0)).toBe(1n)
  })

  it('keeps the books right under concurrent transfers (conflicts are rerun)', async () => {
    await Promise.all([
      transferInventory(client, 1, 2, 42, 1),
      transferInventory(client, 2, 1, 42, 1),
      transferInventory(client, 1, 3, 42, 2),
      transferInventory(client, 2, 3, 42, 1),
    ])
    const rows = await stock()
    expect(rows.reduce((sum, r) => sum + (r.quantity as number), 0)).toBe(10)
    expect(rows).toEqual([
      { warehouse_id: 1, product_id: 42, quantity: 5 },
      { warehouse_id: 2, product_id: 42, quantity: 2 },
      { warehouse_id: 3, product_id: 42, quantity: 3 },
    ])
    expect((await client.executeQuery('SELECT count(*) FROM inventory_transfers')).rows[0]?.get(0)).toBe(5n)
  })
})
