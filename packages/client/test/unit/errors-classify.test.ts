import { describe, expect, it } from 'vitest'
import type { ClassifyContext } from '../../src/errors/classify.js'
import {
  AuthenticationError,
  ConnectionFailedError,
  ConnectionLostError,
  classifyError,
  LoadFailedError,
  NotFoundError,
  PermissionDeniedError,
  QueryCancelledError,
  QueryFailedError,
  QueryTimeoutError,
  RateLimitedError,
  type RedshiftError,
  SerializationConflictError,
  TransactionAbortedError,
  UnloadFailedError,
  ValidationError,
} from '../../src/index.js'

type ErrorClass = abstract new (...args: never[]) => RedshiftError

/** A pg DatabaseError look-alike: `code` is the SQLSTATE. */
function db(code: string, message: string, extra: Record<string, string> = {}) {
  return Object.assign(new Error(message), { name: 'error', severity: 'ERROR', code, ...extra })
}
function net(code: string, message = `connect ${code} 10.0.0.1:5439`) {
  return Object.assign(new Error(message), { code, errno: -1, syscall: 'connect' })
}
function aws(name: string, fault: 'client' | 'server' = 'client') {
  return Object.assign(new Error(`${name} happened`), {
    name,
    $fault: fault,
    $metadata: { httpStatusCode: 400 },
  })
}

const table: [string, unknown, ClassifyContext, ErrorClass, boolean][] = [
  [
    '1023 serializable',
    db('XX000', '1023', { detail: 'Serializable isolation violation on table - 1' }),
    {},
    SerializationConflictError,
    true,
  ],
  [
    'serializable text only',
    db('XX000', 'ERROR: Serializable isolation violation on table'),
    {},
    SerializationConflictError,
    true,
  ],
  [
    'snapshot conflict',
    db('XX000', 'could not complete because of conflict with concurrent transaction'),
    {},
    SerializationConflictError,
    true,
  ],
  ['40001', db('40001', 'could not serialize access'), {}, SerializationConflictError, true],
  ['40P01 deadlock', db('40P01', 'deadlock detected'), {}, SerializationConflictError, true],
  [
    '1018 relation vanished',
    db('XX000', '1018', { detail: 'Relation does not exist.' }),
    {},
    SerializationConflictError,
    true,
  ],
  ['57014 cancel', db('57014', "Query (123) cancelled on user's request"), {}, QueryCancelledError, false],
  [
    '57014 timeout',
    db('57014', "Query (123) cancelled on user's request"),
    { timedOut: true },
    QueryTimeoutError,
    false,
  ],
  [
    '53300 connection limit',
    db('53300', 'connection limit "500" exceeded for non-bootstrap users'),
    {},
    ConnectionFailedError,
    true,
  ],
  ['28000 auth', db('28000', 'password authentication failed for user "x"'), {}, AuthenticationError, false],
  ['28P01 auth', db('28P01', 'password authentication failed'), {}, AuthenticationError, false],
  ['42501 permission', db('42501', 'permission denied for relation sales'), {}, PermissionDeniedError, false],
  ['XX000 permission text', db('XX000', 'permission denied for schema s'), {}, PermissionDeniedError, false],
  ['25P02 aborted', db('25P02', 'current transaction is aborted'), {}, TransactionAbortedError, false],
  [
    'load failed',
    db('XX000', "Load into table 'events' failed.  Check 'stl_load_errors' system table for details."),
    {},
    LoadFailedError,
    false,
  ],
  [
    '1020 abort',
    db('XX000', 'Query aborted', { detail: 'error: abort query code: 1020 context: system requested abort' }),
    {},
    QueryFailedError,
    true,
  ],
  [
    'spectrum S3',
    db('XX000', 'Spectrum Scan Error', { detail: 'S3Query Exception (Fetch)' }),
    {},
    QueryFailedError,
    true,
  ],
  ['42P01 missing table', db('42P01', 'relation "nope" does not exist'), {}, NotFoundError, false],
  ['42703 missing column', db('42703', 'column "nope" does not exist'), {}, NotFoundError, false],
  ['42601 syntax', db('42601', 'syntax error at or near "SELEC"'), {}, QueryFailedError, false],
  [
    'XX000 during copy',
    db('XX000', 'S3ServiceException: Access Denied'),
    { operation: 'copy' },
    LoadFailedError,
    false,
  ],
  [
    'XX000 during unload',
    db('XX000', 'Specified unload destination on S3 is not empty'),
    { operation: 'unload' },
    UnloadFailedError,
    false,
  ],
  [
    '57P01 admin shutdown',
    db('57P01', 'terminating connection due to administrator command'),
    {},
    ConnectionLostError,
    true,
  ],
  [
    '08006 at connect',
    db('08006', 'connection failure'),
    { operation: 'connect' },
    ConnectionFailedError,
    true,
  ],
  ['ECONNREFUSED', net('ECONNREFUSED'), {}, ConnectionFailedError, true],
  ['ECONNRESET mid-query', net('ECONNRESET', 'read ECONNRESET'), {}, ConnectionLostError, true],
  [
    'ECONNRESET at connect',
    net('ECONNRESET', 'read ECONNRESET'),
    { operation: 'connect' },
    ConnectionFailedError,
    true,
  ],
  ['ETIMEDOUT', net('ETIMEDOUT'), {}, ConnectionLostError, true],
  ['EPIPE', net('EPIPE', 'write EPIPE'), {}, ConnectionLostError, true],
  ['ENOTFOUND', net('ENOTFOUND', 'getaddrinfo ENOTFOUND nohost'), {}, ConnectionFailedError, false],
  [
    'TLS altname',
    net('ERR_TLS_CERT_ALTNAME_INVALID', "Hostname/IP does not match certificate's altnames"),
    {},
    ConnectionFailedError,
    false,
  ],
  ['pg terminated', new Error('Connection terminated unexpectedly'), {}, ConnectionLostError, true],
  [
    'pg connect timeout',
    new Error('Connection terminated due to connection timeout'),
    {},
    ConnectionFailedError,
    true,
  ],
  ['pg no SSL', new Error('The server does not support SSL connections'), {}, ConnectionFailedError, false],
  [
    'pg SASL',
    new Error('SASL: SCRAM-SERVER-FIRST-MESSAGE: client password must be a string'),
    {},
    AuthenticationError,
    false,
  ],
  ['AbortError', Object.assign(new Error('aborted'), { name: 'AbortError' }), {}, QueryCancelledError, false],
  [
    'TimeoutError',
    Object.assign(new Error('timed out'), { name: 'TimeoutError' }),
    {},
    QueryTimeoutError,
    false,
  ],
  ['Data API throttle', aws('ThrottlingException'), {}, RateLimitedError, true],
  ['Data API active statements', aws('ActiveStatementsExceededException'), {}, RateLimitedError, true],
  ['Data API validation', aws('ValidationException'), {}, ValidationError, false],
  ['Data API not found', aws('ResourceNotFoundException'), {}, NotFoundError, false],
  ['Data API db connection', aws('DatabaseConnectionException', 'server'), {}, ConnectionFailedError, true],
  ['Data API internal', aws('InternalServerException', 'server'), {}, QueryFailedError, true],
  ['Data API expired token', aws('ExpiredTokenException'), {}, AuthenticationError, false],
  ['Data API access denied', aws('AccessDeniedException'), {}, PermissionDeniedError, false],
  [
    'Data API failed statement text',
    'ERROR: 1023 DETAIL: Serializable isolation violation on table - 100',
    {},
    SerializationConflictError,
    true,
  ],
  ['unknown error', new TypeError('x is not a function'), {}, QueryFailedError, false],
]

