/** S3's signing rules, addressing styles and key safety, with raw requests and the SDK. */
import { createHash, createHmac } from 'node:crypto'
import { existsSync } from 'node:fs'
import { Agent } from 'node:http'
import path from 'node:path'
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3'
import { NodeHttpHandler } from '@smithy/node-http-handler'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { signingKey } from '../../src/aws/sigv4.js'
import { endpoint, errorCode, rawRequest, rejection, s3Client, uniqueBucket } from './s3-rest-kit.js'

let s3: S3Client
const bucket = uniqueBucket('auth')

beforeAll(async () => {
  s3 = s3Client()
  await s3.send(new CreateBucketCommand({ Bucket: bucket }))
})
afterAll(() => s3.destroy())

describe('signatures', () => {
  it('answers SignatureDoesNotMatch (403, S3 XML with a RequestId) to a wrong secret', async () => {
    const r = await rawRequest({ method: 'GET', path: `/${bucket}`, secretAccessKey: 'not-the-secret' })
    expect(r.status).toBe(403)
    expect(errorCode(r.body)).toBe('SignatureDoesNotMatch')
    expect(r.body).toMatch(/<RequestId>[0-9A-F]{16}<\/RequestId>/)
    expect(r.headers['x-amz-request-id']).toMatch(/^[0-9A-F]{16}$/)
  })

  it('answers InvalidAccessKeyId to an unknown key, AccessDenied to an unsigned request', async () => {
    const aws = endpoint()
    const other = s3Client({
      credentials: { accessKeyId: 'AKIAUNKNOWNKEY000000', secretAccessKey: aws.secretAccessKey },
    })
    const e = await rejection(other.send(new GetObjectCommand({ Bucket: bucket, Key: 'k' })))
    expect([e.name, e.$metadata?.httpStatusCode]).toEqual(['InvalidAccessKeyId', 403])
    other.destroy()
    const anonymous = await rawRequest({ method: 'GET', path: `/${bucket}/k`, sign: false })
    expect([anonymous.status, errorCode(anonymous.body)]).toEqual([403, 'AccessDenied'])
  })

  it('names the expected region when a request is signed for another one', async () => {
    const wrong = s3Client({ region: 'eu-west-3' })
    const e = await rejection(wrong.send(new GetObjectCommand({ Bucket: bucket, Key: 'k' })))
    expect(e.name).toBe('AuthorizationHeaderMalformed')
    expect(e.message).toContain(`expecting '${endpoint().region}'`)
    wrong.destroy()
  })

  it('checks a signed payload hash against the body (XAmzContentSHA256Mismatch)', async () => {
    const claimed = createHash('sha256').update('something else').digest('hex')
    const r = await rawRequest({
      method: 'PUT',
      path: `/${bucket}/hashed`,
      body: 'the body',
      payloadHash: claimed,
    })
    expect([r.status, errorCode(r.body)]).toEqual([400, 'XAmzContentSHA256Mismatch'])
    const ok = await rawRequest({
      method: 'PUT',
      path: `/${bucket}/hashed`,
      body: 'the body',
      payloadHash: createHash('sha256').update('the body').digest('hex'),
    })
    expect(ok.status).toBe(200)
  })

  it('takes STREAMING-AWS4-HMAC-SHA256-PAYLOAD uploads, verifying each chunk signature', async () => {
    const data = [Buffer.alloc(8192, 'x'), Buffer.from('tail')]
    const upload = async (tamper: boolean) => {
      const aws = endpoint()
      const now = new Date()
      const amzDate = `${now.toISOString().replace(/[-:]/g, '').slice(0, 15)}Z`
      const key = signingKey(aws.secretAccessKey, amzDate.slice(0, 8), aws.region, 's3')
      const scope = `${amzDate.slice(0, 8)}/${aws.region}/s3/aws4_request`
      // The seed signature is the one of the headers; chunks chain from it.
      const sizes = [...data.map((d) => d.length), 0]
      const encodedLength = sizes.reduce(
        (n, s) => n + s.toString(16).length + ';chunk-signature='.length + 64 + 4 + s,
        0,
      )
      const headers = {
        'content-encoding': 'aws-chunked',
        'x-amz-decoded-content-length': String(data.reduce((n, d) => n + d.length, 0)),
        'content-length': String(encodedLength),
        'x-amz-date': amzDate,
      }
      const { signRequest } = await import('../../src/aws/sigv4.js')
      const url = new URL(aws.endpoint)
      const signed = signRequest(
        {
          method: 'PUT',
          url: `/${bucket}/chunked.bin`,
          headers: {
            host: url.host,
            'x-amz-content-sha256': 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD',
            ...headers,
          },
          body: Buffer.alloc(0),
          payloadHash: 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD',
          s3Path: true,
        },
        {
          accessKeyId: aws.accessKeyId,
          secretAccessKey: aws.secretAccessKey,
          region: aws.region,
          service: 's3',
        },
        now,
      )
      let previous = /Signature=([0-9a-f]{64})/.exec(signed.authorization ?? '')?.[1] ?? ''
      const body: Buffer[] = []
      for (const chunk of [...data, Buffer.alloc(0)]) {
        const toSign = [
          'AWS4-HMAC-SHA256-PAYLOAD',
          amzDate,
          scope,
          previous,
          createHash('sha256').update('').digest('hex'),
          createHash('sha256').update(chunk).digest('hex'),
        ].join('\n')
        previous = createHmac('sha256', key).update(toSign).digest('hex')
        const sent = tamper && chunk.length === 4 ? Buffer.from('TAIL') : chunk
        body.push(
          Buffer.from(`${chunk.length.toString(16)};chunk-signature=${previous}\r\n`),
          sent,
          Buffer.from('\r\n'),
        )
      }
      return rawRequest({
        method: 'PUT',
        path: `/${bucket}/chunked.bin`,
        headers: { ...headers, ...signed },
        body: Buffer.concat(body),
        payloadHash: 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD',
        sign: false,
      })
    }
    const tampered = await upload(true)
    expect([tampered.status, errorCode(tampered.body)]).toEqual([403, 'SignatureDoesNotMatch'])
    const missing = await rejection(s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'chunked.bin' })))
    expect(missing.name).toBe('NoSuchKey')
    const ok = await upload(false)
    expect(ok.status).toBe(200)
    const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'chunked.bin' }))
    expect(await got.Body?.transformToString()).toBe(`${'x'.repeat(8192)}tail`)
  })
})

