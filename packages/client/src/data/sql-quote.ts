import { describeValue } from './builder-arguments.js'

/**
 * Quoting of identifiers and string literals for the COPY and UNLOAD builders, whose statements take
 * no bind parameters: every name and value is written into the SQL text, so every one goes through here.
 */

/**
 * Words that cannot stand as an unquoted name: Redshift's reserved words and PostgreSQL's (the local
 * Redshift runs on PostgreSQL). A name outside this set that is a plain lower-case word is written
 * bare, so generated SQL reads like hand-written SQL; anything else is double-quoted.
 */
const RESERVED = new Set(
  `aes128 aes256 all allowoverwrite analyse analyze and any array as asc asymmetric authorization az64
  backup between binary blanksasnull both bytedict bzip2 case cast check collate column concurrently
  constraint create credentials cross current_catalog current_date current_role current_schema
  current_time current_timestamp current_user current_user_id default deferrable deflate defrag delta
  delta32k desc disable distinct do else emptyasnull enable encode encrypt encryption end except
  explicit false fetch for foreign freeze from full globaldict256 globaldict64k grant group gzip having
  identity ignore ilike in initially inner intersect interval into is isnull join language lateral
  leading left like limit localtime localtimestamp lun luns lzo lzop minus mostly16 mostly32 mostly8
  natural new not notnull null nulls off offline offset oid old on only open or order outer overlaps
  parallel partition percent permissions pivot placing primary raw readratio recover references
  rejectlog resort respect restore returning right select session_user similar snapshot some symmetric
  sysdate system table tablesample tag tdes text255 text32k then timestamp to top trailing true
  truncatecolumns union unique unnest unpivot user using variadic verbose wallet when where window with
  without`.split(/\s+/),
)

const BARE_NAME = /^[a-z_][a-z0-9_$]*$/

/** Redshift's limit on a name, in bytes of UTF-8. */
export const MAX_IDENTIFIER_BYTES = 127

/**
 * A name as SQL: bare when it is a plain lower-case word that is not reserved, otherwise in double
 * quotes with embedded quotes doubled (Redshift folds both forms to lower case unless
 * `enable_case_sensitive_identifier` is on).
 *
 * @example
 * quoteIdentifier('sales')        // 'sales'
 * quoteIdentifier('Daily Events') // '"Daily Events"'
 * quoteIdentifier('a"b')          // '"a""b"'
 */
export function quoteIdentifier(name: string): string {
  if (BARE_NAME.test(name) && !RESERVED.has(name)) return name
  return `"${name.replaceAll('"', '""')}"`
}

/**
 * A value as a single-quoted SQL literal. Quotes are doubled, and so are backslashes: Redshift reads
 * a backslash in an ordinary literal as an escape (its PostgreSQL 8.0 heritage), so a value ending in
 * `\` would otherwise swallow the closing quote and let the text after it be read as SQL. Doubling
 * keeps the literal closed whichever way the server reads backslashes.
 *
 * @example
 * quoteLiteral("it's")  // "'it''s'"
 * quoteLiteral('a\\b')  // "'a\\\\b'"
 */
export function quoteLiteral(value: string): string {
  return `'${value.replaceAll('\\', '\\\\').replaceAll("'", "''")}'`
}

/** What is wrong with `name` as a Redshift identifier, or `undefined`. */
export function identifierProblem(name: unknown): string | undefined {
  if (typeof name !== 'string' || name === '') return 'must be a non-empty string'
  if (name.includes('\u0000')) return 'must not contain a NUL character'
  const bytes = Buffer.byteLength(name, 'utf8')
  if (bytes > MAX_IDENTIFIER_BYTES) {
    return `must be at most ${MAX_IDENTIFIER_BYTES} bytes of UTF-8, got ${bytes}`
  }
  return undefined
}

/** What is wrong with `value` as the content of a string literal, or `undefined`. */
export function literalProblem(value: unknown, { allowEmpty = false } = {}): string | undefined {
  if (typeof value !== 'string') return `must be a string, got ${describeValue(value)}`
  if (!allowEmpty && value === '') return 'must not be empty'
  // The wire protocol ends strings at NUL: such a statement cannot be sent at all.
  if (value.includes('\u0000')) return 'must not contain a NUL character'
  return undefined
}

/** What is wrong with `value` as a single ASCII character (delimiters, quote and replacement characters). */
export function asciiCharProblem(value: unknown): string | undefined {
  if (typeof value !== 'string') return `must be a one-character string, got ${describeValue(value)}`
  const chars = [...value]
  if (chars.length !== 1) {
    return `must be exactly one character, got ${chars.length} (${describeValue(value)})`
  }
  const code = value.codePointAt(0) ?? 0
  if (code === 0 || code > 127)
    return `must be an ASCII character other than NUL, got ${describeValue(value)}`
  return undefined
}

/**
 * Whether a key, token or credentials string has characters no real one has (whitespace, quotes,
 * backslashes, NUL): such a value is refused rather than quoted.
 */
export function hasUnsafeSecretChars(value: string): boolean {
  return /[\s'\\]/.test(value) || value.includes('\u0000')
}
