export {
  type DataApiEvent,
  DEFAULT_ACCESS_KEY,
  type LocalAccessKey,
  type LocalAwsOptions,
  type LocalCluster,
  type LocalDataApiOptions,
  type LocalSecret,
  type LocalWorkgroup,
} from './aws/index.js'
export type { LocalUser, WlmQueueConfig } from './gateway/index.js'
export type { LocalAws, LocalRedshift, LocalRedshiftOptions } from './local-redshift.js'
export { startLocalRedshift } from './local-redshift.js'
export type { LocalS3, ObjectInfo } from './s3/index.js'
