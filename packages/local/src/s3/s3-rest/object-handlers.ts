/** GetObject, HeadObject, PutObject, CopyObject, DeleteObject, DeleteObjects. */
import { Transform } from 'node:stream'
import type { StoredChecksum } from '../object-meta.js'
import { keyProblem, type StoredObject } from '../object-store.js'
import { checksumHeader, hasher, parseAlgorithm } from './checksums.js'
import { checkConditions, objectReplyHeaders, requestedRange, storedHeaders } from './object-headers.js'
import {
  bucketOf,
  header,
  keyOf,
  MAX_OBJECT_BYTES,
  readSmallBody,
  requireBucket,
  type S3Call,
  type S3Deps,
  type S3Reply,
  xmlReply,
} from './s3-context.js'
import { S3Error, s3Errors } from './s3-error.js'
import { children, parseXmlRequest, text, XmlList, type XmlValue } from './s3-xml.js'
import { uploadBody } from './upload-body.js'

/** The object of a read, or NoSuchKey (keys the store could never hold do not exist either). */
async function existing(deps: S3Deps, call: S3Call): Promise<StoredObject> {
  const bucket = bucketOf(call)
  await requireBucket(deps, bucket)
  const key = call.target.key as string
  const object = keyProblem(key) === undefined ? await deps.store.describe(bucket, key) : undefined
  if (object === undefined) throw s3Errors.noSuchKey(key)
  const version = call.target.query.get('versionId')
  if (version !== null && version !== 'null') {
    throw s3Errors.invalidArgument('Invalid version id specified', 'versionId', version)
  }
  return object
}

export async function getObject(deps: S3Deps, call: S3Call, head: boolean): Promise<S3Reply> {
  const object = await existing(deps, call)
  const { req } = call
  const query = call.target.query
  if (checkConditions(object, req) === 'not-modified') {
    return {
      status: 304,
      headers: { etag: `"${object.meta.etag}"`, 'last-modified': object.lastModified.toUTCString() },
    }
  }
  const range = requestedRange(object, req, query)
  const headers = objectReplyHeaders(object, req, query, range === undefined)
  if (range !== undefined) {
    headers['content-range'] = `bytes ${range.start}-${range.end}/${object.size}`
  }
  headers['content-length'] = String(range === undefined ? object.size : range.end - range.start + 1)
  const status = range === undefined ? 200 : 206
  if (head) return { status, headers }
  return { status, headers, body: await deps.store.open(object.bucket, object.key, range) }
}

function checksumReply(checksum: StoredChecksum | undefined): Record<string, string> {
  return checksum === undefined
    ? {}
    : { [checksumHeader(checksum.algorithm)]: checksum.value, 'x-amz-checksum-type': checksum.type }
}

export async function putObject(deps: S3Deps, call: S3Call): Promise<S3Reply> {
  const bucket = bucketOf(call)
  await requireBucket(deps, bucket)
  const key = keyOf(call)
  const { req } = call
  const headers = storedHeaders(req)
  const body = uploadBody(req, call.payload, MAX_OBJECT_BYTES)
  const stored = await deps.store.write(bucket, key, body.source, {
    verify: async (written) => {
      body.verify(written)
      await checkWriteConditions(deps, call, bucket, key)
    },
    headers: () => {
      const checksum = body.checksum()
      return { ...headers, ...(checksum === undefined ? {} : { checksum }) }
    },
  })
  deps.log(`[s3] PutObject s3://${bucket}/${key} (${stored.size} bytes)`)
  return { status: 200, headers: { etag: `"${stored.meta.etag}"`, ...checksumReply(stored.meta.checksum) } }
}

