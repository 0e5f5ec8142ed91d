import { ValidationError } from '../../errors/client-errors.js'
import type { QueryResult } from '../../query/query-result.js'
import type { TableRef } from '../table-ref.js'

/** A column of the table a load writes to, with what decides how its values are encoded. */
export interface TargetColumn {
  readonly name: string
  /** The type's name as the catalog spells it: `int4`, `int8`, `numeric`, `varchar`, `timestamp`, `super`... */
  readonly type: string
  readonly precision: number | null
  readonly scale: number | null
}

export type RunSql = (sql: string, params: readonly string[]) => Promise<QueryResult>

/** The table's columns in order, from `information_schema.columns` (present on Redshift and locally). */
export async function targetColumns(run: RunSql, table: TableRef): Promise<TargetColumn[]> {
  const result = await run(
    `SELECT column_name, udt_name, numeric_precision, numeric_scale FROM information_schema.columns
     WHERE table_schema = $1 AND table_name = $2 ORDER BY ordinal_position`,
    [table.schema ?? 'public', table.name],
  )
  if (result.rows.length === 0)
    throw new ValidationError(`table ${table.toString()} does not exist (or has no columns you can see)`, {
      problems: [{ field: 'table', message: 'create it first, or pass mode: "create"' }],
    })
  return result.rows.map((r) => ({
    name: String(r.get(0)),
    type: String(r.get(1)).toLowerCase(),
    precision: r.get(2) === null ? null : Number(r.get(2)),
    scale: r.get(3) === null ? null : Number(r.get(3)),
  }))
}
