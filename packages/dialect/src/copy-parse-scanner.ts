import { isSignificant, stringValue, type Token, tokenize } from './lexer.js'

/**
 * A COPY or UNLOAD statement Redshift would refuse before running it: bad syntax (42601), a bad or
 * conflicting option value (22023 / 0A000). The executors turn it into the client's error.
 */
export class CommandSyntaxError extends Error {
  readonly name = 'CommandSyntaxError' as const
  readonly sqlState: string
  readonly hint: string | undefined
  constructor(sqlState: string, message: string, hint?: string) {
    super(message)
    this.sqlState = sqlState
    this.hint = hint
  }
}

/**
 * A cursor over a statement's significant tokens (whitespace and comments skipped), with the small
 * vocabulary the COPY and UNLOAD grammars need: keywords, string and number arguments, optional `AS`.
 */
export class TokenCursor {
  readonly #tokens: readonly Token[]
  #at = 0

  constructor(sql: string) {
    this.#tokens = tokenize(sql).filter(isSignificant)
  }

  get done(): boolean {
    const t = this.#tokens[this.#at]
    return t === undefined || (t.kind === 'punct' && t.text === ';' && this.#at === this.#tokens.length - 1)
  }

  peek(offset = 0): Token | undefined {
    return this.#tokens[this.#at + offset]
  }

  /** The lower-cased keyword at the cursor, or undefined. */
  peekWord(offset = 0): string | undefined {
    const t = this.peek(offset)
    return t?.kind === 'word' ? t.value : undefined
  }

  next(): Token {
    const t = this.#tokens[this.#at]
    if (t === undefined) throw this.error('end of input')
    this.#at++
    return t
  }

  /** Consumes `word` when it is next. */
  accept(word: string): boolean {
    if (this.peekWord() !== word) return false
    this.#at++
    return true
  }

  acceptPunct(text: string): boolean {
    const t = this.peek()
    if (t?.kind !== 'punct' || t.text !== text) return false
    this.#at++
    return true
  }

  expectWord(word: string): void {
    if (!this.accept(word)) throw this.error(this.describeNext())
  }

  expectPunct(text: string): void {
    if (!this.acceptPunct(text)) throw this.error(this.describeNext())
  }

  /** An optional `AS` before an argument. */
  optionalAs(): void {
    this.accept('as')
  }

  /** True when a string literal is next. */
  atString(): boolean {
    const t = this.peek()
    return t?.kind === 'string' || t?.kind === 'dollarString'
  }

  /** A string literal's value (quotes undoubled; dollar-quoted bodies as written). */
  string(what: string): string {
    const t = this.peek()
    if (t?.kind === 'dollarString' && !t.unterminated) {
      this.#at++
      const tag = t.text.slice(0, t.text.indexOf('$', 1) + 1)
      return t.text.slice(tag.length, t.text.length - tag.length)
    }
    const value = t === undefined ? null : stringValue(t)
    if (value === null) {
      throw new CommandSyntaxError(
        '42601',
        `syntax error at or near ${this.describeNext()}`,
        `${what} takes a quoted string`,
      )
    }
    this.#at++
    return value
  }

  /** An integer argument (optionally quoted, as Redshift also accepts `MAXERROR '10'`). */
  integer(what: string): number {
    const t = this.peek()
    const text =
      t?.kind === 'number' ? t.text : t !== undefined && t.kind === 'string' ? stringValue(t) : null
    if (text === null || !/^\d+$/.test(text.trim())) {
      throw new CommandSyntaxError(
        '42601',
        `syntax error at or near ${this.describeNext()}`,
        `${what} takes a whole number`,
      )
    }
    this.#at++
    return Number(text.trim())
  }

  /** A number argument that may have a fraction (MAXFILESIZE 5.5 GB). */
  decimal(what: string): number {
    const t = this.peek()
    if (t?.kind !== 'number' || !Number.isFinite(Number(t.text))) {
      throw new CommandSyntaxError(
        '42601',
        `syntax error at or near ${this.describeNext()}`,
        `${what} takes a number`,
      )
    }
    this.#at++
    return Number(t.text)
  }

  /** An identifier (unquoted: lower-cased; quoted: as written). */
  identifier(what: string): string {
    const t = this.peek()
    if (t?.kind === 'word' || (t?.kind === 'quotedIdent' && !t.unterminated)) {
      this.#at++
      return t.value as string
    }
    throw new CommandSyntaxError(
      '42601',
      `syntax error at or near ${this.describeNext()}`,
      `expected ${what}`,
    )
  }

  /** A parenthesised, comma-separated list of identifiers. */
  identifierList(what: string): string[] {
    this.expectPunct('(')
    const out: string[] = []
    do out.push(this.identifier(what))
    while (this.acceptPunct(','))
    this.expectPunct(')')
    return out
  }

  /** How the next token reads in an error message (`"foo"`, or `end of input`). */
  describeNext(): string {
    const t = this.peek()
    return t === undefined ? 'end of input' : `"${t.text}"`
  }

  error(near: string, hint?: string): CommandSyntaxError {
    return new CommandSyntaxError('42601', `syntax error at or near ${near}`, hint)
  }
}

/** An option given twice: Redshift's (and PostgreSQL's) "conflicting or redundant options". */
export function redundant(option: string): CommandSyntaxError {
  return new CommandSyntaxError(
    '42601',
    'conflicting or redundant options',
    `${option} is given more than once`,
  )
}

/** Two options that cannot be used together. */
export function conflicting(a: string, b: string): CommandSyntaxError {
  return new CommandSyntaxError('0A000', `${a} and ${b} cannot be used together`, `remove ${a} or ${b}`)
}

/**
 * A one-character option argument as Redshift reads it: a literal character, `'\t'` and the other
 * C escapes, or an octal `'\ddd'` (DG: DELIMITER "'\ddd' octal").
 */
export function singleCharacter(option: string, value: string): string {
  const decoded = decodeCharacterEscapes(value)
  if (decoded.length !== 1) {
    throw new CommandSyntaxError(
      '22023',
      `${option} must be a single character, got '${value}'`,
      `give one character, '\\t' for a tab or '\\ddd' in octal`,
    )
  }
  return decoded
}

const ESCAPES: Readonly<Record<string, string>> = {
  t: '\t',
  n: '\n',
  r: '\r',
  b: '\b',
  f: '\f',
  v: '\v',
  '\\': '\\',
}

function decodeCharacterEscapes(value: string): string {
  if (!value.startsWith('\\') || value.length < 2) return value
  const octal = /^\\([0-7]{1,3})$/.exec(value)
  if (octal) return String.fromCharCode(Number.parseInt(octal[1] as string, 8))
  if (value.length === 2) return ESCAPES[value[1] as string] ?? value
  return value
}
