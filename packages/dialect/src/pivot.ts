import { quoteIdentifier, quoteLiteral, stringValue } from './lexer.js'
import { item } from './qualify.js'
import type { Rewriter } from './rewriter.js'
import type { TokenStream } from './token-stream.js'

/** The aggregates Redshift allows in PIVOT. */
const PIVOT_AGGREGATES = new Set(['count', 'sum', 'min', 'max', 'avg'])

/** Words that end a FROM list at their level (the clauses that may follow it). */
export const FROM_LIST_ENDS: ReadonlySet<string> = new Set([
  'where',
  'group',
  'having',
  'order',
  'limit',
  'offset',
  'fetch',
  'qualify',
  'window',
  'union',
  'intersect',
  'except',
  'minus',
  'returning',
  'set',
  'values',
])

/** Words that may follow a FROM item and so cannot be its alias. */
export const NOT_ALIASES: ReadonlySet<string> = new Set([
  ...FROM_LIST_ENDS,
  'join',
  'inner',
  'left',
  'right',
  'full',
  'cross',
  'natural',
  'on',
  'using',
  'pivot',
  'unpivot',
  'at',
  'for',
  'select',
  'with',
  'default',
])

const syntax = (message: string) => ({ sqlState: '42601', message })

/** Where the FROM item ending just before `at` starts (after FROM, JOIN or a comma), or -1. */
function itemStart(ts: TokenStream, at: number): number {
  let depth = 0
  let start = -1
  for (let j = ts.prev(at); j >= 0; j = ts.prev(j)) {
    if (ts.is(j, ')')) depth++
    else if (ts.is(j, '(')) {
      if (depth === 0) return -1
      depth--
    } else if (depth === 0 && (ts.is(j, ',') || ts.word(j) === 'from' || ts.word(j) === 'join')) return start
    start = j
  }
  return -1
}

/** The last token of the dotted name starting at `at` (`a`, `a.b`, `a.b.c`). */
function chainEnd(ts: TokenStream, at: number): number {
  let end = at
  while (ts.is(ts.next(end), '.') && ts.name(ts.next(ts.next(end))) !== undefined) end = ts.next(ts.next(end))
  return end
}

/** Output column names of the `(SELECT ...)` at `open`, or null when they are not all named (`*`). */
function subqueryColumns(ts: TokenStream, open: number, close: number): string[] | null {
  const select = ts.next(open)
  if (ts.word(select) !== 'select') return null
  let listStart = ts.next(select)
  const quantifier = ts.word(listStart)
  if (quantifier === 'distinct' || quantifier === 'all') listStart = ts.next(listStart)
  if (ts.word(listStart) === 'top') listStart = ts.next(ts.next(listStart))
  let depth = 0
  let listEnd = close
  for (let j = listStart; j >= 0 && j < close; j = ts.next(j)) {
    if (ts.is(j, '(')) depth++
    else if (ts.is(j, ')')) depth--
    else if (depth === 0 && ts.word(j) === 'from') {
      listEnd = j
      break
    }
  }
  const names: string[] = []
  for (const [first, last] of ts.items(ts.prev(listStart), listEnd)) {
    if (ts.is(last, '*')) return null
    names.push(item(ts, first, last).name)
  }
  return names
}

/** Names in the `( a, b )` at `open`. */
function nameList(ts: TokenStream, open: number): string[] | null {
  const close = ts.closing(open)
  if (close < 0) return null
  const names = ts.items(open, close).map(([first, last]) => (first === last ? ts.name(first) : undefined))
  return names.every((n) => n !== undefined) ? (names as string[]) : null
}

/** Columns of the WITH query `name` defined in this statement, or null. */
function cteColumns(ts: TokenStream, name: string): string[] | null {
  for (let j = ts.sigAt(0); j >= 0; j = ts.next(j)) {
    if (ts.name(j) !== name) continue
    const before = ts.prev(j)
    if (!(ts.is(before, ',') || ts.word(before) === 'with' || ts.word(before) === 'recursive')) continue
    let k = ts.next(j)
    let columns: string[] | null = null
    if (ts.is(k, '(')) {
      columns = nameList(ts, k)
      k = ts.next(ts.closing(k))
    }
    if (ts.word(k) !== 'as' || !ts.is(ts.next(k), '(')) continue
    const open = ts.next(k)
    return columns ?? subqueryColumns(ts, open, ts.closing(open))
  }
  return null
}

