import type { Value } from '@redshift-kit/client'

/** `2024-01-02 03:04:05.123` in UTC, as Redshift prints a TIMESTAMP (milliseconds only when present). */
function timestampText(d: Date): string {
  const iso = d.toISOString()
  const ms = iso.slice(20, 23)
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}${ms === '000' ? '' : `.${ms}`}`
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
