/** Multipart uploads through the real SDK: @aws-sdk/lib-storage's Upload, and each operation by hand. */
import { createHash, randomBytes } from 'node:crypto'
import { Readable } from 'node:stream'
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  ListPartsCommand,
  type S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3'
import { Upload } from '@aws-sdk/lib-storage'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { rejection, s3Client, uniqueBucket } from './s3-rest-kit.js'

let s3: S3Client
const bucket = uniqueBucket('multipart')
const MiB = 1024 * 1024

beforeAll(async () => {
  s3 = s3Client()
  await s3.send(new CreateBucketCommand({ Bucket: bucket }))
})
afterAll(() => s3.destroy())

async function sha256Of(stream: AsyncIterable<Uint8Array>): Promise<string> {
  const h = createHash('sha256')
  for await (const chunk of stream) h.update(chunk)
  return h.digest('hex')
}

describe('multipart uploads', () => {
  it('uploads 30 MB with lib-storage in 5 MB parts (composite CRC32), readable whole and by part', async () => {
    const data = randomBytes(30 * MiB)
    const upload = new Upload({
      client: s3,
      params: {
        Bucket: bucket,
        Key: 'big/30mb.bin',
        Body: Readable.from([data.subarray(0, 13 * MiB), data.subarray(13 * MiB)]),
      },
      partSize: 5 * MiB,
      queueSize: 2,
    })
    const done = await upload.done()
    expect(done.ETag).toMatch(/^"[0-9a-f]{32}-6"$/)
    const head = await s3.send(
      new HeadObjectCommand({ Bucket: bucket, Key: 'big/30mb.bin', ChecksumMode: 'ENABLED' }),
    )
    expect([head.ContentLength, head.ETag, head.ChecksumType]).toEqual([30 * MiB, done.ETag, 'COMPOSITE'])
    expect(head.ChecksumCRC32).toMatch(/-6$/)
    const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'big/30mb.bin' }))
    expect(await sha256Of(got.Body as AsyncIterable<Uint8Array>)).toBe(
      createHash('sha256').update(data).digest('hex'),
    )
    const part2 = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'big/30mb.bin', PartNumber: 2 }))
    expect([part2.ContentLength, part2.PartsCount, part2.ContentRange]).toEqual([
      5 * MiB,
      6,
      `bytes ${5 * MiB}-${10 * MiB - 1}/${30 * MiB}`,
    ])
  }, 120_000)

  it('creates, uploads parts, lists parts and uploads, and completes by hand', async () => {
    const key = 'by-hand.bin'
    const created = await s3.send(
      new CreateMultipartUploadCommand({ Bucket: bucket, Key: key, ContentType: 'application/x-test' }),
    )
    const uploadId = created.UploadId as string
    const first = randomBytes(5 * MiB)
    const second = Buffer.from('the last part may be small')
    const p1 = await s3.send(
      new UploadPartCommand({ Bucket: bucket, Key: key, UploadId: uploadId, PartNumber: 1, Body: first }),
    )
    const p2 = await s3.send(
      new UploadPartCommand({ Bucket: bucket, Key: key, UploadId: uploadId, PartNumber: 2, Body: second }),
    )
    const parts = await s3.send(new ListPartsCommand({ Bucket: bucket, Key: key, UploadId: uploadId }))
    expect(parts.Parts?.map((p) => [p.PartNumber, p.Size, p.ETag])).toEqual([
      [1, 5 * MiB, p1.ETag],
      [2, second.length, p2.ETag],
    ])
    const uploads = await s3.send(new ListMultipartUploadsCommand({ Bucket: bucket }))
    expect(uploads.Uploads?.map((u) => [u.Key, u.UploadId])).toContainEqual([key, uploadId])
    await s3.send(
      new CompleteMultipartUploadCommand({
        Bucket: bucket,
        Key: key,
        UploadId: uploadId,
        MultipartUpload: {
          Parts: [
            { PartNumber: 1, ETag: p1.ETag, ChecksumCRC32: p1.ChecksumCRC32 },
            { PartNumber: 2, ETag: p2.ETag, ChecksumCRC32: p2.ChecksumCRC32 },
          ],
        },
      }),
    )
    const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }))
    expect(got.ContentType).toBe('application/x-test')
    expect(await sha256Of(got.Body as AsyncIterable<Uint8Array>)).toBe(
      createHash('sha256')
        .update(Buffer.concat([first, second]))
        .digest('hex'),
    )
    const after = await rejection(
      s3.send(new ListPartsCommand({ Bucket: bucket, Key: key, UploadId: uploadId })),
    )
    expect([after.name, after.$metadata?.httpStatusCode]).toEqual(['NoSuchUpload', 404])
  })

  it('refuses a wrong part ETag (InvalidPart), a small middle part (EntityTooSmall) and parts out of order', async () => {
    const key = 'refused.bin'
    const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: key }))
    const small = await s3.send(
      new UploadPartCommand({ Bucket: bucket, Key: key, UploadId, PartNumber: 1, Body: 'small' }),
    )
    const last = await s3.send(
      new UploadPartCommand({ Bucket: bucket, Key: key, UploadId, PartNumber: 2, Body: 'last' }),
    )
    const complete = (parts: { PartNumber: number; ETag?: string | undefined }[]) =>
      rejection(
        s3.send(
          new CompleteMultipartUploadCommand({
            Bucket: bucket,
            Key: key,
            UploadId,
            MultipartUpload: { Parts: parts },
          }),
        ),
      )
    expect((await complete([{ PartNumber: 1, ETag: '"0123456789abcdef0123456789abcdef"' }])).name).toBe(
      'InvalidPart',
    )
    const tooSmall = await complete([
      { PartNumber: 1, ETag: small.ETag },
      { PartNumber: 2, ETag: last.ETag },
    ])
    expect([tooSmall.name, tooSmall.$metadata?.httpStatusCode]).toEqual(['EntityTooSmall', 400])
    const order = await complete([
      { PartNumber: 2, ETag: last.ETag },
      { PartNumber: 1, ETag: small.ETag },
    ])
    expect(order.name).toBe('InvalidPartOrder')
    const missing = await rejection(s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key })))
    expect(missing.$metadata?.httpStatusCode).toBe(404)
  })

  it('aborts an upload: its parts are gone and it cannot be completed', async () => {
    const key = 'aborted.bin'
    const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: key }))
    const part = await s3.send(
      new UploadPartCommand({ Bucket: bucket, Key: key, UploadId, PartNumber: 1, Body: 'x' }),
    )
    await s3.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId }))
    const e = await rejection(
      s3.send(
        new CompleteMultipartUploadCommand({
          Bucket: bucket,
          Key: key,
          UploadId,
          MultipartUpload: { Parts: [{ PartNumber: 1, ETag: part.ETag }] },
        }),
      ),
    )
    expect([e.name, e.$metadata?.httpStatusCode]).toEqual(['NoSuchUpload', 404])
    const forged = await rejection(
      s3.send(
        new UploadPartCommand({ Bucket: bucket, Key: key, UploadId: '../../etc', PartNumber: 1, Body: 'x' }),
      ),
    )
    expect(forged.name).toBe('NoSuchUpload')
  })
})
