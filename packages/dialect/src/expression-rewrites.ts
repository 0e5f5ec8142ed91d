import type { Rewrite, Rewriter } from './rewriter.js'
import type { TokenStream } from './token-stream.js'

/** Largest lengths Redshift gives `MAX` in a type modifier, by type name. */
const MAX_LENGTHS: Readonly<Record<string, number>> = {
  varchar: 65535,
  nvarchar: 65535,
  varying: 65535,
  char: 4096,
  character: 4096,
  nchar: 4096,
  bpchar: 4096,
  varbyte: 1024000,
  varbinary: 1024000,
}

function afterDot(ts: TokenStream, at: number): boolean {
  return ts.is(ts.prev(at), '.')
}

/** `SYSDATE` (a bare keyword in Redshift) -> the engine's `pg_catalog.sysdate()`. */
export function rewriteSysdate(rw: Rewriter, at: number): Rewrite | null {
  const { ts } = rw
  if (afterDot(ts, at) || ts.is(ts.next(at), '(') || ts.word(ts.prev(at)) === 'as') return null
  return { text: 'pg_catalog.sysdate()', next: at + 1 }
}

/**
 * `VARCHAR(MAX)` -> `VARCHAR(65535)`, `CHAR(MAX)` -> `CHAR(4096)`, `VARBYTE(MAX)` -> `VARBYTE(1024000)`
 * wherever a type is written (columns, casts).
 */
export function rewriteMaxLength(rw: Rewriter, at: number): Rewrite | null {
  const { ts } = rw
  const open = ts.prev(at)
  if (!ts.is(open, '(') || !ts.is(ts.next(at), ')')) return null
  const typeAt = ts.prev(open)
  const typeName = ts.word(typeAt)
  // BINARY VARYING is VARBYTE, CHARACTER VARYING is VARCHAR.
  const binary = typeName === 'varying' && ts.word(ts.prev(typeAt)) === 'binary'
  const key = binary ? 'varbyte' : typeName
  const length = key !== undefined && Object.hasOwn(MAX_LENGTHS, key) ? MAX_LENGTHS[key] : undefined
  if (length === undefined) return null
  return { text: String(length), next: at + 1 }
}

/** `NVARCHAR` -> `VARCHAR`: a Redshift alias PostgreSQL does not know. */
export function rewriteNvarchar(rw: Rewriter, at: number): Rewrite | null {
  if (afterDot(rw.ts, at)) return null
  return { text: 'varchar', next: at + 1 }
}

/**
 * `VARBINARY(n)` and `BINARY VARYING [(n)]` -> `varbyte(n)` (a `MAX` length is the MAX rewrite's).
 * The engine's VARBYTE is a base type whose length it enforces; its VARBINARY is a domain over it, and a
 * domain takes no length, so only a bare `varbinary` can stay as written.
 */
export function rewriteVarbinary(rw: Rewriter, at: number): Rewrite | null {
  const { ts } = rw
  if (afterDot(ts, at)) return null
  if (ts.word(at) === 'varbinary') return ts.is(ts.next(at), '(') ? { text: 'varbyte', next: at + 1 } : null
  const varying = ts.next(at)
  return ts.word(varying) === 'varying' ? { text: 'varbyte', next: varying + 1 } : null
}

/**
 * `JSON_SERIALIZE(s)` -> `pg_catalog.JSON_SERIALIZE(s)`. Since PostgreSQL 17 the bare name is a keyword
 * that starts the SQL/JSON JSON_SERIALIZE construct, which rejects SUPER; qualified, it is an ordinary
 * call of the engine's function. (The engine defines no other function that PostgreSQL takes as a
 * keyword.)
 */
export function rewriteJsonSerialize(rw: Rewriter, at: number): Rewrite | null {
  const { ts } = rw
  if (afterDot(ts, at) || !ts.is(ts.next(at), '(') || ts.word(ts.prev(at)) === 'function') return null
  return { text: `pg_catalog.${ts.tokens[at]?.text}`, next: at + 1 }
}

/** `MINUS` (Redshift's synonym of EXCEPT between queries) -> `EXCEPT`. */
export function rewriteMinus(rw: Rewriter, at: number): Rewrite | null {
  const { ts } = rw
  const next = ts.next(at)
  const nextWord = ts.word(next)
  if (afterDot(ts, at) || !(ts.is(next, '(') || nextWord === 'select' || nextWord === 'all')) return null
  const prev = ts.prev(at)
  if (prev < 0 || ts.is(prev, ',') || ts.is(prev, '(')) return null
  return { text: 'EXCEPT', next: at + 1 }
}

// Words that end a select list item when walking backwards: reaching one of them first means the
// call is not a bare item of a select list.
const CLAUSE_WORDS = new Set([
  'from',
  'where',
  'group',
  'having',
  'order',
  'on',
  'join',
  'values',
  'set',
  'limit',
  'when',
  'then',
  'else',
  'returning',
])

