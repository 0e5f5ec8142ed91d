/**
 * `version()` -> `rk_internal.redshift_version()`: PostgreSQL's own `version()` cannot be replaced in
 * the engine (pg_catalog is searched first), so the call is rewritten on the way in, token by token.
 */
import { TokenStream } from './token-stream.js'

const REPLACEMENT = 'rk_internal.redshift_version()'
/** Words after a select-list item that end it (so the call keeps its column name `version`). */
const ITEM_END_WORDS: ReadonlySet<string> = new Set([
  'from',
  'where',
  'group',
  'having',
  'order',
  'limit',
  'offset',
  'union',
  'intersect',
  'except',
  'minus',
  'into',
  'window',
])

/** True when the comma at `at` separates items of a select list (not arguments of a call). */
function inTopSelectList(ts: TokenStream, at: number): boolean {
  let depth = 0
  for (let j = ts.prev(at); j >= 0; j = ts.prev(j)) {
    if (ts.is(j, ')')) depth++
    else if (ts.is(j, '(')) {
      if (depth === 0) return false
      depth--
    } else if (depth === 0) {
      const w = ts.word(j)
      if (w === 'select') return true
      if (w !== undefined && ITEM_END_WORDS.has(w)) return false
    }
  }
  return false
}

/**
 * Rewrites every call of `version()` / `pg_catalog.version()` in one statement. A bare select-list
 * item gets `AS version` so clients still see the column name PostgreSQL and Redshift give it.
 *
 * @example
 * rewriteVersionCall('select version()') // 'select rk_internal.redshift_version() AS version'
 */
export function rewriteVersionCall(sql: string): string {
  // Cheap pre-check: nearly no statement mentions it, and those need no tokenizing.
  if (!/version/i.test(sql)) return sql
  const ts = new TokenStream(sql)
  const { tokens } = ts
  let out = ''
  let copied = 0
  for (let i = 0; i < tokens.length; i++) {
    if (ts.word(i) !== 'version') continue
    const open = ts.next(i)
    const close = ts.next(open)
    if (!ts.is(open, '(') || !ts.is(close, ')')) continue
    let from = i
    const before = ts.prev(i)
    if (ts.is(before, '.')) {
      const schema = ts.prev(before)
      if (ts.word(schema) !== 'pg_catalog') continue
      from = schema
    }
    const prev = ts.prev(from)
    const after = ts.next(close)
    const startsItem = ts.word(prev) === 'select' || (ts.is(prev, ',') && inTopSelectList(ts, prev))
    const afterWord = ts.word(after)
    const endsItem =
      after < 0 ||
      ts.is(after, ',') ||
      ts.is(after, ';') ||
      (afterWord !== undefined && ITEM_END_WORDS.has(afterWord))
    const alias = startsItem && endsItem ? ' AS version' : ''
    out += sql.slice(copied, (tokens[from] as { start: number }).start) + REPLACEMENT + alias
    copied = (tokens[close] as { end: number }).end
    i = close
  }
  return copied === 0 ? sql : out + sql.slice(copied)
}
