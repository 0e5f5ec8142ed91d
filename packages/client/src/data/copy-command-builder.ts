import { type Problem, ValidationError } from '../errors/client-errors.js'
import { type AccessKeys, type Authorization, iamRoleAuthorization } from './authorization.js'
import { booleanProblem, describeValue, isRecord, mustBe, oneOfProblem } from './builder-arguments.js'
import type { Compression } from './compression.js'
import {
  type CompUpdate,
  CopyCommand,
  type CopyEncoding,
  type CopyFormat,
  type CopyOption,
  type CopyOptionName,
  type CopySource,
  type JsonMapping,
} from './copy-command.js'
import { type CopyDraft, copyProblems } from './copy-validation.js'
import { DATA_FORMATS, type DataFormat } from './data-format.js'
import { withOption, withoutOption } from './ordered-options.js'
import { parseS3Url } from './s3-location.js'
import { type TableRef, toTableRef } from './table-ref.js'

/**
 * Column widths for `fixedWidth()`: `'label:width,...'`, `{ label: width }` or `[label, width]` pairs.
 *
 * @example
 * const widths: FixedWidthSpec = { venueid: 3, venuename: 25 }
 * new CopyCommandBuilder('venue').fromS3('data-bucket', 'venue/').fixedWidth(widths) // FIXEDWIDTH 'venueid:3,venuename:25'
 */
export type FixedWidthSpec =
  | string
  | Readonly<Record<string, number>>
  | readonly (readonly [string, number])[]

/**
 * Shapefile options: `SIMPLIFY [AUTO] [tolerance]`.
 *
 * @example
 * const options: ShapefileOptions = { simplify: { auto: true, tolerance: 0.001 } }   // SIMPLIFY AUTO 0.001
 */
export interface ShapefileOptions {
  readonly simplify?: { readonly auto?: boolean; readonly tolerance?: number }
}

/**
 * @internal The text form of a fixed-width spec, or what is wrong with the spec's shape (its text is
 * checked against FIXEDWIDTH's grammar by `build()`).
 */
export function fixedWidthText(spec: unknown): { readonly text: string } | { readonly problem: string } {
  if (typeof spec === 'string') return { text: spec }
  const shape = "'label:width,...', { label: width } or [label, width] pairs"
  let pairs: readonly unknown[]
  if (Array.isArray(spec)) pairs = spec
  else if (isRecord(spec)) pairs = Object.entries(spec)
  else return { problem: mustBe(shape, spec) }
  const parts: string[] = []
  for (const pair of pairs) {
    if (!Array.isArray(pair) || pair.length !== 2 || typeof pair[0] !== 'string') {
      return { problem: mustBe(shape, pair) }
    }
    const width: unknown = pair[1]
    if (typeof width !== 'number' || !Number.isInteger(width) || width < 1) {
      return {
        problem: `the width of ${describeValue(pair[0])} ${mustBe('a whole number of 1 or more', width)}`,
      }
    }
    parts.push(`${pair[0]}:${width}`)
  }
  return { text: parts.join(',') }
}

/**
 * Builds a {@link CopyCommand}: a source, a format, authorization and options, covering Redshift's
 * whole COPY grammar. Immutable: every method returns a new builder, so a partly configured builder
 * can be shared and specialised. Methods never throw; `build()` checks everything at once and throws
 * one `ValidationError` listing every problem, under the name of the method that set it: values are
 * checked against COPY's grammar (keywords against their list, numbers against their range) or
 * quoted, and an argument of the wrong kind (a bigint, `null`, an object) is refused, never written. Options appear in the statement in the order they
 * were first set. Without `iamRole()` / `accessKeys()` / `credentials()`, the client uses its
 * configured `defaultCopyIamRole`.
 *
 * @example
 * const copy = new CopyCommandBuilder(new TableRef('analytics', 'daily_events'))
 *   .fromS3('my-data-bucket', 'events/2024-01-01/')
 *   .csvWithOptions(',', '"', true)
 *   .iamRole('arn:aws:iam::123456789012:role/RedshiftCopyRole')
 *   .compression(Compression.Gzip).maxErrors(100).truncateColumns(true).blanksAsNull(true)
 *   .build()
 * copy.toSql()
 * // COPY analytics.daily_events FROM 's3://my-data-bucket/events/2024-01-01/'
 * //   IAM_ROLE 'arn:aws:iam::123456789012:role/RedshiftCopyRole' CSV QUOTE AS '"' DELIMITER ','
 * //   IGNOREHEADER 1 GZIP MAXERROR 100 TRUNCATECOLUMNS BLANKSASNULL
 */
