/** Statements Redshift answers on its leader node without running a query (see `LeaderOnlyStatement`). */
import type { TokenStream } from './token-stream.js'
import type { LeaderOnlyStatement } from './translation.js'

/** Words that end a select list: one of them after `pg_last_query_id()` is a clause, not an alias. */
const NOT_ALIASES: ReadonlySet<string> = new Set([
  'from',
  'where',
  'group',
  'having',
  'order',
  'limit',
  'offset',
  'fetch',
  'for',
  'into',
  'union',
  'intersect',
  'except',
  'minus',
  'window',
  'as',
])

/**
 * `SELECT pg_last_query_id() [[AS] alias] [;]` (any case, `pg_catalog.` allowed, comments anywhere),
 * and nothing else: Redshift answers it on the leader node, so it is no query of its own. Any other
 * text (a FROM, a second column, an expression around the call) is an ordinary statement.
 *
 * @example
 * leaderOnlyStatement(new TokenStream('select pg_last_query_id() as id'), 0)
 * // { type: 'lastQueryId', column: 'id' }
 */
export function leaderOnlyStatement(ts: TokenStream, first: number): LeaderOnlyStatement | null {
  if (ts.word(first) !== 'select') return null
  let k = ts.next(first)
  if (ts.word(k) === 'pg_catalog') {
    if (!ts.is(ts.next(k), '.')) return null
    k = ts.next(ts.next(k))
  }
  if (ts.word(k) !== 'pg_last_query_id') return null
  const open = ts.next(k)
  const close = ts.next(open)
  if (!ts.is(open, '(') || !ts.is(close, ')')) return null
  let at = ts.next(close)
  let column = 'pg_last_query_id'
  const explicitAs = ts.word(at) === 'as'
  if (explicitAs) at = ts.next(at)
  const alias = at < 0 || ts.is(at, ';') ? undefined : ts.name(at)
  if (alias !== undefined) {
    if (!explicitAs && ts.word(at) !== undefined && NOT_ALIASES.has(ts.word(at) as string)) return null
    column = alias
    at = ts.next(at)
  } else if (explicitAs) {
    return null
  }
  if (ts.is(at, ';')) at = ts.next(at)
  return at < 0 ? { type: 'lastQueryId', column } : null
}
