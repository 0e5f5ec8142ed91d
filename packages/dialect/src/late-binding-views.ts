import type { Rewriter } from './rewriter.js'

const TAIL = ['with', 'no', 'schema', 'binding'] as const

/**
 * `CREATE [OR REPLACE] VIEW name [(columns)] AS query WITH NO SCHEMA BINDING` (a late-binding view) ->
 * `CREATE [OR REPLACE] VIEW name [(columns)] WITH (security_invoker = false) AS query`.
 *
 * The engine binds the query at creation, as for any view: the relations must exist, and dropping one
 * fails while the view depends on it (Redshift binds at each query). What is kept is what the view is
 * on Redshift: it reads its relations with its owner's rights (`security_invoker = false`, which is
 * PostgreSQL's default, written out so the view is known as late-binding: `SHOW VIEW` and
 * `pg_get_late_binding_view_cols()` read that mark). Returns false when the statement is not one.
 *
 * @example
 * // CREATE VIEW v AS SELECT * FROM s.t WITH NO SCHEMA BINDING
 * // -> CREATE VIEW v WITH (security_invoker = false) AS SELECT * FROM s.t
 */
export function rewriteLateBindingView(rw: Rewriter, create: number): boolean {
  const { ts } = rw
  let k = ts.next(create)
  if (ts.word(k) === 'or' && ts.word(ts.next(k)) === 'replace') k = ts.next(ts.next(k))
  if (ts.word(k) !== 'view') return false
  // The last four significant tokens (before an optional `;`) must be WITH NO SCHEMA BINDING.
  let last = ts.prev(ts.tokens.length)
  if (ts.is(last, ';')) last = ts.prev(last)
  const tail: number[] = []
  for (let j = last, n = 0; n < TAIL.length && j >= 0; n++, j = ts.prev(j)) tail.unshift(j)
  if (tail.length !== TAIL.length || tail.some((j, i) => ts.word(j) !== TAIL[i])) return false
  // The view's AS: the first top-level AS after the name and the optional column list.
  let as = ts.next(k)
  while (as >= 0 && ts.word(as) !== 'as') {
    if (ts.is(as, '(')) {
      const close = ts.closing(as)
      if (close < 0) return false
      as = close
    }
    as = ts.next(as)
  }
  if (as < 0 || as >= (tail[0] as number)) return false
  rw.replace(as, as + 1, `WITH (security_invoker = false) ${ts.tokens[as]?.text}`)
  rw.remove(tail[0] as number, tail[TAIL.length - 1] as number)
  return true
}
