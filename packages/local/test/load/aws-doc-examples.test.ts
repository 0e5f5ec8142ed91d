/**
 * COPY and UNLOAD statements from the AWS documentation (DG `r_COPY_command_examples`,
 * `r_UNLOAD_command_examples`), run as written with their sample files put in the local store first.
 */
import type pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { connect, sharedStore, uniqueBucket } from './s3-test-kit.js'

const mybucket = uniqueBucket('docs')
const store = sharedStore()
const ROLE = "iam_role 'arn:aws:iam::0123456789012:role/MyRedshiftRole'"
let client: pg.Client
const schema = `docs_${Math.random().toString(36).slice(2, 8)}`

beforeAll(async () => {
  ;({ client } = await connect())
  await client.query(`CREATE SCHEMA ${schema}`)
  await client.query(`SET search_path TO ${schema}`)
  await client.query(
    'create table venue (venueid smallint, venuename varchar(100), venuecity varchar(30), venuestate char(2), venueseats integer)',
  )
  await client.query(
    'create table category (catid smallint, catgroup varchar(10), catname varchar(10), catdesc varchar(50))',
  )
  await client.query(
    'create table venue_new (venueid smallint not null, venuename varchar(100) not null, venuecity varchar(30), venuestate char(2), venueseats integer not null default 1000)',
  )
  await client.query('create table redshiftinfo (infoid int, tableinfo varchar(50))')
  await store.put(
    mybucket,
    'data/venue_pipe.txt',
    '1|Toyota Park|Bridgeview|IL|0\n2|Columbus Crew Stadium|Columbus|OH|0\n3|RFK Stadium|Washington|DC|0\n',
  )
  await store.put(
    mybucket,
    'data/venue_fw.txt',
    '1  Toyota Park              Bridgeview  IL0\n2  Columbus Crew Stadium    Columbus    OH0\n',
  )
  await store.put(
    mybucket,
    'data/category_csv.txt',
    '12,Shows,Musicals,Musical theatre\n13,Shows,Plays,"All ""non-musical"" theatre"\n14,Shows,Opera,"All opera, light, and ""rock"" opera"\n15,Concerts,Classical,"All symphony, concerto, and choir concerts"\n',
  )
  await store.put(
    mybucket,
    'data/category_pct.txt',
    '12,Shows,Musicals,Musical theatre\n13,Shows,Plays,%All "non-musical" theatre%\n',
  )
  await store.put(
    mybucket,
    'category_object_auto.json',
    '{"catdesc": "Major League Baseball", "catid": 1, "catgroup": "Sports", "catname": "MLB"}\n{"catgroup": "Sports", "catid": 2, "catname": "NHL", "catdesc": "National Hockey League"}\n',
  )
  await store.put(
    mybucket,
    'data/redshiftinfo.txt',
    '1|public\\|event\\|sales\n2|stl_querytext\\|stl_query\n',
  )
})
afterAll(async () => {
  await client.query(`DROP SCHEMA ${schema} CASCADE`)
  await client.end()
})

const count = async (table: string) =>
  Number((await client.query(`select count(*) from ${table}`)).rows[0].count)

