import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import {
  assertQueryParams,
  createTypeParsers,
  json,
  MAX_BIND_PARAMETERS,
  serializeParam,
  serializeParams,
  superParam,
  TypeOid,
  ValidationError,
} from '../../src/index.js'

beforeAll(() => {
  vi.stubEnv('TZ', 'Asia/Kolkata')
})
afterAll(() => {
  vi.unstubAllEnvs()
})

describe('serializeParam', () => {
  it('writes scalars exactly', () => {
    expect(serializeParam('x', 1)).toBe('x')
    expect(serializeParam(42, 1)).toBe('42')
    expect(serializeParam(0.1, 1)).toBe('0.1')
    expect(serializeParam(-0, 1)).toBe('-0')
    expect(serializeParam(Number.NaN, 1)).toBe('NaN')
    expect(serializeParam(Number.POSITIVE_INFINITY, 1)).toBe('Infinity')
    expect(serializeParam(Number.NEGATIVE_INFINITY, 1)).toBe('-Infinity')
    expect(serializeParam(9223372036854775807n, 1)).toBe('9223372036854775807')
    expect(serializeParam(true, 1)).toBe('true')
    expect(serializeParam(false, 1)).toBe('false')
    expect(serializeParam(null, 1)).toBeNull()
    expect(serializeParam(undefined, 1)).toBeNull()
  })

  it('writes Dates in UTC with an explicit offset, so TIMESTAMP round-trips', () => {
    const d = new Date(Date.UTC(2024, 0, 2, 3, 4, 5, 6))
    const text = serializeParam(d, 1)
    expect(text).toBe('2024-01-02 03:04:05.006+00')
    // What the server stores in a TIMESTAMP column is the text without the ignored offset; read back:
    const back = createTypeParsers()(TypeOid.TIMESTAMP)('2024-01-02 03:04:05.006') as Date
    expect(back.getTime()).toBe(d.getTime())
    expect(serializeParam(new Date(Date.UTC(-43, 2, 15)), 1)).toBe('0044-03-15 00:00:00.000+00 BC')
  })

  it('sends bytes raw (binary) by default and as hex on request', () => {
    const bytes = new Uint8Array([0, 1, 254, 255])
    const binary = serializeParam(bytes, 1)
    expect(Buffer.isBuffer(binary)).toBe(true)
    expect([...(binary as Buffer)]).toEqual([0, 1, 254, 255])
    expect(serializeParam(bytes.subarray(1, 3), 1, { bytes: 'hex' })).toBe('01fe')
  })

  it('writes json()/superParam() as JSON with exact bigints', () => {
    expect(serializeParam(json({ a: [1, 'x', null], b: 12345678901234567890n, skip: undefined }), 1)).toBe(
      '{"a":[1,"x",null],"b":12345678901234567890}',
    )
    expect(serializeParam(superParam([1, 2]), 1)).toBe('[1,2]')
    expect(serializeParam(json('s'), 1)).toBe('"s"')
    expect(serializeParam(json(new Date(Date.UTC(2024, 0, 1))), 1)).toBe('"2024-01-01T00:00:00.000Z"')
  })

  it('refuses arrays with a clear way out', () => {
    const run = () => serializeParam([1, 2] as never, 3)
    expect(run).toThrow(ValidationError)
    expect(run).toThrow(
      /\$3: is an array: Redshift cannot bind arrays.*IN \(\$1, \$2, \.\.\.\).*json\(value\)/s,
    )
  })

  it('refuses plain objects, functions, invalid dates and NUL characters', () => {
    expect(() => serializeParam({ a: 1 } as never, 1)).toThrow(/wrap objects as json\(value\)/)
    expect(() => serializeParam((() => 1) as never, 1)).toThrow(/a function/)
    expect(() => serializeParam(new Date(Number.NaN), 1)).toThrow(/invalid Date/)
    expect(() => serializeParam('a\u0000b', 1)).toThrow(/NUL/)
  })
})

describe('serializeParams', () => {
  it('serializes in order', () => {
    expect(serializeParams([1, 'a', null, 2n])).toEqual(['1', 'a', null, '2'])
  })

  it('lists every bad parameter at once', () => {
    try {
      serializeParams(['ok', [1] as never, { x: 1 } as never])
      expect.unreachable()
    } catch (e) {
      expect(e).toBeInstanceOf(ValidationError)
      expect((e as ValidationError).problems.map((p) => p.field)).toEqual(['$2', '$3'])
    }
  })

  it('guards the 32,767 bind-parameter limit, naming the count', () => {
    expect(() => assertQueryParams(new Array(MAX_BIND_PARAMETERS).fill(1))).not.toThrow()
    expect(() => assertQueryParams(new Array(MAX_BIND_PARAMETERS + 1).fill(1))).toThrow(
      /32768 values.*at most 32767/,
    )
  })
})
