/**
 * Object headers both ways: the content headers and `x-amz-meta-*` a PUT stores, and what GET and HEAD
 * answer (ETag, dates, ranges, checksums, conditional requests).
 */
import type { IncomingMessage } from 'node:http'
import type { ObjectHeaders } from '../object-meta.js'
import type { ByteRange, StoredObject } from '../object-store.js'
import { checksumHeader } from './checksums.js'
import { header, httpDate } from './s3-context.js'
import { S3Error, s3Errors } from './s3-error.js'

/** S3 limits user metadata to 2 KB (names and values). */
const MAX_METADATA_BYTES = 2048

/** The headers of a PUT, CreateMultipartUpload or CopyObject (REPLACE) to store with the object. */
export function storedHeaders(req: IncomingMessage): ObjectHeaders {
  const metadata: Record<string, string> = {}
  let metaBytes = 0
  for (const [name, value] of Object.entries(req.headers)) {
    if (!name.startsWith('x-amz-meta-') || value === undefined) continue
    const v = Array.isArray(value) ? value.join(',') : value
    const short = name.slice('x-amz-meta-'.length)
    metaBytes += Buffer.byteLength(short) + Buffer.byteLength(v)
    metadata[short] = v
  }
  if (metaBytes > MAX_METADATA_BYTES) {
    throw new S3Error(
      'MetadataTooLarge',
      'Your metadata headers exceed the maximum allowed metadata size',
      400,
      {
        MaxSizeAllowed: MAX_METADATA_BYTES,
      },
    )
  }
  // aws-chunked is the transfer's encoding, not the object's.
  const encoding = header(req, 'content-encoding')
    ?.split(',')
    .map((e) => e.trim())
    .filter((e) => e !== '' && e.toLowerCase() !== 'aws-chunked')
    .join(', ')
  const pick = (name: string) => header(req, name)
  const out: Record<string, unknown> = {
    contentType: pick('content-type'),
    contentEncoding: encoding === '' ? undefined : encoding,
    contentDisposition: pick('content-disposition'),
    contentLanguage: pick('content-language'),
    cacheControl: pick('cache-control'),
    expires: pick('expires'),
    ...(Object.keys(metadata).length === 0 ? {} : { metadata }),
  }
  return Object.fromEntries(Object.entries(out).filter(([, v]) => v !== undefined)) as ObjectHeaders
}

/** The headers GET and HEAD answer for an object (without Content-Length and Content-Range). */
export function objectReplyHeaders(
  object: StoredObject,
  req: IncomingMessage,
  query: URLSearchParams,
  whole: boolean,
): Record<string, string> {
  const m = object.meta
  const out: Record<string, string> = {
    etag: `"${m.etag}"`,
    'last-modified': httpDate(object.lastModified),
    'accept-ranges': 'bytes',
    'content-type': m.contentType ?? 'binary/octet-stream',
  }
  if (m.contentEncoding !== undefined) out['content-encoding'] = m.contentEncoding
  if (m.contentDisposition !== undefined) out['content-disposition'] = m.contentDisposition
  if (m.contentLanguage !== undefined) out['content-language'] = m.contentLanguage
  if (m.cacheControl !== undefined) out['cache-control'] = m.cacheControl
  if (m.expires !== undefined) out.expires = m.expires
  for (const [name, value] of Object.entries(m.metadata ?? {})) out[`x-amz-meta-${name}`] = value
  if (m.parts !== undefined) out['x-amz-mp-parts-count'] = String(m.parts.length)
  if (whole && m.checksum !== undefined && header(req, 'x-amz-checksum-mode')?.toUpperCase() === 'ENABLED') {
    out[checksumHeader(m.checksum.algorithm)] = m.checksum.value
    out['x-amz-checksum-type'] = m.checksum.type
  }
  // GET's response-* parameters override stored headers (presigned download links use them).
  for (const name of [
    'content-type',
    'content-language',
    'expires',
    'cache-control',
    'content-disposition',
    'content-encoding',
  ]) {
    const v = query.get(`response-${name}`)
    if (v !== null) out[name] = v
  }
  return out
}

