/** Options of the local AWS endpoint, their defaults, and their validation. */
import {
  type LocalDataApiOptions,
  type ResolvedDataApiOptions,
  resolveDataApiOptions,
} from './data-api/options.js'

/**
 * An access key pair the endpoint accepts, and the IAM user it belongs to.
 *
 * @example
 * { accessKeyId: 'AKIAEXAMPLELOCAL0001', secretAccessKey: 'local-secret', userName: 'etl' }
 */
export interface LocalAccessKey {
  readonly accessKeyId: string
  readonly secretAccessKey: string
  /** The IAM user the key belongs to (GetCallerIdentity, and the `IAM:<name>` database user). @default 'local-admin' */
  readonly userName?: string
}

/** A provisioned cluster the endpoint describes and issues credentials for (all served by the one gateway). */
export interface LocalCluster {
  /** @example 'redshift-local' */
  readonly identifier: string
  /** A custom domain name associated with the cluster (CustomDomainName in GetClusterCredentials). */
  readonly customDomainName?: string
}

/** A Redshift Serverless workgroup the endpoint serves (the same gateway behind it). */
export interface LocalWorkgroup {
  /** @example 'analytics' */
  readonly name: string
  /** @default the workgroup name */
  readonly namespace?: string
  readonly customDomainName?: string
}

/**
 * A Secrets Manager secret holding database credentials in the JSON Redshift's secrets hold
 * (`username`, `password`, `engine`, `host`, `port`, `dbname`, `dbClusterIdentifier`).
 * When `username` is one of the configured users and no password is given, the secret holds that
 * user's password. Any other user is created in the engine and logs in with the secret's password
 * (given, or generated), which `rotateSecret` replaces.
 */
export interface LocalSecret {
  /** @example 'prod/redshift/etl' */
  readonly name: string
  readonly username: string
  readonly password?: string
  /** The cluster the secret names (`dbClusterIdentifier`). @default the first cluster */
  readonly clusterIdentifier?: string
}

/** Options of the local AWS endpoint (`startLocalRedshift({ aws })`). Every field is optional. */
export interface LocalAwsOptions {
  /** Serve the AWS endpoint at all. @default true */
  readonly enabled?: boolean
  /** HTTP port; 0 picks a free one. @default 0 */
  readonly port?: number
  /** The one region this endpoint is. @default 'us-east-1' */
  readonly region?: string
  /** The AWS account the resources belong to. @default '000000000000' */
  readonly accountId?: string
  /**
   * Access keys requests may be signed with. @default one key, {@link DEFAULT_ACCESS_KEY} (local-only
   * values, published here: never use them for anything else).
   */
  readonly accessKeys?: readonly LocalAccessKey[]
  /** @default [{ identifier: 'redshift-local' }] */
  readonly clusters?: readonly LocalCluster[]
  /** @default [{ name: 'redshift-local' }] */
  readonly workgroups?: readonly LocalWorkgroup[]
  /** @default one secret per configured user, named `redshift-local/<user>` */
  readonly secrets?: readonly LocalSecret[]
  /**
   * Role ARNs `sts:AssumeRole` may assume. @default every role of `accountId`
   * (`arn:aws:iam::<accountId>:role/<anything>`)
   */
  readonly roles?: readonly string[]
  /**
   * Lifetime of every database password the endpoint issues, whatever `DurationSeconds` asked for
   * (requests are still validated as on AWS, 900-3600). For tests of expiry and refresh.
   * @default the requested duration
   */
  readonly credentialLifetimeSeconds?: number
  /** The Redshift Data API's limits and event log. */
  readonly dataApi?: LocalDataApiOptions
}

/**
 * The access key the endpoint accepts when none is configured. Local-only, published values: a real
 * AWS account never issues them.
 */
export const DEFAULT_ACCESS_KEY: Required<LocalAccessKey> = Object.freeze({
  accessKeyId: 'AKIALOCALREDSHIFTKIT',
  secretAccessKey: 'local-only-secret-access-key-for-redshift-kit',
  userName: 'local-admin',
})

/** Options with their defaults filled in. */
export interface ResolvedAwsOptions {
  readonly port: number
  readonly region: string
  readonly accountId: string
  readonly accessKeys: readonly Required<LocalAccessKey>[]
  readonly clusters: readonly LocalCluster[]
  readonly workgroups: readonly LocalWorkgroup[]
  readonly secrets: readonly LocalSecret[]
  readonly roles: readonly string[] | undefined
  readonly credentialLifetimeSeconds: number | undefined
  readonly dataApi: ResolvedDataApiOptions
}

