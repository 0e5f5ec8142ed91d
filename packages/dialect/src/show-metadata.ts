import { quoteLiteral, stringValue } from './lexer.js'
import type { TokenStream } from './token-stream.js'
import type { StatementError } from './translation.js'

/** Redshift's bound on a SHOW command's LIMIT. */
const MAX_SHOW_ROWS = 10_000

/** The objects a metadata SHOW lists, the word after FROM, and how many name parts it takes. */
const SHOW_KINDS: ReadonlyMap<string, { readonly from: string | null; readonly parts: number }> = new Map([
  ['databases', { from: null, parts: 0 }],
  ['schemas', { from: 'database', parts: 1 }],
  ['tables', { from: 'schema', parts: 2 }],
  ['columns', { from: 'table', parts: 3 }],
])

const syntax = (message: string): StatementError => ({ sqlState: '42601', message })

/**
 * `SHOW DATABASES`, `SHOW SCHEMAS FROM DATABASE db`, `SHOW TABLES FROM SCHEMA db.schema` and
 * `SHOW COLUMNS FROM TABLE db.schema.table`, each with `[LIKE 'pattern'] [LIMIT n]`, as a SELECT from
 * the engine's `rk_internal.show_*` functions (created by `REDSHIFT_FUNCTIONS_SQL`), which return
 * Redshift's columns. The database part may be left out (the current one). Null when the statement is
 * not one of these (other SHOWs are settings).
 */
export function translateShowMetadata(
  ts: TokenStream,
  show: number,
): { sql: string } | StatementError | null {
  const kindAt = ts.next(show)
  const kindWord = ts.word(kindAt)
  const kind = kindWord === undefined ? undefined : SHOW_KINDS.get(kindWord)
  if (kind === undefined) return null
  let k = ts.next(kindAt)
  const args: string[] = []
  if (kind.from !== null) {
    if (ts.word(k) !== 'from' || ts.word(ts.next(k)) !== kind.from) {
      return syntax(`SHOW ${kindWord?.toUpperCase()} needs FROM ${kind.from.toUpperCase()} <name>`)
    }
    k = ts.next(ts.next(k))
    const parts: string[] = []
    for (;;) {
      const name = ts.name(k)
      if (name === undefined) return syntax(`SHOW ${kindWord?.toUpperCase()}: a name is expected after FROM`)
      parts.push(name)
      k = ts.next(k)
      if (!ts.is(k, '.')) break
      k = ts.next(k)
    }
    if (parts.length > kind.parts) return syntax(`SHOW ${kindWord?.toUpperCase()}: too many name parts`)
    // The database may be left out (the current one); a table's schema may not.
    if (parts.length < kind.parts - 1)
      return syntax(`SHOW ${kindWord?.toUpperCase()}: the name is incomplete`)
    if (parts.length < kind.parts) args.push('pg_catalog.current_database()')
    args.push(...parts.map(quoteLiteral))
  }
  let pattern = 'NULL'
  if (ts.word(k) === 'like') {
    const literal = ts.tokens[ts.next(k)]
    const value = literal === undefined ? null : stringValue(literal)
    if (value === null) return syntax('LIKE needs a string literal pattern')
    pattern = quoteLiteral(value)
    k = ts.next(ts.next(k))
  }
  let limit = MAX_SHOW_ROWS
  if (ts.word(k) === 'limit') {
    const n = ts.tokens[ts.next(k)]
    limit = n?.kind === 'number' && /^\d+$/.test(n.text) ? Number(n.text) : Number.NaN
    if (!(limit >= 0 && limit <= MAX_SHOW_ROWS)) {
      return {
        sqlState: '22023',
        message: `LIMIT of SHOW ${kindWord?.toUpperCase()} must be from 0 to 10000`,
      }
    }
    k = ts.next(ts.next(k))
  }
  if (ts.is(k, ';')) k = ts.next(k)
  if (k >= 0) return syntax(`syntax error at or near "${ts.tokens[k]?.text}"`)
  return {
    sql: `SELECT * FROM rk_internal.show_${kindWord}(${[...args, pattern, String(limit)].join(', ')})`,
  }
}
