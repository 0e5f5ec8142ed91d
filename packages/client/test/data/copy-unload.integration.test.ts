import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createClient, type RedshiftClient } from '../../src/client.js'
import { ValidationError } from '../../src/errors/client-errors.js'
import { LoadFailedError } from '../../src/errors/query-errors.js'
import {
  CopyCommandBuilder,
  type CopyResult,
  TableRef,
  UnloadCommandBuilder,
  type UnloadResult,
} from '../../src/index.js'
import { configFor, startTestServer, type TestServer } from '../integration/server.js'
import { s3Unavailable, testObjectStore } from './s3-fixture.js'

const store = testObjectStore()
const why = s3Unavailable(store)
const COPY_ROLE = 'arn:aws:iam::123456789012:role/RedshiftCopyRole'
const UNLOAD_ROLE = 'arn:aws:iam::123456789012:role/RedshiftUnloadRole'

let server: TestServer
let client: RedshiftClient

async function admin(sql: string): Promise<void> {
  const c = await server.admin()
  try {
    await c.query(sql)
  } finally {
    await c.end()
  }
}

beforeAll(async () => {
  server = await startTestServer()
  client = createClient(configFor(server).poolSize(2).build())
  await admin(`
    DROP SCHEMA IF EXISTS analytics CASCADE;
    CREATE SCHEMA analytics;
    CREATE TABLE analytics.daily_events (event_id bigint, user_id integer, event_type varchar(32), amount decimal(12,2), occurred_at timestamp);
    CREATE TABLE analytics.staging_events (LIKE analytics.daily_events);
    INSERT INTO analytics.staging_events
      SELECT g, g % 7, CASE WHEN g % 3 = 0 THEN 'purchase' ELSE 'view' END, g * 1.25, TIMESTAMP '2024-01-01 00:00:00' + g * INTERVAL '1 minute'
      FROM generate_series(1, 50) g;
    CREATE TABLE analytics.sales (region varchar(16), product_category varchar(32), revenue decimal(12,2), sale_date date);
    INSERT INTO analytics.sales VALUES
      ('east', 'books', 10.50, '2024-01-03'), ('east', 'books', 4.50, '2024-01-20'), ('east', 'games', 30.00, '2024-01-05'),
      ('west', 'books', 7.25, '2024-01-09'), ('west', 'music', 12.00, '2024-01-31'), ('west', 'music', 99.00, '2024-02-01'),
      ('north', 'games', 1.00, '2023-01-15');
    CREATE TABLE analytics.round_trip (id integer, big bigint, name varchar(64), price decimal(10,3), day date, at timestamp, flag boolean);
    INSERT INTO analytics.round_trip VALUES
      (1, 9007199254740993, 'plain', 1.5, '2024-02-29', '2024-02-29 23:59:59.123456', true),
      (2, -1, 'comma, "quoted" and |pipe|', -0.001, '1999-12-31', '2000-01-01 00:00:00', false),
      (3, 0, 'line
break', 0, '2024-01-01', '2024-01-01 12:00:00', true),
      (4, NULL, NULL, NULL, NULL, NULL, NULL),
      (5, 42, 'it''s', 12345.678, '2024-06-15', '2024-06-15 06:15:00.5', false);
    CREATE TABLE analytics.round_trip_csv (LIKE analytics.round_trip);
    CREATE TABLE analytics.round_trip_parquet (LIKE analytics.round_trip);
    CREATE TABLE analytics.bad_load (id integer, label varchar(8));
  `)
})

afterAll(async () => {
  await client?.close()
  await server?.stop()
})

async function rows(sql: string): Promise<Record<string, unknown>[]> {
  return (await client.executeQuery(sql)).toObjects()
}

