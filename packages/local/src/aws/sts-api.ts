/** The `sts` service (query protocol, API version 2011-06-15): AssumeRole and GetCallerIdentity. */
import { AwsApiError, unknownOperation } from './aws-api-error.js'
import type { AwsCall, AwsContext } from './aws-context.js'
import type { QueryParams, XmlValue } from './wire-formats.js'

/** The XML namespace of STS replies. */
export const STS_NAMESPACE = 'https://sts.amazonaws.com/doc/2011-06-15/'

const ROLE_ARN = /^arn:aws[a-z-]*:iam::(\d{12}):role\/(?:[\w+=,.@-]+\/)*[\w+=,.@-]{1,64}$/
const SESSION_NAME = /^[\w+=,.@-]{2,64}$/
/** Every role's default maximum session duration. */
const MAX_SESSION_SECONDS = 3600

function validation(message: string): AwsApiError {
  return new AwsApiError('ValidationError', message)
}

function assumeRole(ctx: AwsContext, params: QueryParams, call: AwsCall): XmlValue {
  const roleArn = params.get('RoleArn')
  const sessionName = params.get('RoleSessionName')
  const problems: string[] = []
  if (roleArn === undefined)
    problems.push("Value null at 'roleArn' failed to satisfy constraint: Member must not be null")
  if (sessionName === undefined) {
    problems.push("Value null at 'roleSessionName' failed to satisfy constraint: Member must not be null")
  } else if (!SESSION_NAME.test(sessionName)) {
    problems.push(
      `Value '${sessionName}' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]* and have length between 2 and 64`,
    )
  }
  if (problems.length > 0) {
    throw validation(
      `${problems.length} validation error${problems.length > 1 ? 's' : ''} detected: ${problems.join('; ')}`,
    )
  }
  const arn = roleArn as string
  const durationText = params.get('DurationSeconds')
  const duration = durationText === undefined ? 3600 : Number(durationText)
  if (!Number.isInteger(duration) || duration < 900) {
    throw validation(
      `1 validation error detected: Value '${durationText}' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900`,
    )
  }
  if (duration > MAX_SESSION_SECONDS) {
    throw validation(`The requested DurationSeconds exceeds the MaxSessionDuration set for this role.`)
  }
  const match = ROLE_ARN.exec(arn)
  const allowed =
    match !== null &&
    match[1] === ctx.options.accountId &&
    (ctx.options.roles === undefined || ctx.options.roles.includes(arn))
  if (!allowed) {
    throw new AwsApiError(
      'AccessDenied',
      `User: ${call.principal.arn} is not authorized to perform: sts:AssumeRole on resource: ${arn}`,
      403,
    )
  }
  const { credentials, principal } = ctx.identities.assumeRole(arn, sessionName as string, duration, call.now)
  ctx.log(`[aws] sts AssumeRole ${arn} as ${principal.arn} until ${credentials.expiration.toISOString()}`)
  return {
    Credentials: {
      AccessKeyId: credentials.accessKeyId,
      SecretAccessKey: credentials.secretAccessKey,
      SessionToken: credentials.sessionToken,
      Expiration: credentials.expiration,
    },
    AssumedRoleUser: { AssumedRoleId: principal.userId, Arn: principal.arn },
  }
}

/** Runs one STS action. */
export function stsAction(ctx: AwsContext, action: string, params: QueryParams, call: AwsCall): XmlValue {
  switch (action) {
    case 'AssumeRole':
      return assumeRole(ctx, params, call)
    case 'GetCallerIdentity':
      return { UserId: call.principal.userId, Account: ctx.options.accountId, Arn: call.principal.arn }
    default:
      throw unknownOperation('sts', action, ['AssumeRole', 'GetCallerIdentity'])
  }
}
