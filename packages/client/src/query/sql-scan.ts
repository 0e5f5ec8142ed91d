/** A lexical piece of SQL text that matters to the client: placeholders, words, parentheses. */
export type SqlToken =
  | { readonly type: 'placeholder'; readonly index: number; readonly start: number; readonly end: number }
  | { readonly type: 'word'; readonly text: string; readonly start: number; readonly end: number }
  | {
      readonly type: 'open' | 'close' | 'comma' | 'semicolon' | 'other'
      readonly start: number
      readonly end: number
    }

const WORD_START = /[A-Za-z_]/
const WORD_PART = /[A-Za-z0-9_$]/

/**
 * Splits SQL into the tokens the client needs, skipping what is not code: string literals (with
 * `''` escapes and `E'...'` backslash escapes), quoted identifiers, dollar-quoted bodies, and
 * comments. A `$1` inside a literal or comment is therefore never taken for a placeholder.
 *
 * @example
 * scanSql("SELECT '$1', $2").filter((t) => t.type === 'placeholder') // [{ index: 2, ... }]
 */
export function scanSql(sql: string): SqlToken[] {
  const tokens: SqlToken[] = []
  let i = 0
  const n = sql.length
  while (i < n) {
    const c = sql[i] as string
    const next = sql[i + 1]
    if (c === '-' && next === '-') {
      const end = sql.indexOf('\n', i)
      i = end === -1 ? n : end + 1
    } else if (c === '/' && next === '*') {
      let depth = 1
      i += 2
      while (i < n && depth > 0) {
        if (sql[i] === '/' && sql[i + 1] === '*') {
          depth++
          i += 2
        } else if (sql[i] === '*' && sql[i + 1] === '/') {
          depth--
          i += 2
        } else i++
      }
    } else if (c === "'" || ((c === 'E' || c === 'e') && next === "'")) {
      const backslashes = c !== "'"
      i += backslashes ? 2 : 1
      while (i < n) {
        if (backslashes && sql[i] === '\\') i += 2
        else if (sql[i] === "'" && sql[i + 1] === "'") i += 2
        else if (sql[i] === "'") {
          i++
          break
        } else i++
      }
    } else if (c === '"') {
      i++
      while (i < n) {
        if (sql[i] === '"' && sql[i + 1] === '"') i += 2
        else if (sql[i] === '"') {
          i++
          break
        } else i++
      }
    } else if (c === '$' && next !== undefined && /[0-9]/.test(next)) {
      let j = i + 1
      while (j < n && /[0-9]/.test(sql[j] as string)) j++
      tokens.push({ type: 'placeholder', index: Number(sql.slice(i + 1, j)), start: i, end: j })
      i = j
    } else if (c === '$') {
      // A dollar quote: $$...$$ or $tag$...$tag$.
      const tag = /^\$[A-Za-z_0-9]*\$/.exec(sql.slice(i, i + 64))?.[0]
      if (tag === undefined) {
        tokens.push({ type: 'other', start: i, end: i + 1 })
        i++
      } else {
        const close = sql.indexOf(tag, i + tag.length)
        i = close === -1 ? n : close + tag.length
      }
    } else if (WORD_START.test(c)) {
      let j = i + 1
      while (j < n && WORD_PART.test(sql[j] as string)) j++
      tokens.push({ type: 'word', text: sql.slice(i, j), start: i, end: j })
      i = j
    } else if (c === '(' || c === ')' || c === ',' || c === ';') {
      const type = c === '(' ? 'open' : c === ')' ? 'close' : c === ',' ? 'comma' : 'semicolon'
      tokens.push({ type, start: i, end: i + 1 })
      i++
    } else if (/\s/.test(c)) {
      i++
    } else {
      tokens.push({ type: 'other', start: i, end: i + 1 })
      i++
    }
  }
  return tokens
}

/**
 * The number of parameters a statement takes: its highest `$n`.
 *
 * @example
 * countPlaceholders('SELECT * FROM t WHERE a = $1 AND b = $2 OR c = $1') // 2
 */
export function countPlaceholders(sql: string): number {
  let max = 0
  for (const token of scanSql(sql)) if (token.type === 'placeholder' && token.index > max) max = token.index
  return max
}
