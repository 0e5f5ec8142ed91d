/**
 * IAM database credentials: `redshift:GetClusterCredentials` (with a `DbUser`) or
 * `GetClusterCredentialsWithIAM` (the user follows the IAM identity) for provisioned clusters, and
 * `redshift-serverless:GetCredentials` for workgroups.
 */
import { isIP } from 'node:net'
import type { IamCredentialSource } from '../config/credentials.js'
import { isLoopbackHost, parseRedshiftHost } from '../config/redshift-host.js'
import type { RedshiftConfigData } from '../config/resolve-config.js'
import { ConfigError } from '../errors/client-errors.js'
import { AuthenticationError } from '../errors/connection-errors.js'
import { credentialsFailure } from './aws-failure.js'
import { loadRedshift, loadServerless, sdkClientConfig } from './aws-sdk.js'
import { LoginCredentials } from './login-credentials.js'

/** Where credentials are asked for: a cluster id, a custom domain name, or both (domain first). */
interface ClusterTarget {
  readonly clusterIdentifier?: string
  readonly customDomainName?: string
}

function clusterTarget(config: RedshiftConfigData): ClusterTarget {
  const host = config.endpoint.host
  // An AWS endpoint host gave the configuration its cluster id; any other name (not an address) is
  // a custom domain name.
  const custom =
    host !== undefined && parseRedshiftHost(host).kind === 'other' && !isLoopbackHost(host) && !isIP(host)
  return {
    ...(config.clusterIdentifier === undefined ? {} : { clusterIdentifier: config.clusterIdentifier }),
    ...(custom ? { customDomainName: host } : {}),
  }
}

function issued(
  user: string | undefined,
  password: string | undefined,
  expiration: Date | undefined,
  what: string,
) {
  if (user === undefined || password === undefined) {
    throw new AuthenticationError(`${what} returned no database user or password`)
  }
  return new LoginCredentials(user, password, expiration === undefined ? {} : { expiresAt: expiration })
}

/**
 * Fetches IAM credentials for a provisioned cluster: GetClusterCredentials when a `dbUser` is
 * configured, else GetClusterCredentialsWithIAM. With a custom domain name, asks by domain first and
 * falls back to the cluster id when one is configured (as the Redshift drivers do).
 *
 * @example
 * const fetch = provisionedCredentials(config, source)
 * const login = await fetch()   // LoginCredentials { user: 'IAM:etl', expiresAt }
 */
export function provisionedCredentials(
  config: RedshiftConfigData,
  source: IamCredentialSource,
  track?: (client: { destroy(): void }) => void,
): () => Promise<LoginCredentials> {
  const target = clusterTarget(config)
  let client: Promise<{ send: (t: ClusterTarget) => Promise<LoginCredentials> }> | undefined
  const api = source.dbUser === undefined ? 'GetClusterCredentialsWithIAM' : 'GetClusterCredentials'
  const create = async () => {
    const sdk = await loadRedshift()
    const redshift = new sdk.RedshiftClient(await sdkClientConfig(config))
    track?.(redshift)
    const database = config.endpoint.database
    return {
      async send(t: ClusterTarget): Promise<LoginCredentials> {
        const where = {
          ...(t.clusterIdentifier === undefined ? {} : { ClusterIdentifier: t.clusterIdentifier }),
          ...(t.customDomainName === undefined ? {} : { CustomDomainName: t.customDomainName }),
        }
        if (source.dbUser === undefined) {
          const r = await redshift.send(
            new sdk.GetClusterCredentialsWithIAMCommand({
              ...where,
              DbName: database,
              DurationSeconds: source.durationSeconds,
            }),
          )
          return issued(r.DbUser, r.DbPassword, r.Expiration, api)
        }
        const r = await redshift.send(
          new sdk.GetClusterCredentialsCommand({
            ...where,
            DbUser: source.dbUser,
            DbName: database,
            DurationSeconds: source.durationSeconds,
            AutoCreate: source.autoCreate,
            ...(source.dbGroups.length === 0 ? {} : { DbGroups: [...source.dbGroups] }),
          }),
        )
        return issued(r.DbUser, r.DbPassword, r.Expiration, api)
      },
    }
  }
  return async () => {
    client ??= create()
    const c = await client.catch((error: unknown) => {
      client = undefined
      throw credentialsFailure(error, api)
    })
    const describe = (t: ClusterTarget) =>
      `${api} for ${t.customDomainName === undefined ? `cluster ${t.clusterIdentifier}` : `custom domain ${t.customDomainName}`}`
    if (target.customDomainName !== undefined) {
      try {
        return await c.send({ customDomainName: target.customDomainName })
      } catch (error) {
        if (target.clusterIdentifier === undefined) throw credentialsFailure(error, describe(target))
      }
    }
    const byId = { clusterIdentifier: target.clusterIdentifier as string }
    try {
      return await c.send(byId)
    } catch (error) {
      throw credentialsFailure(error, describe(byId))
    }
  }
}

/**
 * Fetches IAM credentials for a Redshift Serverless workgroup (GetCredentials; the database user is
 * `IAM:<user>` or `IAMR:<role>` after the IAM identity).
 *
 * @example
 * const login = await serverlessCredentials(config, source)()
 */
export function serverlessCredentials(
  config: RedshiftConfigData,
  source: IamCredentialSource,
  track?: (client: { destroy(): void }) => void,
): () => Promise<LoginCredentials> {
  const workgroup = config.workgroup as string
  const what = `GetCredentials for workgroup ${workgroup}`
  if (source.dbUser !== undefined) {
    return async () => {
      throw new ConfigError('invalid Redshift configuration', {
        problems: [
          {
            field: 'dbUser',
            message:
              'Redshift Serverless derives the database user from the IAM identity (IAM:<user> or IAMR:<role>); remove dbUser, or use a provisioned cluster',
          },
        ],
      })
    }
  }
  let client: Promise<{ fetch: () => Promise<LoginCredentials> }> | undefined
  const create = async () => {
    const sdk = await loadServerless()
    const serverless = new sdk.RedshiftServerlessClient(await sdkClientConfig(config))
    track?.(serverless)
    return {
      async fetch() {
        const r = await serverless.send(
          new sdk.GetCredentialsCommand({
            workgroupName: workgroup,
            dbName: config.endpoint.database,
            durationSeconds: source.durationSeconds,
          }),
        )
        return issued(r.dbUser, r.dbPassword, r.expiration, what)
      },
    }
  }
  return async () => {
    client ??= create()
    try {
      return await (await client).fetch()
    } catch (error) {
      if (client !== undefined && (await client.then(() => false).catch(() => true))) client = undefined
      throw credentialsFailure(error, what)
    }
  }
}
