import { ConfigError, UnsupportedError, ValidationError } from '../../errors/client-errors.js'
import {
  AuthenticationError,
  CircuitOpenError,
  ConnectionFailedError,
  ConnectionLostError,
  PoolClosedError,
  PoolExhaustedError,
  RateLimitedError,
} from '../../errors/connection-errors.js'
import {
  LoadFailedError,
  NotFoundError,
  PermissionDeniedError,
  QueryCancelledError,
  QueryFailedError,
  QueryTimeoutError,
  ResultTooLargeError,
  SerializationConflictError,
  TransactionAbortedError,
  UnloadFailedError,
} from '../../errors/query-errors.js'
import { redactSecrets } from '../../errors/redact.js'
import {
  type ErrorFault,
  type ErrorMetadata,
  isRedshiftError,
  type RedshiftError,
  type RedshiftErrorCode,
  type RedshiftErrorOptions,
} from '../../errors/redshift-error.js'
import { SERVER_ERROR_FIELDS, serverFieldsOf } from '../../errors/server-error-fields.js'

type ErrorClass = new (message: string, options: RedshiftErrorOptions) => RedshiftError

const CLASSES: Readonly<Record<RedshiftErrorCode, ErrorClass>> = {
  CONFIG_INVALID: ConfigError,
  AUTHENTICATION_FAILED: AuthenticationError,
  CONNECTION_FAILED: ConnectionFailedError,
  CONNECTION_LOST: ConnectionLostError,
  POOL_EXHAUSTED: PoolExhaustedError,
  POOL_CLOSED: PoolClosedError,
  QUERY_TIMEOUT: QueryTimeoutError,
  QUERY_CANCELLED: QueryCancelledError,
  QUERY_FAILED: QueryFailedError,
  PERMISSION_DENIED: PermissionDeniedError,
  SERIALIZATION_CONFLICT: SerializationConflictError,
  LOAD_FAILED: LoadFailedError,
  UNLOAD_FAILED: UnloadFailedError,
  VALIDATION_FAILED: ValidationError,
  NOT_FOUND: NotFoundError,
  CIRCUIT_OPEN: CircuitOpenError,
  RATE_LIMITED: RateLimitedError,
  TRANSACTION_ABORTED: TransactionAbortedError,
  RESULT_TOO_LARGE: ResultTooLargeError,
  UNSUPPORTED: UnsupportedError,
}

const BASE_KEYS = new Set<string>([
  'name',
  'code',
  'retryable',
  'fault',
  'metadata',
  'message',
  'stack',
  'cause',
  ...SERVER_ERROR_FIELDS,
])

/** A JSON form of anything an error carries: dates, bigints and bytes tagged, objects as `$object`. */
export type EncodedDeep =
  | null
  | boolean
  | number
  | string
  | { readonly $bigint: string }
  | { readonly $date: string }
  | { readonly $bytes: string }
  | { readonly $object: { readonly [key: string]: EncodedDeep } }
  | readonly EncodedDeep[]

/** An error in a recording: its class (by stable code), message, server fields and extra fields. */
export interface RecordedError {
  readonly name: string
  /** The `RedshiftError` code; absent for an error that was not a `RedshiftError`. */
  readonly code?: RedshiftErrorCode
  readonly message: string
  readonly retryable?: boolean
  readonly fault?: ErrorFault
  /** The server's fields (`sqlState`, `detail`, `hint`, ...). */
  readonly fields?: { readonly [key: string]: string }
  readonly metadata?: ErrorMetadata
  /** Other fields of the error class (`problems`, `loadErrors`, `timeoutMs`, `retryAfterMs`, ...). */
  readonly extra?: { readonly [key: string]: EncodedDeep }
}

function encodeDeep(value: unknown): EncodedDeep {
  if (value === null || value === undefined) return null
  if (typeof value === 'boolean' || typeof value === 'number') return value
  if (typeof value === 'string') return redactSecrets(value)
  if (typeof value === 'bigint') return { $bigint: value.toString() }
  if (value instanceof Date) return { $date: value.toISOString() }
  if (value instanceof Uint8Array) return { $bytes: Buffer.from(value).toString('base64') }
  if (Array.isArray(value)) return value.map(encodeDeep)
  if (typeof value === 'object') {
    const out: Record<string, EncodedDeep> = {}
    for (const [k, v] of Object.entries(value)) if (typeof v !== 'function') out[k] = encodeDeep(v)
    return { $object: out }
  }
  return String(value)
}

function decodeDeep(value: EncodedDeep): unknown {
  if (value === null || typeof value !== 'object') return value
  if (Array.isArray(value)) return Object.freeze(value.map(decodeDeep))
  const tagged = value as Record<string, unknown>
  if ('$bigint' in tagged) return BigInt(tagged.$bigint as string)
  if ('$date' in tagged) return new Date(tagged.$date as string)
  if ('$bytes' in tagged) return new Uint8Array(Buffer.from(tagged.$bytes as string, 'base64'))
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries((tagged.$object ?? {}) as Record<string, EncodedDeep>))
    out[k] = decodeDeep(v)
  return Object.freeze(out)
}

/** An error as a recording holds it (secrets are already out of `RedshiftError` messages and fields). */
export function encodeError(error: unknown): RecordedError {
  if (!isRedshiftError(error)) {
    const e = error instanceof Error ? error : new Error(String(error))
    return { name: e.name, message: redactSecrets(e.message) }
  }
  const fields: { readonly [key: string]: string } = { ...serverFieldsOf(error) }
  const extra: Record<string, EncodedDeep> = {}
  for (const [k, v] of Object.entries(error)) if (!BASE_KEYS.has(k)) extra[k] = encodeDeep(v)
  return {
    name: error.name,
    code: error.code,
    message: error.message,
    retryable: error.retryable,
    fault: error.fault,
    ...(Object.keys(fields).length === 0 ? {} : { fields }),
    metadata: error.metadata,
    ...(Object.keys(extra).length === 0 ? {} : { extra }),
  }
}

/** The error a recording holds, rebuilt as the same class with the same message and fields. */
export function decodeError(recorded: RecordedError): Error {
  const Class = recorded.code === undefined ? undefined : CLASSES[recorded.code]
  if (Class === undefined) {
    const error = new Error(recorded.message)
    error.name = recorded.name
    return error
  }
  const error = new Class(recorded.message, {
    ...(recorded.fields ?? {}),
    ...(recorded.retryable === undefined ? {} : { retryable: recorded.retryable }),
    ...(recorded.fault === undefined ? {} : { fault: recorded.fault }),
    ...(recorded.metadata === undefined ? {} : { metadata: recorded.metadata }),
  })
  for (const [k, v] of Object.entries(recorded.extra ?? {})) {
    Object.defineProperty(error, k, {
      value: decodeDeep(v),
      enumerable: true,
      writable: false,
      configurable: true,
    })
  }
  return error
}
