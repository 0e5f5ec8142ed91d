import type { Rewrite, Rewriter } from './rewriter.js'
import type { TokenStream } from './token-stream.js'

const SET_OPERATORS = new Set(['union', 'intersect', 'except', 'minus'])

/**
 * Where the SELECT starting at `select` ends: the `)` closing its parentheses, a top-level `;`, a set
 * operator joining it to another query, or `to`.
 */
export function selectEnd(ts: TokenStream, select: number, to: number): number {
  let depth = 0
  for (let j = ts.next(select); j >= 0 && j < to; j = ts.next(j)) {
    if (ts.is(j, '(')) depth++
    else if (ts.is(j, ')')) {
      if (depth === 0) return j
      depth--
    } else if (depth === 0 && (ts.is(j, ';') || SET_OPERATORS.has(ts.word(j) as string))) {
      return j
    }
  }
  return to
}

/** True when the SELECT at `select` is the right operand of UNION / INTERSECT / EXCEPT / MINUS. */
function followsSetOperator(ts: TokenStream, select: number): boolean {
  let prev = ts.prev(select)
  const w = ts.word(prev)
  if (w === 'all' || w === 'distinct') prev = ts.prev(prev)
  return SET_OPERATORS.has(ts.word(prev) as string)
}

/**
 * `SELECT [DISTINCT|ALL] TOP n ...` -> `SELECT [DISTINCT|ALL] ... LIMIT n`, the LIMIT going at the end of
 * that SELECT (after its ORDER BY; inside the parentheses of a subquery). A SELECT that is one operand of
 * a set operation is parenthesised so its LIMIT stays its own.
 */
export function rewriteTop(rw: Rewriter, select: number, to: number): Rewrite | null {
  const { ts } = rw
  let top = ts.next(select)
  const quantifier = ts.word(top)
  if (quantifier === 'distinct' || quantifier === 'all') top = ts.next(top)
  if (ts.word(top) !== 'top') return null
  const count = ts.next(top)
  if (ts.tokens[count]?.kind !== 'number' || count >= to) return null
  const end = selectEnd(ts, select, to)
  const last = ts.prev(end)
  if (last <= count) return null
  const wrap = followsSetOperator(ts, select) || SET_OPERATORS.has(ts.word(end) as string)
  const head = ts.sql.slice(ts.tokens[select]!.start, ts.tokens[top]!.start)
  // Drop `TOP n` and the whitespace after it, keeping everything else as written.
  let rest = count + 1
  if (ts.tokens[rest]?.kind === 'whitespace') rest++
  const body = rw.render(rest, last + 1)
  const limit = ` LIMIT ${ts.tokens[count]!.text}`
  return {
    text: wrap ? `(${head}${body}${limit})` : `${head}${body}${limit}`,
    next: last + 1,
  }
}

/** The ORDER BY items of a WITHIN GROUP clause, as a significant-token range, or null when malformed. */
function withinGroupOrder(ts: TokenStream, open: number, close: number): readonly [number, number] | null {
  const order = ts.next(open)
  const by = ts.next(order)
  if (ts.word(order) !== 'order' || ts.word(by) !== 'by') return null
  const first = ts.next(by)
  const last = ts.prev(close)
  return first < 0 || first > last ? null : [first, last]
}

const ORDER_MODIFIERS = new Set(['asc', 'desc', 'nulls', 'first', 'last'])

/**
 * With DISTINCT, PostgreSQL wants the ORDER BY expression to be the aggregated one, `(expr)::text`.
 * Returns the token where the modifiers (ASC, NULLS LAST) start when the ORDER BY is `expr` itself.
 */
function orderedByValue(
  ts: TokenStream,
  value: readonly [number, number],
  order: readonly [number, number],
): number {
  let j = order[0]
  for (let v = value[0]; v >= 0 && v <= value[1]; v = ts.next(v)) {
    if (j < 0 || j > order[1] || ts.tokens[j]?.text !== ts.tokens[v]?.text) return -1
    j = ts.next(j)
  }
  for (let k = j; k >= 0 && k <= order[1]; k = ts.next(k)) {
    if (!ORDER_MODIFIERS.has(ts.word(k) as string)) return -1
  }
  return j
}

/**
 * `LISTAGG([DISTINCT] expr [, delimiter]) [WITHIN GROUP (ORDER BY ...)] [OVER (...)]` ->
 * `string_agg([DISTINCT] (expr)::text, delimiter [ORDER BY ...])`. As a window function, PostgreSQL has
 * no ORDER BY inside an aggregate, so the ordering moves into OVER with a frame covering the whole
 * partition (Redshift allows only PARTITION BY there, so nothing is lost).
 */
export function rewriteListagg(rw: Rewriter, at: number, to: number): Rewrite | null {
  const { ts } = rw
  if (ts.is(ts.prev(at), '.')) return null
  const open = ts.next(at)
  if (!ts.is(open, '(')) return null
  const close = ts.closing(open, to)
  if (close < 0) return null
  const args = ts.items(open, close)
  const [valueArg, delimiterArg] = args
  if (valueArg === undefined || args.length > 2) return null
  let [valueFrom, valueLast] = valueArg
  const quantifier = ts.word(valueFrom)
  const distinct = quantifier === 'distinct'
  if (distinct || quantifier === 'all') valueFrom = ts.next(valueFrom)
  if (valueFrom > valueLast) return null
  const value = rw.renderItem(valueFrom, valueLast)
  const delimiter = delimiterArg ? rw.renderItem(delimiterArg[0], delimiterArg[1]) : "''"

  let next = close + 1
  let order: string | null = null
  const within = ts.next(close)
  if (ts.word(within) === 'within' && ts.word(ts.next(within)) === 'group') {
    const groupOpen = ts.next(ts.next(within))
    const groupClose = ts.is(groupOpen, '(') ? ts.closing(groupOpen, to) : -1
    const range = groupClose < 0 ? null : withinGroupOrder(ts, groupOpen, groupClose)
    if (range === null) return null
    const modifiers = distinct ? orderedByValue(ts, [valueFrom, valueLast], range) : -1
    if (modifiers < 0 || modifiers > range[1]) {
      order = modifiers < 0 ? rw.renderItem(range[0], range[1]) : `(${value})::text`
    } else {
      order = `(${value})::text ${ts.text(modifiers, range[1])}`
    }
    next = groupClose + 1
  }
  const call = `string_agg(${distinct ? 'DISTINCT ' : ''}(${value})::text, ${delimiter}`

  const over = ts.sigAt(next)
  const overOpen = ts.next(over)
  if (ts.word(over) === 'over' && ts.is(overOpen, '(') && over < to) {
    const overClose = ts.closing(overOpen, to)
    if (overClose < 0) return null
    const inner = overOpen + 1 < overClose ? rw.render(overOpen + 1, overClose) : ''
    const window =
      order === null
        ? inner
        : `${inner.trimEnd()} ORDER BY ${order} ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING`
    return { text: `${call}) OVER (${window})`, next: overClose + 1 }
  }
  return { text: `${call}${order === null ? '' : ` ORDER BY ${order}`})`, next }
}
