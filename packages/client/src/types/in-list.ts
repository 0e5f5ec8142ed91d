import { type Problem, ValidationError } from '../errors/client-errors.js'
import { scanSql } from './sql-scan.js'
import type { QueryParam } from './value.js'

const IN_LIST = Symbol.for('@redshift-kit/client.InList')

/** The scalar values an IN list holds. */
export type InListValue = string | number | bigint | boolean | Date

/**
 * A list bound to one placeholder, made by {@link inList}: `IN ($1)` becomes `IN ($1, $2, ..., $n)`.
 * Past Redshift's 32,767 bind parameters, `executeQuery` stages the values in a temporary table and
 * the placeholder becomes `SELECT v FROM` it.
 */
export interface InListParam {
  readonly [IN_LIST]: true
  readonly values: readonly InListValue[]
  /** The SQL type of the staged table's column (past the limit), e.g. `BIGINT`; inferred when absent. */
  readonly type?: string
}

const SQL_TYPE = /^[A-Za-z][A-Za-z0-9 ]*(\(\s*\d+\s*(,\s*\d+\s*)?\))?$/

/**
 * A list of values for one `$n` of an `IN (...)`: expanded into one placeholder per value when the
 * query is built, so values are bound, never spliced into SQL. Past 32,767 parameters in all, the list
 * is staged instead: `executeQuery` runs the statement in a transaction after loading the values into
 * a temporary table (column type `type`, else inferred: BIGINT, DOUBLE PRECISION, BOOLEAN, TIMESTAMP
 * or VARCHAR). An empty list matches nothing (`IN (NULL)`).
 *
 * @example
 * new QueryBuilder('SELECT * FROM users WHERE id IN ($1) AND active = $2').param(inList([1n, 2n, 3n])).param(true).build()
 * // sql: 'SELECT * FROM users WHERE id IN ($1, $2, $3) AND active = $4', params: [1n, 2n, 3n, true]
 */
export function inList(
  values: readonly InListValue[],
  options: { readonly type?: string } = {},
): InListParam {
  const problems: Problem[] = []
  if (!Array.isArray(values)) problems.push({ field: 'inList', message: 'give an array of values' })
  else
    values.forEach((v, i) => {
      const ok =
        ['string', 'number', 'bigint', 'boolean'].includes(typeof v) ||
        (v instanceof Date && !Number.isNaN(v.getTime()))
      if (!ok)
        problems.push({ field: `inList[${i}]`, message: 'a string, number, bigint, boolean or valid Date' })
      else if (typeof v === 'string' && v.includes('\u0000'))
        problems.push({ field: `inList[${i}]`, message: 'contains a NUL character' })
    })
  if (options.type !== undefined && !SQL_TYPE.test(options.type))
    problems.push({ field: 'type', message: "a SQL type such as 'BIGINT' or 'VARCHAR(64)'" })
  if (problems.length) throw new ValidationError('invalid inList', { problems: problems.slice(0, 10) })
  return Object.freeze({
    [IN_LIST]: true as const,
    values: Object.freeze([...values]),
    ...(options.type !== undefined ? { type: options.type } : {}),
  })
}

/**
 * Whether `value` was made by {@link inList}.
 *
 * @example
 * isInListParam(inList([1])) // true
 */
export function isInListParam(value: unknown): value is InListParam {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[IN_LIST] === true
}

/**
 * `sql` and `params` with each {@link InListParam} expanded into placeholders, and every later
 * placeholder renumbered; `expanded: false` (nothing changed) when that would pass `limit` parameters.
 * Placeholders are found by the client's SQL scanner, so a `$1` in a literal or comment is left alone.
 *
 * @example
 * expandInLists('SELECT $2 WHERE id IN ($1)', [inList([7, 8]), 'x'])
 * // { sql: 'SELECT $3 WHERE id IN ($1, $2)', params: [7, 8, 'x'], expanded: true }
 */
export function expandInLists(
  sql: string,
  params: readonly (QueryParam | InListParam)[],
  limit: number,
): { sql: string; params: (QueryParam | InListParam)[]; expanded: boolean } {
  const total = params.reduce<number>((n, p) => n + (isInListParam(p) ? Math.max(1, p.values.length) : 1), 0)
  if (total > limit || !params.some(isInListParam)) return { sql, params: [...params], expanded: false }
  // Where each old $k starts in the new numbering, and how many placeholders it becomes.
  const first: number[] = []
  const out: QueryParam[] = []
  for (const p of params) {
    first.push(out.length + 1)
    if (isInListParam(p)) out.push(...(p.values.length ? p.values : [null]))
    else out.push(p)
  }
  let text = ''
  let at = 0
  for (const token of scanSql(sql)) {
    if (token.type !== 'placeholder') continue
    const p = params[token.index - 1]
    const start = first[token.index - 1]
    if (start === undefined) continue
    const count = isInListParam(p) ? Math.max(1, p.values.length) : 1
    text += sql.slice(at, token.start) + Array.from({ length: count }, (_, i) => `$${start + i}`).join(', ')
    at = token.end
  }
  return { sql: text + sql.slice(at), params: out, expanded: true }
}
