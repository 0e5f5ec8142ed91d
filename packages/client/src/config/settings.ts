import type { Problem } from '../errors/client-errors.js'

/**
 * Every setting a configuration layer (builder options, a URL, the environment) can carry, before
 * validation. Values from a URL or the environment arrive as text and are converted when resolved.
 */
export const SETTING_KEYS = [
  'host',
  'port',
  'database',
  'user',
  'password',
  'authMethod',
  'roleArn',
  'dbUser',
  'dbGroups',
  'autoCreate',
  'iamDurationSeconds',
  'profile',
  'secretId',
  'workgroup',
  'clusterIdentifier',
  'region',
  'ambientRegion',
  'transport',
  'dataApiStreamFormat',
  'poolSize',
  'minConnections',
  'pipelineDepth',
  'connectionTimeoutMs',
  'idleTimeoutMs',
  'maxLifetimeMs',
  'defaultTimeoutMs',
  'maxQueryTimeoutMs',
  'fetchSize',
  'defaultQueryGroup',
  'maxRetries',
  'retryBackoffMs',
  'circuitBreakerThreshold',
  'defaultCopyIamRole',
  'defaultUnloadIamRole',
  'sslMode',
  'sslCa',
  'sslRootCertPath',
  'applicationName',
  'validateAfterIdleMs',
  'readTimeoutMs',
  'keepAliveMs',
  'closeTimeoutMs',
  'fetchQueryId',
  'typeParsers',
  'awsEndpoint',
  'awsCredentials',
  'circuitBreaker',
  'rateLimit',
  'bulkhead',
  'retryBudget',
  'maxRetryBackoffMs',
  'slowQueryThresholdMs',
  'logger',
  'telemetry',
] as const

/** One setting's name. */
export type SettingKey = (typeof SETTING_KEYS)[number]

/** A value and where it came from (`undefined`: code, through the builder). */
export interface SettingEntry {
  readonly value: unknown
  readonly source?: string
}

/** The settings of one origin, plus what could not even be read (a malformed URL, ...). */
export interface ConfigLayer {
  readonly values: Map<SettingKey, SettingEntry>
  readonly problems: Problem[]
}

/** A new, empty layer. */
export function emptyLayer(): ConfigLayer {
  return { values: new Map(), problems: [] }
}

/** Sets `key` in `layer` unless `value` is undefined or an empty string (an unset variable). */
export function put(layer: ConfigLayer, key: SettingKey, value: unknown, source?: string): void {
  if (value === undefined || value === '') return
  layer.values.set(key, source === undefined ? { value } : { value, source })
}
