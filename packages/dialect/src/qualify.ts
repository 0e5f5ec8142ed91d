import { quoteIdentifier } from './lexer.js'
import type { Rewrite, Rewriter } from './rewriter.js'
import { selectEnd } from './select-rewrites.js'
import type { TokenStream } from './token-stream.js'

/** Clauses that may follow QUALIFY; the condition ends at the first of them. */
const AFTER_QUALIFY = new Set(['order', 'limit', 'offset', 'fetch'])
/** Clauses that end the FROM list. */
const AFTER_FROM = new Set(['where', 'group', 'having', 'window', 'qualify'])
/** Words that end an expression rather than name its column (`CASE ... END`, `x IS NULL`). */
const NOT_BARE_ALIASES = new Set([
  'end',
  'null',
  'true',
  'false',
  'unknown',
  'current_date',
  'current_timestamp',
])

const unsupported = (message: string) => ({ sqlState: '0A000', message })

/** Depth-0 significant tokens of `[from, to)`, in order. */
function topLevel(ts: TokenStream, from: number, to: number): number[] {
  const out: number[] = []
  let depth = 0
  for (let j = ts.sigAt(from); j >= 0 && j < to; j = ts.next(j)) {
    if (ts.is(j, '(') || ts.is(j, '[')) depth++
    else if (ts.is(j, ')') || ts.is(j, ']')) depth--
    else if (depth === 0) out.push(j)
  }
  return out
}

/** A select-list item: the expression's tokens and the column name the engine would give it. */
export interface Item {
  readonly first: number
  readonly last: number
  readonly name: string
}

/** The output name of `[first, last]`: its alias, a column's own name, a function's name, or `?column?`. */
export function item(ts: TokenStream, first: number, last: number): Item {
  const lastName = ts.name(last)
  const before = ts.prev(last)
  if (lastName !== undefined && last !== first) {
    if (ts.word(before) === 'as') return { first, last: ts.prev(before), name: lastName }
    const bare = ts.word(last) === undefined || !NOT_BARE_ALIASES.has(ts.word(last) as string)
    if (bare && !ts.is(before, '.') && ts.tokens[before]?.kind !== 'operator') {
      return { first, last: before, name: lastName }
    }
  }
  if (lastName !== undefined && (last === first || ts.is(before, '.'))) return { first, last, name: lastName }
  const open = ts.next(first)
  if (ts.name(first) !== undefined && ts.is(open, '(') && ts.closing(open) === last) {
    return { first, last, name: ts.name(first) as string }
  }
  return { first, last, name: '?column?' }
}

/**
 * The one relation of a FROM list (`t`, `s.t [AS] a`, `(subquery) [AS] a`) as the name a whole-row
 * reference needs, or null when the FROM list joins several.
 */
function singleRelation(ts: TokenStream, from: number, end: number): string | null {
  const tokens = topLevel(ts, ts.next(from), end)
  const stop = tokens.findIndex((j) => AFTER_FROM.has(ts.word(j) as string))
  const rel = stop < 0 ? tokens : tokens.slice(0, stop)
  if (rel.some((j) => ts.is(j, ',') || ts.word(j) === 'join')) return null
  const last = rel[rel.length - 1]
  return last === undefined ? null : (ts.name(last) ?? null)
}

/**
 * `SELECT ... FROM ... [WHERE] [GROUP BY] [HAVING] QUALIFY cond [ORDER BY] [LIMIT]`, which PostgreSQL
 * lacks, as a filter over a subquery:
 *
 * - a select list of named items: the inner query names each item (`AS "name"`) and computes the
 *   condition when it holds a window function (`... AS rk_qualify`); the outer query selects the names
 *   and filters; a condition without a window function is evaluated outside, so it may use the
 *   select list's aliases, as Redshift allows;
 * - `SELECT *` (or `t.*`) over one relation: the inner query carries the relation's whole row, the
 *   outer one expands it.
 *
 * ORDER BY and LIMIT/OFFSET apply after the filter; `TOP n` becomes the outer LIMIT. Anything else
 * (`*` over a join, `*` next to other items) is answered with an error saying so.
 */
