import { inspect } from 'node:util'
import { ConfigError } from '../errors/client-errors.js'
import type { Logger } from '../observability/logger.js'
import type { TelemetryOptions } from '../observability/telemetry-options.js'
import type { BulkheadOptions } from '../resilience/bulkhead.js'
import type { CircuitBreakerOptions } from '../resilience/circuit-breaker.js'
import type { RateLimitOptions } from '../resilience/rate-limiter.js'
import type { RetryBudgetOptions } from '../resilience/retry-budget.js'
import type { TypeParserOptions } from '../types/type-parsers.js'
import {
  type AwsCredentialIdentity,
  type AwsCredentialIdentityProvider,
  AwsCredentials,
} from './aws-credentials.js'
import type { CredentialSource, DataApiOptions, IamAuthOptions } from './credentials.js'
import { readEnv } from './from-env.js'
import { readUrl } from './from-url.js'
import type { SslMode, TransportKind } from './options.js'
import type { ConfigHooks, RetryOptions } from './policy-options.js'
import { type RedshiftConfigData, type RedshiftEndpoint, resolveConfig } from './resolve-config.js'
import { type ConfigLayer, emptyLayer, type SettingKey } from './settings.js'

const CONSTRUCT = Symbol('RedshiftConfig.construct')

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value)
    for (const v of Object.values(value)) deepFreeze(v)
  }
  return value
}

/**
 * A validated, deep-frozen client configuration. Make one with {@link RedshiftConfig.builder},
 * {@link RedshiftConfig.fromEnv} or {@link RedshiftConfig.fromUrl}; each throws one
 * {@link ConfigError} naming every bad field (and the variable or URL part it came from).
 * The password never appears in `toString()`, `JSON.stringify`, `util.inspect` or errors.
 *
 * @example
 * const config = RedshiftConfig.builder()
 *   .endpoint('my-cluster.abc123.us-east-1.redshift.amazonaws.com', 5439, 'analytics')
 *   .withIamRole('arn:aws:iam::123456789012:role/RedshiftRole')
 *   .poolSize(10)
 *   .build()
 * config.clusterIdentifier // 'my-cluster' (read from the host)
 * config.sslMode           // 'verify-full'
 */
export class RedshiftConfig implements RedshiftConfigData {
  readonly endpoint!: RedshiftEndpoint
  readonly credentials!: CredentialSource
  readonly transport!: TransportKind
  declare readonly dataApiStreamFormat?: 'json' | 'csv'
  declare readonly clusterIdentifier?: string
  declare readonly workgroup?: string
  declare readonly region?: string
  readonly poolSize!: number
  readonly minConnections!: number
  readonly pipelineDepth!: number
  readonly connectionTimeoutMs!: number
  readonly idleTimeoutMs!: number
  readonly maxLifetimeMs!: number
  readonly defaultTimeoutMs!: number
  readonly maxQueryTimeoutMs!: number
  readonly fetchSize!: number
  declare readonly defaultQueryGroup?: string
  readonly maxRetries!: number
  readonly retryBackoffMs!: number
  readonly circuitBreakerThreshold!: number
  declare readonly defaultCopyIamRole?: string
  declare readonly defaultUnloadIamRole?: string
  readonly sslMode!: SslMode
  declare readonly sslCa?: string
  declare readonly sslRootCertPath?: string
  readonly applicationName!: string
  readonly validateAfterIdleMs!: number
  readonly readTimeoutMs!: number
  readonly keepAliveMs!: number
  readonly closeTimeoutMs!: number
  readonly fetchQueryId!: boolean
  readonly typeParsers!: TypeParserOptions
  declare readonly awsEndpoint?: string
  declare readonly awsCredentials?: AwsCredentials
  declare readonly circuitBreaker?: CircuitBreakerOptions
  declare readonly rateLimit?: RateLimitOptions
  declare readonly bulkhead?: BulkheadOptions
  readonly maxRetryBackoffMs!: number
  readonly retryBudget!: RetryBudgetOptions | false
  readonly slowQueryThresholdMs!: number
  readonly hooks!: ConfigHooks

