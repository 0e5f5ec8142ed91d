/**
 * An external table as the local Spectrum reads it, resolved from its Glue entry: typed columns, the
 * file format to read, and the names of its engine-side objects (the view users query and the cache
 * table behind it).
 */
import type { GlueTable } from '../aws/glue/glue-catalog.js'
import type { ExternalFormat } from './ddl-parse.js'
import { type ExternalType, externalType } from './external-types.js'

export const PARQUET_SERDE = 'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe'
export const PARQUET_INPUT = 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat'
export const PARQUET_OUTPUT = 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat'
export const TEXT_INPUT = 'org.apache.hadoop.mapred.TextInputFormat'
export const TEXT_OUTPUT = 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat'
export const LAZY_SIMPLE_SERDE = 'org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe'
export const OPEN_CSV_SERDE = 'org.apache.hadoop.hive.serde2.OpenCSVSerde'
export const JSON_SERDES = ['org.openx.data.jsonserde.JsonSerDe', 'org.apache.hive.hcatalog.data.JsonSerDe']

/** How the files are read. */
export type ReadFormat =
  | { readonly kind: 'parquet' }
  | { readonly kind: 'json' }
  | {
      readonly kind: 'text'
      readonly delimiter: string
      readonly skipHeader: number
      readonly nullAs: string | null
    }
  | {
      readonly kind: 'csv'
      readonly delimiter: string
      readonly quote: string
      readonly skipHeader: number
    }
  /** A format this local Spectrum does not read (ORC, Avro, ...): queries fail with this name. */
  | { readonly kind: 'unsupported'; readonly name: string }

export interface ExternalColumn {
  readonly name: string
  readonly type: ExternalType
}

export interface ExternalTable {
  /** The external schema (local name) and table. */
  readonly schema: string
  readonly name: string
  readonly glueDatabase: string
  readonly columns: readonly ExternalColumn[]
  readonly partitionKeys: readonly ExternalColumn[]
  readonly location: string
  readonly format: ReadFormat
  /** The Glue entry it was resolved from. */
  readonly glue: GlueTable
  /** Changes whenever the engine-side objects must be rebuilt. */
  readonly definitionKey: string
}

/** The engine schema of the views with `$path` and `$size` of external schema `schema`. */
export function storageSchema(schema: string): string {
  return `rk_spectrum_${schema}`.slice(0, 63)
}

/** The engine schema holding the cache tables and file lists of external schema `schema`. */
export function dataSchema(schema: string): string {
  return `rk_spectrum_data_${schema}`.slice(0, 63)
}

/** Hive's TEXTFILE default field delimiter (Ctrl-A). */
const HIVE_DELIMITER = '\u0001'

function readFormat(glue: GlueTable): ReadFormat {
  const sd = glue.StorageDescriptor
  const serde = sd.SerdeInfo?.SerializationLibrary ?? ''
  const params = sd.SerdeInfo?.Parameters ?? {}
  const input = (sd.InputFormat ?? '').toLowerCase()
  const skipHeader = Number(glue.Parameters?.['skip.header.line.count'] ?? 0) || 0
  if (serde === PARQUET_SERDE || input.includes('parquet')) return { kind: 'parquet' }
  if (JSON_SERDES.includes(serde)) return { kind: 'json' }
  if (serde === OPEN_CSV_SERDE) {
    return {
      kind: 'csv',
      delimiter: params.separatorChar ?? ',',
      quote: params.quoteChar ?? '"',
      skipHeader,
    }
  }
  if (serde === LAZY_SIMPLE_SERDE || (serde === '' && (input === '' || input.includes('text')))) {
    return {
      kind: 'text',
      delimiter: params['field.delim'] ?? params['serialization.format'] ?? HIVE_DELIMITER,
      skipHeader,
      nullAs: params['serialization.null.format'] ?? null,
    }
  }
  if (input.includes('orc') || serde.toLowerCase().includes('orc'))
    return { kind: 'unsupported', name: 'ORC' }
  if (input.includes('avro') || serde.toLowerCase().includes('avro'))
    return { kind: 'unsupported', name: 'Avro' }
  return { kind: 'unsupported', name: serde || sd.InputFormat || 'unknown' }
}

/**
 * Resolves a Glue table for the external schema `schema`. Throws ExternalTypeError for a column type
 * that cannot be read.
 */
export function resolveExternalTable(schema: string, glue: GlueTable): ExternalTable {
  const columns = (glue.StorageDescriptor.Columns ?? []).map((c) => ({
    name: c.Name.toLowerCase(),
    type: externalType(c.Type),
  }))
  const partitionKeys = glue.PartitionKeys.map((c) => ({
    name: c.Name.toLowerCase(),
    type: externalType(c.Type),
  }))
  const format = readFormat(glue)
  return {
    schema,
    name: glue.Name,
    glueDatabase: glue.DatabaseName,
    columns,
    partitionKeys,
    location: glue.StorageDescriptor.Location ?? '',
    format,
    glue,
    definitionKey: JSON.stringify([
      columns.map((c) => [c.name, c.type.sql]),
      partitionKeys.map((c) => [c.name, c.type.sql]),
      format,
      glue.StorageDescriptor.Location,
    ]),
  }
}

/** The Glue storage descriptor and parameters CREATE EXTERNAL TABLE writes for a format clause. */
export function glueStorage(format: ExternalFormat): {
  inputFormat: string
  outputFormat: string
  serde: string
  serdeParameters: Record<string, string>
} {
  const serdeParameters: Record<string, string> = { ...format.serdeProperties }
  if (format.fieldDelimiter !== null) serdeParameters['field.delim'] = format.fieldDelimiter
  switch (format.storedAs) {
    case 'PARQUET':
      return {
        inputFormat: PARQUET_INPUT,
        outputFormat: PARQUET_OUTPUT,
        serde: format.serde ?? PARQUET_SERDE,
        serdeParameters,
      }
    case 'JSON':
      return {
        inputFormat: TEXT_INPUT,
        outputFormat: TEXT_OUTPUT,
        serde: format.serde ?? (JSON_SERDES[0] as string),
        serdeParameters,
      }
    case 'TEXTFILE':
      return {
        inputFormat: TEXT_INPUT,
        outputFormat: TEXT_OUTPUT,
        serde: format.serde ?? LAZY_SIMPLE_SERDE,
        serdeParameters,
      }
    case 'ORC':
      return {
        inputFormat: 'org.apache.hadoop.hive.ql.io.orc.OrcInputFormat',
        outputFormat: 'org.apache.hadoop.hive.ql.io.orc.OrcOutputFormat',
        serde: format.serde ?? 'org.apache.hadoop.hive.ql.io.orc.OrcSerde',
        serdeParameters,
      }
    case 'AVRO':
      return {
        inputFormat: 'org.apache.hadoop.hive.ql.io.avro.AvroContainerInputFormat',
        outputFormat: 'org.apache.hadoop.hive.ql.io.avro.AvroContainerOutputFormat',
        serde: format.serde ?? 'org.apache.hadoop.hive.serde2.avro.AvroSerDe',
        serdeParameters,
      }
    case 'INPUTFORMAT':
      return {
        inputFormat: format.inputFormat ?? TEXT_INPUT,
        outputFormat: format.outputFormat ?? TEXT_OUTPUT,
        serde: format.serde ?? LAZY_SIMPLE_SERDE,
        serdeParameters,
      }
    default:
      return {
        inputFormat: `STORED AS ${format.storedAs}`,
        outputFormat: '',
        serde: format.serde ?? '',
        serdeParameters,
      }
  }
}
