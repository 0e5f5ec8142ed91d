/**
 * The AWS JSON 1.1 services: `redshift-serverless` (GetCredentials, GetWorkgroup) and
 * `secretsmanager` (GetSecretValue).
 */
import { createHash } from 'node:crypto'
import { AwsApiError, unknownOperation } from './aws-api-error.js'
import { type AwsCall, type AwsContext, credentialLifetimeMs, findWorkgroup } from './aws-context.js'
import type { LocalWorkgroup } from './aws-options.js'
import { databaseUserOf } from './identities.js'
import { describeSecret, listSecrets } from './secrets-listing.js'
import { epochSeconds } from './wire-formats.js'

/** A JSON request body, as parsed. */
export type JsonInput = Readonly<Record<string, unknown>>

const validation = (message: string): AwsApiError => new AwsApiError('ValidationException', message)

function optionalString(input: JsonInput, name: string): string | undefined {
  const v = input[name]
  if (v === undefined || v === null) return undefined
  if (typeof v !== 'string') throw validation(`${name} must be a string.`)
  return v
}

function optionalInt(input: JsonInput, name: string): number | undefined {
  const v = input[name]
  if (v === undefined || v === null) return undefined
  if (typeof v !== 'number' || !Number.isInteger(v)) throw validation(`${name} must be an integer.`)
  return v
}

function workgroupId(name: string): string {
  const h = createHash('sha256').update(name).digest('hex')
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`
}

function workgroupJson(ctx: AwsContext, w: LocalWorkgroup): Record<string, unknown> {
  const { region, accountId } = ctx.options
  const id = workgroupId(w.name)
  return {
    workgroupId: id,
    workgroupArn: `arn:aws:redshift-serverless:${region}:${accountId}:workgroup/${id}`,
    workgroupName: w.name,
    namespaceName: w.namespace ?? w.name,
    baseCapacity: 8,
    enhancedVpcRouting: false,
    status: 'AVAILABLE',
    endpoint: { address: ctx.wire.host, port: ctx.wire.port, vpcEndpoints: [] },
    publiclyAccessible: false,
    creationDate: ctx.startedAt.toISOString(),
    port: ctx.wire.port,
    ...(w.customDomainName === undefined ? {} : { customDomainName: w.customDomainName }),
  }
}

async function getCredentials(ctx: AwsContext, input: JsonInput, call: AwsCall): Promise<unknown> {
  const workgroupName = optionalString(input, 'workgroupName')
  const customDomainName = optionalString(input, 'customDomainName')
  if (workgroupName === undefined && customDomainName === undefined) {
    throw validation('Either workgroupName or customDomainName must be specified.')
  }
  const lifetimeMs = credentialLifetimeMs(ctx, optionalInt(input, 'durationSeconds'), validation)
  const workgroup = findWorkgroup(ctx, workgroupName, customDomainName)
  if (workgroup === undefined) {
    throw new AwsApiError(
      'ResourceNotFoundException',
      workgroupName === undefined
        ? `Custom domain name ${customDomainName} is not associated with a workgroup.`
        : `Workgroup ${workgroupName} not found.`,
      404,
    )
  }
  const login = databaseUserOf(call.principal)
  await ctx.roles.createLogin(login, { groups: [] })
  const issued = ctx.logins.issue(login, lifetimeMs)
  ctx.log(
    `[aws] redshift-serverless GetCredentials ${workgroup.name} -> ${login} until ${issued.expiresAt.toISOString()}`,
  )
  return {
    dbUser: login,
    dbPassword: issued.password,
    expiration: epochSeconds(issued.expiresAt),
    nextRefreshTime: epochSeconds(new Date((call.now.getTime() + issued.expiresAt.getTime()) / 2)),
  }
}

function getWorkgroup(ctx: AwsContext, input: JsonInput): unknown {
  const name = optionalString(input, 'workgroupName')
  if (name === undefined) {
    throw validation(
      "1 validation error detected: Value null at 'workgroupName' failed to satisfy constraint: Member must not be null",
    )
  }
  const workgroup = findWorkgroup(ctx, name, undefined)
  if (workgroup === undefined)
    throw new AwsApiError('ResourceNotFoundException', `Workgroup ${name} not found.`, 404)
  return { workgroup: workgroupJson(ctx, workgroup) }
}

/** Runs one Redshift Serverless operation (`X-Amz-Target: RedshiftServerless.<operation>`). */
export async function serverlessOperation(
  ctx: AwsContext,
  operation: string,
  input: JsonInput,
  call: AwsCall,
): Promise<unknown> {
  switch (operation) {
    case 'GetCredentials':
      return getCredentials(ctx, input, call)
    case 'GetWorkgroup':
      return getWorkgroup(ctx, input)
    default:
      throw unknownOperation('redshift-serverless', operation, ['GetCredentials', 'GetWorkgroup'])
  }
}

function getSecretValue(ctx: AwsContext, input: JsonInput): unknown {
  const id = optionalString(input, 'SecretId')
  if (id === undefined) {
    throw new AwsApiError('InvalidParameterException', 'You must provide a value for the SecretId parameter.')
  }
  const secret = ctx.secrets.find(id)
  if (secret === undefined) {
    throw new AwsApiError('ResourceNotFoundException', "Secrets Manager can't find the specified secret.")
  }
  const versionId = optionalString(input, 'VersionId')
  const stage = optionalString(input, 'VersionStage')
  const candidates = [
    { version: secret.current, stage: 'AWSCURRENT' },
    ...(secret.previous === undefined ? [] : [{ version: secret.previous, stage: 'AWSPREVIOUS' }]),
  ]
  const chosen = candidates.find(
    (c) =>
      (versionId === undefined || c.version.versionId === versionId) &&
      (stage === undefined || c.stage === stage),
  )
  if (chosen === undefined) {
    throw new AwsApiError(
      'ResourceNotFoundException',
      "Secrets Manager can't find the specified secret value for " +
        (versionId === undefined ? `staging label: ${stage}` : `VersionId: ${versionId}`),
    )
  }
  ctx.log(`[aws] secretsmanager GetSecretValue ${secret.name} ${chosen.stage}`)
  return {
    ARN: secret.arn,
    Name: secret.name,
    VersionId: chosen.version.versionId,
    SecretString: chosen.version.secretString,
    VersionStages: [chosen.stage],
    CreatedDate: epochSeconds(chosen.version.createdAt),
  }
}

/** Runs one Secrets Manager operation (`X-Amz-Target: secretsmanager.<operation>`). */
export function secretsOperation(ctx: AwsContext, operation: string, input: JsonInput): unknown {
  switch (operation) {
    case 'GetSecretValue':
      return getSecretValue(ctx, input)
    case 'ListSecrets':
      return listSecrets(ctx, input)
    case 'DescribeSecret':
      return describeSecret(ctx, input)
    default:
      throw unknownOperation('secretsmanager', operation, ['GetSecretValue', 'ListSecrets', 'DescribeSecret'])
  }
}