  /** @internal Use {@link RedshiftConfig.builder}. */
  constructor(token: typeof CONSTRUCT, data: RedshiftConfigData) {
    if (token !== CONSTRUCT) throw new ConfigError('use RedshiftConfig.builder(), fromEnv() or fromUrl()')
    Object.assign(this, data)
    deepFreeze(this)
  }

  /**
   * A builder with nothing set. Options set on it win over `fromUrl()` / `fromEnv()` values given to
   * the same builder, whatever the order of the calls.
   */
  static builder(): RedshiftConfigBuilder {
    return new RedshiftConfigBuilder()
  }

  /**
   * A configuration from `REDSHIFT_*` variables (`REDSHIFT_URL`, `REDSHIFT_HOST`, `REDSHIFT_PORT`,
   * `REDSHIFT_DATABASE`, `REDSHIFT_USER`, `REDSHIFT_PASSWORD`, `REDSHIFT_IAM_ROLE`, `REDSHIFT_SECRET_ID`,
   * `REDSHIFT_CLUSTER_ID`, `REDSHIFT_WORKGROUP`, `REDSHIFT_SSL_MODE`, `REDSHIFT_POOL_SIZE`,
   * `REDSHIFT_QUERY_GROUP`, `REDSHIFT_TRANSPORT`; `AWS_REGION` for the region).
   *
   * @example
   * const config = RedshiftConfig.fromEnv()   // throws ConfigError naming REDSHIFT_HOST when it is missing
   */
  static fromEnv(env: Readonly<Record<string, string | undefined>> = process.env): RedshiftConfig {
    return new RedshiftConfigBuilder().fromEnv(env).build()
  }

  /**
   * A configuration from a URL: `redshift://user:pass@host:5439/db?sslmode=...&queryGroup=...`,
   * `jdbc:redshift://host:5439/db?user=...&password=...`, or `jdbc:redshift:iam://host:5439/db?DbUser=...`.
   *
   * @example
   * RedshiftConfig.fromUrl('redshift://etl:pw@localhost:5439/dev?sslmode=disable')
   */
  static fromUrl(url: string): RedshiftConfig {
    return new RedshiftConfigBuilder().fromUrl(url).build()
  }

  /** A one-line summary without secrets. */
  toString(): string {
    const where = this.endpoint.host ?? this.workgroup ?? this.clusterIdentifier ?? '?'
    const auth =
      this.credentials.kind === 'database'
        ? `database user ${this.credentials.user}`
        : this.credentials.kind === 'iam'
          ? `iam${this.credentials.roleArn ? ` role ${this.credentials.roleArn}` : ''}`
          : `secrets-manager ${this.credentials.secretId}`
    return `RedshiftConfig(${where}:${this.endpoint.port}/${this.endpoint.database}, ${this.transport}, ${auth}, sslMode ${this.sslMode}, pool ${this.poolSize})`
  }
}

/**
 * Collects options for a {@link RedshiftConfig}. Setters record values; `build()` validates them all
 * at once. Precedence: options set here, then a `fromUrl()` layer, then a `fromEnv()` layer, then defaults.
 *
 * @example
 * RedshiftConfig.builder()
 *   .fromEnv()                      // REDSHIFT_* as a base
 *   .poolSize(20)                   // wins over REDSHIFT_POOL_SIZE
 *   .build()
 */
export class RedshiftConfigBuilder {
  readonly #options: ConfigLayer = emptyLayer()
  #url: ConfigLayer | undefined
  #env: ConfigLayer | undefined