/** Conditional writes: `If-None-Match: *` (only when absent) and `If-Match: <etag>`. */
async function checkWriteConditions(deps: S3Deps, call: S3Call, bucket: string, key: string): Promise<void> {
  const ifNoneMatch = header(call.req, 'if-none-match')
  const ifMatch = header(call.req, 'if-match')
  if (ifNoneMatch === undefined && ifMatch === undefined) return
  const current = await deps.store.describe(bucket, key)
  if (ifNoneMatch !== undefined && current !== undefined) throw s3Errors.preconditionFailed('If-None-Match')
  if (
    ifMatch !== undefined &&
    (current === undefined || ifMatch.replace(/"/g, '').trim() !== current.meta.etag)
  ) {
    if (current === undefined) throw s3Errors.noSuchKey(key)
    throw s3Errors.preconditionFailed('If-Match')
  }
}

function copySource(call: S3Call): { bucket: string; key: string } {
  const raw = header(call.req, 'x-amz-copy-source') ?? ''
  const [pathPart, query] = raw.split('?')
  if (query !== undefined && !/^versionId=null$/.test(query)) {
    throw s3Errors.invalidArgument('Invalid version id specified', 'x-amz-copy-source', raw)
  }
  let decoded: string
  try {
    decoded = decodeURIComponent((pathPart ?? '').replace(/^\//, ''))
  } catch {
    throw s3Errors.invalidArgument('Invalid copy source encoding', 'x-amz-copy-source', raw)
  }
  const slash = decoded.indexOf('/')
  if (slash <= 0 || slash === decoded.length - 1) {
    throw s3Errors.invalidArgument(
      'Copy Source must mention the source bucket and key: sourcebucket/sourcekey',
      'x-amz-copy-source',
      raw,
    )
  }
  return { bucket: decoded.slice(0, slash), key: decoded.slice(slash + 1) }
}

export async function copyObject(deps: S3Deps, call: S3Call): Promise<S3Reply> {
  const bucket = bucketOf(call)
  await requireBucket(deps, bucket)
  const key = keyOf(call)
  const { req } = call
  const from = copySource(call)
  await requireBucket(deps, from.bucket)
  const source =
    keyProblem(from.key) === undefined ? await deps.store.describe(from.bucket, from.key) : undefined
  if (source === undefined) throw s3Errors.noSuchKey(from.key)
  checkConditions(source, req, 'x-amz-copy-source-')
  const directive = (header(req, 'x-amz-metadata-directive') ?? 'COPY').toUpperCase()
  if (directive !== 'COPY' && directive !== 'REPLACE') {
    throw s3Errors.invalidArgument('Unknown metadata directive.', 'x-amz-metadata-directive', directive)
  }
  const algorithmName = header(req, 'x-amz-checksum-algorithm')
  const algorithm = algorithmName === undefined ? undefined : parseAlgorithm(algorithmName)
  if (algorithmName !== undefined && algorithm === undefined) {
    throw s3Errors.invalidRequest(`Checksum algorithm ${algorithmName} is not supported.`)
  }
  if (from.bucket === bucket && from.key === key && directive === 'COPY' && algorithm === undefined) {
    throw s3Errors.invalidRequest(
      "This copy request is illegal because it is trying to copy an object to itself without changing the object's metadata, storage class, website redirect location or encryption attributes.",
    )
  }
  const { checksum: sourceChecksum, etag: _e, parts: _p, ...sourceHeaders } = source.meta
  const headers = directive === 'COPY' ? sourceHeaders : storedHeaders(req)
  const h = algorithm === undefined ? undefined : hasher(algorithm)
  const tap = new Transform({
    transform(chunk: Buffer, _enc, done) {
      h?.update(chunk)
      done(null, chunk)
    },
  })
  const read = await deps.store.open(source.bucket, source.key)
  read.on('error', (e) => tap.destroy(e))
  tap.on('error', () => undefined)
  const body = read.pipe(tap)
  let checksum: StoredChecksum | undefined =
    sourceChecksum?.type === 'FULL_OBJECT' ? sourceChecksum : undefined
  const copied = await deps.store.write(bucket, key, body, {
    verify: () => {
      if (h !== undefined && algorithm !== undefined) {
        checksum = { algorithm, value: h.digest().toString('base64'), type: 'FULL_OBJECT' }
      }
    },
    headers: () => ({ ...headers, ...(checksum === undefined ? {} : { checksum }) }),
  })
  deps.log(`[s3] CopyObject s3://${from.bucket}/${from.key} -> s3://${bucket}/${key}`)
  const result: Record<string, XmlValue> = {
    ETag: `"${copied.meta.etag}"`,
    LastModified: copied.lastModified,
  }
  if (checksum !== undefined) {
    result.ChecksumType = checksum.type
    result[`Checksum${checksum.algorithm}`] = checksum.value
  }
  return xmlReply('CopyObjectResult', result)
}

export async function deleteObject(deps: S3Deps, call: S3Call): Promise<S3Reply> {
  const bucket = bucketOf(call)
  await requireBucket(deps, bucket)
  const key = call.target.key as string
  // Deleting what is not there succeeds, as on S3 (a key the store cannot hold is never there).
  if (keyProblem(key) === undefined) await deps.store.delete(bucket, key)
  return { status: 204, headers: {} }
}

const MAX_DELETE_KEYS = 1000

export async function deleteObjects(deps: S3Deps, call: S3Call): Promise<S3Reply> {
  const bucket = bucketOf(call)
  await requireBucket(deps, bucket)
  const hasDigest =
    header(call.req, 'content-md5') !== undefined ||
    Object.keys(call.req.headers).some(
      (h) => h.startsWith('x-amz-checksum-') && h !== 'x-amz-checksum-type',
    ) ||
    header(call.req, 'x-amz-trailer') !== undefined
  if (!hasDigest) {
    throw s3Errors.invalidRequest(
      'Missing required header for this request: Content-MD5 (or an x-amz-checksum-* header)',
    )
  }
  const doc = parseXmlRequest(await readSmallBody(call), 'Delete')
  const objects = children(doc, 'Object')
  if (objects.length === 0 || objects.length > MAX_DELETE_KEYS) throw s3Errors.malformedXml()
  const quiet = text(doc, 'Quiet')?.trim() === 'true'
  const deleted: XmlValue[] = []
  const errors: XmlValue[] = []
  for (const o of objects) {
    const key = text(o, 'Key')
    if (key === undefined) throw s3Errors.malformedXml()
    try {
      if (keyProblem(key) === undefined) await deps.store.delete(bucket, key)
      if (!quiet) deleted.push({ Key: key })
    } catch (error) {
      const e = error instanceof S3Error ? error : s3Errors.internal()
      errors.push({ Key: key, Code: e.code, Message: e.message })
    }
  }
  deps.log(`[s3] DeleteObjects s3://${bucket} (${objects.length} keys)`)
  return xmlReply('DeleteResult', [new XmlList('Deleted', deleted), new XmlList('Error', errors)])
}
