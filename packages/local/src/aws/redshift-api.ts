/**
 * The `redshift` service (query protocol, API version 2012-12-01): GetClusterCredentials,
 * GetClusterCredentialsWithIAM, DescribeClusters, DescribeCustomDomainAssociations.
 */
import { AwsApiError, unknownOperation } from './aws-api-error.js'
import { type AwsCall, type AwsContext, credentialLifetimeMs, findCluster } from './aws-context.js'
import type { LocalCluster } from './aws-options.js'
import { databaseUserOf } from './identities.js'
import { type QueryParams, XmlList, type XmlValue } from './wire-formats.js'

/** The XML namespace of Redshift's replies. */
export const REDSHIFT_NAMESPACE = 'http://redshift.amazonaws.com/doc/2012-12-01/'

const invalid = (message: string): AwsApiError => new AwsApiError('InvalidParameterValue', message)

function bool(params: QueryParams, name: string): boolean | undefined {
  const v = params.get(name)
  if (v === undefined) return undefined
  if (/^true$/i.test(v)) return true
  if (/^false$/i.test(v)) return false
  throw invalid(`Invalid value for ${name}: ${v}; expected true or false.`)
}

function int(params: QueryParams, name: string): number | undefined {
  const v = params.get(name)
  if (v === undefined) return undefined
  if (!/^-?\d+$/.test(v)) throw invalid(`Invalid value for ${name}: ${v}; expected an integer.`)
  return Number(v)
}

// DbUser's documented constraints: 1-64 characters, a letter first, then letters, digits and _+.@-;
// no colon or slash; not PUBLIC.
const DB_USER = /^[A-Za-z][\w+.@-]{0,63}$/

/** Half-way through a password's life is when the drivers should fetch the next one. */
function nextRefresh(now: Date, expiresAt: Date): Date {
  return new Date(now.getTime() + (expiresAt.getTime() - now.getTime()) / 2)
}

async function getClusterCredentials(ctx: AwsContext, params: QueryParams): Promise<XmlValue> {
  const dbUser = params.get('DbUser')
  if (dbUser === undefined)
    throw new AwsApiError('MissingParameter', 'The request must contain the parameter DbUser.')
  if (!DB_USER.test(dbUser) || dbUser.toLowerCase() === 'public') {
    throw invalid(
      `DbUser ${JSON.stringify(dbUser)} is not valid: 1-64 letters, digits and _+.@-, starting with a letter, and not PUBLIC.`,
    )
  }
  const cluster = findCluster(ctx, params.get('ClusterIdentifier'), params.get('CustomDomainName'))
  const lifetimeMs = credentialLifetimeMs(ctx, int(params, 'DurationSeconds'), invalid)
  const autoCreate = bool(params, 'AutoCreate') === true
  const groups = params.list('DbGroups')
  // Redshift names the login IAM:<user>, or IAMA:<user> when AutoCreate is on; the session runs
  // with <user>'s privileges plus the groups'.
  const login = `${autoCreate ? 'IAMA' : 'IAM'}:${dbUser}`
  const exists = await ctx.roles.exists(dbUser)
  if (!exists && autoCreate) await ctx.roles.createUser(dbUser)
  if (exists || autoCreate) await ctx.roles.createLogin(login, { as: dbUser, groups })
  // Without the user and without AutoCreate the call succeeds and the login fails, as on Redshift.
  const issued = ctx.logins.issue(login, lifetimeMs)
  ctx.log(
    `[aws] redshift GetClusterCredentials ${cluster.identifier} -> ${login} until ${issued.expiresAt.toISOString()}`,
  )
  return { DbUser: login, DbPassword: issued.password, Expiration: issued.expiresAt }
}

async function getClusterCredentialsWithIam(
  ctx: AwsContext,
  params: QueryParams,
  call: AwsCall,
): Promise<XmlValue> {
  const cluster = findCluster(ctx, params.get('ClusterIdentifier'), params.get('CustomDomainName'))
  const lifetimeMs = credentialLifetimeMs(ctx, int(params, 'DurationSeconds'), invalid)
  const login = databaseUserOf(call.principal)
  // The database user of an IAM identity is created on its first login on Redshift.
  await ctx.roles.createLogin(login, { groups: [] })
  const issued = ctx.logins.issue(login, lifetimeMs)
  ctx.log(
    `[aws] redshift GetClusterCredentialsWithIAM ${cluster.identifier} -> ${login} until ${issued.expiresAt.toISOString()}`,
  )
  return {
    DbUser: login,
    DbPassword: issued.password,
    Expiration: issued.expiresAt,
    NextRefreshTime: nextRefresh(call.now, issued.expiresAt),
  }
}

