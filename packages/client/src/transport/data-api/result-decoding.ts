import type { ColumnMetadata as SdkColumnMetadata } from '@aws-sdk/client-redshift-data'
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
export function engineTimestamp(text: string): string {
  return text.endsWith('.0') && /\d\d:\d\d:\d\d\.0$/.test(text) ? text.slice(0, -2) : text
}

/** Reads CSV text a row at a time from a position, so a page is decoded in slices. */
export interface CsvDecoder {
  /**
   * Appends at most `max` rows read from `text` at `at` to `out`; returns the position after the
   * last row read. A row is never split: text is a whole page (or the whole of a page's chunk).
   */
  rows(text: string, at: number, max: number, out: Value[][]): number
  /** The position after the line starting at `at` (the column names' line of a first page). */
  skipLine(text: string, at: number): number
}

/**
 * Decodes CSV (`GetStatementResultV2`, RFC 4180 quoting) into rows. CSV has no NULL: an empty
 * field reads as NULL, so an empty string also reads as NULL (use JSON pages where that matters).
 */
export function csvDecoder(columns: readonly ColumnMetadata[], parsers: TypeParsers): CsvDecoder {
  const read: TextParser[] = columns.map((c) => parsers(c.typeOid))
  const timestamps = columns.map((c) => c.typeOid === TypeOid.TIMESTAMP || c.typeOid === TypeOid.TIMESTAMPTZ)
  /** Reads one row at `i` into `row` (raw text when `raw`); returns the position after its line end. */
  const line = (text: string, i: number, row: Value[], raw: boolean): number => {
    const n = text.length
    for (;;) {
      let value: string
      let quoted = false
      if (text.charCodeAt(i) === 34) {
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
          if (text.charCodeAt(q + 1) === 34) {
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
        for (;;) {
          const c = text.charCodeAt(end)
          if (end >= n || c === 44 || c === 10 || c === 13) break
          end++
        }
        value = text.slice(i, end)
        i = end
      }
      const column = row.length
      row.push(
        raw
          ? value
          : value === '' && !quoted
            ? null
            : (read[column] as TextParser)(timestamps[column] === true ? engineTimestamp(value) : value),
      )
      const sep = text.charCodeAt(i)
      if (sep === 44) {
        i++
        continue
      }
      if (sep === 13) i++
      if (text.charCodeAt(i) === 10) i++
      return i
    }
  }
  return {
    rows(text, at, max, out) {
      let i = at
      for (let taken = 0; taken < max && i < text.length; taken++) {
        const row: Value[] = []
        i = line(text, i, row, false)
        out.push(row)
      }
      return i
    },
    skipLine(text, at) {
      return at < text.length ? line(text, at, [], true) : at
    },
  }
}
