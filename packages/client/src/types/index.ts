export { DATA_TYPES, DataType, dataTypeFromName, isDataType } from './data-type.js'
export { formatTimestampUtc, parseTimestampUtc } from './datetime.js'
export { ARRAY_ELEMENT_OIDS, dataTypeForOid, oidForDataType, TypeOid } from './oids.js'
export {
  assertQueryParams,
  MAX_BIND_PARAMETERS,
  type ParamSerializerOptions,
  paramProblem,
  type SerializedParam,
  serializeParam,
  serializeParams,
} from './param-serializer.js'
export {
  createTypeParsers,
  parseArrayText,
  type TextParser,
  type TypeParserOptions,
  type TypeParsers,
} from './type-parsers.js'
export {
  isJsonParam,
  type JsonParam,
  type JsonValue,
  json,
  type QueryParam,
  superParam,
  type Value,
} from './value.js'
