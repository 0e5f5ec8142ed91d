import { QueryFailedError } from '../../errors/query-errors.js'
import type { ColumnMetadata } from '../../types/column-metadata.js'
import { TypeOid } from '../../types/oids.js'
import type { TextParser, TypeParsers } from '../../types/type-parsers.js'
import type { Value } from '../../types/value.js'
import { engineTimestamp } from './result-decoding.js'

/** The JSON bytes a result page is read by (shared with `page-text.ts`). */
export const QUOTE = 34
export const BACKSLASH = 92
export const OPEN_BRACKET = 91
export const CLOSE_BRACKET = 93
export const OPEN_BRACE = 123
export const CLOSE_BRACE = 125
export const COMMA = 44
export const COLON = 58
const LETTER_T = 116

/**
 * The error of a result page the client cannot read, at byte `at` when known.
 *
 * @example
 * throw malformed('a record without its closing brace', 1024)
 */
export function malformed(detail: string, at?: number): QueryFailedError {
  const where = at === undefined ? '' : ` at byte ${at}`
  return new QueryFailedError(
    `the Data API sent a result page the client cannot read (${detail}${where}); check that the endpoint is the Redshift Data API`,
    { fault: 'server' },
  )
}

function skipSpace(bytes: Buffer, i: number): number {
  for (;;) {
    const c = bytes[i]
    if (c !== 32 && c !== 10 && c !== 13 && c !== 9) return i
    i++
  }
}

/** Whether the string {@link stringEnd} last passed over had escapes. */
let escaped = false

/** Where the JSON string opening at `i` ends (past its closing quote); sets {@link escaped}. */
function stringEnd(bytes: Buffer, i: number, end: number): number {
  // Field strings are short: a loop here is cheaper than a native search per string.
  escaped = false
  for (let at = i + 1; at < end; at++) {
    const c = bytes[at]
    if (c === QUOTE) return at + 1
    if (c === BACKSLASH) {
      escaped = true
      at++
    }
  }
  throw malformed('an unterminated string', i)
}

/** The JSON string at [start, end) (quotes included) as text, unescaped when {@link escaped}. */
function stringText(bytes: Buffer, start: number, end: number): string {
  if (!escaped) return bytes.toString('utf8', start + 1, end - 1)
  return JSON.parse(bytes.toString('utf8', start, end)) as string
}

/** The members of a `Field`. */
const Member = { IsNull: 0, String: 1, Long: 2, Double: 3, Boolean: 4, Blob: 5, Other: 6 } as const
type Member = (typeof Member)[keyof typeof Member]

/** A `Field` member's name, told apart by its first letter and length (unique among them). */
function memberOf(bytes: Buffer, start: number, end: number): Member {
  const length = end - start - 2
  const first = bytes[start + 1]
  if (first === 105 && length === 6) return Member.IsNull // isNull
  if (first === 115 && length === 11) return Member.String // stringValue
  if (first === 108 && length === 9) return Member.Long // longValue
  if (first === 100 && length === 11) return Member.Double // doubleValue
  if (first === 98 && length === 12) return Member.Boolean // booleanValue
  if (first === 98 && length === 9) return Member.Blob // blobValue
  return Member.Other
}

/**
 * Reads GetStatementResult records (`[{"longValue":1},{"stringValue":"a"},{"isNull":true}]`) straight
 * from the reply's bytes into the values the wire transport gives: each field becomes the text the
 * wire would carry and goes through the client's type parsers. No object is made for a record or a
 * field, and a number is read as written, so a BIGINT past 2^53 keeps every digit.
 */
export class JsonRecordReader {
  readonly #read: TextParser[]
  readonly #timestamps: boolean[]

  constructor(columns: readonly ColumnMetadata[], parsers: TypeParsers) {
    this.#read = columns.map((c) => parsers(c.typeOid))
    this.#timestamps = columns.map(
      (c) => c.typeOid === TypeOid.TIMESTAMP || c.typeOid === TypeOid.TIMESTAMPTZ,
    )
  }

  /** Reads the record starting at `at` (its `[`) into `out`; returns the position after it. */
  record(bytes: Buffer, at: number, end: number, out: Value[][]): number {
    if (bytes[at] !== OPEN_BRACKET) throw malformed('a record that is not an array', at)
    const row: Value[] = []
    let i = skipSpace(bytes, at + 1)
    if (bytes[i] === CLOSE_BRACKET) {
      out.push(row)
      return i + 1
    }
    for (;;) {
      i = this.#field(bytes, i, end, row)
      i = skipSpace(bytes, i)
      const c = bytes[i]
      if (c === COMMA) i = skipSpace(bytes, i + 1)
      else if (c === CLOSE_BRACKET) {
        out.push(row)
        return i + 1
      } else throw malformed('fields not separated by commas', i)
    }
  }

  /** Reads one `Field` object at `i` into `row`; returns the position after it. */
  #field(bytes: Buffer, i: number, end: number, row: Value[]): number {
    if (bytes[i] !== OPEN_BRACE) throw malformed('a field that is not an object', i)
    const column = row.length
    let text: string | null = null
    let seen = false
    i = skipSpace(bytes, i + 1)
    while (bytes[i] !== CLOSE_BRACE) {
      if (bytes[i] !== QUOTE) throw malformed('a field member without a name', i)
      const nameEnd = stringEnd(bytes, i, end)
      const member = memberOf(bytes, i, nameEnd)
      i = skipSpace(bytes, nameEnd)
      if (bytes[i] !== COLON) throw malformed('a field member without a value', i)
      const start = skipSpace(bytes, i + 1)
      let valueEnd: number
      if (bytes[start] === QUOTE) valueEnd = stringEnd(bytes, start, end)
      else {
        valueEnd = start
        for (;;) {
          const c = bytes[valueEnd]
          if (valueEnd >= end || c === COMMA || c === CLOSE_BRACE || c === 32 || c === 10 || c === 13) break
          valueEnd++
        }
        if (valueEnd === start) throw malformed('a field member without a value', start)
      }
      if (!seen) {
        const found = this.#text(bytes, member, start, valueEnd, column)
        if (found !== undefined) {
          text = found
          seen = true
        }
      }
      i = skipSpace(bytes, valueEnd)
      if (bytes[i] === COMMA) i = skipSpace(bytes, i + 1)
      else if (bytes[i] !== CLOSE_BRACE) throw malformed('field members not separated by commas', i)
    }
    row.push(text === null ? null : (this.#read[column] as TextParser)(text))
    return i + 1
  }

  /**
   * The wire's text of a member's value: null for `isNull: true`, undefined for a member that says
   * nothing about the value (`isNull: false`, or one this client does not know).
   */
  #text(
    bytes: Buffer,
    member: Member,
    start: number,
    end: number,
    column: number,
  ): string | null | undefined {
    switch (member) {
      case Member.IsNull:
        return bytes[start] === LETTER_T ? null : undefined
      case Member.String: {
        const text = stringText(bytes, start, end)
        return this.#timestamps[column] === true ? engineTimestamp(text) : text
      }
      case Member.Long:
      case Member.Double:
        // A number as written (exact); a double the JSON cannot hold as a number comes quoted ("NaN").
        return bytes[start] === QUOTE ? stringText(bytes, start, end) : bytes.toString('latin1', start, end)
      case Member.Boolean:
        return bytes[start] === LETTER_T ? 't' : 'f'
      case Member.Blob:
        return Buffer.from(stringText(bytes, start, end), 'base64').toString('hex')
      default:
        return undefined
    }
  }
}
