import type { CopyOptions } from '@redshift-kit/dialect'
import { dateTimeParser } from './datetime-format.js'
import { type FieldError, LOAD_ERROR } from './load-error.js'
import type { TargetColumn } from './target-table.js'

/** What converting one field yields: the engine's input text, NULL, or why it cannot be loaded. */
export type Converted = string | null | FieldError

/** Converts one field's text; `null()` checks a NULL field (missing, or the null marker) against NOT NULL. */
export interface FieldConverter {
  (raw: string): Converted
  null(): Converted
}

export function isFieldError(value: Converted): value is FieldError {
  return typeof value === 'object' && value !== null
}

const INT_RANGE: Readonly<Record<string, readonly [bigint, bigint, string]>> = {
  int2: [-32768n, 32767n, 'Short Integer'],
  int4: [-2147483648n, 2147483647n, 'Integer'],
  int8: [-9223372036854775808n, 9223372036854775807n, 'Long Integer'],
}
const BOOLEANS: Readonly<Record<string, string>> = {
  t: 't',
  true: 't',
  '1': 't',
  y: 't',
  yes: 't',
  f: 'f',
  false: 'f',
  '0': 'f',
  n: 'f',
  no: 'f',
}
const INT = /^[+-]?\d+$/
const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)$/
const FLOAT = /^[+-]?(?:(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|inf|infinity|nan)$/i
const TIME = /^\d{1,2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?(?:\s*[+-]\d{1,2}(?::?\d{2})?)?$/

function fieldError(
  column: number,
  code: number,
  reason: string,
  rawValue: string,
  position = 0,
): FieldError {
  return { code, reason, column, position, rawValue }
}

/** Index of the first character that is not a digit (after an optional sign). */
function badDigit(text: string): number {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if ((c < 48 || c > 57) && !(i === 0 && (c === 43 || c === 45))) return i
  }
  return 0
}

/** Index of the first character outside ASCII, or -1 (CHAR takes single-byte characters only). */
function firstNonAscii(text: string): number {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > 127) return i
  return -1
}

/** Cuts `text` to at most `bytes` UTF-8 bytes without splitting a character. */
function truncateBytes(text: string, bytes: number): string {
  const buf = Buffer.from(text, 'utf8')
  let end = bytes
  while (end > 0 && ((buf[end] as number) & 0xc0) === 0x80) end--
  return buf.toString('utf8', 0, end)
}

/**
 * The converter of one column under the COPY's options (DG `copy-parameters-data-conversion`):
 * Redshift's rules applied here, so that a bad value is a load error with Redshift's code, and every
 * value reaches the engine in a form it reads the same whatever its settings.
 */
export function columnConverter(column: TargetColumn, index: number, o: CopyOptions): FieldConverter {
  const invalidChars = (raw: string): string | FieldError => {
    if (!raw.includes('\uFFFD')) return raw
    if (o.acceptInvChars !== null) return raw.replaceAll('\uFFFD', o.acceptInvChars)
    return fieldError(
      index,
      LOAD_ERROR.invalidUtf8,
      'String contains invalid or unsupported UTF8 codepoints.',
      raw,
      raw.indexOf('\uFFFD'),
    )
  }
  const notNull = column.notNull
  const nullValue = (raw: string): Converted =>
    notNull ? fieldError(index, LOAD_ERROR.notNull, 'Missing data for not-null field', raw) : null
  const convert = valueConverter(column, index, o)
  const converter = ((input: string) => {
    const raw = invalidChars(input)
    if (typeof raw !== 'string') return raw
    const value = convert(raw)
    return value === null ? nullValue(raw) : value
  }) as FieldConverter
  converter.null = () => nullValue('')
  return converter
}

