import { inspect } from 'node:util'
import { describe, expect, it } from 'vitest'
import {
  AuthenticationError,
  CircuitOpenError,
  ConfigError,
  ConnectionFailedError,
  ConnectionLostError,
  isRedshiftError,
  isRetryableError,
  LoadFailedError,
  NotFoundError,
  PermissionDeniedError,
  PoolClosedError,
  PoolExhaustedError,
  QueryCancelledError,
  QueryFailedError,
  QueryTimeoutError,
  RateLimitedError,
  REDSHIFT_ERROR_CODES,
  RedshiftError,
  ResultTooLargeError,
  redactSecrets,
  SerializationConflictError,
  TransactionAbortedError,
  UnloadFailedError,
  UnsupportedError,
  ValidationError,
} from '../../src/index.js'

const classes = [
  [ConfigError, 'CONFIG_INVALID', false],
  [AuthenticationError, 'AUTHENTICATION_FAILED', false],
  [ConnectionFailedError, 'CONNECTION_FAILED', true],
  [ConnectionLostError, 'CONNECTION_LOST', true],
  [PoolExhaustedError, 'POOL_EXHAUSTED', true],
  [PoolClosedError, 'POOL_CLOSED', false],
  [QueryTimeoutError, 'QUERY_TIMEOUT', false],
  [QueryCancelledError, 'QUERY_CANCELLED', false],
  [QueryFailedError, 'QUERY_FAILED', false],
  [PermissionDeniedError, 'PERMISSION_DENIED', false],
  [SerializationConflictError, 'SERIALIZATION_CONFLICT', true],
  [LoadFailedError, 'LOAD_FAILED', false],
  [UnloadFailedError, 'UNLOAD_FAILED', false],
  [ValidationError, 'VALIDATION_FAILED', false],
  [NotFoundError, 'NOT_FOUND', false],
  [CircuitOpenError, 'CIRCUIT_OPEN', false],
  [RateLimitedError, 'RATE_LIMITED', true],
  [TransactionAbortedError, 'TRANSACTION_ABORTED', false],
  [ResultTooLargeError, 'RESULT_TOO_LARGE', false],
  [UnsupportedError, 'UNSUPPORTED', false],
] as const

