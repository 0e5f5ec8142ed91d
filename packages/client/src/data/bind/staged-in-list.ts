import { randomBytes } from 'node:crypto'
import { ValidationError } from '../../errors/client-errors.js'
import type { Query } from '../../query/query.js'
import { createQuery } from '../../query/query.js'
import type { QueryResult } from '../../query/query-result.js'
import type { Transaction } from '../../transaction/transaction.js'
import { type InListParam, type InListValue, isInListParam } from '../../types/in-list.js'
import { scanSql } from '../../types/sql-scan.js'
import type { QueryParam } from '../../types/value.js'

/** Values per INSERT into the staged list (under the 32,767 bind parameters). */
const BATCH = 32_000

/** What staging a list needs of the client. */
export interface StagedListClient {
  executeInTransaction<T>(work: (tx: Transaction) => Promise<T>): Promise<T>
}

/**
 * Whether `query` holds an `inList` too long to expand (the builder keeps those whole).
 *
 * @example
 * if (hasStagedLists(query)) return executeWithStagedLists(client, query, {})
 */
export function hasStagedLists(query: Query | string): query is Query {
  return typeof query !== 'string' && query.params.some((p) => isInListParam(p))
}

/** The column type of a staged list: the one asked, or the one its values all fit. */
export function stagedListType(list: InListParam, index: number): string {
  if (list.type !== undefined) return list.type
  const kinds = new Set<string>()
  for (const v of list.values as readonly InListValue[]) {
    if (typeof v === 'bigint' || (typeof v === 'number' && Number.isSafeInteger(v))) kinds.add('BIGINT')
    else if (typeof v === 'number') kinds.add('DOUBLE PRECISION')
    else if (typeof v === 'boolean') kinds.add('BOOLEAN')
    else if (v instanceof Date) kinds.add('TIMESTAMP')
    else kinds.add('VARCHAR(65535)')
  }
  if (kinds.size === 2 && kinds.has('BIGINT') && kinds.has('DOUBLE PRECISION')) return 'DOUBLE PRECISION'
  if (kinds.size > 1)
    throw new ValidationError(`the inList of $${index} mixes ${[...kinds].join(' and ')} values`, {
      problems: [{ field: `$${index}`, message: "give its type: inList(values, { type: 'VARCHAR(64)' })" }],
    })
  return [...kinds][0] ?? 'VARCHAR(65535)'
}

/**
 * Runs a query whose `inList` passes the 32,767 bind parameters: in one transaction (one session),
 * each such list goes into a temporary table by bound INSERTs of 32,000 values, its placeholder
 * becomes `SELECT v FROM` that table, the other placeholders are renumbered, and the tables are
 * dropped before the commit. Redshift cannot bind an array, and this keeps the values bound (never
 * spliced into SQL text) whatever the list's length.
 */
export async function executeWithStagedLists(
  client: StagedListClient,
  query: Query,
  options: { readonly signal?: AbortSignal; readonly timeoutMs?: number } = {},
): Promise<QueryResult> {
  const run = `${randomBytes(4).toString('hex')}`
  const lists = new Map<number, { table: string; list: InListParam; type: string }>()
  query.params.forEach((p, i) => {
    if (isInListParam(p))
      lists.set(i + 1, { table: `rk_in_${run}_${i + 1}`, list: p, type: stagedListType(p, i + 1) })
  })
  // The statement with each list's placeholder a subquery, and the other placeholders renumbered.
  const renumber = new Map<number, number>()
  const params: QueryParam[] = []
  query.params.forEach((p, i) => {
    if (!isInListParam(p)) {
      params.push(p)
      renumber.set(i + 1, params.length)
    }
  })
  let sql = ''
  let at = 0
  for (const token of scanSql(query.sql)) {
    if (token.type !== 'placeholder') continue
    const staged = lists.get(token.index)
    const replacement = staged
      ? `SELECT v FROM ${staged.table}`
      : `$${renumber.get(token.index) ?? token.index}`
    sql += query.sql.slice(at, token.start) + replacement
    at = token.end
  }
  sql += query.sql.slice(at)
  const statement = createQuery({ ...query, sql, params })
  const call = {
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
  }
  return client.executeInTransaction(async (tx) => {
    for (const { table, list, type } of lists.values()) {
      await tx.execute(`CREATE TEMP TABLE ${table} (v ${type})`, call)
      for (let i = 0; i < list.values.length; i += BATCH) {
        const values = list.values.slice(i, i + BATCH) as QueryParam[]
        const rows = values.map((_, j) => `($${j + 1})`).join(', ')
        await tx.execute(createQuery({ sql: `INSERT INTO ${table} VALUES ${rows}`, params: values }), call)
      }
    }
    const result = await tx.query(statement, call)
    for (const { table } of lists.values()) await tx.execute(`DROP TABLE ${table}`, call)
    return result
  })
}
