import { REDACTED } from '../errors/redact.js'
import { createQuery, type Query } from '../query/query.js'
import { type Authorization, renderAuthorization } from './authorization.js'
import { keywordFor, numberFor } from './builder-arguments.js'
import type { Compression } from './compression.js'
import type { DataFormat } from './data-format.js'
import { type OptionEntry, optionValue } from './ordered-options.js'
import { s3Url } from './s3-location.js'
import { quoteIdentifier, quoteLiteral } from './sql-quote.js'
import type { TableRef } from './table-ref.js'

/**
 * Where a COPY reads from.
 *
 * @example
 * const source: CopySource = copy.source
 * if (source.kind === 's3') console.log(source.bucket, source.prefix)
 */
export type CopySource =
  /** Every object whose key starts with `prefix`. */
  | { readonly kind: 's3'; readonly bucket: string; readonly prefix: string }
  /** The objects a manifest file lists (`MANIFEST`). */
  | { readonly kind: 's3-manifest'; readonly bucket: string; readonly key: string }
  /** A DynamoDB table, reading `readRatio` percent of its provisioned throughput (`READRATIO`). */
  | { readonly kind: 'dynamodb'; readonly table: string; readonly readRatio: number }
  /** Files in an Amazon EMR cluster's HDFS (`*` and `?` wildcards allowed in `path`). */
  | { readonly kind: 'emr'; readonly clusterId: string; readonly path: string }
  /** Remote hosts over SSH, as an SSH manifest in S3 lists them (`SSH`). */
  | { readonly kind: 'ssh'; readonly bucket: string; readonly key: string }

/**
 * The JSON and Avro field mapping: automatic (by name), or a JSONPaths file in S3.
 *
 * @example
 * const mapping: JsonMapping = 's3://data-bucket/jsonpaths.json'
 * new CopyCommandBuilder('events').fromS3('data-bucket', 'events/').jsonWithPaths(mapping)
 */
export type JsonMapping = 'auto' | 'auto ignorecase' | 'noshred' | `s3://${string}`

/**
 * A COPY input format other than the default text, with its own arguments.
 *
 * @example
 * const format: CopyFormat = { kind: 'csv', quote: '%' }   // CSV QUOTE AS '%'
 * copy.option('format')?.kind // 'csv'
 */
export type CopyFormat =
  | { readonly kind: 'csv'; readonly quote?: string }
  | { readonly kind: 'json'; readonly mapping: JsonMapping }
  | { readonly kind: 'avro'; readonly mapping: JsonMapping }
  | { readonly kind: 'parquet' }
  | { readonly kind: 'orc' }
  | {
      readonly kind: 'shapefile'
      readonly simplify?: { readonly auto: boolean; readonly tolerance?: number }
    }

/**
 * `COMPUPDATE` and `STATUPDATE` settings.
 *
 * @example
 * const setting: CompUpdate = 'OFF'
 * copy.option('compUpdate') === setting
 */
export type CompUpdate = 'PRESET' | 'ON' | 'OFF'

/**
 * Input encodings COPY reads (`ENCODING`).
 *
 * @example
 * COPY_ENCODINGS // ['UTF8', 'UTF16', 'UTF16LE', 'UTF16BE']
 */
export const COPY_ENCODINGS = ['UTF8', 'UTF16', 'UTF16LE', 'UTF16BE'] as const
/**
 * One of {@link COPY_ENCODINGS}.
 *
 * @example
 * const encoding: CopyEncoding = 'UTF16LE'
 * new CopyCommandBuilder('events').fromS3('data-bucket', 'events/').encoding(encoding)
 */
export type CopyEncoding = (typeof COPY_ENCODINGS)[number]

/**
 * Each COPY option's value (`true` for a bare keyword).
 *
 * @example
 * const maxErrors: CopyOptionValues['maxErrors'] | undefined = copy.option('maxErrors')
 */
