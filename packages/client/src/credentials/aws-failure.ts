import { classifyError } from '../errors/classify.js'
import { ConfigError } from '../errors/client-errors.js'
import { AuthenticationError } from '../errors/connection-errors.js'
import { NotFoundError } from '../errors/query-errors.js'
import { isRedshiftError, type RedshiftError } from '../errors/redshift-error.js'
import { safeAwsError } from './aws-sdk.js'

// AWS refused the request's signature or keys: the AWS credentials are wrong, not the request.
const SIGNING_FAILURES = new Set([
  'SignatureDoesNotMatch',
  'IncompleteSignature',
  'MissingAuthenticationToken',
  'InvalidSignatureException',
  'IncompleteSignatureException',
  'MissingAuthenticationTokenException',
  'InvalidClientTokenId',
  'UnrecognizedClientException',
  'ExpiredToken',
  'ExpiredTokenException',
])

// The cluster, workgroup, custom domain or secret does not exist (the SDK's exception class names).
const NOT_FOUND = new Set([
  'ClusterNotFoundFault',
  'ClusterNotFound',
  'ResourceNotFoundException',
  'CustomDomainAssociationNotFoundFault',
  'CustomCnameAssociationFault',
])

/**
 * The library's error for a failed credentials call (`what` names the call and its target): the AWS
 * exception classified (AccessDenied -> PermissionDeniedError, ClusterNotFound -> NotFoundError,
 * throttling -> RateLimitedError, bad keys -> AuthenticationError, ...), with a redacted copy of it
 * as the cause. A missing region is a configuration problem.
 *
 * @example
 * try { await client.send(command) } catch (e) { throw credentialsFailure(e, 'GetClusterCredentials for cluster etl') }
 */
export function credentialsFailure(error: unknown, what: string): RedshiftError {
  if (isRedshiftError(error)) return error
  const message = error instanceof Error ? error.message : String(error)
  if (/region is missing/i.test(message)) {
    return new ConfigError('invalid Redshift configuration', {
      problems: [
        {
          field: 'region',
          message: `${what} needs an AWS region: call region('us-east-1'), use the cluster's endpoint host name, or set AWS_REGION`,
        },
      ],
    })
  }
  const safe = safeAwsError(error)
  const code = (error as { code?: unknown } | null)?.code
  // Network error codes (ECONNREFUSED, ...) say what happened and carry no secret.
  if (typeof code === 'string' && /^E[A-Z_]+$/.test(code)) Object.assign(safe, { code })
  safe.message = `${what} failed: ${safe.message}`
  if (SIGNING_FAILURES.has(safe.name)) return new AuthenticationError(safe.message, { cause: safe })
  if (NOT_FOUND.has(safe.name)) return new NotFoundError(safe.message, { cause: safe })
  return classifyError(safe, { operation: 'connect' })
}
