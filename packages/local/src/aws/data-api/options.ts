/** Options of the local Redshift Data API, their defaults (the service's limits) and their validation. */

/**
 * Options of the Data API (`startLocalRedshift({ aws: { dataApi } })`). Every field is optional.
 *
 * @example
 * { maxResultBytes: 1_000_000, eventLogFile: '/tmp/data-api-events.jsonl' }
 */
export interface LocalDataApiOptions {
  /** Statements SUBMITTED, PICKED or STARTED at once; more fail with ActiveStatementsExceededException. @default 200 */
  readonly maxActiveStatements?: number
  /** Open sessions (SessionKeepAliveSeconds); more fail with ActiveSessionsExceededException. @default 100 */
  readonly maxActiveSessions?: number
  /** A result larger than this fails its statement ("Database response exceeded size limit"). @default 500 MB */
  readonly maxResultBytes?: number
  /** A GetStatementResult page ends once its records reach this many bytes. @default 1 MiB */
  readonly pageBytes?: number
  /** Results kept in memory, all statements together; the rest goes to temporary files. @default 64 MiB */
  readonly resultMemoryBytes?: number
  /** How long statements and their results are kept. @default 86400 (24 hours, as on AWS) */
  readonly retentionSeconds?: number
  /** Also append every WithEvent event, one JSON object a line, to this file. @default none (memory only) */
  readonly eventLogFile?: string
}

/** The options with their defaults. */
export interface ResolvedDataApiOptions {
  readonly maxActiveStatements: number
  readonly maxActiveSessions: number
  readonly maxResultBytes: number
  readonly pageBytes: number
  readonly resultMemoryBytes: number
  readonly retentionSeconds: number
  readonly eventLogFile: string | undefined
}

function positiveInt(
  name: string,
  value: number | undefined,
  fallback: number,
  max = Number.MAX_SAFE_INTEGER,
): number {
  if (value === undefined) return fallback
  if (!Number.isInteger(value) || value <= 0 || value > max) {
    throw new Error(
      `startLocalRedshift aws option dataApi.${name} must be a whole number from 1 to ${max}, got ${String(value)}`,
    )
  }
  return value
}

/**
 * Fills in defaults and checks each field, naming the bad one.
 *
 * @example
 * resolveDataApiOptions({ pageBytes: 65536 }).maxActiveStatements // 200
 */
export function resolveDataApiOptions(options: LocalDataApiOptions = {}): ResolvedDataApiOptions {
  if (
    options.eventLogFile !== undefined &&
    (typeof options.eventLogFile !== 'string' || options.eventLogFile === '')
  ) {
    throw new Error('startLocalRedshift aws option dataApi.eventLogFile must be a file path')
  }
  return {
    maxActiveStatements: positiveInt('maxActiveStatements', options.maxActiveStatements, 200),
    maxActiveSessions: positiveInt('maxActiveSessions', options.maxActiveSessions, 100),
    maxResultBytes: positiveInt('maxResultBytes', options.maxResultBytes, 500 * 1024 * 1024),
    pageBytes: positiveInt('pageBytes', options.pageBytes, 1024 * 1024, 64 * 1024 * 1024),
    resultMemoryBytes: positiveInt('resultMemoryBytes', options.resultMemoryBytes, 64 * 1024 * 1024),
    retentionSeconds: positiveInt('retentionSeconds', options.retentionSeconds, 86_400, 86_400),
    eventLogFile: options.eventLogFile,
  }
}
