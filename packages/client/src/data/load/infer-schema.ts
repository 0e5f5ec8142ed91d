import { Readable } from 'node:stream'
import { ValidationError } from '../../errors/client-errors.js'
import { quoteIdentifier } from '../sql-quote.js'
import type { TableRef } from '../table-ref.js'
import type { LoadRow, LoadRows } from './row-source.js'
import type { TargetColumn } from './target-columns.js'
import type { LoadValue } from './value-encoding.js'

/** Rows looked at to choose column types. */
const SAMPLE = 1000

/** Redshift type for the values seen in a column (null when every sampled value was NULL). */
function typeOf(values: readonly LoadValue[]): string | null {
  let kind: string | null = null
  const widen = (k: string) => {
    if (kind === null || kind === k) kind = k
    else if ((kind === 'int8' && k === 'float8') || (kind === 'float8' && k === 'int8')) kind = 'float8'
    else kind = 'varchar'
  }
  for (const v of values) {
    if (v === null || v === undefined) continue
    if (typeof v === 'bigint') widen('int8')
    else if (typeof v === 'number') widen(Number.isInteger(v) ? 'int8' : 'float8')
    else if (typeof v === 'boolean') widen('bool')
    else if (v instanceof Date) widen('timestamp')
    else if (v instanceof Uint8Array) widen('varbyte')
    else if (typeof v === 'object') widen('super')
    else widen('varchar')
  }
  return kind
}

const SQL_TYPE: Readonly<Record<string, string>> = {
  int8: 'BIGINT',
  float8: 'DOUBLE PRECISION',
  bool: 'BOOLEAN',
  timestamp: 'TIMESTAMP',
  varbyte: 'VARBYTE(1024000)',
  super: 'SUPER',
  varchar: 'VARCHAR(65535)',
}

/**
 * For `mode: 'create'`: column names from the first rows' keys (objects only) and types from their
 * values (integers BIGINT, other numbers DOUBLE PRECISION, strings VARCHAR(65535), Date TIMESTAMP,
 * objects SUPER, bytes VARBYTE), `columnTypes` overriding; the sampled rows are replayed first.
 */
export async function inferColumns(
  rows: LoadRows,
  columnTypes: Readonly<Record<string, string>>,
): Promise<{ columns: TargetColumn[]; rows: AsyncIterable<LoadRow> }> {
  const iterator = (
    rows instanceof Readable
      ? (rows as AsyncIterable<LoadRow>)
      : (rows as AsyncIterable<LoadRow> | Iterable<LoadRow>)
  ) as AsyncIterable<LoadRow>
  const it = (Symbol.asyncIterator in iterator ? iterator : toAsync(iterator as Iterable<LoadRow>))[
    Symbol.asyncIterator
  ]()
  const sample: LoadRow[] = []
  let done = false
  while (sample.length < SAMPLE) {
    const next = await it.next()
    if (next.done) {
      done = true
      break
    }
    sample.push(next.value)
  }
  const names: string[] = []
  for (const row of sample) {
    if (Array.isArray(row) || row === null || typeof row !== 'object')
      throw new ValidationError("mode 'create' needs rows as objects (their keys name the columns)")
    for (const key of Object.keys(row)) if (!names.includes(key)) names.push(key)
  }
  if (names.length === 0)
    throw new ValidationError("mode 'create' needs at least one row to learn the columns from")
  const columns = names.map((name) => {
    const given = columnTypes[name]
    const inferred = typeOf(sample.map((r) => (r as Record<string, LoadValue>)[name]))
    const type = given ?? SQL_TYPE[inferred ?? 'varchar'] ?? 'VARCHAR(65535)'
    return { name, type: catalogName(type), precision: null, scale: null, sqlType: type }
  })
  async function* replay(): AsyncGenerator<LoadRow> {
    yield* sample
    if (done) return
    for (let next = await it.next(); !next.done; next = await it.next()) yield next.value
  }
  return { columns, rows: replay() }
}

async function* toAsync<T>(items: Iterable<T>): AsyncGenerator<T> {
  yield* items
}

/** The catalog name of a SQL type (`BIGINT` -> `int8`), which decides how values are encoded. */
function catalogName(sqlType: string): string {
  const t = sqlType.toLowerCase().replace(/\(.*$/, '').trim()
  const names: Record<string, string> = {
    bigint: 'int8',
    int8: 'int8',
    integer: 'int4',
    int: 'int4',
    int4: 'int4',
    smallint: 'int2',
    int2: 'int2',
    'double precision': 'float8',
    float8: 'float8',
    float: 'float8',
    real: 'float4',
    float4: 'float4',
    boolean: 'bool',
    bool: 'bool',
    timestamp: 'timestamp',
    timestamptz: 'timestamptz',
    date: 'date',
    super: 'super',
    varbyte: 'varbyte',
    decimal: 'numeric',
    numeric: 'numeric',
  }
  return names[t] ?? 'varchar'
}

/** `CREATE TABLE` for inferred columns, with DISTKEY and SORTKEY when asked. */
export function createTableSql(
  table: TableRef,
  columns: readonly (TargetColumn & { sqlType?: string })[],
  options: { readonly distKey?: string; readonly sortKey?: readonly string[] },
): string {
  const body = columns.map((c) => `${quoteIdentifier(c.name)} ${c.sqlType ?? 'VARCHAR(65535)'}`).join(', ')
  const dist = options.distKey ? ` DISTKEY(${quoteIdentifier(options.distKey)})` : ''
  const sort = options.sortKey?.length ? ` SORTKEY(${options.sortKey.map(quoteIdentifier).join(', ')})` : ''
  return `CREATE TABLE ${table.toSql()} (${body})${dist}${sort}`
}