  #set(key: SettingKey, value: unknown): this {
    this.#options.values.set(key, { value })
    return this
  }

  /** Host, port (@default 5439) and database (@default 'dev'). @example .endpoint('localhost', 5439, 'dev') */
  endpoint(host: string, port: number = 5439, database = 'dev'): this {
    return this.#set('host', host).#set('port', port).#set('database', database)
  }

  /** Log in with a database user and password. @example .withDatabaseAuth('etl', process.env.PW!) */
  withDatabaseAuth(user: string, password: string): this {
    return this.#set('authMethod', 'database').#set('user', user).#set('password', password)
  }

  /**
   * IAM authentication after assuming `roleArn`.
   * @example .withIamRole('arn:aws:iam::123456789012:role/RedshiftRole')
   */
  withIamRole(roleArn: string, options: Omit<IamAuthOptions, 'roleArn'> = {}): this {
    return this.withIamAuth({ ...options, roleArn })
  }

  /**
   * IAM authentication with the AWS SDK's default credentials (or `options.roleArn`, `options.profile`).
   * @example .withIamAuth({ dbUser: 'etl', dbGroups: ['loaders'], autoCreate: true })
   */
  withIamAuth(options: IamAuthOptions = {}): this {
    this.#set('authMethod', 'iam')
    const keys: [keyof IamAuthOptions, SettingKey][] = [
      ['roleArn', 'roleArn'],
      ['dbUser', 'dbUser'],
      ['dbGroups', 'dbGroups'],
      ['autoCreate', 'autoCreate'],
      ['durationSeconds', 'iamDurationSeconds'],
      ['profile', 'profile'],
    ]
    for (const [option, key] of keys) {
      if (options[option] !== undefined) this.#set(key, options[option])
      else this.#options.values.delete(key)
    }
    return this
  }

  /** A Redshift Serverless workgroup. @example .withServerless('analytics') */
  withServerless(workgroup: string): this {
    return this.#set('workgroup', workgroup)
  }

  /**
   * The Redshift Data API transport (HTTPS, no VPC access needed: Lambda, serverless workgroups).
   * Name the cluster or the workgroup, the database, and how to log in: a Secrets Manager secret
   * (`secretArn`), temporary credentials for a database user (`dbUser`, clusters only), or neither
   * for the caller's IAM identity. Region, endpoint and AWS keys come from the AWS SDK's usual chain
   * (`AWS_REGION`, `AWS_ENDPOINT_URL_REDSHIFT_DATA`, ...) unless `region()`, `awsEndpoint()` or
   * `awsCredentials()` are set.
   *
   * @example
   * RedshiftConfig.builder().withDataApi({ workgroupName: 'analytics', database: 'dev' }).build()
   * RedshiftConfig.builder().withDataApi({ clusterIdentifier: 'etl', database: 'dev', secretArn }).build()
   */
  withDataApi(options: DataApiOptions): this {
    this.#set('transport', 'data-api')
    const keys: [keyof DataApiOptions, SettingKey][] = [
      ['clusterIdentifier', 'clusterIdentifier'],
      ['workgroupName', 'workgroup'],
      ['database', 'database'],
      ['streamFormat', 'dataApiStreamFormat'],
    ]
    for (const [option, key] of keys) {
      if (options[option] !== undefined) this.#set(key, options[option])
    }
    if (options.secretArn !== undefined && options.dbUser !== undefined) {
      // Both kept: build() reports the conflict (the service refuses SecretArn with DbUser too).
      this.#set('authMethod', ['secrets-manager', 'iam'])
    } else if (options.secretArn !== undefined) this.withSecretsManager(options.secretArn)
    else this.withIamAuth(options.dbUser === undefined ? {} : { dbUser: options.dbUser })
    return this
  }

  /** Credentials from an AWS Secrets Manager secret. @example .withSecretsManager('prod/redshift/etl') */
  withSecretsManager(secretId: string): this {
    return this.#set('authMethod', 'secrets-manager').#set('secretId', secretId)
  }

  /** @default 10 @example .poolSize(20) */
  poolSize(n: number): this {
    return this.#set('poolSize', n)
  }
  /** @default 0 @example .minConnections(2) */
  minConnections(n: number): this {
    return this.#set('minConnections', n)
  }
  /**
   * How many autocommit statements (single SELECT/INSERT/UPDATE/DELETE with the same settings) may
   * share one connection in flight once every pooled connection is busy. A statement behind a slow
   * one on the same connection waits for it: use 1 when long queries mix with short ones.
   * @default 4 @example .pipelineDepth(1)
   */
  pipelineDepth(n: number): this {
    return this.#set('pipelineDepth', n)
  }
  /** @default 10000 @example .connectionTimeout(5_000) */
  connectionTimeout(ms: number): this {
    return this.#set('connectionTimeoutMs', ms)
  }
  /** @default 600000 (0: never) @example .idleTimeout(60_000) */
  idleTimeout(ms: number): this {
    return this.#set('idleTimeoutMs', ms)
  }
  /** @default 1800000 (0: never) @example .maxLifetime(900_000) */
  maxLifetime(ms: number): this {
    return this.#set('maxLifetimeMs', ms)
  }
  /** @default 0 (no limit) @example .defaultTimeout(300_000) */
  defaultTimeout(ms: number): this {
    return this.#set('defaultTimeoutMs', ms)
  }
  /** @default 0 (no bound) @example .maxQueryTimeout(3_600_000) */
  maxQueryTimeout(ms: number): this {
    return this.#set('maxQueryTimeoutMs', ms)
  }
  /** @default 1000 @example .fetchSize(5_000) */
  fetchSize(n: number): this {
    return this.#set('fetchSize', n)
  }
  /** @default none @example .defaultQueryGroup('dashboard') */
  defaultQueryGroup(group: string): this {
    return this.#set('defaultQueryGroup', group)
  }
  /**
   * How many times a call is run again when its statement never reached the server (no connection
   * could be opened, or the one it got was found reset before anything was written: `error.sent ===
   * false`), and how many times `executeInTransaction` / `batchExecute` rerun their transaction after
   * a serialization conflict. A statement that may have reached the server is never run again by
   * this setting. @default 3 @example .maxRetries(5)
   */
  maxRetries(n: number): this {
    return this.#set('maxRetries', n)
  }
  /** @default 100 @example .retryBackoff(250) */
  retryBackoff(ms: number): this {
    return this.#set('retryBackoffMs', ms)
  }
  /**
   * Consecutive connection failures that open the endpoint's circuit breaker: the short form of
   * {@link RedshiftConfigBuilder.circuitBreaker}. @default 5 (0: no breaker) @example .circuitBreakerThreshold(10)
   */
  circuitBreakerThreshold(n: number): this {
    return this.#set('circuitBreakerThreshold', n)
  }
  /**
   * The endpoint's circuit breaker in full: consecutive failures, a failure rate over a window, and
   * how long it stays open before a probe; `false` turns it off. Only connection failures count.
   * @default { threshold: 5, halfOpenAfterMs: 10_000 }
   * @example .circuitBreaker({ threshold: 5, halfOpenAfterMs: 10_000, failureRate: { threshold: 0.5, windowMs: 30_000 } })
   */
  circuitBreaker(options: CircuitBreakerOptions | false): this {
    return this.#set('circuitBreaker', options)
  }
  /**
   * Retries: count, backoff base and cap, and the retry budget. Only statements that cannot have
   * run (or are idempotent) are retried. @example .retry({ maxRetries: 5, backoffMs: 200, maxBackoffMs: 5_000 })
   */
  retry(options: RetryOptions): this {
    if (options.maxRetries !== undefined) this.#set('maxRetries', options.maxRetries)
    if (options.backoffMs !== undefined) this.#set('retryBackoffMs', options.backoffMs)
    if (options.maxBackoffMs !== undefined) this.#set('maxRetryBackoffMs', options.maxBackoffMs)
    if (options.budget !== undefined) this.#set('retryBudget', options.budget)
    return this
  }
  /**
   * A client-side limit of statements started per second (token bucket); a statement that would wait
   * longer than `maxWaitMs` fails with `RateLimitedError`. @default off
   * @example .rateLimit({ statementsPerSecond: 50, burst: 10 })
   */
  rateLimit(options: RateLimitOptions): this {
    return this.#set('rateLimit', options)
  }
  /**
   * At most `maxConcurrent` statements at once, `maxQueued` more waiting; beyond, `PoolExhaustedError`
   * at once. @default off @example .bulkhead({ maxConcurrent: 20, maxQueued: 100 })
   */
  bulkhead(options: BulkheadOptions): this {
    return this.#set('bulkhead', options)
  }
  /**
   * A structured logger (`{ debug, info, warn, error }(fields, message)`, as pino's). SQL reaches it
   * with literals replaced by `?`; passwords, keys and tokens never do. @default none
   * @example .logger(pino({ level: 'info' }))
   */
  logger(logger: Logger): this {
    return this.#set('logger', logger)
  }
  /** Statements slower than this are logged at `warn` (`event: 'slow_query'`). @default 0 (off) @example .slowQueryThresholdMs(5_000) */
  slowQueryThresholdMs(ms: number): this {
    return this.#set('slowQueryThresholdMs', ms)
  }
  /**
   * OpenTelemetry spans and metrics: given providers, else the global ones when `@opentelemetry/api`
   * is installed; `false` turns them off. @default the global providers, if any
   * @example .telemetry({ tracerProvider, meterProvider })
   */
  telemetry(options: TelemetryOptions | false): this {
    return this.#set('telemetry', options)
  }
  /** @default none @example .defaultCopyIamRole('arn:aws:iam::123456789012:role/Copy') */
  defaultCopyIamRole(roleArn: string): this {
    return this.#set('defaultCopyIamRole', roleArn)
  }
  /** @default none @example .defaultUnloadIamRole('default') */
  defaultUnloadIamRole(roleArn: string): this {
    return this.#set('defaultUnloadIamRole', roleArn)
  }
  /** @default 'verify-full' ('prefer' for localhost) @example .sslMode('require') */
  sslMode(mode: SslMode): this {
    return this.#set('sslMode', mode)
  }
  /** PEM text of CA certificates to trust. @example .sslCa(readFileSync('ca.pem', 'utf8')) */
  sslCa(pem: string): this {
    return this.#set('sslCa', pem)
  }
  /** Path of a CA bundle file, read when connecting. @example .sslRootCert('/etc/ssl/redshift-ca.pem') */
  sslRootCert(path: string): this {
    return this.#set('sslRootCertPath', path)
  }
  /** @default 'wire' @example .transport('data-api') */
  transport(kind: TransportKind): this {
    return this.#set('transport', kind)
  }
  /** @default from the host, else AWS_REGION (fromEnv) @example .region('us-east-1') */
  region(region: string): this {
    return this.#set('region', region)
  }
  /** @default from the host @example .clusterIdentifier('my-cluster') */
  clusterIdentifier(id: string): this {
    return this.#set('clusterIdentifier', id)
  }
  /** @default 'redshift-kit' @example .applicationName('nightly-etl') */
  applicationName(name: string): this {
    return this.#set('applicationName', name)
  }
  /**
   * Endpoint URL of every AWS call the credential providers make (STS, Redshift, Serverless, Secrets
   * Manager), e.g. a local Redshift's. @default the AWS SDK's (`AWS_ENDPOINT_URL*`, then AWS's own)
   * @example .awsEndpoint('http://127.0.0.1:4566')
   */
  awsEndpoint(url: string): this {
    return this.#set('awsEndpoint', url)
  }
  /**
   * AWS keys (or a provider of them) for the credential providers' AWS calls; never shown or serialised.
   * @default the AWS SDK's default credential chain (environment, profile, SSO, instance role, ...)
   * @example .awsCredentials(fromIni({ profile: 'etl' }))
   */
  awsCredentials(credentials: AwsCredentialIdentity | AwsCredentialIdentityProvider): this {
    return this.#set('awsCredentials', AwsCredentials.from(credentials))
  }
  /** @default 30000 (0: always validate) @example .validateAfterIdle(10_000) */
  validateAfterIdle(ms: number): this {
    return this.#set('validateAfterIdleMs', ms)
  }

  /**
   * A statement that receives no byte from the server for this long drops its connection with
   * `ConnectionLostError`, for servers that go silent without closing the socket. Set it above your
   * longest statement: one computing quietly sends nothing either.
   * @default 0 (never) @example .readTimeout(600_000)
   */
  readTimeout(ms: number): this {
    return this.#set('readTimeoutMs', ms)
  }
  /**
   * Delay before the first TCP keepalive probe of an idle connection, so that NAT gateways and
   * firewalls keep it and a dead peer is noticed. @default 60000 (0: keepalive off) @example .keepAlive(30_000)
   */
  keepAlive(initialDelayMs: number): this {
    return this.#set('keepAliveMs', initialDelayMs)
  }
  /**
   * How long `close()` waits for running calls to finish before it drops every connection (those
   * calls then fail with `ConnectionLostError`), so closing ends even when the server stopped answering.
   * @default 30000 @example .closeTimeout(5_000)
   */
  closeTimeout(ms: number): this {
    return this.#set('closeTimeoutMs', ms)
  }

  /**
   * Whether every statement fetches its Redshift query id (`pg_last_query_id()`, sent behind it in
   * the same round trip) for `result.queryId`. On by default: metrics, errors and telemetry name
   * queries by it. Off saves the leader node one statement per query on hot paths (`result.queryId`
   * is then `''`; a call can still ask with `{ fetchQueryId: true }`).
   * @default true @example .fetchQueryId(false)
   */
  fetchQueryId(enabled: boolean): this {
    return this.#set('fetchQueryId', enabled)
  }

  /**
   * How result values are read; every option defaults to the lossless choice. `timestamps: 'string'`
   * keeps TIMESTAMP/TIMESTAMPTZ microseconds (the server's exact text; TIME and TIMETZ are always
   * text); `super: 'text'` gives SUPER's JSON text untouched (the default parses it keeping every
   * digit: integers beyond 2^53 as `bigint`, long decimals as exact strings); `numeric: 'number'`
   * and `bigint: 'string'` trade exactness for convenience; `overrides` maps type OIDs to parsers.
   * @default {} @example .typeParsers({ timestamps: 'string' })
   */
  typeParsers(options: TypeParserOptions): this {
    return this.#set('typeParsers', options)
  }

  /** Values from a URL, below options set on this builder. @example .fromUrl(process.env.DB_URL!) */
  fromUrl(url: string): this {
    this.#url = readUrl(url)
    return this
  }

  /** Values from `REDSHIFT_*` variables, below options and URL. @example .fromEnv(process.env) */
  fromEnv(env: Readonly<Record<string, string | undefined>> = process.env): this {
    this.#env = readEnv(env)
    return this
  }

  /** The validated, frozen configuration; throws one {@link ConfigError} listing every problem. */
  build(): RedshiftConfig {
    const layers = [this.#options, this.#url, this.#env].filter((l): l is ConfigLayer => l !== undefined)
    const result = resolveConfig(layers)
    if (!('data' in result)) {
      throw new ConfigError('invalid Redshift configuration', { problems: result.problems })
    }
    return new RedshiftConfig(CONSTRUCT, result.data)
  }

  /** Never shows option values (the password is among them). */
  toString(): string {
    return `RedshiftConfigBuilder(${[...this.#options.values.keys()].join(', ')})`
  }

  [inspect.custom](): string {
    return this.toString()
  }
}
