import type { LoadError } from './load-error.js'
import { RedshiftError, type RedshiftErrorOptions } from './redshift-error.js'

/**
 * Options of {@link QueryTimeoutError}.
 *
 * @example
 * new QueryTimeoutError('query exceeded its 30000 ms timeout', { timeoutMs: 30_000, sql })
 */
export interface QueryTimeoutErrorOptions extends RedshiftErrorOptions {
  /** The limit that expired. */
  readonly timeoutMs?: number
}

/**
 * The query ran past its timeout (the client's timer or the server's `statement_timeout`) and was
 * cancelled. Not retryable by default: repeat only idempotent work.
 *
 * @example
 * new QueryTimeoutError('query exceeded its 30000 ms timeout', { timeoutMs: 30_000 })
 */
export class QueryTimeoutError extends RedshiftError {
  static readonly code = 'QUERY_TIMEOUT'
  override readonly name = 'QueryTimeoutError' as const
  declare readonly code: 'QUERY_TIMEOUT'
  /** The limit that expired, when known. */
  declare readonly timeoutMs?: number

  constructor(message: string, options: QueryTimeoutErrorOptions = {}) {
    super(message, options, { code: 'QUERY_TIMEOUT', retryable: false, fault: 'client' })
    if (options.timeoutMs !== undefined) (this as { timeoutMs?: number }).timeoutMs = options.timeoutMs
  }
}

/**
 * The query was cancelled (SQLSTATE 57014: `CANCEL`, `pg_cancel_backend`, an aborted signal).
 *
 * @example
 * new QueryCancelledError("Query (1234) cancelled on user's request")
 */
export class QueryCancelledError extends RedshiftError {
  static readonly code = 'QUERY_CANCELLED'
  override readonly name = 'QueryCancelledError' as const
  declare readonly code: 'QUERY_CANCELLED'

  constructor(message: string, options: RedshiftErrorOptions = {}) {
    super(message, options, { code: 'QUERY_CANCELLED', retryable: false, fault: 'client' })
  }
}

/**
 * The server rejected or failed the statement, for a reason no more specific class covers
 * (syntax, data, constraint, internal errors). `sqlState` and the server's fields tell more; some
 * transient causes (WLM abort code 1020, Spectrum S3 errors) are marked retryable.
 *
 * @example
 * new QueryFailedError('syntax error at or near "SELEC"', { sqlState: '42601', position: '1' })
 */
export class QueryFailedError extends RedshiftError {
  static readonly code = 'QUERY_FAILED'
  override readonly name = 'QueryFailedError' as const
  declare readonly code: 'QUERY_FAILED'

  constructor(message: string, options: RedshiftErrorOptions = {}) {
    super(message, options, { code: 'QUERY_FAILED', retryable: false, fault: 'server' })
  }
}

/**
 * The user lacks a privilege (SQLSTATE 42501, or an AWS `AccessDenied`).
 *
 * @example
 * new PermissionDeniedError('permission denied for relation sales')
 */
export class PermissionDeniedError extends RedshiftError {
  static readonly code = 'PERMISSION_DENIED'
  override readonly name = 'PermissionDeniedError' as const
  declare readonly code: 'PERMISSION_DENIED'

  constructor(message: string, options: RedshiftErrorOptions = {}) {
    super(message, options, { code: 'PERMISSION_DENIED', retryable: false, fault: 'client' })
  }
}

/**
 * Concurrent transactions conflicted: Redshift's `1023 Serializable isolation violation` (SQLSTATE
 * XX000), a snapshot-isolation write conflict, PostgreSQL's 40001 or a deadlock (40P01). Retry the
 * whole transaction.
 *
 * @example
 * new SerializationConflictError('1023', { sqlState: 'XX000', detail: 'Serializable isolation violation on table - 100' })
 */
export class SerializationConflictError extends RedshiftError {
  static readonly code = 'SERIALIZATION_CONFLICT'
  override readonly name = 'SerializationConflictError' as const
  declare readonly code: 'SERIALIZATION_CONFLICT'

