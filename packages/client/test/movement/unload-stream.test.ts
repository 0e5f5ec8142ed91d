import { mkdir, readdir } from 'node:fs/promises'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { createClient } from '../../src/client.js'
import { ValidationError } from '../../src/errors/index.js'
import { configFor, startTestServer } from '../integration/server.js'

const role = 'arn:aws:iam::123456789012:role/RedshiftUnload'
const bucket = 'rk-unload-stream'
const shared = inject('redshift')
const staging = `s3://${bucket}/tmp/`
let client: ReturnType<typeof createClient>

async function filesLeft(): Promise<string[]> {
  return readdir(path.join(shared.s3Dir, bucket, 'tmp'), { recursive: true }).catch(() => [])
}

beforeAll(async () => {
  const server = await startTestServer()
  await mkdir(path.join(shared.s3Dir, bucket), { recursive: true })
  client = createClient(
    configFor(server)
      .awsEndpoint(shared.aws.endpoint)
      .awsCredentials({ accessKeyId: shared.aws.accessKeyId, secretAccessKey: shared.aws.secretAccessKey })
      .region(shared.aws.region)
      .defaultUnloadIamRole(role)
      .build(),
  )
  await client.executeQuery('DROP TABLE IF EXISTS us_t')
  await client.executeQuery(
    'CREATE TABLE us_t (id BIGINT, name VARCHAR(20), amount DECIMAL(38,6), at TIMESTAMP, day DATE, ok BOOLEAN, score DOUBLE PRECISION, n INT)',
  )
  await client.executeQuery(
    `INSERT INTO us_t VALUES (9007199254740993, 'a', 12345678901234567890.123456, '2024-06-01 12:34:56.123456', '2024-06-01', true, 1.5, 7),
     (2, NULL, -0.5, NULL, NULL, false, NULL, NULL)`,
  )
})
afterAll(async () => {
  await client?.close()
})

describe('unloadToStream', () => {
  it('gives the same rows and types as streamResults, and removes its files', async () => {
    const sql = 'SELECT * FROM us_t ORDER BY id'
    const stream = await client.unloadToStream(sql, { staging })
    const rows = []
    for await (const row of stream) rows.push(row.values)
    const direct = []
    for await (const row of await client.streamResults(sql)) direct.push(row.values)
    expect(rows).toEqual(direct)
    expect(rows[1]?.[0]).toBe(9007199254740993n)
    expect(stream.columns.map((c) => c.dataType)).toEqual([
      'BIGINT',
      'VARCHAR',
      'DECIMAL',
      'TIMESTAMP',
      'DATE',
      'BOOLEAN',
      'DOUBLE PRECISION',
      'INTEGER',
    ])
    expect(await filesLeft()).toEqual([])
  })

  it('keeps streamResults types for REAL, SMALLINT, CHAR, TIMESTAMPTZ and early dates, and with parser options', async () => {
    await client.executeQuery('DROP TABLE IF EXISTS us_more')
    await client.executeQuery(
      'CREATE TABLE us_more (r REAL, s SMALLINT, c CHAR(3), tz TIMESTAMPTZ, old TIMESTAMP, id BIGINT, d DECIMAL(10,2))',
    )
    await client.executeQuery(
      `INSERT INTO us_more VALUES (1.1, -3, 'ab', '2024-06-01 12:34:56.5+00', '1969-12-31 23:59:59.9985', -9007199254740993, -12.5),
       (3.4028235e38, 32767, NULL, NULL, '0001-01-01 00:00:00', 1, NULL)`,
    )
    const sql = 'SELECT * FROM us_more ORDER BY s'
    const read = async (c: ReturnType<typeof createClient>) => {
      const viaUnload = []
      for await (const row of await c.unloadToStream(sql, { staging })) viaUnload.push(row.values)
      const direct = []
      for await (const row of await c.streamResults(sql)) direct.push(row.values)
      return { viaUnload, direct }
    }
    const plain = await read(client)
    expect(plain.viaUnload).toEqual(plain.direct)
    expect(plain.viaUnload[0]?.[0]).toBe(1.1)
    const options = createClient(
      configFor(await startTestServer())
        .awsEndpoint(shared.aws.endpoint)
        .awsCredentials({ accessKeyId: shared.aws.accessKeyId, secretAccessKey: shared.aws.secretAccessKey })
        .region(shared.aws.region)
        .defaultUnloadIamRole(role)
        .typeParsers({
          bigint: 'string',
          timestamps: 'string',
          numeric: 'number',
          overrides: { 21: (t) => `s${t}` },
        })
        .build(),
    )
    try {
      const parsed = await read(options)
      expect(parsed.viaUnload).toEqual(parsed.direct)
      expect(parsed.viaUnload[0]?.[1]).toBe('s-3')
    } finally {
      await options.close()
    }
  })

  it('many files, read in batches; leaving early removes the files', async () => {
    const sql = 'SELECT g AS i, md5(g::text) AS h FROM generate_series(1, 20000) AS g'
    let count = 0
    for await (const batch of (await client.unloadToStream(sql, { staging, maxFileSizeMb: 5 })).batches())
      count += batch.length
    expect(count).toBe(20000)
    const early = await client.unloadToStream(sql, { staging })
    for await (const _row of early) break
    expect(await filesLeft()).toEqual([])
  })

  it('refuses parameters and a missing role', async () => {
    await expect(
      createClient(configFor(await startTestServer()).build()).unloadToStream('SELECT 1', { staging }),
    ).rejects.toThrow(ValidationError)
  })
})
