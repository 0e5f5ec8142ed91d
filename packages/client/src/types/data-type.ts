/**
 * Every Redshift data type by name, including the catalog-only types (NAME, OID, arrays, ...) that
 * appear in system-table results. Use the names as strings or through this object.
 *
 * @example
 * new ColumnMetadata('total', DataType.BigInt)   // the same as new ColumnMetadata('total', 'BIGINT')
 */
export const DataType = Object.freeze({
  SmallInt: 'SMALLINT',
  Integer: 'INTEGER',
  BigInt: 'BIGINT',
  Decimal: 'DECIMAL',
  Real: 'REAL',
  DoublePrecision: 'DOUBLE PRECISION',
  Boolean: 'BOOLEAN',
  Char: 'CHAR',
  Varchar: 'VARCHAR',
  Date: 'DATE',
  Time: 'TIME',
  TimeTz: 'TIMETZ',
  Timestamp: 'TIMESTAMP',
  TimestampTz: 'TIMESTAMPTZ',
  Interval: 'INTERVAL',
  IntervalYearToMonth: 'INTERVAL YEAR TO MONTH',
  IntervalDayToSecond: 'INTERVAL DAY TO SECOND',
  Super: 'SUPER',
  Varbyte: 'VARBYTE',
  Geometry: 'GEOMETRY',
  Geography: 'GEOGRAPHY',
  HllSketch: 'HLLSKETCH',
  // Catalog and protocol types: system tables, untyped literals and NULL binds.
  Text: 'TEXT',
  Name: 'NAME',
  Oid: 'OID',
  SingleChar: '"char"',
  Bytea: 'BYTEA',
  RegProc: 'REGPROC',
  Xid: 'XID',
  Int2Vector: 'INT2VECTOR',
  OidVector: 'OIDVECTOR',
  AclItem: 'ACLITEM',
  Unknown: 'UNKNOWN',
  Void: 'VOID',
  BooleanArray: 'BOOLEAN[]',
  SingleCharArray: '"char"[]',
  NameArray: 'NAME[]',
  SmallIntArray: 'SMALLINT[]',
  IntegerArray: 'INTEGER[]',
  BigIntArray: 'BIGINT[]',
  TextArray: 'TEXT[]',
  CharArray: 'CHAR[]',
  VarcharArray: 'VARCHAR[]',
  RealArray: 'REAL[]',
  DoublePrecisionArray: 'DOUBLE PRECISION[]',
  OidArray: 'OID[]',
  AclItemArray: 'ACLITEM[]',
  DecimalArray: 'DECIMAL[]',
  DateArray: 'DATE[]',
  TimestampArray: 'TIMESTAMP[]',
  TimestampTzArray: 'TIMESTAMPTZ[]',
  IntervalYearToMonthArray: 'INTERVAL YEAR TO MONTH[]',
  IntervalDayToSecondArray: 'INTERVAL DAY TO SECOND[]',
} as const)

/** The name of a Redshift data type, e.g. `'BIGINT'`, `'TIMESTAMPTZ'`, `'SUPER'`. */
export type DataType = (typeof DataType)[keyof typeof DataType]

/**
 * Every {@link DataType}, in declaration order.
 *
 * @example
 * DATA_TYPES.includes('SUPER') // true
 */
export const DATA_TYPES: readonly DataType[] = Object.freeze(Object.values(DataType))

const KNOWN = new Set<string>(DATA_TYPES)

/**
 * Whether `value` is a {@link DataType} name (exact, upper case).
 *
 * @example
 * isDataType('BIGINT') // true
 */
export function isDataType(value: unknown): value is DataType {
  return typeof value === 'string' && KNOWN.has(value)
}

// The names drivers, catalogs and the Data API (`typeName`) use for the same types.
const ALIASES: Readonly<Record<string, DataType>> = {
  int2: 'SMALLINT',
  int: 'INTEGER',
  int4: 'INTEGER',
  int8: 'BIGINT',
  numeric: 'DECIMAL',
  float4: 'REAL',
  float: 'DOUBLE PRECISION',
  float8: 'DOUBLE PRECISION',
  double: 'DOUBLE PRECISION',
  bool: 'BOOLEAN',
  bpchar: 'CHAR',
  character: 'CHAR',
  nchar: 'CHAR',
  'character varying': 'VARCHAR',
  nvarchar: 'VARCHAR',
  'timestamp without time zone': 'TIMESTAMP',
  'timestamp with time zone': 'TIMESTAMPTZ',
  'time without time zone': 'TIME',
  'time with time zone': 'TIMETZ',
  varbinary: 'VARBYTE',
  'binary varying': 'VARBYTE',
  intervaly2m: 'INTERVAL YEAR TO MONTH',
  intervald2s: 'INTERVAL DAY TO SECOND',
  geometryhex: 'GEOMETRY',
}

/**
 * The {@link DataType} for a type name as drivers, catalogs or the Data API spell it
 * (`int8`, `bpchar`, `character varying(256)`, `numeric(18,2)`, `_int4` ...); `undefined` when unknown.
 *
 * @example
 * dataTypeFromName('int8')           // 'BIGINT'
 * dataTypeFromName('numeric(18,2)')  // 'DECIMAL'
 */
export function dataTypeFromName(name: string): DataType | undefined {
  let n = name.trim().toLowerCase().replace(/\s+/g, ' ')
  let array = false
  if (n.startsWith('_')) {
    array = true
    n = n.slice(1)
  } else if (n.endsWith('[]')) {
    array = true
    n = n.slice(0, -2)
  }
  n = n.replace(/\s*\([^)]*\)/, '').trim()
  const base = n === '"char"' ? '"char"' : (ALIASES[n] ?? n.toUpperCase())
  const candidate = array ? `${base}[]` : base
  return isDataType(candidate) ? candidate : undefined
}