export interface CopyOptionValues {
  readonly format: CopyFormat
  readonly serializeToJson: true
  readonly delimiter: string
  readonly fixedWidth: string
  readonly compression: Exclude<Compression, 'none'>
  readonly region: string
  readonly encrypted: true
  readonly masterSymmetricKey: string
  readonly acceptAnyDate: true
  /** The replacement character, or `true` for Redshift's default (`?`). */
  readonly acceptInvChars: string | true
  readonly blanksAsNull: true
  readonly dateFormat: string
  readonly timeFormat: string
  readonly emptyAsNull: true
  readonly encoding: CopyEncoding
  readonly escape: true
  readonly explicitIds: true
  readonly fillRecord: true
  readonly ignoreBlankLines: true
  readonly ignoreHeader: number
  readonly nullAs: string
  readonly removeQuotes: true
  readonly roundEc: true
  readonly trimBlanks: true
  readonly truncateColumns: true
  readonly compRows: number
  readonly compUpdate: CompUpdate
  readonly maxErrors: number
  readonly ignoreAllErrors: true
  readonly noLoad: true
  readonly statUpdate: 'ON' | 'OFF'
}

/**
 * The name of a COPY option (the builder method that sets it).
 *
 * @example
 * const name: CopyOptionName = 'maxErrors'
 * copy.option(name) // 100
 */
export type CopyOptionName = keyof CopyOptionValues

/**
 * One COPY option with its value.
 *
 * @example
 * for (const option of copy.options) console.log(option.name, option.value)
 */
export type CopyOption = { [K in CopyOptionName]: OptionEntry<K, CopyOptionValues[K]> }[CopyOptionName]

/** The SQL keyword of each option, for the statement and for error messages. */
export const COPY_KEYWORDS: { readonly [K in CopyOptionName]: string } = Object.freeze({
  format: 'FORMAT',
  serializeToJson: 'SERIALIZETOJSON',
  delimiter: 'DELIMITER',
  fixedWidth: 'FIXEDWIDTH',
  compression: 'compression (GZIP, BZIP2, LZOP, ZSTD)',
  region: 'REGION',
  encrypted: 'ENCRYPTED',
  masterSymmetricKey: 'MASTER_SYMMETRIC_KEY',
  acceptAnyDate: 'ACCEPTANYDATE',
  acceptInvChars: 'ACCEPTINVCHARS',
  blanksAsNull: 'BLANKSASNULL',
  dateFormat: 'DATEFORMAT',
  timeFormat: 'TIMEFORMAT',
  emptyAsNull: 'EMPTYASNULL',
  encoding: 'ENCODING',
  escape: 'ESCAPE',
  explicitIds: 'EXPLICIT_IDS',
  fillRecord: 'FILLRECORD',
  ignoreBlankLines: 'IGNOREBLANKLINES',
  ignoreHeader: 'IGNOREHEADER',
  nullAs: 'NULL AS',
  removeQuotes: 'REMOVEQUOTES',
  roundEc: 'ROUNDEC',
  trimBlanks: 'TRIMBLANKS',
  truncateColumns: 'TRUNCATECOLUMNS',
  compRows: 'COMPROWS',
  compUpdate: 'COMPUPDATE',
  maxErrors: 'MAXERROR',
  ignoreAllErrors: 'IGNOREALLERRORS',
  noLoad: 'NOLOAD',
  statUpdate: 'STATUPDATE',
})

/** Everything a {@link CopyCommand} is made of (validated and frozen by the builder). */
export interface CopyCommandData {
  readonly table: TableRef
  readonly columns: readonly string[]
  readonly source: CopySource
  /** Absent: the client supplies its configured `defaultCopyIamRole`. */
  readonly authorization?: Authorization
  readonly options: readonly CopyOption[]
}

const INSPECT = Symbol.for('nodejs.util.inspect.custom')

