import type { CopyOptions } from '@redshift-kit/dialect'
import { type InputRecord, type RecordReader, shapeRecord } from './input-record.js'
import { LOAD_ERROR } from './load-error.js'

/**
 * Redshift's default format: one record per line, fields split on the delimiter (`|`). Backslashes are
 * data unless ESCAPE is given (then a backslash makes the next character data, newline and delimiter
 * included); REMOVEQUOTES strips the quotes around a field, keeping delimiters inside them. Only LF ends
 * a line: a CR is data, as on Redshift.
 */
export function textReader(o: CopyOptions, columns: number): RecordReader {
  const simple = !o.escape && !o.removeQuotes
  return async function* read(input) {
    let carry = ''
    let line = 0
    let skip = o.ignoreHeader
    for await (const chunk of input) {
      const text = carry + chunk
      const out: InputRecord[] = []
      let start = 0
      while (start < text.length) {
        const end = simple ? text.indexOf('\n', start) : recordEnd(text, start)
        if (end < 0) break
        const record = text.slice(start, end)
        const first = line + 1
        line += simple ? 1 : countNewlines(record) + 1
        start = end + 1
        if (skip > 0) {
          skip--
          continue
        }
        const r = parseRecord(record, first, o, columns, simple)
        if (r !== undefined) out.push(r)
      }
      carry = text.slice(start)
      if (out.length > 0) yield out
    }
    if (carry !== '' && skip === 0) {
      const r = parseRecord(carry, line + 1, o, columns, simple)
      if (r !== undefined) yield [r]
    }
  }
}

function countNewlines(text: string): number {
  let n = 0
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) n++
  return n
}

/** End of the record starting at `start` (an LF not escaped, not inside REMOVEQUOTES quotes), or -1. */
function recordEnd(text: string, start: number): number {
  for (let i = start; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (c === 92 /* \ */) {
      i++
      if (i >= text.length) return -1
    } else if (c === 10) {
      return i
    }
  }
  return -1
}

function parseRecord(
  record: string,
  line: number,
  o: CopyOptions,
  columns: number,
  simple: boolean,
): InputRecord | undefined {
  if (record === '' && o.ignoreBlankLines) return undefined
  if (simple) {
    const parts: (string | null)[] = record.split(o.delimiter)
    for (let i = 0; i < parts.length; i++) if (parts[i] === o.nullAs) parts[i] = null
    return shapeRecord(line, record, parts, columns, o.fillRecord)
  }
  const fields: (string | null)[] = []
  let i = 0
  for (;;) {
    const q = record[i]
    if (o.removeQuotes && (q === '"' || q === "'")) {
      const close = findClosingQuote(record, i + 1, q, o.escape)
      if (close < 0)
        return lineError(line, record, LOAD_ERROR.invalidLine, 'Unterminated quoted string', fields.length)
      const inner = record.slice(i + 1, close)
      fields.push(inner === o.nullAs ? null : undoEscapes(inner, o.escape))
      i = close + 1
      if (i < record.length && record[i] !== o.delimiter)
        return lineError(line, record, LOAD_ERROR.delimiterNotFound, 'Delimiter not found', fields.length)
    } else {
      let j = i
      while (j < record.length && record[j] !== o.delimiter) j += o.escape && record[j] === '\\' ? 2 : 1
      const rawField = record.slice(i, Math.min(j, record.length))
      // The null marker is compared with the field as written, before escapes are undone.
      fields.push(rawField === o.nullAs ? null : undoEscapes(rawField, o.escape))
      i = j
    }
    if (i >= record.length) break
    i++ // the delimiter
  }
  return shapeRecord(line, record, fields, columns, o.fillRecord)
}

function lineError(line: number, raw: string, code: number, reason: string, column: number): InputRecord {
  return { line, raw, fields: null, error: { code, reason, column } }
}

function findClosingQuote(text: string, from: number, quote: string, escaped: boolean): number {
  for (let i = from; i < text.length; i++) {
    if (escaped && text[i] === '\\') i++
    else if (text[i] === quote) return i
  }
  return -1
}

function undoEscapes(text: string, escaped: boolean): string {
  if (!escaped || !text.includes('\\')) return text
  let out = ''
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string
    if (c === '\\' && i + 1 < text.length) out += text[++i]
    else out += c
  }
  return out
}
