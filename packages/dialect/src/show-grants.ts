import { quoteLiteral } from './lexer.js'
import { isError, type ShowReader, syntax } from './show-reader.js'
import type { StatementError } from './translation.js'

const sqlOrNull = (v: string | null): string => v ?? 'NULL'

const USAGE =
  'SHOW GRANTS ON {DATABASE db | SCHEMA [db.]schema | [TABLE] [db.]schema.table | FUNCTION [db.]schema.name[(argtypes)]} [FOR {user | ROLE role | PUBLIC}] [LIMIT n], or SHOW GRANTS FOR {user | ROLE role} [FROM DATABASE db] [LIMIT n]'

/** `FOR {user | ROLE role | PUBLIC}`: [kind, name] as SQL expressions, or nulls when absent. */
function identity(r: ShowReader): [string | null, string | null] | StatementError {
  if (!r.accept('for')) return [null, null]
  if (r.accept('public')) return ["'public'", "'public'"]
  const kind = r.accept('role') ? 'role' : 'user'
  const name = r.identifier()
  if (name === undefined) return syntax(`SHOW GRANTS FOR: a ${kind} name is expected`)
  return [quoteLiteral(kind), name]
}

/**
 * Redshift's `SHOW GRANTS` (on a database, schema, table or function, optionally for one identity; or
 * every grant to one identity) as a call of `rk_internal.show_grants`, which reads the engine's ACLs.
 */
export function translateShowGrants(r: ShowReader): { sql: string } | StatementError {
  let kind: string | null = null
  let db: string | null = null
  let schema: string | null = null
  let object: string | null = null
  let args: string | null = null
  if (r.accept('on')) {
    const word = r.word()
    if (word === 'database') {
      r.accept('database')
      const parts = r.name(1)
      if (isError(parts)) return parts
      kind = "'database'"
      db = parts[0] as string
    } else if (word === 'schema') {
      r.accept('schema')
      const parts = r.name(2)
      if (isError(parts)) return parts
      kind = "'schema'"
      schema = parts[parts.length - 1] as string
      db = parts.length === 2 ? (parts[0] as string) : null
    } else {
      const isFunction = r.accept('function')
      if (!isFunction) r.accept('table')
      const parts = r.name(3)
      if (isError(parts)) return parts
      kind = isFunction ? "'function'" : "'table'"
      object = parts[parts.length - 1] as string
      schema = parts.length >= 2 ? (parts[parts.length - 2] as string) : null
      db = parts.length === 3 ? (parts[0] as string) : null
      if (isFunction && r.ts.is(r.at, '(')) {
        const close = r.ts.closing(r.at)
        if (close < 0) return syntax('SHOW GRANTS ON FUNCTION: unclosed argument list')
        const first = r.ts.next(r.at)
        args = quoteLiteral(first === close ? '' : r.ts.text(first, r.ts.prev(close)))
        r.at = r.ts.next(close)
      }
    }
  } else if (r.word() !== 'for') {
    return syntax(USAGE)
  }
  const who = identity(r)
  if (isError(who)) return who
  if (kind === null && who[0] === null) return syntax(USAGE)
  if (kind === null && r.accept('from')) {
    if (!r.accept('database')) return syntax(USAGE)
    const parts = r.name(1)
    if (isError(parts)) return parts
    db = parts[0] as string
  }
  const limit = r.limit()
  if (isError(limit)) return limit
  const end = r.end()
  if (end !== null) return end
  const call = [kind, db, schema, object, args, who[0], who[1]].map(sqlOrNull)
  return {
    sql: `SELECT * FROM rk_internal.show_grants(${call.join(', ')}, ${limit}, pg_catalog.current_schemas(true))`,
  }
}

/**
 * `SHOW COLUMN GRANTS ON TABLE [db.]schema.table [FOR {user | ROLE role | PUBLIC}] [LIKE 'column'] [LIMIT n]`
 * as a call of `rk_internal.show_column_grants` (column privileges from the engine's column ACLs).
 */
export function translateShowColumnGrants(r: ShowReader): { sql: string } | StatementError {
  const usage =
    'SHOW COLUMN GRANTS ON TABLE [db.]schema.table [FOR {user | ROLE role | PUBLIC}] [LIKE pattern] [LIMIT n]'
  if (!r.accept('grants') || !r.accept('on') || !r.accept('table')) return syntax(usage)
  const parts = r.name(3)
  if (isError(parts)) return parts
  if (parts.length < 2) return syntax(`${usage}: the table needs its schema`)
  const who = identity(r)
  if (isError(who)) return who
  const pattern = r.like()
  if (isError(pattern)) return pattern
  const limit = r.limit()
  if (isError(limit)) return limit
  const end = r.end()
  if (end !== null) return end
  const db = parts.length === 3 ? (parts[0] as string) : 'pg_catalog.current_database()'
  const call = [db, parts[parts.length - 2], parts[parts.length - 1], who[0], who[1]].map((v) => v ?? 'NULL')
  return { sql: `SELECT * FROM rk_internal.show_column_grants(${call.join(', ')}, ${pattern}, ${limit})` }
}
