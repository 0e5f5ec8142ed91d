/**
 * A tokenizer that knows PostgreSQL's (and so Redshift's) lexical rules. Every character of the input
 * belongs to exactly one token, and each token keeps its exact source text and offsets, so SQL that no
 * rewrite touches is reproduced byte for byte by concatenating the tokens.
 */

/** What a token is. Whitespace and comments are tokens too: the source must round-trip. */
export type TokenKind =
  /** Spaces, tabs, newlines. */
  | 'whitespace'
  /** `-- ...` up to (not including) the newline, or a nested `/* ... *\/`. */
  | 'comment'
  /** `'...'`, and its prefixed forms `E'...'`, `B'...'`, `X'...'`, `N'...'`, `U&'...'`. */
  | 'string'
  /** `$$...$$` or `$tag$...$tag$`. */
  | 'dollarString'
  /** `"..."` or `U&"..."`. */
  | 'quotedIdent'
  /** A keyword or an unquoted identifier. */
  | 'word'
  | 'number'
  /** A positional parameter: `$1`. */
  | 'param'
  /** An operator, `::` and `:=` included. */
  | 'operator'
  /** `( ) [ ] , ; . :` and any character PostgreSQL would reject (kept so the text round-trips). */
  | 'punct'

/** One token of SQL text. */
export interface Token {
  readonly kind: TokenKind
  /** The exact source text. */
  readonly text: string
  /** Offset of the first character in the source. */
  readonly start: number
  /** Offset just past the last character. */
  readonly end: number
  /**
   * Words: the text lower-cased (how PostgreSQL folds unquoted names). Quoted identifiers: the name with
   * `""` undoubled (case kept). Absent for other kinds.
   */
  readonly value?: string
  /** A string, quoted identifier, dollar string or block comment that runs to the end of the input. */
  readonly unterminated?: true
}

const CH_TAB = 9
const CH_LF = 10
const CH_VT = 11
const CH_FF = 12
const CH_CR = 13
const CH_SPACE = 32
const CH_DQUOTE = 34
const CH_DOLLAR = 36
const CH_AMP = 38
const CH_SQUOTE = 39
const CH_STAR = 42
const CH_MINUS = 45
const CH_DOT = 46
const CH_SLASH = 47
const CH_0 = 48
const CH_9 = 57
const CH_COLON = 58
const CH_EQUALS = 61
const CH_BACKSLASH = 92
const CH_UNDERSCORE = 95

const OPERATOR_CHARS = new Set('+-*/<>=~!@#%^&|`?')
// A multi-character operator may end in + or - only when it contains one of these (PostgreSQL's rule,
// which is why `=-1` is `=` followed by `-1`).
const OPERATOR_SPECIAL_CHARS = new Set('~!@#%^&|`?')
const PUNCT_CHARS = new Set('()[],;.:')

function isSpace(c: number): boolean {
  return c === CH_SPACE || c === CH_TAB || c === CH_LF || c === CH_CR || c === CH_FF || c === CH_VT
}

function isDigit(c: number): boolean {
  return c >= CH_0 && c <= CH_9
}

function isIdentStart(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === CH_UNDERSCORE || c >= 128
}

function isIdentPart(c: number): boolean {
  return isIdentStart(c) || isDigit(c) || c === CH_DOLLAR
}

/** End offset of a quoted run opened at `open` (the quote character), honouring doubling and escapes. */
function scanQuoted(sql: string, open: number, quote: number, backslashEscapes: boolean): number {
  let i = open + 1
  const n = sql.length
  while (i < n) {
    const c = sql.charCodeAt(i)
    if (backslashEscapes && c === CH_BACKSLASH) {
      i += 2
      continue
    }
    if (c === quote) {
      if (sql.charCodeAt(i + 1) === quote) {
        i += 2
        continue
      }
      return i + 1
    }
    i++
  }
  return -1
}

/** The dollar-quote delimiter (`$$` or `$tag$`) starting at `i`, or null when `$` opens none. */
function dollarTag(sql: string, i: number): string | null {
  let j = i + 1
  const first = sql.charCodeAt(j)
  if (first === CH_DOLLAR) return '$$'
  if (!isIdentStart(first)) return null
  j++
  while (j < sql.length) {
    const c = sql.charCodeAt(j)
    if (c === CH_DOLLAR) return sql.slice(i, j + 1)
    if (!isIdentStart(c) && !isDigit(c)) return null
    j++
  }
  return null
}