/** A FROM item as PIVOT / UNPIVOT needs it: its columns (null: unknown) and whether it has an alias. */
interface Source {
  readonly columns: string[] | null
  readonly aliased: boolean
  readonly label: string
}

/** `t`, `s.t` or `"S"."T"` as `relationColumns` takes it, or undefined for anything else. */
function relationName(ts: TokenStream, first: number, body: number): string | undefined {
  const parts: string[] = []
  for (let k = first; ; k = ts.next(ts.next(k))) {
    const name = ts.name(k)
    if (name === undefined) return undefined
    parts.push(name)
    if (k === body) return parts.join('.')
    if (!ts.is(ts.next(k), '.') || k > body) return undefined
  }
}

function source(rw: Rewriter, first: number, last: number): Source {
  const { ts } = rw
  let body: number
  let columns: string[] | null = null
  let label: string
  if (ts.is(first, '(')) {
    body = ts.closing(first)
    columns = body < 0 ? null : subqueryColumns(ts, first, body)
    label = 'a subquery'
  } else {
    body = chainEnd(ts, first)
    label = `"${ts.text(first, body)}"`
    if (body === first) columns = cteColumns(ts, ts.name(first) as string)
  }
  let k = ts.next(body)
  const aliasColumns =
    body >= 0 && k <= last
      ? ts.is(ts.next(ts.word(k) === 'as' ? ts.next(k) : k), '(')
        ? nameList(ts, ts.next(ts.word(k) === 'as' ? ts.next(k) : k))
        : null
      : null
  if (columns === null && aliasColumns === null && body >= 0 && !ts.is(first, '(')) {
    // A plain table or view: its columns come from the caller's catalog, asked only here.
    const name = relationName(ts, first, body)
    const lookup = rw.options.relationColumns
    const known = name === undefined || lookup === undefined ? undefined : lookup(name)
    if (known !== undefined) columns = [...known]
    else if (name !== undefined && lookup === undefined) rw.needsColumns.add(name)
    else if (name !== undefined) rw.fail({ sqlState: '42P01', message: `relation "${name}" does not exist` })
  }
  if (body < 0 || k > last) return { columns, aliased: false, label }
  if (ts.word(k) === 'as') k = ts.next(k)
  return { columns: aliasColumns ?? columns, aliased: true, label }
}

/** The alias after a PIVOT / UNPIVOT clause closed at `close`: its text (with any column list) and last token. */
function resultAlias(ts: TokenStream, close: number): { text: string | null; last: number } {
  let k = ts.next(close)
  const as = ts.word(k) === 'as'
  if (as) k = ts.next(k)
  const w = ts.word(k)
  if (ts.name(k) === undefined || (!as && w !== undefined && NOT_ALIASES.has(w)))
    return { text: null, last: close }
  let last = k
  if (ts.is(ts.next(k), '(')) last = ts.closing(ts.next(k))
  return { text: ts.text(k, last), last }
}

/** `[first, last]` ends in an alias (`expr AS a` or `expr a`): the alias token, or -1. */
function trailingAlias(ts: TokenStream, first: number, last: number): number {
  if (last === first || ts.name(last) === undefined) return -1
  const before = ts.prev(last)
  if (ts.word(before) === 'as') return last
  const kind = ts.tokens[before]?.kind
  return kind === 'string' || kind === 'number' || ts.is(before, ')') || ts.word(before) === 'null'
    ? last
    : -1
}

/** The column name Redshift gives a PIVOT IN value without alias: a constant's own text, else `?column?`. */
function constantName(ts: TokenStream, first: number, last: number): string {
  if (first !== last) return '?column?'
  const t = ts.tokens[first]
  if (t?.kind === 'string') return stringValue(t) ?? '?column?'
  if (t?.kind === 'number') return t.text
  const w = ts.word(first)
  return w === 'null' || w === 'true' || w === 'false' ? w : '?column?'
}

