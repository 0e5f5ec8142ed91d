import { QueryFailedError } from '../errors/query-errors.js'
import { parseTimestampUtc } from './datetime.js'
import { parseExactJson } from './exact-json.js'
import { ARRAY_ELEMENT_OIDS, dataTypeForOid, TypeOid } from './oids.js'
import type { JsonValue, Value } from './value.js'

/**
 * Turns the text form of one non-NULL column value into a {@link Value}.
 *
 * @example
 * const upper: TextParser = (text) => text.toUpperCase()
 * createTypeParsers({ overrides: { [TypeOid.VARCHAR]: upper } })
 */
export type TextParser = (text: string) => Value

/**
 * How result values are read. Every option defaults to the lossless choice.
 *
 * @example
 * const parsers = createTypeParsers({ numeric: 'number', timestamps: 'string' })
 */
export interface TypeParserOptions {
  /**
   * DECIMAL/NUMERIC: `'string'` keeps every digit (38 of them fit in Redshift); `'number'` is a
   * convenience that rounds past 15-17 significant digits.
   * @default 'string'
   */
  readonly numeric?: 'string' | 'number'
  /**
   * BIGINT: `'bigint'` is exact; `'string'` suits JSON serialisation.
   * @default 'bigint'
   */
  readonly bigint?: 'bigint' | 'string'
  /**
   * TIMESTAMP/TIMESTAMPTZ: `'date'` is a `Date` read as UTC (milliseconds; microseconds truncated);
   * `'string'` is the server's exact text, microseconds included.
   * @default 'date'
   */
  readonly timestamps?: 'date' | 'string'
  /**
   * SUPER: `'json'` parses the JSON text keeping every digit (integers beyond 2^53 become `bigint`,
   * decimals with more than 15 significant digits keep their exact text as a `string`); `'text'`
   * returns the JSON text untouched.
   * @default 'json'
   */
  readonly super?: 'json' | 'text'
  /** Own parsers by type OID; they win over the built-in ones. */
  readonly overrides?: Readonly<Record<number, TextParser>>
}

/**
 * A per-client parser table: call it with a type OID to get that type's {@link TextParser}.
 * `getTypeParser` makes it usable as `pg`'s per-client `types` option, so pg's global type table
 * is never touched.
 *
 * @example
 * const parsers: TypeParsers = createTypeParsers()
 * parsers(TypeOid.INT8)('42') // 42n
 */
export interface TypeParsers {
  (oid: number): TextParser
  /** `pg`'s `CustomTypesConfig` shape. Binary-format values are passed through as they come. */
  getTypeParser(oid: number, format?: string): (value: string) => unknown
}

function unreadable(oid: number, text: string): QueryFailedError {
  const shown = text.length > 40 ? `${text.slice(0, 40)}...` : text
  const type = dataTypeForOid(oid) ?? `OID ${oid}`
  return new QueryFailedError(
    `could not read a ${type} value from the server's text ${JSON.stringify(shown)}`,
    {
      fault: 'client',
    },
  )
}

const identity: TextParser = (text) => text

function parseBoolean(text: string): boolean {
  if (text === 't' || text === 'true') return true
  if (text === 'f' || text === 'false') return false
  throw unreadable(TypeOid.BOOL, text)
}

function parseNumber(oid: number): TextParser {
  return (text) => {
    const n = Number(text)
    // Number() also reads 'NaN', 'Infinity' and '-Infinity', the server's spellings of the specials.
    if (Number.isNaN(n) && text !== 'NaN') throw unreadable(oid, text)
    return n
  }
}

function parseBigInt(text: string): bigint {
  try {
    return BigInt(text)
  } catch {
    throw unreadable(TypeOid.INT8, text)
  }
}

const HEX = /^(?:[0-9a-fA-F]{2})*$/

/** VARBYTE's text form is bare hex; PostgreSQL's BYTEA uses `\x` hex (or the old escape form). */
function parseBytes(oid: number): TextParser {
  return (text) => {
    const hex = text.startsWith('\\x') ? text.slice(2) : text
    if (HEX.test(hex)) return new Uint8Array(Buffer.from(hex, 'hex'))
    if (oid === TypeOid.BYTEA) return parseByteaEscape(text)
    throw unreadable(oid, text)
  }
}

function parseByteaEscape(text: string): Uint8Array {
  const out: number[] = []
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (text[i] === '\\' && text[i + 1] === '\\') {
      out.push(0x5c)
      i++
    } else if (text[i] === '\\' && /^[0-7]{3}$/.test(text.slice(i + 1, i + 4))) {
      out.push(Number.parseInt(text.slice(i + 1, i + 4), 8))
      i += 3
    } else {
      out.push(c)
    }
  }
  return new Uint8Array(out)
}

function parseSuper(text: string): Value {
  try {
    return parseExactJson(text)
  } catch {
    // SUPER text is always JSON; anything else is passed on rather than lost.
    return text
  }
}

