import type { Authorization } from './copy-parse-authorization.js'
import { CommandSyntaxError, conflicting } from './copy-parse-scanner.js'

/** The data formats of COPY (`text` is the default: pipe-delimited UTF-8). */
export type DataFormat = 'text' | 'csv' | 'fixedwidth' | 'json' | 'avro' | 'parquet' | 'orc' | 'shapefile'

/** One `label:width` of FIXEDWIDTH. */
export interface FixedWidthColumn {
  readonly label: string
  readonly width: number
}

/** Every COPY parameter, with Redshift's defaults filled in. */
export interface CopyOptions {
  readonly format: DataFormat
  /** CSV's quote character. @default '"' */
  readonly quote: string
  /** Field delimiter: `|` for text, `,` for CSV unless given. */
  readonly delimiter: string
  readonly fixedWidth: readonly FixedWidthColumn[] | null
  /** JSON / AVRO: `'auto'`, `'auto ignorecase'` or `'noshred'` (null with a JSONPaths file). */
  readonly jsonOption: 'auto' | 'auto ignorecase' | 'noshred' | null
  /** JSON / AVRO: the `s3://` URL of a JSONPaths file. */
  readonly jsonPaths: string | null
  readonly serializeToJson: boolean
  readonly compression: 'none' | 'gzip' | 'bzip2' | 'lzop' | 'zstd'
  readonly encrypted: boolean
  readonly masterSymmetricKey: boolean
  readonly manifest: boolean
  readonly ssh: boolean
  readonly region: string | null
  readonly readRatio: number | null
  readonly acceptAnyDate: boolean
  /** Replacement for invalid UTF-8, or null when ACCEPTINVCHARS is absent. */
  readonly acceptInvChars: string | null
  readonly blanksAsNull: boolean
  readonly emptyAsNull: boolean
  /** DATEFORMAT as given, or null for the default `YYYY-MM-DD`. */
  readonly dateFormat: string | null
  /** TIMEFORMAT as given, or null for the default `YYYY-MM-DD HH:MI:SS`. */
  readonly timeFormat: string | null
  readonly encoding: 'utf8' | 'utf16' | 'utf16le' | 'utf16be'
  readonly escape: boolean
  readonly explicitIds: boolean
  readonly fillRecord: boolean
  readonly ignoreBlankLines: boolean
  readonly ignoreHeader: number
  /** The null marker. @default '\N' */
  readonly nullAs: string
  /** True when NULL AS was given (it then also applies to CHAR/VARCHAR empty strings). */
  readonly nullAsGiven: boolean
  readonly removeQuotes: boolean
  readonly roundEc: boolean
  readonly trimBlanks: boolean
  readonly truncateColumns: boolean
  /** MAXERROR, capped at Redshift's 100000. @default 0 */
  readonly maxError: number
  readonly ignoreAllErrors: boolean
  readonly noLoad: boolean
}

/** The mutable state the parser fills. */
export type CopyOptionsBuilder = {
  -readonly [K in keyof CopyOptions]: CopyOptions[K]
} & { seen: Set<string>; formatGiven: string | null; delimiterGiven: boolean; quoteGiven: boolean }

const MAX_ERROR_LIMIT = 100_000

export function newCopyOptions(): CopyOptionsBuilder {
  return {
    seen: new Set(),
    formatGiven: null,
    delimiterGiven: false,
    quoteGiven: false,
    format: 'text',
    quote: '"',
    delimiter: '',
    fixedWidth: null,
    jsonOption: null,
    jsonPaths: null,
    serializeToJson: false,
    compression: 'none',
    encrypted: false,
    masterSymmetricKey: false,
    manifest: false,
    ssh: false,
    region: null,
    readRatio: null,
    acceptAnyDate: false,
    acceptInvChars: null,
    blanksAsNull: false,
    emptyAsNull: false,
    dateFormat: null,
    timeFormat: null,
    encoding: 'utf8',
    escape: false,
    explicitIds: false,
    fillRecord: false,
    ignoreBlankLines: false,
    ignoreHeader: 0,
    nullAs: '\\N',
    nullAsGiven: false,
    removeQuotes: false,
    roundEc: false,
    trimBlanks: false,
    truncateColumns: false,
    maxError: 0,
    ignoreAllErrors: false,
    noLoad: false,
  }
}

function notLocal(what: string, hint?: string): CommandSyntaxError {
  return new CommandSyntaxError('0A000', `${what} is not available in redshift-local`, hint)
}

