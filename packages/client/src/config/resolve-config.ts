import { isIP } from 'node:net'
import type { Problem } from '../errors/client-errors.js'
import { queryGroupProblem } from '../types/limits.js'
import type { TypeParserOptions } from '../types/type-parsers.js'
import { AwsCredentials } from './aws-credentials.js'
import { type AuthMethod, type CredentialSource, DatabaseCredentials } from './credentials.js'
import {
  CONFIG_DEFAULTS,
  isSslMode,
  isTransportKind,
  SSL_MODES,
  type SslMode,
  TRANSPORT_KINDS,
  type TransportKind,
} from './options.js'
import { type PolicyConfigData, resolvePolicies } from './policy-options.js'
import { isLoopbackHost, parseRedshiftHost } from './redshift-host.js'
import {
  BOOLEAN_SETTINGS,
  type BooleanSettingKey,
  NUMBER_SETTINGS,
  type NumberSettingKey,
} from './setting-specs.js'
import type { ConfigLayer, SettingEntry, SettingKey } from './settings.js'

/**
 * Where the client connects.
 *
 * @example
 * const { host, port, database }: RedshiftEndpoint = client.config.endpoint
 */
export interface RedshiftEndpoint {
  /** Host name; absent only with the Data API, which addresses a cluster id or workgroup instead. */
  readonly host?: string
  readonly port: number
  readonly database: string
}

/**
 * The validated settings a {@link RedshiftConfig} holds.
 *
 * @example
 * const data: RedshiftConfigData = RedshiftConfig.fromEnv()
 * console.log(data.endpoint.host, data.poolSize, data.sslMode)
 */
export interface RedshiftConfigData extends PolicyConfigData {
  readonly endpoint: RedshiftEndpoint
  readonly credentials: CredentialSource
  readonly transport: TransportKind
  /** The Data API transport's `streamResults` pages (`withDataApi({ streamFormat })`). */
  readonly dataApiStreamFormat?: 'json' | 'csv'
  /** Provisioned cluster id: given, or read from the host name. */
  readonly clusterIdentifier?: string
  /** Serverless workgroup: given (`withServerless`), or read from the host name. */
  readonly workgroup?: string
  /** AWS region: given, else read from the host name, else `AWS_REGION` (fromEnv only). */
  readonly region?: string
  readonly poolSize: number
  readonly minConnections: number
  /** Statements one connection may have in flight at once (1: none shared). */
  readonly pipelineDepth: number
  readonly connectionTimeoutMs: number
  readonly idleTimeoutMs: number
  readonly maxLifetimeMs: number
  readonly defaultTimeoutMs: number
  readonly maxQueryTimeoutMs: number
  readonly fetchSize: number
  readonly defaultQueryGroup?: string
  readonly maxRetries: number
  readonly retryBackoffMs: number
  readonly circuitBreakerThreshold: number
  readonly defaultCopyIamRole?: string
  readonly defaultUnloadIamRole?: string
  readonly sslMode: SslMode
  /** PEM text of the CA bundle to trust for verify-ca / verify-full. */
  readonly sslCa?: string
  /** Path of a CA bundle file (JDBC's `sslrootcert`), read by the transport. */
  readonly sslRootCertPath?: string
  readonly applicationName: string
  readonly validateAfterIdleMs: number
  /** A statement silent this long drops its connection (0: never). */
  readonly readTimeoutMs: number
  /** Delay before the first TCP keepalive probe (0: keepalive off). */
  readonly keepAliveMs: number
  /** How long `close()` waits for running calls before it drops every connection. */
  readonly closeTimeoutMs: number
  /** Whether every statement fetches its Redshift query id (in the same round trip). */
  readonly fetchQueryId: boolean
  /** How result values are read (see `RedshiftConfigBuilder.typeParsers`); `{}`: the lossless defaults. */
  readonly typeParsers: TypeParserOptions
  /** Endpoint URL of the credential providers' AWS calls (a local Redshift's, in tests). */
  readonly awsEndpoint?: string
  /** Keys for the credential providers' AWS calls; the SDK's default chain when absent. */
  readonly awsCredentials?: AwsCredentials
}

