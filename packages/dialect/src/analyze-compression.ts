import { quoteLiteral } from './lexer.js'
import type { TokenStream } from './token-stream.js'
import type { StatementError } from './translation.js'

/** Redshift's accepted COMPROWS range. */
const MIN_COMPROWS = 1000
const MAX_COMPROWS = 1_000_000_000
/** Redshift samples 100,000 rows per slice by default; redshift-local is one slice. */
const DEFAULT_COMPROWS = 100_000

const syntax = (message: string): StatementError => ({
  sqlState: '42601',
  message,
  hint: 'ANALYZE COMPRESSION [table [(column [, ...])]] [COMPROWS numrows]',
})

/**
 * `ANALYZE COMPRESSION [table [(columns)]] [COMPROWS n]` -> a call of the engine's
 * `rk_internal.analyze_compression` (installed by redshift-local), which answers Redshift's report:
 * `Table`, `Column`, `Encoding`, `Est_reduction_pct`. Returns null for any other ANALYZE.
 *
 * @example
 * // ANALYZE COMPRESSION sales (qtysold) COMPROWS 5000
 * // -> SELECT * FROM rk_internal.analyze_compression('sales'::regclass, ARRAY['qtysold']::text[], 5000)
 */
export function translateAnalyzeCompression(
  ts: TokenStream,
  first: number,
): { readonly sql: string } | StatementError | null {
  const compression = ts.next(first)
  if (ts.word(compression) !== 'compression') return null
  let k = ts.next(compression)
  let table = 'NULL'
  let columns = 'NULL'
  let rows = DEFAULT_COMPROWS
  if (ts.name(k) !== undefined && ts.word(k) !== 'comprows') {
    let last = k
    while (ts.is(ts.next(last), '.') && ts.name(ts.next(ts.next(last))) !== undefined)
      last = ts.next(ts.next(last))
    table = `${quoteLiteral(ts.text(k, last))}::regclass`
    k = ts.next(last)
    if (ts.is(k, '(')) {
      const close = ts.closing(k)
      const names = close < 0 ? [] : ts.items(k, close).map(([f, l]) => (f === l ? ts.name(f) : undefined))
      if (names.length === 0 || names.some((n) => n === undefined))
        return syntax('ANALYZE COMPRESSION needs column names in parentheses')
      columns = `ARRAY[${(names as string[]).map(quoteLiteral).join(', ')}]::text[]`
      k = ts.next(close)
    }
  }
  if (ts.word(k) === 'comprows') {
    const n = ts.next(k)
    rows = ts.tokens[n]?.kind === 'number' ? Number(ts.tokens[n]?.text) : Number.NaN
    if (!Number.isInteger(rows) || rows < MIN_COMPROWS || rows > MAX_COMPROWS) {
      return {
        sqlState: '22023',
        message: `COMPROWS must be a number between ${MIN_COMPROWS} and ${MAX_COMPROWS}`,
      }
    }
    k = ts.next(n)
  }
  if (k >= 0 && !ts.is(k, ';'))
    return syntax(`syntax error at or near "${ts.tokens[k]?.text}" in ANALYZE COMPRESSION`)
  return { sql: `SELECT * FROM rk_internal.analyze_compression(${table}, ${columns}, ${rows})` }
}
