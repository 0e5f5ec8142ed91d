/**
 * Timestamp text <-> Date, always in UTC: Redshift stores TIMESTAMP as UTC wall-clock time, so
 * reading it with the machine's local zone (as `new Date('2024-01-01 00:00:00')` does) would shift it.
 */

const TIMESTAMP_TEXT =
  /^(\d{4,})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:(Z)|([+-])(\d{2})(?::?(\d{2}))?(?::?(\d{2}))?)?( BC)?$/

/**
 * Parses timestamp text (`YYYY-MM-DD HH:MI:SS[.ffffff][+HH[:MI[:SS]]][ BC]`) as UTC, applying the
 * offset when there is one. Sub-millisecond digits are truncated (a `Date` holds milliseconds).
 * Returns `undefined` for text that is not a timestamp (e.g. `infinity`).
 *
 * @example
 * parseTimestampUtc('2024-03-10 02:30:00.123456').toISOString() // '2024-03-10T02:30:00.123Z'
 */
export function parseTimestampUtc(text: string): Date | undefined {
  const m = TIMESTAMP_TEXT.exec(text)
  if (m === null) return undefined
  const [, y, mo, d, h, mi, s, frac, zulu, sign, oh, om, os, bc] = m
  const year = bc ? 1 - Number(y) : Number(y)
  const ms = frac === undefined ? 0 : Number(`${frac}00`.slice(0, 3))
  const date = new Date(0)
  // setUTCFullYear, not Date.UTC: Date.UTC maps years 0-99 to 1900-1999.
  date.setUTCFullYear(year, Number(mo) - 1, Number(d))
  date.setUTCHours(Number(h), Number(mi), Number(s), ms)
  if (sign !== undefined && zulu === undefined) {
    const offsetSeconds = Number(oh) * 3600 + Number(om ?? 0) * 60 + Number(os ?? 0)
    date.setTime(date.getTime() - (sign === '-' ? -1 : 1) * offsetSeconds * 1000)
  }
  return date
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0')
}

/**
 * Formats a Date as timestamp text in UTC with an explicit `+00` offset:
 * `YYYY-MM-DD HH:MI:SS.mmm+00` (and ` BC` for years before 1 AD). A TIMESTAMP column ignores the
 * offset and stores the UTC wall-clock time, which reads back as the same instant; a TIMESTAMPTZ
 * column gets the exact instant whatever the session's `timezone`.
 *
 * @example
 * formatTimestampUtc(new Date(Date.UTC(2024, 0, 2, 3, 4, 5, 6))) // '2024-01-02 03:04:05.006+00'
 */
export function formatTimestampUtc(date: Date): string {
  const fullYear = date.getUTCFullYear()
  const bc = fullYear <= 0
  const year = bc ? 1 - fullYear : fullYear
  const text =
    `${pad(year, 4)}-${pad(date.getUTCMonth() + 1, 2)}-${pad(date.getUTCDate(), 2)} ` +
    `${pad(date.getUTCHours(), 2)}:${pad(date.getUTCMinutes(), 2)}:${pad(date.getUTCSeconds(), 2)}.` +
    `${pad(date.getUTCMilliseconds(), 3)}+00`
  return bc ? `${text} BC` : text
}