function scanNumber(sql: string, i: number): number {
  const n = sql.length
  const c1 = sql.charCodeAt(i + 1) | 0x20
  if (sql.charCodeAt(i) === CH_0 && (c1 === 0x78 || c1 === 0x6f || c1 === 0x62)) {
    // 0x1F, 0o17, 0b101 (PostgreSQL 16+), with `_` separators.
    let j = i + 2
    while (j < n && (isIdentPart(sql.charCodeAt(j)) || isDigit(sql.charCodeAt(j)))) j++
    return j
  }
  let j = i
  while (j < n && (isDigit(sql.charCodeAt(j)) || sql.charCodeAt(j) === CH_UNDERSCORE)) j++
  if (sql.charCodeAt(j) === CH_DOT && sql.charCodeAt(j + 1) !== CH_DOT) {
    j++
    while (j < n && (isDigit(sql.charCodeAt(j)) || sql.charCodeAt(j) === CH_UNDERSCORE)) j++
  }
  const e = sql.charCodeAt(j) | 0x20
  if (e === 0x65) {
    const sign = sql.charCodeAt(j + 1)
    const k = sign === 43 || sign === CH_MINUS ? j + 2 : j + 1
    if (isDigit(sql.charCodeAt(k))) {
      j = k
      while (j < n && isDigit(sql.charCodeAt(j))) j++
    }
  }
  return j
}

function scanOperator(sql: string, i: number): number {
  const n = sql.length
  let j = i
  while (j < n) {
    const ch = sql[j] as string
    if (!OPERATOR_CHARS.has(ch)) break
    // A comment start ends the operator even in the middle of a run of operator characters.
    const c = sql.charCodeAt(j)
    const next = sql.charCodeAt(j + 1)
    if (j > i && ((c === CH_MINUS && next === CH_MINUS) || (c === CH_SLASH && next === CH_STAR))) break
    j++
  }
  if (j - i > 1) {
    let special = false
    for (let k = i; k < j; k++) if (OPERATOR_SPECIAL_CHARS.has(sql[k] as string)) special = true
    if (!special) {
      while (j - i > 1 && (sql[j - 1] === '+' || sql[j - 1] === '-')) j--
    }
  }
  return j
}

function scanBlockComment(sql: string, i: number): number {
  let depth = 0
  let j = i
  const n = sql.length
  while (j < n) {
    const c = sql.charCodeAt(j)
    const next = sql.charCodeAt(j + 1)
    if (c === CH_SLASH && next === CH_STAR) {
      depth++
      j += 2
    } else if (c === CH_STAR && next === CH_SLASH) {
      depth--
      j += 2
      if (depth === 0) return j
    } else {
      j++
    }
  }
  return -1
}

/**
 * Splits SQL text into tokens. Never throws: text PostgreSQL would reject (an unterminated string, a
 * stray character) still becomes tokens, so the engine reports the error in its own words.
 *
 * @example
 * tokenize("select 'a''b' -- c").map((t) => t.kind)
 * // ['word', 'whitespace', 'string', 'whitespace', 'comment']
 */