function clusterXml(ctx: AwsContext, c: LocalCluster): XmlValue {
  const { region, accountId } = ctx.options
  return {
    ClusterIdentifier: c.identifier,
    NodeType: 'ra3.xlplus',
    ClusterStatus: 'available',
    ClusterAvailabilityStatus: 'Available',
    MasterUsername: ctx.wire.masterUser,
    DBName: ctx.wire.database,
    Endpoint: { Address: ctx.wire.host, Port: ctx.wire.port },
    ClusterCreateTime: ctx.startedAt,
    AvailabilityZone: `${region}a`,
    ClusterVersion: '1.0',
    NumberOfNodes: 1,
    PubliclyAccessible: false,
    Encrypted: true,
    ClusterNamespaceArn: `arn:aws:redshift:${region}:${accountId}:namespace:${c.identifier}`,
    CustomDomainName: c.customDomainName,
    CustomDomainCertificateArn:
      c.customDomainName === undefined
        ? undefined
        : `arn:aws:acm:${region}:${accountId}:certificate/${c.identifier}`,
  }
}

function describeClusters(ctx: AwsContext, params: QueryParams): XmlValue {
  const id = params.get('ClusterIdentifier')
  const clusters =
    id === undefined ? ctx.options.clusters : ctx.options.clusters.filter((c) => c.identifier === id)
  if (id !== undefined && clusters.length === 0)
    throw new AwsApiError('ClusterNotFound', `Cluster ${id} not found.`, 404)
  return {
    Clusters: new XmlList(
      'Cluster',
      clusters.map((c) => clusterXml(ctx, c)),
    ),
  }
}

function describeCustomDomainAssociations(ctx: AwsContext, params: QueryParams): XmlValue {
  const { region, accountId } = ctx.options
  const name = params.get('CustomDomainName')
  const arn = params.get('CustomDomainCertificateArn')
  const associations = ctx.options.clusters
    .filter((c) => c.customDomainName !== undefined)
    .map((c) => ({
      cluster: c,
      certificateArn: `arn:aws:acm:${region}:${accountId}:certificate/${c.identifier}`,
    }))
    .filter(
      (a) =>
        (name === undefined || a.cluster.customDomainName?.toLowerCase() === name.toLowerCase()) &&
        (arn === undefined || a.certificateArn === arn),
    )
  if (associations.length === 0) {
    throw new AwsApiError(
      'CustomDomainAssociationNotFoundFault',
      'An Amazon Redshift custom domain association was not found.',
      404,
    )
  }
  const expiry = new Date(ctx.startedAt.getTime() + 365 * 24 * 3600 * 1000)
  return {
    Associations: new XmlList(
      'Association',
      associations.map((a) => ({
        CustomDomainCertificateArn: a.certificateArn,
        CustomDomainCertificateExpiryDate: expiry,
        CertificateAssociations: new XmlList('CertificateAssociation', [
          { CustomDomainName: a.cluster.customDomainName, ClusterIdentifier: a.cluster.identifier },
        ]),
      })),
    ),
  }
}

/** Runs one Redshift action; unknown actions fail as AWS answers them. */
export async function redshiftAction(
  ctx: AwsContext,
  action: string,
  params: QueryParams,
  call: AwsCall,
): Promise<XmlValue> {
  switch (action) {
    case 'GetClusterCredentials':
      return getClusterCredentials(ctx, params)
    case 'GetClusterCredentialsWithIAM':
      return getClusterCredentialsWithIam(ctx, params, call)
    case 'DescribeClusters':
      return describeClusters(ctx, params)
    case 'DescribeCustomDomainAssociations':
      return describeCustomDomainAssociations(ctx, params)
    default:
      throw unknownOperation('redshift', action, [
        'GetClusterCredentials',
        'GetClusterCredentialsWithIAM',
        'DescribeClusters',
        'DescribeCustomDomainAssociations',
      ])
  }
}
