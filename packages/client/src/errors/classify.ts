import { ValidationError } from './client-errors.js'
import {
  AuthenticationError,
  ConnectionFailedError,
  ConnectionLostError,
  RateLimitedError,
} from './connection-errors.js'
import {
  LoadFailedError,
  NotFoundError,
  PermissionDeniedError,
  QueryCancelledError,
  QueryFailedError,
  QueryTimeoutError,
  SerializationConflictError,
  TransactionAbortedError,
  UnloadFailedError,
} from './query-errors.js'
import {
  type ErrorMetadata,
  isRedshiftError,
  type RedshiftError,
  type RedshiftErrorOptions,
} from './redshift-error.js'
import { collectServerFields, type ServerErrorFields } from './server-error-fields.js'

/**
 * What the caller knows about the failure that the error itself cannot say.
 *
 * @example
 * const context: ClassifyContext = { operation: 'copy', sql, timedOut: false }
 * throw classifyError(e, context)
 */
export interface ClassifyContext {
  /**
   * A timeout fired for this statement (the client's timer, or the `statement_timeout` it set):
   * SQLSTATE 57014 and aborts then become {@link QueryTimeoutError} instead of {@link QueryCancelledError}.
   */
  readonly timedOut?: boolean
  /** The timeout that fired, copied onto the {@link QueryTimeoutError}. */
  readonly timeoutMs?: number
  /**
   * What was being done. `connect`: resets and protocol errors mean the connection could not be
   * opened ({@link ConnectionFailedError}) rather than lost. `copy` / `unload`: otherwise unclassified
   * server failures become {@link LoadFailedError} / {@link UnloadFailedError}.
   */
  readonly operation?: 'connect' | 'query' | 'copy' | 'unload'
  /** The statement, kept (redacted, non-enumerable) as the error's `sql`. */
  readonly sql?: string
  readonly metadata?: ErrorMetadata
  /** Whether the statement reached the server, when the caller knows (see `RedshiftError.sent`). */
  readonly sent?: boolean
}

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'EHOSTDOWN',
  'ENETUNREACH',
  'ENETDOWN',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ESOCKETTIMEDOUT',
])
// Failures that another attempt cannot fix: a wrong host name, and TLS verification.
const PERMANENT_CONNECT_CODES = new Set([
  'ENOTFOUND',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_HAS_EXPIRED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
])
const NOT_FOUND_STATES = new Set(['42P01', '42703', '42883', '42704', '3F000', '3D000', '26000'])
const SQLSTATE = /^[0-9A-Z]{5}$/
const RATE_LIMIT_EXCEPTIONS = new Set([
  'ThrottlingException',
  'TooManyRequestsException',
  'ActiveStatementsExceededException',
  'ActiveSessionsExceededException',
  'ActiveWaitingRequestsExceededException',
])
const CREDENTIAL_EXCEPTIONS = new Set([
  'ExpiredTokenException',
  'ExpiredToken',
  'InvalidClientTokenId',
  'UnrecognizedClientException',
  'InvalidSignatureException',
  'CredentialsProviderError',
])

type Fields = Record<string, unknown>

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined
}

// Drivers differ in what they hand over: numbers for positions and lines, and empty strings for
// fields the server did not send.
function fieldText(value: unknown): string | undefined {
  return str(value) ?? (typeof value === 'number' ? String(value) : undefined)
}

function serverFields(e: Fields): ServerErrorFields {
  const state =
    str(e.sqlState) ?? str(e.sqlstate) ?? (SQLSTATE.test(String(e.code)) ? String(e.code) : undefined)
  return collectServerFields((field) => (field === 'sqlState' ? state : fieldText(e[field])))
}

function baseOptions(cause: unknown, context: ClassifyContext): RedshiftErrorOptions {
  return {
    cause,
    ...(context.sql === undefined ? {} : { sql: context.sql }),
    ...(context.metadata === undefined ? {} : { metadata: context.metadata }),
    ...(context.sent === undefined ? {} : { sent: context.sent }),
  }
}

function timeoutOrCancel(
  message: string,
  options: RedshiftErrorOptions,
  context: ClassifyContext,
): RedshiftError {
  if (context.timedOut) {
    return new QueryTimeoutError(message, {
      ...options,
      ...(context.timeoutMs === undefined ? {} : { timeoutMs: context.timeoutMs }),
    })
  }
  return new QueryCancelledError(message, options)
}