describe('addressing and keys', () => {
  it('serves virtual-host-style requests (bucket.localhost) as the SDK sends them', async () => {
    const url = new URL(endpoint().endpoint)
    // *.localhost does not resolve everywhere; the agent sends it to the server's address.
    const agent = new Agent({
      lookup: ((_host: string, opts: { all?: boolean }, cb: (...args: unknown[]) => void) =>
        opts.all ? cb(null, [{ address: url.hostname, family: 4 }]) : cb(null, url.hostname, 4)) as never,
    })
    const virtual = s3Client({
      endpoint: `http://localhost:${url.port}`,
      forcePathStyle: false,
      requestHandler: new NodeHttpHandler({ httpAgent: agent }),
    })
    await virtual.send(
      new PutObjectCommand({ Bucket: bucket, Key: 'virtual/hosted.txt', Body: 'by host name' }),
    )
    const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'virtual/hosted.txt' }))
    expect(await got.Body?.transformToString()).toBe('by host name')
    const back = await virtual.send(new GetObjectCommand({ Bucket: bucket, Key: 'virtual/hosted.txt' }))
    expect(await back.Body?.transformToString()).toBe('by host name')
    virtual.destroy()
    agent.destroy()
    const raw = await rawRequest({
      method: 'GET',
      path: '/virtual/hosted.txt',
      headers: { host: `${bucket}.localhost:${url.port}` },
    })
    expect([raw.status, raw.body]).toEqual([200, 'by host name'])
  })

  it('refuses encoded climbs out of the bucket, and finds nothing there on reads', async () => {
    const put = await rawRequest({
      method: 'PUT',
      path: `/${bucket}/a/%2E%2E/%2E%2E/%2E%2E/escaped.txt`,
      body: 'x',
    })
    expect([put.status, errorCode(put.body)]).toEqual([400, 'InvalidArgument'])
    const s3Dir = inject('redshift').s3Dir
    expect(existsSync(path.join(s3Dir, '..', 'escaped.txt'))).toBe(false)
    expect(existsSync(path.join(s3Dir, 'escaped.txt'))).toBe(false)
    const absolute = await rawRequest({ method: 'PUT', path: `/${bucket}//etc/passwd`, body: 'x' })
    expect([absolute.status, errorCode(absolute.body)]).toEqual([400, 'InvalidArgument'])
    const read = await rawRequest({ method: 'GET', path: `/${bucket}/..%2F..%2F..%2Fetc%2Fpasswd` })
    expect([read.status, errorCode(read.body)]).toEqual([404, 'NoSuchKey'])
  })

  it('bounds request documents (DeleteObjects over 2 MB is refused)', async () => {
    const body = `<Delete>${'<Object><Key>k</Key></Object>'.repeat(80_000)}</Delete>`
    const md5 = createHash('md5').update(body).digest('base64')
    const r = await rawRequest({
      method: 'POST',
      path: `/${bucket}?delete`,
      body,
      headers: { 'content-md5': md5 },
    })
    expect([r.status, errorCode(r.body)]).toEqual([400, 'EntityTooLarge'])
  })
})
