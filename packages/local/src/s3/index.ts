export type { LocalS3, OpenedS3 } from './local-s3.js'
export { openLocalS3 } from './local-s3.js'
export type { ChecksumAlgorithm, ObjectHeaders, ObjectMeta, StoredChecksum } from './object-meta.js'
export type { ByteRange, ObjectInfo, S3Location, StoredObject, WriteOptions } from './object-store.js'
export {
  BucketNotEmptyError,
  isValidBucketName,
  KeyConflictError,
  keyProblem,
  NoSuchKeyError,
  ObjectStore,
  parseS3Url,
} from './object-store.js'
export { createS3Rest, type S3Rest, type S3RestOptions } from './s3-rest/s3-rest.js'
