/** The S3 REST API of the shared server, driven by the real AWS SDK v3 S3 client. */
import { createHash } from 'node:crypto'
import { Readable } from 'node:stream'
import {
  CopyObjectCommand,
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetBucketLocationCommand,
  GetObjectCommand,
  GetObjectTaggingCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListBucketsCommand,
  ListObjectsCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { ObjectStore } from '../../src/s3/index.js'
import { rejection, s3Client, uniqueBucket } from './s3-rest-kit.js'

let s3: S3Client
const bucket = uniqueBucket('objects')

beforeAll(async () => {
  s3 = s3Client()
  await s3.send(new CreateBucketCommand({ Bucket: bucket }))
})
afterAll(() => s3.destroy())

const md5 = (data: string | Buffer) => createHash('md5').update(data).digest('hex')

describe('buckets', () => {
  it('creates, heads, lists and locates a bucket; refuses bad names; deletes only when empty', async () => {
    const name = uniqueBucket('life')
    await s3.send(new CreateBucketCommand({ Bucket: name }))
    await s3.send(new HeadBucketCommand({ Bucket: name }))
    // us-east-1 answers 200 to its owner creating the bucket again.
    expect((await s3.send(new CreateBucketCommand({ Bucket: name }))).$metadata.httpStatusCode).toBe(200)
    const listed = await s3.send(new ListBucketsCommand({}))
    expect(listed.Buckets?.map((b) => b.Name)).toContain(name)
    expect(listed.Owner?.ID).toMatch(/^[0-9a-f]{64}$/)
    expect((await s3.send(new GetBucketLocationCommand({ Bucket: name }))).LocationConstraint).toBeUndefined()
    await s3.send(new PutObjectCommand({ Bucket: name, Key: 'x', Body: 'x' }))
    const notEmpty = await rejection(s3.send(new DeleteBucketCommand({ Bucket: name })))
    expect([notEmpty.name, notEmpty.$metadata?.httpStatusCode]).toEqual(['BucketNotEmpty', 409])
    await s3.send(new DeleteObjectCommand({ Bucket: name, Key: 'x' }))
    await s3.send(new DeleteBucketCommand({ Bucket: name }))
    const gone = await rejection(s3.send(new HeadBucketCommand({ Bucket: name })))
    expect(gone.$metadata?.httpStatusCode).toBe(404)
    const missing = await rejection(s3.send(new DeleteBucketCommand({ Bucket: name })))
    expect([missing.name, missing.$metadata?.httpStatusCode]).toEqual(['NoSuchBucket', 404])
    const bad = await rejection(s3.send(new CreateBucketCommand({ Bucket: 'Bad_Name' })))
    expect([bad.name, bad.$metadata?.httpStatusCode]).toEqual(['InvalidBucketName', 400])
  })

  it('answers NoSuchBucket for objects of a missing bucket', async () => {
    const e = await rejection(
      s3.send(new PutObjectCommand({ Bucket: 'rk-no-such-bucket', Key: 'k', Body: 'x' })),
    )
    expect([e.name, e.$metadata?.httpStatusCode, e.message]).toEqual([
      'NoSuchBucket',
      404,
      'The specified bucket does not exist',
    ])
  })
})

describe('objects', () => {
  it('puts and gets an object with its ETag (MD5), content type, metadata and checksum', async () => {
    const put = await s3.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: 'dir one/a+b é.txt',
        Body: 'hello, s3',
        ContentType: 'text/plain',
        ContentDisposition: 'attachment; filename="a.txt"',
        CacheControl: 'no-cache',
        Metadata: { origin: 'test' },
      }),
    )
    expect(put.ETag).toBe(`"${md5('hello, s3')}"`)
    expect(put.ChecksumCRC32).toBeDefined()
    const got = await s3.send(
      new GetObjectCommand({ Bucket: bucket, Key: 'dir one/a+b é.txt', ChecksumMode: 'ENABLED' }),
    )
    expect(await got.Body?.transformToString()).toBe('hello, s3')
    expect([got.ContentType, got.Metadata, got.ETag, got.ContentLength]).toEqual([
      'text/plain',
      { origin: 'test' },
      put.ETag,
      9,
    ])
    expect(got.ChecksumCRC32).toBe(put.ChecksumCRC32)
    expect([got.ContentDisposition, got.CacheControl]).toEqual(['attachment; filename="a.txt"', 'no-cache'])
    const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'dir one/a+b é.txt' }))
    expect([head.ContentLength, head.ETag]).toEqual([9, put.ETag])
  })

  it('streams a body of known length as aws-chunked with a trailing CRC32 (the SDK default for streams)', async () => {
    const parts = [Buffer.alloc(300_000, 1), Buffer.alloc(70_000, 2)]
    await s3.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: 'streamed.bin',
        Body: Readable.from(parts),
        ContentLength: 370_000,
      }),
    )
    const got = await s3.send(
      new GetObjectCommand({ Bucket: bucket, Key: 'streamed.bin', ChecksumMode: 'ENABLED' }),
    )
    const body = Buffer.from(
      await (got.Body as { transformToByteArray(): Promise<Uint8Array> }).transformToByteArray(),
    )
    // Buffer.equals: toEqual walks 370 000 bytes one by one, for seconds.
    expect(body.equals(Buffer.concat(parts))).toBe(true)
    expect(got.ChecksumCRC32).toMatch(/==$/)
  })

  it.each(['CRC32C', 'CRC64NVME', 'SHA1', 'SHA256'] as const)(
    'checks and returns a %s checksum (validated by the SDK on GET)',
    async (algorithm) => {
      const key = `checksum/${algorithm}`
      const put = await s3.send(
        new PutObjectCommand({ Bucket: bucket, Key: key, Body: 'checksummed', ChecksumAlgorithm: algorithm }),
      )
      const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key, ChecksumMode: 'ENABLED' }))
      expect(await got.Body?.transformToString()).toBe('checksummed')
      expect(got[`Checksum${algorithm}`]).toBe(put[`Checksum${algorithm}`])
      expect(got.ChecksumType).toBe('FULL_OBJECT')
    },
  )

  it('refuses a body whose Content-MD5 or checksum does not match, and keeps the previous object', async () => {
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'guarded', Body: 'original' }))
    const badMd5 = await rejection(
      s3.send(
        new PutObjectCommand({
          Bucket: bucket,
          Key: 'guarded',
          Body: 'changed',
          ContentMD5: Buffer.from(md5('other'), 'hex').toString('base64'),
        }),
      ),
    )
    expect([badMd5.name, badMd5.$metadata?.httpStatusCode]).toEqual(['BadDigest', 400])
    const badCrc = await rejection(
      s3.send(
        new PutObjectCommand({ Bucket: bucket, Key: 'guarded', Body: 'changed', ChecksumCRC32: 'AAAAAA==' }),
      ),
    )
    expect([badCrc.name, badCrc.message]).toEqual([
      'BadDigest',
      'The CRC32 you specified did not match the calculated checksum.',
    ])
    const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'guarded' }))
    expect(await got.Body?.transformToString()).toBe('original')
  })

  it('serves ranges (206 with Content-Range) and answers InvalidRange (416) past the end', async () => {
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'digits', Body: '0123456789' }))
    const mid = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'digits', Range: 'bytes=2-5' }))
    expect([await mid.Body?.transformToString(), mid.ContentRange, mid.$metadata.httpStatusCode]).toEqual([
      '2345',
      'bytes 2-5/10',
      206,
    ])
    const tail = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'digits', Range: 'bytes=-3' }))
    expect(await tail.Body?.transformToString()).toBe('789')
    const open = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'digits', Range: 'bytes=8-' }))
    expect(await open.Body?.transformToString()).toBe('89')
    const past = await rejection(
      s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'digits', Range: 'bytes=10-' })),
    )
    expect([past.name, past.$metadata?.httpStatusCode]).toEqual(['InvalidRange', 416])
  })

  it('answers NoSuchKey for a missing key (and a 404 to HEAD)', async () => {
    const e = await rejection(s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'missing/key' })))
    expect([e.name, e.$metadata?.httpStatusCode, e.message]).toEqual([
      'NoSuchKey',
      404,
      'The specified key does not exist.',
    ])
    const head = await rejection(s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'missing/key' })))
    expect(head.$metadata?.httpStatusCode).toBe(404)
  })

  it('honours If-None-Match on GET (304) and PUT (412 when the key exists)', async () => {
    const put = await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'conditional', Body: 'v1' }))
    const notModified = await rejection(
      s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'conditional', IfNoneMatch: put.ETag })),
    )
    expect(notModified.$metadata?.httpStatusCode).toBe(304)
    const exists = await rejection(
      s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'conditional', Body: 'v2', IfNoneMatch: '*' })),
    )
    expect([exists.name, exists.$metadata?.httpStatusCode]).toEqual(['PreconditionFailed', 412])
  })

  it('copies an object (metadata copied or replaced) and refuses a copy onto itself', async () => {
    await s3.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: 'copy/src',
        Body: 'copy me',
        ContentType: 'text/csv',
        Metadata: { a: '1' },
      }),
    )
    const copied = await s3.send(
      new CopyObjectCommand({ Bucket: bucket, Key: 'copy/same', CopySource: `${bucket}/copy/src` }),
    )
    expect(copied.CopyObjectResult?.ETag).toBe(`"${md5('copy me')}"`)
    const same = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'copy/same' }))
    expect([same.ContentType, same.Metadata]).toEqual(['text/csv', { a: '1' }])
    await s3.send(
      new CopyObjectCommand({
        Bucket: bucket,
        Key: 'copy/replaced',
        CopySource: `${bucket}/copy/src`,
        MetadataDirective: 'REPLACE',
        ContentType: 'application/json',
        Metadata: { b: '2' },
      }),
    )
    const replaced = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'copy/replaced' }))
    expect([replaced.ContentType, replaced.Metadata]).toEqual(['application/json', { b: '2' }])
    const self = await rejection(
      s3.send(new CopyObjectCommand({ Bucket: bucket, Key: 'copy/src', CopySource: `${bucket}/copy/src` })),
    )
    expect([self.name, self.$metadata?.httpStatusCode]).toEqual(['InvalidRequest', 400])
    const none = await rejection(
      s3.send(new CopyObjectCommand({ Bucket: bucket, Key: 'copy/x', CopySource: `${bucket}/copy/none` })),
    )
    expect(none.name).toBe('NoSuchKey')
  })

  it('deletes one object (204 even when absent) and many at once', async () => {
    for (const k of ['del/a', 'del/b', 'del/c'])
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: k, Body: k }))
    await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: 'del/a' }))
    const again = await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: 'del/a' }))
    expect(again.$metadata.httpStatusCode).toBe(204)
    const many = await s3.send(
      new DeleteObjectsCommand({
        Bucket: bucket,
        Delete: { Objects: [{ Key: 'del/b' }, { Key: 'del/c' }, { Key: 'del/none' }] },
      }),
    )
    expect(many.Deleted?.map((d) => d.Key)).toEqual(['del/b', 'del/c', 'del/none'])
    const left = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: 'del/' }))
    expect(left.KeyCount).toBe(0)
  })

  it('answers NotImplemented (501) naming an operation it does not implement', async () => {
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'tagged', Body: 'x' }))
    const e = await rejection(s3.send(new GetObjectTaggingCommand({ Bucket: bucket, Key: 'tagged' })))
    expect([e.name, e.$metadata?.httpStatusCode]).toEqual(['NotImplemented', 501])
    expect(e.message).toContain('GetObjectTagging')
  })

  it('keeps keys inside the bucket folder: climbing keys are refused and write nothing', async () => {
    const e = await rejection(s3.send(new PutObjectCommand({ Bucket: bucket, Key: '../escaped', Body: 'x' })))
    expect([e.name, e.$metadata?.httpStatusCode]).toEqual(['InvalidArgument', 400])
    expect(e.message).toContain("'..'")
    const store = new ObjectStore(inject('redshift').s3Dir)
    expect(await store.buckets()).not.toContain('escaped')
  })
})

