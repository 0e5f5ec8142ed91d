/** Secrets Manager `ListSecrets` (filters, sort order, paging) and `DescribeSecret`. */
import { AwsApiError } from './aws-api-error.js'
import type { AwsContext } from './aws-context.js'

/** A JSON request body, as parsed. */
type JsonInput = Readonly<Record<string, unknown>>

import type { StoredSecret } from './secret-store.js'
import { epochSeconds } from './wire-formats.js'

const FILTER_KEYS = ['description', 'name', 'tag-key', 'tag-value', 'primary-region', 'owning-service', 'all']

function versionsToStages(secret: StoredSecret): Record<string, string[]> {
  return {
    [secret.current.versionId]: ['AWSCURRENT'],
    ...(secret.previous === undefined ? {} : { [secret.previous.versionId]: ['AWSPREVIOUS'] }),
  }
}

function describe(secret: StoredSecret, stagesField: 'SecretVersionsToStages' | 'VersionIdsToStages') {
  return {
    ARN: secret.arn,
    Name: secret.name,
    LastChangedDate: epochSeconds(secret.current.createdAt),
    Tags: [],
    [stagesField]: versionsToStages(secret),
    CreatedDate: epochSeconds(secret.createdAt),
    RotationEnabled: false,
  }
}

/** What a filter value matches: a prefix of the name (Secrets Manager's rule), `!` negating it. */
function matches(secret: StoredSecret, key: string, values: readonly string[]): boolean {
  return values.some((raw) => {
    const negate = raw.startsWith('!')
    const value = negate ? raw.slice(1) : raw
    // Local secrets have no description, tags, replicas or owning service: only names can match.
    const hit = (key === 'name' || key === 'all') && secret.name.startsWith(value)
    return negate ? !hit : hit
  })
}

function parseFilters(input: JsonInput): { key: string; values: string[] }[] {
  const raw = input.Filters
  if (raw === undefined || raw === null) return []
  if (!Array.isArray(raw)) throw new AwsApiError('ValidationException', 'Filters must be a list.')
  return raw.map((f: unknown) => {
    const { Key, Values } = (f ?? {}) as { Key?: unknown; Values?: unknown }
    if (typeof Key !== 'string' || !FILTER_KEYS.includes(Key)) {
      throw new AwsApiError(
        'ValidationException',
        `1 validation error detected: Value '${String(Key)}' at 'filters.1.member.key' failed to satisfy constraint: Member must satisfy enum value set: [${FILTER_KEYS.join(', ')}]`,
      )
    }
    if (!Array.isArray(Values) || Values.some((v) => typeof v !== 'string')) {
      throw new AwsApiError('ValidationException', `Filter ${Key} needs Values, a list of strings.`)
    }
    return { key: Key, values: Values as string[] }
  })
}

/** `ListSecrets`: every secret matching all filters, oldest first (or newest with SortOrder desc), in pages. */
export function listSecrets(ctx: AwsContext, input: JsonInput): unknown {
  const max = input.MaxResults ?? 100
  if (typeof max !== 'number' || !Number.isInteger(max) || max < 1 || max > 100) {
    throw new AwsApiError(
      'ValidationException',
      `1 validation error detected: Value '${String(max)}' at 'maxResults' failed to satisfy constraint: Member must have value between 1 and 100`,
    )
  }
  const order = input.SortOrder ?? 'asc'
  if (order !== 'asc' && order !== 'desc') {
    throw new AwsApiError('ValidationException', "SortOrder must be 'asc' or 'desc'.")
  }
  const filters = parseFilters(input)
  let start = 0
  if (input.NextToken !== undefined && input.NextToken !== null) {
    const n =
      typeof input.NextToken === 'string'
        ? Number(Buffer.from(input.NextToken, 'base64url').toString())
        : Number.NaN
    if (!Number.isInteger(n) || n < 0)
      throw new AwsApiError('InvalidNextTokenException', 'The NextToken value is invalid.')
    start = n
  }
  const all = ctx.secrets
    .names()
    .map((n) => ctx.secrets.find(n) as StoredSecret)
    .filter((s) => filters.every((f) => matches(s, f.key, f.values)))
  if (order === 'desc') all.reverse()
  const page = all.slice(start, start + max)
  const next =
    start + page.length < all.length
      ? Buffer.from(String(start + page.length)).toString('base64url')
      : undefined
  return {
    SecretList: page.map((s) => describe(s, 'SecretVersionsToStages')),
    ...(next === undefined ? {} : { NextToken: next }),
  }
}

/** `DescribeSecret`: a secret's metadata (never its value), by name, ARN or partial ARN. */
export function describeSecret(ctx: AwsContext, input: JsonInput): unknown {
  const id = input.SecretId
  if (typeof id !== 'string' || id === '') {
    throw new AwsApiError('InvalidParameterException', 'You must provide a value for the SecretId parameter.')
  }
  const secret = ctx.secrets.find(id)
  if (secret === undefined) {
    throw new AwsApiError('ResourceNotFoundException', "Secrets Manager can't find the specified secret.")
  }
  return describe(secret, 'VersionIdsToStages')
}
