import { describe, expect, it } from 'vitest'
import {
  Backend,
  FrameReader,
  readErrorResponse,
  readRowDescription,
} from '../../src/transport/wire/cursor-frames.js'
import { columnDecoder, decodeDataRow, rowDecoders } from '../../src/transport/wire/cursor-row-decoder.js'
import { TypeOid } from '../../src/types/oids.js'
import { createTypeParsers, type TypeParserOptions } from '../../src/types/type-parsers.js'

const decode = (oid: number, text: string, options: TypeParserOptions = {}) => {
  const buf = Buffer.from(`##${text}##`)
  return columnDecoder(oid, createTypeParsers(options))(buf, 2, buf.length - 2)
}
const parse = (oid: number, text: string, options: TypeParserOptions = {}) =>
  createTypeParsers(options)(oid)(text)

/** The decoder gives what the client's parser gives, or throws what it throws. */
function same(oid: number, text: string, options: TypeParserOptions = {}): void {
  let expected: unknown
  try {
    expected = parse(oid, text, options)
  } catch (error) {
    expect(() => decode(oid, text, options)).toThrow((error as Error).message)
    return
  }
  expect(decode(oid, text, options)).toEqual(expected)
}

const SAMPLES: Record<number, string[]> = {
  [TypeOid.INT2]: ['0', '-1', '32767', '-32768', '12x'],
  [TypeOid.INT4]: ['0', '-0', '2147483647', '-2147483648', '007', 'abc'],
  [TypeOid.INT8]: [
    '0',
    '-1',
    '999999999999999',
    '1000000000000000',
    '9223372036854775807',
    '-9223372036854775808',
    '1e3',
  ],
  [TypeOid.FLOAT8]: [
    '1.5',
    '-0',
    'NaN',
    'Infinity',
    '-Infinity',
    '1e-308',
    '2.2250738585072014e-308',
    'oops',
  ],
  [TypeOid.FLOAT4]: ['1.25', '3.4028235e+38'],
  [TypeOid.BOOL]: ['t', 'f', 'true', 'x'],
  [TypeOid.NUMERIC]: ['0', '-12.50', '12345678901234567890.123456789', 'NaN'],
  [TypeOid.VARCHAR]: ['', 'héllo ✓', 'a'.repeat(300), '日本語'],
  [TypeOid.BPCHAR]: ['ab  '],
  [TypeOid.DATE]: ['2024-02-29', 'infinity'],
  [TypeOid.TIMESTAMP]: [
    '2024-01-02 03:04:05',
    '2024-01-02 03:04:05.6',
    '2024-01-02 03:04:05.678912',
    '2024-02-30 00:00:00',
    '2024-12-31 23:59:60',
    '1000-01-01 00:00:00',
    '0999-12-31 23:59:59.999',
    '0099-06-01 00:00:00',
    '2024-01-02 03:04:05.123456789',
    '10000-01-01 00:00:00',
    '0044-03-15 12:00:00 BC',
    'infinity',
    '-infinity',
    'not a time',
  ],
  [TypeOid.TIMESTAMPTZ]: [
    '2024-01-02 03:04:05+00',
    '2024-01-02 03:04:05.678-05',
    '2024-01-02 03:04:05.678+05:30',
    '1999-12-31 23:30:00-05:30',
    '2024-01-02 03:04:05+05:30:15',
  ],
  [TypeOid.SUPER]: ['{"a":[1,2]}', '12', 'not json'],
  [TypeOid.VARBYTE]: ['cafe', 'zz'],
  [TypeOid.INT4_ARRAY]: ['{1,2,NULL}'],
}