export function tokenize(sql: string): Token[] {
  const tokens: Token[] = []
  const n = sql.length
  let i = 0
  const push = (kind: TokenKind, end: number, value?: string, unterminated?: boolean): void => {
    const text = sql.slice(i, end)
    const token: Token =
      value === undefined
        ? unterminated
          ? { kind, text, start: i, end, unterminated: true }
          : { kind, text, start: i, end }
        : unterminated
          ? { kind, text, start: i, end, value, unterminated: true }
          : { kind, text, start: i, end, value }
    tokens.push(token)
    i = end
  }
  const pushQuoted = (kind: 'string' | 'quotedIdent', open: number, backslash: boolean): void => {
    const quote = sql.charCodeAt(open)
    const end = scanQuoted(sql, open, quote, backslash)
    if (end < 0) {
      push(kind, n, kind === 'quotedIdent' ? sql.slice(open + 1).replaceAll('""', '"') : undefined, true)
    } else {
      push(kind, end, kind === 'quotedIdent' ? sql.slice(open + 1, end - 1).replaceAll('""', '"') : undefined)
    }
  }
  while (i < n) {
    const c = sql.charCodeAt(i)
    const next = sql.charCodeAt(i + 1)
    if (isSpace(c)) {
      let j = i + 1
      while (j < n && isSpace(sql.charCodeAt(j))) j++
      push('whitespace', j)
    } else if (c === CH_MINUS && next === CH_MINUS) {
      let j = i + 2
      while (j < n && sql.charCodeAt(j) !== CH_LF && sql.charCodeAt(j) !== CH_CR) j++
      push('comment', j)
    } else if (c === CH_SLASH && next === CH_STAR) {
      const end = scanBlockComment(sql, i)
      push('comment', end < 0 ? n : end, undefined, end < 0)
    } else if (c === CH_SQUOTE) {
      pushQuoted('string', i, false)
    } else if (c === CH_DQUOTE) {
      pushQuoted('quotedIdent', i, false)
    } else if (isIdentStart(c)) {
      const lower = c | 0x20
      // E'..' (backslash escapes), B'..', X'..', N'..': a one-letter prefix glued to the quote.
      if (next === CH_SQUOTE && (lower === 0x65 || lower === 0x62 || lower === 0x78 || lower === 0x6e)) {
        pushQuoted('string', i + 1, lower === 0x65)
      } else if (lower === 0x75 && next === CH_AMP && sql.charCodeAt(i + 2) === CH_SQUOTE) {
        pushQuoted('string', i + 2, false)
      } else if (lower === 0x75 && next === CH_AMP && sql.charCodeAt(i + 2) === CH_DQUOTE) {
        pushQuoted('quotedIdent', i + 2, false)
      } else {
        let j = i + 1
        while (j < n && isIdentPart(sql.charCodeAt(j))) j++
        push('word', j, sql.slice(i, j).toLowerCase())
      }
    } else if (isDigit(c) || (c === CH_DOT && isDigit(next))) {
      push('number', scanNumber(sql, i))
    } else if (c === CH_DOLLAR) {
      if (isDigit(next)) {
        let j = i + 1
        while (j < n && isDigit(sql.charCodeAt(j))) j++
        push('param', j)
      } else {
        const tag = dollarTag(sql, i)
        if (tag === null) {
          push('punct', i + 1)
        } else {
          const close = sql.indexOf(tag, i + tag.length)
          if (close < 0) push('dollarString', n, undefined, true)
          else push('dollarString', close + tag.length)
        }
      }
    } else if (c === CH_COLON && (next === CH_COLON || next === CH_EQUALS)) {
      push('operator', i + 2)
    } else if (PUNCT_CHARS.has(sql[i] as string)) {
      push('punct', i + 1)
    } else if (OPERATOR_CHARS.has(sql[i] as string)) {
      push('operator', scanOperator(sql, i))
    } else {
      // A character PostgreSQL has no use for (`\`, `{`, ...): one token, so the engine can complain.
      const width = c >= 0xd800 && c <= 0xdbff ? 2 : 1
      push('punct', i + width)
    }
  }
  return tokens
}

/** True for tokens that carry meaning (not whitespace or a comment). */
export function isSignificant(token: Token): boolean {
  return token.kind !== 'whitespace' && token.kind !== 'comment'
}

/**
 * The value of a string token: quotes removed, `''` undoubled, and for `E'...'` the common backslash
 * escapes decoded. Returns null for a token that is not a plain, E or N string (bit strings, `U&`).
 *
 * @example
 * stringValue(tokenize("'it''s'")[0]!) // "it's"
 */
export function stringValue(token: Token): string | null {
  if (token.kind !== 'string' || token.unterminated) return null
  const first = token.text.charCodeAt(0) | 0x20
  if (first === 0x6e) return token.text.slice(2, -1).replaceAll("''", "'")
  if (first === 0x65) return decodeEscapes(token.text.slice(2, -1))
  if (token.text.charCodeAt(0) !== CH_SQUOTE) return null
  return token.text.slice(1, -1).replaceAll("''", "'")
}

const SIMPLE_ESCAPES: Readonly<Record<string, string>> = { b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' }

function decodeEscapes(body: string): string {
  let out = ''
  for (let i = 0; i < body.length; i++) {
    const ch = body[i] as string
    if (ch === "'" && body[i + 1] === "'") {
      out += "'"
      i++
    } else if (ch === '\\' && i + 1 < body.length) {
      const e = body[++i] as string
      out += SIMPLE_ESCAPES[e] ?? e
    } else {
      out += ch
    }
  }
  return out
}

/**
 * Quotes `value` as a standard SQL string literal.
 *
 * @example
 * quoteLiteral("it's") // "'it''s'"
 */
export function quoteLiteral(value: string): string {
  return `'${value.replaceAll("'", "''")}'`
}
