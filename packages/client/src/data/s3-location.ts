import type { Problem } from '../errors/client-errors.js'
import { describeValue } from './builder-arguments.js'

/**
 * A place in Amazon S3: a bucket and a key (or key prefix).
 *
 * @example
 * const location: S3Location = { bucket: 'reports', key: 'monthly/2024/' }
 * s3Url(location) // 's3://reports/monthly/2024/'
 */
export interface S3Location {
  readonly bucket: string
  /** The object key or key prefix, without a leading `/`; may be empty (the whole bucket). */
  readonly key: string
}

const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/
const IP_LIKE = /^\d{1,3}(\.\d{1,3}){3}$/
const MAX_KEY_BYTES = 1024

/**
 * `s3://bucket/key`.
 *
 * @example
 * s3Url({ bucket: 'reports', key: 'monthly/' }) // 's3://reports/monthly/'
 */
export function s3Url(location: S3Location): string {
  return `s3://${location.bucket}/${location.key}`
}

/**
 * Splits `s3://bucket/key` into bucket and key; `undefined` when `url` is not an S3 URL.
 *
 * @example
 * parseS3Url('s3://reports/monthly/') // { bucket: 'reports', key: 'monthly/' }
 */
export function parseS3Url(url: string): S3Location | undefined {
  const m = /^s3:\/\/([^/]*)(?:\/(.*))?$/s.exec(url)
  if (m === null) return undefined
  return { bucket: m[1] ?? '', key: m[2] ?? '' }
}

/** What is wrong with an S3 bucket name (Amazon S3's naming rules), or `undefined`. */
export function bucketProblem(bucket: unknown): string | undefined {
  if (typeof bucket !== 'string' || bucket === '') return 'must be a non-empty bucket name'
  if (!BUCKET.test(bucket) || bucket.includes('..') || IP_LIKE.test(bucket)) {
    return `${describeValue(bucket)} is not a valid S3 bucket name (3 to 63 lower-case letters, digits, dots and hyphens, starting and ending with a letter or digit)`
  }
  return undefined
}

/** What is wrong with an S3 key or key prefix, or `undefined`. */
export function keyProblem(key: unknown, { allowEmpty }: { allowEmpty: boolean }): string | undefined {
  if (typeof key !== 'string') return `must be a string, got ${typeof key}`
  if (key === '') return allowEmpty ? undefined : 'must not be empty'
  if (key.startsWith('/'))
    return `must not start with "/" (got ${describeValue(key)}); give the key as it is in the bucket`
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused
  if (/[\u0000-\u001f\u007f]/.test(key)) return 'must not contain control characters'
  const bytes = Buffer.byteLength(key, 'utf8')
  if (bytes > MAX_KEY_BYTES) return `must be at most ${MAX_KEY_BYTES} bytes of UTF-8, got ${bytes}`
  return undefined
}

/** The problems of an S3 location, under `field`. */
export function s3LocationProblems(field: string, location: S3Location, allowEmptyKey: boolean): Problem[] {
  const out: Problem[] = []
  const b = bucketProblem(location.bucket)
  if (b !== undefined) out.push({ field: `${field}.bucket`, message: b })
  const k = keyProblem(location.key, { allowEmpty: allowEmptyKey })
  if (k !== undefined) out.push({ field: `${field}.key`, message: k })
  return out
}

/** What is wrong with a full `s3://bucket/key` URL (a JSONPaths file, ...), or `undefined`. */
export function s3UrlProblem(url: unknown): string | undefined {
  if (typeof url !== 'string') return `must be an s3://bucket/key URL, got ${typeof url}`
  const location = parseS3Url(url)
  if (location === undefined) return `must be an s3://bucket/key URL, got ${describeValue(url)}`
  return bucketProblem(location.bucket) ?? keyProblem(location.key, { allowEmpty: false })
}
