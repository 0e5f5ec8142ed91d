/**
 * An error a local AWS service answers with. Each protocol renders it in its service's real shape:
 * `<ErrorResponse><Error><Type/><Code/><Message/></Error>` for the query protocol (Redshift, STS),
 * `{"__type": ..., "message": ...}` for JSON 1.1 (Secrets Manager, Redshift Serverless).
 */
export class AwsApiError extends Error {
  override readonly name = 'AwsApiError'
  /** The error code clients switch on (`ClusterNotFound`, `ResourceNotFoundException`, ...). */
  readonly code: string
  /** HTTP status. */
  readonly status: number
  /** `Sender` (the caller's fault) or `Receiver` (the service's). */
  readonly fault: 'Sender' | 'Receiver'

  constructor(code: string, message: string, status = 400, fault: 'Sender' | 'Receiver' = 'Sender') {
    super(message)
    this.code = code
    this.status = status
    this.fault = fault
  }
}

/**
 * The error for an operation this endpoint does not implement: `UnknownOperationException`, naming the
 * operation and the ones that are implemented, so it is never mistaken for a signing problem.
 *
 * @example
 * throw unknownOperation('secretsmanager', 'CreateSecret', ['GetSecretValue'])
 */
export function unknownOperation(
  service: string,
  operation: string,
  implemented: readonly string[],
): AwsApiError {
  return new AwsApiError(
    'UnknownOperationException',
    `redshift-local does not implement the ${service} operation ${operation}; it implements ${implemented.join(', ')}.`,
  )
}
