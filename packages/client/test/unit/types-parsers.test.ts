import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import {
  createTypeParsers,
  DATA_TYPES,
  DataType,
  dataTypeForOid,
  dataTypeFromName,
  oidForDataType,
  QueryFailedError,
  TypeOid,
} from '../../src/index.js'

// A zone with DST and a non-zero offset: reading TIMESTAMP as local time would shift values.
beforeAll(() => {
  vi.stubEnv('TZ', 'America/New_York')
})
afterAll(() => {
  vi.unstubAllEnvs()
})

const parse = createTypeParsers()
const read = (oid: number, text: string) => parse(oid)(text)

describe('type OIDs and names', () => {
  it('maps the Redshift-only OIDs', () => {
    expect(dataTypeForOid(4000)).toBe('SUPER')
    expect(dataTypeForOid(6551)).toBe('VARBYTE')
    expect(dataTypeForOid(3000)).toBe('GEOMETRY')
    expect(dataTypeForOid(3999)).toBe('GEOMETRY')
    expect(dataTypeForOid(3001)).toBe('GEOGRAPHY')
    expect(dataTypeForOid(2935)).toBe('HLLSKETCH')
    expect(dataTypeForOid(1266)).toBe('TIMETZ')
    expect(dataTypeForOid(1186)).toBe('INTERVAL')
    expect(dataTypeForOid(1188)).toBe('INTERVAL YEAR TO MONTH')
    expect(dataTypeForOid(1190)).toBe('INTERVAL DAY TO SECOND')
    expect(dataTypeForOid(19)).toBe('NAME')
    expect(dataTypeForOid(1007)).toBe('INTEGER[]')
    expect(dataTypeForOid(123456)).toBeUndefined()
  })

  it('gives every DataType an OID that maps back to it', () => {
    for (const t of DATA_TYPES) expect(dataTypeForOid(oidForDataType(t))).toBe(t)
    expect(oidForDataType(DataType.Geometry)).toBe(3000)
  })

  it.each([
    ['int8', 'BIGINT'],
    ['INTEGER', 'INTEGER'],
    ['numeric(18,2)', 'DECIMAL'],
    ['character varying(256)', 'VARCHAR'],
    ['bpchar', 'CHAR'],
    ['timestamp with time zone', 'TIMESTAMPTZ'],
    ['float8', 'DOUBLE PRECISION'],
    ['_int4', 'INTEGER[]'],
    ['super', 'SUPER'],
    ['varbinary', 'VARBYTE'],
    ['interval year to month', 'INTERVAL YEAR TO MONTH'],
  ])('reads the type name %s', (name, type) => {
    expect(dataTypeFromName(name)).toBe(type)
  })

  it('does not know made-up names', () => {
    expect(dataTypeFromName('jsonb')).toBeUndefined()
  })
})

