/**
 * AWS Signature Version 4, server side: parse the `Authorization` header, rebuild the canonical
 * request and compare signatures, as AWS does before any service sees the request. Implemented with
 * node:crypto only: this package is a server and does not depend on the AWS SDK.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto'

/** The parts of an `Authorization: AWS4-HMAC-SHA256 Credential=..., SignedHeaders=..., Signature=...` header. */
export interface SigV4Authorization {
  readonly accessKeyId: string
  /** `YYYYMMDD` of the credential scope. */
  readonly date: string
  readonly region: string
  readonly service: string
  readonly signedHeaders: readonly string[]
  readonly signature: string
}

/** What is needed to recompute a signature. */
export interface SignedRequest {
  readonly method: string
  /** The request target as sent: path and query string. */
  readonly url: string
  /** Header names in lower case, as Node's `IncomingMessage.headers` gives them. */
  readonly headers: Readonly<Record<string, string | readonly string[] | undefined>>
  readonly body: Buffer
  /** The payload hash signed as given (S3: the `x-amz-content-sha256` value); default: the body's SHA-256. */
  readonly payloadHash?: string
  /** S3 signs the path encoded once (each decoded segment encoded again); other services encode it twice. */
  readonly s3Path?: boolean
}

/** Why a signature was refused, in the terms AWS uses (the caller maps it to each service's error shape). */
export type SigV4Failure =
  | { readonly kind: 'missing'; readonly message: string }
  | { readonly kind: 'incomplete'; readonly message: string }
  | { readonly kind: 'mismatch'; readonly message: string }
  | { readonly kind: 'expired'; readonly message: string }

const ALGORITHM = 'AWS4-HMAC-SHA256'
/** AWS refuses requests whose X-Amz-Date is more than 15 minutes away from its clock. */
const MAX_SKEW_MS = 15 * 60 * 1000

const sha256Hex = (data: string | Buffer): string => createHash('sha256').update(data).digest('hex')
const hmac = (key: string | Buffer, data: string): Buffer => createHmac('sha256', key).update(data).digest()

/** RFC 3986 encoding, as SigV4 requires (`encodeURIComponent` leaves `!'()*` alone). */
function encodeRfc3986(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
}

function decodeLoose(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, '%20'))
  } catch {
    return text
  }
}

/**
 * Parses an `Authorization` header; undefined when it is not a SigV4 header at all.
 *
 * @example
 * parseAuthorization('AWS4-HMAC-SHA256 Credential=AKID/20240101/us-east-1/sts/aws4_request, SignedHeaders=host;x-amz-date, Signature=abcd')
 */
export function parseAuthorization(header: string): SigV4Authorization | SigV4Failure {
  const trimmed = header.trim()
  if (!trimmed.startsWith(`${ALGORITHM} `)) {
    return {
      kind: 'incomplete',
      message: `Authorization header requires the ${ALGORITHM} algorithm (Signature Version 4).`,
    }
  }
  const fields = new Map<string, string>()
  for (const part of trimmed.slice(ALGORITHM.length + 1).split(',')) {
    const eq = part.indexOf('=')
    if (eq > 0) fields.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim())
  }
  const credential = fields.get('Credential')
  const signedHeaders = fields.get('SignedHeaders')
  const signature = fields.get('Signature')
  const missing = [
    credential === undefined ? 'Credential' : undefined,
    signedHeaders === undefined ? 'SignedHeaders' : undefined,
    signature === undefined ? 'Signature' : undefined,
  ].filter((x) => x !== undefined)
  if (credential === undefined || signedHeaders === undefined || signature === undefined) {
    return {
      kind: 'incomplete',
      message: `Authorization header requires '${missing.join("', '")}' parameter(s).`,
    }
  }
  const scope = credential.split('/')
  if (scope.length !== 5 || scope[4] !== 'aws4_request') {
    return {
      kind: 'incomplete',
      message:
        "Credential should be scoped to a valid region, service and terminator 'aws4_request' (<key>/<date>/<region>/<service>/aws4_request).",
    }
  }
  const [accessKeyId, date, region, service] = scope as [string, string, string, string, string]
  return {
    accessKeyId,
    date,
    region,
    service,
    signedHeaders: signedHeaders.split(';').map((h) => h.trim().toLowerCase()),
    signature: signature.toLowerCase(),
  }
}

