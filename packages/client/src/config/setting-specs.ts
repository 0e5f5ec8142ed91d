import type { SettingKey } from './settings.js'

const MAX_MS = 2_147_483_647

/** One number setting, described once: the resolver, `fromEnv`, `fromUrl` and the defaults derive from it. */
export interface NumberSettingSpec {
  readonly kind: 'int'
  readonly min: number
  readonly max: number
  readonly default: number
  /** The `REDSHIFT_*` variable `fromEnv` reads it from, if any. */
  readonly env?: string
  /** URL query keys (compared in lower case) `fromUrl` reads it from. */
  readonly url?: readonly string[]
  /** URL query keys given in seconds (JDBC's), read into milliseconds. */
  readonly urlSeconds?: readonly string[]
  readonly doc: string
}

/** One on/off setting, described once. */
export interface BooleanSettingSpec {
  readonly kind: 'bool'
  readonly default: boolean
  readonly env?: string
  readonly url?: readonly string[]
  readonly doc: string
}

/** Where a text setting (host, user, modes, names) is read from; its checks live in the resolver. */
export interface TextSettingSource {
  readonly env?: string
  readonly url?: readonly string[]
}

/**
 * The number and on/off settings: type, range, default, environment variable, URL keys and meaning,
 * each in one place. The builder has one method per setting (named in its doc); `fromEnv`, `fromUrl`,
 * `CONFIG_DEFAULTS` and the resolver are derived from this table.
 *
 * @example
 * NUMBER_SETTINGS.poolSize // { kind: 'int', min: 1, max: 2000, default: 10, env: 'REDSHIFT_POOL_SIZE', ... }
 */
export const NUMBER_SETTINGS = {
  port: { kind: 'int', min: 1, max: 65_535, default: 5439, env: 'REDSHIFT_PORT', doc: "Redshift's port." },
  poolSize: {
    kind: 'int',
    min: 1,
    max: 2000,
    default: 10,
    env: 'REDSHIFT_POOL_SIZE',
    url: ['poolsize'],
    doc: 'At most this many pooled connections (2x the WLM slots of the queue used is a good start). Builder: poolSize(n).',
  },
  minConnections: {
    kind: 'int',
    min: 0,
    max: 2000,
    default: 0,
    url: ['minconnections'],
    doc: 'Connections kept open even when idle. Builder: minConnections(n).',
  },
  pipelineDepth: {
    kind: 'int',
    min: 1,
    max: 64,
    default: 4,
    url: ['pipelinedepth'],
    doc: 'Autocommit statements one connection may have in flight at once once every pooled connection is busy; 1: one statement per connection. Builder: pipelineDepth(n).',
  },
  connectionTimeoutMs: {
    kind: 'int',
    min: 0,
    max: MAX_MS,
    default: 10_000,
    url: ['connectiontimeoutms'],
    urlSeconds: ['connecttimeout', 'logintimeout'],
    doc: "Opening a connection (TCP, TLS, login) must finish within this; also the pool's acquire timeout. Builder: connectionTimeout(ms).",
  },
  idleTimeoutMs: {
    kind: 'int',
    min: 0,
    max: MAX_MS,
    default: 600_000,
    url: ['idletimeoutms'],
    doc: 'Idle connections close after this (0: never). Builder: idleTimeout(ms).',
  },
  maxLifetimeMs: {
    kind: 'int',
    min: 0,
    max: MAX_MS,
    default: 1_800_000,
    url: ['maxlifetimems'],
    doc: 'Connections are replaced after this age (0: never), so rotated IAM passwords are picked up. Builder: maxLifetime(ms).',
  },
  defaultTimeoutMs: {
    kind: 'int',
    min: 0,
    max: MAX_MS,
    default: 0,
    url: ['defaulttimeoutms'],
    doc: 'Timeout of a query that names none (0: none; long ETL statements are not killed by surprise; WLM rules still apply). Builder: defaultTimeout(ms).',
  },
  maxQueryTimeoutMs: {
    kind: 'int',
    min: 0,
    max: MAX_MS,
    default: 0,
    url: ['maxquerytimeoutms'],
    doc: "Upper bound on any query's timeout (0: no bound). Builder: maxQueryTimeout(ms).",
  },
  fetchSize: {
    kind: 'int',
    min: 1,
    max: 1_000_000,
    default: 1000,
    url: ['fetchsize'],
    doc: 'Rows per batch when streaming. Builder: fetchSize(n).',
  },
  maxRetries: {
    kind: 'int',
    min: 0,
    max: 100,
    default: 3,
    url: ['maxretries'],
    doc: 'Reruns of a call whose statement never reached the server, and of a transaction after a serialization conflict. Builder: maxRetries(n).',
  },
  retryBackoffMs: {
    kind: 'int',
    min: 0,
    max: MAX_MS,
    default: 100,
    url: ['retrybackoffms'],
    doc: 'First retry delay; later ones back off exponentially with jitter. Builder: retryBackoff(ms).',
  },
  circuitBreakerThreshold: {
    kind: 'int',
    min: 0,
    max: 1_000_000,
    default: 5,
    url: ['circuitbreakerthreshold'],
    doc: 'Consecutive failures that open the circuit breaker (0: no breaker). Builder: circuitBreakerThreshold(n).',
  },
  validateAfterIdleMs: {
    kind: 'int',
    min: 0,
    max: MAX_MS,
    default: 30_000,
    url: ['validateafteridlems'],
    doc: 'A pooled connection idle for longer is checked with a round trip before it is handed out. Builder: validateAfterIdle(ms).',
  },
  readTimeoutMs: {
    kind: 'int',
    min: 0,
    max: MAX_MS,
    default: 0,
    url: ['readtimeoutms'],
    urlSeconds: ['sockettimeout'],
    doc: 'A statement that receives no byte from the server for this long drops its connection (0: never). Builder: readTimeout(ms).',
  },
  keepAliveMs: {
    kind: 'int',
    min: 0,
    max: MAX_MS,
    default: 60_000,
    url: ['keepalivems'],
    doc: 'Delay before the first TCP keepalive probe of an idle connection (0: keepalive off). Builder: keepAlive(ms).',
  },
  closeTimeoutMs: {
    kind: 'int',
    min: 0,
    max: MAX_MS,
    default: 30_000,
    url: ['closetimeoutms'],
    doc: 'How long close() waits for running calls before it drops every connection. Builder: closeTimeout(ms).',
  },
  iamDurationSeconds: {
    kind: 'int',
    min: 900,
    max: 3600,
    default: 900,
    url: ['iamduration'],
    doc: 'Lifetime of IAM temporary passwords, in seconds. Builder: withIamAuth({ durationSeconds }).',
  },
} as const satisfies Record<string, NumberSettingSpec>