describe('AWS documentation examples', () => {
  it('COPY from a pipe-delimited file, with REGION', async () => {
    await client.query(
      `copy venue from 's3://${mybucket}/data/venue_pipe.txt' ${ROLE} delimiter '|' region 'us-west-2'`,
    )
    expect(await count('venue')).toBe(3)
  })

  it('COPY CSV with quoted fields, and with QUOTE AS', async () => {
    await client.query(`copy category from 's3://${mybucket}/data/category_csv.txt' ${ROLE} csv`)
    await client.query(`copy category from 's3://${mybucket}/data/category_pct.txt' ${ROLE} csv quote as '%'`)
    const r = await client.query('select catdesc from category where catid = 13 order by 1')
    expect(r.rows).toEqual([
      { catdesc: 'All "non-musical" theatre' },
      { catdesc: 'All "non-musical" theatre' },
    ])
  })

  it("COPY JSON 'auto'", async () => {
    await client.query(`copy category from 's3://${mybucket}/category_object_auto.json' ${ROLE} json 'auto'`)
    expect((await client.query('select catname from category where catid = 2')).rows).toEqual([
      { catname: 'NHL' },
    ])
  })

  it('COPY FIXEDWIDTH', async () => {
    await client.query('truncate venue')
    await client.query(
      `copy venue from 's3://${mybucket}/data/venue_fw.txt' ${ROLE} fixedwidth 'venueid:3,venuename:25,venuecity:12,venuestate:2,venueseats:6'`,
    )
    expect(
      (await client.query('select trim(venuecity) as c, venueseats from venue order by venueid')).rows,
    ).toEqual([
      { c: 'Bridgeview', venueseats: 0 },
      { c: 'Columbus', venueseats: 0 },
    ])
  })

  it('COPY with a column list: the other columns get their DEFAULT', async () => {
    await store.put(mybucket, 'data/venue_noseats4.txt', '1|Toyota Park|Bridgeview|IL\n')
    await client.query(
      `copy venue_new(venueid, venuename, venuecity, venuestate) from 's3://${mybucket}/data/venue_noseats4.txt' ${ROLE} delimiter '|'`,
    )
    expect((await client.query('select venueseats from venue_new')).rows).toEqual([{ venueseats: 1000 }])
  })

  it('COPY with ESCAPE', async () => {
    await client.query(
      `copy redshiftinfo from 's3://${mybucket}/data/redshiftinfo.txt' ${ROLE} delimiter '|' escape`,
    )
    expect((await client.query('select tableinfo from redshiftinfo order by infoid')).rows).toEqual([
      { tableinfo: 'public|event|sales' },
      { tableinfo: 'stl_querytext|stl_query' },
    ])
  })

  it('UNLOAD to pipe-delimited files, with MANIFEST, PARALLEL OFF, NULL AS, FIXEDWIDTH and PARTITION BY', async () => {
    await client.query(`unload ('select * from venue') to 's3://${mybucket}/tickit/unload/venue_' ${ROLE}`)
    await client.query(
      `unload ('select * from venue') to 's3://${mybucket}/unload/venue_pipe_' ${ROLE} manifest`,
    )
    await client.query(
      `unload ('select * from venue') to 's3://${mybucket}/unload/serial/' ${ROLE} parallel off`,
    )
    await client.query(
      `unload ('select * from venue') to 's3://${mybucket}/unload/nulls/venue_' ${ROLE} delimiter as '|' null as 'fred'`,
    )
    await client.query(
      `unload ('select venueid, venuename, venueseats from venue') to 's3://${mybucket}/unload/venue_fw_' ${ROLE} fixedwidth as 'venueid:3,venuename:39,venueseats:6'`,
    )
    await client.query(
      `unload ('select * from venue') to 's3://${mybucket}/unload/part/' ${ROLE} parquet partition by (venuestate)`,
    )
    const keys = (await store.list(mybucket, '')).map((o) => o.key)
    expect(keys).toEqual(
      expect.arrayContaining([
        'tickit/unload/venue_0000_part_00',
        'unload/venue_pipe_0000_part_00',
        'unload/venue_pipe_manifest',
        'unload/serial/000',
        'unload/nulls/venue_0000_part_00',
        'unload/venue_fw_0000_part_00',
        'unload/part/venuestate=IL/0000_part_00.parquet',
        'unload/part/venuestate=OH/0000_part_00.parquet',
      ]),
    )
    const fw = (await store.get(mybucket, 'unload/venue_fw_0000_part_00')).toString().split('\n')[0]
    expect(fw).toBe(`1  ${'Toyota Park'.padEnd(39)}0     `)
  })
})
