/**
 * JSON with its numbers exact. `JSON.parse` makes every number a double, so a BIGINT such as
 * 9223372036854775807 or a long DECIMAL arrives rounded, and Redshift's COPY keeps every digit. Here a
 * number of more than 15 significant digits (more than a double holds) is kept as its literal
 * ({@link JsonNumber}); shorter ones read as JSON.parse reads them.
 */

/** A JSON number kept as it was written. */
export class JsonNumber {
  constructor(readonly text: string) {}
}

// A run of 16 or more digits (dots between allowed): the only numbers a double can round. Records
// without one go through JSON.parse, natively.
const LONG_DIGITS = /\d[\d.]{15}/
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y

/**
 * Parses `text` as JSON; throws a SyntaxError when it is not. Objects have no prototype (a
 * `"__proto__"` key is an ordinary key), numbers that a double would round are {@link JsonNumber}s.
 *
 * @example
 * parseExactJson('{"id": 9223372036854775807}') // { id: JsonNumber { text: '9223372036854775807' } }
 */
export function parseExactJson(text: string): unknown {
  if (!LONG_DIGITS.test(text)) return JSON.parse(text)
  let at = 0
  const fail = (): never => {
    throw new SyntaxError(`Unexpected token in JSON at position ${at}`)
  }
  const space = (): void => {
    for (;;) {
      const c = text.charCodeAt(at)
      if (c === 32 || c === 9 || c === 10 || c === 13) at++
      else return
    }
  }
  const string = (): string => {
    if (text.charCodeAt(at) !== 34) fail()
    let end = at + 1
    for (;;) {
      const c = text.charCodeAt(end)
      if (Number.isNaN(c)) fail()
      if (c === 92) end += 2
      else if (c === 34) break
      else end++
    }
    // The escapes are JSON's own: JSON.parse reads the one string literal.
    const value = JSON.parse(text.slice(at, end + 1)) as string
    at = end + 1
    return value
  }
  const value = (): unknown => {
    space()
    const c = text.charCodeAt(at)
    if (c === 123) {
      at++
      const object: Record<string, unknown> = Object.create(null)
      space()
      if (text.charCodeAt(at) === 125) {
        at++
        return object
      }
      for (;;) {
        space()
        const key = string()
        space()
        if (text.charCodeAt(at++) !== 58) fail()
        object[key] = value()
        space()
        const next = text.charCodeAt(at++)
        if (next === 125) return object
        if (next !== 44) fail()
      }
    }
    if (c === 91) {
      at++
      const array: unknown[] = []
      space()
      if (text.charCodeAt(at) === 93) {
        at++
        return array
      }
      for (;;) {
        array.push(value())
        space()
        const next = text.charCodeAt(at++)
        if (next === 93) return array
        if (next !== 44) fail()
      }
    }
    if (c === 34) return string()
    for (const [word, v] of [
      ['true', true],
      ['false', false],
      ['null', null],
    ] as const) {
      if (text.startsWith(word, at)) {
        at += word.length
        return v
      }
    }
    NUMBER.lastIndex = at
    const match = NUMBER.exec(text)
    if (match === null) return fail()
    at = NUMBER.lastIndex
    const literal = match[0]
    // Up to 15 significant digits a double holds exactly: such a number reads as JSON.parse reads it.
    const mantissa = literal
      .replace(/^-/, '')
      .replace(/[eE].*$/, '')
      .replace('.', '')
      .replace(/^0+/, '')
    return mantissa.length <= 15 ? Number(literal) : new JsonNumber(literal)
  }
  const result = value()
  space()
  if (at !== text.length) fail()
  return result
}

/**
 * JSON text of a value {@link parseExactJson} made: its exact numbers written as they were read.
 *
 * @example
 * stringifyExactJson(parseExactJson('[12345678901234567890]')) // '[12345678901234567890]'
 */
export function stringifyExactJson(value: unknown): string {
  if (value instanceof JsonNumber) return value.text
  if (Array.isArray(value)) return `[${value.map((v) => stringifyExactJson(v)).join(',')}]`
  if (value !== null && typeof value === 'object') {
    const parts = Object.entries(value).map(([k, v]) => `${JSON.stringify(k)}:${stringifyExactJson(v)}`)
    return `{${parts.join(',')}}`
  }
  return JSON.stringify(value) ?? 'null'
}