/**
 * A validated COPY statement, made by {@link CopyCommandBuilder.build}. Immutable. `toSql()` is the
 * statement that runs; `toString()`, `toJSON()` and `console.log` show it with every credential
 * replaced by `***`.
 *
 * @example
 * const copy = new CopyCommandBuilder(new TableRef('analytics', 'daily_events'))
 *   .fromS3('my-data-bucket', 'events/2024-01-01/').parquet()
 *   .iamRole('arn:aws:iam::123456789012:role/RedshiftCopyRole').build()
 * copy.toSql()
 * // COPY analytics.daily_events FROM 's3://my-data-bucket/events/2024-01-01/'
 * //   IAM_ROLE 'arn:aws:iam::123456789012:role/RedshiftCopyRole' FORMAT AS PARQUET
 */
export class CopyCommand {
  readonly #data: CopyCommandData

  /** @internal Use {@link CopyCommandBuilder.build}. */
  constructor(data: CopyCommandData) {
    this.#data = data
    Object.freeze(this)
  }

  /** The target table. */
  get table(): TableRef {
    return this.#data.table
  }

  /** The target columns, in load order; empty for all of the table's columns. */
  get columns(): readonly string[] {
    return this.#data.columns
  }

  /** Where the data comes from. */
  get source(): CopySource {
    return this.#data.source
  }