/** The on/off settings (see {@link NUMBER_SETTINGS}). */
export const BOOLEAN_SETTINGS = {
  fetchQueryId: {
    kind: 'bool',
    default: true,
    url: ['fetchqueryid'],
    doc: "Fetch Redshift's query id with every statement, in the same round trip. Builder: fetchQueryId(enabled).",
  },
  autoCreate: {
    kind: 'bool',
    default: false,
    url: ['autocreate'],
    doc: 'IAM: create the database user at login. Builder: withIamAuth({ autoCreate }).',
  },
} as const satisfies Record<string, BooleanSettingSpec>

/** Where the text settings are read from (their checks are the resolver's). */
export const TEXT_SETTING_SOURCES: Readonly<Partial<Record<SettingKey, TextSettingSource>>> = {
  host: { env: 'REDSHIFT_HOST' },
  database: { env: 'REDSHIFT_DATABASE' },
  user: { env: 'REDSHIFT_USER', url: ['user', 'uid'] },
  password: { env: 'REDSHIFT_PASSWORD', url: ['password', 'pwd'] },
  roleArn: { env: 'REDSHIFT_IAM_ROLE', url: ['rolearn'] },
  secretId: { env: 'REDSHIFT_SECRET_ID', url: ['secretid'] },
  clusterIdentifier: { env: 'REDSHIFT_CLUSTER_ID', url: ['clusterid', 'clusteridentifier'] },
  workgroup: { env: 'REDSHIFT_WORKGROUP', url: ['workgroup', 'serverlessworkgroupname'] },
  sslMode: { env: 'REDSHIFT_SSL_MODE', url: ['sslmode'] },
  sslRootCertPath: { url: ['sslrootcert'] },
  defaultQueryGroup: { env: 'REDSHIFT_QUERY_GROUP', url: ['querygroup', 'query_group'] },
  transport: { env: 'REDSHIFT_TRANSPORT', url: ['transport'] },
  dbUser: { url: ['dbuser'] },
  dbGroups: { url: ['dbgroups'] },
  region: { url: ['region'] },
  profile: { url: ['profile'] },
  applicationName: { url: ['applicationname', 'application_name'] },
}

/** A number setting's name. */
export type NumberSettingKey = keyof typeof NUMBER_SETTINGS
/** An on/off setting's name. */
export type BooleanSettingKey = keyof typeof BOOLEAN_SETTINGS

function sources(): [SettingKey, { readonly env?: string; readonly url?: readonly string[] }][] {
  return [
    ...(Object.entries(NUMBER_SETTINGS) as [SettingKey, NumberSettingSpec][]),
    ...(Object.entries(BOOLEAN_SETTINGS) as [SettingKey, BooleanSettingSpec][]),
    ...(Object.entries(TEXT_SETTING_SOURCES) as [SettingKey, TextSettingSource][]),
  ]
}

/** `REDSHIFT_*` variable -> setting, derived from the tables above. */
export function envVariables(): Record<string, SettingKey> {
  const out: Record<string, SettingKey> = {}
  for (const [key, spec] of sources()) if (spec.env !== undefined) out[spec.env] = key
  return out
}

/** URL query key (lower case) -> setting, and the keys given in seconds, derived from the tables above. */
export function urlProperties(): {
  readonly properties: Record<string, SettingKey>
  readonly seconds: Record<string, SettingKey>
} {
  const properties: Record<string, SettingKey> = {}
  const seconds: Record<string, SettingKey> = {}
  for (const [key, spec] of sources()) for (const name of spec.url ?? []) properties[name] = key
  for (const [key, spec] of Object.entries(NUMBER_SETTINGS) as [SettingKey, NumberSettingSpec][]) {
    for (const name of spec.urlSeconds ?? []) seconds[name] = key
  }
  return { properties, seconds }
}

/** The defaults of the number and on/off settings. */
export function settingDefaults(): { readonly [K in NumberSettingKey]: number } & {
  readonly [K in BooleanSettingKey]: boolean
} {
  const out: Record<string, number | boolean> = {}
  for (const [key, spec] of Object.entries(NUMBER_SETTINGS)) out[key] = spec.default
  for (const [key, spec] of Object.entries(BOOLEAN_SETTINGS)) out[key] = spec.default
  return out as { readonly [K in NumberSettingKey]: number } & { readonly [K in BooleanSettingKey]: boolean }
}
