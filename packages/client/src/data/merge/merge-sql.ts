import { quoteIdentifier } from '../sql-quote.js'
import type { TableRef } from '../table-ref.js'

/** What happens to an input row whose keys match a table row, and to one whose keys match none. */
export interface MergeActions {
  readonly whenMatched: 'update' | 'delete' | 'ignore'
  readonly whenNotMatched: 'insert' | 'ignore'
}

/** The statement(s) of a merge, and whether Redshift's MERGE expresses it. */
export interface MergePlan {
  readonly statements: readonly string[]
  readonly usesMerge: boolean
}

/**
 * The SQL that merges `source` (the staging table, same columns as the target) into `target`.
 * Redshift's MERGE needs both a WHEN MATCHED and a WHEN NOT MATCHED clause, and names the target's
 * columns through the table itself (no alias): so update-or-insert and delete-or-insert are one
 * MERGE, and the one-sided actions are the plain statement that does just that (UPDATE ... FROM,
 * DELETE ... USING, INSERT ... WHERE NOT EXISTS). An update with no column to set (every column is a
 * key) inserts the rows not there.
 *
 * @example
 * mergeSql(users, 'rk_stage', ['id', 'name'], ['id'], ['name'], { whenMatched: 'update', whenNotMatched: 'insert' })
 */
export function mergeSql(
  target: TableRef,
  source: string,
  columns: readonly string[],
  keys: readonly string[],
  updateColumns: readonly string[],
  actions: MergeActions,
): MergePlan {
  const t = target.toSql()
  const s = quoteIdentifier(source)
  const q = quoteIdentifier
  const on = keys.map((k) => `${t}.${q(k)} = ${s}.${q(k)}`).join(' AND ')
  const list = columns.map(q).join(', ')
  const values = columns.map((c) => `${s}.${q(c)}`).join(', ')
  const set = updateColumns.map((c) => `${q(c)} = ${s}.${q(c)}`).join(', ')
  const matched =
    actions.whenMatched === 'update' && updateColumns.length === 0 ? 'ignore' : actions.whenMatched
  const insert = `INSERT INTO ${t} (${list}) SELECT ${values} FROM ${s} WHERE NOT EXISTS (SELECT 1 FROM ${t} WHERE ${on})`
  if (actions.whenNotMatched === 'insert') {
    if (matched === 'ignore') return { statements: [insert], usesMerge: false }
    const whenMatched = matched === 'update' ? `UPDATE SET ${set}` : 'DELETE'
    return {
      statements: [
        `MERGE INTO ${t} USING ${s} ON ${on} WHEN MATCHED THEN ${whenMatched} WHEN NOT MATCHED THEN INSERT (${list}) VALUES (${values})`,
      ],
      usesMerge: true,
    }
  }
  if (matched === 'update')
    return { statements: [`UPDATE ${t} SET ${set} FROM ${s} WHERE ${on}`], usesMerge: false }
  if (matched === 'delete')
    return { statements: [`DELETE FROM ${t} USING ${s} WHERE ${on}`], usesMerge: false }
  return { statements: [], usesMerge: false }
}
