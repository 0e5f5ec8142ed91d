export { type ClassifyContext, classifyError } from './classify.js'
export {
  ConfigError,
  type Problem,
  type ProblemErrorOptions,
  UnsupportedError,
  ValidationError,
} from './client-errors.js'
export {
  AuthenticationError,
  CircuitOpenError,
  ConnectionFailedError,
  ConnectionLostError,
  PoolClosedError,
  PoolExhaustedError,
  RateLimitedError,
  type RetryAfterErrorOptions,
} from './connection-errors.js'
export type { LoadError } from './load-error.js'
export {
  LoadFailedError,
  NotFoundError,
  PermissionDeniedError,
  QueryCancelledError,
  QueryFailedError,
  QueryTimeoutError,
  type QueryTimeoutErrorOptions,
  ResultTooLargeError,
  SerializationConflictError,
  TransactionAbortedError,
  UnloadFailedError,
} from './query-errors.js'
export { REDACTED, redactOptional, redactSecrets, redactSqlLiterals } from './redact.js'
export {
  type ErrorClassDefaults,
  type ErrorFault,
  type ErrorMetadata,
  isRedshiftError,
  isRetryableError,
  REDSHIFT_ERROR_CODES,
  RedshiftError,
  type RedshiftErrorCode,
  type RedshiftErrorOptions,
} from './redshift-error.js'
export {
  collectServerFields,
  SERVER_ERROR_FIELDS,
  type ServerErrorField,
  type ServerErrorFields,
  serverFieldsOf,
} from './server-error-fields.js'
