import type { CopyOptions } from '@redshift-kit/dialect'
import { type InputRecord, type RecordReader, shapeRecord } from './input-record.js'
import { LOAD_ERROR } from './load-error.js'

/**
 * FIXEDWIDTH: each line is cut into the widths of the specification, in characters, in column order.
 * A field equal to the null marker is NULL; a line shorter than the specification is missing columns
 * (1214, or NULLs with FILLRECORD); characters past the last width other than blanks are extra (1202).
 */
export function fixedWidthReader(o: CopyOptions, columns: number): RecordReader {
  const widths = (o.fixedWidth ?? []).map((c) => c.width)
  const total = widths.reduce((a, b) => a + b, 0)
  return async function* read(input) {
    let carry = ''
    let line = 0
    let skip = o.ignoreHeader
    for await (const chunk of input) {
      const text = carry + chunk
      const out: InputRecord[] = []
      let start = 0
      for (let end = text.indexOf('\n', start); end >= 0; end = text.indexOf('\n', start)) {
        const record = text.slice(start, end)
        start = end + 1
        line++
        if (skip > 0) {
          skip--
          continue
        }
        const r = cut(record, line)
        if (r !== undefined) out.push(r)
      }
      carry = text.slice(start)
      if (out.length > 0) yield out
    }
    if (carry !== '' && skip === 0) {
      const r = cut(carry, line + 1)
      if (r !== undefined) yield [r]
    }
  }

  function cut(record: string, line: number): InputRecord | undefined {
    if (record === '' && o.ignoreBlankLines) return undefined
    const chars = [...record]
    if (chars.length > total && chars.slice(total).join('').trim() !== '') {
      return {
        line,
        raw: record,
        fields: null,
        error: { code: LOAD_ERROR.extraColumns, reason: 'Extra column(s) found', column: -1 },
      }
    }
    const fields: (string | null)[] = []
    let at = 0
    for (const width of widths) {
      if (at >= chars.length) break
      const value = chars.slice(at, at + width).join('')
      fields.push(value === o.nullAs || value.trim() === o.nullAs ? null : value)
      at += width
    }
    return shapeRecord(line, record, fields, columns, o.fillRecord)
  }
}
