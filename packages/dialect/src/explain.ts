import type { Token } from './lexer.js'
import type { TokenStream } from './token-stream.js'
import type { GatewayCommand, StatementError, TranslateContext, TranslatedStatement } from './translation.js'

/** Statements Redshift explains (its EXPLAIN takes SELECT, SELECT INTO, CTAS, INSERT, UPDATE, DELETE). */
const EXPLAINABLE = new Set(['select', 'with', 'insert', 'update', 'delete', 'values'])

type Translate = (sql: string, ctx: TranslateContext) => TranslatedStatement

/**
 * `EXPLAIN [VERBOSE] query`: a gateway command that plans the translated query on the engine and prints
 * the plan in Redshift's shape (XN steps, distribution labels). EXPLAIN ANALYZE, which Redshift lacks, is
 * refused; anything else (PostgreSQL's option list, EXPLAIN of DDL) is null and goes to the engine as
 * written; an error when the query itself fails translation.
 *
 * @example
 * translateExplain(ts, first, ctx, translateStatement)
 * // { type: 'explain', query: 'SELECT a FROM t LIMIT 3', verbose: false, parameters: 0 }
 */
export function translateExplain(
  ts: TokenStream,
  first: number,
  ctx: TranslateContext,
  translate: Translate,
): Extract<GatewayCommand, { type: 'explain' }> | StatementError | null {
  let k = ts.next(first)
  if (ts.word(k) === 'analyze' || ts.word(k) === 'analyse') {
    return {
      sqlState: '0A000',
      message: 'EXPLAIN ANALYZE is not supported by Amazon Redshift',
      hint: 'run the query, then read its steps in SVL_QUERY_SUMMARY / SYS_QUERY_DETAIL',
    }
  }
  const verbose = ts.word(k) === 'verbose'
  if (verbose) k = ts.next(k)
  let start = k
  while (ts.is(start, '(')) start = ts.next(start)
  if (!EXPLAINABLE.has(ts.word(start) ?? '')) return null
  const token = ts.tokens[k] as Token
  const inner = translate(ts.sql.slice(token.start), ctx)
  if (inner.error !== undefined) return inner.error
  if (inner.gatewayCommand !== undefined || inner.leaderOnly !== undefined) return null
  return { type: 'explain', query: inner.sql, verbose, parameters: highestPlaceholder(ts) }
}

/** The highest `$n` in the statement: the parameters a client binds to it. */
function highestPlaceholder(ts: TokenStream): number {
  let max = 0
  for (const t of ts.tokens) {
    if (t.kind === 'param') max = Math.max(max, Number(t.text.slice(1)))
  }
  return max
}
