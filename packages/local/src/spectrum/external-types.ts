/**
 * Column types of external tables: what CREATE EXTERNAL TABLE accepts, the Hive type the Glue catalog
 * keeps (what svv_external_columns shows), and the engine type of the local cache table.
 */
import type { ColumnCategory, TargetColumn } from '../load/target-table.js'

/** One external column's type, resolved. */
export interface ExternalType {
  /** As Glue stores it: `int`, `bigint`, `decimal(10,2)`, `varchar(20)`, `string`, ... */
  readonly hive: string
  /** The engine's SQL type of the cache column. */
  readonly sql: string
  readonly category: ColumnCategory
  /** The engine's type name (pg_type.typname), as load errors name it. */
  readonly typeName: string
  readonly length: number | null
  readonly precision: number | null
  readonly scale: number | null
}

/** Glue's `string` is read as Redshift's widest VARCHAR. */
const STRING_LENGTH = 65535

function simple(hive: string, sql: string, category: ColumnCategory, typeName: string): ExternalType {
  return { hive, sql, category, typeName, length: null, precision: null, scale: null }
}

const SIMPLE: Readonly<Record<string, ExternalType>> = {
  smallint: simple('smallint', 'smallint', 'int2', 'int2'),
  int2: simple('smallint', 'smallint', 'int2', 'int2'),
  tinyint: simple('tinyint', 'smallint', 'int2', 'int2'),
  int: simple('int', 'integer', 'int4', 'int4'),
  integer: simple('int', 'integer', 'int4', 'int4'),
  int4: simple('int', 'integer', 'int4', 'int4'),
  bigint: simple('bigint', 'bigint', 'int8', 'int8'),
  int8: simple('bigint', 'bigint', 'int8', 'int8'),
  real: simple('float', 'real', 'float4', 'float4'),
  float4: simple('float', 'real', 'float4', 'float4'),
  float: simple('float', 'real', 'float4', 'float4'),
  double: simple('double', 'double precision', 'float8', 'float8'),
  float8: simple('double', 'double precision', 'float8', 'float8'),
  'double precision': simple('double', 'double precision', 'float8', 'float8'),
  boolean: simple('boolean', 'boolean', 'bool', 'bool'),
  bool: simple('boolean', 'boolean', 'bool', 'bool'),
  date: simple('date', 'date', 'date', 'date'),
  timestamp: simple('timestamp', 'timestamp without time zone', 'timestamp', 'timestamp'),
}

/** Thrown for a type Spectrum (or this local one) cannot read. */
export class ExternalTypeError extends Error {
  override readonly name = 'ExternalTypeError'
}

/**
 * Resolves a type as written in CREATE EXTERNAL TABLE or stored in Glue (case-insensitive, spaces
 * normalised): `int`, `varchar(20)`, `decimal(10,2)`, `string`, `double precision`, ...
 *
 * @example
 * externalType('VARCHAR(20)').hive // 'varchar(20)'
 */
export function externalType(written: string): ExternalType {
  const text = written
    .trim()
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .replace(/\s*([(),])\s*/g, '$1')
  const known = SIMPLE[text]
  if (known !== undefined) return known
  if (text === 'string' || text === 'text' || text === 'varchar' || text === 'character varying') {
    return {
      hive: text === 'string' ? 'string' : `varchar(${STRING_LENGTH})`,
      sql: `character varying(${STRING_LENGTH})`,
      category: 'varchar',
      typeName: 'varchar',
      length: STRING_LENGTH,
      precision: null,
      scale: null,
    }
  }
  const m =
    /^(varchar|character varying|char|character|bpchar|decimal|numeric)(?:\((\d+)(?:,(\d+))?\))?$/.exec(text)
  if (m !== null) {
    const kind = m[1] as string
    const a = m[2] === undefined ? undefined : Number(m[2])
    const b = m[3] === undefined ? undefined : Number(m[3])
    if (kind === 'decimal' || kind === 'numeric') {
      const precision = a ?? 18
      const scale = b ?? 0
      if (precision < 1 || precision > 38 || scale > precision) {
        throw new ExternalTypeError(
          `DECIMAL precision must be 1 to 38 and scale at most the precision: ${written}`,
        )
      }
      return {
        hive: `decimal(${precision},${scale})`,
        sql: `numeric(${precision},${scale})`,
        category: 'numeric',
        typeName: 'numeric',
        length: null,
        precision,
        scale,
      }
    }
    if (b !== undefined) throw new ExternalTypeError(`${kind.toUpperCase()} takes one length: ${written}`)
    const char = kind === 'char' || kind === 'character' || kind === 'bpchar'
    const length = a ?? (char ? 1 : STRING_LENGTH)
    if (length < 1 || length > STRING_LENGTH) {
      throw new ExternalTypeError(
        `a ${char ? 'CHAR' : 'VARCHAR'} length must be 1 to ${STRING_LENGTH}: ${written}`,
      )
    }
    return char
      ? {
          hive: `char(${length})`,
          sql: `character(${length})`,
          category: 'char',
          typeName: 'bpchar',
          length,
          precision: null,
          scale: null,
        }
      : {
          hive: `varchar(${length})`,
          sql: `character varying(${length})`,
          category: 'varchar',
          typeName: 'varchar',
          length,
          precision: null,
          scale: null,
        }
  }
  throw new ExternalTypeError(
    `type "${written}" is not supported for external tables here; use SMALLINT, INT, BIGINT, DECIMAL(p,s), REAL, DOUBLE PRECISION, BOOLEAN, CHAR(n), VARCHAR(n), DATE or TIMESTAMP`,
  )
}

/** The load converters' view of an external column. */
export function targetColumn(name: string, type: ExternalType): TargetColumn {
  return {
    name,
    typeName: type.typeName,
    sqlType: type.sql,
    category: type.category,
    length: type.length,
    precision: type.precision,
    scale: type.scale,
    notNull: false,
    hasDefault: false,
  }
}
