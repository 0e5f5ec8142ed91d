import { type Authorization, AuthorizationCollector } from './copy-parse-authorization.js'
import type { FixedWidthColumn } from './copy-parse-options.js'
import {
  CommandSyntaxError,
  TokenCursor as Cursor,
  conflicting,
  redundant,
  singleCharacter,
  type TokenCursor,
} from './copy-parse-scanner.js'
import { nullMarker } from './null-marker.js'

/** A parsed Redshift UNLOAD statement (DG `r_UNLOAD`), Redshift's defaults filled in. */
export interface UnloadStatement {
  /** The inner SELECT, its doubled quotes undone. */
  readonly query: string
  /** The `TO 's3://bucket/prefix'` target. */
  readonly target: string
  readonly authorization: Authorization
  readonly format: 'text' | 'csv' | 'json' | 'parquet'
  readonly partitionBy: { readonly columns: readonly string[]; readonly include: boolean } | null
  readonly manifest: 'none' | 'plain' | 'verbose'
  readonly header: boolean
  /** `|` for text, `,` for CSV unless given. */
  readonly delimiter: string
  readonly fixedWidth: readonly FixedWidthColumn[] | null
  readonly encrypted: boolean
  readonly kmsKeyId: boolean
  readonly compression: 'none' | 'gzip' | 'bzip2' | 'zstd'
  readonly addQuotes: boolean
  /** NULL AS; null when absent: nulls are then empty strings (delimited) or blanks (FIXEDWIDTH). */
  readonly nullAs: string | null
  readonly escape: boolean
  readonly allowOverwrite: boolean
  readonly cleanPath: boolean
  readonly parallel: boolean
  /** Bytes; default 6.2 GB. */
  readonly maxFileSize: number
  readonly rowGroupSize: number | null
  readonly region: string | null
  readonly extension: string | null
}

const MB = 1024 * 1024
const MAX_FILE_SIZE_DEFAULT = Math.floor(6.2 * 1024 * MB)
const MAX_FILE_SIZE_MIN = 5 * MB

type Builder = { -readonly [K in keyof UnloadStatement]: UnloadStatement[K] }

/**
 * Parses `UNLOAD ('select ...') TO 's3://...' <authorization> [options]`.
 *
 * @example
 * const u = parseUnload("UNLOAD ('select * from venue where venuestate=''NV''') TO 's3://b/venue_' IAM_ROLE default CSV")
 * u.query // "select * from venue where venuestate='NV'"
 */
export function parseUnload(sql: string): UnloadStatement {
  const c = new Cursor(sql)
  c.expectWord('unload')
  c.expectPunct('(')
  if (!c.atString())
    throw c.error(c.describeNext(), "UNLOAD takes its query as a quoted string: UNLOAD ('select ...')")
  const query = c.string('UNLOAD')
  c.expectPunct(')')
  c.expectWord('to')
  const target = c.string('TO')
  if (!/^s3:\/\/[^/]+/i.test(target))
    throw new CommandSyntaxError(
      '22023',
      `invalid UNLOAD target '${target}'`,
      "UNLOAD writes to 's3://bucket/prefix'",
    )
  const auth = new AuthorizationCollector()
  const seen = new Set<string>()
  const b: Builder = {
    query,
    target,
    authorization: { kind: 'iamRole', roles: ['default'] },
    format: 'text',
    partitionBy: null,
    manifest: 'none',
    header: false,
    delimiter: '',
    fixedWidth: null,
    encrypted: false,
    kmsKeyId: false,
    compression: 'none',
    addQuotes: false,
    nullAs: null,
    escape: false,
    allowOverwrite: false,
    cleanPath: false,
    parallel: true,
    maxFileSize: MAX_FILE_SIZE_DEFAULT,
    rowGroupSize: null,
    region: null,
    extension: null,
  }
  while (!c.done) {
    if (c.acceptPunct(',')) continue
    if (auth.take(c)) continue
    option(c, b, seen)
  }
  b.authorization = auth.finish('UNLOAD')
  return check(b, seen, auth.masterKeyInCredentials)
}

