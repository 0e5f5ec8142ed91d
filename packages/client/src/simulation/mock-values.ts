import { type Problem, ValidationError } from '../errors/client-errors.js'
import type { QueryResult } from '../query/query-result.js'
import type { TransportResult } from '../transport/transport.js'
import type { ColumnMetadata } from '../types/column-metadata.js'
import type { DataType } from '../types/data-type.js'
import type { Value } from '../types/value.js'

const NUMBER_TYPES = new Set<DataType>(['SMALLINT', 'INTEGER', 'REAL', 'DOUBLE PRECISION', 'OID', 'XID'])
const TEXT_TYPES = new Set<DataType>([
  'DECIMAL',
  'CHAR',
  'VARCHAR',
  'TEXT',
  'NAME',
  '"char"',
  'DATE',
  'TIME',
  'TIMETZ',
  'INTERVAL',
  'INTERVAL YEAR TO MONTH',
  'INTERVAL DAY TO SECOND',
  'GEOMETRY',
  'GEOGRAPHY',
  'HLLSKETCH',
])

function kindOf(value: Value): string {
  if (value instanceof Date) return 'a Date'
  if (value instanceof Uint8Array) return 'a Uint8Array'
  if (Array.isArray(value)) return 'an array'
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`
}

/**
 * What is wrong with `value` as a value of `column`, judged by what the real client returns for that
 * type (BIGINT a `bigint`, DECIMAL an exact `string`, TIMESTAMP a `Date`, VARBYTE a `Uint8Array`, ...),
 * or `undefined`. A mock that returned `1000000` for a BIGINT would let a test pass that fails
 * against Redshift, where the value is `1000000n`.
 */
export function valueProblem(
  value: Value,
  column: Pick<ColumnMetadata, 'name' | 'dataType'>,
): string | undefined {
  if (value === null) return undefined
  const type = column.dataType
  const wrong = (expected: string): string =>
    `column ${JSON.stringify(column.name)} is ${type}: the client returns ${expected} for it, got ${kindOf(value)}`
  if (NUMBER_TYPES.has(type)) return typeof value === 'number' ? undefined : wrong('a number')
  if (type === 'BIGINT') {
    return typeof value === 'bigint'
      ? undefined
      : wrong(`a bigint (write ${typeof value === 'number' ? `${value}n` : 'e.g. 42n'})`)
  }
  if (type === 'BOOLEAN') return typeof value === 'boolean' ? undefined : wrong('a boolean')
  if (TEXT_TYPES.has(type)) {
    if (typeof value !== 'string') {
      return wrong(type === 'DECIMAL' ? `an exact string (write '${String(value)}')` : 'a string')
    }
    return undefined
  }
  if (type === 'TIMESTAMP' || type === 'TIMESTAMPTZ') {
    // 'infinity' and '-infinity' have no Date and come back as text.
    if (value instanceof Date) return Number.isNaN(value.getTime()) ? wrong('a valid Date') : undefined
    return value === 'infinity' || value === '-infinity' ? undefined : wrong('a Date (read as UTC)')
  }
  if (type === 'VARBYTE' || type === 'BYTEA')
    return value instanceof Uint8Array ? undefined : wrong('a Uint8Array')
  if (type === 'SUPER') {
    return typeof value === 'bigint' || value instanceof Date || value instanceof Uint8Array
      ? wrong('parsed JSON (null, boolean, number, string, array or object)')
      : undefined
  }
  return undefined
}

/** Checks every value of `rows` against `columns`; throws one `ValidationError` listing the problems. */
export function assertRowsFit(
  what: string,
  columns: readonly Pick<ColumnMetadata, 'name' | 'dataType'>[],
  rows: readonly (readonly Value[])[],
): void {
  const problems: Problem[] = []
  rows.forEach((row, r) => {
    if (columns.length > 0 && row.length !== columns.length) {
      problems.push({
        field: `rows[${r}]`,
        message: `has ${row.length} values for ${columns.length} columns (${columns.map((c) => c.name).join(', ')})`,
      })
      return
    }
    row.forEach((value, c) => {
      const column = columns[c]
      const problem = column === undefined ? undefined : valueProblem(value, column)
      if (problem !== undefined) problems.push({ field: `rows[${r}][${c}]`, message: problem })
    })
  })
  if (problems.length > 0) {
    const shown = problems.slice(0, 20)
    if (problems.length > shown.length) {
      shown.push({ field: 'rows', message: `and ${problems.length - shown.length} more problems` })
    }
    throw new ValidationError(`invalid ${what}`, { problems: shown })
  }
}

/** A configured result as the transport hands it to the client. */
export function toTransportResult(result: QueryResult, fallbackQueryId: string): TransportResult {
  return {
    columns: result.columns,
    rows: result.rows.map((r) => r.values),
    rowsAffected: result.rowsAffected,
    command: result.command || (result.columns.length > 0 ? 'SELECT' : ''),
    queryId: result.queryId === '' ? fallbackQueryId : result.queryId,
  }
}