/** Splits PostgreSQL array text (`{1,NULL,"a,b"}`, nested `{{1,2},{3}}`) into strings and nulls. */
export function parseArrayText(text: string): JsonValue[] {
  const body = text.replace(/^\[[^\]]*\]=/, '')
  let i = 0
  const parseList = (): JsonValue[] => {
    const items: JsonValue[] = []
    i++ // '{'
    if (body[i] === '}') {
      i++
      return items
    }
    for (;;) {
      if (body[i] === '{') items.push(parseList())
      else if (body[i] === '"') {
        let s = ''
        i++
        while (i < body.length && body[i] !== '"') {
          if (body[i] === '\\') i++
          s += body[i] ?? ''
          i++
        }
        i++
        items.push(s)
      } else {
        let j = i
        while (j < body.length && body[j] !== ',' && body[j] !== '}') j++
        const raw = body.slice(i, j).trim()
        items.push(raw.toUpperCase() === 'NULL' ? null : raw)
        i = j
      }
      if (body[i] === ',') i++
      else {
        i++ // '}'
        return items
      }
    }
  }
  if (body[0] !== '{')
    throw new QueryFailedError('could not read an array value from the server', { fault: 'client' })
  return parseList()
}

function mapArray(items: JsonValue[], element: (text: string) => JsonValue): JsonValue[] {
  return items.map((item) =>
    Array.isArray(item) ? mapArray(item, element) : typeof item === 'string' ? element(item) : item,
  )
}

/** Elements of catalog arrays stay JSON-shaped: small numbers and booleans as such, the rest as text. */
function arrayParser(elementOid: number): TextParser {
  const numeric = [TypeOid.INT2, TypeOid.INT4, TypeOid.OID, TypeOid.FLOAT4, TypeOid.FLOAT8] as number[]
  const element: (text: string) => JsonValue = numeric.includes(elementOid)
    ? (t) => Number(t)
    : elementOid === TypeOid.BOOL
      ? (t) => parseBoolean(t)
      : (t) => t
  return (text) => mapArray(parseArrayText(text), element)
}

function builtIn(oid: number, options: TypeParserOptions): TextParser {
  switch (oid) {
    case TypeOid.BOOL:
      return parseBoolean
    case TypeOid.INT2:
    case TypeOid.INT4:
    case TypeOid.OID:
    case TypeOid.XID:
    case TypeOid.FLOAT4:
    case TypeOid.FLOAT8:
      return parseNumber(oid)
    case TypeOid.INT8:
      return options.bigint === 'string' ? identity : parseBigInt
    case TypeOid.NUMERIC:
      return options.numeric === 'number' ? parseNumber(oid) : identity
    case TypeOid.TIMESTAMP:
    case TypeOid.TIMESTAMPTZ:
      if (options.timestamps === 'string') return identity
      // 'infinity' / '-infinity' have no Date; they come back as text.
      return (text) =>
        parseTimestampUtc(text) ?? (/^-?infinity$/.test(text) ? text : throwUnreadable(oid, text))
    case TypeOid.SUPER:
      return options.super === 'text' ? identity : parseSuper
    case TypeOid.VARBYTE:
    case TypeOid.BYTEA:
      return parseBytes(oid)
    case TypeOid.INT2VECTOR:
    case TypeOid.OIDVECTOR:
      return (text) => (text.trim() === '' ? [] : text.trim().split(/\s+/).map(Number))
    default: {
      const element = ARRAY_ELEMENT_OIDS.get(oid)
      // Everything else (CHAR, VARCHAR, DATE, TIME, TIMETZ, INTERVAL*, GEOMETRY, GEOGRAPHY, HLLSKETCH,
      // unknown OIDs) is exact as text.
      return element === undefined ? identity : arrayParser(element)
    }
  }
}

function throwUnreadable(oid: number, text: string): never {
  throw unreadable(oid, text)
}

/**
 * Builds the parser table of one client. It never touches `pg`'s global `types`, so two clients
 * with different options coexist.
 *
 * @example
 * const parsers = createTypeParsers({ timestamps: 'string' })
 * parsers(20)('9007199254740993')            // 9007199254740993n
 * parsers(1114)('2024-01-01 00:00:00.123456') // '2024-01-01 00:00:00.123456'
 * new pg.Client({ types: parsers })           // pg reads it through getTypeParser
 */
export function createTypeParsers(options: TypeParserOptions = {}): TypeParsers {
  const cache = new Map<number, TextParser>()
  const lookup = (oid: number): TextParser => {
    let parser = cache.get(oid)
    if (parser === undefined) {
      parser = options.overrides?.[oid] ?? builtIn(oid, options)
      cache.set(oid, parser)
    }
    return parser
  }
  return Object.assign(lookup, {
    getTypeParser(oid: number, format?: string): (value: string) => unknown {
      return format === 'binary' ? (value: string) => value : lookup(oid)
    },
  })
}
