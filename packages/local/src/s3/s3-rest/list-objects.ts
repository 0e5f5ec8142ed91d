/** ListObjectsV2 and ListObjects: prefix, delimiter (common prefixes), paging, `encoding-type=url`. */
import { ownerOf, requireBucket, type S3Call, type S3Deps, type S3Reply, xmlReply } from './s3-context.js'
import { s3Errors } from './s3-error.js'
import { XmlList, type XmlValue } from './s3-xml.js'

const MAX_KEYS = 1000

/** Keys order as S3 lists them: by the bytes of their UTF-8. */
function compareKeys(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b))
}

function encodeToken(key: string): string {
  return Buffer.from(JSON.stringify({ k: key })).toString('base64url')
}

function decodeToken(token: string): string {
  try {
    const v = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { k?: unknown }
    if (typeof v.k === 'string') return v.k
  } catch {
    // Falls through to the error.
  }
  throw s3Errors.invalidArgument('The continuation token provided is incorrect', 'continuation-token', token)
}

function parseMaxKeys(text: string | null): number {
  if (text === null) return MAX_KEYS
  if (!/^\d+$/.test(text)) {
    throw s3Errors.invalidArgument(
      'Provided max-keys not an integer or within integer range',
      'max-keys',
      text,
    )
  }
  return Math.min(Number(text), MAX_KEYS)
}

/** Lists a bucket, V2 (`list-type=2`) or V1 (`marker`). */
export async function listObjects(deps: S3Deps, call: S3Call, v2: boolean): Promise<S3Reply> {
  const bucket = call.target.bucket as string
  await requireBucket(deps, bucket)
  const q = call.target.query
  const prefix = q.get('prefix') ?? ''
  const delimiter = q.get('delimiter') ?? ''
  const maxKeys = parseMaxKeys(q.get('max-keys'))
  const encodingType = q.get('encoding-type')
  if (encodingType !== null && encodingType !== 'url') {
    throw s3Errors.invalidArgument(
      'Invalid Encoding Method specified in Request',
      'encoding-type',
      encodingType,
    )
  }
  const enc = (s: string) => (encodingType === 'url' ? encodeURIComponent(s).replace(/%2F/g, '/') : s)
  const token = v2 ? q.get('continuation-token') : null
  const startAfter = v2 ? q.get('start-after') : null
  const marker = v2 ? null : q.get('marker')
  const after = token !== null ? decodeToken(token) : (startAfter ?? marker ?? undefined)

  const contents: XmlValue[] = []
  const prefixes: XmlValue[] = []
  let last: string | undefined
  let truncated = false
  let lastPrefix: string | undefined
  const owner = v2 && q.get('fetch-owner') !== 'true' ? undefined : ownerOf(deps)
  for (const object of await deps.store.list(bucket, prefix)) {
    if (after !== undefined && compareKeys(object.key, after) <= 0) continue
    const cut = delimiter === '' ? -1 : object.key.indexOf(delimiter, prefix.length)
    const common = cut < 0 ? undefined : object.key.slice(0, cut + delimiter.length)
    if (common !== undefined) {
      if (common === lastPrefix || (after !== undefined && compareKeys(common, after) <= 0)) continue
    }
    if (contents.length + prefixes.length >= maxKeys) {
      truncated = true
      break
    }
    if (common !== undefined) {
      lastPrefix = common
      prefixes.push({ Prefix: enc(common) })
      last = common
      continue
    }
    const described = await deps.store.describe(bucket, object.key)
    if (described === undefined) continue
    const checksum = described.meta.checksum
    contents.push({
      Key: enc(object.key),
      LastModified: described.lastModified,
      ETag: `"${described.meta.etag}"`,
      ...(checksum === undefined
        ? {}
        : { ChecksumAlgorithm: checksum.algorithm, ChecksumType: checksum.type }),
      Size: described.size,
      ...(owner === undefined ? {} : { Owner: owner }),
      StorageClass: 'STANDARD',
    })
    last = object.key
  }
  const head: Record<string, XmlValue> = v2
    ? {
        Name: bucket,
        Prefix: enc(prefix),
        ...(delimiter === '' ? {} : { Delimiter: enc(delimiter) }),
        MaxKeys: maxKeys,
        ...(encodingType === null ? {} : { EncodingType: encodingType }),
        KeyCount: contents.length + prefixes.length,
        IsTruncated: truncated,
        ...(token === null ? {} : { ContinuationToken: token }),
        ...(truncated && last !== undefined ? { NextContinuationToken: encodeToken(last) } : {}),
        ...(startAfter === null ? {} : { StartAfter: enc(startAfter) }),
      }
    : {
        Name: bucket,
        Prefix: enc(prefix),
        Marker: enc(marker ?? ''),
        ...(truncated && delimiter !== '' && last !== undefined ? { NextMarker: enc(last) } : {}),
        MaxKeys: maxKeys,
        ...(delimiter === '' ? {} : { Delimiter: enc(delimiter) }),
        ...(encodingType === null ? {} : { EncodingType: encodingType }),
        IsTruncated: truncated,
      }
  return xmlReply('ListBucketResult', [
    head,
    new XmlList('Contents', contents),
    new XmlList('CommonPrefixes', prefixes),
  ])
}
