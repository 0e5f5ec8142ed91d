import { quoteLiteral, stringValue } from './lexer.js'
import type { Rewrite, Rewriter } from './rewriter.js'
import type { TokenStream } from './token-stream.js'

/**
 * Date parts Redshift accepts unquoted as the first argument of its date functions
 * (DG "Date parts for date or timestamp functions"). Only these are quoted, so a column passed as the
 * first argument of DATE_TRUNC is left alone.
 */
export const REDSHIFT_DATE_PARTS: ReadonlySet<string> = new Set(
  (
    'millennium millennia mil mils century centuries c cent cents decade decades dec decs epoch ' +
    'year years y yr yrs quarter quarters qtr qtrs month months mon mons week weeks w ' +
    'dayofweek dow dw weekday dayofyear doy dy yearday day days d hour hours h hr hrs ' +
    'minute minutes m min mins second seconds s sec secs millisecond milliseconds ms msec msecs ' +
    'msecond mseconds millisec millisecs millisecon microsecond microseconds microsec microsecs ' +
    'usecond useconds us usec usecs timezone timezone_hour timezone_minute'
  ).split(' '),
)

/**
 * The Redshift date parts that PostgreSQL's built-in date_part, date_trunc and EXTRACT reject, by the
 * name PostgreSQL knows them by. The engine keeps those built-ins (its compat schema cannot replace them
 * reliably), so the dialect renames the part. This copy must equal the compat schema's
 * `DATEPARTS_POSTGRES_LACKS` (a test checks it); it lives here so that the pure dialect does not depend
 * on the engine's SQL.
 */
export const POSTGRES_DATE_PART_NAMES: Readonly<Record<string, string>> = {
  cents: 'century',
  quarters: 'quarter',
  qtrs: 'quarter',
  dayofweek: 'dow',
  dw: 'dow',
  weekday: 'dow',
  dayofyear: 'doy',
  dy: 'doy',
  yearday: 'doy',
  millisec: 'millisecond',
  millisecs: 'millisecond',
  microsec: 'microsecond',
  microsecs: 'microsecond',
}

/** The engine's own DATEADD and DATEDIFF take the part as text, and know every Redshift abbreviation. */
export const DATE_ARITHMETIC_FUNCTIONS = ['dateadd', 'datediff'] as const

/** Redshift's DATE_PART (and its synonym DATEPART) and DATE_TRUNC: PostgreSQL's built-ins run them. */
export const BUILTIN_DATE_PART_FUNCTIONS = ['date_part', 'datepart', 'date_trunc'] as const

function postgresPartName(part: string): string | undefined {
  return Object.hasOwn(POSTGRES_DATE_PART_NAMES, part) ? POSTGRES_DATE_PART_NAMES[part] : undefined
}

/** True when `at` is named bare or as `pg_catalog.<name>` (a name in another schema is a user's function). */
function builtinName(ts: TokenStream, at: number): boolean {
  const dot = ts.prev(at)
  return !ts.is(dot, '.') || ts.word(ts.prev(dot)) === 'pg_catalog'
}

/**
 * The first argument of a call of `at` when it is a lone token followed by `after` (`,` or `FROM`), or -1.
 */
function firstArgument(ts: TokenStream, at: number, to: number, after: string): number {
  const open = ts.next(at)
  if (!ts.is(open, '(')) return -1
  const part = ts.next(open)
  const following = ts.next(part)
  if (part < 0 || following < 0 || following >= to) return -1
  return ts.is(following, after) || ts.word(following) === after ? part : -1
}

/** `DATEADD(day, 1, x)` -> `DATEADD('day', 1, x)`: the engine's functions take the part as text. */
export function rewriteDatePartArgument(rw: Rewriter, at: number, to: number): Rewrite | null {
  const { ts } = rw
  const part = firstArgument(ts, at, to, ',')
  const partName = ts.word(part)
  if (partName === undefined || !REDSHIFT_DATE_PARTS.has(partName)) return null
  return { text: `${ts.text(at, part - 1)}${quoteLiteral(partName)}`, next: part + 1 }
}

/** Date parts that are PostgreSQL keywords EXTRACT does not take bare (it does take them quoted). */
const EXTRACT_QUOTED = new Set(['dec'])

/**
 * The text to put in place of a date part token PostgreSQL would not take as is, or null. `quoteBare`:
 * a function's argument, where a bare part must become a string; otherwise EXTRACT's field.
 */
function builtinPart(ts: TokenStream, part: number, quoteBare: boolean): string | null {
  const word = ts.word(part)
  if (word !== undefined) {
    if (!REDSHIFT_DATE_PARTS.has(word)) return null
    const name = postgresPartName(word)
    if (quoteBare || EXTRACT_QUOTED.has(word)) return quoteLiteral(name ?? word)
    return name ?? null
  }
  const token = ts.tokens[part]
  const value = token === undefined ? null : stringValue(token)
  const name = value === null ? undefined : postgresPartName(value.toLowerCase())
  return name === undefined ? null : quoteLiteral(name)
}

/**
 * `DATE_PART(dw, x)` -> `date_part('dow', x)`, `DATEPART(...)` -> `date_part(...)`, `date_trunc('qtrs', x)`
 * -> `date_trunc('quarter', x)`: the part is quoted when bare, and renamed when PostgreSQL's built-in
 * does not know Redshift's abbreviation of it. The engine has no DATEPART, so that name always changes.
 */
export function rewriteBuiltinDatePart(rw: Rewriter, at: number, to: number): Rewrite | null {
  const { ts } = rw
  if (!builtinName(ts, at) || ts.word(ts.prev(at)) === 'function') return null
  const rename = ts.word(at) === 'datepart' && ts.is(ts.next(at), '(')
  const name = rename ? 'date_part' : (ts.tokens[at]?.text as string)
  const part = firstArgument(ts, at, to, ',')
  const replacement = part < 0 ? null : builtinPart(ts, part, true)
  if (replacement === null) return rename ? { text: name, next: at + 1 } : null
  return { text: `${name}${ts.text(at + 1, part - 1)}${replacement}`, next: part + 1 }
}

/**
 * `EXTRACT(part FROM x)` -> `rk_internal.date_part('part', x)` (Redshift's part names mapped as for
 * DATE_PART): Redshift's EXTRACT returns INTEGER from a DATE, TIMESTAMP, TIME or TIMETZ and DOUBLE
 * PRECISION from a TIMESTAMPTZ (PostgreSQL's returns NUMERIC), counts `ms` / `us` within the second,
 * and names its column `date_part`. A part it does not know is left to the engine's EXTRACT.
 */
export function rewriteExtract(rw: Rewriter, at: number, to: number): Rewrite | null {
  const { ts } = rw
  if (ts.is(ts.prev(at), '.')) return null
  const part = firstArgument(ts, at, to, 'from')
  const quoted = part < 0 ? null : builtinPart(ts, part, true)
  if (quoted === null) return null
  const close = ts.closing(ts.next(at), to)
  const source = ts.next(ts.next(part))
  if (close < 0 || source < 0 || source >= close) return null
  return { text: `rk_internal.date_part(${quoted}, ${rw.render(source, close).trim()})`, next: close + 1 }
}
