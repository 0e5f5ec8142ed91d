import { credentialsFailure } from '../../credentials/aws-failure.js'
import { safeAwsError } from '../../credentials/aws-sdk.js'
import { classifyError } from '../../errors/classify.js'
import { ValidationError } from '../../errors/client-errors.js'
import { ConnectionFailedError, RateLimitedError } from '../../errors/connection-errors.js'
import { NotFoundError, QueryTimeoutError, ResultTooLargeError } from '../../errors/query-errors.js'
import { isRedshiftError, type RedshiftError } from '../../errors/redshift-error.js'

/** Exceptions that say "too much at once": retryable, and counted by the resilience policies as such. */
const BUSY = new Set([
  'ThrottlingException',
  'TooManyRequestsException',
  'ActiveStatementsExceededException',
  'ActiveSessionsExceededException',
  'ActiveWaitingRequestsExceededException',
])

/**
 * The library's error for a failed Data API call: throttling and the active statement / session
 * limits become a retryable `RateLimitedError`; `ValidationException` a `ValidationError`;
 * `ResourceNotFoundException` a `NotFoundError`; `DatabaseConnectionException` a retryable
 * `ConnectionFailedError`; `QueryTimeoutException` a `QueryTimeoutError`; signing and key failures
 * an `AuthenticationError`; the rest through the client's classifier. The cause kept is a redacted
 * copy (an SDK exception can hold the raw HTTP response).
 */
export function serviceFailure(error: unknown, operation: string, statementId?: string): RedshiftError {
  if (isRedshiftError(error)) return error
  const metadata = { transport: 'data-api', ...(statementId === undefined ? {} : { statementId }) }
  const name = (error as { name?: unknown } | null)?.name
  const safe = safeAwsError(error)
  const message = `Data API ${operation} failed: ${safe.message}`
  const options = { cause: safe, metadata }
  switch (typeof name === 'string' ? name : '') {
    case 'ValidationException':
      return new ValidationError(message, { ...options, problems: [{ field: 'sql', message: safe.message }] })
    case 'ResourceNotFoundException':
      return new NotFoundError(message, options)
    case 'DatabaseConnectionException':
      return new ConnectionFailedError(message, { ...options, retryable: true, fault: 'server' })
    case 'QueryTimeoutException':
      return new QueryTimeoutError(message, options)
    case 'ExecuteStatementException':
    case 'BatchExecuteStatementException':
      return classifyError(safe.message, { metadata })
    default:
      if (BUSY.has(String(name))) return new RateLimitedError(message, { ...options, retryable: true })
      if ((error as { $metadata?: { httpStatusCode?: number } } | null)?.$metadata?.httpStatusCode === 429) {
        return new RateLimitedError(message, { ...options, retryable: true })
      }
      return credentialsFailure(error, `Data API ${operation}`).withMetadata(metadata)
  }
}

/** The Data API's limits on a result (AWS: "Troubleshooting issues for Amazon Redshift Data API"). */
const DATA_API_MAX_RESULT = '500 MB'
const DATA_API_MAX_ROW = '64 KB'

/**
 * The error of a statement the service ran and reported FAILED (DescribeStatement's `Error`): the
 * database's message, classified as the wire transport classifies the same message; a result over
 * the service's size limits (500 MB in all, 64 KB a row) a `ResultTooLargeError` saying what to do.
 */
export function statementFailure(text: string, statementId: string, sql: string): RedshiftError {
  const metadata = { transport: 'data-api', statementId }
  if (/Database response exceeded size limit/i.test(text)) {
    return new ResultTooLargeError(
      `the result is larger than the Data API returns (${DATA_API_MAX_RESULT}): add a LIMIT and read it in parts, UNLOAD it to S3, or use the wire transport. The service said: ${text}`,
      { metadata },
    )
  }
  if (/Packet for query is too large/i.test(text)) {
    return new ResultTooLargeError(
      `a row of the result is larger than the Data API returns (${DATA_API_MAX_ROW} per row): select fewer or shorter columns, UNLOAD it to S3, or use the wire transport. The service said: ${text}`,
      { metadata },
    )
  }
  const code = sqlStateOf(text)
  const message = text.replace(/^\s*ERROR:\s*/i, '')
  return classifyError(code === undefined ? text : { message, code, severity: 'ERROR' }, {
    sql,
    metadata,
  })
}

// The Data API reports the database's message without its SQLSTATE: the forms PostgreSQL and
// Redshift share give it back, so the error class matches the wire transport's for the same failure.
const MESSAGE_STATES: readonly [RegExp, string][] = [
  [/^(?:ERROR:\s*)?relation "[^"]*" does not exist/i, '42P01'],
  [/^(?:ERROR:\s*)?schema "[^"]*" does not exist/i, '3F000'],
  [/^(?:ERROR:\s*)?function .* does not exist/i, '42883'],
  [/^(?:ERROR:\s*)?column "[^"]*" does not exist/i, '42703'],
  [/^(?:ERROR:\s*)?permission denied/i, '42501'],
  [/^(?:ERROR:\s*)?syntax error/i, '42601'],
  [/^(?:ERROR:\s*)?duplicate key value/i, '23505'],
  [/^(?:ERROR:\s*)?division by zero/i, '22012'],
  [/^(?:ERROR:\s*)?canceling statement due to user request|cancell?ed on user's request/i, '57014'],
]

function sqlStateOf(text: string): string | undefined {
  const explicit =
    /\bSQLSTATE[:\s]+([0-9A-Z]{5})\b/.exec(text)?.[1] ?? /\[SQL State=([0-9A-Z]{5})\]/.exec(text)?.[1]
  if (explicit !== undefined) return explicit
  return MESSAGE_STATES.find(([pattern]) => pattern.test(text))?.[1]
}