/** Options that columnar formats take (DG `copy-usage_notes-copy-from-columnar`); others are refused. */
const COLUMNAR_ALLOWED = new Set(['ACCEPTINVCHARS', 'FILLRECORD', 'STATUPDATE', 'MANIFEST', 'EXPLICIT_IDS'])

/** Applies Redshift's defaults and refuses what Redshift refuses, or what the local one cannot do. */
export function checkCopyOptions(o: CopyOptionsBuilder, source: string, _auth: Authorization): CopyOptions {
  o.delimiterGiven = o.seen.has('DELIMITER')
  o.quoteGiven = o.seen.has('QUOTE')
  o.nullAsGiven = o.seen.has('NULL AS')
  const scheme = /^([a-z0-9]+):\/\//i.exec(source)?.[1]?.toLowerCase()
  if (scheme === 'dynamodb')
    throw notLocal('COPY from Amazon DynamoDB', 'put the data in the local S3 store and COPY from s3://')
  if (scheme === 'emr')
    throw notLocal('COPY from Amazon EMR', 'put the data in the local S3 store and COPY from s3://')
  if (scheme !== 's3')
    throw new CommandSyntaxError(
      '22023',
      `invalid COPY source '${source}'`,
      "COPY loads from 's3://bucket/prefix', 'dynamodb://table' or 'emr://cluster/path'",
    )
  if (o.ssh) throw notLocal('COPY from remote hosts over SSH', 'put the data in the local S3 store')
  if (o.readRatio !== null)
    throw new CommandSyntaxError('0A000', 'READRATIO is only valid for COPY from Amazon DynamoDB')
  if (o.format === 'avro' || o.format === 'orc' || o.format === 'shapefile')
    throw notLocal(`COPY FORMAT ${o.format.toUpperCase()}`, 'load CSV, JSON, Parquet or text instead')
  if (o.compression === 'lzop')
    throw notLocal('LZOP decompression', 'compress with GZIP, BZIP2 or ZSTD instead')
  if (o.encrypted || o.masterSymmetricKey)
    throw notLocal(
      'COPY of client-side encrypted files (ENCRYPTED, MASTER_SYMMETRIC_KEY)',
      'objects in the local store are not encrypted: drop ENCRYPTED',
    )
  if (o.quoteGiven && o.format !== 'csv')
    throw new CommandSyntaxError('0A000', 'QUOTE is only valid with CSV')
  if (o.format === 'csv') {
    if (o.removeQuotes) throw conflicting('CSV', 'REMOVEQUOTES')
    if (o.escape) throw conflicting('CSV', 'ESCAPE')
  }
  if (o.format === 'fixedwidth') {
    if (o.delimiterGiven) throw conflicting('FIXEDWIDTH', 'DELIMITER')
    if (o.escape) throw conflicting('FIXEDWIDTH', 'ESCAPE')
  }
  if (o.format === 'json') {
    for (const name of ['DELIMITER', 'ESCAPE', 'FILLRECORD', 'IGNOREBLANKLINES', 'NULL AS', 'REMOVEQUOTES']) {
      if (o.seen.has(name)) throw conflicting('JSON', name)
    }
    if (o.jsonOption === 'noshred') throw notLocal("JSON 'noshred'", "use JSON 'auto' with a SUPER column")
    if (o.jsonOption === null && o.jsonPaths === null) o.jsonOption = 'auto'
  }
  if (o.format === 'parquet') {
    for (const name of o.seen) {
      if (!COLUMNAR_ALLOWED.has(name) && name !== 'COMPUPDATE' && name !== 'REGION')
        throw new CommandSyntaxError(
          '0A000',
          `${name} is not supported with PARQUET`,
          'columnar loads take only ACCEPTINVCHARS, FILLRECORD, STATUPDATE, MANIFEST and EXPLICIT_IDS',
        )
    }
    if (o.compression !== 'none') throw conflicting('PARQUET', o.compression.toUpperCase())
    if (o.serializeToJson) throw notLocal('PARQUET SERIALIZETOJSON')
  }
  if (o.ignoreAllErrors && o.seen.has('MAXERROR')) throw conflicting('IGNOREALLERRORS', 'MAXERROR')
  if (o.maxError > MAX_ERROR_LIMIT) o.maxError = MAX_ERROR_LIMIT
  if (o.ignoreAllErrors) o.maxError = Number.MAX_SAFE_INTEGER
  if (!o.delimiterGiven) o.delimiter = o.format === 'csv' ? ',' : '|'
  if (o.format === 'csv' && o.delimiter === o.quote)
    throw conflicting('DELIMITER', 'QUOTE of the same character')
  const { seen: _s, formatGiven: _f, delimiterGiven: _d, quoteGiven: _q, ...options } = o
  return options
}