/** Names referenced in `[from, to]` that are not function names. */
function referencedNames(ts: TokenStream, from: number, to: number, into: Set<string>): void {
  for (let j = from; j >= 0 && j <= to; j = ts.next(j)) {
    const name = ts.name(j)
    if (name !== undefined && !ts.is(ts.next(j), '(')) into.add(name)
  }
}

interface Clause {
  /** The first token of the source FROM item. */
  readonly first: number
  /** The last token of the clause with its alias. */
  readonly last: number
  readonly text: string
}

function sourceText(rw: Rewriter, first: number, last: number, src: Source): string {
  return `${rw.render(first, last + 1)}${src.aliased ? '' : ' AS rk_pivot_source'}`
}

function unknownColumns(keyword: string, src: Source): string {
  return `${keyword} over ${src.label} needs its column names, which redshift-local cannot see there: select the columns by name in a subquery, e.g. FROM (SELECT a, b, c FROM t) ${keyword} (...)`
}

/**
 * `source PIVOT (agg(expr) [[AS] alias] [, ...] FOR col IN (value [[AS] alias], ...)) [[AS] alias]` as a
 * grouped subquery: the source's other columns, then one `agg(expr) FILTER (WHERE col = value)` per value
 * (and aggregate), named as Redshift names them.
 */
