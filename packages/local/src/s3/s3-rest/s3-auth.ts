/**
 * SigV4 as S3 has it: the path signed as sent (encoded once), the payload hash taken from
 * `x-amz-content-sha256` (a hex digest checked once the body has arrived, `UNSIGNED-PAYLOAD`, or one of
 * the `STREAMING-*` aws-chunked modes), and presigned URLs (query-string authentication).
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto'
import type { IncomingMessage } from 'node:http'
import {
  canonicalRequest,
  parseAuthorization,
  type SigV4Authorization,
  signingKey,
  verifySignature,
} from '../../aws/sigv4.js'
import { S3Error, s3Errors } from './s3-error.js'

/** Finds the secret of an access key (and checks its session token), or throws. */
export type KeyResolver = (
  accessKeyId: string,
  sessionToken: string | undefined,
  now: Date,
) => { readonly secretAccessKey: string }

/** How the body of an authenticated request is to be read and checked. */
export type PayloadMode =
  | { readonly kind: 'sha256'; readonly hex: string }
  | { readonly kind: 'unsigned' }
  | {
      readonly kind: 'chunked'
      /** Chunks carry signatures chained from the seed signature (STREAMING-AWS4-HMAC-SHA256-PAYLOAD*). */
      readonly signing?: ChunkSigning
      /** Trailing headers (checksums) follow the last chunk. */
      readonly trailer: boolean
    }

/** What chunk signatures are computed from. */
export interface ChunkSigning {
  readonly key: Buffer
  readonly amzDate: string
  readonly scope: string
  readonly seedSignature: string
}

const MAX_PRESIGN_SECONDS = 7 * 24 * 3600
const MAX_SKEW_MS = 15 * 60 * 1000

const SUPPORTED_STREAMING = new Set([
  'STREAMING-AWS4-HMAC-SHA256-PAYLOAD',
  'STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER',
  'STREAMING-UNSIGNED-PAYLOAD-TRAILER',
])

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name]
  return Array.isArray(v) ? v[0] : v
}

/** The service a request is signed for (header or presigned URL), or undefined when it is not signed. */
export function signedService(req: IncomingMessage): string | undefined {
  const auth = header(req, 'authorization')
  if (auth !== undefined) {
    const parsed = parseAuthorization(auth)
    return 'service' in parsed ? parsed.service : undefined
  }
  const q = new URLSearchParams((req.url ?? '').split('?')[1] ?? '')
  return q.get('X-Amz-Credential')?.split('/')[3]
}

function signatureError(message: string): S3Error {
  return s3Errors.signatureDoesNotMatch(message)
}

/**
 * Checks the request's signature and says how its body must be checked. Throws S3's errors:
 * AccessDenied when unsigned, InvalidAccessKeyId, SignatureDoesNotMatch, AuthorizationHeaderMalformed...
 */
export function authenticateS3(
  req: IncomingMessage,
  region: string,
  resolveKey: KeyResolver,
  now: Date,
): PayloadMode {
  const authHeader = header(req, 'authorization')
  const url = req.url ?? '/'
  if (authHeader === undefined) {
    const query = new URLSearchParams(url.split('?')[1] ?? '')
    if (query.has('X-Amz-Signature')) return presigned(req, region, resolveKey, now)
    if (query.has('Signature') && query.has('AWSAccessKeyId')) {
      throw s3Errors.invalidRequest(
        'Signature Version 2 presigned URLs are not supported by redshift-local; presign with Signature Version 4 (AWS CLI: set s3.signature_version = s3v4 in its config).',
      )
    }
    throw s3Errors.accessDenied('Anonymous access is not allowed: sign requests with a local access key.')
  }
  if (authHeader.startsWith('AWS ')) {
    throw s3Errors.invalidRequest(
      'Signature Version 2 is not supported by redshift-local; sign with AWS4-HMAC-SHA256 (Signature Version 4).',
    )
  }
  const auth = parseAuthorization(authHeader)
  if (!('service' in auth)) {
    throw new S3Error('AuthorizationHeaderMalformed', auth.message, 400)
  }
  checkScope(auth, region)
  const key = resolve(resolveKey, auth.accessKeyId, header(req, 'x-amz-security-token'), now)
  const declared = header(req, 'x-amz-content-sha256')
  if (declared === undefined) {
    throw s3Errors.invalidRequest('Missing required header for this request: x-amz-content-sha256')
  }
  if (
    !/^[0-9a-f]{64}$/.test(declared) &&
    declared !== 'UNSIGNED-PAYLOAD' &&
    !SUPPORTED_STREAMING.has(declared)
  ) {
    throw s3Errors.invalidArgument(
      declared.startsWith('STREAMING-AWS4-ECDSA')
        ? 'Signature Version 4A (ECDSA) is not supported by redshift-local; sign with AWS4-HMAC-SHA256.'
        : 'x-amz-content-sha256 must be UNSIGNED-PAYLOAD, STREAMING-UNSIGNED-PAYLOAD-TRAILER, STREAMING-AWS4-HMAC-SHA256-PAYLOAD[-TRAILER], or a valid sha256 value.',
      'x-amz-content-sha256',
      declared,
    )
  }
  const failure = verifySignature(
    {
      method: req.method ?? 'GET',
      url,
      headers: req.headers,
      body: Buffer.alloc(0),
      payloadHash: declared,
      s3Path: true,
    },
    auth,
    key.secretAccessKey,
    now,
  )
  if (failure !== undefined) {
    if (failure.kind === 'incomplete') throw new S3Error('AuthorizationHeaderMalformed', failure.message, 400)
    if (failure.kind === 'expired') throw new S3Error('RequestTimeTooSkewed', failure.message, 403)
    throw signatureError(failure.message)
  }
  if (/^[0-9a-f]{64}$/.test(declared)) return { kind: 'sha256', hex: declared }
  if (declared === 'UNSIGNED-PAYLOAD') return { kind: 'unsigned' }
  const trailer = declared.endsWith('-TRAILER')
  if (declared.startsWith('STREAMING-UNSIGNED')) return { kind: 'chunked', trailer }
  const amzDate = header(req, 'x-amz-date') ?? ''
  return {
    kind: 'chunked',
    trailer,
    signing: {
      key: signingKey(key.secretAccessKey, auth.date, auth.region, auth.service),
      amzDate,
      scope: `${auth.date}/${auth.region}/${auth.service}/aws4_request`,
      seedSignature: auth.signature,
    },
  }
}

