import type { DataType } from './data-type.js'

/**
 * The type OIDs Redshift reports in RowDescription (as its JDBC and Python drivers map them),
 * including Redshift-only types (SUPER 4000, VARBYTE 6551, GEOMETRY 3000, GEOGRAPHY 3001,
 * HLLSKETCH 2935, INTERVAL YEAR TO MONTH 1188, INTERVAL DAY TO SECOND 1190) and catalog types.
 *
 * @example
 * if (column.typeOid === TypeOid.SUPER) console.log('semi-structured')
 */
export const TypeOid = Object.freeze({
  BOOL: 16,
  BYTEA: 17,
  CHAR: 18,
  NAME: 19,
  INT8: 20,
  INT2: 21,
  INT2VECTOR: 22,
  INT4: 23,
  REGPROC: 24,
  TEXT: 25,
  OID: 26,
  XID: 28,
  OIDVECTOR: 30,
  FLOAT4: 700,
  FLOAT8: 701,
  UNKNOWN: 705,
  BOOL_ARRAY: 1000,
  CHAR_ARRAY: 1002,
  NAME_ARRAY: 1003,
  INT2_ARRAY: 1005,
  INT4_ARRAY: 1007,
  TEXT_ARRAY: 1009,
  BPCHAR_ARRAY: 1014,
  VARCHAR_ARRAY: 1015,
  INT8_ARRAY: 1016,
  FLOAT4_ARRAY: 1021,
  FLOAT8_ARRAY: 1022,
  OID_ARRAY: 1028,
  ACLITEM: 1033,
  ACLITEM_ARRAY: 1034,
  BPCHAR: 1042,
  VARCHAR: 1043,
  DATE: 1082,
  TIME: 1083,
  TIMESTAMP: 1114,
  TIMESTAMP_ARRAY: 1115,
  DATE_ARRAY: 1182,
  TIMESTAMPTZ: 1184,
  TIMESTAMPTZ_ARRAY: 1185,
  INTERVAL: 1186,
  INTERVAL_Y2M: 1188,
  INTERVAL_Y2M_ARRAY: 1189,
  INTERVAL_D2S: 1190,
  INTERVAL_D2S_ARRAY: 1191,
  NUMERIC_ARRAY: 1231,
  TIMETZ: 1266,
  NUMERIC: 1700,
  VOID: 2278,
  HLLSKETCH: 2935,
  GEOMETRY: 3000,
  GEOGRAPHY: 3001,
  GEOMETRY_HEX: 3999,
  SUPER: 4000,
  VARBYTE: 6551,
} as const)

/** One of the OIDs of {@link TypeOid}. */
export type TypeOid = (typeof TypeOid)[keyof typeof TypeOid]

const OID_TYPES: ReadonlyMap<number, DataType> = new Map<number, DataType>([
  [TypeOid.BOOL, 'BOOLEAN'],
  [TypeOid.BYTEA, 'BYTEA'],
  [TypeOid.CHAR, '"char"'],
  [TypeOid.NAME, 'NAME'],
  [TypeOid.INT8, 'BIGINT'],
  [TypeOid.INT2, 'SMALLINT'],
  [TypeOid.INT2VECTOR, 'INT2VECTOR'],
  [TypeOid.INT4, 'INTEGER'],
  [TypeOid.REGPROC, 'REGPROC'],
  [TypeOid.TEXT, 'TEXT'],
  [TypeOid.OID, 'OID'],
  [TypeOid.XID, 'XID'],
  [TypeOid.OIDVECTOR, 'OIDVECTOR'],
  [TypeOid.FLOAT4, 'REAL'],
  [TypeOid.FLOAT8, 'DOUBLE PRECISION'],
  [TypeOid.UNKNOWN, 'UNKNOWN'],
  [TypeOid.BOOL_ARRAY, 'BOOLEAN[]'],
  [TypeOid.CHAR_ARRAY, '"char"[]'],
  [TypeOid.NAME_ARRAY, 'NAME[]'],
  [TypeOid.INT2_ARRAY, 'SMALLINT[]'],
  [TypeOid.INT4_ARRAY, 'INTEGER[]'],
  [TypeOid.TEXT_ARRAY, 'TEXT[]'],
  [TypeOid.BPCHAR_ARRAY, 'CHAR[]'],
  [TypeOid.VARCHAR_ARRAY, 'VARCHAR[]'],
  [TypeOid.INT8_ARRAY, 'BIGINT[]'],
  [TypeOid.FLOAT4_ARRAY, 'REAL[]'],
  [TypeOid.FLOAT8_ARRAY, 'DOUBLE PRECISION[]'],
  [TypeOid.OID_ARRAY, 'OID[]'],
  [TypeOid.ACLITEM, 'ACLITEM'],
  [TypeOid.ACLITEM_ARRAY, 'ACLITEM[]'],
  [TypeOid.BPCHAR, 'CHAR'],
  [TypeOid.VARCHAR, 'VARCHAR'],
  [TypeOid.DATE, 'DATE'],
  [TypeOid.TIME, 'TIME'],
  [TypeOid.TIMESTAMP, 'TIMESTAMP'],
  [TypeOid.TIMESTAMP_ARRAY, 'TIMESTAMP[]'],
  [TypeOid.DATE_ARRAY, 'DATE[]'],
  [TypeOid.TIMESTAMPTZ, 'TIMESTAMPTZ'],
  [TypeOid.TIMESTAMPTZ_ARRAY, 'TIMESTAMPTZ[]'],
  [TypeOid.INTERVAL, 'INTERVAL'],
  [TypeOid.INTERVAL_Y2M, 'INTERVAL YEAR TO MONTH'],
  [TypeOid.INTERVAL_Y2M_ARRAY, 'INTERVAL YEAR TO MONTH[]'],
  [TypeOid.INTERVAL_D2S, 'INTERVAL DAY TO SECOND'],
  [TypeOid.INTERVAL_D2S_ARRAY, 'INTERVAL DAY TO SECOND[]'],
  [TypeOid.NUMERIC_ARRAY, 'DECIMAL[]'],
  [TypeOid.TIMETZ, 'TIMETZ'],
  [TypeOid.NUMERIC, 'DECIMAL'],
  [TypeOid.VOID, 'VOID'],
  [TypeOid.HLLSKETCH, 'HLLSKETCH'],
  [TypeOid.GEOMETRY, 'GEOMETRY'],
  [TypeOid.GEOGRAPHY, 'GEOGRAPHY'],
  [TypeOid.GEOMETRY_HEX, 'GEOMETRY'],
  [TypeOid.SUPER, 'SUPER'],
  [TypeOid.VARBYTE, 'VARBYTE'],
])