function valueConverter(column: TargetColumn, index: number, o: CopyOptions): (raw: string) => Converted {
  switch (column.category) {
    case 'char':
    case 'varchar': {
      const max = column.length
      const isChar = column.category === 'char'
      return (raw) => {
        if (raw === '' && o.emptyAsNull) return null
        let v = raw
        if (o.blanksAsNull && v.trim() === '') return null
        if (o.trimBlanks || isChar) v = v.trimEnd()
        const wide = isChar ? firstNonAscii(v) : -1
        if (wide >= 0) {
          const ch = String.fromCodePoint(v.codePointAt(wide) ?? 0)
          const hex = [...Buffer.from(ch)].map((b) => b.toString(16)).join(' ')
          return fieldError(
            index,
            LOAD_ERROR.invalidUtf8,
            `Multibyte character not supported for CHAR (Hint: try using VARCHAR). Invalid char: ${hex}`,
            raw,
          )
        }
        if (max !== null && v.length * 3 > max && Buffer.byteLength(v) > max) {
          if (!o.truncateColumns)
            return fieldError(index, LOAD_ERROR.outOfRange, 'String length exceeds DDL length', raw)
          v = truncateBytes(v, max)
        }
        return v
      }
    }
    case 'int2':
    case 'int4':
    case 'int8': {
      const [min, max, label] = INT_RANGE[column.category] as readonly [bigint, bigint, string]
      const small = column.category !== 'int8'
      return (raw) => {
        const v = raw.trim()
        if (v === '') return null
        if (!INT.test(v)) {
          const pos = badDigit(v)
          return fieldError(
            index,
            LOAD_ERROR.invalidDigit,
            `Invalid digit, Value '${v[pos] ?? ''}', Pos ${pos}, Type: ${label}`,
            raw,
            pos,
          )
        }
        const n = small ? BigInt(Number(v)) : BigInt(v)
        if (n < min || n > max)
          return fieldError(
            index,
            LOAD_ERROR.outOfRange,
            `Overflow, Value '${v}', Pos 0, Type: ${label}`,
            raw,
          )
        return v
      }
    }
    case 'numeric': {
      const { precision, scale } = column
      return (raw) => {
        const v = raw.trim()
        if (v === '') return null
        if (!DECIMAL.test(v)) {
          const pos = Math.max(
            0,
            [...v].findIndex((ch, i) => !/[0-9.]/.test(ch) && !(i === 0 && /[+-]/.test(ch))),
          )
          return fieldError(
            index,
            LOAD_ERROR.invalidDigit,
            `Invalid digit, Value '${v[pos] ?? ''}', Pos ${pos}, Type: Decimal`,
            raw,
            pos,
          )
        }
        if (precision === null || scale === null) return v
        const unsigned = v.replace(/^[+-]/, '')
        const dot = unsigned.indexOf('.')
        const intDigits = (dot < 0 ? unsigned : unsigned.slice(0, dot)).replace(/^0+/, '').length
        if (intDigits > precision - scale)
          return fieldError(index, LOAD_ERROR.outOfRange, `Overflow, Value '${v}', Pos 0, Type: Decimal`, raw)
        // COPY truncates excess scale unless ROUNDEC (20.259 -> 20.25); the engine itself would round.
        if (!o.roundEc && dot >= 0 && unsigned.length - dot - 1 > scale) {
          const cut = v.length - unsigned.length + dot + 1 + scale
          return v.slice(0, scale === 0 ? cut - 1 : cut)
        }
        return v
      }
    }
    case 'float4':
    case 'float8':
      return (raw) => {
        const v = raw.trim()
        if (v === '') return null
        if (!FLOAT.test(v)) return fieldError(index, LOAD_ERROR.badFloat, `Invalid float value '${v}'`, raw)
        return v
      }
    case 'bool':
      return (raw) => {
        const v = raw.trim()
        if (v === '') return null
        const b = BOOLEANS[v.toLowerCase()]
        return b ?? fieldError(index, LOAD_ERROR.badBoolean, `Invalid boolean value '${v}'`, raw)
      }
    case 'date': {
      const parse = dateTimeParser(o.dateFormat, 'date')
      const shown = o.dateFormat ?? 'YYYY-MM-DD'
      return (raw) => {
        const v = raw.trim()
        if (v === '') return null
        const r = parse(v)
        if (r.ok) return r.iso
        if (o.acceptAnyDate) return null
        return fieldError(
          index,
          LOAD_ERROR.badDate,
          `Invalid Date Format - value '${v}' does not match [${shown}]`,
          raw,
        )
      }
    }
    case 'timestamp':
    case 'timestamptz': {
      const zoned = column.category === 'timestamptz'
      const parse = dateTimeParser(o.timeFormat, column.category)
      const shown = o.timeFormat ?? 'YYYY-MM-DD HH24:MI:SS'
      return (raw) => {
        const v = raw.trim()
        if (v === '') return null
        const r = parse(v)
        if (r.ok) return zoned && !/[+-]\d{1,2}(:?\d{2})?$/.test(r.iso) ? `${r.iso}+00` : r.iso
        if (o.acceptAnyDate) return null
        return fieldError(index, LOAD_ERROR.badTimestamp, `Invalid timestamp format or value [${shown}]`, raw)
      }
    }
    case 'time':
    case 'timetz':
      return (raw) => {
        const v = raw.trim()
        if (v === '') return null
        return TIME.test(v)
          ? v
          : fieldError(index, LOAD_ERROR.badTimestamp, `Invalid time format or value '${v}'`, raw)
      }
    case 'super':
      return (raw) => {
        if (raw === '' && o.emptyAsNull) return null
        try {
          JSON.parse(raw)
          return raw
        } catch {
          // Not JSON text: the value is a SUPER string.
          return JSON.stringify(raw)
        }
      }
    default:
      return (raw) => (raw.trim() === '' ? null : raw)
  }
}
