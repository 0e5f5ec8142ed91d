import { type Authorization, AuthorizationCollector } from './copy-parse-authorization.js'
import {
  type CopyOptions,
  type CopyOptionsBuilder,
  checkCopyOptions,
  newCopyOptions,
} from './copy-parse-options.js'
import {
  CommandSyntaxError,
  TokenCursor as Cursor,
  redundant,
  singleCharacter,
  type TokenCursor,
} from './copy-parse-scanner.js'
import { nullMarker } from './null-marker.js'

export type { CopyOptions, DataFormat, FixedWidthColumn } from './copy-parse-options.js'

/** A table name as written: `table`, `schema.table` or `db.schema.table` (each part folded as PostgreSQL does). */
export interface QualifiedName {
  readonly parts: readonly string[]
  /** The last part. */
  readonly table: string
}

/** A parsed Redshift COPY statement. */
export interface CopyStatement {
  readonly table: QualifiedName
  /** The column list, or null to load every column in table order. */
  readonly columns: readonly string[] | null
  /** The FROM string: `s3://...`, `dynamodb://...`, `emr://...`. */
  readonly source: string
  readonly authorization: Authorization
  readonly options: CopyOptions
}

/**
 * Parses `COPY table [(columns)] FROM 'source' <authorization> [options]` with every parameter of
 * Redshift's grammar (DG `r_COPY`), checking the option combinations Redshift refuses.
 *
 * @example
 * const copy = parseCopy("COPY venue FROM 's3://mybucket/venue' IAM_ROLE default CSV IGNOREHEADER 1")
 * copy.options.format // 'csv'
 */
export function parseCopy(sql: string): CopyStatement {
  const c = new Cursor(sql)
  c.expectWord('copy')
  const table = qualifiedName(c)
  const columns = c.peek()?.text === '(' ? c.identifierList('a column name') : null
  c.expectWord('from')
  if (!c.atString()) {
    throw c.error(
      c.describeNext(),
      "COPY loads from a quoted source: FROM 's3://bucket/prefix' (or a manifest with MANIFEST)",
    )
  }
  const source = c.string('FROM')
  const auth = new AuthorizationCollector()
  const o = newCopyOptions()
  while (!c.done) {
    if (c.acceptPunct(',')) continue
    if (auth.take(c)) continue
    option(c, o)
  }
  const authorization = auth.finish('COPY')
  if (auth.masterKeyInCredentials) o.masterSymmetricKey = true
  return { table, columns, source, authorization, options: checkCopyOptions(o, source, authorization) }
}

function qualifiedName(c: TokenCursor): QualifiedName {
  const parts = [c.identifier('a table name')]
  while (c.acceptPunct('.')) parts.push(c.identifier('a table name'))
  if (parts.length > 3) throw c.error(`"${parts.join('.')}"`, 'a table name has at most three parts')
  return { parts, table: parts[parts.length - 1] as string }
}

/** Sets a flag once; a second time is "conflicting or redundant options". */
function flag(o: CopyOptionsBuilder, key: keyof CopyOptionsBuilder, name: string): void {
  if (o.seen.has(name)) throw redundant(name)
  o.seen.add(name)
  ;(o as unknown as Record<string, unknown>)[key] = true
}

function once(o: CopyOptionsBuilder, name: string): void {
  if (o.seen.has(name)) throw redundant(name)
  o.seen.add(name)
}

function setFormat(o: CopyOptionsBuilder, format: CopyOptions['format'], name: string): void {
  if (o.formatGiven !== null) {
    throw new CommandSyntaxError(
      '0A000',
      `${o.formatGiven} and ${name} cannot be used together`,
      'give one data format',
    )
  }
  o.formatGiven = name
  o.format = format
}

