export {
  DEFAULT_ACCESS_KEY,
  type LocalAccessKey,
  type LocalAwsOptions,
  type LocalCluster,
  type LocalSecret,
  type LocalWorkgroup,
} from './aws/aws-options.js'
export type { DataApiEvent } from './aws/data-api/event-log.js'
export type { LocalDataApiOptions } from './aws/data-api/options.js'
export type { ListenerLimits } from './gateway/listener-limits.js'
export type { LocalUser } from './gateway/local-user.js'
export type { LocalAws, LocalRedshift, LocalRedshiftOptions } from './local-redshift.js'
export { startLocalRedshift } from './local-redshift.js'
export type { LocalS3 } from './s3/local-s3.js'
export type { ObjectInfo } from './s3/object-store.js'
export type { WlmQueueConfig } from './wlm/config.js'
