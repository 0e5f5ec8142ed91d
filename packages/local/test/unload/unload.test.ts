import { gunzipSync } from 'node:zlib'
import { decompress as unzstd } from 'fzstd'
import { parquetReadObjects } from 'hyparquet'
import type pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { connect, failure, IAM_ROLE, sharedStore, uniqueBucket, uniqueTable } from '../load/s3-test-kit.js'

const bucket = uniqueBucket('unload')
const store = sharedStore()
let client: pg.Client
let notices: string[]
let venue: string

async function text(key: string): Promise<string> {
  return (await store.get(bucket, key)).toString('utf8')
}
async function keys(prefix: string): Promise<string[]> {
  return (await store.list(bucket, prefix)).map((o) => o.key)
}

beforeAll(async () => {
  ;({ client, notices } = await connect())
  venue = uniqueTable('venue')
  await client.query(
    `CREATE TABLE ${venue} (venueid smallint, venuename varchar(100), venuecity varchar(30), venuestate char(2), venueseats int, price numeric(8,2), opened date, active bool)`,
  )
  await client.query(`INSERT INTO ${venue} VALUES
    (1, 'Toyota Park', 'Bridgeview', 'IL', 0, 12.5, '2006-06-11', true),
    (2, 'Columbus "Crew" Stadium', 'Columbus', 'OH', 0, 9.99, NULL, false),
    (3, 'RFK|Stadium', 'Washington', 'DC', 0, NULL, '1961-10-01', true),
    (4, 'CommunityAmerica Ballpark', 'Kansas City', 'KS', 0, 100.00, '2011-01-01', NULL),
    (5, 'Gillette Stadium', 'Foxborough', 'MA', 68756, 55.25, '2002-05-11', true),
    (6, 'Line
break', NULL, 'MA', 0, 1.00, '2002-05-11', false)`)
})
afterAll(async () => {
  await client.end()
})

