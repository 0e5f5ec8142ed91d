import { type FieldError, LOAD_ERROR } from './load-error.js'

/** One record a reader found in a file: its fields, or why the line as a whole cannot be loaded. */
export interface InputRecord {
  /** Line number in the file where the record starts (1-based), as STL_LOAD_ERRORS.line_number. */
  readonly line: number
  /** The raw text of the record, for STL_LOAD_ERRORS.raw_line. */
  readonly raw: string
  /** One value per loaded column (null: SQL NULL), or null when `error` is set. */
  readonly fields: (string | null)[] | null
  readonly error?: FieldError
}

/**
 * Records a reader found valid as written, in the CSV the engine is sent (see copy-output.ts): whole
 * lines, each ending with a newline, passed on without conversion.
 */
export interface CheckedRows {
  /** UTF-8 bytes of the rows. */
  readonly checked: Uint8Array
  readonly rows: number
}

/** What a reader yields: a record for the converters, or rows it checked itself. */
export type ReaderItem = InputRecord | CheckedRows

/** Reads records from a file's text, batch by batch. */
export type RecordReader = (input: AsyncIterable<string>) => AsyncIterable<readonly ReaderItem[]>

/**
 * Checks a split line against the number of columns: extra fields are error 1202; missing ones are
 * 1214 ("Delimiter not found") unless FILLRECORD fills them with NULL (an empty string for CHAR/VARCHAR
 * columns, which is how the converter reads '').
 */
export function shapeRecord(
  line: number,
  raw: string,
  fields: (string | null)[],
  columns: number,
  fillRecord: boolean,
): InputRecord {
  if (fields.length === columns) return { line, raw, fields }
  if (fields.length > columns) {
    return {
      line,
      raw,
      fields: null,
      error: { code: LOAD_ERROR.extraColumns, reason: 'Extra column(s) found', column: -1 },
    }
  }
  if (fillRecord) {
    while (fields.length < columns) fields.push('')
    return { line, raw, fields }
  }
  return {
    line,
    raw,
    fields: null,
    error: { code: LOAD_ERROR.delimiterNotFound, reason: 'Delimiter not found', column: fields.length },
  }
}
