import { mkdir, readdir } from 'node:fs/promises'
import path from 'node:path'
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest'
import { createClient } from '../../src/client.js'
import type { LoadProgress } from '../../src/data/load/staged-copy.js'
import { ValidationError } from '../../src/errors/index.js'
import { configFor, startTestServer, type TestServer } from '../integration/server.js'

const bucket = 'rk-movement-merge'
const staging = `s3://${bucket}/staging/`
const shared = inject('redshift')
let client: ReturnType<typeof createClient>
let server: TestServer

async function stagedLeft(): Promise<string[]> {
  return readdir(path.join(shared.s3Dir, bucket, 'staging'), { recursive: true }).catch(() => [])
}
async function table(): Promise<(readonly unknown[])[]> {
  const r = await client.executeQuery(
    'SELECT id, region, name, score::varchar AS score FROM mg_users ORDER BY id, region',
  )
  return r.rows.map((row) => row.values)
}

beforeAll(async () => {
  server = await startTestServer()
  await mkdir(path.join(shared.s3Dir, bucket), { recursive: true })
  client = createClient(
    configFor(server)
      .awsEndpoint(shared.aws.endpoint)
      .awsCredentials({ accessKeyId: shared.aws.accessKeyId, secretAccessKey: shared.aws.secretAccessKey })
      .region(shared.aws.region)
      .defaultCopyIamRole('arn:aws:iam::123456789012:role/RedshiftLoad')
      .build(),
  )
  await client.executeQuery('DROP TABLE IF EXISTS mg_users')
  await client.executeQuery(
    'CREATE TABLE mg_users (id BIGINT, region VARCHAR(8), name VARCHAR(40), score DECIMAL(12,2))',
  )
})
beforeEach(async () => {
  await client.executeQuery('TRUNCATE mg_users')
  await client.executeQuery(
    "INSERT INTO mg_users VALUES (1, 'eu', 'ann', 1.50), (2, 'eu', 'bob', 2.00), (2, 'us', 'bo', 3.00)",
  )
})
afterAll(async () => {
  await client?.close()
})

describe('upsert and merge', () => {
  it('upsert updates the rows whose keys exist and inserts the others, through MERGE', async () => {
    const progress: LoadProgress[] = []
    const result = await client.upsert(
      'mg_users',
      [
        { id: 2n, region: 'eu', name: 'bobby', score: '9.99' },
        { id: 3n, region: 'eu', name: 'cy', score: null },
      ],
      { keys: ['id', 'REGION'], staging, onProgress: (p) => progress.push(p) },
    )
    expect(result).toMatchObject({
      rowsStaged: 2,
      rowsMatched: 1,
      rowsInserted: 1,
      rowsUpdated: 1,
      rowsDeleted: 0,
      usedMerge: true,
      filesStaged: 1,
    })
    expect([...new Set(progress.map((p) => p.phase))]).toEqual(['staging', 'copying', 'merging', 'done'])
    expect(await table()).toEqual([
      [1n, 'eu', 'ann', '1.50'],
      [2n, 'eu', 'bobby', '9.99'],
      [2n, 'us', 'bo', '3.00'],
      [3n, 'eu', 'cy', null],
    ])
    expect(await stagedLeft()).toEqual([])
  })

  it('input rows that share a key are refused with the keys named, and nothing changes', async () => {
    const rows = [
      [1n, 'eu', 'x', '1'],
      [5n, 'eu', 'y', '1'],
      [1n, 'eu', 'z', '2'],
    ]
    await expect(client.upsert('mg_users', rows, { keys: ['id', 'region'], staging })).rejects.toThrow(
      /share a key.*\(id=1, region=eu\) x2/,
    )
    await expect(
      client.upsert('mg_users', [[null, 'eu', 'n', '1']], { keys: ['id'], staging }),
    ).rejects.toThrow(/NULL key/)
    expect((await table()).length).toBe(3)
    expect(await stagedLeft()).toEqual([])
  })

  it('merge deletes the matching rows, updates only the columns named, or inserts only the new rows', async () => {
    const deleted = await client.merge(
      'mg_users',
      [
        { id: 2n, region: 'us' },
        { id: 9n, region: 'us' },
      ],
      {
        keys: ['id', 'region'],
        whenMatched: 'delete',
        whenNotMatched: 'ignore',
        staging,
      },
    )
    expect(deleted).toMatchObject({ rowsMatched: 1, rowsDeleted: 1, rowsInserted: 0, usedMerge: false })
    const updated = await client.merge('mg_users', [{ id: 1n, region: 'eu', name: 'ignored', score: '7' }], {
      keys: ['id', 'region'],
      whenNotMatched: 'ignore',
      updateColumns: ['score'],
      staging,
      format: 'csv',
    })
    expect(updated).toMatchObject({ rowsUpdated: 1, usedMerge: false })
    const inserted = await client.merge(
      'mg_users',
      [
        { id: 1n, region: 'eu', name: 'not me' },
        { id: 4n, region: 'eu', name: 'dee' },
      ],
      { keys: ['id', 'region'], whenMatched: 'ignore', staging },
    )
    expect(inserted).toMatchObject({ rowsMatched: 1, rowsInserted: 1, rowsUpdated: 0 })
    expect(await table()).toEqual([
      [1n, 'eu', 'ann', '7.00'],
      [2n, 'eu', 'bob', '2.00'],
      [4n, 'eu', 'dee', null],
    ])
  })

  it('a serialization conflict reruns the whole transaction (staging table, COPY, MERGE)', async () => {
    // Another session changes row 1 and holds it: the upsert's MERGE waits on the row after its
    // snapshot was taken, then fails to serialize when that session commits, and is rerun.
    const other = await server.admin()
    try {
      await other.query('BEGIN')
      await other.query("UPDATE mg_users SET name = 'other' WHERE id = 1")
      let merging = 0
      const upsert = client.upsert('mg_users', [{ id: 1n, region: 'eu', name: 'mine', score: '5' }], {
        keys: ['id', 'region'],
        staging,
        onProgress: (p) => {
          if (p.phase === 'merging') merging++
        },
      })
      for (;;) {
        const waiting = await other.query(
          'SELECT COUNT(*)::int AS n FROM pg_stat_activity WHERE pg_backend_pid() = ANY (pg_blocking_pids(pid))',
        )
        if (waiting.rows[0].n > 0) break
      }
      await other.query('COMMIT')
      const result = await upsert
      expect(merging).toBe(2)
      expect(result).toMatchObject({ rowsUpdated: 1, rowsInserted: 0 })
      expect((await table())[0]).toEqual([1n, 'eu', 'mine', '5.00'])
    } finally {
      await other.end()
    }
  })

  it('refuses bad options before staging anything', async () => {
    await expect(client.upsert('mg_users', [], { keys: [], staging })).rejects.toThrow(ValidationError)
    await expect(client.upsert('mg_users', [], { keys: ['nope'], staging })).rejects.toThrow(
      /keys names nope, which is not a column/,
    )
    await expect(
      client.merge('mg_users', [], {
        keys: ['id'],
        whenMatched: 'ignore',
        whenNotMatched: 'ignore',
        staging,
      }),
    ).rejects.toThrow(/nothing would change/)
    expect(await stagedLeft()).toEqual([])
  })
})
