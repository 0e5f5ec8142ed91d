import type { Value } from '@redshift-kit/client'

const DAY_MS = 86_400_000
const TWO_DIGITS = Array.from({ length: 60 }, (_, i) => String(i).padStart(2, '0'))
let lastDay = Number.NaN
let lastDayText = ''

/**
 * `2024-01-02 03:04:05.123` in UTC, as Redshift prints a TIMESTAMP (milliseconds only when present).
 * Exports write millions of these: the date part is kept for the last day seen (rows come in runs of
 * one day) and the time of day is cut from the epoch milliseconds, instead of `toISOString()` per value.
 */
function timestampText(d: Date): string {
  const t = d.getTime()
  if (!Number.isFinite(t)) return String(d)
  const day = dayText(t, d)
  const { hours, minutes, seconds, ms } = timeOfDay(t)
  const time = `${TWO_DIGITS[hours]}:${TWO_DIGITS[minutes]}:${TWO_DIGITS[seconds]}`
  if (ms === 0) return `${day} ${time}`
  return `${day} ${time}.${ms < 10 ? '00' : ms < 100 ? '0' : ''}${ms}`
}

/** The `YYYY-MM-DD` of an instant, kept for the last day asked. */
function dayText(t: number, d: Date): string {
  const day = Math.floor(t / DAY_MS)
  if (day !== lastDay) {
    const iso = d.toISOString()
    // Years past 9999 or before 0 print with a sign and six digits: take everything before the 'T'.
    lastDayText = iso.slice(0, iso.indexOf('T'))
    lastDay = day
  }
  return lastDayText
}

/** The UTC time of day of an instant, in its parts. */
function timeOfDay(t: number): { hours: number; minutes: number; seconds: number; ms: number } {
  let rest = t - Math.floor(t / DAY_MS) * DAY_MS
  const ms = rest % 1000
  rest = (rest - ms) / 1000
  const seconds = rest % 60
  rest = (rest - seconds) / 60
  const minutes = rest % 60
  return { hours: (rest - minutes) / 60, minutes, seconds, ms }
}

/** Where {@link writeTimestamp} writes: ASCII text and single bytes. */
export interface AsciiOut {
  ascii(text: string): void
  byte(b: number): void
}

/**
 * Writes a TIMESTAMP as {@link valueText} prints it, byte by byte, without making a string per value
 * (exports write one per row).
 *
 * @example
 * writeTimestamp(byteWriter, new Date(0)) // 1970-01-01 00:00:00
 */
export function writeTimestamp(out: AsciiOut, d: Date): void {
  const t = d.getTime()
  if (!Number.isFinite(t)) {
    out.ascii(String(d))
    return
  }
  out.ascii(dayText(t, d))
  const { hours, minutes, seconds, ms } = timeOfDay(t)
  out.byte(0x20)
  two(out, hours)
  out.byte(0x3a)
  two(out, minutes)
  out.byte(0x3a)
  two(out, seconds)
  if (ms === 0) return
  out.byte(0x2e)
  out.byte(0x30 + Math.floor(ms / 100))
  two(out, ms % 100)
}

function two(out: AsciiOut, n: number): void {
  out.byte(0x30 + Math.floor(n / 10))
  out.byte(0x30 + (n % 10))
}

/**
 * A value as text for the table, CSV and TSV outputs: exact (BIGINT and DECIMAL keep every digit),
 * TIMESTAMP in UTC, VARBYTE as hex, SUPER as JSON. `null` stays `null` for the caller to render.
 *
 * @example
 * valueText(12345678901234567890n) // '12345678901234567890'
 */
export function valueText(value: Value): string | null {
  if (value === null) return null
  if (typeof value === 'string') return value
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean')
    return String(value)
  if (value instanceof Date) return timestampText(value)
  if (value instanceof Uint8Array) return Buffer.from(value).toString('hex')
  return JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v))
}

/**
 * A value as JSON text for JSON lines: numbers beyond 2^53 and decimals stay exact (a BIGINT is written
 * as a JSON number with every digit; DECIMAL, as Redshift's driver users expect, as a string).
 */
export function valueJson(value: Value): string {
  if (value === null) return 'null'
  if (typeof value === 'bigint') return value.toString()
  if (value instanceof Date) return JSON.stringify(value.toISOString())
  if (value instanceof Uint8Array) return JSON.stringify(Buffer.from(value).toString('hex'))
  if (typeof value === 'object') return valueText(value) ?? 'null'
  return JSON.stringify(value)
}
