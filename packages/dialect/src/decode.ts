import type { Rewrite, Rewriter } from './rewriter.js'
import type { TokenStream } from './token-stream.js'

/** Top-level commas between `open` and `close`: `items()` drops empty items, which must not go unseen. */
function topLevelCommas(ts: TokenStream, open: number, close: number): number {
  let depth = 0
  let commas = 0
  for (let k = ts.next(open); k >= 0 && k < close; k = ts.next(k)) {
    if (ts.is(k, '(') || ts.is(k, '[')) depth++
    else if (ts.is(k, ')') || ts.is(k, ']')) depth--
    else if (depth === 0 && ts.is(k, ',')) commas++
  }
  return commas
}

/** True for a search that is a number or string literal: it is never NULL, so `=` matches as DECODE does. */
function isNonNullLiteral(ts: TokenStream, from: number, last: number): boolean {
  let k = from
  if (ts.is(k, '-') || ts.is(k, '+')) k = ts.next(k)
  const kind = ts.tokens[k]?.kind
  return k === last && (kind === 'number' || (kind === 'string' && from === last))
}

/**
 * `DECODE(expr, search, result [, search, result]... [, default])` ->
 * `CASE WHEN (expr) IS NOT DISTINCT FROM (search) THEN (result) ... [ELSE (default)] END`.
 *
 * The engine also has DECODE functions, but a CASE resolves types exactly as Redshift's DECODE does (it
 * is a CASE there too, and its result column is named `case`), with no limit on the pairs.
 * IS NOT DISTINCT FROM because Redshift's DECODE matches a NULL expr with a NULL search. When every
 * search is a number or string literal, none can be NULL and the simple `CASE (expr) WHEN (search) ...`
 * means the same while evaluating `expr` once; otherwise `expr` is written (and evaluated) per search.
 *
 * PostgreSQL's two-argument `decode(text, format)` (to bytea) is left alone, as is a qualified call.
 */
export function rewriteDecode(rw: Rewriter, at: number, to: number): Rewrite | null {
  const { ts } = rw
  const before = ts.prev(at)
  if (ts.is(before, '.') || ts.word(before) === 'function') return null
  const open = ts.next(at)
  if (!ts.is(open, '(')) return null
  const close = ts.closing(open, to)
  if (close < 0) return null
  const args = ts.items(open, close)
  if (args.length < 3 || topLevelCommas(ts, open, close) !== args.length - 1) return null
  const simple = args.every(
    ([from, last], i) => i % 2 === 0 || i === args.length - 1 || isNonNullLiteral(ts, from, last),
  )
  const [expr, ...rest] = args.map(([from, last]) => `(${rw.renderItem(from, last)})`)
  let sql = simple ? `CASE ${expr}` : 'CASE'
  for (let i = 0; i + 1 < rest.length; i += 2) {
    sql += simple
      ? ` WHEN ${rest[i]} THEN ${rest[i + 1]}`
      : ` WHEN ${expr} IS NOT DISTINCT FROM ${rest[i]} THEN ${rest[i + 1]}`
  }
  if (rest.length % 2 === 1) sql += ` ELSE ${rest[rest.length - 1]}`
  return { text: `${sql} END`, next: close + 1 }
}