/** Classifies a server error (SQLSTATE and message), whichever transport reported it. */
function classifyServer(
  message: string,
  options: RedshiftErrorOptions,
  context: ClassifyContext,
): RedshiftError {
  const state = options.sqlState
  const text = `${message}\n${options.detail ?? ''}`
  const lead = message.replace(/^\s*ERROR:\s*/i, '')
  // Redshift reports serialization failures as XX000 with message "1023" (not PG's 40001), and a
  // relation dropped under a running snapshot as "1018"; both are cured by rerunning the transaction.
  if (
    state === '40001' ||
    state === '40P01' ||
    /^1023\b/.test(lead) ||
    /serializable isolation violation/i.test(text) ||
    /conflict with concurrent transaction/i.test(text) ||
    (/^1018\b/.test(lead) && /relation does not exist/i.test(text))
  ) {
    return new SerializationConflictError(message, options)
  }
  if (state === '57014' || (state === undefined && /cancell?ed on user's request/i.test(message))) {
    return timeoutOrCancel(message, options, context)
  }
  if (state === '53300' || /connection limit .*exceeded|too many connections/i.test(message)) {
    return new ConnectionFailedError(message, { ...options, retryable: true, fault: 'server' })
  }
  if (state?.startsWith('28') || /password authentication failed/i.test(message)) {
    return new AuthenticationError(message, options)
  }
  if (state === '42501' || /^permission denied/i.test(lead))
    return new PermissionDeniedError(message, options)
  if (state === '25P02') return new TransactionAbortedError(message, options)
  if (/check 'stl_load_errors'/i.test(text)) return new LoadFailedError(message, options)
  if (state !== undefined && NOT_FOUND_STATES.has(state)) return new NotFoundError(message, options)
  if (state === '57P03' || (state?.startsWith('08') && context.operation === 'connect')) {
    return new ConnectionFailedError(message, { ...options, fault: 'server' })
  }
  // A protocol violation reported as an ordinary ERROR (a bind with the wrong number of parameters)
  // is the statement's fault: the session is still there.
  if (state === '08P01' && options.severity !== undefined && options.severity !== 'FATAL') {
    return new QueryFailedError(message, { ...options, fault: 'client' })
  }
  if (state?.startsWith('08') || state === '57P01' || state === '57P02') {
    return new ConnectionLostError(message, { ...options, fault: 'server' })
  }
  // Transient aborts: WLM / system abort (code 1020) and Spectrum's S3 read errors.
  if (/abort query code:\s*1020|system requested abort|S3Query Exception/i.test(text)) {
    return new QueryFailedError(message, { ...options, retryable: true })
  }
  if (context.operation === 'copy') return new LoadFailedError(message, options)
  if (context.operation === 'unload') return new UnloadFailedError(message, options)
  return new QueryFailedError(message, options)
}

function classifyNetwork(
  code: string,
  message: string,
  options: RedshiftErrorOptions,
  context: ClassifyContext,
) {
  if (PERMANENT_CONNECT_CODES.has(code) || code.startsWith('ERR_TLS_') || code.startsWith('ERR_SSL_')) {
    return new ConnectionFailedError(message, { ...options, retryable: false })
  }
  if (code === 'ECONNREFUSED' || code === 'EAI_AGAIN' || context.operation === 'connect') {
    return new ConnectionFailedError(message, options)
  }
  return new ConnectionLostError(message, options)
}

/** Errors of `pg` itself (no code), recognised by their fixed messages. */
function classifyDriverMessage(
  message: string,
  options: RedshiftErrorOptions,
  context: ClassifyContext,
): RedshiftError | undefined {
  if (/connection timeout|timeout expired|timeout exceeded when trying to connect/i.test(message)) {
    return new ConnectionFailedError(message, options)
  }
  if (/does not support SSL/i.test(message)) {
    return new ConnectionFailedError(message, { ...options, retryable: false })
  }
  if (/Connection terminated|not queryable|Connection ended|socket hang up/i.test(message)) {
    return context.operation === 'connect'
      ? new ConnectionFailedError(message, options)
      : new ConnectionLostError(message, options)
  }
  if (/Query read timeout/i.test(message))
    return timeoutOrCancel(message, options, { ...context, timedOut: true })
  if (/SASL|client password must be a string/i.test(message)) return new AuthenticationError(message, options)
  return undefined
}

/** AWS SDK exceptions (Data API, STS, Redshift, Secrets Manager), recognised by `name` and `$fault`. */
function classifyAws(
  name: string,
  e: Fields,
  message: string,
  options: RedshiftErrorOptions,
  context: ClassifyContext,
) {
  if (RATE_LIMIT_EXCEPTIONS.has(name)) return new RateLimitedError(message, options)
  if (CREDENTIAL_EXCEPTIONS.has(name)) return new AuthenticationError(message, options)
  if (name === 'AccessDeniedException' || name === 'AccessDenied')
    return new PermissionDeniedError(message, options)
  if (name === 'ResourceNotFoundException' || name === 'ClusterNotFound')
    return new NotFoundError(message, options)
  if (name === 'ValidationException') return new ValidationError(message, options)
  if (name === 'DatabaseConnectionException') return new ConnectionFailedError(message, options)
  if (name === 'QueryTimeoutException')
    return timeoutOrCancel(message, options, { ...context, timedOut: true })
  if (name === 'ExecuteStatementException' || name === 'BatchExecuteStatementException') {
    return classifyServer(message, options, context)
  }
  const serverFault =
    e.$fault === 'server' || name === 'InternalServerException' || name === 'ServiceUnavailable'
  return new QueryFailedError(message, {
    ...options,
    retryable: serverFault,
    fault: serverFault ? 'server' : 'client',
  })
}

/**
 * Turns any failure into the right {@link RedshiftError}: a `pg` `DatabaseError` (or any object with
 * a SQLSTATE `code`/`sqlState` and the server's fields), a Node socket or TLS error, a `pg` driver
 * message, an `AbortError`, an AWS SDK exception, or the error text of a failed Data API statement
 * (pass the string). A {@link RedshiftError} comes back as is (with `context.metadata` merged).
 *
 * The table, in order: 40001, 40P01, `1023` / "Serializable isolation violation" / "conflict with
 * concurrent transaction" / `1018 ... Relation does not exist` -> SerializationConflict (retryable);
 * 57014 -> QueryTimeout when `context.timedOut`, else QueryCancelled; 53300 connection limit ->
 * ConnectionFailed (retryable); 28xxx -> Authentication; 42501 -> PermissionDenied; 25P02 ->
 * TransactionAborted; "Check 'stl_load_errors'" -> LoadFailed; 42P01, 42703, 42883, 42704, 3F000,
 * 3D000, 26000 -> NotFound (a missing table is worth its own `catch`; `sqlState` still tells which);
 * 08xxx, 57P01-03 -> ConnectionFailed/ConnectionLost; abort code 1020 and Spectrum S3 errors ->
 * QueryFailed (retryable); anything else -> QueryFailed (LoadFailed/UnloadFailed for COPY/UNLOAD).
 *
 * @example
 * try { await pgClient.query(sql) }
 * catch (e) { throw classifyError(e, { sql, timedOut: timer.fired }) }
 */
export function classifyError(error: unknown, context: ClassifyContext = {}): RedshiftError {
  if (isRedshiftError(error)) {
    return context.metadata === undefined ? error : error.withMetadata(context.metadata)
  }
  if (typeof error === 'string') return classifyServer(error, baseOptions(error, context), context)
  if (typeof error !== 'object' || error === null) {
    return new QueryFailedError(`unexpected failure: ${String(error)}`, {
      ...baseOptions(error, context),
      fault: 'client',
    })
  }
  const e = error as Fields
  const message = str(e.message) ?? str(e.name) ?? 'unknown error'
  const name = str(e.name) ?? ''
  const code = typeof e.code === 'string' ? e.code : ''
  const options = baseOptions(error, context)

  if (NETWORK_CODES.has(code) || PERMANENT_CONNECT_CODES.has(code) || code.startsWith('ERR_TLS_')) {
    return classifyNetwork(code, message, options, context)
  }
  if (name === 'AbortError' || name === 'TimeoutError') {
    const reason = (e.cause as Fields | undefined)?.name
    const timedOut = context.timedOut === true || name === 'TimeoutError' || reason === 'TimeoutError'
    return timeoutOrCancel(message, options, { ...context, timedOut })
  }
  const fields = serverFields(e)
  if (fields.sqlState !== undefined || typeof e.severity === 'string') {
    return classifyServer(message, { ...options, ...fields }, context)
  }
  if (typeof e.$fault === 'string' || typeof e.$metadata === 'object') {
    return classifyAws(name, e, message, options, context)
  }
  const driver = classifyDriverMessage(message, options, context)
  if (driver !== undefined) return driver
  return new QueryFailedError(message, { ...options, fault: 'client' })
}
