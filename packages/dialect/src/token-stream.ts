import { isSignificant, type Token, tokenize } from './lexer.js'

/**
 * A statement's tokens with navigation that skips whitespace and comments. Positions are indices into
 * `tokens`; `-1` means "no such token".
 */
export class TokenStream {
  readonly sql: string
  readonly tokens: readonly Token[]

  constructor(sql: string, tokens: readonly Token[] = tokenize(sql)) {
    this.sql = sql
    this.tokens = tokens
  }

  /** The first significant token at or after `i`, or -1. */
  sigAt(i: number): number {
    const { tokens } = this
    for (let j = Math.max(0, i); j < tokens.length; j++) if (isSignificant(tokens[j] as Token)) return j
    return -1
  }

  /** The next significant token after `i`, or -1 (also for `i` = -1). */
  next(i: number): number {
    return i < 0 ? -1 : this.sigAt(i + 1)
  }

  /** The previous significant token before `i`, or -1. */
  prev(i: number): number {
    const { tokens } = this
    for (let j = i - 1; j >= 0; j--) if (isSignificant(tokens[j] as Token)) return j
    return -1
  }

  /** The lower-cased word at `i`, or undefined when `i` is not an unquoted word. */
  word(i: number): string | undefined {
    const t = this.tokens[i]
    return t?.kind === 'word' ? t.value : undefined
  }

  /** True when the token at `i` is the punctuation or operator `text`. */
  is(i: number, text: string): boolean {
    const t = this.tokens[i]
    return t !== undefined && (t.kind === 'punct' || t.kind === 'operator') && t.text === text
  }

  /** The name an identifier token stands for (unquoted: folded to lower case), or undefined. */
  name(i: number): string | undefined {
    const t = this.tokens[i]
    if (t?.kind === 'word') return t.value
    if (t?.kind === 'quotedIdent' && !t.unterminated) return t.value
    return undefined
  }

  /** The `)` matching the `(` at `open`, or -1 when it is not closed before `limit`. */
  closing(open: number, limit: number = this.tokens.length): number {
    let depth = 0
    const { tokens } = this
    for (let j = open; j < limit; j++) {
      const t = tokens[j] as Token
      if (t.kind !== 'punct') continue
      if (t.text === '(') depth++
      else if (t.text === ')') {
        depth--
        if (depth === 0) return j
      }
    }
    return -1
  }

  /** Significant-token ranges `[from, to]` (inclusive) of the top-level comma-separated items in `(open, close)`. */
  items(open: number, close: number): Array<readonly [number, number]> {
    const out: Array<readonly [number, number]> = []
    let depth = 0
    let first = -1
    let last = -1
    for (let j = open + 1; j < close; j++) {
      const t = this.tokens[j] as Token
      if (!isSignificant(t)) continue
      if (t.kind === 'punct') {
        if (t.text === '(' || t.text === '[') depth++
        else if (t.text === ')' || t.text === ']') depth--
        else if (t.text === ',' && depth === 0) {
          if (first >= 0) out.push([first, last])
          first = -1
          continue
        }
      }
      if (first < 0) first = j
      last = j
    }
    if (first >= 0) out.push([first, last])
    return out
  }

  /** Source text from the start of token `from` to the end of token `to` (inclusive). */
  text(from: number, to: number): string {
    return this.sql.slice((this.tokens[from] as Token).start, (this.tokens[to] as Token).end)
  }
}