function headerValue(value: string | readonly string[] | undefined): string | undefined {
  if (value === undefined) return undefined
  const values = typeof value === 'string' ? [value] : value
  return values.map((v) => v.trim().replace(/\s+/g, ' ')).join(',')
}

function canonicalQuery(search: string): string {
  if (search === '') return ''
  const pairs = search
    .split('&')
    .filter((p) => p !== '')
    .map((p) => {
      const eq = p.indexOf('=')
      const key = eq >= 0 ? p.slice(0, eq) : p
      const value = eq >= 0 ? p.slice(eq + 1) : ''
      return [encodeRfc3986(decodeLoose(key)), encodeRfc3986(decodeLoose(value))] as const
    })
  pairs.sort(([ka, va], [kb, vb]) => (ka < kb ? -1 : ka > kb ? 1 : va < vb ? -1 : va > vb ? 1 : 0))
  return pairs.map(([k, v]) => `${k}=${v}`).join('&')
}

function canonicalPath(path: string, s3: boolean): string {
  // Non-S3 services sign the path URI-encoded once more than it was sent (each segment re-encoded).
  if (path === '' || path === '/') return '/'
  return path
    .split('/')
    .map((segment) => encodeRfc3986(s3 ? decodeLoose(segment.replace(/\+/g, '%2B')) : segment))
    .join('/')
}

/** The canonical request of SigV4 (step 1 of the signing process). */
export function canonicalRequest(request: SignedRequest, signedHeaders: readonly string[]): string {
  const q = request.url.indexOf('?')
  const path = q >= 0 ? request.url.slice(0, q) : request.url
  const search = q >= 0 ? request.url.slice(q + 1) : ''
  const headers = signedHeaders
    .map((name) => `${name}:${headerValue(request.headers[name]) ?? ''}\n`)
    .join('')
  const declared = headerValue(request.headers['x-amz-content-sha256'])
  const payloadHash =
    request.payloadHash ??
    (declared !== undefined && /^(?:[0-9a-f]{64}|UNSIGNED-PAYLOAD)$/.test(declared)
      ? declared
      : sha256Hex(request.body))
  return [
    request.method.toUpperCase(),
    canonicalPath(path, request.s3Path === true),
    canonicalQuery(search),
    headers,
    signedHeaders.join(';'),
    payloadHash,
  ].join('\n')
}

/** The signing key: HMAC chain of the secret over date, region, service and `aws4_request`. */
export function signingKey(secretAccessKey: string, date: string, region: string, service: string): Buffer {
  return hmac(hmac(hmac(hmac(`AWS4${secretAccessKey}`, date), region), service), 'aws4_request')
}

/** The request time from `X-Amz-Date` (`YYYYMMDDTHHMMSSZ`) or `Date`; undefined when absent or unreadable. */
export function requestTime(
  request: SignedRequest,
): { readonly amzDate: string; readonly at: Date } | undefined {
  const amz = headerValue(request.headers['x-amz-date'])
  if (amz !== undefined) {
    const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(amz)
    if (m === null) return undefined
    const [, y, mo, d, h, mi, s] = m
    return { amzDate: amz, at: new Date(`${y}-${mo}-${d}T${h}:${mi}:${s}Z`) }
  }
  const date = headerValue(request.headers.date)
  if (date === undefined) return undefined
  const at = new Date(date)
  if (Number.isNaN(at.getTime())) return undefined
  const amzDate = `${at.toISOString().replace(/[-:]/g, '').slice(0, 15)}Z`
  return { amzDate, at }
}

