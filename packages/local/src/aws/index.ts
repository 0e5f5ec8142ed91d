export { AwsApiError } from './aws-api-error.js'
export type { WireEndpoint } from './aws-context.js'
export { type AwsEndpoint, type AwsEndpointOptions, startAwsEndpoint } from './aws-endpoint.js'
export {
  DEFAULT_ACCESS_KEY,
  type LocalAccessKey,
  type LocalAwsOptions,
  type LocalCluster,
  type LocalSecret,
  type LocalWorkgroup,
  type ResolvedAwsOptions,
  resolveAwsOptions,
} from './aws-options.js'
export type { DataApiEvent, LocalDataApiOptions } from './data-api/index.js'
export { DatabaseLogins, type DatabaseRoles } from './database-logins.js'
export { type EngineRoles, engineRoles } from './engine-roles.js'
export { parseAuthorization, signRequest, verifySignature } from './sigv4.js'
