import { quoteLiteral, stringValue } from './lexer.js'
import type { TokenStream } from './token-stream.js'
import type { StatementError } from './translation.js'

/** Redshift's bound on a SHOW command's LIMIT. */
const MAX_SHOW_ROWS = 10_000

export const syntax = (message: string): StatementError => ({ sqlState: '42601', message })

/** A SHOW being read token by token; each step returns an error or moves `at`. */
export class ShowReader {
  readonly ts: TokenStream
  readonly command: string
  at: number

  constructor(ts: TokenStream, at: number, command: string) {
    this.ts = ts
    this.at = at
    this.command = command
  }

  word(): string | undefined {
    return this.ts.word(this.at)
  }

  /** Consumes `word` when it is next; true when it was. */
  accept(word: string): boolean {
    if (this.ts.word(this.at) !== word) return false
    this.at = this.ts.next(this.at)
    return true
  }

  /**
   * A dotted name of 1..max parts, each as an SQL expression: a string literal, or the bind parameter
   * (`$1`) the drivers' prepared metadata statements use (`SHOW COLUMNS FROM TABLE $1.$2.$3`).
   */
  name(max: number): string[] | StatementError {
    const parts: string[] = []
    for (;;) {
      const token = this.ts.tokens[this.at]
      const part = token?.kind === 'param' ? token.text : this.ts.name(this.at)
      if (part === undefined) return syntax(`${this.command}: a name is expected`)
      parts.push(token?.kind === 'param' ? part : quoteLiteral(part))
      this.at = this.ts.next(this.at)
      if (!this.ts.is(this.at, '.')) break
      this.at = this.ts.next(this.at)
    }
    if (parts.length > max) return syntax(`${this.command}: too many name parts`)
    return parts
  }

  /** A plain name (a user or role), as an SQL expression like `name()` gives. */
  identifier(): string | undefined {
    const token = this.ts.tokens[this.at]
    const part = token?.kind === 'param' ? token.text : this.ts.name(this.at)
    if (part === undefined) return undefined
    this.at = this.ts.next(this.at)
    return token?.kind === 'param' ? part : quoteLiteral(part)
  }

  /** `[LIKE 'pattern']`: the pattern as an SQL literal, or `NULL`. */
  like(): string | StatementError {
    if (!this.accept('like')) return 'NULL'
    const literal = this.ts.tokens[this.at]
    if (literal?.kind === 'param') {
      this.at = this.ts.next(this.at)
      return literal.text
    }
    const value = literal === undefined ? null : stringValue(literal)
    if (value === null) return syntax('LIKE needs a string literal pattern')
    this.at = this.ts.next(this.at)
    return quoteLiteral(value)
  }

  /** `[LIMIT n]`, 0 to 10000 (Redshift's bound), 10000 when absent. */
  limit(): number | StatementError {
    if (!this.accept('limit')) return MAX_SHOW_ROWS
    const n = this.ts.tokens[this.at]
    const limit = n?.kind === 'number' && /^\d+$/.test(n.text) ? Number(n.text) : Number.NaN
    if (!(limit >= 0 && limit <= MAX_SHOW_ROWS)) {
      return { sqlState: '22023', message: `LIMIT of ${this.command} must be from 0 to 10000` }
    }
    this.at = this.ts.next(this.at)
    return limit
  }

  /** Null when only an optional `;` is left, else the syntax error at what is. */
  end(): StatementError | null {
    if (this.ts.is(this.at, ';')) this.at = this.ts.next(this.at)
    return this.at < 0 ? null : syntax(`syntax error at or near "${this.ts.tokens[this.at]?.text}"`)
  }
}

export const isError = (v: unknown): v is StatementError =>
  typeof v === 'object' && v !== null && 'sqlState' in v
