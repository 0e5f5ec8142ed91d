import { quoteIdentifier, quoteLiteral } from './lexer.js'
import { FROM_LIST_ENDS, NOT_ALIASES } from './pivot.js'
import type { Rewriter } from './rewriter.js'
import type { TokenStream } from './token-stream.js'

/**
 * Redshift's PartiQL access to SUPER values, which PostgreSQL spells differently (SUPER is a jsonb clone
 * there, see engine-sql/types-sql.ts):
 *
 * - navigation `c.attr.sub`, `c[0].attr`, `t.c.attr` -> jsonb subscripts `c['attr']['sub']`, which are
 *   lax as Redshift's are (a missing attribute, a wrong type or an index out of bounds gives NULL);
 * - unnesting in FROM, `FROM t, t.c AS x [AT i]` -> a LATERAL subquery over `jsonb_array_elements`
 *   (`x` the element, `i` its 0-based index; a value that is not an array gives no row);
 * - object unpivoting, `FROM t, UNPIVOT t.obj AS v AT a` -> a LATERAL subquery over `jsonb_each`.
 *
 * How a dotted name is read (the translation sees no catalog, only the statement):
 * - `a.b` in FROM is unnesting when `a` is a relation or alias of the statement, else `schema.table`;
 *   a single name in FROM that is an unnesting alias (`..., x AS y`) unnests it again;
 * - in an expression, `a.b...` starting with an unnesting alias navigates the element; starting with a
 *   relation or alias, `a.b` is its column (`s.t.c` too when FROM has `s.t`) and the rest navigates it;
 *   starting with anything else, `a` is a column and `.b...` navigates it. A name is a relation when it
 *   is written as one anywhere in the statement (FROM, JOIN, INTO, UPDATE, USING, WITH), whatever scope.
 * Function calls (`s.f(x)`), `t.*`, type names (`::s.t`, `AS s.t` in CAST) are left alone.
 */

/** Words after which a FROM-like item (a relation) is named. */
const ITEM_LEADERS = new Set([
  'from',
  'join',
  'into',
  'update',
  'table',
  'view',
  'like',
  'references',
  'using',
])
interface FromItem {
  readonly first: number
  /** The last token of the item (alias, column list and AT index included). */
  readonly last: number
  /** The dotted name (`a`, `a.b`, ...) or null for a subquery / function item. */
  readonly parts: readonly string[] | null
  readonly chainLast: number
  readonly alias: string | null
  readonly index: string | null
  /** `UNPIVOT expr AS v AT a` (SUPER objects). */
  readonly unpivot: boolean
  kind: 'relation' | 'unnest' | 'unpivot' | 'other'
}

interface Path {
  readonly first: number
  readonly last: number
  /** A whole select-list item without alias: it takes the last attribute's name, as on Redshift. */
  readonly selectItem: boolean
}

/** The alias, column list and AT index after token `after`; returns the item's last token. */
function itemTail(
  ts: TokenStream,
  after: number,
): { alias: string | null; index: string | null; last: number } {
  let k = ts.next(after)
  let last = after
  let alias: string | null = null
  let index: string | null = null
  const as = ts.word(k) === 'as'
  if (as) k = ts.next(k)
  const w = ts.word(k)
  if (ts.name(k) !== undefined && (as || w === undefined || !NOT_ALIASES.has(w))) {
    alias = ts.name(k) as string
    last = k
    if (ts.is(ts.next(k), '(')) {
      const close = ts.closing(ts.next(k))
      // Unbalanced: the item ends at its alias (the engine reports the syntax error).
      if (close < 0) return { alias, index, last }
      last = close
    }
    k = ts.next(last)
  }
  if (ts.word(k) === 'at' && ts.name(ts.next(k)) !== undefined) {
    index = ts.name(ts.next(k)) as string
    last = ts.next(k)
  }
  return { alias, index, last }
}

/** The dotted name at `at` (no subscripts): its parts and last token, or null when it is a call. */
function dotted(ts: TokenStream, at: number): { parts: string[]; last: number } | null {
  const parts = [ts.name(at) as string]
  let last = at
  while (ts.is(ts.next(last), '.') && ts.name(ts.next(ts.next(last))) !== undefined) {
    last = ts.next(ts.next(last))
    parts.push(ts.name(last) as string)
  }
  return ts.is(ts.next(last), '(') ? null : { parts, last }
}

