import { JsonNumber, parseExactJson, stringifyExactJson } from './exact-json.js'
import type { InputRecord, RecordReader } from './input-record.js'
import type { JsonPath } from './json-paths.js'
import { LOAD_ERROR } from './load-error.js'

/** Redshift's limit on one JSON object (4 MB). */
const MAX_OBJECT_CHARS = 4 * 1024 * 1024

function newlineCount(text: string, end: number): number {
  let n = 0
  for (let i = 0; i < end; i++) if (text.charCodeAt(i) === 10) n++
  return n
}

/** A JSON value as the converter takes it: text, or null for SQL NULL. */
function toText(value: unknown): string | null {
  if (value === undefined || value === null) return null
  if (typeof value === 'string') return value
  if (typeof value === 'number' || typeof value === 'bigint') return String(value)
  if (typeof value === 'boolean') return value ? 'true' : 'false'
  if (value instanceof JsonNumber) return value.text
  return stringifyExactJson(value)
}

/**
 * JSON records (`JSON 'auto'`, `'auto ignorecase'` or a JSONPaths file): top-level values, one after the
 * other with any whitespace between (one per line or not), each parsed with its numbers exact. With `'auto'`, the
 * object's top-level keys are matched to the lower-case column names (case-insensitively with
 * `'auto ignorecase'`); with JSONPaths each expression gives its column's value. An array as a record
 * needs JSONPaths.
 */
export function jsonReader(
  columns: readonly string[],
  mode: 'auto' | 'auto ignorecase' | JsonPath[],
): RecordReader {
  const lookup = new Map<string, number>()
  for (let i = 0; i < columns.length; i++) {
    const c = columns[i] as string
    lookup.set(mode === 'auto ignorecase' ? c.toLowerCase() : c, i)
  }
  const ignoreCase = mode === 'auto ignorecase'

  function record(text: string, line: number): InputRecord {
    const error = (reason: string, code: number = LOAD_ERROR.invalidLine): InputRecord => ({
      line,
      raw: text,
      fields: null,
      error: { code, reason, column: -1 },
    })
    if (text.length > MAX_OBJECT_CHARS) return error('JSON object exceeds the 4 MB limit')
    let value: unknown
    try {
      value = parseExactJson(text)
    } catch {
      return error('Invalid JSON object')
    }
    if (Array.isArray(mode)) return { line, raw: text, fields: mode.map((path) => toText(path(value))) }
    if (value === null || typeof value !== 'object' || Array.isArray(value))
      return error(Array.isArray(value) ? 'JSON array records need a JSONPaths file' : 'Invalid JSON object')
    const fields: (string | null)[] = new Array(columns.length).fill(null)
    for (const [key, v] of Object.entries(value)) {
      const at = lookup.get(ignoreCase ? key.toLowerCase() : key)
      if (at !== undefined) fields[at] = toText(v)
    }
    return { line, raw: text, fields }
  }

  return async function* read(input) {
    let carry = ''
    let line: number
    let carryLine = 1
    for await (const chunk of input) {
      const text = carry + chunk
      const out: InputRecord[] = []
      let depth = 0
      let inString = false
      let start = -1
      let startLine = carryLine
      line = carryLine
      let consumed = 0
      let lineAtConsumed = carryLine
      for (let i = 0; i < text.length; i++) {
        const c = text.charCodeAt(i)
        if (inString) {
          if (c === 92) i++
          else if (c === 34) inString = false
          else if (c === 10) line++
          continue
        }
        if (c === 10) {
          line++
          continue
        }
        if (c === 32 || c === 9 || c === 13) continue
        if (start < 0) {
          start = i
          startLine = line
        }
        if (c === 34) inString = true
        else if (c === 123 || c === 91) depth++
        else if (c === 125 || c === 93) depth--
        if (depth <= 0 && !inString) {
          // A scalar record runs to the next whitespace; an object or array to its closing bracket.
          let end = i + 1
          if (depth === 0 && c !== 125 && c !== 93) {
            while (end < text.length && !/[\s{[]/.test(text[end] as string)) end++
            if (end === text.length) break
          }
          out.push(record(text.slice(start, end), startLine))
          i = end - 1
          start = -1
          depth = 0
          consumed = end
          lineAtConsumed = line
        }
      }
      carry = text.slice(consumed)
      carryLine = lineAtConsumed
      if (out.length > 0) yield out
    }
    const rest = carry.trimStart()
    if (rest !== '')
      yield [record(rest.trimEnd(), carryLine + newlineCount(carry, carry.length - rest.length))]
  }
}