function once(seen: Set<string>, name: string): void {
  if (seen.has(name)) throw redundant(name)
  seen.add(name)
}

function size(c: TokenCursor, what: string): number {
  c.optionalAs()
  const n = c.decimal(what)
  if (c.accept('gb')) return Math.floor(n * 1024 * MB)
  c.accept('mb')
  const unit = MB
  return Math.floor(n * unit)
}

function option(c: TokenCursor, b: Builder, seen: Set<string>): void {
  const word = c.peekWord()
  if (word === undefined) throw c.error(c.describeNext())
  const written = c.next().text
  const setFormat = (f: Builder['format']) => {
    once(seen, 'FORMAT')
    b.format = f
  }
  switch (word) {
    case 'format': {
      c.optionalAs()
      const f = c.peekWord()
      if (f !== 'csv' && f !== 'json' && f !== 'parquet')
        throw c.error(c.describeNext(), 'FORMAT takes CSV, JSON or PARQUET')
      c.next()
      setFormat(f)
      return
    }
    case 'csv':
    case 'json':
    case 'parquet':
      setFormat(word)
      return
    case 'partition': {
      once(seen, 'PARTITION BY')
      c.expectWord('by')
      const columns = c.identifierList('a partition column')
      b.partitionBy = { columns, include: c.accept('include') }
      return
    }
    case 'manifest':
      once(seen, 'MANIFEST')
      b.manifest = c.accept('verbose') ? 'verbose' : 'plain'
      return
    case 'header':
      once(seen, 'HEADER')
      b.header = true
      return
    case 'delimiter':
      once(seen, 'DELIMITER')
      c.optionalAs()
      b.delimiter = singleCharacter('DELIMITER', c.string('DELIMITER'))
      return
    case 'fixedwidth': {
      once(seen, 'FIXEDWIDTH')
      c.optionalAs()
      const spec = c.string('FIXEDWIDTH')
      b.fixedWidth = spec.split(',').map((item) => {
        const m = /^\s*([^:]+?)\s*:\s*(\d+)\s*$/.exec(item)
        if (!m || Number(m[2]) === 0)
          throw new CommandSyntaxError(
            '22023',
            `invalid FIXEDWIDTH specification '${spec}'`,
            "write 'label:width,...'",
          )
        return { label: m[1] as string, width: Number(m[2]) }
      })
      return
    }
    case 'encrypted':
      once(seen, 'ENCRYPTED')
      if (c.accept('auto')) seen.add('ENCRYPTED AUTO')
      b.encrypted = true
      return
    case 'kms_key_id':
      once(seen, 'KMS_KEY_ID')
      c.string('KMS_KEY_ID')
      b.kmsKeyId = true
      return
    case 'master_symmetric_key':
      once(seen, 'MASTER_SYMMETRIC_KEY')
      c.string('MASTER_SYMMETRIC_KEY')
      return
    case 'bzip2':
    case 'gzip':
    case 'zstd':
      once(seen, 'compression')
      b.compression = word
      return
    case 'addquotes':
      once(seen, 'ADDQUOTES')
      b.addQuotes = true
      return
    case 'null':
      once(seen, 'NULL AS')
      c.optionalAs()
      b.nullAs = nullMarker(c.string('NULL AS'))
      return
    case 'escape':
      once(seen, 'ESCAPE')
      b.escape = true
      return
    case 'allowoverwrite':
      once(seen, 'ALLOWOVERWRITE')
      b.allowOverwrite = true
      return
    case 'cleanpath':
      once(seen, 'CLEANPATH')
      b.cleanPath = true
      return
    case 'parallel':
      once(seen, 'PARALLEL')
      if (c.accept('off') || c.accept('false')) b.parallel = false
      else c.accept('on') || c.accept('true')
      return
    case 'maxfilesize':
      once(seen, 'MAXFILESIZE')
      b.maxFileSize = size(c, 'MAXFILESIZE')
      return
    case 'rowgroupsize':
      once(seen, 'ROWGROUPSIZE')
      b.rowGroupSize = size(c, 'ROWGROUPSIZE')
      return
    case 'region':
      once(seen, 'REGION')
      c.optionalAs()
      b.region = c.string('REGION')
      return
    case 'extension':
      once(seen, 'EXTENSION')
      c.optionalAs()
      b.extension = c.string('EXTENSION')
      return
    default:
      throw c.error(
        `"${written}"`,
        'see the UNLOAD parameters in the Amazon Redshift Database Developer Guide',
      )
  }
}

