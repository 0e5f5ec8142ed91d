/**
 * What an S3 request addresses (bucket and key, path-style `/bucket/key` or virtual-host-style
 * `bucket.localhost/key`) and which operation it is, from its method, target and sub-resource.
 */
import type { IncomingMessage } from 'node:http'
import { s3Errors } from './s3-error.js'

/** A request's target and operation. */
export interface S3Target {
  readonly bucket: string | undefined
  readonly key: string | undefined
  readonly query: URLSearchParams
  /** The S3 operation name (`PutObject`, `ListObjectsV2`, ... or an unimplemented one's name). */
  readonly operation: string
  /** True when this server implements the operation. */
  readonly implemented: boolean
  /** The path for error documents (`/bucket/key`). */
  readonly resource: string
}

/** Query parameters that are not sub-resources: they do not change the operation. */
const PLAIN_PARAMS = new Set([
  'list-type',
  'prefix',
  'delimiter',
  'max-keys',
  'continuation-token',
  'start-after',
  'fetch-owner',
  'encoding-type',
  'marker',
  'x-id',
  'versionId',
  'partNumber',
  'max-parts',
  'part-number-marker',
  'max-uploads',
  'key-marker',
  'upload-id-marker',
  'bucket-region',
  'max-buckets',
])

const VERB: Readonly<Record<string, string>> = {
  GET: 'Get',
  PUT: 'Put',
  DELETE: 'Delete',
  POST: 'Post',
  HEAD: 'Head',
}

function pascal(name: string): string {
  return name
    .split('-')
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join('')
}

function decodePath(text: string): string {
  try {
    return decodeURIComponent(text)
  } catch {
    throw s3Errors.invalidRequest('The request path is not valid percent-encoded UTF-8.')
  }
}

/** The bucket named by a virtual-host-style Host header (`bucket.localhost:4566`), if any. */
export function virtualHostBucket(host: string | undefined): string | undefined {
  if (host === undefined) return undefined
  const name = host.startsWith('[') ? host : host.replace(/:\d+$/, '')
  const m = /^(.+)\.localhost$/i.exec(name)
  return m?.[1]?.toLowerCase()
}

/**
 * Reads the target and operation of a request.
 *
 * @example
 * s3Target(req) // { bucket: 'b', key: 'a/b.csv', operation: 'GetObject', implemented: true, ... }
 */
export function s3Target(req: IncomingMessage): S3Target {
  const url = req.url ?? '/'
  const q = url.indexOf('?')
  const rawPath = q >= 0 ? url.slice(0, q) : url
  const query = new URLSearchParams(q >= 0 ? url.slice(q + 1) : '')
  const method = (req.method ?? 'GET').toUpperCase()
  let bucket = virtualHostBucket(req.headers.host)
  let key: string | undefined
  if (bucket !== undefined) {
    const rest = rawPath.replace(/^\//, '')
    key = rest === '' ? undefined : decodePath(rest)
  } else {
    const path = rawPath.replace(/^\//, '')
    const slash = path.indexOf('/')
    const first = slash < 0 ? path : path.slice(0, slash)
    bucket = first === '' ? undefined : decodePath(first)
    const rest = slash < 0 ? '' : path.slice(slash + 1)
    key = rest === '' ? undefined : decodePath(rest)
  }
  const resource = `/${bucket ?? ''}${key === undefined ? '' : `/${key}`}`
  const subs = [...query.keys()].filter(
    (k) => !PLAIN_PARAMS.has(k) && !k.startsWith('X-Amz-') && !k.startsWith('response-'),
  )
  const has = (name: string) => subs.includes(name)
  const only = (...names: string[]) => subs.every((s) => names.includes(s))
  const copy = req.headers['x-amz-copy-source'] !== undefined
  let operation: string | undefined
  if (bucket === undefined) {
    if (method === 'GET' && subs.length === 0) operation = 'ListBuckets'
  } else if (key === undefined) {
    if (subs.length === 0) {
      operation = {
        PUT: 'CreateBucket',
        DELETE: 'DeleteBucket',
        HEAD: 'HeadBucket',
        GET: query.get('list-type') === '2' ? 'ListObjectsV2' : 'ListObjects',
      }[method]
    } else if (method === 'GET' && has('location') && only('location')) operation = 'GetBucketLocation'
    else if (method === 'GET' && has('uploads') && only('uploads')) operation = 'ListMultipartUploads'
    else if (method === 'POST' && has('delete') && only('delete')) operation = 'DeleteObjects'
  } else if (subs.length === 0) {
    operation = {
      PUT: copy ? 'CopyObject' : 'PutObject',
      GET: 'GetObject',
      HEAD: 'HeadObject',
      DELETE: 'DeleteObject',
    }[method]
  } else if (has('uploadId') && only('uploadId')) {
    if (method === 'PUT' && query.has('partNumber')) operation = copy ? 'UploadPartCopy' : 'UploadPart'
    else if (method === 'POST') operation = 'CompleteMultipartUpload'
    else if (method === 'DELETE') operation = 'AbortMultipartUpload'
    else if (method === 'GET') operation = 'ListParts'
  } else if (method === 'POST' && has('uploads') && only('uploads')) operation = 'CreateMultipartUpload'

  if (operation !== undefined && operation !== 'UploadPartCopy') {
    return { bucket, key, query, operation, implemented: true, resource }
  }
  const named =
    operation ??
    query.get('x-id') ??
    `${VERB[method] ?? pascal(method.toLowerCase())}${key === undefined ? (bucket === undefined ? 'Service' : 'Bucket') : 'Object'}${subs.map(pascal).join('')}`
  return { bucket, key, query, operation: named, implemented: false, resource }
}
