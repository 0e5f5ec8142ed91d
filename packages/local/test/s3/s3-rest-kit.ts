/** What the S3 REST tests share: an S3 client of the shared server, raw signed requests, unique buckets. */
import { randomBytes } from 'node:crypto'
import { request } from 'node:http'
import { S3Client, type S3ClientConfig } from '@aws-sdk/client-s3'
import { inject } from 'vitest'
import { signRequest } from '../../src/aws/sigv4.js'

/** The shared server's AWS endpoint and key. */
export function endpoint() {
  return inject('redshift').aws
}

/** The real AWS SDK v3 S3 client, pointed at the shared server (path-style, as for an IP address). */
export function s3Client(config: Partial<S3ClientConfig> = {}): S3Client {
  const aws = endpoint()
  return new S3Client({
    endpoint: aws.endpoint,
    region: aws.region,
    credentials: { accessKeyId: aws.accessKeyId, secretAccessKey: aws.secretAccessKey },
    forcePathStyle: true,
    maxAttempts: 1,
    ...config,
  })
}

/** A bucket name of its own for one test file. */
export function uniqueBucket(label: string): string {
  return `rk-s3-${label}-${randomBytes(4).toString('hex')}`
}

/** The error a promise rejects with (fails the test when it resolves). */
export async function rejection(
  promise: Promise<unknown>,
): Promise<Error & { $metadata?: { httpStatusCode?: number } }> {
  try {
    await promise
  } catch (error) {
    return error as Error
  }
  throw new Error('expected the request to fail, but it succeeded')
}

export interface RawReply {
  readonly status: number
  readonly headers: Record<string, string | string[] | undefined>
  readonly body: string
}

/**
 * Sends one request as given (path not normalised, headers as chosen), signed for S3 with the shared
 * key unless `sign` is false; `payloadHash` is what x-amz-content-sha256 says.
 */
export function rawRequest(options: {
  readonly method: string
  readonly path: string
  readonly headers?: Record<string, string>
  readonly body?: Buffer | string
  readonly payloadHash?: string
  readonly sign?: boolean
  readonly secretAccessKey?: string
}): Promise<RawReply> {
  const aws = endpoint()
  const url = new URL(aws.endpoint)
  const body = options.body === undefined ? Buffer.alloc(0) : Buffer.from(options.body)
  const payloadHash = options.payloadHash ?? 'UNSIGNED-PAYLOAD'
  const headers: Record<string, string> = {
    host: url.host,
    'x-amz-content-sha256': payloadHash,
    'content-length': String(body.length),
    ...options.headers,
  }
  if (options.sign !== false) {
    Object.assign(
      headers,
      signRequest(
        { method: options.method, url: options.path, headers, body, payloadHash, s3Path: true },
        {
          accessKeyId: aws.accessKeyId,
          secretAccessKey: options.secretAccessKey ?? aws.secretAccessKey,
          region: aws.region,
          service: 's3',
        },
      ),
    )
  }
  return new Promise((resolve, reject) => {
    const req = request(
      { host: url.hostname, port: url.port, method: options.method, path: options.path, headers },
      (res) => {
        const chunks: Buffer[] = []
        res.on('data', (c: Buffer) => chunks.push(c))
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        )
      },
    )
    req.on('error', reject)
    req.end(body)
  })
}

/** The `<Code>` of an S3 XML error document. */
export function errorCode(body: string): string | undefined {
  return /<Code>([^<]*)<\/Code>/.exec(body)?.[1]
}
