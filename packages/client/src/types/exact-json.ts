import type { JsonValue } from './value.js'

/** Significant digits a JS number always keeps (IEEE 754 double: 15 are exact both ways). */
const EXACT_DIGITS = 15
const LONG_NUMBER = /\d[\d.]{15}/

/**
 * Parses JSON text keeping every digit of its numbers: integers beyond 2^53 become `bigint`, and
 * decimals with more than 15 significant digits (which a JS number would round) keep their exact
 * text as a `string`; every other number is a `number`. Throws `SyntaxError` on bad JSON.
 *
 * @example
 * parseExactJson('{"id": 9007199254740993, "ratio": 0.12345678901234567890, "n": 1.5}')
 * // { id: 9007199254740993n, ratio: '0.12345678901234567890', n: 1.5 }
 */
export function parseExactJson(text: string): JsonValue {
  // Fast path: without a run of 16 digits (a dot allowed among them) no number can lose one.
  if (!LONG_NUMBER.test(text)) return JSON.parse(text) as JsonValue
  let i = 0
  const fail = (): never => {
    throw new SyntaxError(`bad JSON at position ${i}`)
  }
  const space = (): void => {
    while (i < text.length && (text[i] === ' ' || text[i] === '\n' || text[i] === '\r' || text[i] === '\t'))
      i++
  }
  const value = (): JsonValue => {
    space()
    const c = text[i]
    if (c === '{') {
      i++
      const out: { [key: string]: JsonValue } = {}
      space()
      if (text[i] === '}') {
        i++
        return out
      }
      for (;;) {
        space()
        if (text[i] !== '"') fail()
        const key = string()
        space()
        if (text[i++] !== ':') fail()
        out[key] = value()
        space()
        const next = text[i++]
        if (next === '}') return out
        if (next !== ',') fail()
      }
    }
    if (c === '[') {
      i++
      const out: JsonValue[] = []
      space()
      if (text[i] === ']') {
        i++
        return out
      }
      for (;;) {
        out.push(value())
        space()
        const next = text[i++]
        if (next === ']') return out
        if (next !== ',') fail()
      }
    }
    if (c === '"') return string()
    if (text.startsWith('true', i)) {
      i += 4
      return true
    }
    if (text.startsWith('false', i)) {
      i += 5
      return false
    }
    if (text.startsWith('null', i)) {
      i += 4
      return null
    }
    return number()
  }
  const string = (): string => {
    const start = i
    i++
    while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1
    if (i >= text.length) fail()
    i++
    return JSON.parse(text.slice(start, i)) as string
  }
  const number = (): number | bigint | string => {
    const m = /^-?(?:0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i, i + 400))
    if (m === null) return fail()
    const token = m[0]
    i += token.length
    const n = Number(token)
    if (m[1] === undefined && m[2] === undefined) return Number.isSafeInteger(n) ? n : BigInt(token)
    const digits = token
      .replace(/[eE].*$/, '')
      .replace(/[-.]/g, '')
      .replace(/^0+/, '')
      .replace(/0+$/, '')
    return digits.length <= EXACT_DIGITS ? n : token
  }
  const result = value()
  space()
  if (i !== text.length) fail()
  return result
}
