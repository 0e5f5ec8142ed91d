export type { S3CommandExecutor } from './s3-command-executor.js'
export { createS3CommandExecutor } from './s3-command-executor.js'