/** Redshift's option rules (DG `r_UNLOAD`, "Usage notes"). */
function check(b: Builder, seen: Set<string>, masterKeyInCredentials: boolean): UnloadStatement {
  const has = (name: string) => seen.has(name)
  if (b.format === 'parquet' || b.format === 'json') {
    const label = b.format.toUpperCase()
    for (const name of ['DELIMITER', 'FIXEDWIDTH', 'ADDQUOTES', 'ESCAPE', 'NULL AS', 'HEADER'])
      if (has(name)) throw conflicting(label, name)
    if (b.format === 'parquet' && b.compression !== 'none')
      throw conflicting(label, b.compression.toUpperCase())
  }
  if (
    b.format === 'parquet' &&
    b.rowGroupSize !== null &&
    (b.rowGroupSize < 32 * MB || b.rowGroupSize > 128 * MB)
  )
    throw new CommandSyntaxError('22023', 'ROWGROUPSIZE must be from 32 MB to 128 MB')
  if (b.format !== 'parquet' && has('ROWGROUPSIZE'))
    throw new CommandSyntaxError('0A000', 'ROWGROUPSIZE is only valid with PARQUET')
  if (b.format === 'csv') {
    if (has('FIXEDWIDTH')) throw conflicting('CSV', 'FIXEDWIDTH')
    if (has('ADDQUOTES')) throw conflicting('CSV', 'ADDQUOTES')
  }
  if (has('FIXEDWIDTH')) {
    if (has('DELIMITER')) throw conflicting('FIXEDWIDTH', 'DELIMITER')
    if (has('HEADER')) throw conflicting('FIXEDWIDTH', 'HEADER')
  }
  if (b.allowOverwrite && b.cleanPath) throw conflicting('ALLOWOVERWRITE', 'CLEANPATH')
  if (has('ENCRYPTED AUTO') && (has('KMS_KEY_ID') || has('MASTER_SYMMETRIC_KEY')))
    throw conflicting('ENCRYPTED AUTO', has('KMS_KEY_ID') ? 'KMS_KEY_ID' : 'MASTER_SYMMETRIC_KEY')
  if (has('KMS_KEY_ID') && !b.encrypted)
    throw new CommandSyntaxError('0A000', 'KMS_KEY_ID requires ENCRYPTED')
  if (has('MASTER_SYMMETRIC_KEY') || masterKeyInCredentials)
    throw new CommandSyntaxError(
      '0A000',
      'client-side encryption (MASTER_SYMMETRIC_KEY) is not available in redshift-local',
      'drop MASTER_SYMMETRIC_KEY: objects in the local store are not encrypted',
    )
  if (has('MAXFILESIZE') && (b.maxFileSize < MAX_FILE_SIZE_MIN || b.maxFileSize > MAX_FILE_SIZE_DEFAULT))
    throw new CommandSyntaxError('22023', 'MAXFILESIZE must be from 5 MB to 6.2 GB')
  if (b.partitionBy !== null && b.partitionBy.columns.length === 0)
    throw new CommandSyntaxError('42601', 'PARTITION BY needs at least one column')
  if (!has('DELIMITER')) b.delimiter = b.format === 'csv' ? ',' : '|'
  return b
}
