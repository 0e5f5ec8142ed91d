import { TypeOid } from '../../types/oids.js'
import type { Value } from '../../types/value.js'
import type { TypeParserSource } from './wire-connection.js'

/**
 * Reads one non-NULL column value straight from the bytes of a DataRow (`buf[start, end)`), so the
 * common types never go through an intermediate string. Every decoder gives exactly what the
 * client's parser for that OID gives.
 */
export type ColumnDecoder = (buf: Buffer, start: number, end: number) => Value

type TextParse = (text: string) => unknown

// Node's direct slice methods: the same work as toString(encoding, start, end) without its argument
// checks, which matter at millions of short values per second.
interface SliceBuffer extends Buffer {
  utf8Slice(start: number, end: number): string
  latin1Slice(start: number, end: number): string
}

const utf8 = (buf: Buffer, start: number, end: number): string => (buf as SliceBuffer).utf8Slice(start, end)
const ascii = (buf: Buffer, start: number, end: number): string =>
  (buf as SliceBuffer).latin1Slice(start, end)

const MINUS = 0x2d
const ZERO = 0x30

/** Parses optionally signed ASCII digits (at most 15, so exact in a double); NaN when anything else is there. */
function digits(buf: Buffer, start: number, end: number): number {
  let i = start
  const negative = buf[i] === MINUS
  if (negative) i++
  if (i === end || end - i > 15) return Number.NaN
  let n = 0
  for (; i < end; i++) {
    const d = (buf[i] as number) - ZERO
    if (d < 0 || d > 9) return Number.NaN
    n = n * 10 + d
  }
  return negative ? -n : n
}

function intDecoder(parse: TextParse): ColumnDecoder {
  return (buf, start, end) => {
    const n = digits(buf, start, end)
    return Number.isNaN(n) ? (parse(ascii(buf, start, end)) as Value) : n
  }
}

function floatDecoder(parse: TextParse): ColumnDecoder {
  return (buf, start, end) => {
    const text = ascii(buf, start, end)
    const n = Number(text)
    // The parser decides what is not a number (it throws the client's error for garbage).
    return Number.isNaN(n) && text !== 'NaN' ? (parse(text) as Value) : n
  }
}

function bigintDecoder(parse: TextParse): ColumnDecoder {
  return (buf, start, end) => {
    const n = digits(buf, start, end)
    // BigInt(number) is several times faster than BigInt(string); up to 15 digits the number is exact.
    return Number.isNaN(n) ? (parse(ascii(buf, start, end)) as Value) : BigInt(n)
  }
}

const T = 0x74
const F = 0x66

function boolDecoder(parse: TextParse): ColumnDecoder {
  return (buf, start, end) => {
    if (end - start === 1) {
      if (buf[start] === T) return true
      if (buf[start] === F) return false
    }
    return parse(ascii(buf, start, end)) as Value
  }
}

/** Two or four ASCII digits at `at`, or -1. */
function fixed(buf: Buffer, at: number, width: number): number {
  let n = 0
  for (let i = at; i < at + width; i++) {
    const d = (buf[i] as number) - ZERO
    if (d < 0 || d > 9) return -1
    n = n * 10 + d
  }
  return n
}

/**
 * `YYYY-MM-DD HH:MI:SS[.f{1,6}][{+|-}HH[:MI]]` with a four-digit year from 1000 on, as UTC: what the
 * server sends for every ordinary timestamp. Anything else (BC, years past 9999, infinity, other
 * offsets) returns undefined and goes to the client's parser.
 */
function fastTimestamp(buf: Buffer, start: number, end: number): Date | undefined {
  if (end - start < 19 || buf[start + 4] !== MINUS || buf[start + 7] !== MINUS || buf[start + 10] !== 0x20) {
    return undefined
  }
  const year = fixed(buf, start, 4)
  const month = fixed(buf, start + 5, 2)
  const day = fixed(buf, start + 8, 2)
  const hour = fixed(buf, start + 11, 2)
  const minute = fixed(buf, start + 14, 2)
  const second = fixed(buf, start + 17, 2)
  if (year < 1000 || month < 0 || day < 0 || hour < 0 || minute < 0 || second < 0) return undefined
  if (buf[start + 13] !== 0x3a || buf[start + 16] !== 0x3a) return undefined
  let i = start + 19
  let ms = 0
  if (buf[i] === 0x2e) {
    i++
    const fracStart = i
    while (i < end && (buf[i] as number) >= ZERO && (buf[i] as number) <= ZERO + 9) i++
    const count = i - fracStart
    if (count === 0 || count > 6) return undefined
    // Milliseconds are the first three digits; the rest is truncated, as the client's parser does.
    for (let k = 0; k < 3; k++) ms = ms * 10 + (k < count ? (buf[fracStart + k] as number) - ZERO : 0)
  }
  let offsetMinutes = 0
  if (i < end) {
    const sign = buf[i]
    if ((sign !== 0x2b && sign !== MINUS) || (end - i !== 3 && end - i !== 6)) return undefined
    const oh = fixed(buf, i + 1, 2)
    let om = 0
    if (end - i === 6) {
      if (buf[i + 3] !== 0x3a) return undefined
      om = fixed(buf, i + 4, 2)
    }
    if (oh < 0 || om < 0) return undefined
    offsetMinutes = (sign === MINUS ? -1 : 1) * (oh * 60 + om)
  }
  // Date.UTC rolls out-of-range parts over (second 60, day 31 of April) exactly as the client's
  // parser does (setUTCFullYear/setUTCHours), and years from 1000 on are never read as 19xx.
  return new Date(Date.UTC(year, month - 1, day, hour, minute, second, ms) - offsetMinutes * 60_000)
}

