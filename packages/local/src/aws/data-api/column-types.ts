/**
 * How the Data API describes and encodes a result column: ColumnMetadata as Redshift fills it
 * (JDBC-style precision and scale, `length` 0, `schemaName` empty for query results), and each
 * value as its `Field` (`longValue` for integers, `doubleValue` for floats, `booleanValue`,
 * `isNull`, `blobValue` for VARBYTE, `stringValue` for everything else: NUMERIC included, so no
 * digit is lost, and timestamps in JDBC's form `2022-02-22 00:00:00.0`).
 */

/** One column's metadata, in the service's member names. */
export interface ColumnMetadata {
  isCaseSensitive: boolean
  isCurrency: boolean
  isSigned: boolean
  label: string
  length: number
  name: string
  nullable: number
  precision: number
  scale: number
  schemaName: string
  tableName: string
  typeName: string
  columnDefault?: string
}

/** How a column's values are written. */
export type FieldKind = 'bool' | 'long' | 'double' | 'timestamp' | 'blob' | 'string'

interface TypeInfo {
  readonly name: string
  readonly kind: FieldKind
  /** Precision when the type modifier says nothing. */
  readonly precision: number
  readonly scale?: number
  readonly signed?: boolean
  readonly caseSensitive?: boolean
  /** How the type modifier carries the length: `char` (n + 4), `numeric` ((p << 16 | s) + 4). */
  readonly typmod?: 'char' | 'numeric' | 'time'
}

/** By the OIDs the gateway reports (Redshift's). */
const TYPES: ReadonlyMap<number, TypeInfo> = new Map<number, TypeInfo>([
  [16, { name: 'bool', kind: 'bool', precision: 1 }],
  [20, { name: 'int8', kind: 'long', precision: 19, signed: true }],
  [21, { name: 'int2', kind: 'long', precision: 5, signed: true }],
  [23, { name: 'int4', kind: 'long', precision: 10, signed: true }],
  [26, { name: 'oid', kind: 'long', precision: 10 }],
  [700, { name: 'float4', kind: 'double', precision: 8, scale: 8, signed: true }],
  [701, { name: 'float8', kind: 'double', precision: 17, scale: 17, signed: true }],
  [1700, { name: 'numeric', kind: 'string', precision: 0, signed: true, typmod: 'numeric' }],
  [18, { name: 'char', kind: 'string', precision: 1, caseSensitive: true }],
  [19, { name: 'name', kind: 'string', precision: 64, caseSensitive: true }],
  [25, { name: 'text', kind: 'string', precision: 65535, caseSensitive: true }],
  [1042, { name: 'bpchar', kind: 'string', precision: 256, caseSensitive: true, typmod: 'char' }],
  [1043, { name: 'varchar', kind: 'string', precision: 65535, caseSensitive: true, typmod: 'char' }],
  [1082, { name: 'date', kind: 'string', precision: 13 }],
  [1083, { name: 'time', kind: 'string', precision: 15, scale: 6, typmod: 'time' }],
  [1266, { name: 'timetz', kind: 'string', precision: 21, scale: 6, typmod: 'time' }],
  [1114, { name: 'timestamp', kind: 'timestamp', precision: 29, scale: 6, typmod: 'time' }],
  [1184, { name: 'timestamptz', kind: 'string', precision: 35, scale: 6, typmod: 'time' }],
  [1186, { name: 'interval', kind: 'string', precision: 49 }],
  [1188, { name: 'intervaly2m', kind: 'string', precision: 32 }],
  [1190, { name: 'intervald2s', kind: 'string', precision: 64 }],
  [4000, { name: 'super', kind: 'string', precision: 4194304, caseSensitive: true }],
  [6551, { name: 'varbyte', kind: 'blob', precision: 64000, typmod: 'char' }],
  [17, { name: 'bytea', kind: 'blob', precision: 65535 }],
  [3000, { name: 'geometry', kind: 'string', precision: 1048447, caseSensitive: true }],
  [3001, { name: 'geography', kind: 'string', precision: 1048447, caseSensitive: true }],
  [2935, { name: 'hllsketch', kind: 'string', precision: 24580, caseSensitive: true }],
  [705, { name: 'unknown', kind: 'string', precision: 65535, caseSensitive: true }],
])

const FALLBACK: TypeInfo = { name: 'varchar', kind: 'string', precision: 65535, caseSensitive: true }