export class CopyCommandBuilder {
  #draft: CopyDraft

  /** A builder loading into `table` (a {@link TableRef}, or `'table'` / `'schema.table'`). */
  constructor(table: TableRef | string) {
    this.#draft = Object.freeze({
      table: toTableRef(table),
      columns: Object.freeze([]),
      source: undefined,
      authorizations: Object.freeze([]),
      options: Object.freeze([]),
      invalid: Object.freeze({}),
    })
  }

  // ---- target and source ----

  /** Loads only these columns, in this order (the rest get their defaults). */
  columns(columns: readonly string[]): CopyCommandBuilder {
    if (!Array.isArray(columns)) return this.#invalid('columns', mustBe('an array of column names', columns))
    return this.#valid('columns').#with({ columns: Object.freeze([...columns]) })
  }

  /** Loads every object of `bucket` whose key starts with `prefix`. */
  fromS3(bucket: string, prefix = ''): CopyCommandBuilder {
    return this.#source({ kind: 's3', bucket, prefix })
  }

  /** {@link fromS3} from one `s3://bucket/prefix` URL. */
  fromS3Url(url: string): CopyCommandBuilder {
    const location = typeof url === 'string' ? parseS3Url(url) : undefined
    if (location === undefined) return this.#invalid('fromS3Url', mustBe('an s3://bucket/prefix URL', url))
    return this.#source({ kind: 's3', bucket: location.bucket, prefix: location.key })
  }

  /** Loads the files listed by the manifest at `s3://bucket/manifestKey` (`MANIFEST`). */
  fromS3Manifest(bucket: string, manifestKey: string): CopyCommandBuilder {
    return this.#source({ kind: 's3-manifest', bucket, key: manifestKey })
  }

  /** Loads a DynamoDB table, using `readRatio` percent (1-200) of its provisioned read throughput. */
  fromDynamoDb(tableName: string, readRatio: number): CopyCommandBuilder {
    return this.#source({ kind: 'dynamodb', table: tableName, readRatio })
  }

  /** Loads files from an Amazon EMR cluster's HDFS (`emr://clusterId/path`; `*` and `?` allowed). */
  fromEmr(clusterId: string, path: string): CopyCommandBuilder {
    return this.#source({ kind: 'emr', clusterId, path })
  }

  /** Loads the output of commands on remote hosts, as the SSH manifest at `s3://bucket/key` lists them. */
  fromSsh(bucket: string, manifestKey: string): CopyCommandBuilder {
    return this.#source({ kind: 'ssh', bucket, key: manifestKey })
  }

  // ---- format ----

  /** Sets the format with its default arguments (`DataFormat.Json` is `JSON 'auto'`, ...). */
  format(format: DataFormat): CopyCommandBuilder {
    switch (format) {
      case 'text':
        return this.text()
      case 'csv':
        return this.csv()
      case 'json':
        return this.json()
      case 'avro':
        return this.avro()
      case 'parquet':
        return this.parquet()
      case 'orc':
        return this.orc()
      case 'shapefile':
        return this.shapefile()
      default:
        return this.#invalid('format', oneOfProblem(format, DATA_FORMATS) ?? '')
    }
  }

  /** Delimited text, the default (pipe-delimited unless `delimiter()` says otherwise). */
  text(): CopyCommandBuilder {
    return this.#valid('format').#with({ options: withoutOption(this.#draft.options, 'format') })
  }

  /** CSV (`CSV [QUOTE AS 'q']`); the quote character defaults to `"`. */
  csv(options: { readonly quote?: string } = {}): CopyCommandBuilder {
    if (!isRecord(options)) return this.#invalid('csv', mustBe('{ quote?: string }', options))
    return this.#format(options.quote === undefined ? { kind: 'csv' } : { kind: 'csv', quote: options.quote })
  }

  /** CSV with its delimiter and quote character, skipping one header line per file when `header`. */
  csvWithOptions(delimiter: string, quote: string, header: boolean): CopyCommandBuilder {
    const bad = booleanProblem(header)
    if (bad !== undefined) return this.#invalid('csvWithOptions', `header ${bad}`)
    const b = this.#valid('csvWithOptions').csv({ quote }).delimiter(delimiter)
    return header ? b.ignoreHeader(1) : b.#without('ignoreHeader')
  }

  /** JSON, fields matched by name (`'auto'`, `'auto ignorecase'`), or loaded whole into SUPER (`'noshred'`). */
  json(mapping: 'auto' | 'auto ignorecase' | 'noshred' = 'auto'): CopyCommandBuilder {
    return this.#format({ kind: 'json', mapping })
  }

  /** JSON mapped by the JSONPaths file at `jsonPathsUrl` (`s3://bucket/key`). */
  jsonWithPaths(jsonPathsUrl: string): CopyCommandBuilder {
    return this.#format({ kind: 'json', mapping: jsonPathsUrl as JsonMapping })
  }

  /** Avro, fields matched by name (`'auto'`, `'auto ignorecase'`). */
  avro(mapping: 'auto' | 'auto ignorecase' = 'auto'): CopyCommandBuilder {
    return this.#format({ kind: 'avro', mapping })
  }

  /** Avro mapped by the JSONPaths file at `jsonPathsUrl`. */
  avroWithPaths(jsonPathsUrl: string): CopyCommandBuilder {
    return this.#format({ kind: 'avro', mapping: jsonPathsUrl as JsonMapping })
  }

  /** Apache Parquet (columns matched by position). */
  parquet(): CopyCommandBuilder {
    return this.#format({ kind: 'parquet' })
  }

  /** Apache ORC (columns matched by position). */
  orc(): CopyCommandBuilder {
    return this.#format({ kind: 'orc' })
  }

  /** Esri shapefiles (`FORMAT SHAPEFILE [SIMPLIFY [AUTO] [tolerance]]`). */
  shapefile(options: ShapefileOptions = {}): CopyCommandBuilder {
    const shape = '{ simplify?: { auto?: boolean, tolerance?: number } }'
    if (!isRecord(options)) return this.#invalid('shapefile', mustBe(shape, options))
    const s: unknown = options.simplify
    if (s !== undefined && !isRecord(s)) return this.#invalid('shapefile', `simplify ${mustBe(shape, s)}`)
    if (s !== undefined && s.auto !== undefined && typeof s.auto !== 'boolean') {
      return this.#invalid('shapefile', `simplify.auto ${booleanProblem(s.auto)}`)
    }
    return this.#format(
      s === undefined
        ? { kind: 'shapefile' }
        : {
            kind: 'shapefile',
            simplify: {
              auto: s.auto === true,
              ...(s.tolerance === undefined ? {} : { tolerance: s.tolerance as number }),
            },
          },
    )
  }

  /** Loads nested Parquet/ORC data into SUPER columns as JSON (`SERIALIZETOJSON`). */
  serializeToJson(on = true): CopyCommandBuilder {
    return this.#flag('serializeToJson', on)
  }

  /** The field delimiter: one ASCII character. */
  delimiter(char: string): CopyCommandBuilder {
    return this.#set('delimiter', char)
  }

  /** Fixed-width columns: `'id:3,name:25'`, `{ id: 3, name: 25 }` or `[['id', 3], ['name', 25]]`. */
  fixedWidth(spec: FixedWidthSpec): CopyCommandBuilder {
    const text = fixedWidthText(spec)
    if ('problem' in text) return this.#invalid('fixedWidth', text.problem)
    return this.#set('fixedWidth', text.text)
  }

  /** Input compression (`Compression.None` removes it). */
  compression(compression: Compression): CopyCommandBuilder {
    if (compression === 'none') return this.#without('compression')
    return this.#set('compression', compression)
  }

  /** The AWS region of the bucket or DynamoDB table, when not the cluster's. */
  region(region: string): CopyCommandBuilder {
    return this.#set('region', region)
  }

  /** The input files are client-side encrypted (give the key with `masterSymmetricKey()`). */
  encrypted(on = true): CopyCommandBuilder {
    return this.#flag('encrypted', on)
  }

  /** The root symmetric key of client-side encrypted input (a secret: redacted everywhere but `toSql()`). */
  masterSymmetricKey(key: string): CopyCommandBuilder {
    return this.#set('masterSymmetricKey', key)
  }

  // ---- data conversion ----

  /** Loads invalid dates as NULL instead of failing (`ACCEPTANYDATE`). */
  acceptAnyDate(on = true): CopyCommandBuilder {
    return this.#flag('acceptAnyDate', on)
  }

  /** Replaces invalid UTF-8 with `replacement` (default `?`); `false` removes the option. */
  acceptInvChars(replacement: string | boolean = true): CopyCommandBuilder {
    if (replacement === false) return this.#without('acceptInvChars')
    return this.#set('acceptInvChars', replacement as string | true)
  }

  /** Loads whitespace-only CHAR/VARCHAR fields as NULL. */
  blanksAsNull(on = true): CopyCommandBuilder {
    return this.#flag('blanksAsNull', on)
  }

  /** The date format (`'YYYY-MM-DD'`, `'auto'`, ...). */
  dateFormat(format: string): CopyCommandBuilder {
    return this.#set('dateFormat', format)
  }

  /** The timestamp format (`'YYYY-MM-DD HH:MI:SS'`, `'auto'`, `'epochsecs'`, `'epochmillisecs'`). */
  timeFormat(format: string): CopyCommandBuilder {
    return this.#set('timeFormat', format)
  }

  /** Loads empty CHAR/VARCHAR fields as NULL. */
  emptyAsNull(on = true): CopyCommandBuilder {
    return this.#flag('emptyAsNull', on)
  }

  /** The input encoding (UTF8 by default). */
  encoding(encoding: CopyEncoding): CopyCommandBuilder {
    return this.#set('encoding', encoding)
  }

  /** A backslash escapes the next character. */
  escape(on = true): CopyCommandBuilder {
    return this.#flag('escape', on)
  }

  /** Loads IDENTITY columns from the data instead of generating them. */
  explicitIds(on = true): CopyCommandBuilder {
    return this.#flag('explicitIds', on)
  }

  /** Missing trailing columns load as NULL. */
  fillRecord(on = true): CopyCommandBuilder {
    return this.#flag('fillRecord', on)
  }

  /** Skips empty lines. */
  ignoreBlankLines(on = true): CopyCommandBuilder {
    return this.#flag('ignoreBlankLines', on)
  }

  /** Skips `lines` header lines of each file. */
  ignoreHeader(lines: number): CopyCommandBuilder {
    return this.#set('ignoreHeader', lines)
  }

  /** The text that means NULL (default `\N`). */
  nullAs(marker: string): CopyCommandBuilder {
    return this.#set('nullAs', marker)
  }

  /** Strips the quotes around fields. */
  removeQuotes(on = true): CopyCommandBuilder {
    return this.#flag('removeQuotes', on)
  }

  /** Rounds decimals with too many digits instead of truncating them. */
  roundEc(on = true): CopyCommandBuilder {
    return this.#flag('roundEc', on)
  }

  /** Strips trailing whitespace from VARCHAR values. */
  trimBlanks(on = true): CopyCommandBuilder {
    return this.#flag('trimBlanks', on)
  }

  /** Truncates CHAR/VARCHAR values to the column's width instead of failing. */
  truncateColumns(on = true): CopyCommandBuilder {
    return this.#flag('truncateColumns', on)
  }

  // ---- load operation ----

  /** Rows sampled per slice for compression analysis (1000 or more). */
  compRows(rows: number): CopyCommandBuilder {
    return this.#set('compRows', rows)
  }

  /** Automatic compression: `'PRESET'`, `'ON'`/`true` or `'OFF'`/`false`. */
  compUpdate(mode: CompUpdate | boolean): CopyCommandBuilder {
    const value = mode === true ? 'ON' : mode === false ? 'OFF' : mode
    const bad = oneOfProblem(value, ['PRESET', 'ON', 'OFF'])
    if (bad !== undefined) return this.#invalid('compUpdate', `${bad} (or true / false)`)
    return this.#set('compUpdate', value)
  }

  /** Fails the load only after more than `max` bad rows (0-100000; default 0). */
  maxErrors(max: number): CopyCommandBuilder {
    return this.#set('maxErrors', max)
  }

  /** Skips every bad row (not with `maxErrors`). */
  ignoreAllErrors(on = true): CopyCommandBuilder {
    return this.#flag('ignoreAllErrors', on)
  }

  /** Checks the files without loading them. */
  noLoad(on = true): CopyCommandBuilder {
    return this.#flag('noLoad', on)
  }

  /** Updates (`true`) or never updates (`false`) the table's statistics. */
  statUpdate(on: boolean): CopyCommandBuilder {
    const bad = booleanProblem(on)
    if (bad !== undefined) return this.#invalid('statUpdate', bad)
    return this.#set('statUpdate', on ? 'ON' : 'OFF')
  }

  // ---- authorization ----

  /**
   * Authorizes with an IAM role: `'default'` (the cluster's default role), one ARN, or a chain
   * (an array, or ARNs separated by commas).
   */
  iamRole(roles: string | readonly string[]): CopyCommandBuilder {
    if (typeof roles !== 'string' && !Array.isArray(roles)) {
      return this.#invalid('iamRole', mustBe("'default', a role ARN, or an array of role ARNs", roles))
    }
    return this.#valid('iamRole').#auth(iamRoleAuthorization(roles))
  }

  /** Authorizes with an access key pair and optional session token (secrets: redacted outside `toSql()`). */
  accessKeys(keys: AccessKeys): CopyCommandBuilder {
    if (!isRecord(keys)) {
      return this.#invalid('accessKeys', mustBe('{ accessKeyId, secretAccessKey, sessionToken? }', keys))
    }
    return this.#valid('accessKeys').#auth({
      kind: 'access-keys',
      accessKeyId: keys.accessKeyId,
      secretAccessKey: keys.secretAccessKey,
      ...(keys.sessionToken === undefined ? {} : { sessionToken: keys.sessionToken }),
    })
  }

  /** Authorizes with a `CREDENTIALS 'aws_iam_role=...'` or `'aws_access_key_id=...;...'` string (a secret). */
  credentials(credentials: string): CopyCommandBuilder {
    return this.#auth({ kind: 'credentials', credentials })
  }

  /**
   * Checks everything and returns the command; throws one `ValidationError` whose `problems` lists
   * every bad value and every combination Redshift would refuse.
   */
  build(): CopyCommand {
    const invalid: Problem[] = Object.entries(this.#draft.invalid).map(([field, message]) => ({
      field,
      message,
    }))
    const problems = [...invalid, ...copyProblems(this.#draft)]
    const { source, authorizations } = this.#draft
    if (problems.length > 0 || source === undefined) {
      throw new ValidationError('invalid COPY command', { problems })
    }
    const auth = authorizations[0]
    return new CopyCommand({
      table: this.#draft.table,
      columns: this.#draft.columns,
      source,
      ...(auth === undefined ? {} : { authorization: auth }),
      options: this.#draft.options,
    })
  }

  /** The statement so far, credentials redacted (for debugging a builder). */
  toString(): string {
    return `CopyCommandBuilder(${this.#draft.table.toSql()})`
  }

  #with(change: Partial<CopyDraft>): CopyCommandBuilder {
    const next = new CopyCommandBuilder(this.#draft.table)
    next.#draft = Object.freeze({ ...this.#draft, ...change })
    return next
  }

  #source(source: CopySource): CopyCommandBuilder {
    return this.#valid('fromS3Url').#with({ source: Object.freeze(source) })
  }

  #format(format: CopyFormat): CopyCommandBuilder {
    return this.#valid('csv').#valid('shapefile').#set('format', Object.freeze(format))
  }

  // Values of the declared type are stored as given, and build() checks them against their grammar.
  #set<K extends CopyOptionName>(
    name: K,
    value: Extract<CopyOption, { name: K }>['value'],
  ): CopyCommandBuilder {
    return this.#valid(name).#with({
      options: withOption(this.#draft.options, { name, value } as CopyOption),
    })
  }

  #flag(name: CopyOptionName, on: boolean): CopyCommandBuilder {
    const bad = booleanProblem(on)
    if (bad !== undefined) return this.#invalid(name, bad)
    return on
      ? this.#valid(name).#with({
          options: withOption(this.#draft.options, { name, value: true } as CopyOption),
        })
      : this.#without(name)
  }

  #without(name: CopyOptionName): CopyCommandBuilder {
    return this.#valid(name).#with({ options: withoutOption(this.#draft.options, name) })
  }

  // An argument of the wrong kind (a bigint, null, an object, ...) is kept as a problem of build(),
  // under the method's name, until the method is called again with a good one.
  #invalid(method: string, message: string): CopyCommandBuilder {
    return this.#with({ invalid: Object.freeze({ ...this.#draft.invalid, [method]: message }) })
  }

  #valid(method: string): CopyCommandBuilder {
    if (!Object.hasOwn(this.#draft.invalid, method)) return this
    const { [method]: _dropped, ...rest } = this.#draft.invalid
    return this.#with({ invalid: Object.freeze(rest) })
  }

  #auth(auth: Authorization): CopyCommandBuilder {
    const others = this.#draft.authorizations.filter((a) => a.kind !== auth.kind)
    return this.#with({ authorizations: Object.freeze([...others, Object.freeze(auth)]) })
  }
}