export function rewriteQualify(rw: Rewriter, select: number, to: number): Rewrite | null {
  const { ts } = rw
  // A SELECT with nothing after it has no QUALIFY (and scanning from "no next token" would find the
  // words before it, whose rendering would come back here).
  if (ts.next(select) < 0) return null
  const end = selectEnd(ts, select, to)
  const level = topLevel(ts, ts.next(select), end)
  const qualifyAt = level.findIndex((j) => ts.word(j) === 'qualify')
  if (qualifyAt < 0) return null
  const fail = (message: string): Rewrite => {
    rw.fail(unsupported(message))
    return { text: ts.text(select, ts.prev(end)), next: ts.prev(end) + 1 }
  }
  const qualify = level[qualifyAt] as number
  const from = level.find((j) => ts.word(j) === 'from')
  if (from === undefined || from > qualify) return fail('QUALIFY needs a FROM clause')
  let listStart = ts.next(select)
  const quantifier = ts.word(listStart)
  if (quantifier === 'distinct')
    return fail('SELECT DISTINCT with QUALIFY is not available in redshift-local')
  if (quantifier === 'all') listStart = ts.next(listStart)
  let topLimit = ''
  if (ts.word(listStart) === 'top' && ts.tokens[ts.next(listStart)]?.kind === 'number') {
    topLimit = ts.tokens[ts.next(listStart)]?.text as string
    listStart = ts.next(ts.next(listStart))
  }
  const tail = level.slice(qualifyAt + 1).find((j) => AFTER_QUALIFY.has(ts.word(j) as string)) ?? end
  const condLast = ts.prev(tail)
  if (condLast <= qualify) return fail('QUALIFY needs a condition')
  const cond = rw.render(ts.next(qualify), condLast + 1)
  const hasWindow = condHasOver(ts, qualify, tail)
  const hasLimit = level.slice(qualifyAt + 1).some((j) => ts.word(j) === 'limit' || ts.word(j) === 'fetch')
  const source = rw.render(from, ts.prev(qualify) + 1)
  let after = tail < end ? ` ${rw.render(tail, ts.prev(end) + 1)}` : ''
  if (topLimit !== '') {
    if (hasLimit) return fail('TOP and LIMIT cannot be used together')
    after += ` LIMIT ${topLimit}`
  }
  const items = ts.items(listStart - 1, from)
  const star = items.length === 1 ? starOf(ts, items[0] as readonly [number, number]) : undefined
  let inner: string
  let outer: string
  let filter: string
  if (star !== undefined) {
    const relation = star ?? singleRelation(ts, from, qualify)
    if (relation === null) {
      return fail(
        'QUALIFY with SELECT * over several relations is not available in redshift-local: name the columns',
      )
    }
    inner = `SELECT ${quoteIdentifier(relation)} AS rk_row, (${cond}) AS rk_qualify ${source}`
    outer = '(rk_q.rk_row).*'
    filter = 'rk_q.rk_qualify'
    // ORDER BY names the relation's columns: sort inside, where they are in scope (the filter keeps the order).
    if (tail < end && ts.word(tail) === 'order') {
      const limitAt = level
        .slice(qualifyAt + 1)
        .find((j) => j > tail && ts.word(j) !== 'order' && AFTER_QUALIFY.has(ts.word(j) as string))
      const orderEnd = limitAt ?? end
      inner += ` ${rw.render(tail, ts.prev(orderEnd) + 1)}`
      after = limitAt === undefined ? '' : ` ${rw.render(limitAt, ts.prev(end) + 1)}`
      if (topLimit !== '') after += ` LIMIT ${topLimit}`
    }
  } else {
    const named = items.map(([first, last]) => item(ts, first, last))
    if (named.some((i) => ts.is(i.last, '*'))) {
      return fail(
        'QUALIFY with * next to other select items is not available in redshift-local: name the columns',
      )
    }
    const names = named.map((i) => i.name)
    if (new Set(names).size !== names.length) {
      return fail('QUALIFY needs distinct column names in the select list (add aliases)')
    }
    const list = named.map((i) => `${rw.render(i.first, i.last + 1)} AS ${quoteIdentifier(i.name)}`)
    // A condition naming a select-list alias (`QUALIFY rn = 1`) is evaluated outside, where the aliases
    // are the columns; any other is evaluated with the query's own FROM in scope.
    const outside = !hasWindow && usesAlias(ts, qualify, tail, named)
    inner = `SELECT ${list.join(', ')}${outside ? '' : `, (${cond}) AS rk_qualify`} ${source}`
    outer = names.map((n) => `rk_q.${quoteIdentifier(n)}`).join(', ')
    filter = outside ? `(${cond})` : 'rk_q.rk_qualify'
  }
  const head = `SELECT ${outer} FROM (${inner}) AS rk_q WHERE ${filter}${after}`
  return { text: head, next: ts.prev(end) + 1 }
}

/** `*` alone: undefined when the item is not a star; null for `*`, the qualifier for `t.*`. */
function starOf(ts: TokenStream, [first, last]: readonly [number, number]): string | null | undefined {
  if (first === last && ts.is(first, '*')) return null
  if (ts.is(last, '*') && ts.is(ts.prev(last), '.') && ts.prev(ts.prev(last)) === first)
    return ts.name(first) ?? undefined
  return undefined
}

/** True when the QUALIFY condition calls a window function (`... OVER`). */
function condHasOver(ts: TokenStream, qualify: number, tail: number): boolean {
  for (let j = ts.next(qualify); j >= 0 && j < tail; j = ts.next(j)) if (ts.word(j) === 'over') return true
  return false
}

/** True when the condition names, unqualified, an alias the select list gives (`AS rn`, `count(*) n`). */
function usesAlias(ts: TokenStream, qualify: number, tail: number, items: readonly Item[]): boolean {
  const aliases = new Set(
    items.filter((i) => ts.next(i.last) >= 0 && ts.name(i.last) !== i.name).map((i) => i.name),
  )
  for (let j = ts.next(qualify); j >= 0 && j < tail; j = ts.next(j)) {
    const name = ts.name(j)
    if (name !== undefined && aliases.has(name) && !ts.is(ts.prev(j), '.') && !ts.is(ts.next(j), '('))
      return true
  }
  return false
}
