/** What every S3 operation handler works with, and the shapes of its replies. */
import { createHash } from 'node:crypto'
import type { IncomingMessage } from 'node:http'
import type { Readable } from 'node:stream'
import { isValidBucketName, keyProblem, type ObjectStore } from '../object-store.js'
import type { MultipartStore } from './multipart-store.js'
import type { PayloadMode } from './s3-auth.js'
import { S3Error, s3Errors } from './s3-error.js'
import type { S3Target } from './s3-request.js'
import { type XmlValue, xmlDocument } from './s3-xml.js'
import { uploadBody } from './upload-body.js'

/** The server-wide parts: the store COPY and UNLOAD use, uploads in progress, the region. */
export interface S3Deps {
  readonly store: ObjectStore
  readonly uploads: MultipartStore
  readonly region: string
  readonly accountId: string
  readonly log: (line: string) => void
}

/** One authenticated request. */
export interface S3Call {
  readonly req: IncomingMessage
  readonly target: S3Target
  readonly payload: PayloadMode
  readonly requestId: string
}

/** A reply: a string body (XML) or a stream (object bytes), or none. */
export interface S3Reply {
  readonly status: number
  readonly headers: Readonly<Record<string, string>>
  readonly body?: string | Readable
}

/** S3's limit for one PUT and one part: 5 GiB. */
export const MAX_OBJECT_BYTES = 5 * 1024 ** 3
/** Request documents (DeleteObjects of 1000 keys, CompleteMultipartUpload of 10000 parts) stay well under this. */
export const MAX_XML_BYTES = 2 * 1024 * 1024

/** A 200 XML reply of `root` (in S3's namespace). */
export function xmlReply(root: string, children: XmlValue | readonly XmlValue[], status = 200): S3Reply {
  return { status, headers: { 'content-type': 'application/xml' }, body: xmlDocument(root, children, true) }
}

/** The bucket of a bucket or object request. */
export function bucketOf(call: S3Call): string {
  return call.target.bucket as string
}

/** The key of an object request, checked to be one the local store can hold. */
export function keyOf(call: S3Call): string {
  const key = call.target.key as string
  const problem = keyProblem(key)
  if (problem !== undefined) {
    throw Buffer.byteLength(key) > 1024
      ? new S3Error('KeyTooLongError', 'Your key is too long', 400)
      : s3Errors.invalidArgument(problem, 'key', key)
  }
  return key
}

/** Fails with NoSuchBucket unless the bucket exists. */
export async function requireBucket(deps: S3Deps, bucket: string): Promise<void> {
  if (!isValidBucketName(bucket) || !(await deps.store.hasBucket(bucket))) throw s3Errors.noSuchBucket(bucket)
}

/** The canonical user id S3 shows as owner, derived from the account. */
export function ownerOf(deps: S3Deps): { readonly ID: string; readonly DisplayName: string } {
  return { ID: createHash('sha256').update(deps.accountId).digest('hex'), DisplayName: 'redshift-local' }
}

/** Reads a small request body (an XML document), with its digests checked. */
export async function readSmallBody(call: S3Call): Promise<Buffer> {
  const body = uploadBody(call.req, call.payload, MAX_XML_BYTES)
  const chunks: Buffer[] = []
  const md5 = createHash('md5')
  for await (const chunk of body.source) {
    chunks.push(chunk as Buffer)
    md5.update(chunk as Buffer)
  }
  const all = Buffer.concat(chunks)
  body.verify({ size: all.length, md5: md5.digest() })
  return all
}

/** A header's value (the first, when repeated). */
export function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name]
  return Array.isArray(v) ? v[0] : v
}

/** S3's HTTP date form (`Wed, 12 Oct 2009 17:50:00 GMT`). */
export function httpDate(date: Date): string {
  return date.toUTCString()
}
