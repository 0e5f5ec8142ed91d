/**
 * Test helpers: SQL text as tokens compared the way Redshift reads them, and a lexer-level scan for
 * statement boundaries under both readings of backslashes in string literals.
 */

const ESCAPES: Readonly<Record<string, string>> = { b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' }

/** The content of the literal opening at `open`, decoded; and the offset past its closing quote (-1: unterminated). */
export function readLiteral(
  sql: string,
  open: number,
  backslashEscapes: boolean,
): { value: string; end: number } {
  let value = ''
  let i = open + 1
  while (i < sql.length) {
    const c = sql[i] as string
    if (backslashEscapes && c === '\\' && i + 1 < sql.length) {
      const e = sql[i + 1] as string
      if (/[0-7]/.test(e)) {
        const oct = /^[0-7]{1,3}/.exec(sql.slice(i + 1))?.[0] ?? '0'
        value += String.fromCharCode(Number.parseInt(oct, 8))
        i += 1 + oct.length
      } else {
        value += ESCAPES[e] ?? e
        i += 2
      }
    } else if (c === "'" && sql[i + 1] === "'") {
      value += "'"
      i += 2
    } else if (c === "'") {
      return { value, end: i + 1 }
    } else {
      value += c
      i++
    }
  }
  return { value, end: -1 }
}

/**
 * The tokens of `sql` as Redshift reads them: keywords and names folded to lower case (quoted names
 * too, as Redshift folds them), string literals decoded (backslash escapes included), the optional
 * noise words FORMAT and AS dropped, and a final `;` ignored. Two statements with the same tokens
 * are the same statement, whatever their whitespace, case and spelling of optional words.
 */
export function redshiftTokens(sql: string): string[] {
  const out: string[] = []
  let i = 0
  while (i < sql.length) {
    const c = sql[i] as string
    if (/\s/.test(c)) {
      i++
    } else if (c === "'") {
      const { value, end } = readLiteral(sql, i, true)
      if (end < 0) throw new Error(`unterminated literal at ${i}`)
      out.push(`'${value}'`)
      i = end
    } else if (c === '"') {
      const close = sql.indexOf('"', i + 1)
      out.push(sql.slice(i + 1, close).toLowerCase())
      i = close + 1
    } else if (/[A-Za-z_]/.test(c)) {
      const word = /^[A-Za-z_][A-Za-z0-9_$]*/.exec(sql.slice(i))?.[0] ?? c
      if (!['format', 'as'].includes(word.toLowerCase())) out.push(word.toLowerCase())
      i += word.length
    } else if (/[0-9]/.test(c)) {
      const n = /^[0-9.]+/.exec(sql.slice(i))?.[0] ?? c
      out.push(n)
      i += n.length
    } else {
      out.push(c)
      i++
    }
  }
  if (out[out.length - 1] === ';') out.pop()
  return out
}

/**
 * Scans `sql` for what would break a statement out of its quotes: an unterminated literal or quoted
 * name, and top-level semicolons. `backslashEscapes` reads literals as Redshift does (a backslash
 * escapes the next character); without it, as standard SQL does. Returns the string literals'
 * decoded values, in order.
 */
export function scanStatement(
  sql: string,
  backslashEscapes: boolean,
): { literals: string[]; semicolons: number; unterminated: boolean } {
  const literals: string[] = []
  let semicolons = 0
  let i = 0
  while (i < sql.length) {
    const c = sql[i] as string
    if (c === "'") {
      const { value, end } = readLiteral(sql, i, backslashEscapes)
      if (end < 0) return { literals, semicolons, unterminated: true }
      literals.push(value)
      i = end
    } else if (c === '"') {
      let j = i + 1
      for (;;) {
        const close = sql.indexOf('"', j)
        if (close < 0) return { literals, semicolons, unterminated: true }
        if (sql[close + 1] === '"') {
          j = close + 2
          continue
        }
        i = close + 1
        break
      }
    } else if (c === '-' && sql[i + 1] === '-') {
      return { literals, semicolons: semicolons + 1000, unterminated: false }
    } else if (c === '/' && sql[i + 1] === '*') {
      return { literals, semicolons: semicolons + 1000, unterminated: false }
    } else {
      if (c === ';') semicolons++
      i++
    }
  }
  return { literals, semicolons, unterminated: false }
}