function timestampDecoder(parse: TextParse): ColumnDecoder {
  return (buf, start, end) => fastTimestamp(buf, start, end) ?? (parse(utf8(buf, start, end)) as Value)
}

const TEXT_OIDS: ReadonlySet<number> = new Set<number>([
  TypeOid.VARCHAR,
  TypeOid.BPCHAR,
  TypeOid.TEXT,
  TypeOid.NAME,
  TypeOid.CHAR,
  TypeOid.DATE,
  TypeOid.TIME,
  TypeOid.TIMETZ,
  TypeOid.INTERVAL,
  TypeOid.NUMERIC,
])

/** Whether `parse` gives `expected` for `text` (a parser that throws does not). */
function gives(parse: TextParse, text: string, expected: unknown): boolean {
  try {
    const got = parse(text)
    if (expected instanceof Date) return got instanceof Date && got.getTime() === expected.getTime()
    return got === expected
  } catch {
    return false
  }
}

/**
 * The decoder of one column. A fast path is used only where the client's parser for that OID gives
 * the same values: checked once, on sample texts, so parser options (`bigint: 'string'`,
 * `timestamps: 'string'`, ...) and user overrides are honoured; otherwise the parser runs on the text.
 */
export function columnDecoder(oid: number, types: TypeParserSource): ColumnDecoder {
  const parse = types.getTypeParser(oid, 'text') as TextParse
  const isText =
    gives(parse, 'abc', 'abc') &&
    gives(parse, '12', '12') &&
    gives(parse, 't', 't') &&
    gives(parse, '{1}', '{1}')
  switch (oid) {
    case TypeOid.INT2:
    case TypeOid.INT4:
    case TypeOid.OID:
    case TypeOid.XID:
      if (gives(parse, '-12', -12) && gives(parse, '0', 0)) return intDecoder(parse)
      break
    case TypeOid.FLOAT4:
    case TypeOid.FLOAT8:
      if (gives(parse, '1.5', 1.5) && gives(parse, '-2e3', -2000)) return floatDecoder(parse)
      break
    case TypeOid.INT8:
      if (gives(parse, '-9007199254740993', -9007199254740993n) && gives(parse, '7', 7n)) {
        return bigintDecoder(parse)
      }
      break
    case TypeOid.BOOL:
      if (gives(parse, 't', true) && gives(parse, 'f', false)) return boolDecoder(parse)
      break
    case TypeOid.TIMESTAMP:
    case TypeOid.TIMESTAMPTZ:
      if (
        gives(parse, '2024-02-03 04:05:06.789123', new Date(Date.UTC(2024, 1, 3, 4, 5, 6, 789))) &&
        gives(parse, '1999-12-31 23:30:00-05:30', new Date(Date.UTC(2000, 0, 1, 5, 0, 0, 0))) &&
        gives(parse, '2024-02-03 04:05:06+02', new Date(Date.UTC(2024, 1, 3, 2, 5, 6, 0)))
      ) {
        return timestampDecoder(parse)
      }
      break
  }
  if (isText && TEXT_OIDS.has(oid)) {
    // NUMERIC (and the date/time types kept as text) are ASCII; the rest may hold any UTF-8.
    return oid === TypeOid.NUMERIC ? ascii : utf8
  }
  return (buf, start, end) => parse(utf8(buf, start, end)) as Value
}

/** The decoders of a row's columns, in order. */
export function rowDecoders(oids: readonly number[], types: TypeParserSource): readonly ColumnDecoder[] {
  return oids.map((oid) => columnDecoder(oid, types))
}

/**
 * Decodes the body of one DataRow message (`buf[start]` is its Int16 column count) into values.
 * Throws when the row's shape does not match the described columns: the stream is then unusable.
 */
export function decodeDataRow(buf: Buffer, start: number, decoders: readonly ColumnDecoder[]): Value[] {
  const count = buf.readInt16BE(start)
  if (count !== decoders.length) {
    throw new Error(`a data row has ${count} columns where ${decoders.length} were described`)
  }
  const values = new Array<Value>(count)
  let at = start + 2
  for (let i = 0; i < count; i++) {
    const length = buf.readInt32BE(at)
    at += 4
    if (length < 0) {
      values[i] = null
    } else {
      values[i] = (decoders[i] as ColumnDecoder)(buf, at, at + length)
      at += length
    }
  }
  return values
}
