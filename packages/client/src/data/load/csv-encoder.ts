import type { TargetColumn } from './target-columns.js'
import { columnText, type LoadValue } from './value-encoding.js'

/** The NULL marker of staged CSV (COPY ... CSV NULL AS '\N'): an empty quoted field stays ''. */
export const CSV_NULL = '\\N'

function field(text: string): string {
  return text === CSV_NULL || text === '' || /[",\r\n]/.test(text) || text !== text.trim()
    ? `"${text.replaceAll('"', '""')}"`
    : text
}

/**
 * Rows as CSV lines for COPY ... CSV NULL AS '\N': every string quoted when it needs to be (and when
 * it is empty or reads as the NULL marker), numbers as written, NULL as an unquoted `\N`.
 *
 * @example
 * encodeCsv(columns, [[1, 'a'], [2, null]]) // '1,a\n2,\\N\n'
 */
export function encodeCsv(columns: readonly TargetColumn[], rows: readonly (readonly LoadValue[])[]): string {
  let out = ''
  for (const row of rows) out += csvLine(columns, row)
  return out
}

/** One row as a CSV line for COPY ... CSV NULL AS '\N', newline included (see {@link encodeCsv}). */
export function csvLine(columns: readonly TargetColumn[], row: readonly LoadValue[]): string {
  let out = ''
  for (let i = 0; i < columns.length; i++) {
    if (i > 0) out += ','
    const v = row[i]
    out += v === null || v === undefined ? CSV_NULL : field(columnText(columns[i] as TargetColumn, v))
  }
  return `${out}\n`
}
