import { quoteLiteral } from './lexer.js'
import type { Rewrite, Rewriter } from './rewriter.js'
import type { TokenStream } from './token-stream.js'

/**
 * Date parts Redshift accepts unquoted as the first argument of its date functions
 * (DG "Date parts for date or timestamp functions"). Only these are quoted, so a column passed as the
 * first argument of DATE_TRUNC is left alone.
 */
const DATE_PARTS = new Set(
  (
    'millennium millennia mil mils century centuries c cent cents decade decades dec decs epoch ' +
    'year years y yr yrs quarter quarters qtr qtrs month months mon mons week weeks w ' +
    'dayofweek dow dw weekday dayofyear doy dy yearday day days d hour hours h hr hrs ' +
    'minute minutes m min mins second seconds s sec secs millisecond milliseconds ms msec msecs ' +
    'msecond mseconds millisec millisecs millisecon microsecond microseconds microsec microsecs ' +
    'usecond useconds us usec usecs timezone timezone_hour timezone_minute'
  ).split(' '),
)

/** Redshift functions whose first argument may be a bare date part. */
export const DATE_PART_FUNCTIONS = ['dateadd', 'datediff', 'date_part', 'datepart', 'date_trunc'] as const

/** Largest lengths Redshift gives `MAX` in a type modifier, by type name. */
const MAX_LENGTHS: Readonly<Record<string, number>> = {
  varchar: 65535,
  nvarchar: 65535,
  varying: 65535,
  char: 4096,
  character: 4096,
  nchar: 4096,
  bpchar: 4096,
}

/** VARBYTE and its aliases: an engine domain, which PostgreSQL does not let carry a type modifier. */
const VARBYTE_NAMES = new Set(['varbyte', 'varbinary'])

function afterDot(ts: TokenStream, at: number): boolean {
  return ts.is(ts.prev(at), '.')
}

/** `SYSDATE` (a bare keyword in Redshift) -> the engine's `pg_catalog.sysdate()`. */
export function rewriteSysdate(rw: Rewriter, at: number): Rewrite | null {
  const { ts } = rw
  if (afterDot(ts, at) || ts.is(ts.next(at), '(') || ts.word(ts.prev(at)) === 'as') return null
  return { text: 'pg_catalog.sysdate()', next: at + 1 }
}

/** `DATEADD(day, 1, x)` -> `DATEADD('day', 1, x)`: the engine's functions take the part as text. */
export function rewriteDatePartArgument(rw: Rewriter, at: number, to: number): Rewrite | null {
  const { ts } = rw
  const open = ts.next(at)
  if (!ts.is(open, '(')) return null
  const part = ts.next(open)
  const partName = ts.word(part)
  if (partName === undefined || !DATE_PARTS.has(partName) || !ts.is(ts.next(part), ',') || part >= to) {
    return null
  }
  return { text: `${ts.text(at, part - 1)}${quoteLiteral(partName)}`, next: part + 1 }
}

/**
 * `VARCHAR(MAX)` -> `VARCHAR(65535)`, `CHAR(MAX)` -> `CHAR(4096)` wherever a type is written (columns,
 * casts). `VARBYTE(MAX)` is handled with the other VARBYTE modifiers.
 */
export function rewriteMaxLength(rw: Rewriter, at: number): Rewrite | null {
  const { ts } = rw
  const open = ts.prev(at)
  if (!ts.is(open, '(') || !ts.is(ts.next(at), ')')) return null
  const typeName = ts.word(ts.prev(open))
  const length = typeName === undefined ? undefined : MAX_LENGTHS[typeName]
  if (length === undefined) return null
  return { text: String(length), next: at + 1 }
}

/** `NVARCHAR` -> `VARCHAR`: a Redshift alias PostgreSQL does not know. */
export function rewriteNvarchar(rw: Rewriter, at: number): Rewrite | null {
  if (afterDot(rw.ts, at)) return null
  return { text: 'varchar', next: at + 1 }
}

/**
 * `VARBYTE(n)`, `VARBINARY(n)`, `BINARY VARYING(n)` -> `varbyte`. The engine's VARBYTE is a domain over
 * bytea, and a domain takes no type modifier, so the length (and its check) is dropped.
 */
export function rewriteVarbyte(rw: Rewriter, at: number): Rewrite | null {
  const { ts } = rw
  if (afterDot(ts, at)) return null
  let last = at
  if (ts.word(at) === 'binary') {
    last = ts.next(at)
    if (ts.word(last) !== 'varying') return null
  } else if (!VARBYTE_NAMES.has(ts.word(at) as string)) {
    return null
  }
  const open = ts.next(last)
  if (ts.is(open, '(')) {
    const size = ts.next(open)
    const close = ts.next(size)
    const sizeToken = ts.tokens[size]
    if (ts.is(close, ')') && (sizeToken?.kind === 'number' || ts.word(size) === 'max')) {
      return { text: 'varbyte', next: close + 1 }
    }
  }
  return ts.word(at) === 'varbyte' ? null : { text: 'varbyte', next: last + 1 }
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
 * does not. A bare select-list item keeps Redshift's column name through an alias.
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
  const literal = `(${rw.options.lastQueryId})::integer`
  const alias = isSelectListItem(ts, at, close) ? ' AS pg_last_query_id' : ''
  return { text: literal + alias, next: close + 1 }
}
