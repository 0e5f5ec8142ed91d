import type { LoadError } from '../errors/load-error.js'
import { LoadFailedError } from '../errors/query-errors.js'
import type { RedshiftError } from '../errors/redshift-error.js'
import { serverFieldsOf } from '../errors/server-error-fields.js'
import type { QueryId } from '../query/query-id.js'
import type { Value } from '../types/value.js'

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
  return new LoadFailedError(`${error.message}${summary}`, {
    ...serverFieldsOf(error),
    cause: error,
    metadata: { ...error.metadata, ...(queryId === '' ? {} : { queryId }) },
    sql,
    loadErrors,
  })
}