const PARSER_CHOICES: Readonly<Record<string, readonly string[]>> = {
  numeric: ['string', 'number'],
  bigint: ['bigint', 'string'],
  timestamps: ['date', 'string'],
  super: ['json', 'text'],
}

/** The type parser options, each checked against its choices. */
function typeParserOptions(r: Resolver): TypeParserOptions {
  const e = r.entry('typeParsers')
  if (e === undefined) return Object.freeze({})
  if (typeof e.value !== 'object' || e.value === null) {
    r.problem('typeParsers', `must be an object such as { timestamps: 'string' }, got ${show(e.value)}`, e)
    return Object.freeze({})
  }
  const given = e.value as Record<string, unknown>
  for (const [key, value] of Object.entries(given)) {
    if (key === 'overrides') {
      const ok =
        typeof value === 'object' &&
        value !== null &&
        Object.entries(value).every(([oid, f]) => /^\d+$/.test(oid) && typeof f === 'function')
      if (!ok) r.problem('typeParsers.overrides', 'must map type OIDs to parser functions', e)
      continue
    }
    const choices = PARSER_CHOICES[key]
    if (choices === undefined) {
      r.problem(
        `typeParsers.${key}`,
        `is not an option (use ${Object.keys(PARSER_CHOICES).join(', ')}, overrides)`,
        e,
      )
    } else if (!choices.includes(value as string)) {
      r.problem(`typeParsers.${key}`, `must be one of ${choices.join(', ')}, got ${show(value)}`, e)
    }
  }
  return Object.freeze({ ...(given as TypeParserOptions) })
}
const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/
const REGION = /^[a-z]{2}(?:-[a-z]+)+-\d+$/
const CLUSTER_ID = /^[a-z](?!.*--)[a-z0-9-]{0,62}(?<!-)$/
const WORKGROUP = /^[a-z0-9-]{3,64}$/

/** Reads settings from layers in precedence order (first wins) and collects every problem. */
class Resolver {
  readonly problems: Problem[] = []
  readonly #layers: readonly ConfigLayer[]

  constructor(layers: readonly ConfigLayer[]) {
    this.#layers = layers
    for (const layer of layers) this.problems.push(...layer.problems)
  }

  entry(key: SettingKey): SettingEntry | undefined {
    for (const layer of this.#layers) {
      const e = layer.values.get(key)
      if (e !== undefined) return e
    }
    return undefined
  }

  problem(field: string, message: string, entry?: SettingEntry): void {
    this.problems.push(
      entry?.source === undefined ? { field, message } : { field, message, source: entry.source },
    )
  }

  /** A number setting, checked against its one description (range, default). */
  num(key: NumberSettingKey): number {
    const spec = NUMBER_SETTINGS[key]
    return this.int(key, spec.min, spec.max, spec.default)
  }

  /** An on/off setting, with its described default. */
  flag(key: BooleanSettingKey): boolean {
    return this.bool(key, BOOLEAN_SETTINGS[key].default)
  }

  int(key: SettingKey, min: number, max: number, fallback: number): number
  int(key: SettingKey, min: number, max: number): number | undefined
  int(key: SettingKey, min: number, max: number, fallback?: number): number | undefined {
    const e = this.entry(key)
    if (e === undefined) return fallback
    const n = typeof e.value === 'string' && /^\s*-?\d+\s*$/.test(e.value) ? Number(e.value) : e.value
    if (typeof n === 'number' && Number.isInteger(n) && n >= min && n <= max) return n
    this.problem(key, `must be a whole number from ${min} to ${max}, got ${show(e.value)}`, e)
    return fallback
  }

  text(key: SettingKey, check?: (v: string) => string | undefined, secret = false): string | undefined {
    const e = this.entry(key)
    if (e === undefined) return undefined
    if (typeof e.value !== 'string' || e.value.trim() === '') {
      this.problem(key, `must be a non-empty string${secret ? '' : `, got ${show(e.value)}`}`, e)
      return undefined
    }
    const message = check?.(e.value)
    if (message !== undefined) {
      this.problem(key, message, e)
      return undefined
    }
    return e.value
  }