function pivot(rw: Rewriter, at: number): Clause | null {
  const { ts } = rw
  const open = ts.next(at)
  const close = ts.is(open, '(') ? ts.closing(open) : -1
  const first = itemStart(ts, at)
  if (close < 0 || first < 0) return null
  let forAt = -1
  let depth = 0
  for (let j = ts.next(open); j >= 0 && j < close; j = ts.next(j)) {
    if (ts.is(j, '(')) depth++
    else if (ts.is(j, ')')) depth--
    else if (depth === 0 && ts.word(j) === 'for') {
      forAt = j
      break
    }
  }
  // `t pivot (a, b)`: a table aliased "pivot" with a column list, not a PIVOT clause.
  if (forAt < 0) return null
  const fail = (message: string): Clause => {
    rw.fail(syntax(message))
    return { first, last: close, text: ts.text(first, close) }
  }
  const src = source(rw, first, ts.prev(at))
  if (src.columns === null) return fail(unknownColumns('PIVOT', src))
  const referenced = new Set<string>()
  const aggregates: { call: string; alias: string | null }[] = []
  for (const [f, l] of ts.items(open, forAt)) {
    const fn = ts.word(f)
    const callOpen = ts.next(f)
    const callClose = ts.is(callOpen, '(') ? ts.closing(callOpen) : -1
    if (fn === undefined || callClose < 0 || !PIVOT_AGGREGATES.has(fn)) {
      return fail('PIVOT needs an aggregate call of COUNT, SUM, MIN, MAX or AVG before FOR')
    }
    const aliasAt = callClose === l ? -1 : trailingAlias(ts, f, l)
    if (
      callClose !== l &&
      (aliasAt < 0 || (ts.prev(aliasAt) !== callClose && ts.prev(ts.prev(aliasAt)) !== callClose))
    ) {
      return fail('PIVOT does not support expressions on top of the aggregate: only agg(expr) [AS alias]')
    }
    referencedNames(ts, ts.next(callOpen), ts.prev(callClose), referenced)
    aggregates.push({
      call: rw.render(f, callClose + 1),
      alias: aliasAt < 0 ? null : (ts.name(aliasAt) as string),
    })
  }
  if (aggregates.length === 0) return fail('PIVOT needs an aggregate before FOR')
  let inAt = -1
  for (let j = ts.next(forAt); j >= 0 && j < close; j = ts.next(j)) {
    if (ts.word(j) === 'in') {
      inAt = j
      break
    }
  }
  const column = ts.next(forAt)
  if (inAt < 0 || column === inAt || chainEnd(ts, column) !== ts.prev(inAt)) {
    return fail('PIVOT needs FOR column IN (values)')
  }
  const forColumn = rw.render(column, ts.prev(inAt) + 1)
  referenced.add(ts.name(ts.prev(inAt)) as string)
  const inOpen = ts.next(inAt)
  const inClose = ts.is(inOpen, '(') ? ts.closing(inOpen) : -1
  if (inClose < 0 || ts.next(inClose) !== close) return fail('PIVOT needs FOR column IN (values)')
  const columns: string[] = []
  for (const [f, l] of ts.items(inOpen, inClose)) {
    const aliasAt = trailingAlias(ts, f, l)
    const valueLast =
      aliasAt < 0 ? l : ts.word(ts.prev(aliasAt)) === 'as' ? ts.prev(ts.prev(aliasAt)) : ts.prev(aliasAt)
    for (let j = f; j >= 0 && j <= valueLast; j = ts.next(j)) {
      const w = ts.word(j)
      if (w === 'select') return fail('PIVOT IN list values cannot be subqueries')
      const isConstantWord = w === 'null' || w === 'true' || w === 'false'
      const typeName = ts.is(ts.prev(j), '::') || ts.tokens[ts.next(j)]?.kind === 'string'
      if (ts.name(j) !== undefined && !isConstantWord && !typeName && !ts.is(ts.next(j), '(')) {
        return fail('PIVOT IN list values cannot be column references: use constants')
      }
    }
    const name = aliasAt < 0 ? constantName(ts, f, valueLast) : (ts.name(aliasAt) as string)
    const isNull = f === valueLast && ts.word(f) === 'null'
    const cond = isNull ? `${forColumn} IS NULL` : `${forColumn} = (${rw.render(f, valueLast + 1)})`
    for (const a of aggregates) {
      const out = a.alias === null ? name : `${name}_${a.alias}`
      columns.push(`${a.call} FILTER (WHERE ${cond}) AS ${quoteIdentifier(out)}`)
    }
  }
  if (columns.length === 0) return fail('PIVOT needs at least one value in its IN list')
  const implicit = src.columns.filter((c) => !referenced.has(c)).map(quoteIdentifier)
  const alias = resultAlias(ts, close)
  const groupBy = implicit.length === 0 ? '' : ` GROUP BY ${implicit.join(', ')}`
  const list = [...implicit, ...columns].join(', ')
  const text = `(SELECT ${list} FROM ${sourceText(rw, first, ts.prev(at), src)}${groupBy}) AS ${alias.text ?? 'rk_pivot'}`
  return { first, last: alias.last, text }
}

/**
 * `source UNPIVOT [INCLUDE NULLS | EXCLUDE NULLS] (value FOR name IN (col [[AS] alias], ...)) [[AS] alias]`
 * as the source's other columns joined to a VALUES row per listed column: `name` is the column's name (or
 * its alias) as VARCHAR, `value` its value; NULL values give no row unless INCLUDE NULLS.
 */
