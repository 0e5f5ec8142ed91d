/**
 * The input formats of COPY. `Text` (pipe-delimited UTF-8, or another `delimiter()`) is the default.
 *
 * @example
 * new CopyCommandBuilder(table).fromS3('bucket', 'events/').format(DataFormat.Parquet)
 */
export const DataFormat = Object.freeze({
  Text: 'text',
  Csv: 'csv',
  Json: 'json',
  Avro: 'avro',
  Parquet: 'parquet',
  Orc: 'orc',
  Shapefile: 'shapefile',
} as const)

/** One of {@link DataFormat}'s values. */
export type DataFormat = (typeof DataFormat)[keyof typeof DataFormat]

/**
 * Every COPY input format.
 *
 * @example
 * DATA_FORMATS.includes(DataFormat.Parquet) // true
 */
export const DATA_FORMATS: readonly DataFormat[] = Object.freeze(Object.values(DataFormat))

/**
 * Whether `value` is a {@link DataFormat}.
 *
 * @example
 * isDataFormat('parquet') // true
 * isDataFormat('xlsx')    // false
 */
export function isDataFormat(value: unknown): value is DataFormat {
  return typeof value === 'string' && (DATA_FORMATS as readonly string[]).includes(value)
}

/**
 * The output formats of UNLOAD. `Text` (pipe-delimited) is the default; Parquet is always
 * Snappy-compressed per row group.
 *
 * @example
 * new UnloadCommandBuilder('SELECT * FROM sales').toS3('bucket', 'out/').format(UnloadFormat.Json)
 */
export const UnloadFormat = Object.freeze({
  Text: 'text',
  Csv: 'csv',
  Parquet: 'parquet',
  Json: 'json',
} as const)

/** One of {@link UnloadFormat}'s values. */
export type UnloadFormat = (typeof UnloadFormat)[keyof typeof UnloadFormat]

/**
 * Every UNLOAD output format.
 *
 * @example
 * UNLOAD_FORMATS.includes(UnloadFormat.Json) // true
 */
export const UNLOAD_FORMATS: readonly UnloadFormat[] = Object.freeze(Object.values(UnloadFormat))

/**
 * Whether `value` is an {@link UnloadFormat}.
 *
 * @example
 * isUnloadFormat('csv')  // true
 * isUnloadFormat('avro') // false: UNLOAD does not write Avro
 */
export function isUnloadFormat(value: unknown): value is UnloadFormat {
  return typeof value === 'string' && (UNLOAD_FORMATS as readonly string[]).includes(value)
}