describe('seed example 7.3: data loading from S3, as api.md writes it', () => {
  it("the seed's form (PARQUET with maxErrors) is refused before anything runs: columnar COPY has no MAXERROR", () => {
    const table = new TableRef('analytics', 'daily_events')
    const build = () =>
      new CopyCommandBuilder(table)
        .fromS3('my-data-bucket', 'events/2024-01-01/')
        .parquet()
        .iamRole(COPY_ROLE)
        .maxErrors(100)
        .build()
    expect(build).toThrow(ValidationError)
    expect(build).toThrow(/MAXERROR \(maxErrors\(\)\) is not supported with PARQUET/)
  })

  it.skipIf(store === undefined)(
    `loads the day's Parquet files and reports rows and errors${why}`,
    async () => {
      // The day's files, written by an UNLOAD of the staging table.
      await client.unloadToS3(
        new UnloadCommandBuilder('SELECT * FROM analytics.staging_events')
          .toS3('my-data-bucket', 'events/2024-01-01/')
          .parquet()
          .iamRole(UNLOAD_ROLE)
          .build(),
      )
      async function loadDailyData(client: RedshiftClient, date: string): Promise<CopyResult> {
        const table = new TableRef('analytics', 'daily_events')
        const cmd = new CopyCommandBuilder(table)
          .fromS3('my-data-bucket', `events/${date}/`)
          .parquet()
          .iamRole(COPY_ROLE)
          .build()
        const result = await client.copyFromS3(cmd)
        if (result.errors > 0) {
          const errors = await client.getLoadErrors(table, result.startTime)
          for (const error of errors.slice(0, 10))
            console.error(`Load error: ${error.errorMessage} at line ${error.lineNumber}`)
        }
        return result
      }
      const result = await loadDailyData(client, '2024-01-01')
      expect(result.rowsLoaded).toBe(50)
      expect(result.errors).toBe(0)
      expect(result.table).toEqual(new TableRef('analytics', 'daily_events'))
      expect(result.queryId).toMatch(/^\d+$/)
      expect(result.startTime.getTime()).toBeLessThanOrEqual(Date.now() + 1000)
      expect(await rows('SELECT COUNT(*) AS n, SUM(amount) AS total FROM analytics.daily_events')).toEqual([
        { n: 50n, total: '1593.75' },
      ])
    },
  )
})

