/**
 * Who a Data API call runs as, and where: the four ways the service authenticates (a Secrets Manager
 * secret; `DbUser` with temporary credentials; the caller's IAM identity on a cluster; the caller's
 * identity on a workgroup), each resolved to a database login and the password the gateway accepts
 * for it: the same logins and passwords the `redshift` and `redshift-serverless` credential calls hand out.
 */
import { createHash } from 'node:crypto'
import type { AwsCall, AwsContext } from '../aws-context.js'
import { findWorkgroup } from '../aws-context.js'
import { databaseUserOf } from '../identities.js'
import type { JsonInput } from '../json-services.js'
import { ResourceNotFoundError, validationError } from './errors.js'
import { clusterIdentifier, optionalString, workgroupName } from './inputs.js'

/** A resolved database login. */
export interface ConnectionTarget {
  readonly clusterIdentifier?: string
  readonly workgroupName?: string
  readonly database: string
  /** The login the gateway sees (`IAM:etl`, `IAMR:Role`, or a secret's user). */
  readonly login: string
  /** What DescribeStatement reports as `DbUser` (the `DbUser` given, or the login). */
  readonly dbUser: string
  readonly secretArn?: string
  readonly password: string
}

/** How long a temporary password issued for the Data API lives (it is only used to log in). */
const DATA_API_LOGIN_MS = 900_000

/** The password `login` may log in with now: a still-valid one is reused, so other holders keep theirs. */
function temporaryPassword(ctx: AwsContext, login: string): string {
  return ctx.logins.passwordFor(login) ?? ctx.logins.issue(login, DATA_API_LOGIN_MS).password
}

/**
 * Resolves the connection members of a request to a login on `database`.
 */
export async function resolveTarget(
  ctx: AwsContext,
  input: JsonInput,
  call: AwsCall,
  database: string | undefined,
): Promise<ConnectionTarget> {
  const cluster = clusterIdentifier(input)
  const workgroupOrArn = workgroupName(input)
  const secretId = optionalString(input, 'SecretArn')
  const dbUser = optionalString(input, 'DbUser')
  if (cluster !== undefined && workgroupOrArn !== undefined) {
    throw validationError('Give either ClusterIdentifier or WorkgroupName, not both.')
  }
  if (cluster === undefined && workgroupOrArn === undefined && secretId === undefined) {
    throw validationError(
      'Give ClusterIdentifier (with SecretArn, DbUser, or neither to connect as your IAM identity) or WorkgroupName.',
    )
  }
  if (database === undefined) {
    throw validationError(
      'Database is required: name the database to connect to (redshift-local: the one it started with).',
    )
  }
  let workgroup: string | undefined
  if (workgroupOrArn !== undefined) {
    const found = workgroupOrArn.startsWith('arn:')
      ? ctx.options.workgroups.find((w) => workgroupOrArn.endsWith(`/${workgroupId(w.name)}`))
      : findWorkgroup(ctx, workgroupOrArn, undefined)
    if (found === undefined) {
      throw new ResourceNotFoundError(`Workgroup ${workgroupOrArn} not found.`, workgroupOrArn)
    }
    workgroup = found.name
  }
  if (cluster !== undefined && !ctx.options.clusters.some((c) => c.identifier === cluster)) {
    throw new ResourceNotFoundError(`Cluster ${cluster} not found.`, cluster)
  }
  const where =
    cluster === undefined ? { workgroupName: workgroup as string } : { clusterIdentifier: cluster }

  if (secretId !== undefined) {
    if (dbUser !== undefined) throw validationError('Give either SecretArn or DbUser, not both.')
    const secret = ctx.secrets.find(secretId)
    if (secret === undefined) {
      throw new ResourceNotFoundError(
        `Secrets Manager can't find the specified secret ${secretId}.`,
        secretId,
      )
    }
    const value = JSON.parse(secret.current.secretString) as {
      username: string
      password: string
      dbClusterIdentifier?: string
    }
    if (
      cluster !== undefined &&
      value.dbClusterIdentifier !== undefined &&
      value.dbClusterIdentifier !== cluster
    ) {
      throw validationError(
        `The secret's dbClusterIdentifier (${value.dbClusterIdentifier}) does not match ClusterIdentifier ${cluster}.`,
      )
    }
    return {
      ...where,
      database,
      login: value.username,
      dbUser: value.username,
      secretArn: secret.arn,
      password: value.password,
    }
  }
  if (dbUser !== undefined) {
    if (cluster === undefined) {
      throw validationError('DbUser is for clusters; on a workgroup the database user is your IAM identity.')
    }
    // As GetClusterCredentials without AutoCreate: IAM:<user> with <user>'s privileges.
    const login = `IAM:${dbUser}`
    if (await ctx.roles.exists(dbUser)) await ctx.roles.createLogin(login, { as: dbUser, groups: [] })
    return { ...where, database, login, dbUser, password: temporaryPassword(ctx, login) }
  }
  // The caller's IAM identity: IAM:<user> or IAMR:<role>, created on first use as Redshift does.
  const login = databaseUserOf(call.principal)
  await ctx.roles.createLogin(login, { groups: [] })
  return { ...where, database, login, dbUser: login, password: temporaryPassword(ctx, login) }
}

/** The id json-services gives a workgroup (a hash of its name), so a workgroup ARN resolves. */
function workgroupId(name: string): string {
  const h = createHash('sha256').update(name).digest('hex')
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`
}
