import type { Problem } from '../errors/client-errors.js'
import { REDACTED } from '../errors/redact.js'
import { describeValue } from './builder-arguments.js'
import { hasUnsafeSecretChars, quoteLiteral } from './sql-quote.js'

/**
 * How COPY and UNLOAD reach Amazon S3 (or DynamoDB, EMR): an IAM role (the cluster's `default`, one
 * ARN, or a chain of ARNs), an access key pair with an optional session token, or a `CREDENTIALS`
 * string. The key pair and the credentials string are secrets: they appear only in `toSql()`.
 *
 * @example
 * const role: Authorization = { kind: 'iam-role', roles: ['arn:aws:iam::123456789012:role/RedshiftCopyRole'] }
 */
export type Authorization =
  | { readonly kind: 'iam-role'; readonly roles: 'default' | readonly string[] }
  | {
      readonly kind: 'access-keys'
      readonly accessKeyId: string
      readonly secretAccessKey: string
      readonly sessionToken?: string
    }
  | { readonly kind: 'credentials'; readonly credentials: string }

/**
 * The access key pair of {@link Authorization} (`ACCESS_KEY_ID` / `SECRET_ACCESS_KEY` / `SESSION_TOKEN`).
 *
 * @example
 * const keys: AccessKeys = { accessKeyId: 'AKIA...', secretAccessKey: '...', sessionToken: '...' }
 * new CopyCommandBuilder('events').fromS3('data-bucket', 'events/').accessKeys(keys)
 */
export interface AccessKeys {
  readonly accessKeyId: string
  readonly secretAccessKey: string
  readonly sessionToken?: string
}

// The same rule as the configuration's role checks.
const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/
const ACCESS_KEY_ID = /^[A-Z0-9]{16,128}$/
/** Redshift chains at most ten roles. */
export const MAX_CHAINED_ROLES = 10

/**
 * An `iam-role` authorization from what the builders' `iamRole()` takes: `'default'`, one ARN, a
 * comma-separated chain, or an array of ARNs.
 */
export function iamRoleAuthorization(roles: string | readonly string[]): Authorization {
  if (typeof roles === 'string' && roles.trim().toLowerCase() === 'default') {
    return { kind: 'iam-role', roles: 'default' }
  }
  const list = typeof roles === 'string' ? roles.split(',') : [...roles]
  return { kind: 'iam-role', roles: Object.freeze(list.map((r) => (typeof r === 'string' ? r.trim() : r))) }
}

/** The authorization clause, with secrets replaced by `***` when `redact` is set. */
export function renderAuthorization(auth: Authorization, redact: boolean): string {
  const secret = (value: string) => (redact ? `'${REDACTED}'` : quoteLiteral(value))
  switch (auth.kind) {
    case 'iam-role':
      return auth.roles === 'default' ? 'IAM_ROLE default' : `IAM_ROLE ${quoteLiteral(auth.roles.join(','))}`
    case 'access-keys':
      return [
        `ACCESS_KEY_ID ${secret(auth.accessKeyId)}`,
        `SECRET_ACCESS_KEY ${secret(auth.secretAccessKey)}`,
        ...(auth.sessionToken === undefined ? [] : [`SESSION_TOKEN ${secret(auth.sessionToken)}`]),
      ].join(' ')
    case 'credentials':
      return `CREDENTIALS ${secret(auth.credentials)}`
  }
}

/** A built COPY or UNLOAD command, as far as authorizing it goes. */
export interface AuthorizableCommand<C> {
  /** Its own authorization's kind, or `undefined` when it relies on the client's default role. */
  readonly authorizationKind: Authorization['kind'] | undefined
  /** The command with `authorization` when it has none of its own. */
  withDefaultAuthorization(authorization: Authorization): C
}

/**
 * The problem of a command that has no authorization of its own when the client has no default role
 * either (`setting` names the configuration option that would give one), or `undefined`.
 */
export function missingAuthorizationProblem(
  command: AuthorizableCommand<unknown>,
  defaultIamRole: string | undefined,
  setting: 'defaultCopyIamRole' | 'defaultUnloadIamRole',
): Problem | undefined {
  if (command.authorizationKind !== undefined || defaultIamRole !== undefined) return undefined
  return {
    field: 'authorization',
    message: `no authorization: call iamRole(), accessKeys() or credentials() on the builder, or configure ${setting}`,
  }
}

/** `command` with the client's default role when it has no authorization of its own. */
export function withDefaultIamRole<C>(
  command: AuthorizableCommand<C> & C,
  defaultIamRole: string | undefined,
): C {
  return defaultIamRole === undefined
    ? command
    : command.withDefaultAuthorization(iamRoleAuthorization(defaultIamRole))
}

