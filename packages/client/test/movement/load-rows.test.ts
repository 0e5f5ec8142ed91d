import { mkdir, readdir } from 'node:fs/promises'
import path from 'node:path'
import { Readable } from 'node:stream'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { createClient } from '../../src/client.js'
import type { LoadProgress } from '../../src/data/load/load-rows.js'
import { LoadFailedError, ValidationError } from '../../src/errors/index.js'
import { configFor, startTestServer, type TestServer } from '../integration/server.js'

const role = 'arn:aws:iam::123456789012:role/RedshiftLoad'
const bucket = 'rk-movement'
let server: TestServer
let client: ReturnType<typeof createClient>
const shared = inject('redshift')
const staging = `s3://${bucket}/staging/`

async function stagedLeft(): Promise<string[]> {
  const dir = path.join(shared.s3Dir, bucket, 'staging')
  return readdir(dir, { recursive: true }).catch(() => [])
}

beforeAll(async () => {
  server = await startTestServer()
  await mkdir(path.join(shared.s3Dir, bucket), { recursive: true })
  client = createClient(
    configFor(server)
      .awsEndpoint(shared.aws.endpoint)
      .awsCredentials({ accessKeyId: shared.aws.accessKeyId, secretAccessKey: shared.aws.secretAccessKey })
      .region(shared.aws.region)
      .defaultCopyIamRole(role)
      .build(),
  )
  await client.executeQuery('DROP TABLE IF EXISTS mv_events')
  await client.executeQuery(
    'CREATE TABLE mv_events (id BIGINT, name VARCHAR(40), amount DECIMAL(38,10), at TIMESTAMP, day DATE, ok BOOLEAN, score DOUBLE PRECISION)',
  )
})
afterAll(async () => {
  await client?.close()
})

const rows = [
  [
    9007199254740993n,
    'first, "quoted"',
    '1234567890123456789012345678.0123456789',
    '2024-06-01 12:34:56.123456',
    '2024-06-01',
    true,
    1.5,
  ],
  [2n, '', '-0.5', new Date('2024-06-02T00:00:00.007Z'), '2024-06-02', false, null],
  [3n, null, null, null, null, null, -2.25],
]

describe('loadRows', () => {
  it('loads arrays as Parquet with exact values, and removes the staged files', async () => {
    const progress: LoadProgress[] = []
    const result = await client.loadRows('mv_events', rows, { staging, onProgress: (p) => progress.push(p) })
    expect(result).toMatchObject({ rowsLoaded: 3, format: 'parquet', filesStaged: 1 })
    expect(progress.map((p) => p.phase)).toEqual(['staging', 'copying', 'done'])
    const back = await client.executeQuery(
      'SELECT id, name, amount::varchar AS amount, at::varchar AS at, day::varchar AS day, ok, score FROM mv_events ORDER BY id',
    )
    expect(back.rows.map((r) => r.values)).toEqual([
      [2n, '', '-0.5000000000', '2024-06-02 00:00:00.007', '2024-06-02', false, null],
      [3n, null, null, null, null, null, -2.25],
      [
        9007199254740993n,
        'first, "quoted"',
        '1234567890123456789012345678.0123456789',
        '2024-06-01 12:34:56.123456',
        '2024-06-01',
        true,
        1.5,
      ],
    ])
    expect(await stagedLeft()).toEqual([])
  })

  it('loads objects from an async iterable as CSV in several files, and overwrite replaces the rows', async () => {
    async function* generate() {
      for (let i = 0; i < 30000; i++) yield { id: BigInt(i), name: `n${i}`.padEnd(40, 'x'), ok: i % 2 === 0 }
    }
    const result = await client.loadRows('mv_events', generate(), {
      staging,
      format: 'csv',
      mode: 'overwrite',
      fileSizeMb: 1,
    })
    expect(result.rowsLoaded).toBe(30000)
    expect(result.format).toBe('csv')
    expect(result.filesStaged).toBeGreaterThan(1)
    const count = await client.executeQuery(
      'SELECT COUNT(*) AS n, SUM(CASE WHEN ok THEN 1 ELSE 0 END) AS t FROM mv_events',
    )
    expect(count.rows[0]?.values).toEqual([30000n, 15000n])
    expect(await stagedLeft()).toEqual([])
  })

  it('a Readable in object mode works too', async () => {
    await client.executeQuery('TRUNCATE mv_events')
    const stream = Readable.from([
      { id: 1n, name: 'a' },
      { id: 2n, name: 'b' },
    ])
    const result = await client.loadRows('mv_events', stream, { staging })
    expect(result.rowsLoaded).toBe(2)
  })

  it('creates a table from the data with DISTKEY and SORTKEY, SUPER as JSON', async () => {
    await client.executeQuery('DROP TABLE IF EXISTS mv_created')
    const result = await client.loadRows(
      'mv_created',
      [
        { id: 1, label: 'a', payload: { n: 12345678901234567890n, tags: ['x'] } },
        { id: 2, label: 'b', payload: null },
      ],
      { staging, mode: 'create', createTable: { distKey: 'id', sortKey: ['id'] } },
    )
    expect(result).toMatchObject({ rowsLoaded: 2, format: 'csv' })
    const back = await client.executeQuery('SELECT id, label, payload FROM mv_created ORDER BY id')
    expect(back.rows[0]?.get('payload')).toEqual({ n: 12345678901234567890n, tags: ['x'] })
  })

  it('a bad value fails the load with its load errors, loads nothing, and leaves no staged file', async () => {
    await client.executeQuery('TRUNCATE mv_events')
    const error = await client
      .loadRows(
        'mv_events',
        [
          [1n, 'ok', '1', null, null, null, null],
          [2n, 'way too long for forty characters, really it is', '1', null, null, null, null],
        ],
        {
          staging,
          format: 'csv',
        },
      )
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(LoadFailedError)
    expect((error as LoadFailedError).loadErrors?.length).toBeGreaterThan(0)
    const count = await client.executeQuery('SELECT COUNT(*) FROM mv_events')
    expect(count.rows[0]?.get(0)).toBe(0n)
    expect(await stagedLeft()).toEqual([])
  })

  it('refuses bad options and rows before staging anything', async () => {
    await expect(
      client.loadRows('mv_events', [], { staging: 'not-s3', format: 'xml' as never }),
    ).rejects.toThrow(ValidationError)
    await expect(client.loadRows('mv_events', [[1n]], { staging })).rejects.toThrow(
      /has 1 values; the table has 7 columns/,
    )
    await expect(client.loadRows('mv_events', [{ nope: 1 }], { staging })).rejects.toThrow(
      /"nope" that is not a column/,
    )
    expect(await stagedLeft()).toEqual([])
  })
})