describe('createTypeParsers (lossless defaults)', () => {
  it('reads integers and BIGINT exactly', () => {
    expect(read(TypeOid.INT2, '-32768')).toBe(-32768)
    expect(read(TypeOid.INT4, '2147483647')).toBe(2147483647)
    expect(read(TypeOid.INT8, '9223372036854775807')).toBe(9223372036854775807n)
    expect(read(TypeOid.OID, '4000')).toBe(4000)
  })

  it('keeps DECIMAL as exact text', () => {
    expect(read(TypeOid.NUMERIC, '12345678901234567890.123456789')).toBe('12345678901234567890.123456789')
  })

  it('reads floats and their special values', () => {
    expect(read(TypeOid.FLOAT8, '3.14')).toBe(3.14)
    expect(read(TypeOid.FLOAT4, 'NaN')).toBeNaN()
    expect(read(TypeOid.FLOAT8, 'Infinity')).toBe(Number.POSITIVE_INFINITY)
    expect(read(TypeOid.FLOAT8, '-Infinity')).toBe(Number.NEGATIVE_INFINITY)
    expect(() => read(TypeOid.FLOAT8, 'abc')).toThrow(QueryFailedError)
  })

  it('reads booleans', () => {
    expect(read(TypeOid.BOOL, 't')).toBe(true)
    expect(read(TypeOid.BOOL, 'f')).toBe(false)
    expect(() => read(TypeOid.BOOL, 'maybe')).toThrow(/BOOLEAN/)
  })

  it('reads TIMESTAMP as UTC, whatever the machine zone', () => {
    expect(new Date(2024, 0, 1).getTimezoneOffset()).toBe(300) // the stubbed zone is in force
    const d = read(TypeOid.TIMESTAMP, '2024-03-10 02:30:00.123456') as Date
    expect(d).toBeInstanceOf(Date)
    // 02:30 does not exist in New York that night: a local-time reading could not produce it.
    expect(d.getTime()).toBe(Date.UTC(2024, 2, 10, 2, 30, 0, 123))
    expect((read(TypeOid.TIMESTAMP, '2024-07-01 00:00:00') as Date).toISOString()).toBe(
      '2024-07-01T00:00:00.000Z',
    )
  })

  it('applies TIMESTAMPTZ offsets', () => {
    expect((read(TypeOid.TIMESTAMPTZ, '2024-01-01 05:00:00+05:30') as Date).toISOString()).toBe(
      '2023-12-31T23:30:00.000Z',
    )
    expect((read(TypeOid.TIMESTAMPTZ, '2024-01-01 00:00:00.5-08') as Date).toISOString()).toBe(
      '2024-01-01T08:00:00.500Z',
    )
    expect((read(TypeOid.TIMESTAMPTZ, '2024-01-01 00:00:00+00') as Date).getTime()).toBe(Date.UTC(2024, 0, 1))
  })

  it('reads early and BC years without the two-digit-year trap', () => {
    expect((read(TypeOid.TIMESTAMP, '0050-06-01 00:00:00') as Date).getUTCFullYear()).toBe(50)
    expect((read(TypeOid.TIMESTAMP, '0044-03-15 12:00:00 BC') as Date).getUTCFullYear()).toBe(-43)
    expect(read(TypeOid.TIMESTAMP, 'infinity')).toBe('infinity')
  })

  it('keeps DATE, TIME, TIMETZ, INTERVAL, GEOMETRY, GEOGRAPHY, HLLSKETCH and text as text', () => {
    expect(read(TypeOid.DATE, '2024-02-29')).toBe('2024-02-29')
    expect(read(TypeOid.TIME, '23:59:59.999999')).toBe('23:59:59.999999')
    expect(read(TypeOid.TIMETZ, '20:41:19+00')).toBe('20:41:19+00')
    expect(read(TypeOid.INTERVAL_Y2M, '1 year 2 mons')).toBe('1 year 2 mons')
    expect(read(TypeOid.INTERVAL_D2S, '-2 days')).toBe('-2 days')
    expect(read(TypeOid.GEOMETRY, '0101000000000000000000F03F')).toBe('0101000000000000000000F03F')
    expect(read(TypeOid.GEOGRAPHY, 'abcd')).toBe('abcd')
    expect(read(TypeOid.HLLSKETCH, '{"version":1}')).toBe('{"version":1}')
    expect(read(TypeOid.BPCHAR, 'ab  ')).toBe('ab  ')
    expect(read(TypeOid.VARCHAR, 'héllo')).toBe('héllo')
    expect(read(99999, 'x')).toBe('x')
  })

  it('parses SUPER as JSON', () => {
    expect(read(TypeOid.SUPER, '{"a":[1,2,{"b":null}]}')).toEqual({ a: [1, 2, { b: null }] })
    expect(read(TypeOid.SUPER, '"text"')).toBe('text')
    expect(read(TypeOid.SUPER, '42')).toBe(42)
  })

  it('reads VARBYTE bare hex and the \\x form', () => {
    expect(read(TypeOid.VARBYTE, '616263')).toEqual(new Uint8Array([0x61, 0x62, 0x63]))
    expect(read(TypeOid.VARBYTE, '\\x00ff')).toEqual(new Uint8Array([0, 255]))
    expect(read(TypeOid.VARBYTE, '')).toEqual(new Uint8Array([]))
    expect(() => read(TypeOid.VARBYTE, 'abc')).toThrow(QueryFailedError)
    expect(read(TypeOid.BYTEA, 'a\\\\b\\001')).toEqual(new Uint8Array([0x61, 0x5c, 0x62, 1]))
  })

  it('reads catalog arrays and vectors', () => {
    expect(read(TypeOid.INT4_ARRAY, '{1,2,NULL}')).toEqual([1, 2, null])
    expect(read(TypeOid.TEXT_ARRAY, '{a,"b,c","d\\"e",NULL}')).toEqual(['a', 'b,c', 'd"e', null])
    expect(read(TypeOid.INT2_ARRAY, '{{1,2},{3,4}}')).toEqual([
      [1, 2],
      [3, 4],
    ])
    expect(read(TypeOid.BOOL_ARRAY, '{t,f}')).toEqual([true, false])
    expect(read(TypeOid.TEXT_ARRAY, '{}')).toEqual([])
    expect(read(TypeOid.INT2VECTOR, '1 2 3')).toEqual([1, 2, 3])
  })
})

describe('createTypeParsers options', () => {
  it('gives exact timestamp text, numbers for DECIMAL, text for BIGINT and SUPER', () => {
    const p = createTypeParsers({ timestamps: 'string', numeric: 'number', bigint: 'string', super: 'text' })
    expect(p(TypeOid.TIMESTAMP)('2024-01-01 00:00:00.123456')).toBe('2024-01-01 00:00:00.123456')
    expect(p(TypeOid.TIMESTAMPTZ)('2024-01-01 00:00:00.123456+00')).toBe('2024-01-01 00:00:00.123456+00')
    expect(p(TypeOid.NUMERIC)('1.50')).toBe(1.5)
    expect(p(TypeOid.INT8)('12')).toBe('12')
    expect(p(TypeOid.SUPER)('{"big":12345678901234567890}')).toBe('{"big":12345678901234567890}')
  })

  it('lets overrides win, per client', () => {
    const p = createTypeParsers({ overrides: { [TypeOid.DATE]: (t) => `date:${t}` } })
    expect(p(TypeOid.DATE)('2024-01-01')).toBe('date:2024-01-01')
    expect(createTypeParsers()(TypeOid.DATE)('2024-01-01')).toBe('2024-01-01')
  })

  it('works as pg types config', () => {
    expect(parse.getTypeParser(TypeOid.INT8, 'text')('5')).toBe(5n)
    const raw = Buffer.from([1])
    expect((parse.getTypeParser(TypeOid.INT8, 'binary') as (v: unknown) => unknown)(raw)).toBe(raw)
  })
})
