import type { Value } from '../types/value.js'

/**
 * How the workload and Spectrum operations run their SQL: through the client's public query path
 * (`executeQuery`), so retries, timeouts, hooks and telemetry apply to them as to any query. Rows come
 * back as plain objects keyed by column name.
 *
 * @example
 * const run: SqlRunner = async (sql, params) =>
 *   (await client.executeQuery(new QueryBuilder(sql).params(params).build())).rows.map((r) => r.toObject())
 */
export type SqlRunner = (
  sql: string,
  params?: readonly (string | number)[],
) => Promise<Record<string, Value>[]>

/** A text column (CHAR columns of system views come blank-padded: trimmed here). */
export function text(value: Value | undefined): string {
  return value === null || value === undefined ? '' : String(value).trim()
}

/** A number column (bigint values arrive as bigint). */
export function num(value: Value | undefined): number {
  if (typeof value === 'number') return value
  if (typeof value === 'bigint') return Number(value)
  const n = Number(value)
  return Number.isFinite(n) ? n : 0
}
