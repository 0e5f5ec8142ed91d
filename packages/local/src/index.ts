export type { LocalUser, WlmQueueConfig } from './gateway/index.js'
export type { LocalRedshift, LocalRedshiftOptions } from './local-redshift.js'
export { startLocalRedshift } from './local-redshift.js'