function option(c: TokenCursor, o: CopyOptionsBuilder): void {
  const word = c.peekWord()
  if (word === undefined) throw c.error(c.describeNext())
  const written = c.next().text
  switch (word) {
    case 'format': {
      c.optionalAs()
      const f = c.peekWord()
      if (
        f === undefined ||
        !['csv', 'json', 'avro', 'parquet', 'orc', 'shapefile', 'fixedwidth'].includes(f)
      )
        throw c.error(c.describeNext(), 'FORMAT takes CSV, JSON, AVRO, PARQUET, ORC, SHAPEFILE or FIXEDWIDTH')
      option(c, o)
      return
    }
    case 'csv':
      setFormat(o, 'csv', 'CSV')
      if (c.accept('quote')) quote(c, o)
      return
    case 'quote':
      quote(c, o)
      return
    case 'json':
    case 'avro': {
      setFormat(o, word, word.toUpperCase())
      c.optionalAs()
      if (c.atString()) {
        const arg = c.string(word.toUpperCase())
        if (arg === 'auto' || arg === 'auto ignorecase' || (arg === 'noshred' && word === 'json'))
          o.jsonOption = arg
        else if (/^s3:\/\//i.test(arg)) o.jsonPaths = arg
        else
          throw new CommandSyntaxError(
            '22023',
            `invalid ${word.toUpperCase()} option '${arg}'`,
            `use 'auto', 'auto ignorecase' or the s3:// URL of a JSONPaths file`,
          )
      }
      return
    }
    case 'parquet':
    case 'orc':
      setFormat(o, word, word.toUpperCase())
      if (c.accept('serializetojson')) o.serializeToJson = true
      return
    case 'shapefile':
      setFormat(o, 'shapefile', 'SHAPEFILE')
      if (c.accept('simplify')) {
        c.accept('auto')
        if (c.peek()?.kind === 'number') c.decimal('SIMPLIFY')
      }
      return
    case 'fixedwidth':
      setFormat(o, 'fixedwidth', 'FIXEDWIDTH')
      c.optionalAs()
      o.fixedWidth = fixedWidthSpec(c.string('FIXEDWIDTH'))
      return
    case 'delimiter':
      once(o, 'DELIMITER')
      c.optionalAs()
      o.delimiter = singleCharacter('DELIMITER', c.string('DELIMITER'))
      return
    case 'bzip2':
    case 'gzip':
    case 'lzop':
    case 'zstd':
      if (o.compression !== 'none') throw redundant('a compression option')
      o.compression = word
      return
    case 'encrypted':
      flag(o, 'encrypted', 'ENCRYPTED')
      return
    case 'master_symmetric_key':
      once(o, 'MASTER_SYMMETRIC_KEY')
      c.string('MASTER_SYMMETRIC_KEY')
      o.masterSymmetricKey = true
      return
    case 'manifest':
      flag(o, 'manifest', 'MANIFEST')
      return
    case 'ssh':
      flag(o, 'ssh', 'SSH')
      return
    case 'region':
      once(o, 'REGION')
      c.optionalAs()
      o.region = c.string('REGION')
      return
    case 'readratio':
      once(o, 'READRATIO')
      c.optionalAs()
      o.readRatio = c.integer('READRATIO')
      return
    case 'acceptanydate':
      flag(o, 'acceptAnyDate', 'ACCEPTANYDATE')
      return
    case 'acceptinvchars':
      once(o, 'ACCEPTINVCHARS')
      c.optionalAs()
      o.acceptInvChars = c.atString() ? singleCharacter('ACCEPTINVCHARS', c.string('ACCEPTINVCHARS')) : '?'
      return
    case 'blanksasnull':
      flag(o, 'blanksAsNull', 'BLANKSASNULL')
      return
    case 'emptyasnull':
      flag(o, 'emptyAsNull', 'EMPTYASNULL')
      return
    case 'dateformat':
      once(o, 'DATEFORMAT')
      c.optionalAs()
      o.dateFormat = c.string('DATEFORMAT')
      return
    case 'timeformat':
      once(o, 'TIMEFORMAT')
      c.optionalAs()
      o.timeFormat = c.string('TIMEFORMAT')
      return
    case 'encoding': {
      once(o, 'ENCODING')
      c.optionalAs()
      const e = (c.atString() ? c.string('ENCODING') : c.identifier('an encoding')).toLowerCase()
      if (!['utf8', 'utf16', 'utf16le', 'utf16be'].includes(e))
        throw new CommandSyntaxError(
          '22023',
          `invalid ENCODING '${e}'`,
          'use UTF8, UTF16, UTF16LE or UTF16BE',
        )
      o.encoding = e as CopyOptions['encoding']
      return
    }
    case 'escape':
      flag(o, 'escape', 'ESCAPE')
      return
    case 'explicit_ids':
      flag(o, 'explicitIds', 'EXPLICIT_IDS')
      return
    case 'fillrecord':
      flag(o, 'fillRecord', 'FILLRECORD')
      return
    case 'ignoreblanklines':
      flag(o, 'ignoreBlankLines', 'IGNOREBLANKLINES')
      return
    case 'ignoreheader':
      once(o, 'IGNOREHEADER')
      c.optionalAs()
      o.ignoreHeader = c.integer('IGNOREHEADER')
      return
    case 'null':
      once(o, 'NULL AS')
      c.optionalAs()
      o.nullAs = nullMarker(c.string('NULL AS'))
      return
    case 'removequotes':
      flag(o, 'removeQuotes', 'REMOVEQUOTES')
      return
    case 'roundec':
      flag(o, 'roundEc', 'ROUNDEC')
      return
    case 'trimblanks':
      flag(o, 'trimBlanks', 'TRIMBLANKS')
      return
    case 'truncatecolumns':
      flag(o, 'truncateColumns', 'TRUNCATECOLUMNS')
      return
    case 'comprows':
      once(o, 'COMPROWS')
      c.integer('COMPROWS')
      return
    case 'compupdate':
      once(o, 'COMPUPDATE')
      for (const w of ['preset', 'on', 'true', 'off', 'false']) if (c.accept(w)) break
      return
    case 'statupdate':
      once(o, 'STATUPDATE')
      for (const w of ['on', 'true', 'off', 'false']) if (c.accept(w)) break
      return
    case 'maxerror':
      once(o, 'MAXERROR')
      c.optionalAs()
      o.maxError = c.integer('MAXERROR')
      return
    case 'ignoreallerrors':
      flag(o, 'ignoreAllErrors', 'IGNOREALLERRORS')
      return
    case 'noload':
      flag(o, 'noLoad', 'NOLOAD')
      return
    default:
      throw c.error(`"${written}"`, 'see the COPY parameters in the Amazon Redshift Database Developer Guide')
  }
}

function quote(c: TokenCursor, o: CopyOptionsBuilder): void {
  once(o, 'QUOTE')
  c.optionalAs()
  o.quote = singleCharacter('QUOTE', c.string('QUOTE'))
}

/** `'label:width,label:width'` (labels are names or positions; widths in characters). */
function fixedWidthSpec(spec: string): NonNullable<CopyOptions['fixedWidth']> {
  const out = spec.split(',').map((item) => {
    const m = /^\s*([^:]+?)\s*:\s*(\d+)\s*$/.exec(item)
    if (!m || Number(m[2]) === 0) {
      throw new CommandSyntaxError(
        '22023',
        `invalid FIXEDWIDTH specification '${spec}'`,
        "write FIXEDWIDTH 'label:width,label:width,...' with a positive width for each column",
      )
    }
    return { label: m[1] as string, width: Number(m[2]) }
  })
  return out
}

/** NULL AS: `'\0'` / `'\000'` stand for the NUL character; anything else (the default `\N` too) is literal. */
