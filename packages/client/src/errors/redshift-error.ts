import { redactOptional, redactSecrets } from './redact.js'
import { collectServerFields, type ServerErrorFields } from './server-error-fields.js'

/**
 * Every stable error code of the library, one per {@link RedshiftError} subclass.
 *
 * @example
 * REDSHIFT_ERROR_CODES.includes('POOL_EXHAUSTED') // true
 */
export const REDSHIFT_ERROR_CODES = [
  'CONFIG_INVALID',
  'AUTHENTICATION_FAILED',
  'CONNECTION_FAILED',
  'CONNECTION_LOST',
  'POOL_EXHAUSTED',
  'POOL_CLOSED',
  'QUERY_TIMEOUT',
  'QUERY_CANCELLED',
  'QUERY_FAILED',
  'PERMISSION_DENIED',
  'SERIALIZATION_CONFLICT',
  'LOAD_FAILED',
  'UNLOAD_FAILED',
  'VALIDATION_FAILED',
  'NOT_FOUND',
  'CIRCUIT_OPEN',
  'RATE_LIMITED',
  'TRANSACTION_ABORTED',
  'RESULT_TOO_LARGE',
  'UNSUPPORTED',
] as const

/**
 * A stable, machine-readable error code; see {@link REDSHIFT_ERROR_CODES}.
 *
 * @example
 * const code: RedshiftErrorCode = 'SERIALIZATION_CONFLICT'
 * if (isRedshiftError(e) && e.code === code) retryTransaction()
 */
export type RedshiftErrorCode = (typeof REDSHIFT_ERROR_CODES)[number]

/**
 * Who is to blame: the caller (`client`: bad input, configuration, permissions), the database
 * (`server`), or the network between them (`network`).
 *
 * @example
 * const fault: ErrorFault | undefined = isRedshiftError(e) ? e.fault : undefined
 * if (fault === 'network') reconnectLater()
 */
export type ErrorFault = 'client' | 'server' | 'network'

/**
 * Where and how an error happened; filled by the layers it passes through.
 *
 * @example
 * const { transport, queryId, attempts }: ErrorMetadata = error.metadata
 */
export interface ErrorMetadata {
  /** The transport that raised it: `'wire'`, `'data-api'`, `'mock'`, ... */
  readonly transport?: string
  /** Redshift's query id (or the Data API statement id) when known. */
  readonly queryId?: string
  /** The Data API statement id, when the transport is `data-api`. */
  readonly statementId?: string
  /** The server process id of the session. */
  readonly pid?: number
  /** How many attempts were made, retries included. */
  readonly attempts?: number
}

/**
 * Options every error constructor takes (all optional).
 *
 * @example
 * new QueryFailedError('division by zero', { sqlState: '22012', cause: e, metadata: { transport: 'wire' } })
 */
export interface RedshiftErrorOptions extends ServerErrorFields {
  /** The underlying error (a `pg` DatabaseError, a socket error, an AWS SDK exception, ...). */
  readonly cause?: unknown
  /** Overrides the class's default retryability. */
  readonly retryable?: boolean
  /** Overrides the class's default fault. */
  readonly fault?: ErrorFault
  readonly metadata?: ErrorMetadata
  /** The statement that failed; kept non-enumerable and redacted of secrets. */
  readonly sql?: string
  /**
   * Whether the statement reached the server: `false` when it provably never left the client (no
   * connection could be opened, the pool had none, the call was refused or cancelled before sending),
   * so running it again cannot run it twice; `true` when it was sent (or may have been). Defaults per
   * class: `false` for `ConnectionFailedError`, `PoolExhaustedError`, `PoolClosedError`,
   * `ValidationError`, `ConfigError`, `CircuitOpenError`, `RateLimitedError`; otherwise `true`.
   */
  readonly sent?: boolean
}

/** Per-class defaults handed to the root constructor by each subclass. */
export interface ErrorClassDefaults {
  readonly code: RedshiftErrorCode
  readonly retryable: boolean
  readonly fault: ErrorFault
  /** @default true */
  readonly sent?: boolean
}

const BRAND: unique symbol = Symbol.for('@redshift-kit/client.RedshiftError') as never

