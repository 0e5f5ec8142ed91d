/**
 * One row COPY could not load, as STL_LOAD_ERRORS records it. It is defined with the errors because
 * a failed COPY's {@link LoadFailedError} carries these rows.
 *
 * @example
 * for (const e of await client.getLoadErrors(table, loaded.startTime)) {
 *   console.error(`${e.filename}:${e.lineNumber} ${e.columnName}: ${e.errorMessage} (${e.errorCode})`)
 * }
 */
export interface LoadError {
  /** The COPY's query id (a `QueryId`). */
  readonly queryId: string
  /** The target table's id (`tbl`). */
  readonly tableId: number
  /** When the load started (UTC). */
  readonly startTime: Date
  /** The file, as `s3://bucket/key` (or the DynamoDB table, EMR path, ...). */
  readonly filename: string
  /** The line of the file (1-based). */
  readonly lineNumber: number
  /** The column that failed, or `''` when the whole line did. */
  readonly columnName: string
  /** The column's type (`int4`, `varchar`, ...). */
  readonly columnType: string
  /** The column's length, when it has one. */
  readonly columnLength: string
  /** Position of the error in the field. */
  readonly position: number
  /** The line as read (at most 1024 characters). */
  readonly rawLine: string
  /** The field's value as read (at most 1024 characters). */
  readonly rawFieldValue: string
  /** Redshift's load error code (1200-1225: 1203 missing columns, 1207 invalid digit, ...). */
  readonly errorCode: number
  /** The reason, in Redshift's words. */
  readonly errorMessage: string
  /** The session (backend pid) that ran the COPY. */
  readonly session: number
  /** The slice that read the line. */
  readonly slice: number
}