describe('RedshiftError hierarchy', () => {
  it.each(classes)('%o has its code, name and default retryability', (Cls, code, retryable) => {
    const e = new Cls('boom')
    expect(e).toBeInstanceOf(Error)
    expect(e).toBeInstanceOf(RedshiftError)
    expect(e).toBeInstanceOf(Cls)
    expect(e.code).toBe(code)
    expect(e.name).toBe(Cls.name)
    expect(e.retryable).toBe(retryable)
    expect(e.message).toBe('boom')
    expect(e.stack?.startsWith(`${Cls.name}: boom`)).toBe(true)
    expect(isRedshiftError(e)).toBe(true)
  })

  it('has one class per code', () => {
    expect(classes.map(([, code]) => code).sort()).toEqual([...REDSHIFT_ERROR_CODES].sort())
  })

  it('is not an instance of a sibling class', () => {
    expect(new ConnectionFailedError('x')).not.toBeInstanceOf(ConnectionLostError)
  })

  it('keeps cause, server fields, metadata, and allows overriding retryable and fault', () => {
    const cause = new Error('socket')
    const e = new QueryFailedError('bad', {
      cause,
      sqlState: '42601',
      detail: 'd',
      hint: 'h',
      position: '7',
      severity: 'ERROR',
      routine: 'r',
      retryable: true,
      fault: 'network',
      metadata: { transport: 'wire', queryId: '42', pid: 7, attempts: 2 },
    })
    expect(e.cause).toBe(cause)
    expect([e.sqlState, e.detail, e.hint, e.position, e.severity, e.routine]).toEqual([
      '42601',
      'd',
      'h',
      '7',
      'ERROR',
      'r',
    ])
    expect(e.retryable).toBe(true)
    expect(e.fault).toBe('network')
    expect(e.metadata).toEqual({ transport: 'wire', queryId: '42', pid: 7, attempts: 2 })
    expect(e.withMetadata({ attempts: 3 }).metadata).toEqual({
      transport: 'wire',
      queryId: '42',
      pid: 7,
      attempts: 3,
    })
    expect(isRetryableError(e)).toBe(true)
  })

  it('recognises an error of another copy of the package by its brand', () => {
    const foreign = Object.assign(
      Object.create({ [Symbol.for('@redshift-kit/client.RedshiftError')]: true }),
      {
        code: 'SERIALIZATION_CONFLICT',
        retryable: true,
      },
    )
    expect(isRedshiftError(foreign)).toBe(true)
    expect(foreign instanceof RedshiftError).toBe(true)
    expect(foreign instanceof SerializationConflictError).toBe(true)
    expect(foreign instanceof ConfigError).toBe(false)
    expect(isRedshiftError(new Error('plain'))).toBe(false)
    expect(isRedshiftError({ code: 'CONFIG_INVALID' })).toBe(false)
  })

  it('keeps the SQL non-enumerable and redacted', () => {
    const e = new QueryFailedError("syntax error PASSWORD 'hunter2'", {
      sql: "ALTER USER bob PASSWORD 'hunter2'",
    })
    expect(e.sql).toBe("ALTER USER bob PASSWORD '***'")
    expect(Object.keys(e)).not.toContain('sql')
    expect(JSON.stringify(e)).not.toContain('hunter2')
    expect(inspect(e)).not.toContain('hunter2')
    expect(e.message).toBe("syntax error PASSWORD '***'")
  })

  it('lists every problem of a ConfigError / ValidationError in its message', () => {
    const e = new ConfigError('invalid', {
      problems: [
        { field: 'port', message: 'must be a number', source: 'REDSHIFT_PORT' },
        { field: 'poolSize', message: 'must be positive' },
      ],
    })
    expect(e.problems).toHaveLength(2)
    expect(e.message).toBe(
      'invalid:\n  - port: must be a number (from REDSHIFT_PORT)\n  - poolSize: must be positive',
    )
    expect(Object.isFrozen(e.problems)).toBe(true)
    expect(new ValidationError('bad', { problems: [{ field: '$1', message: 'x' }] }).problems[0]?.field).toBe(
      '$1',
    )
  })

  it('carries retryAfterMs and timeoutMs where they apply', () => {
    expect(new RateLimitedError('slow down', { retryAfterMs: 50 }).retryAfterMs).toBe(50)
    expect(new CircuitOpenError('open', { retryAfterMs: 1000 }).retryAfterMs).toBe(1000)
    expect(new QueryTimeoutError('late', { timeoutMs: 30 }).timeoutMs).toBe(30)
  })
})

describe('redactSecrets', () => {
  it.each([
    ["CREATE USER bob PASSWORD 'Secret1'", "CREATE USER bob PASSWORD '***'"],
    ["ALTER USER bob PASSWORD 'it''s'", "ALTER USER bob PASSWORD '***'"],
    [
      "COPY t FROM 's3://b/k' CREDENTIALS 'aws_access_key_id=AKIAIOSFODNN7EXAMPLE;aws_secret_access_key=wJalr'",
      "COPY t FROM 's3://b/k' CREDENTIALS '***'",
    ],
    [
      "COPY t FROM 's3://b' ACCESS_KEY_ID 'AKIAIOSFODNN7EXAMPLE' SECRET_ACCESS_KEY 'wJalr/K7' SESSION_TOKEN 'FQoG'",
      "COPY t FROM 's3://b' ACCESS_KEY_ID '***' SECRET_ACCESS_KEY '***' SESSION_TOKEN '***'",
    ],
    [
      "UNLOAD ('x') TO 's3://b' MASTER_SYMMETRIC_KEY 'c2VjcmV0'",
      "UNLOAD ('x') TO 's3://b' MASTER_SYMMETRIC_KEY '***'",
    ],
    ['redshift://bob:pa55@host:5439/dev', 'redshift://bob:***@host:5439/dev'],
    ['host=h password=pa55 user=u', 'host=h password=*** user=u'],
    ['key AKIAIOSFODNN7EXAMPLE leaked', 'key *** leaked'],
    ["truncated PASSWORD 'abc", "truncated PASSWORD '***'"],
    ["IAM_ROLE 'arn:aws:iam::123456789012:role/R'", "IAM_ROLE 'arn:aws:iam::123456789012:role/R'"],
  ])('%s', (input, output) => {
    expect(redactSecrets(input)).toBe(output)
  })
})
