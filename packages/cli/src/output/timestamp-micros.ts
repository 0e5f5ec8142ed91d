import type { Value } from '@redshift-kit/client'

// The server's text of a TIMESTAMP / TIMESTAMPTZ: `2024-06-01 12:34:56[.123456][+02[:30]][ BC]`.
const TEXT =
  /^(\d{4,})-(\d\d)-(\d\d) (\d\d):(\d\d):(\d\d)(?:\.(\d{1,6}))?(?:([+-])(\d\d)(?::?(\d\d))?)?( BC)?$/

/**
 * Microseconds since 1970-01-01 UTC of a TIMESTAMP / TIMESTAMPTZ value, from the server's exact text
 * (the CLI reads timestamps as text to keep their microseconds) or a `Date`. What Parquet's
 * TIMESTAMP_MICROS holds.
 *
 * @example
 * timestampMicros('1970-01-01 00:00:01.000002') // 1000002n
 * timestampMicros('1970-01-01 02:00:00+02')      // 0n
 */
export function timestampMicros(value: Value): bigint {
  if (value instanceof Date) return BigInt(value.getTime()) * 1000n
  const text = String(value)
  const m = TEXT.exec(text)
  if (m === null) {
    throw new RangeError(
      `cannot write the timestamp '${text}' to Parquet (infinite or unreadable); filter it out or cast it in the query`,
    )
  }
  const at = new Date(0)
  // setUTCFullYear, not Date.UTC: years 0-99 stay themselves.
  const year = m[11] === undefined ? Number(m[1]) : 1 - Number(m[1])
  at.setUTCFullYear(year, Number(m[2]) - 1, Number(m[3]))
  at.setUTCHours(Number(m[4]), Number(m[5]), Number(m[6]), 0)
  const micros = BigInt(at.getTime()) * 1000n + BigInt((m[7] ?? '').padEnd(6, '0') || '0')
  if (m[8] === undefined) return micros
  const offsetMinutes = Number(m[9]) * 60 + Number(m[10] ?? 0)
  return micros - BigInt((m[8] === '-' ? -offsetMinutes : offsetMinutes) * 60_000_000)
}