  bool(key: SettingKey, fallback: boolean): boolean {
    const e = this.entry(key)
    if (e === undefined) return fallback
    if (typeof e.value === 'boolean') return e.value
    const t = String(e.value).trim().toLowerCase()
    if (['true', '1', 'yes', 'on'].includes(t)) return true
    if (['false', '0', 'no', 'off'].includes(t)) return false
    this.problem(key, `must be true or false, got ${show(e.value)}`, e)
    return fallback
  }

  list(key: SettingKey): string[] {
    const e = this.entry(key)
    if (e === undefined) return []
    const items =
      typeof e.value === 'string' ? e.value.split(',') : Array.isArray(e.value) ? e.value : [e.value]
    const out: string[] = []
    for (const item of items) {
      if (typeof item === 'string' && item.trim() !== '') out.push(item.trim())
      else this.problem(key, `must be a list of non-empty names, got ${show(e.value)}`, e)
    }
    return out
  }
}

function show(value: unknown): string {
  const text = typeof value === 'string' ? JSON.stringify(value) : String(value)
  return text.length > 80 ? `${text.slice(0, 77)}...` : text
}

function roleListProblem(value: string): string | undefined {
  if (value.trim().toLowerCase() === 'default') return undefined
  const roles = value.split(',').map((r) => r.trim())
  if (roles.length > 10) return 'chains at most 10 roles'
  const bad = roles.find((r) => !ROLE_ARN.test(r))
  return bad === undefined
    ? undefined
    : `must be 'default' or IAM role ARNs (arn:aws:iam::<12-digit account>:role/<name>), comma-separated; ${show(bad)} is not one`
}

function resolveCredentials(r: Resolver, transport: TransportKind): CredentialSource | undefined {
  const methodEntry = r.entry('authMethod')
  const method = methodEntry?.value
  if (Array.isArray(method)) {
    r.problem('credentials', 'several credential sources are set; set only one of them', methodEntry)
    return undefined
  }
  if (method === undefined && transport === 'data-api') {
    // The Data API's own default: the caller's IAM identity (GetClusterCredentialsWithIAM / Serverless).
    return dataApiIamSource(r, undefined)
  }
  if (method === 'database' && transport === 'data-api' && r.entry('password') === undefined) {
    // REDSHIFT_USER alone names the Data API's DbUser (temporary credentials for that user).
    return dataApiIamSource(r, r.text('user'))
  }
  if (method === undefined) {
    r.problem(
      'credentials',
      'no credentials: call withDatabaseAuth(user, password), withIamRole(roleArn), withIamAuth() or withSecretsManager(secretId) ' +
        '(or set REDSHIFT_USER and REDSHIFT_PASSWORD, REDSHIFT_IAM_ROLE, or REDSHIFT_SECRET_ID)',
    )
    return undefined
  }
  switch (method as AuthMethod) {
    case 'database': {
      const user = r.text('user', (u) => (u.length > 127 ? 'must be at most 127 characters' : undefined))
      const password = r.text('password', undefined, true)
      if (r.entry('user') === undefined)
        r.problem('user', 'is required for database authentication (REDSHIFT_USER)')
      if (r.entry('password') === undefined) {
        r.problem('password', 'is required for database authentication (REDSHIFT_PASSWORD)')
      }
      if (transport === 'data-api') {
        r.problem(
          'credentials',
          'the Data API cannot log in with a password: use withSecretsManager(secretId) or withIamAuth()',
          methodEntry,
        )
      }
      return user !== undefined && password !== undefined
        ? new DatabaseCredentials(user, password)
        : undefined
    }
    case 'iam': {
      const roleArn = r.text('roleArn', (v) =>
        ROLE_ARN.test(v) ? undefined : 'must be an IAM role ARN: arn:aws:iam::<12-digit account>:role/<name>',
      )
      const dbUser = r.text('dbUser') ?? (r.entry('dbUser') === undefined ? r.text('user') : undefined)
      const profile = r.text('profile')
      return Object.freeze({
        kind: 'iam' as const,
        ...(roleArn === undefined ? {} : { roleArn }),
        ...(dbUser === undefined ? {} : { dbUser }),
        dbGroups: Object.freeze(r.list('dbGroups')),
        autoCreate: r.flag('autoCreate'),
        durationSeconds: r.num('iamDurationSeconds'),
        ...(profile === undefined ? {} : { profile }),
      })
    }
    case 'secrets-manager': {
      const secretId = r.text('secretId', (v) =>
        v.length > 2048 ? 'must be at most 2048 characters' : undefined,
      )
      return secretId === undefined
        ? undefined
        : Object.freeze({ kind: 'secrets-manager' as const, secretId })
    }
    default:
      r.problem('credentials', `unknown authentication method ${show(method)}`, methodEntry)
      return undefined
  }
}