describe('column decoders', () => {
  it('give exactly what the client parsers give, type by type, edge cases included', () => {
    for (const [oid, texts] of Object.entries(SAMPLES)) for (const text of texts) same(Number(oid), text)
  })

  it('agree with the timestamp parser on thousands of random timestamps', () => {
    let seed = 7
    const random = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31
      return seed % n
    }
    const pad = (n: number, w: number) => String(n).padStart(w, '0')
    for (let i = 0; i < 5000; i++) {
      const frac = random(3) === 0 ? '' : `.${pad(random(1_000_000), 6).slice(0, 1 + random(6))}`
      const zone = [``, `+00`, `-${pad(random(15), 2)}`, `+${pad(random(14), 2)}:${pad(random(60), 2)}`][
        random(4)
      ]
      const text = `${pad(1000 + random(9000), 4)}-${pad(1 + random(12), 2)}-${pad(1 + random(31), 2)} ${pad(random(24), 2)}:${pad(random(60), 2)}:${pad(random(61), 2)}${frac}${zone}`
      same(TypeOid.TIMESTAMPTZ, text)
    }
  })

  it("honour the client's parser options and overrides (no fast path where they differ)", () => {
    for (const text of ['9007199254740993', '-5']) same(TypeOid.INT8, text, { bigint: 'string' })
    same(TypeOid.TIMESTAMP, '2024-01-02 03:04:05.678912', { timestamps: 'string' })
    same(TypeOid.NUMERIC, '12.50', { numeric: 'number' })
    same(TypeOid.SUPER, '{"a":1}', { super: 'text' })
    const overrides = {
      [TypeOid.INT4]: (t: string) => `int:${t}`,
      [TypeOid.BOOL]: (t: string) => (t === 't' ? 1 : 0),
    }
    expect(decode(TypeOid.INT4, '42', { overrides })).toBe('int:42')
    expect(decode(TypeOid.BOOL, 't', { overrides })).toBe(1)
  })

  it('decode a DataRow body, NULLs included, and refuse a row of the wrong width', () => {
    const fields = [Buffer.from('42'), null, Buffer.from('héllo')]
    const parts: Buffer[] = [Buffer.from([0, 3])]
    for (const f of fields) {
      const len = Buffer.alloc(4)
      len.writeInt32BE(f === null ? -1 : f.length)
      parts.push(len, ...(f === null ? [] : [f]))
    }
    const body = Buffer.concat(parts)
    const decoders = rowDecoders([TypeOid.INT8, TypeOid.INT4, TypeOid.VARCHAR], createTypeParsers())
    expect(decodeDataRow(body, 0, decoders)).toEqual([42n, null, 'héllo'])
    expect(() => decodeDataRow(body, 0, decoders.slice(1))).toThrow(/3 columns where 2/)
  })
})

function message(type: number, body: Buffer): Buffer {
  const head = Buffer.alloc(5)
  head[0] = type
  head.writeInt32BE(body.length + 4, 1)
  return Buffer.concat([head, body])
}

describe('FrameReader', () => {
  it('hands over the same messages however the bytes are cut', () => {
    const messages = [
      message(Backend.DataRow, Buffer.from('first')),
      message(Backend.DataRow, Buffer.alloc(70_000, 7)),
      message(Backend.PortalSuspended, Buffer.alloc(0)),
      message(Backend.ReadyForQuery, Buffer.from('T')),
    ]
    const all = Buffer.concat(messages)
    for (const cut of [1, 2, 4, 5, 6, 13, 1000, 65_536, all.length]) {
      const seen: string[] = []
      const reader = new FrameReader((type, buf, start, end) => {
        seen.push(`${String.fromCharCode(type)}:${end - start}:${end > start ? buf[start] : ''}`)
      })
      for (let at = 0; at < all.length; at += cut) reader.push(all.subarray(at, at + cut))
      expect(seen).toEqual(['D:5:102', 'D:70000:7', 's:0:', 'Z:1:84'])
      expect(reader.pendingBytes).toBe(0)
    }
  })

  it('keeps a cut message to hand back', () => {
    const reader = new FrameReader(() => undefined)
    reader.push(message(Backend.DataRow, Buffer.from('abc')).subarray(0, 6))
    expect(reader.takePending()?.length).toBe(6)
    expect(reader.takePending()).toBeUndefined()
  })

  it('reads RowDescription and ErrorResponse bodies', () => {
    const column = (name: string, oid: number, typmod: number) => {
      const rest = Buffer.alloc(18)
      rest.writeUInt32BE(oid, 6)
      rest.writeInt32BE(typmod, 12)
      return Buffer.concat([Buffer.from(`${name}\0`), rest])
    }
    const body = Buffer.concat([Buffer.from([0, 2]), column('id', 20, -1), column('amount', 1700, 786438)])
    expect(readRowDescription(body, 0, body.length)).toEqual([
      { name: 'id', typeOid: 20, typeModifier: -1 },
      { name: 'amount', typeOid: 1700, typeModifier: 786438 },
    ])
    const error = Buffer.from("SERROR\0VERROR\0C57014\0MQuery (12) cancelled on user's request\0\0")
    expect(readErrorResponse(error, 0, error.length)).toMatchObject({
      severity: 'ERROR',
      code: '57014',
      message: "Query (12) cancelled on user's request",
    })
  })
})
