import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { promisify } from 'node:util'
import { gzip } from 'node:zlib'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { createClient } from '../../src/client.js'
import type { LoadProgress } from '../../src/data/load/staged-copy.js'
import { LoadFailedError, ValidationError } from '../../src/errors/index.js'
import { configFor, startTestServer } from '../integration/server.js'

const role = 'arn:aws:iam::123456789012:role/RedshiftLoad'
const bucket = 'rk-movement-files'
const staging = `s3://${bucket}/staging/`
const shared = inject('redshift')
let client: ReturnType<typeof createClient>
let dir: string

async function stagedLeft(): Promise<string[]> {
  return readdir(path.join(shared.s3Dir, bucket, 'staging'), { recursive: true }).catch(() => [])
}

beforeAll(async () => {
  const server = await startTestServer()
  await mkdir(path.join(shared.s3Dir, bucket), { recursive: true })
  dir = await mkdtemp(path.join(tmpdir(), 'rk-load-file-'))
  client = createClient(
    configFor(server)
      .awsEndpoint(shared.aws.endpoint)
      .awsCredentials({ accessKeyId: shared.aws.accessKeyId, secretAccessKey: shared.aws.secretAccessKey })
      .region(shared.aws.region)
      .defaultCopyIamRole(role)
      .build(),
  )
  await client.executeQuery('DROP TABLE IF EXISTS lf_events')
  await client.executeQuery(
    'CREATE TABLE lf_events (id BIGINT, note VARCHAR(100), amount DECIMAL(38,10), at TIMESTAMP, payload SUPER)',
  )
})
afterAll(async () => {
  await client?.close()
  if (dir) await rm(dir, { recursive: true, force: true })
})

