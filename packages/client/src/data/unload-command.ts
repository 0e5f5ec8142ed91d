import { REDACTED } from '../errors/redact.js'
import { createQuery, type Query } from '../query/query.js'
import { type Authorization, renderAuthorization } from './authorization.js'
import { keywordFor, numberFor } from './builder-arguments.js'
import type { Compression } from './compression.js'
import type { UnloadFormat } from './data-format.js'
import { type OptionEntry, optionValue } from './ordered-options.js'
import { type S3Location, s3Url } from './s3-location.js'
import { quoteIdentifier, quoteLiteral } from './sql-quote.js'

/**
 * A size with its unit, for `MAXFILESIZE` and `ROWGROUPSIZE`.
 *
 * @example
 * const size: UnloadSize = { size: 1, unit: 'GB' }
 * new UnloadCommandBuilder('SELECT * FROM sales').toS3('reports', 'sales/').maxFileSize(size.size, size.unit)
 */
export interface UnloadSize {
  readonly size: number
  readonly unit: 'MB' | 'GB'
}

/**
 * Each UNLOAD option's value (`true` for a bare keyword).
 *
 * @example
 * const partitions: UnloadOptionValues['partitionBy'] | undefined = unload.option('partitionBy')
 */
export interface UnloadOptionValues {
  readonly format: Exclude<UnloadFormat, 'text'>
  readonly partitionBy: { readonly columns: readonly string[]; readonly include: boolean }
  readonly manifest: 'plain' | 'verbose'
  readonly header: true
  readonly delimiter: string
  readonly fixedWidth: string
  /** `'auto'` for `ENCRYPTED AUTO` (the bucket's default KMS key). */
  readonly encrypted: true | 'auto'
  readonly kmsKeyId: string
  readonly masterSymmetricKey: string
  readonly compression: Exclude<Compression, 'none'>
  readonly addQuotes: true
  readonly nullAs: string
  readonly escape: true
  readonly allowOverwrite: true
  readonly cleanPath: true
  readonly parallel: 'ON' | 'OFF'
  readonly maxFileSize: UnloadSize
  readonly rowGroupSize: UnloadSize
  readonly region: string
  readonly extension: string
}

/**
 * The name of an UNLOAD option (the builder method that sets it).
 *
 * @example
 * const name: UnloadOptionName = 'maxFileSize'
 * unload.option(name) // { size: 256, unit: 'MB' }
 */
export type UnloadOptionName = keyof UnloadOptionValues

/**
 * One UNLOAD option with its value.
 *
 * @example
 * for (const option of unload.options) console.log(option.name, option.value)
 */
export type UnloadOption = {
  [K in UnloadOptionName]: OptionEntry<K, UnloadOptionValues[K]>
}[UnloadOptionName]

/** The SQL keyword of each option, for the statement and for error messages. */
export const UNLOAD_KEYWORDS: { readonly [K in UnloadOptionName]: string } = Object.freeze({
  format: 'FORMAT',
  partitionBy: 'PARTITION BY',
  manifest: 'MANIFEST',
  header: 'HEADER',
  delimiter: 'DELIMITER',
  fixedWidth: 'FIXEDWIDTH',
  encrypted: 'ENCRYPTED',
  kmsKeyId: 'KMS_KEY_ID',
  masterSymmetricKey: 'MASTER_SYMMETRIC_KEY',
  compression: 'compression (GZIP, BZIP2, ZSTD)',
  addQuotes: 'ADDQUOTES',
  nullAs: 'NULL AS',
  escape: 'ESCAPE',
  allowOverwrite: 'ALLOWOVERWRITE',
  cleanPath: 'CLEANPATH',
  parallel: 'PARALLEL',
  maxFileSize: 'MAXFILESIZE',
  rowGroupSize: 'ROWGROUPSIZE',
  region: 'REGION',
  extension: 'EXTENSION',
})

/** Everything an {@link UnloadCommand} is made of (validated and frozen by the builder). */
export interface UnloadCommandData {
  readonly query: string
  readonly destination: S3Location
  /** Absent: the client supplies its configured `defaultUnloadIamRole`. */
  readonly authorization?: Authorization
  readonly options: readonly UnloadOption[]
}

const INSPECT = Symbol.for('nodejs.util.inspect.custom')

/**
 * A validated UNLOAD statement, made by {@link UnloadCommandBuilder.build}. Immutable. `toSql()` is
 * the statement that runs; `toString()`, `toJSON()` and `console.log` redact every credential.
 *
 * @example
 * const unload = new UnloadCommandBuilder('SELECT region, SUM(revenue) FROM sales GROUP BY region')
 *   .toS3('reports-bucket', 'monthly/2024/01/').parquet()
 *   .iamRole('arn:aws:iam::123456789012:role/RedshiftUnloadRole').build()
 * unload.toSql()
 * // UNLOAD ('SELECT region, SUM(revenue) FROM sales GROUP BY region') TO 's3://reports-bucket/monthly/2024/01/'
 * //   IAM_ROLE 'arn:aws:iam::123456789012:role/RedshiftUnloadRole' FORMAT AS PARQUET
 */
export class UnloadCommand {
  readonly #data: UnloadCommandData

  /** @internal Use {@link UnloadCommandBuilder.build}. */
  constructor(data: UnloadCommandData) {
    this.#data = data
    Object.freeze(this)
  }