function parseItem(ts: TokenStream, at: number): FromItem | null {
  let k = at
  if (ts.word(k) === 'lateral' || ts.word(k) === 'only') k = ts.next(k)
  if (ts.word(k) === 'unpivot' && !ts.is(ts.next(k), '(')) {
    const expr = ts.next(k)
    const chain = ts.name(expr) === undefined ? null : pathEnd(ts, expr)
    if (chain === null) return null
    const tail = itemTail(ts, chain)
    return {
      first: k,
      last: tail.last,
      parts: null,
      chainLast: chain,
      alias: tail.alias,
      index: tail.index,
      unpivot: true,
      kind: 'unpivot',
    }
  }
  if (ts.is(k, '(')) {
    const close = ts.closing(k)
    if (close < 0) return null
    const tail = itemTail(ts, close)
    return {
      first: k,
      last: tail.last,
      parts: null,
      chainLast: close,
      alias: tail.alias,
      index: null,
      unpivot: false,
      kind: 'other',
    }
  }
  if (ts.name(k) === undefined) return null
  const chain = dotted(ts, k)
  if (chain === null) {
    // A function in FROM: only its alias matters.
    let end = k
    while (!ts.is(ts.next(end), '(')) end = ts.next(end)
    const close = ts.closing(ts.next(end))
    if (close < 0) return null
    const tail = itemTail(ts, close)
    return {
      first: k,
      last: tail.last,
      parts: null,
      chainLast: close,
      alias: tail.alias,
      index: null,
      unpivot: false,
      kind: 'other',
    }
  }
  const tail = itemTail(ts, chain.last)
  return {
    first: k,
    last: tail.last,
    parts: chain.parts,
    chainLast: chain.last,
    alias: tail.alias,
    index: tail.index,
    unpivot: false,
    kind: 'relation',
  }
}

/** The last token of the navigation path at `at`: names joined by `.`, and `[...]` subscripts. */
function pathEnd(ts: TokenStream, at: number): number {
  let last = at
  for (;;) {
    const n = ts.next(last)
    if (ts.is(n, '.') && ts.name(ts.next(n)) !== undefined) last = ts.next(n)
    else if (ts.is(n, '[')) {
      const close = closingBracket(ts, n)
      if (close < 0) return last
      last = close
    } else return last
  }
}

function closingBracket(ts: TokenStream, open: number): number {
  let depth = 0
  for (let j = open; j >= 0; j = ts.next(j)) {
    if (ts.is(j, '[')) depth++
    else if (ts.is(j, ']')) {
      depth--
      if (depth === 0) return j
    }
  }
  return -1
}

/** The segments of the path `[first, last]`: the names and the `[` of each subscript. */
function segmentsOf(ts: TokenStream, first: number, last: number): { names: number[]; segments: number[] } {
  const names = [first]
  const segments: number[] = []
  let j = first
  while (j < last) {
    const n = ts.next(j)
    if (ts.is(n, '.')) {
      j = ts.next(n)
      names.push(j)
      segments.push(j)
    } else {
      segments.push(n)
      j = closingBracket(ts, n)
    }
  }
  return { names, segments }
}

/**
 * Rewrites the statement's SUPER navigation, unnesting and object unpivoting (see the module comment).
 * Does nothing to a statement without them.
 *
 * @example
 * // SELECT c.c_orders[0].o_orderkey FROM customer_orders_lineitem c
 * // -> SELECT c.c_orders[0]['o_orderkey'] AS "o_orderkey" FROM customer_orders_lineitem c
 */
