import type { UnloadStatement } from '@redshift-kit/dialect'
import { CommandSyntaxError } from '@redshift-kit/dialect'
import { stringify } from 'csv-stringify/sync'
import type { OutputColumn } from './query-source.js'

/** Encodes rows (engine text values) into the lines of a delimited, CSV, fixed-width or JSON file. */
export interface RowEncoder {
  /** The header line (HEADER), with its newline, or '' when none. */
  readonly header: string
  encode(rows: readonly (readonly (string | null)[])[]): string
}

const NUMERIC_TYPES = new Set(['int2', 'int4', 'int8', 'float4', 'float8', 'numeric', 'oid'])
const JSON_TYPES = new Set(['super', 'json', 'jsonb'])

/** Backslash before LF, CR, the delimiter, the backslash and (with ADDQUOTES) quotes: DG `r_UNLOAD` ESCAPE. */
function escaper(delimiter: string, quotes: boolean): (v: string) => string {
  const special = new Set(['\n', '\r', '\\', delimiter, ...(quotes ? ['"', "'"] : [])])
  return (v) => {
    let out = ''
    let last = 0
    for (let i = 0; i < v.length; i++) {
      if (special.has(v[i] as string)) {
        out += `${v.slice(last, i)}\\`
        last = i
      }
    }
    return last === 0 && out === '' ? v : out + v.slice(last)
  }
}

function textEncoder(u: UnloadStatement, columns: readonly OutputColumn[]): RowEncoder {
  const escapeText = u.escape ? escaper(u.delimiter, u.addQuotes) : (v: string) => v
  const textual = columns.map((c) => !NUMERIC_TYPES.has(c.typeName))
  const nullText = u.nullAs ?? ''
  const field = (v: string | null, c: number): string => {
    // SUPER values ignore NULL AS (DG "Unloading semistructured data").
    const text =
      v === null
        ? JSON_TYPES.has(columns[c]?.typeName ?? '')
          ? ''
          : nullText
        : textual[c]
          ? escapeText(v)
          : v
    return u.addQuotes ? `"${text}"` : text
  }
  const line = (row: readonly (string | null)[]) => row.map(field).join(u.delimiter)
  return {
    header: u.header ? `${line(columns.map((c) => c.name))}\n` : '',
    encode: (rows) => {
      let out = ''
      for (const row of rows) out += `${line(row)}\n`
      return out
    },
  }
}

function fixedWidthEncoder(u: UnloadStatement, columns: readonly OutputColumn[]): RowEncoder {
  const spec = u.fixedWidth ?? []
  if (spec.length !== columns.length) {
    throw new CommandSyntaxError(
      '22023',
      `FIXEDWIDTH gives ${spec.length} columns, but the query returns ${columns.length}`,
      'give one label:width per column of the query',
    )
  }
  const widths = spec.map((s) => s.width)
  return {
    header: '',
    encode: (rows) => {
      let out = ''
      for (const row of rows) {
        for (let c = 0; c < widths.length; c++) {
          const width = widths[c] as number
          const v = row[c] ?? u.nullAs ?? ''
          // FIXEDWIDTH never truncates: a longer value is an error (DG `r_UNLOAD`).
          if ([...v].length > width) {
            if (row[c] === null && NUMERIC_TYPES.has(columns[c]?.typeName ?? '')) {
              out += ' '.repeat(width)
              continue
            }
            throw new CommandSyntaxError(
              'XX000',
              `Value '${v}' of column "${columns[c]?.name}" is longer than its FIXEDWIDTH width ${width}`,
              'widen the column in the FIXEDWIDTH specification',
            )
          }
          out += v.padEnd(width + v.length - [...v].length, ' ')
        }
        out += '\n'
      }
      return out
    },
  }
}

function csvEncoder(u: UnloadStatement, columns: readonly OutputColumn[]): RowEncoder {
  const nullText = u.nullAs ?? ''
  // Fields with the delimiter, a quote, CR or LF are quoted; quotes are doubled (DG `r_UNLOAD` CSV).
  const options = {
    delimiter: u.delimiter,
    quote: '"',
    escape: '"',
    record_delimiter: '\n',
    quoted_match: /\r/,
  }
  const prepare = (row: readonly (string | null)[]) => row.map((v) => (v === null ? nullText : v))
  return {
    header: u.header ? stringify([columns.map((c) => c.name)], options) : '',
    encode: (rows) => stringify(rows.map(prepare), options),
  }
}

function jsonEncoder(columns: readonly OutputColumn[]): RowEncoder {
  const names = columns.map((c) => JSON.stringify(c.name))
  const kinds = columns.map((c) =>
    NUMERIC_TYPES.has(c.typeName)
      ? 'number'
      : c.typeName === 'bool'
        ? 'bool'
        : JSON_TYPES.has(c.typeName)
          ? 'json'
          : 'text',
  )
  const value = (v: string | null, c: number): string => {
    if (v === null) return 'null'
    switch (kinds[c]) {
      case 'number':
        return /^-?(\d|\.\d)/.test(v) && Number.isFinite(Number(v)) ? v : JSON.stringify(v)
      case 'bool':
        // Redshift writes booleans as t / f (DG `r_UNLOAD`, FORMAT JSON), as JSON strings here.
        return JSON.stringify(v)
      case 'json':
        return v
      default:
        return JSON.stringify(v)
    }
  }
  return {
    header: '',
    encode: (rows) => {
      let out = ''
      for (const row of rows) {
        let line = '{'
        for (let c = 0; c < names.length; c++)
          line += `${c === 0 ? '' : ','}${names[c]}:${value(row[c] ?? null, c)}`
        out += `${line}}\n`
      }
      return out
    },
  }
}

/** The encoder of an UNLOAD's text format (Parquet has its own writer). */
export function rowEncoder(u: UnloadStatement, columns: readonly OutputColumn[]): RowEncoder {
  if (u.format === 'csv') return csvEncoder(u, columns)
  if (u.format === 'json') {
    if (new Set(columns.map((c) => c.name)).size !== columns.length)
      throw new CommandSyntaxError(
        'XX000',
        'UNLOAD to JSON needs unique column names',
        'give the columns distinct aliases',
      )
    return jsonEncoder(columns)
  }
  return u.fixedWidth !== null ? fixedWidthEncoder(u, columns) : textEncoder(u, columns)
}
