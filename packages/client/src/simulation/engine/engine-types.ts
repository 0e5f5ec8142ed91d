import type { ColumnMetadata } from '../../types/column-metadata.js'
import type { DataType } from '../../types/data-type.js'
import { oidForDataType, TypeOid } from '../../types/oids.js'

/**
 * The engine's column type for a Redshift column. The engine is PostgreSQL: Redshift-only types take
 * the nearest PostgreSQL type (SUPER is `jsonb`, VARBYTE `bytea`, GEOMETRY/GEOGRAPHY/HLLSKETCH text),
 * and results are reported back with the Redshift type the column was declared with.
 */
export function engineColumnType(column: ColumnMetadata): string {
  const length = column.length
  switch (column.dataType) {
    case 'SMALLINT':
      return 'smallint'
    case 'INTEGER':
      return 'integer'
    case 'BIGINT':
      return 'bigint'
    case 'DECIMAL': {
      // Redshift's default DECIMAL is DECIMAL(18,0).
      const precision = column.precision ?? 18
      return `numeric(${precision},${column.scale ?? 0})`
    }
    case 'REAL':
      return 'real'
    case 'DOUBLE PRECISION':
      return 'double precision'
    case 'BOOLEAN':
      return 'boolean'
    case 'CHAR':
      return `char(${length ?? 1})`
    case 'VARCHAR':
      // Redshift's default VARCHAR is VARCHAR(256); its TEXT is a VARCHAR(256) too.
      return `varchar(${length ?? 256})`
    case 'TEXT':
      return 'varchar(256)'
    case 'DATE':
      return 'date'
    case 'TIME':
      return 'time'
    case 'TIMETZ':
      return 'timetz'
    case 'TIMESTAMP':
      return 'timestamp'
    case 'TIMESTAMPTZ':
      return 'timestamptz'
    case 'INTERVAL':
    case 'INTERVAL YEAR TO MONTH':
    case 'INTERVAL DAY TO SECOND':
      return 'interval'
    case 'SUPER':
      return 'jsonb'
    case 'VARBYTE':
    case 'BYTEA':
      return 'bytea'
    default:
      return 'text'
  }
}

/**
 * The OID the real client would see for a result column the engine reports as `engineOid`. A column
 * read straight from a mock table takes its declared type (so GEOMETRY stays GEOMETRY); computed
 * columns map PostgreSQL-only types to Redshift's: `jsonb`/`json` are SUPER, `bytea` is VARBYTE and
 * `text` is VARCHAR (Redshift has no TEXT results).
 */
export function redshiftOid(engineOid: number, declared: DataType | undefined): number {
  if (declared !== undefined && declared !== 'TEXT') return oidForDataType(declared)
  switch (engineOid) {
    case 3802: // jsonb
    case 114: // json
      return TypeOid.SUPER
    case TypeOid.BYTEA:
      return TypeOid.VARBYTE
    case TypeOid.TEXT:
      return TypeOid.VARCHAR
    default:
      return engineOid
  }
}