const TYPE_OIDS: ReadonlyMap<DataType, number> = (() => {
  const m = new Map<DataType, number>()
  // First OID wins, so GEOMETRY maps to 3000 rather than its hex variant 3999.
  for (const [oid, type] of OID_TYPES) if (!m.has(type)) m.set(type, oid)
  return m
})()

/** Element OID of each catalog array type. */
export const ARRAY_ELEMENT_OIDS: ReadonlyMap<number, number> = new Map<number, number>([
  [TypeOid.BOOL_ARRAY, TypeOid.BOOL],
  [TypeOid.CHAR_ARRAY, TypeOid.CHAR],
  [TypeOid.NAME_ARRAY, TypeOid.NAME],
  [TypeOid.INT2_ARRAY, TypeOid.INT2],
  [TypeOid.INT4_ARRAY, TypeOid.INT4],
  [TypeOid.TEXT_ARRAY, TypeOid.TEXT],
  [TypeOid.BPCHAR_ARRAY, TypeOid.BPCHAR],
  [TypeOid.VARCHAR_ARRAY, TypeOid.VARCHAR],
  [TypeOid.INT8_ARRAY, TypeOid.INT8],
  [TypeOid.FLOAT4_ARRAY, TypeOid.FLOAT4],
  [TypeOid.FLOAT8_ARRAY, TypeOid.FLOAT8],
  [TypeOid.OID_ARRAY, TypeOid.OID],
  [TypeOid.ACLITEM_ARRAY, TypeOid.ACLITEM],
  [TypeOid.TIMESTAMP_ARRAY, TypeOid.TIMESTAMP],
  [TypeOid.DATE_ARRAY, TypeOid.DATE],
  [TypeOid.TIMESTAMPTZ_ARRAY, TypeOid.TIMESTAMPTZ],
  [TypeOid.INTERVAL_Y2M_ARRAY, TypeOid.INTERVAL_Y2M],
  [TypeOid.INTERVAL_D2S_ARRAY, TypeOid.INTERVAL_D2S],
  [TypeOid.NUMERIC_ARRAY, TypeOid.NUMERIC],
])

/**
 * The {@link DataType} of a type OID; `undefined` for OIDs Redshift does not report.
 *
 * @example
 * dataTypeForOid(4000) // 'SUPER'
 */
export function dataTypeForOid(oid: number): DataType | undefined {
  return OID_TYPES.get(oid)
}

/**
 * The OID Redshift reports for a {@link DataType}.
 *
 * @example
 * oidForDataType('BIGINT') // 20
 */
export function oidForDataType(type: DataType): number {
  // Every DataType has an OID in the table above (a test keeps it so).
  return TYPE_OIDS.get(type) ?? TypeOid.UNKNOWN
}
