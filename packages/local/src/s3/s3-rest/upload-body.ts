/**
 * The body of an upload (PutObject, UploadPart) as it streams to disk: aws-chunked decoding, the size
 * limit, and every check S3 makes once the last byte is in (declared length, `Content-MD5`,
 * `x-amz-content-sha256`, `x-amz-checksum-*` in a header or a trailer). Nothing is buffered.
 */
import type { IncomingMessage } from 'node:http'
import { type Readable, Transform } from 'node:stream'
import type { ChecksumAlgorithm, StoredChecksum } from '../object-meta.js'
import { AwsChunkedDecoder } from './aws-chunked.js'
import { CHECKSUM_ALGORITHMS, checksumHeader, type Hasher, hasher, parseAlgorithm } from './checksums.js'
import type { PayloadMode } from './s3-auth.js'
import { S3Error, s3Errors } from './s3-error.js'

/** A body being received, and the checks to run once it is on disk. */
export interface UploadBody {
  /** The decoded bytes. */
  readonly source: Readable
  /** Throws S3's error when a declared length, digest or checksum does not match what arrived. */
  verify(written: { readonly size: number; readonly md5: Buffer }): void
  /** The object's checksum, once verified (when the client sent or asked for one). */
  checksum(): StoredChecksum | undefined
}

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name]
  return Array.isArray(v) ? v[0] : v
}

/** The checksum algorithm a request uses: a value header, a declared trailer, or a request to compute one. */
function requestedAlgorithm(req: IncomingMessage): ChecksumAlgorithm | undefined {
  const withValue = CHECKSUM_ALGORITHMS.filter((a) => header(req, checksumHeader(a)) !== undefined)
  if (withValue.length > 1) {
    throw s3Errors.invalidRequest(
      'Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed.',
    )
  }
  if (withValue[0] !== undefined) return withValue[0]
  const trailer = header(req, 'x-amz-trailer')
  if (trailer !== undefined) {
    const m = /^x-amz-checksum-([a-z0-9]+)$/i.exec(trailer.trim())
    const algorithm = m?.[1] === undefined ? undefined : parseAlgorithm(m[1])
    if (algorithm === undefined) {
      throw s3Errors.invalidRequest(
        `The value specified in the x-amz-trailer header is not supported: ${trailer}`,
      )
    }
    return algorithm
  }
  const named = header(req, 'x-amz-sdk-checksum-algorithm') ?? header(req, 'x-amz-checksum-algorithm')
  if (named === undefined) return undefined
  const algorithm = parseAlgorithm(named)
  if (algorithm === undefined) {
    throw s3Errors.invalidRequest(
      `Checksum algorithm ${named} is not supported. Use CRC32, CRC32C, CRC64NVME, SHA1 or SHA256.`,
    )
  }
  return algorithm
}

/**
 * Prepares the body of an upload request for streaming, at most `maxBytes` decoded bytes.
 *
 * @example
 * const body = uploadBody(req, payload, 5 * 2 ** 30)
 * await store.write(bucket, key, body.source, { verify: (w) => body.verify(w) })
 */
export function uploadBody(req: IncomingMessage, payload: PayloadMode, maxBytes: number): UploadBody {
  const algorithm = requestedAlgorithm(req)
  const contentMd5 = header(req, 'content-md5')
  let expectedMd5: Buffer | undefined
  if (contentMd5 !== undefined) {
    expectedMd5 = Buffer.from(contentMd5, 'base64')
    if (expectedMd5.length !== 16 || expectedMd5.toString('base64') !== contentMd5.trim()) {
      throw s3Errors.invalidDigest()
    }
  }
  let declaredLength: number | undefined
  let decoder: AwsChunkedDecoder | undefined
  let raw: Readable = req
  if (payload.kind === 'chunked') {
    const decoded = header(req, 'x-amz-decoded-content-length')
    if (decoded === undefined || !/^\d+$/.test(decoded)) {
      throw s3Errors.invalidRequest('aws-chunked uploads need an x-amz-decoded-content-length header.')
    }
    declaredLength = Number(decoded)
    decoder = new AwsChunkedDecoder({
      trailer: payload.trailer,
      ...(payload.signing ? { signing: payload.signing } : {}),
    })
    raw = req.pipe(decoder)
  } else {
    const length = header(req, 'content-length')
    if (length !== undefined) declaredLength = Number(length)
    else if (header(req, 'transfer-encoding') !== undefined) {
      throw new S3Error('MissingContentLength', 'You must provide the Content-Length HTTP header.', 411)
    }
  }
  if (declaredLength !== undefined && declaredLength > maxBytes) throw s3Errors.entityTooLarge(maxBytes)

  const hashers: { algorithm: ChecksumAlgorithm; hasher: Hasher } | undefined =
    algorithm === undefined ? undefined : { algorithm, hasher: hasher(algorithm) }
  const sha256 = payload.kind === 'sha256' ? hasher('SHA256') : undefined
  let seen = 0
  const tap = new Transform({
    transform(chunk: Buffer, _enc, done) {
      seen += chunk.length
      if (seen > maxBytes) {
        done(s3Errors.entityTooLarge(maxBytes))
        return
      }
      hashers?.hasher.update(chunk)
      sha256?.update(chunk)
      done(null, chunk)
    },
  })
  // The consumer's pipeline attaches only after some awaits: until then a failure (a bad chunk signature)
  // is recorded on `tap` (its consumer rejects with it), never thrown as an unhandled 'error' event. The
  // request itself is not destroyed, so the error can still be answered.
  const fail = (e: Error) => tap.destroy(e)
  req.on('error', fail)
  raw.on('error', fail)
  tap.on('error', () => undefined)
  const source = raw.pipe(tap)
  let computed: StoredChecksum | undefined

  return {
    source,
    verify(written) {
      if (declaredLength !== undefined && written.size !== declaredLength) throw s3Errors.incompleteBody()
      if (expectedMd5 !== undefined && !expectedMd5.equals(written.md5)) throw s3Errors.badDigest()
      if (sha256 !== undefined && payload.kind === 'sha256') {
        const hex = sha256.digest().toString('hex')
        if (hex !== payload.hex) throw s3Errors.sha256Mismatch(payload.hex, hex)
      }
      if (hashers !== undefined) {
        const value = hashers.hasher.digest().toString('base64')
        const name = checksumHeader(hashers.algorithm)
        const given = header(req, name) ?? decoder?.trailers.get(name)
        if (given === undefined && decoder !== undefined && header(req, 'x-amz-trailer') !== undefined) {
          throw s3Errors.invalidRequest(`The trailer ${name} declared in x-amz-trailer was not sent.`)
        }
        if (given !== undefined && given.trim() !== value) throw s3Errors.checksumMismatch(hashers.algorithm)
        computed = { algorithm: hashers.algorithm, value, type: 'FULL_OBJECT' }
      }
    },
    checksum: () => computed,
  }
}
