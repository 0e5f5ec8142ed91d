import { tokenize } from './lexer.js'

/**
 * Splits a simple-query string into its statements on top-level semicolons: not inside strings,
 * quoted identifiers, comments, dollar quotes or parentheses. Each statement is its own source text with
 * the surrounding whitespace and the semicolon removed; statements with nothing but whitespace and
 * comments are dropped.
 *
 * @example
 * splitStatements("select ';'; ; insert into t values (1)")
 * // ["select ';'", 'insert into t values (1)']
 */
export function splitStatements(sql: string): string[] {
  const statements: string[] = []
  let depth = 0
  let from = 0
  let meaningful = false
  const flush = (to: number): void => {
    if (meaningful) statements.push(sql.slice(from, to).trim())
    meaningful = false
  }
  for (const token of tokenize(sql)) {
    if (token.kind === 'whitespace' || token.kind === 'comment') continue
    if (token.kind === 'punct') {
      if (token.text === '(') depth++
      else if (token.text === ')') depth = Math.max(0, depth - 1)
      else if (token.text === ';' && depth === 0) {
        flush(token.start)
        from = token.end
        continue
      }
    }
    meaningful = true
  }
  flush(sql.length)
  return statements
}