/** Whether a `CREDENTIALS` string carries a client-side encryption key. */
export function credentialsHaveMasterKey(auth: Authorization | undefined): boolean {
  return (
    auth?.kind === 'credentials' &&
    typeof auth.credentials === 'string' &&
    /(^|;)master_symmetric_key=/.test(auth.credentials)
  )
}

/** What is wrong with one role ARN, or `undefined`. Never echoes more than the ARN itself. */
export function roleArnProblem(arn: unknown): string | undefined {
  if (typeof arn !== 'string' || !ROLE_ARN.test(arn)) {
    return `${describeValue(arn)} is not an IAM role ARN (arn:aws:iam::<12-digit account>:role/<name>)`
  }
  return undefined
}

/**
 * The problems of the authorizations a builder collected: more than one form, and each form's bad
 * values. Secret values are never quoted in a message.
 */
export function authorizationProblems(auths: readonly Authorization[]): Problem[] {
  const out: Problem[] = []
  if (auths.length > 1) {
    out.push({
      field: 'authorization',
      message: `${auths.map(authMethodName).join(' and ')} are mutually exclusive; set only one of iamRole(), accessKeys() and credentials()`,
    })
  }
  for (const auth of auths) {
    switch (auth.kind) {
      case 'iam-role': {
        if (auth.roles === 'default') break
        if (auth.roles.length === 0)
          out.push({ field: 'iamRole', message: 'needs at least one role ARN, or "default"' })
        if (auth.roles.length > MAX_CHAINED_ROLES) {
          out.push({
            field: 'iamRole',
            message: `chains at most ${MAX_CHAINED_ROLES} roles, got ${auth.roles.length}`,
          })
        }
        for (const role of auth.roles) {
          if (typeof role === 'string' && role.toLowerCase() === 'default') {
            out.push({ field: 'iamRole', message: '"default" cannot be chained with other roles' })
            continue
          }
          const p = roleArnProblem(role)
          if (p !== undefined) out.push({ field: 'iamRole', message: p })
        }
        break
      }
      case 'access-keys': {
        if (typeof auth.accessKeyId !== 'string' || !ACCESS_KEY_ID.test(auth.accessKeyId)) {
          out.push({
            field: 'accessKeys.accessKeyId',
            message: 'is not an AWS access key id (16 or more upper-case letters and digits)',
          })
        }
        if (
          typeof auth.secretAccessKey !== 'string' ||
          auth.secretAccessKey === '' ||
          hasUnsafeSecretChars(auth.secretAccessKey)
        ) {
          out.push({
            field: 'accessKeys.secretAccessKey',
            message: 'must be a non-empty key without spaces, quotes or backslashes',
          })
        }
        if (
          auth.sessionToken !== undefined &&
          (typeof auth.sessionToken !== 'string' ||
            auth.sessionToken === '' ||
            hasUnsafeSecretChars(auth.sessionToken))
        ) {
          out.push({
            field: 'accessKeys.sessionToken',
            message: 'must be a non-empty token without spaces, quotes or backslashes',
          })
        }
        break
      }
      case 'credentials': {
        const c = auth.credentials
        if (typeof c !== 'string' || c === '') {
          out.push({ field: 'credentials', message: 'must be a non-empty credentials string' })
          break
        }
        if (hasUnsafeSecretChars(c)) {
          out.push({
            field: 'credentials',
            message:
              'must not contain spaces, line breaks, quotes or backslashes (Redshift reads it as one key=value;... string)',
          })
        }
        const hasRole = /(^|;)aws_iam_role=/.test(c)
        const hasKeys = /(^|;)aws_access_key_id=/.test(c) && /(^|;)aws_secret_access_key=/.test(c)
        if (!hasRole && !hasKeys) {
          out.push({
            field: 'credentials',
            message:
              'must hold aws_iam_role=<arn> or aws_access_key_id=...;aws_secret_access_key=... (case-sensitive)',
          })
        }
        if (hasRole && /(^|;)token=/.test(c)) {
          out.push({
            field: 'credentials',
            message: 'token= goes with an access key pair, not with aws_iam_role',
          })
        }
        break
      }
    }
  }
  return out
}

function authMethodName(auth: Authorization): string {
  return auth.kind === 'iam-role'
    ? 'IAM_ROLE'
    : auth.kind === 'access-keys'
      ? 'ACCESS_KEY_ID/SECRET_ACCESS_KEY'
      : 'CREDENTIALS'
}
