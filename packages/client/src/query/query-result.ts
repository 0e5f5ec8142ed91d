import type { TransportResult } from '../transport/transport.js'
import { ColumnMetadata } from '../types/column-metadata.js'
import type { QueryId } from '../types/query-id.js'
import type { Value } from '../types/value.js'
import { Row } from './row.js'

/**
 * What a {@link QueryResult} is made of; everything but the rows is optional.
 *
 * @example
 * const init: QueryResultInit = { columns: [new ColumnMetadata('n', 'INTEGER')], rows: [[1], [2]] }
 * new QueryResult(init).rowsAffected // 2
 */
export interface QueryResultInit {
  readonly columns?: readonly ColumnMetadata[]
  /** Rows as {@link Row}s or plain value arrays; rows built without columns get the result's. */
  readonly rows?: readonly (Row | readonly Value[])[]
  /** @default the number of rows */
  readonly rowsAffected?: number
  /** @default 0 */
  readonly executionTimeMs?: number
  /** @default '' (unknown) */
  readonly queryId?: QueryId
  /** The command verb (`SELECT`, `INSERT`, ...). @default '' */
  readonly command?: string
}

/**
 * The outcome of one statement: columns, rows, rows affected, timing and Redshift's query id.
 *
 * @example
 * const result = new QueryResult({
 *   columns: [new ColumnMetadata('total', 'BIGINT')],
 *   rows: [[1_000_000n]],
 *   executionTimeMs: 150,
 *   queryId: QueryId.new('test-123'),
 * })
 * result.rows[0]?.get('total') // 1000000n
 * result.toObjects()           // [{ total: 1000000n }]
 */
export class QueryResult {
  readonly columns: readonly ColumnMetadata[]
  readonly rows: readonly Row[]
  /** Rows inserted, updated, deleted, or returned by a SELECT. */
  readonly rowsAffected: number
  readonly executionTimeMs: number
  /** Redshift's query id (or the Data API statement id); `''` when unknown. */
  readonly queryId: QueryId
  /** The command verb, when the transport reported it. */
  readonly command: string

  constructor(init: QueryResultInit = {}) {
    const columns = Object.freeze([...(init.columns ?? [])])
    this.columns = columns
    this.rows = Object.freeze(
      (init.rows ?? []).map((r) =>
        r instanceof Row
          ? r.columns.length === 0 && columns.length > 0
            ? new Row(r.values, columns)
            : r
          : new Row(r, columns),
      ),
    )
    this.rowsAffected = init.rowsAffected ?? this.rows.length
    this.executionTimeMs = init.executionTimeMs ?? 0
    this.queryId = init.queryId ?? ''
    this.command = init.command ?? ''
    Object.freeze(this)
  }

  /** Every row as `{ columnName: value }`. */
  toObjects(): Record<string, Value>[] {
    return this.rows.map((r) => r.toObject())
  }

  /**
   * A one-row, one-column result holding `value`, with a data type that fits it (INTEGER or DOUBLE
   * PRECISION for numbers, BIGINT, VARCHAR, BOOLEAN, TIMESTAMPTZ, VARBYTE, SUPER for JSON, UNKNOWN
   * for null). For mocks and tests.
   *
   * @example
   * QueryResult.singleValue(1).rows[0]?.get(0) // 1
   */
  static singleValue(
    value: Value,
    options: { readonly name?: string; readonly queryId?: QueryId } = {},
  ): QueryResult {
    return new QueryResult({
      columns: [new ColumnMetadata(options.name ?? '?column?', dataTypeOfValue(value))],
      rows: [[value]],
      command: 'SELECT',
      ...(options.queryId === undefined ? {} : { queryId: options.queryId }),
    })
  }

  /**
   * An empty result of a statement that returns no rows (INSERT, UPDATE, DDL, ...).
   *
   * @example
   * QueryResult.empty({ rowsAffected: 3, command: 'DELETE' })
   */
  static empty(init: Omit<QueryResultInit, 'rows' | 'columns'> = {}): QueryResult {
    return new QueryResult({ rowsAffected: 0, ...init })
  }
}

/** Shapes a transport's result into the public result, timed from `startedAt` (a `Date.now()`). */
export function toQueryResult(result: TransportResult, startedAt: number): QueryResult {
  return new QueryResult({
    columns: result.columns,
    rows: result.rows,
    rowsAffected: result.rowsAffected,
    executionTimeMs: Date.now() - startedAt,
    queryId: result.queryId,
    command: result.command,
  })
}

function dataTypeOfValue(value: Value) {
  if (value === null) return 'UNKNOWN' as const
  switch (typeof value) {
    case 'number':
      return Number.isInteger(value) && Math.abs(value) <= 0x7fffffff
        ? ('INTEGER' as const)
        : ('DOUBLE PRECISION' as const)
    case 'bigint':
      return 'BIGINT' as const
    case 'string':
      return 'VARCHAR' as const
    case 'boolean':
      return 'BOOLEAN' as const
    default:
      if (value instanceof Date) return 'TIMESTAMPTZ' as const
      if (value instanceof Uint8Array) return 'VARBYTE' as const
      return 'SUPER' as const
  }
}