/** IAM authentication as the Data API does it: for `dbUser`, or as the caller's identity. */
function dataApiIamSource(r: Resolver, dbUser: string | undefined): CredentialSource {
  return Object.freeze({
    kind: 'iam' as const,
    ...(dbUser === undefined ? {} : { dbUser }),
    dbGroups: Object.freeze([]),
    autoCreate: false,
    durationSeconds: r.num('iamDurationSeconds'),
  })
}

/** What the Data API cannot do with otherwise valid settings. */
function dataApiProblems(
  r: Resolver,
  credentials: CredentialSource | undefined,
  workgroup: string | undefined,
): void {
  if (credentials?.kind !== 'iam') return
  if (credentials.roleArn !== undefined || credentials.profile !== undefined) {
    // Not ignored: the Data API calls are signed with awsCredentials() or the SDK's default chain.
    r.problem(
      'credentials',
      'the Data API signs its calls with the AWS SDK credentials: give them with awsCredentials(fromTemporaryCredentials(...)) or fromIni(...) instead of a role ARN or profile here',
      r.entry('authMethod'),
    )
  }
  if (credentials.dbGroups.length > 0 || credentials.autoCreate) {
    r.problem(
      'credentials',
      'the Data API takes no dbGroups or autoCreate: remove them',
      r.entry('authMethod'),
    )
  }
  if (credentials.dbUser !== undefined && workgroup !== undefined) {
    r.problem(
      'dbUser',
      'the Data API takes DbUser for provisioned clusters only; on a serverless workgroup the database user is your IAM identity (remove dbUser), or use secretArn',
      r.entry('dbUser') ?? r.entry('user'),
    )
  }
}

function awsCredentialsOf(r: Resolver): AwsCredentials | undefined {
  const e = r.entry('awsCredentials')
  if (e === undefined) return undefined
  if (e.value instanceof AwsCredentials) return e.value
  r.problem(
    'awsCredentials',
    'must be { accessKeyId, secretAccessKey, sessionToken? } or a provider function',
    e,
  )
  return undefined
}

/** What IAM authentication needs beyond its own options: where to ask for credentials. */
function iamProblems(
  r: Resolver,
  credentials: CredentialSource | undefined,
  host: string | undefined,
  hostKind: string,
  clusterIdentifier: string | undefined,
  workgroup: string | undefined,
): void {
  if (credentials?.kind !== 'iam') return
  const custom = host !== undefined && hostKind === 'other' && !isLoopbackHost(host) && !isIP(host)
  if (clusterIdentifier === undefined && workgroup === undefined && !custom) {
    r.problem(
      'clusterIdentifier',
      'IAM authentication needs the cluster or workgroup to ask credentials for: call clusterIdentifier(id) or withServerless(workgroup), ' +
        "or use the cluster's endpoint or custom domain name as the host",
    )
  }
}

/**
 * Resolves layers (highest precedence first) into validated settings, or returns every problem.
 * Pure: reads nothing but its arguments.
 */