/** True when the tokens `from..last` form a whole item of a SELECT list (so an alias may follow). */
function isSelectListItem(ts: TokenStream, from: number, last: number): boolean {
  const before = ts.prev(from)
  const beforeWord = ts.word(before)
  if (!(ts.is(before, ',') || beforeWord === 'select' || beforeWord === 'distinct' || beforeWord === 'all')) {
    return false
  }
  const after = ts.next(last)
  const afterWord = ts.word(after)
  if (
    !(after < 0 || ts.is(after, ',') || ts.is(after, ';') || afterWord === 'from' || afterWord === 'into')
  ) {
    return false
  }
  let depth = 0
  for (let j = before; j >= 0; j = ts.prev(j)) {
    if (ts.is(j, ')')) depth++
    else if (ts.is(j, '(')) {
      if (depth === 0) return false
      depth--
    } else if (depth === 0) {
      const w = ts.word(j)
      if (w === 'select') return true
      if (w !== undefined && CLAUSE_WORDS.has(w)) return false
    }
  }
  return false
}

/**
 * `pg_last_query_id()` -> the session's last query id as a literal: the gateway knows it, the engine
 * does not. A bare select-list item keeps Redshift's column name through an alias. Without a literal
 * to write (a named prepared statement), the call stays for the engine and is noted on the Rewriter.
 */
export function rewriteLastQueryId(rw: Rewriter, at: number, to: number): Rewrite | null {
  const { ts } = rw
  let name = at
  if (ts.word(at) === 'pg_catalog') {
    if (!ts.is(ts.next(at), '.')) return null
    name = ts.next(ts.next(at))
    if (ts.word(name) !== 'pg_last_query_id') return null
  } else if (afterDot(ts, at)) {
    return null
  }
  const open = ts.next(name)
  const close = ts.next(open)
  if (!ts.is(open, '(') || !ts.is(close, ')') || close >= to) return null
  if (rw.options.lastQueryId === undefined) {
    // The engine's pg_catalog.pg_last_query_id() reads the setting the gateway keeps current.
    rw.readsLastQueryId = true
    return null
  }
  const literal = `(${rw.options.lastQueryId})::integer`
  const alias = isSelectListItem(ts, at, close) ? ' AS pg_last_query_id' : ''
  return { text: literal + alias, next: close + 1 }
}

/**
 * `APPROXIMATE COUNT(DISTINCT x)` -> `pg_catalog.hll(x)`: the HyperLogLog estimate, the same one HLL(x)
 * and HLL_CARDINALITY(HLL_CREATE_SKETCH(x)) give, as on Redshift. `APPROXIMATE PERCENTILE_DISC(...)`
 * -> the exact aggregate (an exact value is always within Redshift's error bound).
 */
export function rewriteApproximate(rw: Rewriter, at: number, to: number): Rewrite | null {
  const { ts } = rw
  const next = ts.next(at)
  const fn = ts.word(next)
  if ((fn !== 'count' && fn !== 'percentile_disc') || afterDot(ts, at)) return null
  const open = ts.next(next)
  const close = fn === 'count' && ts.is(open, '(') ? ts.closing(open, to) : -1
  if (close > 0 && ts.word(ts.next(open)) === 'distinct') {
    // Redshift names the column "count"; hll() would name it "hll".
    const alias = isSelectListItem(ts, at, close) ? ' AS count' : ''
    return { text: `pg_catalog.hll(${rw.render(ts.next(ts.next(open)), close)})${alias}`, next: close + 1 }
  }
  return { text: '', next }
}

/**
 * `RATIO_TO_REPORT(expr) OVER (...)` -> `(expr)::numeric / NULLIF(SUM(expr) OVER (...), 0)`: the value's
 * share of its partition's total (NULL when the total is 0, as Redshift gives).
 */
export function rewriteRatioToReport(rw: Rewriter, at: number, to: number): Rewrite | null {
  const { ts } = rw
  const open = ts.next(at)
  if (!ts.is(open, '(') || afterDot(ts, at)) return null
  const close = ts.closing(open, to)
  const over = ts.next(close)
  if (close < 0 || ts.word(over) !== 'over') return null
  const windowOpen = ts.next(over)
  const windowClose = ts.is(windowOpen, '(') ? ts.closing(windowOpen, to) : -1
  if (windowClose < 0) return null
  const expr = rw.render(open + 1, close)
  const window = rw.render(windowOpen, windowClose + 1)
  return {
    text: `((${expr})::numeric / NULLIF(pg_catalog.sum(${expr}) OVER ${window}, 0))`,
    next: windowClose + 1,
  }
}