/** What the wire says about a column (node-postgres's FieldDef). */
export interface WireField {
  readonly name: string
  readonly tableID: number
  readonly columnID: number
  readonly dataTypeID: number
  readonly dataTypeModifier: number
}

/** Where a column comes from, when it is a table's. */
export interface ColumnSource {
  readonly schemaName: string
  readonly tableName: string
  readonly notNull: boolean
  readonly columnDefault: string | null
}

function precisionAndScale(info: TypeInfo, typmod: number): { precision: number; scale: number } {
  if (typmod >= 0) {
    if (info.typmod === 'char') return { precision: Math.max(0, typmod - 4), scale: 0 }
    if (info.typmod === 'numeric') {
      const t = typmod - 4
      return { precision: (t >> 16) & 0xffff, scale: t & 0xffff }
    }
    if (info.typmod === 'time') return { precision: info.precision, scale: typmod }
  }
  return { precision: info.precision, scale: info.scale ?? 0 }
}

/** The metadata of a type (by OID and modifier), for result columns and DescribeTable alike. */
export function describeType(
  oid: number,
  typmod: number,
): { typeName: string; precision: number; scale: number; isSigned: boolean; isCaseSensitive: boolean } {
  const info = TYPES.get(oid) ?? FALLBACK
  return {
    typeName: info.name,
    ...precisionAndScale(info, typmod),
    isSigned: info.signed === true,
    isCaseSensitive: info.caseSensitive === true,
  }
}

/** The value encoding of a column. */
export function fieldKind(oid: number): FieldKind {
  return (TYPES.get(oid) ?? FALLBACK).kind
}

/** A result column's metadata, as GetStatementResult returns it. */
export function columnMetadata(field: WireField, source: ColumnSource | undefined): ColumnMetadata {
  const type = describeType(field.dataTypeID, field.dataTypeModifier)
  return {
    isCaseSensitive: type.isCaseSensitive,
    isCurrency: false,
    isSigned: type.isSigned,
    label: field.name,
    length: 0,
    name: field.name,
    nullable: source === undefined ? 1 : source.notNull ? 0 : 1,
    precision: type.precision,
    scale: type.scale,
    // Redshift leaves the schema of result columns empty and names the table.
    schemaName: '',
    tableName: source?.tableName ?? '',
    typeName: type.typeName,
  }
}

/** JDBC's Timestamp text: at least one fractional digit (`2022-02-22 00:00:00.0`). */
export function timestampText(text: string): string {
  return text.includes('.') || !/^\d{4,}-\d\d-\d\d \d\d:\d\d:\d\d$/.test(text) ? text : `${text}.0`
}

function blobBase64(text: string): string {
  // The engine's text form of bytea/varbyte is `\x` + hex.
  return Buffer.from(text.startsWith('\\x') ? text.slice(2) : text, 'hex').toString('base64')
}

const DOUBLE_WORDS: Readonly<Record<string, string>> = {
  NaN: '"NaN"',
  Infinity: '"Infinity"',
  '-Infinity': '"-Infinity"',
}

/** The JSON text of one value's `Field` (the engine's text form in, `{"longValue":1}` out). */
export function fieldJson(kind: FieldKind, text: string | null): string {
  if (text === null) return '{"isNull":true}'
  switch (kind) {
    case 'long':
      return `{"longValue":${text}}`
    case 'double':
      return `{"doubleValue":${DOUBLE_WORDS[text] ?? text}}`
    case 'bool':
      return text === 't' || text === 'true' ? '{"booleanValue":true}' : '{"booleanValue":false}'
    case 'timestamp':
      return `{"stringValue":${JSON.stringify(timestampText(text))}}`
    case 'blob':
      return `{"blobValue":"${blobBase64(text)}"}`
    default:
      return `{"stringValue":${JSON.stringify(text)}}`
  }
}

const NEEDS_QUOTES = /[",\r\n]/

/** One CSV field (RFC 4180 quoting; NULL is an empty field). */
export function csvField(kind: FieldKind, text: string | null): string {
  if (text === null) return ''
  const value =
    kind === 'timestamp'
      ? timestampText(text)
      : kind === 'blob' && text.startsWith('\\x')
        ? text.slice(2)
        : text
  return NEEDS_QUOTES.test(value) ? `"${value.replaceAll('"', '""')}"` : value
}