  /** The input format. */
  get format(): DataFormat {
    return optionValue(this.#data.options, 'format')?.kind ?? 'text'
  }

  /** The options, in statement order (secrets included: do not log them). */
  get options(): readonly CopyOption[] {
    return this.#data.options
  }

  /** How it authorizes: `'iam-role'`, `'access-keys'`, `'credentials'`, or `undefined` (the client's default role). */
  get authorizationKind(): Authorization['kind'] | undefined {
    return this.#data.authorization?.kind
  }

  /** The value of one option, or `undefined` when it is not set. */
  option<K extends CopyOptionName>(name: K): CopyOptionValues[K] | undefined {
    return optionValue(this.#data.options, name) as CopyOptionValues[K] | undefined
  }

  /** This command with `authorization` when it has none (how the client applies its default role). */
  withDefaultAuthorization(authorization: Authorization): CopyCommand {
    return this.#data.authorization === undefined ? new CopyCommand({ ...this.#data, authorization }) : this
  }

  /** The statement to run, credentials included. */
  toSql(): string {
    return renderCopy(this.#data, false)
  }

  /** The statement as a {@link Query} (no bind parameters: COPY takes none). */
  toQuery(): Query {
    return createQuery({ sql: this.toSql(), params: [] })
  }

  /** The statement with every credential replaced by `***`: safe to log. */
  toString(): string {
    return renderCopy(this.#data, true)
  }

  /** `{ sql }` with credentials redacted, for logs and recordings. */
  toJSON(): { readonly sql: string } {
    return { sql: this.toString() }
  }

  [INSPECT](): string {
    return `CopyCommand(${this.toString()})`
  }
}

function renderSource(source: CopySource): string {
  switch (source.kind) {
    case 's3':
      return quoteLiteral(s3Url({ bucket: source.bucket, key: source.prefix }))
    case 's3-manifest':
    case 'ssh':
      return quoteLiteral(s3Url(source))
    case 'dynamodb':
      return quoteLiteral(`dynamodb://${source.table}`)
    case 'emr':
      return quoteLiteral(`emr://${source.clusterId}/${source.path}`)
  }
}

function sourceSuffix(source: CopySource): string | undefined {
  if (source.kind === 's3-manifest') return 'MANIFEST'
  if (source.kind === 'ssh') return 'SSH'
  if (source.kind === 'dynamodb') return `READRATIO ${numberFor(source.readRatio, 'fromDynamoDb.readRatio')}`
  return undefined
}

function renderFormat(format: CopyFormat, serializeToJson: boolean): string {
  switch (format.kind) {
    case 'csv':
      return format.quote === undefined ? 'CSV' : `CSV QUOTE AS ${quoteLiteral(format.quote)}`
    case 'json':
      return `JSON ${quoteLiteral(format.mapping)}`
    case 'avro':
      return `FORMAT AS AVRO ${quoteLiteral(format.mapping)}`
    case 'parquet':
    case 'orc':
      return `FORMAT AS ${format.kind.toUpperCase()}${serializeToJson ? ' SERIALIZETOJSON' : ''}`
    case 'shapefile': {
      const s = format.simplify
      if (s === undefined) return 'FORMAT SHAPEFILE'
      return [
        'FORMAT SHAPEFILE SIMPLIFY',
        ...(s.auto ? ['AUTO'] : []),
        ...(s.tolerance === undefined
          ? []
          : [numberFor(s.tolerance, 'shapefile.tolerance', { integer: false })]),
      ].join(' ')
    }
    default:
      return keywordFor({}, (format as { kind: unknown }).kind, 'format')
  }
}

// What each keyword-valued option may write: nothing outside these maps reaches the SQL unquoted.
const COMPRESSION_KEYWORDS = { gzip: 'GZIP', bzip2: 'BZIP2', lzop: 'LZOP', zstd: 'ZSTD' }
const COPY_ENCODING_KEYWORDS = Object.fromEntries(COPY_ENCODINGS.map((e) => [e, e]))
const COMP_UPDATE_KEYWORDS = { PRESET: 'PRESET', ON: 'ON', OFF: 'OFF' }
const ON_OFF_KEYWORDS = { ON: 'ON', OFF: 'OFF' }

function renderOption(
  option: CopyOption,
  options: readonly CopyOption[],
  redact: boolean,
): string | undefined {
  switch (option.name) {
    case 'format':
      return renderFormat(option.value, optionValue(options, 'serializeToJson') === true)
    case 'serializeToJson':
      return undefined
    case 'delimiter':
    case 'fixedWidth':
    case 'region':
    case 'dateFormat':
    case 'timeFormat':
      return `${COPY_KEYWORDS[option.name]} ${quoteLiteral(option.value)}`
    case 'nullAs':
      return `NULL AS ${quoteLiteral(option.value)}`
    case 'masterSymmetricKey':
      return `MASTER_SYMMETRIC_KEY ${redact ? `'${REDACTED}'` : quoteLiteral(option.value)}`
    case 'compression':
      return keywordFor(COMPRESSION_KEYWORDS, option.value, 'compression')
    case 'acceptInvChars':
      return option.value === true ? 'ACCEPTINVCHARS' : `ACCEPTINVCHARS AS ${quoteLiteral(option.value)}`
    case 'encoding':
      return `ENCODING ${keywordFor(COPY_ENCODING_KEYWORDS, option.value, option.name)}`
    case 'compUpdate':
      return `COMPUPDATE ${keywordFor(COMP_UPDATE_KEYWORDS, option.value, option.name)}`
    case 'statUpdate':
      return `STATUPDATE ${keywordFor(ON_OFF_KEYWORDS, option.value, option.name)}`
    case 'ignoreHeader':
    case 'compRows':
    case 'maxErrors':
      return `${COPY_KEYWORDS[option.name]} ${numberFor(option.value, option.name)}`
    default:
      return COPY_KEYWORDS[option.name]
  }
}

/** The COPY statement of `data`; credentials as `***` when `redact`. */
export function renderCopy(data: CopyCommandData, redact: boolean): string {
  const parts = [`COPY ${data.table.toSql()}`]
  if (data.columns.length > 0) parts.push(`(${data.columns.map(quoteIdentifier).join(', ')})`)
  parts.push(`FROM ${renderSource(data.source)}`)
  if (data.authorization !== undefined) parts.push(renderAuthorization(data.authorization, redact))
  const suffix = sourceSuffix(data.source)
  if (suffix !== undefined) parts.push(suffix)
  for (const option of data.options) {
    const sql = renderOption(option, data.options, redact)
    if (sql !== undefined) parts.push(sql)
  }
  return parts.join(' ')
}