function checkScope(auth: SigV4Authorization, region: string): void {
  if (auth.service !== 's3') {
    throw new S3Error(
      'AuthorizationHeaderMalformed',
      `The authorization header is malformed; incorrect service "${auth.service}". This endpoint is "s3".`,
      400,
    )
  }
  if (auth.region !== region) {
    throw new S3Error(
      'AuthorizationHeaderMalformed',
      `The authorization header is malformed; the region '${auth.region}' is wrong; expecting '${region}'`,
      400,
      { Region: region },
    )
  }
}

function resolve(
  resolveKey: KeyResolver,
  accessKeyId: string,
  token: string | undefined,
  now: Date,
): { readonly secretAccessKey: string } {
  try {
    return resolveKey(accessKeyId, token, now)
  } catch (error) {
    const code = (error as { code?: string }).code
    if (code === 'ExpiredToken') throw new S3Error('ExpiredToken', 'The provided token has expired.', 400)
    if (token !== undefined) {
      throw new S3Error('InvalidToken', 'The provided token is malformed or otherwise invalid.', 400)
    }
    throw new S3Error(
      'InvalidAccessKeyId',
      'The AWS Access Key Id you provided does not exist in our records.',
      403,
      { AWSAccessKeyId: accessKeyId },
    )
  }
}

/** Query-string authentication (presigned URLs): the payload is never signed. */
function presigned(req: IncomingMessage, region: string, resolveKey: KeyResolver, now: Date): PayloadMode {
  const url = req.url ?? '/'
  const q = url.indexOf('?')
  const path = url.slice(0, q)
  const rawPairs = url.slice(q + 1).split('&')
  const params = new URLSearchParams(url.slice(q + 1))
  const malformed = (message: string) => new S3Error('AuthorizationQueryParametersError', message, 400)
  if (params.get('X-Amz-Algorithm') !== 'AWS4-HMAC-SHA256') {
    throw malformed('X-Amz-Algorithm only supports "AWS4-HMAC-SHA256"')
  }
  const credential = params.get('X-Amz-Credential') ?? ''
  const amzDate = params.get('X-Amz-Date') ?? ''
  const expires = Number(params.get('X-Amz-Expires'))
  const signedHeaders = (params.get('X-Amz-SignedHeaders') ?? '').split(';').filter((h) => h !== '')
  const signature = (params.get('X-Amz-Signature') ?? '').toLowerCase()
  const scope = credential.split('/')
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(amzDate)
  if (scope.length !== 5 || scope[4] !== 'aws4_request' || m === null) {
    throw malformed(
      'Query-string authentication requires the X-Amz-Credential (<key>/<date>/<region>/s3/aws4_request) and X-Amz-Date (YYYYMMDDTHHMMSSZ) parameters.',
    )
  }
  if (!Number.isInteger(expires) || expires < 1 || expires > MAX_PRESIGN_SECONDS) {
    throw malformed('X-Amz-Expires must be a number of seconds from 1 to 604800 (7 days).')
  }
  const [accessKeyId, date, credRegion, service] = scope as [string, string, string, string]
  checkScope({ accessKeyId, date, region: credRegion, service, signedHeaders, signature }, region)
  const [, y, mo, d, h, mi, s] = m
  const signedAt = new Date(`${y}-${mo}-${d}T${h}:${mi}:${s}Z`).getTime()
  if (now.getTime() > signedAt + expires * 1000) throw s3Errors.accessDenied('Request has expired')
  if (signedAt - now.getTime() > MAX_SKEW_MS) throw s3Errors.accessDenied('Request is not valid yet')
  if (!signedHeaders.includes('host')) throw malformed("'Host' must be a signed header.")
  const key = resolve(resolveKey, accessKeyId, params.get('X-Amz-Security-Token') ?? undefined, now)
  const unsignedUrl = `${path}?${rawPairs.filter((p) => !p.startsWith('X-Amz-Signature=')).join('&')}`
  const canonical = canonicalRequest(
    {
      method: req.method ?? 'GET',
      url: unsignedUrl,
      headers: req.headers,
      body: Buffer.alloc(0),
      payloadHash: header(req, 'x-amz-content-sha256') ?? 'UNSIGNED-PAYLOAD',
      s3Path: true,
    },
    signedHeaders,
  )
  const stringToSign = [
    'AWS4-HMAC-SHA256',
    amzDate,
    `${date}/${credRegion}/${service}/aws4_request`,
    sha256Hex(canonical),
  ].join('\n')
  const expected = createHmac('sha256', signingKey(key.secretAccessKey, date, credRegion, service))
    .update(stringToSign)
    .digest()
  const given = /^[0-9a-f]{64}$/.test(signature) ? Buffer.from(signature, 'hex') : Buffer.alloc(0)
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw signatureError(
      'The request signature we calculated does not match the signature you provided. Check your key and signing method.',
    )
  }
  return { kind: 'unsigned' }
}

function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex')
}
