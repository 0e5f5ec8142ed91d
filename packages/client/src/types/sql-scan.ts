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
const DIGIT = /[0-9]/
const NUMBER = /^(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/
const DOLLAR_TAG = /^\$[A-Za-z_0-9]*\$/

/** What a piece of SQL text is; see {@link lexSql}. */
export type SqlPieceKind =
  | 'line-comment'
  | 'block-comment'
  | 'string'
  | 'quoted-identifier'
  | 'dollar-string'
  | 'placeholder'
  | 'word'
  | 'number'
  | 'char'

/** Where readers of SQL text differ in how they cut it; see {@link lexSql}. */
export interface SqlLexRules {
  /** Block comments nest, as PostgreSQL's do: `/* a /* b *\/ c *\/` is one comment. */
  readonly nestedComments: boolean
  /** Numbers (`42`, `1.5e3`, `.5`) are `number` pieces; otherwise each digit is a `char`. */
  readonly numbers: boolean
  /** `E'...'` opens an escape string only when the `E` does not follow a letter, digit, `_` or `$`. */
  readonly escapeStringNeedsBoundary: boolean
}

/** The rules of {@link scanSql}: PostgreSQL's comments, and no numbers (the client never needs them). */
export const CODE_LEX_RULES: SqlLexRules = Object.freeze({
  nestedComments: true,
  numbers: false,
  escapeStringNeedsBoundary: false,
})

/**
 * Cuts SQL into consecutive pieces, calling `visit` with each one's kind and `[start, end)`: comments,
 * string literals (with `''` escapes and `E'...'` backslash escapes), quoted identifiers,
 * dollar-quoted bodies (`$$...$$`, `$tag$...$tag$`), `$n` placeholders, words, numbers, and any other
 * single character (whitespace included). The pieces cover the whole text, so joining them gives it
 * back; an unterminated literal or comment runs to the end. The one scanner of SQL text in the client:
 * {@link scanSql} and the recorder's literal redaction read its pieces.
 *
 * @example
 * lexSql("a = 'x' -- note", CODE_LEX_RULES, (kind, start, end) => console.log(kind, start, end))
 * // word 0 1, char 1 2, char 2 3, char 3 4, string 4 7, char 7 8, line-comment 8 15
 */
export function lexSql(
  sql: string,
  rules: SqlLexRules,
  visit: (kind: SqlPieceKind, start: number, end: number) => void,
): void {
  let i = 0
  const n = sql.length
  while (i < n) {
    const start = i
    const c = sql[i] as string
    const next = sql[i + 1]
    let kind: SqlPieceKind
    if (c === '-' && next === '-') {
      const end = sql.indexOf('\n', i)
      i = end === -1 ? n : end + 1
      kind = 'line-comment'
    } else if (c === '/' && next === '*') {
      let depth = 1
      i += 2
      while (i < n && depth > 0) {
        if (rules.nestedComments && sql[i] === '/' && sql[i + 1] === '*') {
          depth++
          i += 2
        } else if (sql[i] === '*' && sql[i + 1] === '/') {
          depth--
          i += 2
        } else i++
      }
      kind = 'block-comment'
    } else if (
      c === "'" ||
      ((c === 'E' || c === 'e') &&
        next === "'" &&
        !(rules.escapeStringNeedsBoundary && WORD_PART.test(sql[i - 1] ?? '')))
    ) {
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
      kind = 'string'
    } else if (c === '"') {
      i++
      while (i < n) {
        if (sql[i] === '"' && sql[i + 1] === '"') i += 2
        else if (sql[i] === '"') {
          i++
          break
        } else i++
      }
      kind = 'quoted-identifier'
    } else if (c === '$' && next !== undefined && DIGIT.test(next)) {
      i++
      while (i < n && DIGIT.test(sql[i] as string)) i++
      kind = 'placeholder'
    } else if (c === '$') {
      const tag = DOLLAR_TAG.exec(sql.slice(i, i + 64))?.[0]
      if (tag === undefined) {
        i++
        kind = 'char'
      } else {
        const close = sql.indexOf(tag, i + tag.length)
        i = close === -1 ? n : close + tag.length
        kind = 'dollar-string'
      }
    } else if (WORD_START.test(c)) {
      i++
      while (i < n && WORD_PART.test(sql[i] as string)) i++
      kind = 'word'
    } else if (rules.numbers && (DIGIT.test(c) || (c === '.' && next !== undefined && DIGIT.test(next)))) {
      i += NUMBER.exec(sql.slice(i))?.[0].length ?? 1
      kind = 'number'
    } else {
      i++
      kind = 'char'
    }
    visit(kind, start, i)
  }
}

const PUNCTUATION: Readonly<Record<string, 'open' | 'close' | 'comma' | 'semicolon'>> = {
  '(': 'open',
  ')': 'close',
  ',': 'comma',
  ';': 'semicolon',
}

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
  lexSql(sql, CODE_LEX_RULES, (kind, start, end) => {
    if (kind === 'placeholder') {
      tokens.push({ type: 'placeholder', index: Number(sql.slice(start + 1, end)), start, end })
    } else if (kind === 'word') {
      tokens.push({ type: 'word', text: sql.slice(start, end), start, end })
    } else if (kind === 'char') {
      const c = sql[start] as string
      if (!/\s/.test(c)) tokens.push({ type: PUNCTUATION[c] ?? 'other', start, end })
    }
  })
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