/**
 * The root of every error the library raises. Subclasses exist per {@link RedshiftErrorCode}; test
 * with `instanceof` (which also works across two copies of the package) or {@link isRedshiftError}.
 * Messages and server fields are redacted of secrets; the SQL text is a non-enumerable `sql`.
 *
 * @example
 * try { await client.executeQuery('SELECT 1') }
 * catch (e) { if (isRedshiftError(e) && e.retryable) scheduleRetry() }
 */
export abstract class RedshiftError extends Error implements ServerErrorFields {
  override readonly name: string = 'RedshiftError'
  /** Stable code of the error's class. */
  readonly code: RedshiftErrorCode
  /** Whether running the same operation again may succeed. */
  readonly retryable: boolean
  readonly fault: ErrorFault
  /**
   * Whether the statement reached the server (see {@link RedshiftErrorOptions.sent}): `false` means
   * it never left the client, so a retry cannot run it twice. Retry policies read this, not the class.
   */
  readonly sent: boolean
  /** Where and how it happened; extended with {@link RedshiftError.withMetadata}. */
  metadata: ErrorMetadata
  declare readonly sql?: string
  declare readonly sqlState?: string
  declare readonly severity?: string
  declare readonly detail?: string
  declare readonly hint?: string
  declare readonly position?: string
  declare readonly internalPosition?: string
  declare readonly internalQuery?: string
  declare readonly where?: string
  declare readonly schema?: string
  declare readonly table?: string
  declare readonly column?: string
  declare readonly dataType?: string
  declare readonly constraint?: string
  declare readonly file?: string
  declare readonly line?: string
  declare readonly routine?: string

  protected constructor(message: string, options: RedshiftErrorOptions, defaults: ErrorClassDefaults) {
    super(redactSecrets(message), options.cause === undefined ? undefined : { cause: options.cause })
    this.code = defaults.code
    this.retryable = options.retryable ?? defaults.retryable
    this.fault = options.fault ?? defaults.fault
    this.sent = options.sent ?? defaults.sent ?? true
    this.metadata = Object.freeze({ ...options.metadata })
    Object.assign(
      this,
      collectServerFields((field) => redactOptional(options[field])),
    )
    if (options.sql !== undefined) {
      Object.defineProperty(this, 'sql', { value: redactSecrets(options.sql), enumerable: false })
    }
  }

  /** Always `true`: the cross-copy brand that {@link isRedshiftError} checks. */
  get [BRAND](): true {
    return true
  }

  /**
   * Merges `metadata` into this error's metadata (later layers add the transport, attempts, ...).
   * Returns the same error, so it can be rethrown in one expression.
   *
   * @example
   * throw error.withMetadata({ attempts: 3 })
   */
  withMetadata(metadata: ErrorMetadata): this {
    this.metadata = Object.freeze({ ...this.metadata, ...metadata })
    return this
  }

  /**
   * `instanceof` that also recognises errors built by another copy of this package: a branded error
   * is an instance of the root, and of a subclass when its `code` matches that subclass's.
   */
  static override [Symbol.hasInstance](value: unknown): boolean {
    // `this` is the class `instanceof` was asked about (a subclass, or the root itself).
    // biome-ignore lint/complexity/noThisInStatic: the receiver is the subclass being tested
    if (Function.prototype[Symbol.hasInstance].call(this, value)) return true
    if (!isRedshiftError(value)) return false
    // biome-ignore lint/complexity/noThisInStatic: the receiver is the subclass being tested
    const code = (this as { readonly code?: unknown }).code
    return code === undefined || value.code === code
  }
}

/**
 * Whether `value` is a {@link RedshiftError}, including one from another copy of the package.
 *
 * @example
 * if (isRedshiftError(e)) console.log(e.code, e.retryable)
 */
export function isRedshiftError(value: unknown): value is RedshiftError {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as { readonly [BRAND]?: unknown })[BRAND] === true &&
    typeof (value as { readonly code?: unknown }).code === 'string'
  )
}

/**
 * Whether `value` is a {@link RedshiftError} that may succeed when run again.
 *
 * @example
 * if (isRetryableError(e)) await retry()
 */
export function isRetryableError(value: unknown): value is RedshiftError {
  return isRedshiftError(value) && value.retryable
}