/**
 * Verifies a request's SigV4 signature with the secret of the access key it names. The caller has
 * already found that key; a wrong secret, a tampered body or header, a skewed clock or a scope that
 * does not match the request all fail here.
 *
 * @example
 * const auth = parseAuthorization(req.headers.authorization)
 * const failure = verifySignature(request, auth, secretFor(auth.accessKeyId), new Date())
 */
export function verifySignature(
  request: SignedRequest,
  auth: SigV4Authorization,
  secretAccessKey: string,
  now: Date,
): SigV4Failure | undefined {
  const time = requestTime(request)
  if (time === undefined) {
    return {
      kind: 'incomplete',
      message: "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.",
    }
  }
  if (!auth.signedHeaders.includes('host')) {
    return { kind: 'incomplete', message: "'Host' must be a signed header." }
  }
  if (Math.abs(now.getTime() - time.at.getTime()) > MAX_SKEW_MS) {
    return {
      kind: 'expired',
      message: `Signature expired: ${time.amzDate} is now earlier than ${new Date(now.getTime() - MAX_SKEW_MS).toISOString().replace(/[-:]/g, '').slice(0, 15)}Z (${now.toISOString().replace(/[-:]/g, '').slice(0, 15)}Z - 15 min.)`,
    }
  }
  if (time.amzDate.slice(0, 8) !== auth.date) {
    return {
      kind: 'mismatch',
      message: `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${auth.date}' != '${time.amzDate.slice(0, 8)}'`,
    }
  }
  const scope = `${auth.date}/${auth.region}/${auth.service}/aws4_request`
  const stringToSign = [
    ALGORITHM,
    time.amzDate,
    scope,
    sha256Hex(canonicalRequest(request, auth.signedHeaders)),
  ].join('\n')
  const expected = createHmac('sha256', signingKey(secretAccessKey, auth.date, auth.region, auth.service))
    .update(stringToSign)
    .digest()
  const given = /^[0-9a-f]{64}$/.test(auth.signature) ? Buffer.from(auth.signature, 'hex') : Buffer.alloc(0)
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    // AWS also echoes the canonical request and string to sign; they can carry a session token, so
    // this server does not.
    return {
      kind: 'mismatch',
      message:
        'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.',
    }
  }
  return undefined
}

/**
 * Signs a request (the client half), for tests of the verifier and for tools that call the local
 * endpoint without an SDK. Returns the headers to add.
 *
 * @example
 * const headers = signRequest({ method: 'POST', url: '/', headers: { host: '127.0.0.1:4566' }, body },
 *   { accessKeyId, secretAccessKey, region: 'us-east-1', service: 'sts' })
 */
export function signRequest(
  request: SignedRequest,
  key: {
    readonly accessKeyId: string
    readonly secretAccessKey: string
    readonly sessionToken?: string
    readonly region: string
    readonly service: string
  },
  now: Date = new Date(),
): Record<string, string> {
  const amzDate = `${now.toISOString().replace(/[-:]/g, '').slice(0, 15)}Z`
  const date = amzDate.slice(0, 8)
  const added: Record<string, string> = { 'x-amz-date': amzDate }
  if (key.sessionToken !== undefined) added['x-amz-security-token'] = key.sessionToken
  const headers = { ...request.headers, ...added }
  const signedHeaders = Object.keys(headers)
    .map((h) => h.toLowerCase())
    .filter((h) => headers[h] !== undefined)
    .sort()
  const scope = `${date}/${key.region}/${key.service}/aws4_request`
  const stringToSign = [
    ALGORITHM,
    amzDate,
    scope,
    sha256Hex(canonicalRequest({ ...request, headers }, signedHeaders)),
  ].join('\n')
  const signature = createHmac('sha256', signingKey(key.secretAccessKey, date, key.region, key.service))
    .update(stringToSign)
    .digest('hex')
  added.authorization = `${ALGORITHM} Credential=${key.accessKeyId}/${scope}, SignedHeaders=${signedHeaders.join(';')}, Signature=${signature}`
  return added
}