describe('seed example 7.4: data unloading to S3, as api.md writes it', () => {
  it.skipIf(store === undefined)(
    `exports the monthly report as partitioned Parquet with a manifest${why}`,
    async () => {
      async function exportMonthlyReport(
        client: RedshiftClient,
        year: number,
        month: number,
      ): Promise<UnloadResult> {
        const query = `SELECT region, product_category, SUM(revenue) as total_revenue FROM analytics.sales WHERE EXTRACT(YEAR FROM sale_date) = ${year} AND EXTRACT(MONTH FROM sale_date) = ${month} GROUP BY region, product_category`
        const cmd = new UnloadCommandBuilder(query)
          .toS3('reports-bucket', `monthly/${year}/${String(month).padStart(2, '0')}/`)
          .parquetSnappy()
          .iamRole(UNLOAD_ROLE)
          .partitionBy(['region'])
          .manifest(true)
          .build()
        return client.unloadToS3(cmd)
      }
      const result = await exportMonthlyReport(client, 2024, 1)
      expect(result.rowsUnloaded).toBe(4)
      expect(result.filesCreated).toBe(result.files.length)
      expect(result.filesCreated).toBeGreaterThanOrEqual(2)
      expect(result.manifestUrl).toBe('s3://reports-bucket/monthly/2024/01/manifest')
      expect(result.files.reduce((n, f) => n + f.rowCount, 0)).toBe(4)
      const folders = new Set(result.files.map((f) => /\/(region=[^/]+)\//.exec(f.url)?.[1]))
      expect(folders).toEqual(new Set(['region=east', 'region=west']))
      for (const file of result.files) {
        expect(file.url.startsWith('s3://reports-bucket/monthly/2024/01/region=')).toBe(true)
        const key = file.url.slice('s3://reports-bucket/'.length)
        expect((await store?.stat('reports-bucket', key))?.size).toBe(file.sizeBytes)
      }
      const manifest = JSON.parse(
        (await store?.get('reports-bucket', 'monthly/2024/01/manifest'))?.toString() ?? '{}',
      ) as {
        entries: { url: string }[]
      }
      expect(manifest.entries.map((e) => e.url).sort()).toEqual(result.files.map((f) => f.url).sort())
    },
  )
})

describe('round trip: UNLOAD then COPY back', () => {
  const original = () => rows('SELECT * FROM analytics.round_trip ORDER BY id')

  it.skipIf(store === undefined)(`CSV with a header: every row comes back equal${why}`, async () => {
    const unloaded = await client.unloadToS3(
      new UnloadCommandBuilder('SELECT * FROM analytics.round_trip ORDER BY id')
        .toS3('round-trip', 'csv/rt_')
        .csvWithHeader()
        .parallel(false)
        .iamRole(UNLOAD_ROLE)
        .build(),
    )
    expect(unloaded.rowsUnloaded).toBe(5)
    const loaded = await client.copyFromS3(
      new CopyCommandBuilder('analytics.round_trip_csv')
        .fromS3('round-trip', 'csv/rt_')
        .csvWithOptions(',', '"', true)
        .emptyAsNull()
        .iamRole(COPY_ROLE)
        .build(),
    )
    expect(loaded).toMatchObject({ rowsLoaded: 5, errors: 0 })
    expect(await rows('SELECT * FROM analytics.round_trip_csv ORDER BY id')).toEqual(await original())
  })

  // A Parquet COPY needs each manifest entry's content_length: MANIFEST VERBOSE writes it.
  it.skipIf(store === undefined)(
    `Parquet with a verbose manifest: every row comes back equal${why}`,
    async () => {
      const unloaded = await client.unloadToS3(
        new UnloadCommandBuilder('SELECT * FROM analytics.round_trip')
          .toS3('round-trip', 'parquet/rt_')
          .parquet()
          .manifestVerbose()
          .iamRole(UNLOAD_ROLE)
          .build(),
      )
      expect(unloaded.rowsUnloaded).toBe(5)
      expect(unloaded.manifestUrl).toBe('s3://round-trip/parquet/rt_manifest')
      const loaded = await client.copyFromS3(
        new CopyCommandBuilder('analytics.round_trip_parquet')
          .fromS3Manifest('round-trip', 'parquet/rt_manifest')
          .parquet()
          .iamRole(COPY_ROLE)
          .build(),
      )
      expect(loaded.rowsLoaded).toBe(5)
      expect(await rows('SELECT * FROM analytics.round_trip_parquet ORDER BY id')).toEqual(await original())
    },
  )
})

describe('a failed COPY', () => {
  it.skipIf(store === undefined)(
    `raises LoadFailedError carrying its STL_LOAD_ERRORS rows${why}`,
    async () => {
      await store?.put('loads', 'bad/part-0.csv', '1,ok\n2,fine\nx,bad id\n4,this label is too long\n')
      const table = new TableRef('analytics', 'bad_load')
      const copy = new CopyCommandBuilder(table).fromS3('loads', 'bad/').csv().iamRole(COPY_ROLE).build()
      const error = await client.copyFromS3(copy).then(
        () => expect.unreachable('the COPY should fail'),
        (e: unknown) => e,
      )
      expect(error).toBeInstanceOf(LoadFailedError)
      const failed = error as LoadFailedError
      expect(failed.message).toMatch(/Load into table 'bad_load' failed/)
      expect(failed.loadErrors?.length).toBeGreaterThanOrEqual(1)
      const first = failed.loadErrors?.[0]
      expect(first).toMatchObject({ filename: 's3://loads/bad/part-0.csv', lineNumber: 3, columnName: 'id' })
      expect(first?.errorCode).toBeGreaterThanOrEqual(1200)
      expect(failed.message).toContain('line 3')
      expect(await rows('SELECT COUNT(*) AS n FROM analytics.bad_load')).toEqual([{ n: 0n }])
    },
  )

  it.skipIf(store === undefined)(`under maxErrors loads the good rows and counts the bad${why}`, async () => {
    const table = new TableRef('analytics', 'bad_load')
    const result = await client.copyFromS3(
      new CopyCommandBuilder(table)
        .fromS3('loads', 'bad/')
        .csv()
        .truncateColumns(false)
        .maxErrors(5)
        .iamRole(COPY_ROLE)
        .build(),
    )
    expect(result.rowsLoaded).toBe(2)
    expect(result.errors).toBe(2)
    const errors = await client.getLoadErrors(table, result.startTime)
    expect(
      errors
        .filter((e) => e.queryId === result.queryId)
        .map((e) => e.lineNumber)
        .sort(),
    ).toEqual([3, 4])
  })
})
