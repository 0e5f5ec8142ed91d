/**
 * The Redshift Data API's errors, by the names its SDKs switch on. AWS JSON 1.1 carries client faults
 * with HTTP 400 and service faults with 500.
 */
import { AwsApiError } from '../aws-api-error.js'

/** `ValidationException` (400): the request is malformed or names something it may not. */
export function validationError(message: string): AwsApiError {
  return new AwsApiError('ValidationException', message)
}

/** `ResourceNotFoundException` (400), carrying the `ResourceId` the SDKs expose. */
export class ResourceNotFoundError extends AwsApiError {
  readonly resourceId: string

  constructor(message: string, resourceId: string) {
    super('ResourceNotFoundException', message)
    this.resourceId = resourceId
  }
}

/** `ActiveStatementsExceededException` (400). */
export function activeStatementsExceeded(limit: number): AwsApiError {
  return new AwsApiError(
    'ActiveStatementsExceededException',
    `The number of active statements exceeds the limit of ${limit}. Wait for running statements to finish or cancel some.`,
  )
}

/** `ActiveSessionsExceededException` (400). */
export function activeSessionsExceeded(limit: number): AwsApiError {
  return new AwsApiError(
    'ActiveSessionsExceededException',
    `The number of active sessions exceeds the limit of ${limit}. Let idle sessions expire (SessionKeepAliveSeconds) or run statements without a session.`,
  )
}

/** `DatabaseConnectionException` (500): the catalog operations could not connect. */
export function databaseConnectionError(message: string): AwsApiError {
  return new AwsApiError('DatabaseConnectionException', message, 500, 'Receiver')
}

/** The JSON body of an error: `__type`, `message`, and the members the error shape adds. */
export function errorBody(error: AwsApiError): Record<string, unknown> {
  const body: Record<string, unknown> = { __type: error.code, message: error.message, Message: error.message }
  if (error instanceof ResourceNotFoundError) body.ResourceId = error.resourceId
  return body
}
