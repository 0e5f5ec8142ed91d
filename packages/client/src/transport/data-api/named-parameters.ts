import { serializeParam } from '../../types/param-serializer.js'
import { CODE_LEX_RULES, lexSql } from '../../types/sql-scan.js'
import type { QueryParam } from '../../types/value.js'

/** One Data API parameter (`SqlParameter`): a name and a non-empty text value. */
export interface NamedParameter {
  readonly name: string
  readonly value: string
}

/** A statement as the Data API takes it: `:name` placeholders and their values. */
export interface NamedStatement {
  readonly sql: string
  readonly parameters: readonly NamedParameter[]
}

/**
 * Rewrites positional `$n` placeholders into the Data API's `:pn` names, serializing each value as
 * text (bytes as hex, for `FROM_HEX($n)`). The service refuses NULL and empty-string values as
 * parameters, so those two are written into the SQL as the literals `NULL` and `''`: fixed text,
 * never the caller's value, so nothing the caller sends reaches the SQL. Placeholders are found with
 * the client's SQL lexer, so a `$1` inside a string, a quoted identifier, a comment or a dollar-quoted
 * body stays as it is.
 *
 * @example
 * toNamedStatement('SELECT $1::int, $2, $3', [7, null, ''])
 * // { sql: "SELECT :p1::int, NULL, ''", parameters: [{ name: 'p1', value: '7' }] }
 */
export function toNamedStatement(sql: string, params: readonly QueryParam[]): NamedStatement {
  if (!sql.includes('$')) return { sql, parameters: [] }
  const parameters = new Map<number, NamedParameter>()
  let out = ''
  let at = 0
  lexSql(sql, CODE_LEX_RULES, (kind, start, end) => {
    if (kind !== 'placeholder') return
    const index = Number(sql.slice(start + 1, end))
    const serialized = serializeParam(params[index - 1], index, { bytes: 'hex' })
    let replacement: string
    if (serialized === null) replacement = 'NULL'
    else if (serialized === '' || (typeof serialized !== 'string' && serialized.length === 0)) {
      replacement = "''"
    } else {
      const name = `p${index}`
      if (!parameters.has(index)) {
        const value = typeof serialized === 'string' ? serialized : serialized.toString('hex')
        parameters.set(index, { name, value })
      }
      replacement = `:${name}`
    }
    const before = sql.slice(at, start)
    // `a:$1` must not become the cast `a::p1`.
    out += before + ((before || out).endsWith(':') && replacement.startsWith(':') ? ' ' : '') + replacement
    at = end
  })
  return { sql: out + sql.slice(at), parameters: [...parameters.values()] }
}
