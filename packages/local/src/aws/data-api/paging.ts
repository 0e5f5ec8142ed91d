/**
 * NextToken values: opaque to callers, and bound to the request that produced them, so a token
 * given to another statement or listing is refused rather than silently misread.
 */
import { validationError } from './errors.js'

/** Encodes a position in the listing `scope` (a statement id, an operation and its filters...). */
export function encodeToken(scope: string, position: number): string {
  return Buffer.from(JSON.stringify([scope, position]), 'utf8').toString('base64url')
}

/** The position a token carries, or 0 without a token. */
export function decodeToken(token: string | undefined, scope: string): number {
  if (token === undefined || token === '') return 0
  try {
    const [s, position] = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as [unknown, unknown]
    if (s === scope && typeof position === 'number' && Number.isInteger(position) && position >= 0)
      return position
  } catch {
    // reported below
  }
  throw validationError(
    'NextToken is not valid for this request: pass the NextToken of the previous page of the same request.',
  )
}

/** One page of `items` from a token's position; MaxResults 0 or absent means the service maximum. */
export function pageOf<T>(
  items: readonly T[],
  token: string | undefined,
  maxResults: number | undefined,
  maximum: number,
  scope: string,
): { page: T[]; nextToken?: string } {
  const from = decodeToken(token, scope)
  const size = maxResults === undefined || maxResults === 0 ? maximum : maxResults
  const page = items.slice(from, from + size)
  const next = from + size
  return next < items.length ? { page, nextToken: encodeToken(scope, next) } : { page }
}
