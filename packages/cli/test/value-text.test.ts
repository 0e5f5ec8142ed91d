import { describe, expect, it } from 'vitest'
import { timestampMicros } from '../src/output/timestamp-micros.js'
import { valueText, writeTimestamp } from '../src/output/value-text.js'

/** writeTimestamp's bytes, as text. */
function written(d: Date): string {
  let text = ''
  writeTimestamp({ ascii: (t) => (text += t), byte: (b) => (text += String.fromCharCode(b)) }, d)
  return text
}

/** What the formatter must agree with: the ISO form, cut to Redshift's `YYYY-MM-DD HH:MI:SS[.mmm]`. */
function viaIso(d: Date): string {
  const iso = d.toISOString()
  const ms = iso.slice(20, 23)
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}${ms === '000' ? '' : `.${ms}`}`
}

describe('valueText of a TIMESTAMP', () => {
  it('agrees with the ISO form on edges and on 20,000 random instants of years 0-9999', () => {
    const edges = [0, -1, -86_400_000, -86_400_001, 1_704_067_199_999, 1_704_067_200_000, 253_402_300_799_999]
    const lo = -62_167_219_200_000 // 0000-01-01
    const span = 253_402_300_799_999 - lo
    const random = Array.from({ length: 20_000 }, () => Math.floor(lo + Math.random() * span))
    for (const t of [...edges, ...random]) {
      expect(valueText(new Date(t)), String(t)).toBe(viaIso(new Date(t)))
      expect(written(new Date(t)), String(t)).toBe(viaIso(new Date(t)))
    }
  })

  it('prints milliseconds only when there are some', () => {
    expect(valueText(new Date(Date.UTC(2024, 5, 1, 12, 34, 56)))).toBe('2024-06-01 12:34:56')
    expect(valueText(new Date(Date.UTC(2024, 5, 1, 12, 34, 56, 7)))).toBe('2024-06-01 12:34:56.007')
  })
})

describe('timestampMicros (Parquet TIMESTAMP_MICROS from the server text)', () => {
  it('keeps microseconds, applies offsets, and reads years below 100 and BC as themselves', () => {
    expect(timestampMicros('1970-01-01 00:00:01.000002')).toBe(1_000_002n)
    expect(timestampMicros('1970-01-01 00:00:00.5')).toBe(500_000n)
    expect(timestampMicros('1970-01-01 02:00:00+02')).toBe(0n)
    expect(timestampMicros('1970-01-01 00:00:00-05:30')).toBe(19_800_000_000n)
    expect(timestampMicros(new Date(1234))).toBe(1_234_000n)
    const year50 = new Date(0)
    year50.setUTCFullYear(50, 0, 1)
    expect(timestampMicros('0050-01-01 00:00:00')).toBe(BigInt(year50.getTime()) * 1000n)
    const bc = new Date(0)
    bc.setUTCFullYear(-43, 2, 15)
    expect(timestampMicros('0044-03-15 00:00:00 BC')).toBe(BigInt(bc.getTime()) * 1000n)
    expect(() => timestampMicros('infinity')).toThrow(/cannot write the timestamp 'infinity' to Parquet/)
  })
})
