export {
  type AwsCredentialIdentity,
  type AwsCredentialIdentityProvider,
  AwsCredentials,
} from './aws-credentials.js'
export {
  type AuthMethod,
  type CredentialSource,
  type DataApiOptions,
  DatabaseCredentials,
  type IamAuthOptions,
  type IamCredentialSource,
  type SecretsManagerCredentialSource,
} from './credentials.js'
export { ENV_VARIABLES, readEnv } from './from-env.js'
export { readUrl } from './from-url.js'
export {
  CONFIG_DEFAULTS,
  isSslMode,
  isTransportKind,
  SSL_MODES,
  type SslMode,
  TRANSPORT_KINDS,
  type TransportKind,
} from './options.js'
export { ConfigHooks, type PolicyConfigData, type RetryOptions } from './policy-options.js'
export { RedshiftConfig, RedshiftConfigBuilder } from './redshift-config.js'
export {
  isAwsRedshiftHost,
  isLoopbackHost,
  parseRedshiftHost,
  type RedshiftHostInfo,
} from './redshift-host.js'
export { type RedshiftConfigData, type RedshiftEndpoint, resolveConfig } from './resolve-config.js'
