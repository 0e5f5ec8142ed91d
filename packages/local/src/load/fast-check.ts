import { isUtf8 } from 'node:buffer'
import type { CopyOptions } from '@redshift-kit/dialect'
import type { TargetColumn } from './target-table.js'

/**
 * Checks one non-empty field, bytes `[start, end)` of UTF-8 `text` (`bits`: the bytes OR-ed together,
 * so that `bits < 128` means ASCII), without making a string of it: true when the column's converter
 * would return its text unchanged, so the engine may read it as written. False says nothing about
 * validity: the record then goes through the converters.
 */
export type FastCheck = (text: Uint8Array, start: number, end: number, bits: number) => boolean

const PLUS = 43
const MINUS = 45
const DOT = 46
const ZERO = 48
const NINE = 57

function isDigit(c: number | undefined): boolean {
  return c !== undefined && c >= ZERO && c <= NINE
}

/** Index after an optional sign. */
function afterSign(text: Uint8Array, at: number): number {
  const c = text[at] as number
  return c === PLUS || c === MINUS ? at + 1 : at
}

function digits(text: Uint8Array, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (!isDigit(text[i] as number)) return false
  return true
}

/** Digits `[at, at + n)` as a number (the caller checked they are digits). */
function number(text: Uint8Array, at: number, n: number): number {
  let v = 0
  for (let i = at; i < at + n; i++) v = v * 10 + (text[i] as number) - ZERO
  return v
}

/** An integer with fewer digits than can overflow the column (longer ones go to the converter). */
function integer(maxDigits: number): FastCheck {
  return (text, start, end, bits) => {
    if (bits >= 128) return false
    const from = afterSign(text, start)
    const n = end - from
    return n >= 1 && n <= maxDigits && digits(text, from, end)
  }
}

/** A plain decimal that fits the precision and needs no truncation of its scale. */
function decimal(precision: number | null, scale: number | null): FastCheck {
  const bounded = precision !== null && scale !== null
  const maxInt = bounded ? precision - scale : 0
  const maxFraction = scale ?? 0
  return (text, start, end, bits) => {
    if (bits >= 128) return false
    let intDigits = 0
    let fraction = -1
    let any = false
    let leading = true
    for (let i = afterSign(text, start); i < end; i++) {
      const c = text[i] as number
      if (c === DOT) {
        if (fraction >= 0) return false
        fraction = 0
      } else if (!isDigit(c)) {
        return false
      } else {
        any = true
        if (fraction >= 0) fraction++
        else if (!leading || c !== ZERO) {
          leading = false
          intDigits++
        }
      }
    }
    return any && (!bounded || (intDigits <= maxInt && fraction <= maxFraction))
  }
}

/** `[+-]digits[.digits][e[+-]digits]` or `[+-].digits[...]`. */
function float(): FastCheck {
  return (text, start, end, bits) => {
    if (bits >= 128) return false
    let i = afterSign(text, start)
    let mantissa = 0
    while (i < end && isDigit(text[i] as number)) {
      i++
      mantissa++
    }
    if (i < end && (text[i] as number) === DOT) {
      i++
      while (i < end && isDigit(text[i] as number)) {
        i++
        mantissa++
      }
    }
    if (mantissa === 0) return false
    if (i < end && ((text[i] as number) | 32) === 101 /* e */) {
      i = afterSign(text, i + 1)
      const from = i
      while (i < end && isDigit(text[i] as number)) i++
      if (i === from) return false
    }
    return i === end
  }
}

function daysIn(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31
}

/** `YYYY-MM-DD` at `at`, a real date. */
function isoDate(text: Uint8Array, at: number): boolean {
  if ((text[at + 4] as number) !== MINUS || (text[at + 7] as number) !== MINUS) return false
  if (!digits(text, at, at + 4) || !digits(text, at + 5, at + 7) || !digits(text, at + 8, at + 10))
    return false
  const month = number(text, at + 5, 2)
  const day = number(text, at + 8, 2)
  return month >= 1 && month <= 12 && day >= 1 && day <= daysIn(number(text, at, 4), month)
}

/** ` HH:MI:SS[.f{1,6}]` from `at` to `end`. */
function isoTime(text: Uint8Array, at: number, end: number): boolean {
  if ((text[at] as number) !== 32 || (text[at + 3] as number) !== 58 || (text[at + 6] as number) !== 58)
    return false
  if (!digits(text, at + 1, at + 3) || !digits(text, at + 4, at + 6) || !digits(text, at + 7, at + 9))
    return false
  if (number(text, at + 1, 2) > 23 || number(text, at + 4, 2) > 59 || number(text, at + 7, 2) > 59)
    return false
  const rest = end - (at + 9)
  if (rest === 0) return true
  return rest >= 2 && rest <= 7 && (text[at + 9] as number) === DOT && digits(text, at + 10, end)
}

/** U+FFFD in UTF-8: what invalid input decodes to, so the converter treats it as invalid. */
const REPLACEMENT = Buffer.from('\uFFFD')

/**
 * CHAR / VARCHAR: valid UTF-8 within the byte length, without U+FFFD; nothing to trim (CHAR always
 * trims trailing blanks, VARCHAR with TRIMBLANKS), not blank with BLANKSASNULL, no multibyte character
 * in a CHAR.
 */
function text(column: TargetColumn, o: CopyOptions): FastCheck {
  const max = column.length
  const isChar = column.category === 'char'
  const trims = isChar || o.trimBlanks
  const blanks = o.blanksAsNull
  return (value, start, end, bits) => {
    if (blanks) {
      const first = value[start] as number
      if (first <= 32 || first >= 128) return false
    }
    if (trims) {
      const last = value[end - 1] as number
      if (last <= 32 || last >= 128) return false
    }
    if (max !== null && end - start > max) return false
    if (bits < 128) return true
    if (isChar) return false
    const bytes = Buffer.from(value.buffer, value.byteOffset + start, end - start)
    return isUtf8(bytes) && bytes.indexOf(REPLACEMENT) < 0
  }
}

/**
 * The fast check of a column under the COPY's options, or null when every value of it goes through
 * the converter (types and formats without one).
 */
export function fastCheck(column: TargetColumn, o: CopyOptions): FastCheck | null {
  const defaultDate = o.dateFormat === null || o.dateFormat === 'auto'
  const defaultTime = o.timeFormat === null || o.timeFormat === 'auto'
  switch (column.category) {
    case 'char':
    case 'varchar':
      return text(column, o)
    case 'int2':
      return integer(4)
    case 'int4':
      return integer(9)
    case 'int8':
      return integer(18)
    case 'numeric':
      return decimal(column.precision, column.scale)
    case 'float4':
    case 'float8':
      return float()
    case 'bool':
      return (value, start, end) => {
        if (end - start !== 1) return false
        const c = value[start]
        return c === 116 /* t */ || c === 102 /* f */
      }
    case 'date':
      return defaultDate ? (value, start, end) => end - start === 10 && isoDate(value, start) : null
    case 'timestamp':
      if (!defaultTime) return null
      return (value, start, end) => {
        const n = end - start
        if (n !== 10 && (n < 19 || n > 26)) return false
        return isoDate(value, start) && (n === 10 || isoTime(value, start + 10, end))
      }
    default:
      return null
  }
}
