import { quoteIdentifier } from '../data/sql-quote.js'
import { type TableRef, toTableRef } from '../data/table-ref.js'
import { type Problem, ValidationError } from '../errors/client-errors.js'
import { Row } from '../query/row.js'
import { ColumnMetadata, type ColumnMetadataOptions } from '../types/column-metadata.js'
import type { DataType } from '../types/data-type.js'
import type { Value } from '../types/value.js'
import { valueProblem } from './mock-values.js'

/** A column of a mock table: a {@link ColumnMetadata}, or its fields. */
export type MockColumn =
  | ColumnMetadata
  | ({ readonly name: string; readonly dataType: DataType | string } & ColumnMetadataOptions)

/** A row for `insertRows`: values in column order, a `{ column: value }` object, or a {@link Row}. */
export type MockRow = readonly Value[] | Readonly<Record<string, Value>> | Row

/** A mock table: where it is and its columns. */
export interface MockTableSpec {
  readonly ref: TableRef
  /** The schema it lives in (`public` for an unqualified name). */
  readonly schema: string
  readonly columns: readonly ColumnMetadata[]
  /** The table as SQL (`"analytics"."daily_events"`, quoted as needed). */
  readonly sql: string
}

/** The default schema of unqualified mock tables, as on Redshift. */
export const DEFAULT_SCHEMA = 'public'

/** A table from a {@link TableRef} or its text (`'schema.table'`). */
export function mockTableRef(table: TableRef | string): TableRef {
  const ref = toTableRef(table)
  const problems = ref.problems('table')
  if (problems.length > 0) throw new ValidationError('invalid table', { problems })
  return ref
}

/** The key a table is known by in the mock (schema and name, exactly). */
export function tableKey(ref: TableRef): string {
  return `${ref.schema ?? DEFAULT_SCHEMA}.${ref.name}`
}

/** A checked table spec; throws one `ValidationError` naming every bad column. */
export function tableSpec(table: TableRef | string, columns: readonly MockColumn[]): MockTableSpec {
  const ref = mockTableRef(table)
  const problems: Problem[] = []
  if (!Array.isArray(columns) || columns.length === 0) {
    problems.push({
      field: 'columns',
      message: 'must list at least one column, e.g. [new ColumnMetadata("id", "BIGINT")]',
    })
  }
  const normalized: ColumnMetadata[] = []
  const seen = new Set<string>()
  ;(Array.isArray(columns) ? columns : []).forEach((c, i) => {
    try {
      const column =
        c instanceof ColumnMetadata
          ? c
          : new ColumnMetadata(c.name, c.dataType, {
              ...(c.nullable === undefined ? {} : { nullable: c.nullable }),
              ...(c.precision === undefined ? {} : { precision: c.precision }),
              ...(c.scale === undefined ? {} : { scale: c.scale }),
              ...(c.length === undefined ? {} : { length: c.length }),
            })
      if (typeof column.name !== 'string' || column.name === '') {
        problems.push({ field: `columns[${i}].name`, message: 'must be a non-empty string' })
      } else if (seen.has(column.name)) {
        problems.push({
          field: `columns[${i}].name`,
          message: `${JSON.stringify(column.name)} is listed twice`,
        })
      }
      seen.add(column.name)
      normalized.push(column)
    } catch (error) {
      problems.push({ field: `columns[${i}]`, message: String((error as Error).message) })
    }
  })
  if (problems.length > 0) throw new ValidationError(`invalid columns for table ${ref.toSql()}`, { problems })
  const schema = ref.schema ?? DEFAULT_SCHEMA
  return Object.freeze({
    ref,
    schema,
    columns: Object.freeze(normalized),
    sql: `${quoteIdentifier(schema)}.${quoteIdentifier(ref.name)}`,
  })
}

/**
 * Rows as value arrays in the table's column order, checked against the column types (as the real
 * client returns them: BIGINT `bigint`, DECIMAL `string`, TIMESTAMP `Date`, ...). Object rows may
 * leave columns out (they are NULL).
 */
export function rowsForTable(spec: MockTableSpec, rows: readonly MockRow[]): Value[][] {
  const problems: Problem[] = []
  const names = spec.columns.map((c) => c.name)
  const out: Value[][] = []
  if (!Array.isArray(rows)) {
    throw new ValidationError('invalid rows', {
      problems: [{ field: 'rows', message: 'must be an array of rows' }],
    })
  }
  rows.forEach((row, r) => {
    let values: Value[]
    if (row instanceof Row || Array.isArray(row)) {
      values = [...(row instanceof Row ? row.values : (row as readonly Value[]))]
      if (values.length !== spec.columns.length) {
        problems.push({
          field: `rows[${r}]`,
          message: `has ${values.length} values; ${spec.ref.toSql()} has ${spec.columns.length} columns (${names.join(', ')})`,
        })
        return
      }
    } else if (typeof row === 'object' && row !== null) {
      const record = row as Readonly<Record<string, Value>>
      for (const key of Object.keys(record)) {
        if (!names.includes(key)) {
          problems.push({
            field: `rows[${r}].${key}`,
            message: `is not a column of ${spec.ref.toSql()} (${names.join(', ')})`,
          })
        }
      }
      values = names.map((n) => (Object.hasOwn(record, n) ? (record[n] as Value) : null))
    } else {
      problems.push({ field: `rows[${r}]`, message: 'must be an array of values, an object or a Row' })
      return
    }
    values.forEach((value, c) => {
      const column = spec.columns[c] as ColumnMetadata
      const problem =
        value === undefined
          ? `column ${JSON.stringify(column.name)} is undefined; use null for NULL`
          : valueProblem(value, column)
      if (problem !== undefined) problems.push({ field: `rows[${r}].${column.name}`, message: problem })
    })
    out.push(values)
  })
  if (problems.length > 0) {
    throw new ValidationError(`invalid rows for table ${spec.ref.toSql()}`, {
      problems: problems.slice(0, 20),
    })
  }
  return out
}