/**
 * The byte range a GET or HEAD asks for (`Range: bytes=a-b`, `bytes=a-`, `bytes=-n`, or `partNumber`),
 * undefined for the whole object. Ranges S3 ignores (malformed, several) give the whole object.
 */
export function requestedRange(
  object: StoredObject,
  req: IncomingMessage,
  query: URLSearchParams,
): ByteRange | undefined {
  const size = object.size
  const partNumber = query.get('partNumber')
  if (partNumber !== null) {
    const n = Number(partNumber)
    const parts = object.meta.parts ?? [size]
    if (!Number.isInteger(n) || n < 1 || n > parts.length) {
      throw new S3Error('InvalidPartNumber', 'The requested partnumber is not satisfiable', 416, {
        PartNumberRequested: partNumber,
        ActualPartCount: parts.length,
      })
    }
    const start = parts.slice(0, n - 1).reduce((a, b) => a + b, 0)
    const partSize = parts[n - 1] as number
    return parts.length === 1 ? undefined : { start, end: start + partSize - 1 }
  }
  const range = header(req, 'range')
  if (range === undefined) return undefined
  const m = /^bytes=(\d*)-(\d*)$/.exec(range.trim())
  if (m === null || (m[1] === '' && m[2] === '')) return undefined
  if (m[1] === '') {
    const suffix = Number(m[2])
    if (suffix === 0 || size === 0) throw s3Errors.invalidRange(size, range)
    return { start: Math.max(0, size - suffix), end: size - 1 }
  }
  const start = Number(m[1])
  const end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1)
  if (m[2] !== '' && Number(m[2]) < start) return undefined
  if (start >= size) throw s3Errors.invalidRange(size, range)
  return { start, end }
}

function etagMatches(list: string, etag: string): boolean {
  return list.split(',').some((t) => {
    const v = t.trim().replace(/^W\//, '').replace(/"/g, '')
    return v === '*' || v === etag
  })
}

/**
 * Applies If-Match, If-Unmodified-Since (412) and If-None-Match, If-Modified-Since (304) as S3 does;
 * `prefix` reads the `x-amz-copy-source-if-*` forms of CopyObject.
 */
export function checkConditions(
  object: StoredObject,
  req: IncomingMessage,
  prefix = '',
): 'not-modified' | undefined {
  const get = (name: string) => header(req, `${prefix}${name}`)
  const ifMatch = get('if-match')
  const ifNoneMatch = get('if-none-match')
  const modifiedSince = get('if-modified-since')
  const unmodifiedSince = get('if-unmodified-since')
  const seconds = Math.floor(object.lastModified.getTime() / 1000) * 1000
  if (ifMatch !== undefined && !etagMatches(ifMatch, object.meta.etag))
    throw s3Errors.preconditionFailed('If-Match')
  if (ifMatch === undefined && unmodifiedSince !== undefined) {
    const t = Date.parse(unmodifiedSince)
    if (!Number.isNaN(t) && seconds > t) throw s3Errors.preconditionFailed('If-Unmodified-Since')
  }
  if (ifNoneMatch !== undefined && etagMatches(ifNoneMatch, object.meta.etag)) {
    if (prefix !== '') throw s3Errors.preconditionFailed('x-amz-copy-source-If-None-Match')
    return 'not-modified'
  }
  if (ifNoneMatch === undefined && modifiedSince !== undefined) {
    const t = Date.parse(modifiedSince)
    if (!Number.isNaN(t) && seconds <= t) {
      if (prefix !== '') throw s3Errors.preconditionFailed('x-amz-copy-source-If-Modified-Since')
      return 'not-modified'
    }
  }
  return undefined
}
