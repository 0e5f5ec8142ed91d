import type { Rewrite, Rewriter } from './rewriter.js'

/** Words that may not appear in a percentile's OVER clause: Redshift allows only PARTITION BY there. */
const FRAME_WORDS = new Set(['order', 'rows', 'range', 'groups'])

/**
 * `PERCENTILE_CONT(p) / PERCENTILE_DISC(p) WITHIN GROUP (ORDER BY x [ASC | DESC]) OVER ([PARTITION BY ...])`
 * -> `rk_internal.percentile_cont(p, array_agg(x) OVER (... ORDER BY x ... whole partition), count(x) OVER (...))`:
 * PostgreSQL's ordered-set aggregates cannot take OVER, so the window sorts the partition (once) and the
 * engine function (percentile-functions-sql.ts) picks or interpolates the value.
 *
 * Without OVER, `PERCENTILE_CONT(p) ... ORDER BY x DESC` -> `PERCENTILE_CONT(1 - (p)) ... ORDER BY x`
 * (the same value): the aggregates the engine adds for DECIMAL, DATE and TIMESTAMP cannot see the
 * direction. Anything else is left as written.
 */
export function rewritePercentile(rw: Rewriter, at: number, to: number): Rewrite | null {
  const { ts } = rw
  if (ts.is(ts.prev(at), '.')) return null
  const name = ts.word(at)
  const open = ts.next(at)
  const close = ts.is(open, '(') ? ts.closing(open, to) : -1
  const within = ts.next(close)
  if (close < 0 || ts.next(open) === close || ts.word(within) !== 'within') return null
  const group = ts.next(within)
  const groupOpen = ts.next(group)
  const groupClose = ts.word(group) === 'group' && ts.is(groupOpen, '(') ? ts.closing(groupOpen, to) : -1
  const order = ts.next(groupOpen)
  const by = ts.next(order)
  if (groupClose < 0 || ts.word(order) !== 'order' || ts.word(by) !== 'by') return null
  let last = ts.prev(groupClose)
  const direction = ts.word(last)
  if (direction === 'asc' || direction === 'desc') last = ts.prev(last)
  const first = ts.next(by)
  if (first < 0 || first > last) return null
  const desc = direction === 'desc'
  const p = rw.render(ts.next(open), close)
  const value = rw.render(first, last + 1)

  const over = ts.next(groupClose)
  if (ts.word(over) !== 'over') {
    if (name !== 'percentile_cont' || !desc) return null
    return {
      text: `pg_catalog.percentile_cont(1 - (${p})) WITHIN GROUP (ORDER BY ${value})`,
      next: groupClose + 1,
    }
  }
  const windowOpen = ts.next(over)
  const windowClose = ts.is(windowOpen, '(') ? ts.closing(windowOpen, to) : -1
  if (windowClose < 0) return null
  let depth = 0
  for (let j = ts.next(windowOpen); j >= 0 && j < windowClose; j = ts.next(j)) {
    if (ts.is(j, '(')) depth++
    else if (ts.is(j, ')')) depth--
    else if (depth === 0 && FRAME_WORDS.has(ts.word(j) as string)) return null
  }
  const partition = rw.render(ts.next(windowOpen), windowClose).trim()
  const sorted = `${partition} ORDER BY ${value} ${desc ? 'DESC' : 'ASC'} NULLS LAST ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING`
  return {
    text: `rk_internal.${name}((${p})::double precision, pg_catalog.array_agg(${value}) OVER (${sorted.trim()}), pg_catalog.count(${value}) OVER (${partition}))`,
    next: windowClose + 1,
  }
}
