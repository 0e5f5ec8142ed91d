import { countPlaceholders } from '../types/sql-scan.js'

const CAPACITY = 500
const known = new Map<string, number>()

/**
 * The number of parameters `sql` takes (its highest `$n`), remembered for the most recent texts so
 * a statement run again is not scanned again; text without `$` is not scanned at all.
 *
 * @example
 * placeholderCount('SELECT $1, $2, $1') // 2
 */
export function placeholderCount(sql: string): number {
  if (!sql.includes('$')) return 0
  let count = known.get(sql)
  if (count !== undefined) return count
  count = countPlaceholders(sql)
  if (known.size >= CAPACITY) {
    const oldest = known.keys().next()
    if (oldest.done !== true) known.delete(oldest.value)
  }
  known.set(sql, count)
  return count
}
