import type { Field, ColumnMetadata as SdkColumnMetadata } from '@aws-sdk/client-redshift-data'
import { ColumnMetadata } from '../../types/column-metadata.js'
import { DataType, dataTypeFromName } from '../../types/data-type.js'
import { oidForDataType, TypeOid } from '../../types/oids.js'
import type { TextParser, TypeParsers } from '../../types/type-parsers.js'
import type { Value } from '../../types/value.js'

/**
 * The client's column for the Data API's `ColumnMetadata`: its `typeName` (`int8`, `numeric`,
 * `varchar`, ...) read as the wire transport reads OIDs, so both give the same `DataType`.
 */
export function columnOf(meta: SdkColumnMetadata): ColumnMetadata {
  const dataType = dataTypeFromName(meta.typeName ?? '') ?? DataType.Unknown
  const precision = meta.precision ?? 0
  const sized = dataType === DataType.Varchar || dataType === DataType.Char || dataType === DataType.Varbyte
  return new ColumnMetadata(meta.label || meta.name || '?column?', dataType, {
    typeOid: oidForDataType(dataType),
    ...(meta.nullable === undefined ? {} : { nullable: meta.nullable !== 0 }),
    ...(dataType === DataType.Decimal && precision > 0 ? { precision, scale: meta.scale ?? 0 } : {}),
    ...(sized && precision > 0 ? { length: precision } : {}),
  })
}

/** A JDBC-style `2022-02-22 00:00:00.0` back to the engine's `2022-02-22 00:00:00`. */
function engineTimestamp(text: string): string {
  return text.endsWith('.0') && /\d\d:\d\d:\d\d\.0$/.test(text) ? text.slice(0, -2) : text
}

/** One `Field` as the text the wire transport would have received for the same value. */
function fieldText(field: Field, oid: number): string | null {
  if (field.isNull === true) return null
  if (field.stringValue !== undefined) {
    return oid === TypeOid.TIMESTAMP || oid === TypeOid.TIMESTAMPTZ
      ? engineTimestamp(field.stringValue)
      : field.stringValue
  }
  if (field.longValue !== undefined) return String(field.longValue)
  if (field.doubleValue !== undefined) return String(field.doubleValue)
  if (field.booleanValue !== undefined) return field.booleanValue ? 't' : 'f'
  if (field.blobValue !== undefined) return Buffer.from(field.blobValue).toString('hex')
  return null
}

/**
 * Decodes records of `Field`s into the same values as the wire transport: each field becomes the
 * text the wire would carry, then goes through the client's type parsers (so `typeParsers` options
 * apply alike). One exception the service imposes: a BIGINT arrives as a JSON number (`longValue`),
 * exact only up to 2^53; CSV pages carry it as text, exact.
 */
export function recordDecoder(
  columns: readonly ColumnMetadata[],
  parsers: TypeParsers,
): (record: readonly Field[]) => Value[] {
  const read: TextParser[] = columns.map((c) => parsers(c.typeOid))
  return (record) =>
    record.map((field, i) => {
      const column = columns[i]
      const text = fieldText(field, column?.typeOid ?? TypeOid.UNKNOWN)
      return text === null ? null : (read[i] as TextParser)(text)
    })
}

/**
 * Decodes a CSV page (`GetStatementResultV2`, RFC 4180 quoting) into rows. CSV has no NULL: an
 * empty field reads as NULL, so an empty string also reads as NULL (use JSON pages where that matters).
 * The first page starts with the column names: `header` skips that line.
 */
export function csvDecoder(
  columns: readonly ColumnMetadata[],
  parsers: TypeParsers,
): (text: string, header: boolean) => Value[][] {
  const read: TextParser[] = columns.map((c) => parsers(c.typeOid))
  return (text, header) => {
    let skip = header
    const rows: Value[][] = []
    let row: Value[] = []
    let i = 0
    const n = text.length
    while (i < n) {
      let value: string
      let quoted = false
      if (text[i] === '"') {
        quoted = true
        let end = i + 1
        let piece = ''
        for (;;) {
          const q = text.indexOf('"', end)
          if (q === -1) {
            piece += text.slice(end)
            end = n
            break
          }
          piece += text.slice(end, q)
          if (text[q + 1] === '"') {
            piece += '"'
            end = q + 2
          } else {
            end = q + 1
            break
          }
        }
        value = piece
        i = end
      } else {
        let end = i
        while (end < n && text[end] !== ',' && text[end] !== '\n' && text[end] !== '\r') end++
        value = text.slice(i, end)
        i = end
      }
      const column = row.length
      const oid = columns[column]?.typeOid ?? TypeOid.UNKNOWN
      row.push(
        skip
          ? value
          : value === '' && !quoted
            ? null
            : (read[column] as TextParser)(
                oid === TypeOid.TIMESTAMP || oid === TypeOid.TIMESTAMPTZ ? engineTimestamp(value) : value,
              ),
      )
      const sep = text[i]
      if (sep === ',') i++
      else {
        if (sep === '\r') i++
        if (text[i] === '\n') i++
        if (skip) skip = false
        else rows.push(row)
        row = []
      }
    }
    if (row.length > 0 && !skip) rows.push(row)
    return rows
  }
}
