/** CreateMultipartUpload, UploadPart, CompleteMultipartUpload, AbortMultipartUpload, ListParts, ListMultipartUploads. */
import { checksumHeader, parseAlgorithm } from './checksums.js'
import { MAX_PARTS, type RequestedPart } from './multipart-store.js'
import { storedHeaders } from './object-headers.js'
import {
  bucketOf,
  header,
  keyOf,
  MAX_OBJECT_BYTES,
  ownerOf,
  readSmallBody,
  requireBucket,
  type S3Call,
  type S3Deps,
  type S3Reply,
  xmlReply,
} from './s3-context.js'
import { s3Errors } from './s3-error.js'
import { children, parseXmlRequest, text, XmlList, type XmlValue } from './s3-xml.js'
import { uploadBody } from './upload-body.js'

function uploadIdOf(call: S3Call): string {
  return call.target.query.get('uploadId') ?? ''
}

export async function createMultipartUpload(deps: S3Deps, call: S3Call): Promise<S3Reply> {
  const bucket = bucketOf(call)
  await requireBucket(deps, bucket)
  const key = keyOf(call)
  const name = header(call.req, 'x-amz-checksum-algorithm')
  const algorithm = name === undefined ? undefined : parseAlgorithm(name)
  if (name !== undefined && algorithm === undefined) {
    throw s3Errors.invalidRequest(
      `Checksum algorithm ${name} is not supported. Use CRC32, CRC32C, CRC64NVME, SHA1 or SHA256.`,
    )
  }
  const typeName = header(call.req, 'x-amz-checksum-type')?.toUpperCase()
  if (typeName !== undefined && typeName !== 'FULL_OBJECT' && typeName !== 'COMPOSITE') {
    throw s3Errors.invalidRequest('Value for x-amz-checksum-type header is invalid.')
  }
  if (typeName === 'FULL_OBJECT' && (algorithm === 'SHA1' || algorithm === 'SHA256')) {
    throw s3Errors.invalidRequest(
      `The FULL_OBJECT checksum type cannot be used with the ${algorithm} checksum algorithm.`,
    )
  }
  if (typeName === 'COMPOSITE' && algorithm === 'CRC64NVME') {
    throw s3Errors.invalidRequest(
      'The COMPOSITE checksum type cannot be used with the CRC64NVME checksum algorithm.',
    )
  }
  const type =
    typeName ??
    (algorithm === 'CRC64NVME' ? 'FULL_OBJECT' : algorithm === undefined ? undefined : 'COMPOSITE')
  const upload = await deps.uploads.create(bucket, key, storedHeaders(call.req), {
    ...(algorithm === undefined ? {} : { algorithm }),
    ...(type === undefined ? {} : { type: type as 'FULL_OBJECT' | 'COMPOSITE' }),
  })
  const reply = xmlReply('InitiateMultipartUploadResult', {
    Bucket: bucket,
    Key: key,
    UploadId: upload.uploadId,
  })
  return {
    ...reply,
    headers: {
      ...reply.headers,
      ...(algorithm === undefined ? {} : { 'x-amz-checksum-algorithm': algorithm }),
      ...(type === undefined ? {} : { 'x-amz-checksum-type': type }),
    },
  }
}

export async function uploadPart(deps: S3Deps, call: S3Call): Promise<S3Reply> {
  const bucket = bucketOf(call)
  await requireBucket(deps, bucket)
  const upload = await deps.uploads.get(uploadIdOf(call), bucket, keyOf(call))
  const partText = call.target.query.get('partNumber') ?? ''
  const partNumber = Number(partText)
  if (!/^\d+$/.test(partText) || partNumber < 1 || partNumber > MAX_PARTS) {
    throw s3Errors.invalidArgument(
      'Part number must be an integer between 1 and 10000, inclusive',
      'partNumber',
      partText,
    )
  }
  const body = uploadBody(call.req, call.payload, MAX_OBJECT_BYTES)
  const part = await deps.uploads.putPart(upload, partNumber, body.source, (written) => {
    body.verify(written)
    const checksum = body.checksum()
    if (
      upload.checksumAlgorithm !== undefined &&
      checksum !== undefined &&
      checksum.algorithm !== upload.checksumAlgorithm
    ) {
      throw s3Errors.invalidRequest(
        `Checksum Type mismatch occurred, expected checksum Type: ${upload.checksumAlgorithm.toLowerCase()}, actual checksum Type: ${checksum.algorithm.toLowerCase()}`,
      )
    }
    if (upload.checksumAlgorithm !== undefined && checksum === undefined) {
      throw s3Errors.invalidRequest(
        `The upload was created using a ${upload.checksumAlgorithm.toLowerCase()} checksum. The part must carry x-amz-checksum-${upload.checksumAlgorithm.toLowerCase()}.`,
      )
    }
    return checksum
  })
  return {
    status: 200,
    headers: {
      etag: `"${part.etag}"`,
      ...(part.checksum === undefined || upload.checksumAlgorithm === undefined
        ? {}
        : { [checksumHeader(upload.checksumAlgorithm)]: part.checksum }),
    },
  }
}

