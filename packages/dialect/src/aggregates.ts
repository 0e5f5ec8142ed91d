import type { Rewrite, Rewriter } from './rewriter.js'

/** Aggregates whose result Redshift computes in DOUBLE PRECISION whatever the argument's type. */
export const FLOAT_AGGREGATES = [
  'stddev',
  'stddev_samp',
  'stddev_pop',
  'variance',
  'var_samp',
  'var_pop',
] as const

/** The call's parentheses when `at` is an unqualified call `name(`...`)` within `to`, else null. */
function call(rw: Rewriter, at: number, to: number): { open: number; close: number } | null {
  const { ts } = rw
  const before = ts.prev(at)
  if (ts.is(before, '.') || ts.word(before) === 'function' || ts.word(before) === 'aggregate') return null
  const open = ts.next(at)
  if (!ts.is(open, '(')) return null
  const close = ts.closing(open, to)
  return close < 0 ? null : { open, close }
}

/**
 * `AVG(x)` -> `rk_internal.avg(x)`: Redshift's AVG of integers is a BIGINT (the mean cut to a whole
 * number) and of DECIMAL(p, s) a DECIMAL of scale s, where PostgreSQL's gives NUMERIC with up to 16
 * more digits. The engine's `rk_internal.avg` aggregates do that (DISTINCT, FILTER and OVER work as
 * for any aggregate); floats keep PostgreSQL's AVG, which already returns DOUBLE PRECISION.
 */
export function rewriteAvg(rw: Rewriter, at: number, to: number): Rewrite | null {
  if (call(rw, at, to) === null) return null
  return { text: `rk_internal.${rw.ts.tokens[at]?.text}`, next: at + 1 }
}

/**
 * `STDDEV(x)`, `VARIANCE(x)`, ... -> the same over `(x)::double precision`: Redshift's result is
 * DOUBLE PRECISION for any argument (PostgreSQL's NUMERIC for integers and DECIMAL).
 */
export function rewriteFloatAggregate(rw: Rewriter, at: number, to: number): Rewrite | null {
  const { ts } = rw
  const parens = call(rw, at, to)
  if (parens === null) return null
  let first = ts.next(parens.open)
  const quantifier = ts.word(first)
  if (quantifier === 'distinct' || quantifier === 'all') first = ts.next(first)
  if (first < 0 || first >= parens.close || ts.is(first, '*')) return null
  const head = ts.text(at, first - 1)
  return {
    text: `${head}(${rw.render(first, parens.close).trim()})::double precision)`,
    next: parens.close + 1,
  }
}