  constructor(message: string, options: RedshiftErrorOptions = {}) {
    super(message, options, { code: 'SERIALIZATION_CONFLICT', retryable: true, fault: 'server' })
  }
}

/**
 * A COPY failed (`Load into table 't' failed. Check 'stl_load_errors' ...`). `copyFromS3` and
 * `copyFromDynamoDb` attach the rows STL_LOAD_ERRORS holds for it as `loadErrors`; otherwise
 * `getLoadErrors` tells which rows.
 *
 * @example
 * new LoadFailedError("Load into table 'events' failed.  Check 'stl_load_errors' system table for details.")
 */
export class LoadFailedError extends RedshiftError {
  static readonly code = 'LOAD_FAILED'
  override readonly name = 'LoadFailedError' as const
  declare readonly code: 'LOAD_FAILED'
  /**
   * The rows STL_LOAD_ERRORS recorded for the failed COPY, already read by `copyFromS3` /
   * `copyFromDynamoDb` (empty when the COPY failed before loading, e.g. a missing file).
   */
  declare readonly loadErrors?: readonly LoadError[]

  constructor(
    message: string,
    options: RedshiftErrorOptions & { readonly loadErrors?: readonly LoadError[] } = {},
  ) {
    super(message, options, { code: 'LOAD_FAILED', retryable: false, fault: 'server' })
    if (options.loadErrors !== undefined) {
      Object.defineProperty(this, 'loadErrors', {
        value: Object.freeze([...options.loadErrors]),
        enumerable: true,
      })
    }
  }
}

/**
 * An UNLOAD failed (S3 access, existing files without ALLOWOVERWRITE, ...).
 *
 * @example
 * new UnloadFailedError('Specified unload destination on S3 is not empty')
 */
export class UnloadFailedError extends RedshiftError {
  static readonly code = 'UNLOAD_FAILED'
  override readonly name = 'UnloadFailedError' as const
  declare readonly code: 'UNLOAD_FAILED'

  constructor(message: string, options: RedshiftErrorOptions = {}) {
    super(message, options, { code: 'UNLOAD_FAILED', retryable: false, fault: 'server' })
  }
}

/**
 * Something named does not exist: a table or column (42P01, 42703), function (42883), schema
 * (3F000), database (3D000), prepared statement (26000), or an async query / statement id.
 *
 * @example
 * new NotFoundError('relation "missing" does not exist', { sqlState: '42P01' })
 */
export class NotFoundError extends RedshiftError {
  static readonly code = 'NOT_FOUND'
  override readonly name = 'NotFoundError' as const
  declare readonly code: 'NOT_FOUND'

  constructor(message: string, options: RedshiftErrorOptions = {}) {
    super(message, options, { code: 'NOT_FOUND', retryable: false, fault: 'client' })
  }
}

/**
 * The transaction already failed (SQLSTATE 25P02); nothing runs until ROLLBACK.
 *
 * @example
 * new TransactionAbortedError('current transaction is aborted, commands ignored until end of transaction block')
 */
export class TransactionAbortedError extends RedshiftError {
  static readonly code = 'TRANSACTION_ABORTED'
  override readonly name = 'TransactionAbortedError' as const
  declare readonly code: 'TRANSACTION_ABORTED'

  constructor(message: string, options: RedshiftErrorOptions = {}) {
    super(message, options, { code: 'TRANSACTION_ABORTED', retryable: false, fault: 'client' })
  }
}

/**
 * A result exceeded a limit (the client's row or byte cap, the Data API's result size); stream it instead.
 *
 * @example
 * new ResultTooLargeError('result exceeds 100000 rows; use streamResults()')
 */
export class ResultTooLargeError extends RedshiftError {
  static readonly code = 'RESULT_TOO_LARGE'
  override readonly name = 'ResultTooLargeError' as const
  declare readonly code: 'RESULT_TOO_LARGE'

  constructor(message: string, options: RedshiftErrorOptions = {}) {
    super(message, options, { code: 'RESULT_TOO_LARGE', retryable: false, fault: 'client' })
  }
}
