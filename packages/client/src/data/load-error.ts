import { LoadFailedError } from '../errors/query-errors.js'
import type { RedshiftError, ServerErrorFields } from '../errors/redshift-error.js'
import type { QueryId } from '../query/query-id.js'
import type { Value } from '../types/value.js'

/**
 * One row COPY could not load, as STL_LOAD_ERRORS records it.
 *
 * @example
 * for (const e of await client.getLoadErrors(table, loaded.startTime)) {
 *   console.error(`${e.filename}:${e.lineNumber} ${e.columnName}: ${e.errorMessage} (${e.errorCode})`)
 * }
 */
export interface LoadError {
  /** The COPY's query id. */
  readonly queryId: QueryId
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

/** The STL_LOAD_ERRORS columns {@link loadErrorFromRow} reads, in order. */
export const LOAD_ERROR_COLUMNS =
  'query, tbl, starttime, filename, line_number, colname, type, col_length, position, raw_line, raw_field_value, err_code, err_reason, session, slice'

function text(v: Value | undefined): string {
  // STL columns are CHAR(n): Redshift pads them with spaces.
  return v === null || v === undefined ? '' : String(v).trimEnd()
}

function num(v: Value | undefined): number {
  return typeof v === 'number' ? v : typeof v === 'bigint' ? Number(v) : v == null ? 0 : Number(v)
}

function date(v: Value | undefined): Date {
  return v instanceof Date ? v : new Date(typeof v === 'string' ? `${v.replace(' ', 'T')}Z` : Number.NaN)
}

/** A {@link LoadError} from one row of `SELECT ${LOAD_ERROR_COLUMNS} FROM stl_load_errors`. */
export function loadErrorFromRow(row: readonly Value[]): LoadError {
  return Object.freeze({
    queryId: String(num(row[0])),
    tableId: num(row[1]),
    startTime: date(row[2]),
    filename: text(row[3]),
    lineNumber: num(row[4]),
    columnName: text(row[5]),
    columnType: text(row[6]),
    columnLength: text(row[7]),
    position: num(row[8]),
    rawLine: text(row[9]),
    rawFieldValue: text(row[10]),
    errorCode: num(row[11]),
    errorMessage: text(row[12]),
    session: num(row[13]),
    slice: num(row[14]),
  })
}

declare module '../errors/query-errors.js' {
  interface LoadFailedError {
    /**
     * The rows STL_LOAD_ERRORS recorded for the failed COPY, already read by `copyFromS3` /
     * `copyFromDynamoDb` (empty when the COPY failed before loading, e.g. a missing file).
     */
    readonly loadErrors?: readonly LoadError[]
  }
}

const SERVER_FIELDS = [
  'sqlState',
  'severity',
  'detail',
  'hint',
  'position',
  'internalPosition',
  'internalQuery',
  'where',
  'schema',
  'table',
  'column',
  'dataType',
  'constraint',
  'file',
  'line',
  'routine',
] as const satisfies readonly (keyof ServerErrorFields)[]

/** The server fields of `error`, to carry over to a reclassified error. */
export function serverFieldsOf(error: RedshiftError): ServerErrorFields {
  const out: { -readonly [K in keyof ServerErrorFields]?: string } = {}
  for (const f of SERVER_FIELDS) {
    const v = error[f]
    if (v !== undefined) out[f] = v
  }
  return out
}

function describe(e: LoadError): string {
  const where = [
    e.filename,
    e.lineNumber > 0 ? `line ${e.lineNumber}` : '',
    e.columnName ? `column ${e.columnName}` : '',
  ]
    .filter((s) => s !== '')
    .join(', ')
  const value = e.rawFieldValue === '' ? '' : ` (value ${JSON.stringify(e.rawFieldValue)})`
  return `${where}: ${e.errorMessage}${value} [${e.errorCode}]`
}

/**
 * The {@link LoadFailedError} a failed COPY raises: the server's error (its class kept when it is one
 * already, fields and cause carried over), with the load errors attached and the first of them told
 * in the message, so nobody has to go and query STL_LOAD_ERRORS.
 */
export function loadFailed(
  error: RedshiftError,
  loadErrors: readonly LoadError[],
  sql: string,
  queryId: QueryId,
): LoadFailedError {
  const first = loadErrors[0]
  const summary =
    first === undefined
      ? ''
      : `\n  ${loadErrors.length} load error${loadErrors.length === 1 ? '' : 's'} in STL_LOAD_ERRORS (query ${queryId}); first: ${describe(first)}`
  const failed = new LoadFailedError(`${error.message}${summary}`, {
    ...serverFieldsOf(error),
    cause: error,
    metadata: { ...error.metadata, ...(queryId === '' ? {} : { queryId }) },
    sql,
  })
  Object.defineProperty(failed, 'loadErrors', { value: Object.freeze([...loadErrors]), enumerable: true })
  return failed
}
