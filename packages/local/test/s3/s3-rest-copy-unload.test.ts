/** One store: objects put through the S3 API load with COPY, and UNLOAD's files list and download through it. */
import { createHash } from 'node:crypto'
import { mkdir, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { gzipSync } from 'node:zlib'
import {
  CreateBucketCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3'
import type pg from 'pg'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { connect, IAM_ROLE, uniqueTable } from '../load/s3-test-kit.js'
import { s3Client, uniqueBucket } from './s3-rest-kit.js'

let s3: S3Client
let client: pg.Client
const bucket = uniqueBucket('copyunload')

beforeAll(async () => {
  s3 = s3Client()
  await s3.send(new CreateBucketCommand({ Bucket: bucket }))
  client = (await connect()).client
})
afterAll(async () => {
  s3.destroy()
  await client.end()
})

describe('the S3 API and COPY / UNLOAD share the store', () => {
  it('loads with COPY what PutObject stored (a prefix of two objects, one gzip)', async () => {
    await s3.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: 'venue/part-1.csv',
        Body: '1,Toyota Park\n2,Columbus Crew Stadium\n',
      }),
    )
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'venue/part-2.csv', Body: '3,RFK Stadium\n' }))
    await s3.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: 'venue-gz/all.csv.gz',
        Body: gzipSync('4,CommunityAmerica Ballpark\n'),
      }),
    )
    const table = uniqueTable('s3api_venue')
    await client.query(`CREATE TABLE ${table} (id int, name varchar(100))`)
    await client.query(`COPY ${table} FROM 's3://${bucket}/venue/' ${IAM_ROLE} CSV`)
    await client.query(`COPY ${table} FROM 's3://${bucket}/venue-gz/' ${IAM_ROLE} CSV GZIP`)
    const rows = await client.query(`SELECT id, name FROM ${table} ORDER BY id`)
    expect(rows.rows).toEqual([
      { id: 1, name: 'Toyota Park' },
      { id: 2, name: 'Columbus Crew Stadium' },
      { id: 3, name: 'RFK Stadium' },
      { id: 4, name: 'CommunityAmerica Ballpark' },
    ])
  })

  it("lists and downloads an UNLOAD's files and manifest, with MD5 ETags", async () => {
    const table = uniqueTable('s3api_unload')
    await client.query(`CREATE TABLE ${table} (id int, city varchar(40))`)
    await client.query(`INSERT INTO ${table} VALUES (1, 'Bridgeview'), (2, 'Columbus'), (3, 'Washington')`)
    await client.query(
      `UNLOAD ('SELECT id, city FROM ${table} ORDER BY id') TO 's3://${bucket}/unload/cities_' ${IAM_ROLE} CSV PARALLEL OFF MANIFEST`,
    )
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: 'unload/' }))
    const keys = listed.Contents?.map((c) => c.Key)
    expect(keys).toEqual(['unload/cities_000', 'unload/cities_manifest'])
    const file = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'unload/cities_000' }))
    const text = (await file.Body?.transformToString()) ?? ''
    expect(text).toBe('1,Bridgeview\n2,Columbus\n3,Washington\n')
    expect(file.ETag).toBe(`"${createHash('md5').update(text).digest('hex')}"`)
    expect(listed.Contents?.[0]?.Size).toBe(Buffer.byteLength(text))
    const manifest = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'unload/cities_manifest' }))
    const entries = JSON.parse((await manifest.Body?.transformToString()) ?? '{}') as {
      entries: { url: string }[]
    }
    expect(entries.entries.map((e) => e.url)).toEqual([`s3://${bucket}/unload/cities_000`])
  })

  it('serves a file placed in the store folder by hand (ETag computed on first read)', async () => {
    const folder = path.join(inject('redshift').s3Dir, bucket, 'by-hand')
    await mkdir(folder, { recursive: true })
    await writeFile(path.join(folder, 'placed.txt'), 'placed by hand')
    const head = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'by-hand/placed.txt' }))
    expect(await head.Body?.transformToString()).toBe('placed by hand')
    expect(head.ETag).toBe(`"${createHash('md5').update('placed by hand').digest('hex')}"`)
  })
})