describe('listing', () => {
  const listBucket = uniqueBucket('list')
  const keys = ['a/1.csv', 'a/2.csv', 'a/b/3.csv', 'c.csv', 'd/4.csv', 'e.csv']

  beforeAll(async () => {
    await s3.send(new CreateBucketCommand({ Bucket: listBucket }))
    for (const k of keys) await s3.send(new PutObjectCommand({ Bucket: listBucket, Key: k, Body: k }))
  })

  it('lists every key in byte order with sizes and ETags', async () => {
    const r = await s3.send(new ListObjectsV2Command({ Bucket: listBucket }))
    expect(r.Contents?.map((c) => c.Key)).toEqual(keys)
    expect(r.Contents?.[0]).toMatchObject({ Size: 7, ETag: `"${md5('a/1.csv')}"`, StorageClass: 'STANDARD' })
    expect([r.KeyCount, r.IsTruncated]).toEqual([6, false])
  })

  it('groups by delimiter into common prefixes, under a prefix', async () => {
    const top = await s3.send(new ListObjectsV2Command({ Bucket: listBucket, Delimiter: '/' }))
    expect(top.Contents?.map((c) => c.Key)).toEqual(['c.csv', 'e.csv'])
    expect(top.CommonPrefixes?.map((p) => p.Prefix)).toEqual(['a/', 'd/'])
    const inA = await s3.send(new ListObjectsV2Command({ Bucket: listBucket, Prefix: 'a/', Delimiter: '/' }))
    expect(inA.Contents?.map((c) => c.Key)).toEqual(['a/1.csv', 'a/2.csv'])
    expect(inA.CommonPrefixes?.map((p) => p.Prefix)).toEqual(['a/b/'])
  })

  it('pages with max-keys and continuation tokens, prefixes counted as entries', async () => {
    const seen: string[] = []
    let token: string | undefined
    let pages = 0
    do {
      const r = await s3.send(
        new ListObjectsV2Command({
          Bucket: listBucket,
          Delimiter: '/',
          MaxKeys: 1,
          ContinuationToken: token,
        }),
      )
      seen.push(
        ...(r.Contents ?? []).map((c) => c.Key as string),
        ...(r.CommonPrefixes ?? []).map((p) => p.Prefix as string),
      )
      token = r.NextContinuationToken
      pages++
    } while (token !== undefined)
    expect(seen).toEqual(['a/', 'c.csv', 'd/', 'e.csv'])
    expect(pages).toBe(4)
  })

  it('starts after a key, and lists V1 with a marker', async () => {
    const after = await s3.send(new ListObjectsV2Command({ Bucket: listBucket, StartAfter: 'c.csv' }))
    expect(after.Contents?.map((c) => c.Key)).toEqual(['d/4.csv', 'e.csv'])
    const v1 = await s3.send(new ListObjectsCommand({ Bucket: listBucket, Marker: 'a/b/3.csv', MaxKeys: 2 }))
    expect([v1.Contents?.map((c) => c.Key), v1.IsTruncated]).toEqual([['c.csv', 'd/4.csv'], true])
  })

  it('refuses a bad max-keys and a forged continuation token', async () => {
    const e = await rejection(
      s3.send(new ListObjectsV2Command({ Bucket: listBucket, ContinuationToken: '%%%' })),
    )
    expect([e.name, e.$metadata?.httpStatusCode]).toEqual(['InvalidArgument', 400])
  })
})
