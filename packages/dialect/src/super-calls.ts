import type { Rewrite, Rewriter } from './rewriter.js'

/** Words after which `object(` names a relation (`CREATE TABLE object (...)`), not a call. */
const NOT_A_CALL = new Set(['table', 'into', 'from', 'join', 'update', 'function', 'procedure', 'view', 'as'])

/** The call's argument items, or null when `at` is not a plain call `name(`...`)` within `to`. */
function callArgs(rw: Rewriter, at: number, to: number) {
  const { ts } = rw
  const before = ts.prev(at)
  if (ts.is(before, '.') || NOT_A_CALL.has(ts.word(before) as string)) return null
  const open = ts.next(at)
  if (!ts.is(open, '(')) return null
  const close = ts.closing(open, to)
  if (close < 0) return null
  return { open, close, items: ts.items(open, close) }
}

/**
 * `ARRAY(v, ...)` and `OBJECT(k, v, ...)`: Redshift's SUPER constructors take values of any type,
 * which an engine function cannot, so each argument goes through `rk_internal.to_super` into the
 * VARIADIC jsonb constructors of `super-functions-sql.ts`. `ARRAY(SELECT ...)` (PostgreSQL's array
 * subquery) is left alone.
 */
export function rewriteSuperConstructor(rw: Rewriter, at: number, to: number): Rewrite | null {
  const { ts } = rw
  const call = callArgs(rw, at, to)
  if (call === null) return null
  const first = ts.word(ts.next(call.open))
  if (first === 'select' || first === 'with' || ts.is(ts.next(call.open), '(')) return null
  const fn = ts.word(at) === 'array' ? 'rk_internal.super_array' : 'rk_internal.super_object'
  const args = call.items.map(([from, last]) => `rk_internal.to_super(${rw.renderItem(from, last)})`)
  return { text: `${fn}(${args.join(', ')})`, next: call.close + 1 }
}

/**
 * `OBJECT_TRANSFORM(input [KEEP path, ...] [SET path, value, ...])` ->
 * `rk_internal.object_transform(input, ARRAY[keep paths], ARRAY[set paths], ARRAY[values])`.
 */
export function rewriteObjectTransform(rw: Rewriter, at: number, to: number): Rewrite | null {
  const { ts } = rw
  const call = callArgs(rw, at, to)
  if (call === null) return null
  // The clause words sit at the top level of the call: find them.
  let keep = -1
  let set = -1
  let depth = 0
  for (let k = ts.next(call.open); k >= 0 && k < call.close; k = ts.next(k)) {
    if (ts.is(k, '(') || ts.is(k, '[')) depth++
    else if (ts.is(k, ')') || ts.is(k, ']')) depth--
    else if (depth === 0 && ts.word(k) === 'keep' && keep < 0 && set < 0) keep = k
    else if (depth === 0 && ts.word(k) === 'set' && set < 0) set = k
  }
  const inputEnd = keep >= 0 ? keep : set >= 0 ? set : call.close
  const input = rw.render(ts.next(call.open), inputEnd).trim()
  if (input === '') return null
  // Items between a clause word and the next clause (or the closing parenthesis).
  const list = (from: number, end: number): string[] =>
    from < 0 ? [] : ts.items(from, end).map(([f, l]) => rw.renderItem(f, l))
  const keepPaths = list(keep, set >= 0 ? set : call.close)
  const setItems = list(set, call.close)
  if (setItems.length % 2 !== 0) {
    rw.fail({
      sqlState: '42601',
      message: 'OBJECT_TRANSFORM: SET takes path, value pairs',
      hint: `write SET '"a"."b"', value [, ...]`,
    })
    return null
  }
  const paths = setItems.filter((_, i) => i % 2 === 0)
  const values = setItems.filter((_, i) => i % 2 === 1).map((v) => `rk_internal.to_super(${v})`)
  const text = `rk_internal.object_transform(${input}, ARRAY[${keepPaths.join(', ')}]::text[], ARRAY[${paths.join(', ')}]::text[], ARRAY[${values.join(', ')}]::jsonb[])`
  return { text, next: call.close + 1 }
}

/**
 * `CONVERT(type, expr)` -> `CAST((expr) AS type)`. PostgreSQL's three-argument `convert(bytes, from,
 * to)`, which Redshift lacks, fails as there.
 */
export function rewriteConvert(rw: Rewriter, at: number, to: number): Rewrite | null {
  const call = callArgs(rw, at, to)
  if (call === null) return null
  if (call.items.length === 3) {
    rw.fail({
      sqlState: '42883',
      message: 'function convert does not exist',
      hint: 'Amazon Redshift has no CONVERT(bytes, from, to); its CONVERT is CONVERT(type, expression)',
    })
    return null
  }
  if (call.items.length !== 2) return null
  const [type, expr] = call.items as [readonly [number, number], readonly [number, number]]
  return {
    text: `CAST((${rw.renderItem(expr[0], expr[1])}) AS ${rw.renderItem(type[0], type[1])})`,
    next: call.close + 1,
  }
}

/** `CURRENT_USER_ID` (a bare keyword in Redshift) -> the engine's `pg_catalog.current_user_id()`. */
export function rewriteCurrentUserId(rw: Rewriter, at: number): Rewrite | null {
  const { ts } = rw
  if (ts.is(ts.prev(at), '.') || ts.is(ts.next(at), '(') || ts.word(ts.prev(at)) === 'as') return null
  return { text: 'pg_catalog.current_user_id()', next: at + 1 }
}

/** `REGEXP_REPLACE(` -> `rk_internal.REGEXP_REPLACE(`: Redshift's replaces every match, takes no replacement (''), and c/i/p. */
export function rewriteRegexpReplace(rw: Rewriter, at: number): Rewrite | null {
  const { ts } = rw
  const before = ts.prev(at)
  if (ts.is(before, '.') || ts.word(before) === 'function' || !ts.is(ts.next(at), '(')) return null
  return { text: `rk_internal.${ts.tokens[at]?.text}`, next: at + 1 }
}
