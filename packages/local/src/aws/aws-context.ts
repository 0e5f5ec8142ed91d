/** What every local AWS service works with. */
import { AwsApiError } from './aws-api-error.js'
import type { LocalCluster, LocalWorkgroup, ResolvedAwsOptions } from './aws-options.js'
import type { DatabaseLogins, DatabaseRoles } from './database-logins.js'
import type { Identities, Principal } from './identities.js'
import type { SecretStore } from './secret-store.js'

/** Where the database behind every cluster and workgroup is: the wire gateway. */
export interface WireEndpoint {
  readonly host: string
  readonly port: number
  readonly database: string
  /** The admin user DescribeClusters reports as `MasterUsername`. */
  readonly masterUser: string
}

/** Shared state of the endpoint. */
export interface AwsContext {
  readonly options: ResolvedAwsOptions
  readonly identities: Identities
  readonly logins: DatabaseLogins
  readonly roles: DatabaseRoles
  readonly secrets: SecretStore
  readonly wire: WireEndpoint
  readonly startedAt: Date
  readonly now: () => Date
  readonly log: (line: string) => void
}

/** One authenticated call. */
export interface AwsCall {
  readonly principal: Principal
  readonly requestId: string
  readonly now: Date
}

/** Validates `DurationSeconds` as Redshift does (900-3600, default 900) and applies the local lifetime override. */
export function credentialLifetimeMs(
  ctx: AwsContext,
  requested: number | undefined,
  invalid: (message: string) => AwsApiError,
): number {
  const seconds = requested ?? 900
  if (!Number.isInteger(seconds) || seconds < 900 || seconds > 3600) {
    throw invalid(`DurationSeconds must be between 900 and 3600 seconds, got ${String(requested)}.`)
  }
  return (ctx.options.credentialLifetimeSeconds ?? seconds) * 1000
}

/** The cluster a credentials call names, by id or custom domain, or the error Redshift answers. */
export function findCluster(
  ctx: AwsContext,
  clusterIdentifier: string | undefined,
  customDomainName: string | undefined,
): LocalCluster {
  if (clusterIdentifier === undefined && customDomainName === undefined) {
    throw new AwsApiError(
      'InvalidParameterCombination',
      'Either ClusterIdentifier or CustomDomainName must be specified.',
    )
  }
  if (clusterIdentifier !== undefined) {
    const cluster = ctx.options.clusters.find((c) => c.identifier === clusterIdentifier)
    if (cluster === undefined)
      throw new AwsApiError('ClusterNotFound', `Cluster ${clusterIdentifier} not found.`, 404)
    return cluster
  }
  const byDomain = ctx.options.clusters.find(
    (c) => c.customDomainName?.toLowerCase() === customDomainName?.toLowerCase(),
  )
  if (byDomain === undefined) {
    throw new AwsApiError(
      'CustomCnameAssociationFault',
      `Custom domain name ${customDomainName} is not associated with any cluster.`,
    )
  }
  return byDomain
}

/** The workgroup a Serverless call names, by name or custom domain. */
export function findWorkgroup(
  ctx: AwsContext,
  workgroupName: string | undefined,
  customDomainName: string | undefined,
): LocalWorkgroup | undefined {
  if (workgroupName !== undefined) return ctx.options.workgroups.find((w) => w.name === workgroupName)
  return ctx.options.workgroups.find(
    (w) => w.customDomainName?.toLowerCase() === customDomainName?.toLowerCase(),
  )
}
