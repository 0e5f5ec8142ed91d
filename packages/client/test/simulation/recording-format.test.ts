import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  ColumnMetadata,
  json,
  LoadFailedError,
  QueryBuilder,
  QueryResult,
  QueryTimeoutError,
  ValidationError,
  type Value,
} from '@redshift-kit/client'
import {
  MockRedshiftClient,
  QueryRecorder,
  QueryReplayer,
  RECORDING_FORMAT,
  redactLiterals,
} from '@redshift-kit/client/simulation'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

let dir: string
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rk-format-'))
})
afterAll(() => rm(dir, { recursive: true, force: true }))

/** A mock client whose exchanges `recorder` records: recording needs no database for these tests. */
function recordedMock(recorder: QueryRecorder): MockRedshiftClient {
  return new MockRedshiftClient({ wrapTransport: (t) => recorder.wrap(t) })
}

describe('recording values', () => {
  it('round-trip exactly: bigint, decimals, special numbers, dates, bytes, SUPER', async () => {
    const values: Value[] = [
      9_007_199_254_740_993n,
      '12345678901234567890.123456789',
      Number.NaN,
      Number.NEGATIVE_INFINITY,
      -0,
      0.1,
      new Date('2024-01-02T03:04:05.678Z'),
      new Uint8Array([0, 255, 1]),
      { nested: [1, 'two', null, { $bigint: 'not a tag' }] },
      [1, 2],
      'plain',
      true,
      null,
    ]
    const columns = values.map((_, i) => new ColumnMetadata(`c${i}`, 'UNKNOWN'))
    const result = new QueryResult({ columns, rows: [[...values]] })
    const recorder = new QueryRecorder()
    const client = recordedMock(recorder)
    client.setQueryResponse('SELECT everything', result)
    recorder.startRecording()
    const live = await client.executeQuery(
      new QueryBuilder('SELECT everything WHERE a = $1 AND b = $2').params([1n, json({ k: 1n })]).build(),
    )
    const path = join(dir, 'values.json')
    await recorder.save(path)
    const replayer = await QueryReplayer.load(path)
    const back = replayer.nextResponse(
      new QueryBuilder('SELECT everything WHERE a = $1 AND b = $2').params([1n, json({ k: 1n })]).build(),
    )
    expect(back?.rows[0]?.values).toEqual(live.rows[0]?.values)
    expect(Object.is(back?.rows[0]?.values[4], -0)).toBe(true)
    expect(back?.columns).toEqual(live.columns)
    const file = JSON.parse(await readFile(path, 'utf8')) as { exchanges: { params: unknown[] }[] }
    expect(file.exchanges[0]?.params).toEqual([{ $bigint: '1' }, { $jsonParam: '{"k":1}' }])
  })
})

describe('redaction', () => {
  it('always hides secrets, and literals when asked', async () => {
    expect(
      redactLiterals(
        "SELECT * FROM t WHERE name = 'o''brien' AND id = 42 AND x = $1 AND y = E'\\n' -- 'kept'",
      ),
    ).toBe("SELECT * FROM t WHERE name = ? AND id = ? AND x = $1 AND y = ? -- 'kept'")
    expect(redactLiterals('SELECT "col 1", 1.5e3, $$body$$, t2.c3')).toBe('SELECT "col 1", ?, ?, t2.c3')

    const recorder = new QueryRecorder({ redactLiterals: true })
    const client = recordedMock(recorder)
    client.setQueryResponse('.', QueryResult.empty({ command: 'CREATE' }))
    recorder.startRecording()
    await client.executeQuery("CREATE USER bob PASSWORD 'Secret1'")
    await client.executeQuery(
      new QueryBuilder("SELECT * FROM t WHERE name = 'ada' AND id = $1").param(42n).build(),
    )
    const text = JSON.stringify(recorder.toJSON())
    expect(text).not.toContain('Secret1')
    expect(text).not.toContain('ada')
    expect(recorder.exchanges.map((e) => [e.sql, e.params])).toEqual([
      ['CREATE USER bob PASSWORD ?', []],
      ['SELECT * FROM t WHERE name = ? AND id = $1', [{ $redacted: true }]],
    ])
    // A replay matches statements by their redacted shape.
    const replayer = QueryReplayer.fromRecorder(recorder)
    expect(
      replayer.nextResponse(
        new QueryBuilder("SELECT * FROM t WHERE name = 'grace' AND id = $1").param(7n).build(),
      )?.command,
    ).toBe('CREATE')

    const secretsOnly = new QueryRecorder()
    const plain = recordedMock(secretsOnly)
    plain.setQueryResponse('.', QueryResult.empty({ command: 'COPY' }))
    secretsOnly.startRecording()
    await plain.executeQuery(
      "COPY t FROM 's3://b/k' CREDENTIALS 'aws_access_key_id=AKIAABCDEFGHIJKLMNOP;aws_secret_access_key=abc/def'",
    )
    expect(secretsOnly.exchanges[0]?.sql).toBe("COPY t FROM 's3://b/k' CREDENTIALS '***'")
  })
})

describe('errors and files', () => {
  it('replays errors as the same class, message and fields', async () => {
    const recorder = new QueryRecorder()
    const client = recordedMock(recorder)
    const load = new LoadFailedError('Load into table t failed', { sqlState: 'XX000', detail: 'line 7' })
    client.injectError('COPY', load).injectError('SLOW', new QueryTimeoutError('too slow', { timeoutMs: 50 }))
    recorder.startRecording()
    await client.executeQuery('COPY t FROM x').catch(() => undefined)
    await client.executeQuery('SELECT SLOW').catch(() => undefined)
    const replay = QueryReplayer.fromRecorder(recorder).createClient()
    const first = await replay.executeQuery('COPY t FROM x').catch((e: unknown) => e)
    expect(first).toBeInstanceOf(LoadFailedError)
    expect(first).toMatchObject({ message: 'Load into table t failed', sqlState: 'XX000', detail: 'line 7' })
    const second = await replay.executeQuery('SELECT SLOW').catch((e: unknown) => e)
    expect(second).toBeInstanceOf(QueryTimeoutError)
    expect((second as QueryTimeoutError).timeoutMs).toBe(50)
  })

  it('refuses files that are not recordings, or of another version', async () => {
    const other = join(dir, 'other.json')
    await writeFile(other, JSON.stringify({ format: 'something-else' }))
    await expect(QueryReplayer.load(other)).rejects.toThrow(/not a redshift-kit recording/)
    await writeFile(other, JSON.stringify({ format: RECORDING_FORMAT, version: 99, exchanges: [] }))
    await expect(QueryRecorder.load(other)).rejects.toBeInstanceOf(ValidationError)
    await expect(QueryRecorder.load(other)).rejects.toThrow(/version 99/)
  })

  it('QueryRecorder.load keeps the exchanges; stop and start control what is recorded', async () => {
    const recorder = new QueryRecorder()
    const client = recordedMock(recorder)
    client.setQueryResponse('.', QueryResult.singleValue(1))
    await client.executeQuery('SELECT before')
    recorder.startRecording()
    await client.executeQuery('SELECT during')
    recorder.stopRecording()
    await client.executeQuery('SELECT after')
    const path = join(dir, 'nested', 'dir', 'r.json')
    await recorder.save(path)
    const loaded = await QueryRecorder.load(path)
    expect(loaded.exchanges.map((e) => e.sql)).toEqual(['SELECT during'])
    expect(loaded.toJSON().createdAt).toBe(recorder.toJSON().createdAt)
  })
})
