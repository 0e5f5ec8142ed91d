export type { LocalS3, OpenedS3 } from './local-s3.js'
export { openLocalS3 } from './local-s3.js'
export type { ObjectInfo, S3Location } from './object-store.js'
export { NoSuchKeyError, ObjectStore, parseS3Url } from './object-store.js'