export function resolveConfig(
  layers: readonly ConfigLayer[],
):
  | { readonly data: RedshiftConfigData; readonly problems: readonly [] }
  | { readonly problems: readonly Problem[] } {
  const r = new Resolver(layers)
  const transportEntry = r.entry('transport')
  let transport: TransportKind = CONFIG_DEFAULTS.transport
  if (transportEntry !== undefined) {
    if (isTransportKind(transportEntry.value)) transport = transportEntry.value
    else
      r.problem(
        'transport',
        `must be one of ${TRANSPORT_KINDS.join(', ')}, got ${show(transportEntry.value)}`,
        transportEntry,
      )
  }

  const host = r.text('host', (h) =>
    h.includes('://')
      ? 'must be a host name, not a URL (use RedshiftConfig.fromUrl for URLs)'
      : /[\s/]/.test(h)
        ? 'must be a host name without spaces or slashes'
        : undefined,
  )
  const hostInfo = host === undefined ? ({ kind: 'other' } as const) : parseRedshiftHost(host)
  const port = r.num('port')
  const database =
    r.text('database', (d) => (d.length > 127 ? 'must be at most 127 characters' : undefined)) ??
    CONFIG_DEFAULTS.database

  const clusterIdEntry = r.entry('clusterIdentifier')
  const givenCluster = r
    .text('clusterIdentifier', (c) =>
      CLUSTER_ID.test(c.toLowerCase())
        ? undefined
        : 'must be 1-63 letters, digits and single hyphens, starting with a letter',
    )
    ?.toLowerCase()
  const givenWorkgroup = r.text('workgroup', (w) =>
    WORKGROUP.test(w) ? undefined : 'must be 3-64 lower-case letters, digits and hyphens',
  )
  const regionEntry = r.entry('region')
  const givenRegion = r.text('region', (v) =>
    REGION.test(v) ? undefined : 'must be an AWS region such as us-east-1',
  )

  const hostCluster = hostInfo.kind === 'provisioned' ? hostInfo.clusterIdentifier : undefined
  const hostWorkgroup = hostInfo.kind === 'serverless' ? hostInfo.workgroup : undefined
  const hostRegion = hostInfo.kind === 'other' ? undefined : hostInfo.region
  if (givenCluster !== undefined && hostCluster !== undefined && givenCluster !== hostCluster) {
    r.problem(
      'clusterIdentifier',
      `is '${givenCluster}' but the host names cluster '${hostCluster}'`,
      clusterIdEntry,
    )
  }
  if (givenRegion !== undefined && hostRegion !== undefined && givenRegion !== hostRegion) {
    r.problem('region', `is '${givenRegion}' but the host is in '${hostRegion}'`, regionEntry)
  }
  const clusterIdentifier = givenCluster ?? hostCluster
  const workgroup = givenWorkgroup ?? hostWorkgroup
  if (givenWorkgroup !== undefined && clusterIdentifier !== undefined) {
    r.problem(
      'workgroup',
      `a serverless workgroup and a provisioned cluster ('${clusterIdentifier}') are both set; keep one`,
    )
  }
  const ambient = r.entry('ambientRegion')?.value
  const region =
    givenRegion ?? hostRegion ?? (typeof ambient === 'string' && REGION.test(ambient) ? ambient : undefined)

  // A Secrets Manager secret of a Redshift database carries host, port and database itself.
  const hostFromSecret = r.entry('authMethod')?.value === 'secrets-manager'
  // IAM authentication with a cluster id finds the host as the JDBC driver does (DescribeClusters).
  const hostFromCluster =
    r.entry('authMethod')?.value === 'iam' && givenCluster !== undefined && workgroup === undefined
  if (
    transport === 'wire' &&
    host === undefined &&
    r.entry('host') === undefined &&
    !hostFromSecret &&
    !hostFromCluster
  ) {
    r.problem(
      'host',
      'is required for the wire transport: call endpoint(host, port, database), or set REDSHIFT_HOST or REDSHIFT_URL (with withIamAuth(), a clusterIdentifier is enough: its host is looked up)',
    )
  }
  if (transport === 'data-api' && clusterIdentifier === undefined && workgroup === undefined) {
    r.problem(
      'clusterIdentifier',
      'the Data API needs a cluster id or a serverless workgroup (withServerless), or a host name that contains one',
    )
  }

  const credentials = resolveCredentials(r, transport)
  const poolSize = r.num('poolSize')
  const minConnections = r.num('minConnections')
  if (minConnections > poolSize) {
    r.problem(
      'minConnections',
      `(${minConnections}) must not exceed poolSize (${poolSize})`,
      r.entry('minConnections'),
    )
  }
  const defaultTimeoutMs = r.num('defaultTimeoutMs')
  const maxQueryTimeoutMs = r.num('maxQueryTimeoutMs')
  if (maxQueryTimeoutMs > 0 && defaultTimeoutMs > maxQueryTimeoutMs) {
    r.problem(
      'defaultTimeoutMs',
      `(${defaultTimeoutMs} ms) must not exceed maxQueryTimeout (${maxQueryTimeoutMs} ms)`,
      r.entry('defaultTimeoutMs'),
    )
  }

  const sslEntry = r.entry('sslMode')
  let sslMode: SslMode = host !== undefined && isLoopbackHost(host) ? 'prefer' : 'verify-full'
  if (sslEntry !== undefined) {
    const v = typeof sslEntry.value === 'string' ? sslEntry.value.trim().toLowerCase() : sslEntry.value
    if (isSslMode(v)) sslMode = v
    else r.problem('sslMode', `must be one of ${SSL_MODES.join(', ')}, got ${show(sslEntry.value)}`, sslEntry)
  }
  const queryGroupEntry = r.entry('defaultQueryGroup')
  const queryGroupIssue =
    queryGroupEntry === undefined ? undefined : queryGroupProblem('defaultQueryGroup', queryGroupEntry.value)
  if (queryGroupIssue !== undefined)
    r.problem(queryGroupIssue.field, queryGroupIssue.message, queryGroupEntry)

  const optional = <K extends string, V>(key: K, value: V | undefined) =>
    (value === undefined ? {} : { [key]: value }) as { [P in K]?: V }
  const circuitBreakerThreshold = r.int(
    'circuitBreakerThreshold',
    0,
    1_000_000,
    CONFIG_DEFAULTS.circuitBreakerThreshold,
  )
  const data: RedshiftConfigData = {
    endpoint: Object.freeze({ ...optional('host', host), port, database }),
    credentials: credentials as CredentialSource,
    transport,
    ...optional(
      'dataApiStreamFormat',
      r.text('dataApiStreamFormat', (f) =>
        f === 'json' || f === 'csv' ? undefined : "must be 'json' or 'csv'",
      ) as 'json' | 'csv' | undefined,
    ),
    ...optional('clusterIdentifier', clusterIdentifier),
    ...optional('workgroup', workgroup),
    ...optional('region', region),
    poolSize,
    minConnections,
    connectionTimeoutMs: r.num('connectionTimeoutMs'),
    idleTimeoutMs: r.num('idleTimeoutMs'),
    maxLifetimeMs: r.num('maxLifetimeMs'),
    defaultTimeoutMs,
    maxQueryTimeoutMs,
    fetchSize: r.num('fetchSize'),
    ...optional(
      'defaultQueryGroup',
      queryGroupIssue === undefined ? (queryGroupEntry?.value as string | undefined) : undefined,
    ),
    maxRetries: r.num('maxRetries'),
    retryBackoffMs: r.num('retryBackoffMs'),
    circuitBreakerThreshold,
    ...resolvePolicies(r, circuitBreakerThreshold),
    ...optional('defaultCopyIamRole', r.text('defaultCopyIamRole', roleListProblem)),
    ...optional('defaultUnloadIamRole', r.text('defaultUnloadIamRole', roleListProblem)),
    sslMode,
    ...optional('sslCa', r.text('sslCa')),
    ...optional('sslRootCertPath', r.text('sslRootCertPath')),
    applicationName:
      r.text('applicationName', (n) =>
        // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused
        n.length > 63 || /[\u0000-\u001f]/.test(n) ? 'must be at most 63 printable characters' : undefined,
      ) ?? CONFIG_DEFAULTS.applicationName,
    validateAfterIdleMs: r.num('validateAfterIdleMs'),
    pipelineDepth: r.num('pipelineDepth'),
    readTimeoutMs: r.num('readTimeoutMs'),
    keepAliveMs: r.num('keepAliveMs'),
    closeTimeoutMs: r.num('closeTimeoutMs'),
    fetchQueryId: r.flag('fetchQueryId'),
    typeParsers: typeParserOptions(r),
    ...optional(
      'awsEndpoint',
      r.text('awsEndpoint', (u) =>
        /^https?:\/\/[^\s/]+/i.test(u) ? undefined : 'must be an http(s) URL such as http://127.0.0.1:4566',
      ),
    ),
    ...optional('awsCredentials', awsCredentialsOf(r)),
  }
  iamProblems(r, credentials, host, hostInfo.kind, clusterIdentifier, workgroup)
  if (transport === 'data-api') dataApiProblems(r, credentials, workgroup)
  return r.problems.length > 0 ? { problems: r.problems } : { data, problems: [] }
}