describe('loadFile', () => {
  it('loads a CSV whose header orders columns its own way, in parts cut at record boundaries, values exact', async () => {
    const lines = ['amount,ID,note,at']
    lines.push(
      '1234567890123456789012345678.0123456789,9007199254740993,"two\nlines, ""quoted""",2024-06-01 12:34:56.123456',
    )
    for (let i = 0; i < 40_000; i++)
      lines.push(`${i}.5,${i},"row ${i} ${'x'.repeat(20)}",2024-01-01 00:00:00`)
    const file = path.join(dir, 'events.csv')
    await writeFile(file, `\uFEFF${lines.join('\r\n')}\r\n`)
    const progress: LoadProgress[] = []
    const result = await client.loadFile('lf_events', file, {
      staging,
      mode: 'overwrite',
      fileSizeMb: 1,
      onProgress: (p) => progress.push(p),
    })
    expect(result).toMatchObject({ rowsLoaded: 40_001, records: 40_001, format: 'csv' })
    expect(result.filesStaged).toBeGreaterThan(1)
    expect(progress.at(-1)).toMatchObject({ phase: 'done', rows: 40_001, filesStaged: result.filesStaged })
    expect(progress.map((p) => p.phase)).toContain('copying')
    const back = await client.executeQuery(
      'SELECT id, note, amount::varchar AS amount, at::varchar AS at FROM lf_events WHERE id IN (9007199254740993, 39999) ORDER BY id',
    )
    expect(back.rows.map((r) => r.values)).toEqual([
      [39999n, `row 39999 ${'x'.repeat(20)}`, '39999.5000000000', '2024-01-01 00:00:00'],
      [
        9007199254740993n,
        'two\nlines, "quoted"',
        '1234567890123456789012345678.0123456789',
        '2024-06-01 12:34:56.123456',
      ],
    ])
    expect(await stagedLeft()).toEqual([])
  })

  it('loads gzip newline-delimited JSON (objects into SUPER exactly) from a file: URL', async () => {
    // (redshift-local's JSON reader keeps numbers to 2^53 only; Redshift keeps BIGINT's 19 digits.)
    const text = [
      '{"id": 1, "note": "a", "amount": "0.1", "at": "2024-06-01 00:00:00.5",',
      '  "payload": {"n": 123456789012345, "tags": ["x"]}}',
      '{"ID": 2, "note": null, "payload": [1, "two"]}',
    ].join('\n')
    const file = path.join(dir, 'events.jsonl.gz')
    await writeFile(file, await promisify(gzip)(text))
    const result = await client.loadFile('lf_events', pathToFileURL(file), { staging, mode: 'overwrite' })
    expect(result).toMatchObject({ rowsLoaded: 2, format: 'json', records: 2 })
    const back = await client.executeQuery(
      'SELECT id, note, amount::varchar AS amount, payload FROM lf_events ORDER BY id',
    )
    expect(back.rows.map((r) => r.values)).toEqual([
      [1n, 'a', '0.1000000000', { n: 123456789012345, tags: ['x'] }],
      [2n, null, null, [1, 'two']],
    ])
  })

  it('loads a Parquet file as it is, and creates a table from its schema', async () => {
    const { parquetWriteBuffer } = await import('hyparquet-writer')
    const buffer = parquetWriteBuffer({
      columnData: [
        { name: 'id', data: [1n, 2n], type: 'INT64' },
        { name: 'label', data: ['a', null], type: 'STRING' },
        { name: 'score', data: [1.5, -2.25], type: 'DOUBLE' },
      ],
    })
    const file = path.join(dir, 'scores.parquet')
    await writeFile(file, new Uint8Array(buffer))
    await client.executeQuery('DROP TABLE IF EXISTS lf_scores')
    const created = await client.loadFile('lf_scores', file, { staging, mode: 'create' })
    expect(created).toMatchObject({ rowsLoaded: 2, records: 2, format: 'parquet', filesStaged: 1 })
    const types = await client.executeQuery(
      "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = 'lf_scores' ORDER BY ordinal_position",
    )
    expect(types.rows.map((r) => r.values)).toEqual([
      ['id', 'bigint'],
      ['label', 'character varying'],
      ['score', 'double precision'],
    ])
    const again = await client.loadFile('lf_scores', file, { staging })
    expect(again.rowsLoaded).toBe(2)
    const back = await client.executeQuery('SELECT id, label, score FROM lf_scores ORDER BY id, label')
    expect(back.rows.map((r) => r.values)).toEqual([
      [1n, 'a', 1.5],
      [1n, 'a', 1.5],
      [2n, null, -2.25],
      [2n, null, -2.25],
    ])
    await expect(client.loadFile('lf_events', file, { staging })).rejects.toThrow(
      /by position.*\(id, label, score\)/,
    )
    expect(await stagedLeft()).toEqual([])
  })

  it('creates a table for a tab-separated file from the column types given, all of them', async () => {
    const file = path.join(dir, 'people.tsv')
    await writeFile(file, 'id\tnote\n7\ta, b\n8\t\n')
    await client.executeQuery('DROP TABLE IF EXISTS lf_people')
    await expect(
      client.loadFile('lf_people', file, {
        staging,
        mode: 'create',
        createTable: { columnTypes: { id: 'BIGINT' } },
      }),
    ).rejects.toThrow(/needs a type for every column.*missing: note/)
    const r = await client.loadFile('lf_people', file, {
      staging,
      mode: 'create',
      createTable: { columnTypes: { id: 'BIGINT', note: 'VARCHAR(10)' } },
    })
    expect(r.rowsLoaded).toBe(2)
    const back = await client.executeQuery('SELECT id, note FROM lf_people ORDER BY id')
    expect(back.rows[0]?.values).toEqual([7n, 'a, b'])
  })

  it('a bad value fails the load naming the file and its line, loads nothing, and leaves no staged file', async () => {
    await client.executeQuery('TRUNCATE lf_events')
    const lines = ['id,note']
    for (let i = 1; i <= 30_000; i++) lines.push(i === 25_000 ? 'not-a-number,bad' : `${i},${'y'.repeat(30)}`)
    const file = path.join(dir, 'bad.csv')
    await writeFile(file, `${lines.join('\n')}\n`)
    const error = await client
      .loadFile('lf_events', file, { staging, fileSizeMb: 1 })
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(LoadFailedError)
    const loadError = (error as LoadFailedError).loadErrors?.[0]
    expect(loadError).toMatchObject({ filename: file, lineNumber: 25_001, columnName: 'id' })
    const count = await client.executeQuery('SELECT COUNT(*) FROM lf_events')
    expect(count.rows[0]?.get(0)).toBe(0n)
    expect(await stagedLeft()).toEqual([])
  })

  it('aborting mid-load stops, loads nothing and removes what was staged', async () => {
    await client.executeQuery('TRUNCATE lf_events')
    const file = path.join(dir, 'events.csv')
    const controller = new AbortController()
    const error = await client
      .loadFile('lf_events', file, {
        staging,
        fileSizeMb: 1,
        signal: controller.signal,
        onProgress: (p) => {
          if (p.filesStaged === 1) controller.abort()
        },
      })
      .catch((e: unknown) => e)
    expect((error as Error).name).toBe('AbortError')
    const count = await client.executeQuery('SELECT COUNT(*) FROM lf_events')
    expect(count.rows[0]?.get(0)).toBe(0n)
    expect(await stagedLeft()).toEqual([])
  })

  it('refuses what it cannot load before staging anything, saying what to do', async () => {
    const array = path.join(dir, 'array.json')
    await writeFile(array, '[{"id": 1}]')
    await expect(client.loadFile('lf_events', array, { staging })).rejects.toThrow(
      /JSON array.*one object per line/,
    )
    const unknown = path.join(dir, 'unknown.csv')
    await writeFile(unknown, 'id,colour\n1,red\n')
    await expect(client.loadFile('lf_events', unknown, { staging })).rejects.toThrow(
      /header of .* names columns the table does not have: colour/,
    )
    await expect(client.loadFile('lf_events', 's3://b/k.csv', { staging })).rejects.toThrow(/copyFromS3/)
    const bz = path.join(dir, 'events.csv.bz2')
    await writeFile(bz, 'BZh')
    await expect(client.loadFile('lf_events', bz, { staging })).rejects.toThrow(/\.bz2 files are not read/)
    await expect(client.loadFile('lf_events', path.join(dir, 'missing.csv'), { staging })).rejects.toThrow(
      /no such file/,
    )
    await expect(
      client.loadFile('lf_events', unknown, { staging, csv: { delimiter: ';;' } }),
    ).rejects.toThrow(ValidationError)
    expect(await stagedLeft()).toEqual([])
  })
})