export async function completeMultipartUpload(deps: S3Deps, call: S3Call): Promise<S3Reply> {
  const bucket = bucketOf(call)
  await requireBucket(deps, bucket)
  const key = keyOf(call)
  const upload = await deps.uploads.get(uploadIdOf(call), bucket, key)
  const doc = parseXmlRequest(await readSmallBody(call), 'CompleteMultipartUpload')
  const field = upload.checksumAlgorithm === undefined ? undefined : `Checksum${upload.checksumAlgorithm}`
  const requested: RequestedPart[] = children(doc, 'Part').map((p) => {
    const n = Number(text(p, 'PartNumber')?.trim())
    const etag = text(p, 'ETag')
    if (!Number.isInteger(n) || etag === undefined) throw s3Errors.malformedXml()
    const checksum = field === undefined ? undefined : text(p, field)?.trim()
    return { partNumber: n, etag, ...(checksum === undefined ? {} : { checksum }) }
  })
  if (requested.length > MAX_PARTS) throw s3Errors.malformedXml()
  const fullChecksum =
    upload.checksumAlgorithm === undefined
      ? undefined
      : header(call.req, checksumHeader(upload.checksumAlgorithm))
  const object = await deps.uploads.complete(upload, requested, fullChecksum)
  deps.log(
    `[s3] CompleteMultipartUpload s3://${bucket}/${key} (${requested.length} parts, ${object.size} bytes)`,
  )
  const result: Record<string, XmlValue> = {
    Location: `/${bucket}/${key}`,
    Bucket: bucket,
    Key: key,
    ETag: `"${object.meta.etag}"`,
  }
  const checksum = object.meta.checksum
  if (checksum !== undefined) {
    result[`Checksum${checksum.algorithm}`] = checksum.value
    result.ChecksumType = checksum.type
  }
  return xmlReply('CompleteMultipartUploadResult', result)
}

export async function abortMultipartUpload(deps: S3Deps, call: S3Call): Promise<S3Reply> {
  const bucket = bucketOf(call)
  await requireBucket(deps, bucket)
  const upload = await deps.uploads.get(uploadIdOf(call), bucket, keyOf(call))
  await deps.uploads.abort(upload)
  return { status: 204, headers: {} }
}

function pageSize(text: string | null, name: string): number {
  if (text === null) return 1000
  if (!/^\d+$/.test(text))
    throw s3Errors.invalidArgument(`Provided ${name} not an integer or within integer range`, name, text)
  return Math.min(Number(text), 1000)
}

export async function listParts(deps: S3Deps, call: S3Call): Promise<S3Reply> {
  const bucket = bucketOf(call)
  await requireBucket(deps, bucket)
  const key = keyOf(call)
  const upload = await deps.uploads.get(uploadIdOf(call), bucket, key)
  const q = call.target.query
  const max = pageSize(q.get('max-parts'), 'max-parts')
  const marker = Number(q.get('part-number-marker') ?? '0') || 0
  const all = (await deps.uploads.parts(upload)).filter((p) => p.partNumber > marker)
  const page = all.slice(0, max)
  const truncated = all.length > page.length
  const field = upload.checksumAlgorithm === undefined ? undefined : `Checksum${upload.checksumAlgorithm}`
  return xmlReply('ListPartsResult', [
    {
      Bucket: bucket,
      Key: key,
      UploadId: upload.uploadId,
      PartNumberMarker: marker,
      ...(truncated ? { NextPartNumberMarker: page[page.length - 1]?.partNumber } : {}),
      MaxParts: max,
      IsTruncated: truncated,
      Initiator: ownerOf(deps),
      Owner: ownerOf(deps),
      StorageClass: 'STANDARD',
      ...(upload.checksumAlgorithm === undefined ? {} : { ChecksumAlgorithm: upload.checksumAlgorithm }),
      ...(upload.checksumType === undefined ? {} : { ChecksumType: upload.checksumType }),
    },
    new XmlList(
      'Part',
      page.map((p) => ({
        PartNumber: p.partNumber,
        LastModified: new Date(p.lastModified),
        ETag: `"${p.etag}"`,
        Size: p.size,
        ...(field === undefined || p.checksum === undefined ? {} : { [field]: p.checksum }),
      })),
    ),
  ])
}

export async function listMultipartUploads(deps: S3Deps, call: S3Call): Promise<S3Reply> {
  const bucket = bucketOf(call)
  await requireBucket(deps, bucket)
  const q = call.target.query
  const prefix = q.get('prefix') ?? ''
  const max = pageSize(q.get('max-uploads'), 'max-uploads')
  const all = (await deps.uploads.list(bucket)).filter((u) => u.key.startsWith(prefix))
  const page = all.slice(0, max)
  return xmlReply('ListMultipartUploadsResult', [
    { Bucket: bucket, Prefix: prefix, MaxUploads: max, IsTruncated: all.length > page.length },
    new XmlList(
      'Upload',
      page.map((u) => ({
        Key: u.key,
        UploadId: u.uploadId,
        Initiator: ownerOf(deps),
        Owner: ownerOf(deps),
        StorageClass: 'STANDARD',
        Initiated: new Date(u.initiated),
        ...(u.checksumAlgorithm === undefined ? {} : { ChecksumAlgorithm: u.checksumAlgorithm }),
      })),
    ),
  ])
}