function unpivot(rw: Rewriter, at: number): Clause | null {
  const { ts } = rw
  let open = ts.next(at)
  let includeNulls = false
  const mode = ts.word(open)
  if ((mode === 'include' || mode === 'exclude') && ts.word(ts.next(open)) === 'nulls') {
    includeNulls = mode === 'include'
    open = ts.next(ts.next(open))
  }
  const close = ts.is(open, '(') ? ts.closing(open) : -1
  const first = itemStart(ts, at)
  // `UNPIVOT expr AS v AT a` right after FROM or a comma is the SUPER object form (see super-paths.ts).
  if (close < 0 || first < 0) return null
  const fail = (message: string): Clause => {
    rw.fail(syntax(message))
    return { first, last: close, text: ts.text(first, close) }
  }
  const valueName = ts.name(ts.next(open))
  const forAt = ts.next(ts.next(open))
  const nameName = ts.name(ts.next(forAt))
  const inAt = ts.next(ts.next(forAt))
  const inOpen = ts.next(inAt)
  if (
    valueName === undefined ||
    ts.word(forAt) !== 'for' ||
    nameName === undefined ||
    ts.word(inAt) !== 'in'
  ) {
    return fail('UNPIVOT needs (value_column FOR name_column IN (columns))')
  }
  const inClose = ts.is(inOpen, '(') ? ts.closing(inOpen) : -1
  if (inClose < 0 || ts.next(inClose) !== close)
    return fail('UNPIVOT needs (value_column FOR name_column IN (columns))')
  const src = source(rw, first, ts.prev(at))
  if (src.columns === null) return fail(unknownColumns('UNPIVOT', src))
  const listed = new Set<string>()
  const rows: string[] = []
  for (const [f, l] of ts.items(inOpen, inClose)) {
    const end = chainEnd(ts, f)
    let aliasAt = end === l ? -1 : ts.next(end)
    if (ts.word(aliasAt) === 'as') aliasAt = ts.next(aliasAt)
    const aliasToken = ts.tokens[aliasAt]
    const alias =
      aliasAt < 0 ? undefined : (ts.name(aliasAt) ?? (aliasToken ? stringValue(aliasToken) : null))
    if (
      ts.name(f) === undefined ||
      (aliasAt >= 0 && (aliasAt !== l || alias === null || alias === undefined))
    ) {
      return fail(
        'the UNPIVOT IN list must contain only input column references, each with an optional alias',
      )
    }
    const name = ts.name(end) as string
    listed.add(name)
    rows.push(`(${quoteLiteral(alias ?? name)}::varchar, ${rw.render(f, end + 1)})`)
  }
  if (rows.length === 0) return fail('UNPIVOT needs at least one column in its IN list')
  const implicit = src.columns.filter((c) => !listed.has(c)).map(quoteIdentifier)
  const list = [
    ...implicit,
    `rk_unpivot.rk_name AS ${quoteIdentifier(nameName)}`,
    `rk_unpivot.rk_value AS ${quoteIdentifier(valueName)}`,
  ]
  const filter = includeNulls ? '' : ' WHERE rk_unpivot.rk_value IS NOT NULL'
  const alias = resultAlias(ts, close)
  const text = `(SELECT ${list.join(', ')} FROM ${sourceText(rw, first, ts.prev(at), src)} CROSS JOIN LATERAL (VALUES ${rows.join(', ')}) AS rk_unpivot(rk_name, rk_value)${filter}) AS ${alias.text ?? 'rk_unpivot_result'}`
  return { first, last: alias.last, text }
}

/**
 * Rewrites every tabular PIVOT / UNPIVOT of the statement (Redshift's FROM-clause operators, which
 * PostgreSQL lacks) into a subquery in its FROM item's place. Both need the source's column names for
 * its implicit columns: the translation knows them for a subquery naming its columns, a WITH query of
 * the statement, or an alias with a column list; for a plain table or view it asks
 * `TranslateContext.relationColumns`, and without one fails saying so, naming the relation in
 * `needsColumns` (the gateway then looks it up and translates again).
 *
 * @example
 * // SELECT * FROM (SELECT partname, price FROM part) PIVOT (AVG(price) FOR partname IN ('prop', 'wing'))
 * // -> SELECT * FROM (SELECT avg(price) FILTER (WHERE partname = ('prop')) AS "prop", ... FROM (...) AS rk_pivot_source) AS rk_pivot
 */
export function rewritePivots(rw: Rewriter): void {
  const { ts } = rw
  for (let j = ts.sigAt(0); j >= 0; j = ts.next(j)) {
    const w = ts.word(j)
    if (w !== 'pivot' && w !== 'unpivot') continue
    const before = ts.prev(j)
    if (ts.is(before, ',') || ts.word(before) === 'from' || ts.word(before) === 'join' || ts.is(before, '.'))
      continue
    const clause = w === 'pivot' ? pivot(rw, j) : unpivot(rw, j)
    if (clause === null) continue
    if (rw.error !== undefined) return
    // Registered at once: a clause inside the source of a later one is rendered into it.
    rw.replace(clause.first, clause.last + 1, clause.text)
  }
}
