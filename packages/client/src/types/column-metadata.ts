import { ValidationError } from '../errors/client-errors.js'
import { DataType, dataTypeFromName, isDataType } from './data-type.js'
import { dataTypeForOid, oidForDataType, TypeOid } from './oids.js'

/**
 * Optional details of a {@link ColumnMetadata}.
 *
 * @example
 * new ColumnMetadata('amount', 'DECIMAL', { precision: 12, scale: 2, nullable: false })
 */
export interface ColumnMetadataOptions {
  /** The OID the server reported; derived from the data type when absent. */
  readonly typeOid?: number
  readonly nullable?: boolean
  /** DECIMAL precision (digits). */
  readonly precision?: number
  /** DECIMAL scale (digits after the point). */
  readonly scale?: number
  /** CHAR/VARCHAR/VARBYTE length limit in bytes. */
  readonly length?: number
}

/**
 * One result column. Build it by hand for mocks: the data type by name (any spelling Redshift or a
 * driver uses), or by OID.
 *
 * @example
 * new ColumnMetadata('total', 'BIGINT')                     // { name: 'total', dataType: 'BIGINT', typeOid: 20 }
 * new ColumnMetadata('price', DataType.Decimal, { precision: 12, scale: 2 })
 * ColumnMetadata.fromWire('amount', 1700, 786438)           // DECIMAL(12,2), from pg's field description
 */
export class ColumnMetadata {
  readonly name: string
  readonly dataType: DataType
  readonly typeOid: number
  declare readonly nullable?: boolean
  declare readonly precision?: number
  declare readonly scale?: number
  declare readonly length?: number

  constructor(name: string, type: DataType | string | number, options: ColumnMetadataOptions = {}) {
    const dataType = typeof type === 'number' ? (dataTypeForOid(type) ?? DataType.Unknown) : resolveName(type)
    this.name = name
    this.dataType = dataType
    this.typeOid = options.typeOid ?? (typeof type === 'number' ? type : oidForDataType(dataType))
    const self = this as { -readonly [K in keyof ColumnMetadataOptions]: ColumnMetadataOptions[K] }
    if (options.nullable !== undefined) self.nullable = options.nullable
    if (options.precision !== undefined) self.precision = options.precision
    if (options.scale !== undefined) self.scale = options.scale
    if (options.length !== undefined) self.length = options.length
    Object.freeze(this)
  }

  /**
   * A column from the wire protocol's RowDescription: name, type OID and type modifier (typmod),
   * from which DECIMAL precision/scale and CHAR/VARCHAR length are derived.
   *
   * @example
   * ColumnMetadata.fromWire('name', 1043, 260)  // VARCHAR, length 256
   */
  static fromWire(name: string, typeOid: number, typeModifier = -1): ColumnMetadata {
    const options: { -readonly [K in keyof ColumnMetadataOptions]: ColumnMetadataOptions[K] } = { typeOid }
    if (typeModifier >= 4) {
      if (typeOid === TypeOid.NUMERIC) {
        options.precision = ((typeModifier - 4) >> 16) & 0xffff
        options.scale = (typeModifier - 4) & 0xffff
      } else if (typeOid === TypeOid.VARCHAR || typeOid === TypeOid.BPCHAR || typeOid === TypeOid.VARBYTE) {
        options.length = typeModifier - 4
      }
    }
    return new ColumnMetadata(name, typeOid, options)
  }
}

function resolveName(type: string): DataType {
  if (isDataType(type)) return type
  const found = dataTypeFromName(type)
  if (found === undefined) {
    throw new ValidationError(`unknown data type ${JSON.stringify(type)}`, {
      problems: [
        { field: 'dataType', message: 'use a DataType name such as BIGINT, VARCHAR, TIMESTAMP or SUPER' },
      ],
    })
  }
  return found
}