describe('classifyError', () => {
  it.each(table)('%s', (_name, input, context, Expected, retryable) => {
    const e = classifyError(input, context)
    expect(e).toBeInstanceOf(Expected)
    expect(e.retryable).toBe(retryable)
    if (typeof input === 'object') expect(e.cause).toBe(input)
  })

  it('keeps every server field and the SQL', () => {
    const e = classifyError(
      db('42601', 'syntax error', {
        detail: 'd',
        hint: 'h',
        position: '8',
        routine: 'scanner_yyerror',
        file: 'scan.l',
        line: '1',
      }),
      { sql: 'SELEC 1', metadata: { transport: 'wire', pid: 9 } },
    )
    expect(e.sqlState).toBe('42601')
    expect([e.detail, e.hint, e.position, e.routine, e.file, e.line]).toEqual([
      'd',
      'h',
      '8',
      'scanner_yyerror',
      'scan.l',
      '1',
    ])
    expect(e.sql).toBe('SELEC 1')
    expect(e.metadata).toEqual({ transport: 'wire', pid: 9 })
    expect(e.fault).toBe('server')
  })

  it('copies the timeout onto QueryTimeoutError', () => {
    const e = classifyError(db('57014', 'cancelled'), { timedOut: true, timeoutMs: 1500 })
    expect(e).toBeInstanceOf(QueryTimeoutError)
    expect((e as QueryTimeoutError).timeoutMs).toBe(1500)
  })

  it('returns a RedshiftError as is, merging metadata', () => {
    const original = new ConnectionFailedError('timeout')
    const e = classifyError(original, { metadata: { attempts: 3 } })
    expect(e).toBe(original)
    expect(e.metadata.attempts).toBe(3)
  })

  it('redacts secrets the server echoed back', () => {
    const e = classifyError(db('42601', "syntax error in CREATE USER x PASSWORD 'hunter2'"))
    expect(e.message).not.toContain('hunter2')
  })
})
