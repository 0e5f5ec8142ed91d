/**
 * Load errors as STL_LOAD_ERRORS records them: Redshift's 12xx codes (DOCS "Load error reference")
 * with a reason shaped as Redshift words it where that is known (e.g. "Invalid digit, Value 'a', Pos 0,
 * Type: Integer"; "String length exceeds DDL length"), the documented reason otherwise.
 */

/** The codes the local COPY reports. */
export const LOAD_ERROR = {
  unknownParse: 1200,
  extraColumns: 1202,
  outOfRange: 1204,
  badDate: 1205,
  badTimestamp: 1206,
  invalidDigit: 1207,
  badFloat: 1208,
  badDecimal: 1209,
  badBoolean: 1210,
  fileNotFound: 1212,
  notNull: 1213,
  delimiterNotFound: 1214,
  invalidLine: 1216,
  invalidUtf8: 1220,
} as const

/** One field that could not be loaded (the reader or the converter's finding). */
export interface FieldError {
  readonly code: number
  readonly reason: string
  /** Index of the column among the loaded columns, or -1 for a whole-line error. */
  readonly column: number
  /** Position of the offending character in the field, as Redshift's `position`. */
  readonly position?: number
  readonly rawValue?: string
}

/** A rejected input record, ready for rk_internal.load_errors. */
export interface LoadErrorRecord {
  readonly fileName: string
  readonly lineNumber: number
  readonly columnName: string
  readonly columnType: string
  readonly columnLength: string
  readonly position: number
  readonly rawLine: string
  readonly rawFieldValue: string
  readonly code: number
  readonly reason: string
}

/** Truncates `text` to Redshift's column width for the raw line / field (char(1024)). */
export function clip(text: string, max = 1024): string {
  return text.length <= max ? text : text.slice(0, max)
}