  /** The query whose rows are written. */
  get query(): string {
    return this.#data.query
  }

  /** The S3 bucket and key prefix written to. */
  get destination(): S3Location {
    return this.#data.destination
  }

  /** `s3://bucket/prefix`. */
  get destinationUrl(): string {
    return s3Url(this.#data.destination)
  }

  /** The output format. */
  get format(): UnloadFormat {
    return optionValue(this.#data.options, 'format') ?? 'text'
  }

  /** The options, in statement order (secrets included: do not log them). */
  get options(): readonly UnloadOption[] {
    return this.#data.options
  }

  /** How it authorizes, or `undefined` (the client's default role). */
  get authorizationKind(): Authorization['kind'] | undefined {
    return this.#data.authorization?.kind
  }

  /**
   * Where the manifest is written when `manifest()` is on: `<prefix>manifest`, or at the root of the
   * partition folders (`<prefix>/manifest`) with PARTITION BY.
   */
  get manifestUrl(): string | undefined {
    if (optionValue(this.#data.options, 'manifest') === undefined) return undefined
    const { bucket, key } = this.#data.destination
    const partitioned = optionValue(this.#data.options, 'partitionBy') !== undefined
    const prefix = partitioned && key !== '' && !key.endsWith('/') ? `${key}/` : key
    return s3Url({ bucket, key: `${prefix}manifest` })
  }

  /** The value of one option, or `undefined` when it is not set. */
  option<K extends UnloadOptionName>(name: K): UnloadOptionValues[K] | undefined {
    return optionValue(this.#data.options, name) as UnloadOptionValues[K] | undefined
  }

  /** This command with `authorization` when it has none (how the client applies its default role). */
  withDefaultAuthorization(authorization: Authorization): UnloadCommand {
    return this.#data.authorization === undefined ? new UnloadCommand({ ...this.#data, authorization }) : this
  }

  /** The statement to run, credentials included. */
  toSql(): string {
    return renderUnload(this.#data, false)
  }

  /** The statement as a {@link Query} (no bind parameters: UNLOAD takes none). */
  toQuery(): Query {
    return createQuery({ sql: this.toSql(), params: [] })
  }

  /** The statement with every credential replaced by `***`: safe to log. */
  toString(): string {
    return renderUnload(this.#data, true)
  }

  /** `{ sql }` with credentials redacted. */
  toJSON(): { readonly sql: string } {
    return { sql: this.toString() }
  }

  [INSPECT](): string {
    return `UnloadCommand(${this.toString()})`
  }
}

// What each keyword-valued option may write: nothing outside these maps reaches the SQL unquoted.
const FORMAT_KEYWORDS = { csv: 'CSV', parquet: 'PARQUET', json: 'JSON' }
const COMPRESSION_KEYWORDS = { gzip: 'GZIP', bzip2: 'BZIP2', zstd: 'ZSTD' }
const UNIT_KEYWORDS = { MB: 'MB', GB: 'GB' }
const ON_OFF_KEYWORDS = { ON: 'ON', OFF: 'OFF' }

function size(s: UnloadSize, field: string): string {
  return `${numberFor(s.size, field, { integer: false })} ${keywordFor(UNIT_KEYWORDS, s.unit, field)}`
}

function renderOption(option: UnloadOption, redact: boolean): string {
  switch (option.name) {
    case 'format':
      return `FORMAT AS ${keywordFor(FORMAT_KEYWORDS, option.value, 'format')}`
    case 'partitionBy':
      return `PARTITION BY (${option.value.columns.map(quoteIdentifier).join(', ')})${option.value.include ? ' INCLUDE' : ''}`
    case 'manifest':
      return option.value === 'verbose' ? 'MANIFEST VERBOSE' : 'MANIFEST'
    case 'encrypted':
      return option.value === 'auto' ? 'ENCRYPTED AUTO' : 'ENCRYPTED'
    case 'delimiter':
      return `DELIMITER AS ${quoteLiteral(option.value)}`
    case 'fixedWidth':
    case 'kmsKeyId':
    case 'region':
    case 'extension':
      return `${UNLOAD_KEYWORDS[option.name]} ${quoteLiteral(option.value)}`
    case 'nullAs':
      return `NULL AS ${quoteLiteral(option.value)}`
    case 'masterSymmetricKey':
      return `MASTER_SYMMETRIC_KEY ${redact ? `'${REDACTED}'` : quoteLiteral(option.value)}`
    case 'compression':
      return keywordFor(COMPRESSION_KEYWORDS, option.value, 'compression')
    case 'parallel':
      return `PARALLEL ${keywordFor(ON_OFF_KEYWORDS, option.value, 'parallel')}`
    case 'maxFileSize':
    case 'rowGroupSize':
      return `${UNLOAD_KEYWORDS[option.name]} ${size(option.value, option.name)}`
    default:
      return UNLOAD_KEYWORDS[option.name]
  }
}

/** The UNLOAD statement of `data`; credentials as `***` when `redact`. */
export function renderUnload(data: UnloadCommandData, redact: boolean): string {
  const parts = [`UNLOAD (${quoteLiteral(data.query)})`, `TO ${quoteLiteral(s3Url(data.destination))}`]
  if (data.authorization !== undefined) parts.push(renderAuthorization(data.authorization, redact))
  for (const option of data.options) parts.push(renderOption(option, redact))
  return parts.join(' ')
}