export function rewriteSuperPaths(rw: Rewriter): void {
  const { ts } = rw
  const items: FromItem[] = []
  const ctes = new Set<string>()
  const inItem = new Set<number>()
  const paths: Path[] = []
  const pivotAliases = new Set<string>()
  // Per parenthesis depth: a SELECT was seen, the FROM list is being read, the select list is.
  const selectSeen: boolean[] = [false]
  const fromList: boolean[] = [false]
  const selectList: boolean[] = [false]
  let depth = 0
  const firstWord = ts.word(ts.sigAt(0))
  // QUALIFY names its select items itself (qualify.ts), with the same last-attribute name.
  let qualify = false
  const addItem = (at: number): void => {
    const it = at < 0 ? null : parseItem(ts, at)
    if (it === null) return
    items.push(it)
    if (it.parts !== null || it.unpivot)
      for (let j = it.first; j >= 0 && j <= it.chainLast; j = ts.next(j)) inItem.add(j)
  }
  for (let j = ts.sigAt(0); j >= 0; j = ts.next(j)) {
    if (ts.is(j, '(')) {
      const before = ts.prev(j)
      const inFrom =
        fromList[depth] === true &&
        (ts.word(before) === 'from' || ts.word(before) === 'join' || ts.is(before, ',') || ts.is(before, '('))
      depth++
      const inner = ts.word(ts.next(j))
      // `FROM (a JOIN b ON ...)`: a parenthesised FROM list of its own.
      const joinGroup = inFrom && inner !== 'select' && inner !== 'with' && inner !== 'values'
      selectSeen[depth] = joinGroup
      fromList[depth] = joinGroup
      selectList[depth] = false
      if (joinGroup) addItem(ts.next(j))
      continue
    }
    if (ts.is(j, ')')) {
      depth = Math.max(0, depth - 1)
      continue
    }
    const w = ts.word(j)
    if (w === 'select') {
      selectSeen[depth] = true
      selectList[depth] = true
      fromList[depth] = false
      continue
    }
    if (w !== undefined && ITEM_LEADERS.has(w)) {
      const isFrom = w === 'from'
      const prev = ts.prev(j)
      // FROM of a SELECT or DELETE, or UPDATE's own FROM; not `IS DISTINCT FROM`, `EXTRACT(x FROM y)`.
      const clause =
        selectSeen[depth] || ts.word(prev) === 'delete' || (depth === 0 && firstWord === 'update')
      if (isFrom && (ts.word(prev) === 'distinct' || !clause)) continue
      // `(LIKE parent)` in CREATE TABLE; elsewhere LIKE is the operator.
      if (w === 'like' && !ts.is(prev, '(')) continue
      selectList[depth] = false
      if (isFrom || w === 'join') fromList[depth] = true
      addItem(ts.next(j))
      continue
    }
    if (w === 'qualify') qualify = true
    if (w !== undefined && FROM_LIST_ENDS.has(w)) {
      fromList[depth] = false
      selectList[depth] = false
      continue
    }
    if (ts.is(j, ',') && fromList[depth]) {
      addItem(ts.next(j))
      continue
    }
    if (w === 'pivot' || w === 'unpivot') {
      // The alias of a PIVOT / UNPIVOT result names a relation.
      let open = ts.next(j)
      if (ts.word(open) === 'include' || ts.word(open) === 'exclude') open = ts.next(ts.next(open))
      const close = ts.is(open, '(') ? ts.closing(open) : -1
      if (close >= 0) {
        const tail = itemTail(ts, close)
        if (tail.alias !== null) pivotAliases.add(tail.alias)
      }
    }
    const name = ts.name(j)
    if (name === undefined || inItem.has(j)) continue
    const before = ts.prev(j)
    if (ts.word(ts.next(j)) === 'as' && ts.is(ts.next(ts.next(j)), '(')) {
      if (ts.is(before, ',') || ts.word(before) === 'with' || ts.word(before) === 'recursive') ctes.add(name)
    } else if (ts.is(ts.next(j), '(') && (ts.word(before) === 'with' || ts.word(before) === 'recursive')) {
      ctes.add(name)
    }
    // A path starts at a name not preceded by `.` and followed by `.name` or `[`.
    if (ts.is(before, '.') || ts.is(before, '::') || ts.word(before) === 'as') continue
    const after = ts.next(j)
    if (!ts.is(after, '[') && !(ts.is(after, '.') && ts.name(ts.next(after)) !== undefined)) continue
    const last = pathEnd(ts, j)
    const next = ts.next(last)
    if (ts.is(next, '(') || (ts.is(next, '.') && ts.is(ts.next(next), '*'))) {
      j = last
      continue
    }
    const itemStart =
      selectList[depth] === true &&
      (ts.word(before) === 'select' || ts.is(before, ',') || ts.word(before) === 'distinct')
    const itemEnd =
      next < 0 || ts.is(next, ',') || ts.is(next, ';') || ts.is(next, ')') || ts.word(next) === 'from'
    paths.push({
      first: j,
      last,
      selectItem: selectList[depth] === true && itemStart && itemEnd,
    })
    j = last
  }
  classify(items, ctes)
  if (paths.length === 0 && !items.some((i) => i.kind === 'unnest' || i.kind === 'unpivot')) return
  const relations = new Set<string>([...ctes, ...pivotAliases])
  const unnested = new Set<string>()
  const schemaTables = new Set<string>()
  for (const it of items) {
    if (it.kind === 'unnest' || it.kind === 'unpivot') {
      const alias = it.alias ?? (it.parts === null ? null : (it.parts[it.parts.length - 1] as string))
      if (alias !== null) unnested.add(alias)
      continue
    }
    if (it.alias !== null) relations.add(it.alias)
    if (it.parts !== null) {
      relations.add(it.parts[it.parts.length - 1] as string)
      if (it.parts.length > 1) schemaTables.add(it.parts.slice(-2).join('.'))
    }
  }
  const navigate = (first: number, last: number): string | null => {
    const { names, segments } = segmentsOf(ts, first, last)
    const head = ts.name(first) as string
    let columnEnd = first
    let prefix: string
    if (unnested.has(head)) {
      prefix = `${ts.tokens[first]?.text}.${ts.tokens[first]?.text}`
    } else if (
      names.length > 2 &&
      segments[0] === names[1] &&
      segments[1] === names[2] &&
      schemaTables.has(`${head}.${ts.name(names[1] as number)}`)
    ) {
      // schema.table.column, the table named so in FROM.
      columnEnd = names[2] as number
      prefix = ts.text(first, columnEnd)
    } else if (relations.has(head) && names.length > 1 && segments[0] === names[1]) {
      columnEnd = names[1] as number
      prefix = ts.text(first, columnEnd)
    } else {
      prefix = ts.tokens[first]?.text as string
    }
    let out = prefix
    let navigates = unnested.has(head)
    for (const s of segments) {
      if (s <= columnEnd) continue
      if (ts.is(s, '[')) {
        out += `[${rw.render(ts.next(s), closingBracket(ts, s))}]`
      } else {
        out += `[${quoteLiteral(ts.name(s) as string)}]`
        navigates = true
      }
    }
    // Typed SUPER (the subscript gives jsonb): SUPER's comparisons with literals and lax casts apply.
    return navigates ? `(${out})::pg_catalog.super` : null
  }
  for (const it of items) {
    if (it.kind !== 'unnest' && it.kind !== 'unpivot') continue
    const exprFirst = it.unpivot ? ts.next(it.first) : it.first
    const source = navigate(exprFirst, it.chainLast) ?? ts.text(exprFirst, it.chainLast)
    const aliasName = it.alias ?? it.parts?.[it.parts.length - 1]
    if (aliasName === undefined) {
      rw.fail({ sqlState: '42601', message: 'syntax error: UNPIVOT over a SUPER object needs AS alias' })
      continue
    }
    const alias = quoteIdentifier(aliasName)
    const index = it.index === null ? null : quoteIdentifier(it.index)
    const lateral = ts.word(it.first) === 'lateral' ? '' : 'LATERAL '
    let text: string
    if (it.unpivot) {
      const key = index === null ? '' : `, rk_e.key::varchar AS ${index}`
      text = `${lateral}(SELECT rk_e.value::pg_catalog.super AS ${alias}${key} FROM jsonb_each(CASE WHEN jsonb_typeof(${source}) = 'object' THEN ${source} ELSE '{}' END) AS rk_e) AS ${alias}`
    } else {
      const at = index === null ? '' : `, (rk_e.n - 1)::int AS ${index}`
      text = `${lateral}(SELECT rk_e.value::pg_catalog.super AS ${alias}${at} FROM jsonb_array_elements(CASE WHEN jsonb_typeof(${source}) = 'array' THEN ${source} ELSE '[]' END) WITH ORDINALITY AS rk_e(value, n)) AS ${alias}`
    }
    rw.replace(it.first, it.last + 1, text)
  }
  for (const p of paths) {
    // The common case, `alias.column`, costs one look-up.
    const head = ts.name(p.first) as string
    if (
      ts.is(ts.next(p.first), '.') &&
      ts.next(ts.next(p.first)) === p.last &&
      relations.has(head) &&
      !unnested.has(head)
    ) {
      continue
    }
    const out = navigate(p.first, p.last)
    if (out === null) continue
    const { names, segments } = segmentsOf(ts, p.first, p.last)
    const name = ts.name(names[names.length - 1] as number) as string
    const lastIsName = segments[segments.length - 1] === names[names.length - 1]
    rw.replace(
      p.first,
      p.last + 1,
      p.selectItem && lastIsName && !qualify ? `${out} AS ${quoteIdentifier(name)}` : out,
    )
  }
}

/** Decides which dotted FROM items are unnesting: those starting with a relation or an earlier unnesting. */
function classify(items: FromItem[], ctes: ReadonlySet<string>): void {
  const known = new Set<string>(ctes)
  for (const it of items) {
    if (it.alias !== null) known.add(it.alias)
    if (it.parts?.length === 1) known.add(it.parts[0] as string)
  }
  const unnestAliases = new Set<string>()
  for (let round = 0; round < 2; round++) {
    for (const it of items) {
      if (it.unpivot) {
        if (it.alias !== null) unnestAliases.add(it.alias)
        continue
      }
      if (it.parts === null) continue
      const head = it.parts[0] as string
      const unnest =
        it.parts.length > 1 ? known.has(head) || unnestAliases.has(head) : unnestAliases.has(head)
      it.kind = unnest ? 'unnest' : 'relation'
      if (unnest) unnestAliases.add(it.alias ?? (it.parts[it.parts.length - 1] as string))
      else known.add(it.parts[it.parts.length - 1] as string)
    }
  }
}