const REGION = /^[a-z]{2}(?:-[a-z]+)+-\d+$/
const CLUSTER_ID = /^[a-z](?!.*--)[a-z0-9-]{0,62}(?<!-)$/
const WORKGROUP = /^[a-z0-9-]{3,64}$/

function fail(message: string): never {
  throw new Error(`startLocalRedshift aws option ${message}`)
}

/**
 * Fills in defaults and checks every field, throwing an error that names the bad one.
 *
 * @example
 * resolveAwsOptions({ port: 0 }, ['awsuser'])
 */
export function resolveAwsOptions(
  options: LocalAwsOptions,
  userNames: readonly string[],
): ResolvedAwsOptions {
  const port = options.port ?? 0
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    fail(`port must be an integer from 0 to 65535 (0 picks a free port), got ${String(options.port)}`)
  }
  const region = options.region ?? 'us-east-1'
  if (!REGION.test(region)) fail(`region must look like us-east-1, got ${JSON.stringify(region)}`)
  const accountId = options.accountId ?? '000000000000'
  if (!/^\d{12}$/.test(accountId)) fail(`accountId must be 12 digits, got ${JSON.stringify(accountId)}`)

  const accessKeys = (options.accessKeys ?? [DEFAULT_ACCESS_KEY]).map((k) => ({
    accessKeyId: k.accessKeyId,
    secretAccessKey: k.secretAccessKey,
    userName: k.userName ?? DEFAULT_ACCESS_KEY.userName,
  }))
  if (accessKeys.length === 0)
    fail('accessKeys is empty; give at least one key (or leave it out for the default)')
  const keyIds = new Set<string>()
  for (const k of accessKeys) {
    if (!/^[A-Z0-9]{16,128}$/.test(k.accessKeyId)) {
      fail(
        `accessKeys: access key id must be 16-128 upper-case letters and digits (like AKIA...), got ${JSON.stringify(k.accessKeyId)}`,
      )
    }
    if (k.accessKeyId.startsWith('ASIA'))
      fail('accessKeys: ASIA... ids are reserved for the session keys AssumeRole issues')
    if (typeof k.secretAccessKey !== 'string' || k.secretAccessKey.length < 8) {
      fail(`accessKeys: the secret of ${k.accessKeyId} must be at least 8 characters`)
    }
    if (!/^[\w+=,.@-]{1,64}$/.test(k.userName))
      fail(`accessKeys: userName ${JSON.stringify(k.userName)} is not an IAM user name`)
    if (keyIds.has(k.accessKeyId)) fail(`accessKeys lists ${k.accessKeyId} twice`)
    keyIds.add(k.accessKeyId)
  }

  const clusters = options.clusters ?? [{ identifier: 'redshift-local' }]
  for (const c of clusters) {
    if (!CLUSTER_ID.test(c.identifier)) {
      fail(
        `clusters: identifier ${JSON.stringify(c.identifier)} must be 1-63 lower-case letters, digits and single hyphens, starting with a letter`,
      )
    }
  }
  const workgroups = options.workgroups ?? [{ name: 'redshift-local' }]
  for (const w of workgroups) {
    if (!WORKGROUP.test(w.name))
      fail(`workgroups: name ${JSON.stringify(w.name)} must be 3-64 lower-case letters, digits and hyphens`)
  }
  const secrets: readonly LocalSecret[] =
    options.secrets ?? userNames.map((u) => ({ name: `redshift-local/${u}`, username: u }))
  const secretNames = new Set<string>()
  for (const s of secrets) {
    if (!/^[\w/+=.@-]{1,512}$/.test(s.name))
      fail(`secrets: name ${JSON.stringify(s.name)} must be 1-512 of letters, digits and /_+=.@-`)
    if (secretNames.has(s.name)) fail(`secrets lists ${JSON.stringify(s.name)} twice`)
    secretNames.add(s.name)
    if (typeof s.username !== 'string' || s.username === '') fail(`secrets: ${s.name} needs a username`)
    if (s.clusterIdentifier !== undefined && !clusters.some((c) => c.identifier === s.clusterIdentifier)) {
      fail(
        `secrets: ${s.name} names cluster ${JSON.stringify(s.clusterIdentifier)}, which is not among clusters`,
      )
    }
  }
  const lifetime = options.credentialLifetimeSeconds
  if (lifetime !== undefined && (!Number.isFinite(lifetime) || lifetime <= 0 || lifetime > 3600)) {
    fail(
      `credentialLifetimeSeconds must be a number of seconds above 0 and at most 3600, got ${String(lifetime)}`,
    )
  }
  return {
    port,
    region,
    accountId,
    accessKeys,
    clusters,
    workgroups,
    secrets,
    roles: options.roles,
    credentialLifetimeSeconds: lifetime,
    dataApi: resolveDataApiOptions(options.dataApi),
  }
}
