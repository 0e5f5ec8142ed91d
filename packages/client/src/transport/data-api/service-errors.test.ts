import { describe, expect, it } from 'vitest'
import { serviceFailure, statementFailure } from './service-errors.js'

/** An AWS SDK exception as the SDK builds them: name, $fault, $metadata. */
function sdkError(name: string, message: string, status = 400): Error {
  return Object.assign(new Error(message), { name, $fault: 'client', $metadata: { httpStatusCode: status } })
}

describe('serviceFailure', () => {
  it('makes throttling and the active-statement limits retryable RateLimitedErrors', () => {
    for (const name of [
      'ThrottlingException',
      'ActiveStatementsExceededException',
      'ActiveSessionsExceededException',
    ]) {
      const e = serviceFailure(sdkError(name, 'slow down'), 'ExecuteStatement')
      expect([e.name, e.retryable, e.metadata.transport]).toEqual(['RateLimitedError', true, 'data-api'])
    }
  })

  it('maps the other service exceptions onto the RedshiftError tree', () => {
    const of = (name: string) => serviceFailure(sdkError(name, 'x'), 'DescribeStatement', 'abc').name
    expect(of('ValidationException')).toBe('ValidationError')
    expect(of('ResourceNotFoundException')).toBe('NotFoundError')
    expect(of('DatabaseConnectionException')).toBe('ConnectionFailedError')
    expect(of('QueryTimeoutException')).toBe('QueryTimeoutError')
    expect(of('UnrecognizedClientException')).toBe('AuthenticationError')
  })

  it('never keeps the SDK exception itself (it can hold the raw response)', () => {
    const raw = Object.assign(sdkError('ThrottlingException', 'slow down'), { $response: { body: 'secret' } })
    const e = serviceFailure(raw, 'ExecuteStatement')
    expect(e.cause).not.toBe(raw)
    expect(JSON.stringify(e.cause)).not.toContain('secret')
  })
})

describe('statementFailure', () => {
  it('classifies the database message as the wire would, with the statement id', () => {
    const e = statementFailure('ERROR: relation "nope" does not exist', 'id-1', 'SELECT * FROM nope')
    expect([e.name, e.sqlState, e.metadata.statementId]).toEqual(['NotFoundError', '42P01', 'id-1'])
  })
})

describe('statementFailure over the service result limits', () => {
  it('says a result or a row is too large for the Data API, and what to do instead', () => {
    const whole = statementFailure(
      "Database response exceeded size limit: the result is larger than the Data API's limit of 524288000 bytes.",
      'st-1',
      'SELECT * FROM big',
    )
    expect([whole.name, whole.retryable]).toEqual(['ResultTooLargeError', false])
    expect(whole.message).toMatch(/500 MB.*LIMIT.*UNLOAD/)
    const row = statementFailure(
      'Packet for query is too large: a row of the result has 70000 bytes',
      'st-2',
      'SELECT',
    )
    expect([row.name, row.message]).toEqual(['ResultTooLargeError', expect.stringMatching(/64 KB per row/)])
  })
})
