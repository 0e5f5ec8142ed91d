import { redactSqlLiterals } from '../errors/redact.js'
import { scanSql } from '../query/sql-scan.js'

/** What telemetry shows of a statement: its text with every literal replaced by `?`, and its verb. */
export interface StatementText {
  /** The statement with string literals, dollar-quoted bodies and numbers replaced by `?`. */
  readonly text: string
  /** Its first keyword, upper-cased (`SELECT`, `INSERT`, `COPY`, ...); `''` when it has none. */
  readonly operationName: string
}

const CACHE_SIZE = 512
const cache = new Map<string, StatementText>()

/**
 * The redacted text and the operation name of `sql`, for spans and logs. Applications run the same
 * statements over and over, so the last {@link CACHE_SIZE} answers are kept (keyed by the raw SQL,
 * which never leaves this map).
 *
 * @example
 * statementText("SELECT * FROM t WHERE name = 'ada'") // { text: 'SELECT * FROM t WHERE name = ?', operationName: 'SELECT' }
 */
export function statementText(sql: string): StatementText {
  const hit = cache.get(sql)
  if (hit !== undefined) return hit
  const first = scanSql(sql).find((t) => t.type === 'word')
  const value: StatementText = Object.freeze({
    text: redactSqlLiterals(sql),
    operationName: first?.type === 'word' ? first.text.toUpperCase() : '',
  })
  if (cache.size >= CACHE_SIZE) cache.delete(cache.keys().next().value as string)
  cache.set(sql, value)
  return value
}
