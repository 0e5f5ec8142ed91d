export { type AccessKeys, type Authorization, MAX_CHAINED_ROLES } from './authorization.js'
export { COMPRESSIONS, Compression, isCompression } from './compression.js'
export {
  COPY_ENCODINGS,
  type CompUpdate,
  CopyCommand,
  type CopyCommandData,
  type CopyEncoding,
  type CopyFormat,
  type CopyOption,
  type CopyOptionName,
  type CopyOptionValues,
  type CopySource,
  type JsonMapping,
} from './copy-command.js'
export { CopyCommandBuilder, type FixedWidthSpec, type ShapefileOptions } from './copy-command-builder.js'
export { getLoadErrors, prepareCopy, runCopy } from './copy-operations.js'
export { assertDataCallOptions, type DataCallOptions, type DataOperationContext } from './data-context.js'
export {
  DATA_FORMATS,
  DataFormat,
  isDataFormat,
  isUnloadFormat,
  UNLOAD_FORMATS,
  UnloadFormat,
} from './data-format.js'
export type { CopyResult, UnloadedFile, UnloadResult } from './data-results.js'
export { parseS3Url, type S3Location, s3Url } from './s3-location.js'
export { quoteIdentifier, quoteLiteral } from './sql-quote.js'
export { TableRef } from './table-ref.js'
export {
  UnloadCommand,
  type UnloadCommandData,
  type UnloadOption,
  type UnloadOptionName,
  type UnloadOptionValues,
  type UnloadSize,
} from './unload-command.js'
export { UnloadCommandBuilder } from './unload-command-builder.js'
export { prepareUnload, runUnload } from './unload-operations.js'