describe('UNLOAD', () => {
  it('writes pipe-delimited text named <prefix>0000_part_00, handles doubled quotes, reports count', async () => {
    notices.length = 0
    const r = await client.query(
      `UNLOAD ('select venueid, venuename from ${venue} where venuestate=''MA'' order by 1') TO 's3://${bucket}/text/venue_' ${IAM_ROLE}`,
    )
    expect(r.command).toBe('UNLOAD')
    expect(notices).toEqual(['UNLOAD completed, 2 record(s) unloaded successfully.'])
    expect(await keys('text/')).toEqual(['text/venue_0000_part_00'])
    expect(await text('text/venue_0000_part_00')).toBe('5|Gillette Stadium\n6|Line\nbreak\n')
    expect((await client.query('SELECT pg_last_unload_count() AS n')).rows[0].n).toBe('2')
  })

  it('escapes with ESCAPE, quotes with ADDQUOTES, writes NULL AS, HEADER and DELIMITER', async () => {
    await client.query(
      `UNLOAD ('select venueid, venuename, venuecity from ${venue} where venueid in (3, 6) order by 1') TO 's3://${bucket}/esc/v_' ${IAM_ROLE} ESCAPE NULL AS '\\N' HEADER`,
    )
    expect(await text('esc/v_0000_part_00')).toBe(
      'venueid|venuename|venuecity\n3|RFK\\|Stadium|Washington\n6|Line\\\nbreak|\\N\n',
    )
    await client.query(
      `UNLOAD ('select venueid, venuename from ${venue} where venueid = 2') TO 's3://${bucket}/quotes/v_' ${IAM_ROLE} ADDQUOTES DELIMITER ','`,
    )
    expect(await text('quotes/v_0000_part_00')).toBe('"2","Columbus "Crew" Stadium"\n')
  })

  it('writes CSV (quoting fields with the delimiter, quotes, newlines), JSON and FIXEDWIDTH', async () => {
    await client.query(
      `UNLOAD ('select venueid, venuename, price from ${venue} where venueid in (2, 3, 6) order by 1') TO 's3://${bucket}/csv/v_' ${IAM_ROLE} FORMAT CSV`,
    )
    expect(await text('csv/v_0000_part_00')).toBe(
      '2,"Columbus ""Crew"" Stadium",9.99\n3,RFK|Stadium,\n6,"Line\nbreak",1.00\n',
    )
    await client.query(
      `UNLOAD ('select venueid, venuename, price, active, opened from ${venue} where venueid in (1, 3) order by 1') TO 's3://${bucket}/json/v_' ${IAM_ROLE} FORMAT JSON`,
    )
    const lines = (await text('json/v_0000_part_00'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l))
    expect(lines).toEqual([
      { venueid: 1, venuename: 'Toyota Park', price: 12.5, active: 't', opened: '2006-06-11' },
      { venueid: 3, venuename: 'RFK|Stadium', price: null, active: 't', opened: '1961-10-01' },
    ])
    await client.query(
      `UNLOAD ('select venueid, venuestate from ${venue} where venueid < 3 order by 1') TO 's3://${bucket}/fw/v_' ${IAM_ROLE} FIXEDWIDTH 'venueid:3,venuestate:4'`,
    )
    expect(await text('fw/v_0000_part_00')).toBe('1  IL  \n2  OH  \n')
  })

  it('writes Parquet that reads back with every value and type', async () => {
    await client.query(
      `UNLOAD ('select * from ${venue} order by venueid') TO 's3://${bucket}/pq/v_' ${IAM_ROLE} FORMAT AS PARQUET`,
    )
    expect(await keys('pq/')).toEqual(['pq/v_0000_part_00.parquet'])
    const body = await store.get(bucket, 'pq/v_0000_part_00.parquet')
    const file = body.buffer.slice(body.byteOffset, body.byteOffset + body.byteLength) as ArrayBuffer
    const rows = (await parquetReadObjects({ file })) as Record<string, unknown>[]
    expect(rows).toHaveLength(6)
    expect(rows[0]).toMatchObject({
      venueid: 1,
      venuename: 'Toyota Park',
      venuestate: 'IL',
      price: 12.5,
      active: true,
    })
    expect((rows[0]?.opened as Date | undefined)?.toISOString()).toBe('2006-06-11T00:00:00.000Z')
    expect(rows[2]).toMatchObject({ price: null, venuename: 'RFK|Stadium' })
  })

  it('names files <prefix>000 with PARALLEL OFF, splits at MAXFILESIZE, and compresses with GZIP, BZIP2, ZSTD', async () => {
    await client.query(
      `UNLOAD ('select venueid from ${venue} order by 1') TO 's3://${bucket}/serial/v_' ${IAM_ROLE} PARALLEL OFF GZIP`,
    )
    expect(await keys('serial/')).toEqual(['serial/v_000.gz'])
    expect(gunzipSync(await store.get(bucket, 'serial/v_000.gz')).toString()).toBe('1\n2\n3\n4\n5\n6\n')
    await client.query(
      `UNLOAD ('select venueid from ${venue} order by 1') TO 's3://${bucket}/zst/v_' ${IAM_ROLE} ZSTD`,
    )
    expect(Buffer.from(unzstd(await store.get(bucket, 'zst/v_0000_part_00.zst'))).toString()).toBe(
      '1\n2\n3\n4\n5\n6\n',
    )
    await client.query(
      `UNLOAD ('select venueid from ${venue} order by 1') TO 's3://${bucket}/bz/v_' ${IAM_ROLE} BZIP2 EXTENSION 'txt.bz2'`,
    )
    expect(await keys('bz/')).toEqual(['bz/v_0000_part_00.txt.bz2'])
    expect((await store.get(bucket, 'bz/v_0000_part_00.txt.bz2')).subarray(0, 3).toString()).toBe('BZh')
    // About 14 MB of text: three files of at most 5 MB (each split after the FETCH batch that reached it).
    await client.query(
      `UNLOAD ('select n, repeat(''x'', 1400) from generate_series(1, 10000) n order by n') TO 's3://${bucket}/split/big_' ${IAM_ROLE} MAXFILESIZE 5 MB PARALLEL OFF`,
    )
    const parts = await store.list(bucket, 'split/')
    expect(parts.map((p) => p.key)).toEqual(['split/big_000', 'split/big_001', 'split/big_002'])
    expect(parts.reduce((n, p) => n + p.size, 0)).toBeGreaterThan(14_000_000)
  })

  it('partitions Hive-style (NULL to __HIVE_DEFAULT_PARTITION__), with INCLUDE, and one manifest at the root', async () => {
    await client.query(
      `UNLOAD ('select venueid, venuestate, venuecity from ${venue}') TO 's3://${bucket}/part/venue' ${IAM_ROLE} PARTITION BY (venuestate, venuecity) MANIFEST`,
    )
    const written = await keys('part/')
    expect(written).toContain('part/venue/venuestate=MA/venuecity=Foxborough/0000_part_00')
    expect(written).toContain('part/venue/venuestate=MA/venuecity=__HIVE_DEFAULT_PARTITION__/0000_part_00')
    expect(written).toContain('part/venue/venuestate=KS/venuecity=Kansas City/0000_part_00')
    expect(written).toContain('part/venue/manifest')
    expect(await text('part/venue/venuestate=MA/venuecity=Foxborough/0000_part_00')).toBe('5\n')
    const m = JSON.parse(await text('part/venue/manifest')) as { entries: { url: string }[] }
    expect(m.entries).toHaveLength(6)
    await client.query(
      `UNLOAD ('select venueid, venuestate from ${venue}') TO 's3://${bucket}/inc/' ${IAM_ROLE} PARTITION BY (venuestate) INCLUDE CSV`,
    )
    expect(await text('inc/venuestate=IL/0000_part_00')).toBe('1,IL\n')
    const e = await failure(
      client.query(
        `UNLOAD ('select venuestate from ${venue}') TO 's3://${bucket}/inc2/' ${IAM_ROLE} PARTITION BY (venuestate)`,
      ),
    )
    expect(e.message).toMatch(/at least one column that is not a partition column/)
  })

  it('writes MANIFEST VERBOSE with sizes, counts, schema and author', async () => {
    await client.query(
      `UNLOAD ('select venueid, venuename, price from ${venue}') TO 's3://${bucket}/verbose/v_' ${IAM_ROLE} MANIFEST VERBOSE HEADER CSV`,
    )
    const m = JSON.parse(await text('verbose/v_manifest'))
    const size = (await store.stat(bucket, 'verbose/v_0000_part_00'))?.size
    expect(m.entries).toEqual([
      { url: `s3://${bucket}/verbose/v_0000_part_00`, meta: { content_length: size, record_count: 7 } },
    ])
    expect(m.schema.elements).toEqual([
      { name: 'venueid', type: { base: 'smallint' } },
      { name: 'venuename', type: { base: 'character varying', dimensions: [100] } },
      { name: 'price', type: { base: 'numeric', dimensions: [8, 2] } },
    ])
    expect(m.meta).toEqual({ content_length: size, record_count: 7 })
    expect(m.author).toEqual({ name: 'Amazon Redshift', version: '1.0.0' })
  })

  it('fails when files exist without ALLOWOVERWRITE or CLEANPATH; both work', async () => {
    await store.put(bucket, 'exist/v_stale', 'old')
    const e = await failure(client.query(`UNLOAD ('select 1') TO 's3://${bucket}/exist/v_' ${IAM_ROLE}`))
    expect(e.message).toMatch(/^Specified unload destination on S3 is not empty/)
    await client.query(`UNLOAD ('select 1') TO 's3://${bucket}/exist/v_' ${IAM_ROLE} ALLOWOVERWRITE`)
    expect(await keys('exist/')).toEqual(['exist/v_0000_part_00', 'exist/v_stale'])
    await client.query(`UNLOAD ('select 2') TO 's3://${bucket}/exist/v_' ${IAM_ROLE} CLEANPATH`)
    expect(await keys('exist/')).toEqual(['exist/v_0000_part_00'])
    expect(await text('exist/v_0000_part_00')).toBe('2\n')
  })

  it('accepts ENCRYPTED and KMS_KEY_ID (files are not encrypted locally), refuses an outer LIMIT', async () => {
    await client.query(
      `UNLOAD ('select 1') TO 's3://${bucket}/enc/v_' ${IAM_ROLE} ENCRYPTED KMS_KEY_ID '1234abcd-12ab-34cd-56ef-1234567890ab'`,
    )
    expect(await text('enc/v_0000_part_00')).toBe('1\n')
    const e = await failure(
      client.query(`UNLOAD ('select * from ${venue} limit 10') TO 's3://${bucket}/lim/v_' ${IAM_ROLE}`),
    )
    expect(e.code).toBe('0A000')
    await client.query(
      `UNLOAD ('select * from ${venue} where venueid in (select venueid from ${venue} order by venueid desc limit 2)') TO 's3://${bucket}/lim/v_' ${IAM_ROLE}`,
    )
    expect((await text('lim/v_0000_part_00')).split('\n').length).toBe(4)
  })

  it('logs to stl_unload_log and sys_unload_history', async () => {
    await client.query(`UNLOAD ('select venueid from ${venue}') TO 's3://${bucket}/log/v_' ${IAM_ROLE} GZIP`)
    const id = (await client.query('SELECT pg_last_query_id() AS id')).rows[0].id
    const log = await client.query(
      'SELECT trim(path) AS path, line_count, transfer_size, trim(file_format) AS f FROM stl_unload_log WHERE query = $1',
      [id],
    )
    const size = (await store.stat(bucket, 'log/v_0000_part_00.gz'))?.size
    expect(log.rows).toEqual([
      {
        path: `s3://${bucket}/log/v_0000_part_00.gz`,
        line_count: '6',
        transfer_size: String(size),
        f: 'Text',
      },
    ])
    const h = await client.query(
      'SELECT status, unloaded_rows, unloaded_files_count, compression_type, unloaded_location FROM sys_unload_history WHERE query_id = $1',
      [id],
    )
    expect(h.rows).toEqual([
      {
        status: 'completed',
        unloaded_rows: '6',
        unloaded_files_count: 1,
        compression_type: 'GZIP',
        unloaded_location: `s3://${bucket}/log/v_`,
      },
    ])
  })
})
