import { ValidationError } from '../../errors/client-errors.js'
import type { TransportResult } from '../../transport/transport.js'
import { ColumnMetadata } from '../../types/column-metadata.js'
import type { DataType } from '../../types/data-type.js'
import { serializeParam } from '../../types/param-serializer.js'
import { isJsonParam, type JsonValue, type QueryParam, type Value } from '../../types/value.js'
import type { RecordedError } from './error-codec.js'

/** The `format` field of every recording file. */
export const RECORDING_FORMAT = 'redshift-kit/recording'

/** The version of the recording format this package writes and reads. */
export const RECORDING_VERSION = 1

/**
 * A value in a recording. JSON holds `null`, booleans, strings and finite numbers as they are; the
 * rest is tagged so that it comes back exactly: `{"$bigint":"9007199254740993"}`,
 * `{"$number":"NaN"}` (also `Infinity`, `-Infinity`, `-0`), `{"$date":"2024-01-01T00:00:00.000Z"}`,
 * `{"$bytes":"<base64>"}`, `{"$json":<SUPER value>}` (objects and arrays), and in parameters
 * `{"$jsonParam":"<JSON text>"}` and `{"$redacted":true}`.
 */
export type EncodedValue =
  | null
  | boolean
  | string
  | number
  | { readonly $bigint: string }
  | { readonly $number: 'NaN' | 'Infinity' | '-Infinity' | '-0' }
  | { readonly $date: string }
  | { readonly $bytes: string }
  | { readonly $json: JsonValue }
  | { readonly $jsonParam: string }
  | { readonly $redacted: true }

/** A result column in a recording. */
export interface RecordedColumn {
  readonly name: string
  readonly dataType: DataType
  readonly typeOid: number
  readonly nullable?: boolean
  readonly precision?: number
  readonly scale?: number
  readonly length?: number
}

/** A statement's result in a recording. */
export interface RecordedResult {
  readonly columns: readonly RecordedColumn[]
  readonly rows: readonly (readonly EncodedValue[])[]
  readonly rowsAffected: number
  readonly command: string
  readonly queryId: string
}

/** What the client asked the transport: a statement, a prepared statement's run or parse, a cursor. */
export type RecordedOp = 'execute' | 'execute-prepared' | 'prepare' | 'cursor'

/**
 * One exchange between the client and Redshift: what was asked and what came back (a result, or an
 * error), with its timing.
 */
export interface RecordedExchange {
  /** Its place in the recording, from 1. */
  readonly seq: number
  readonly op: RecordedOp
  /** The statement, redacted (secrets always; literals when the recorder was asked to). */
  readonly sql: string
  readonly params: readonly EncodedValue[]
  /** The recorder's name for the session it ran on (`s1`, `s2`, ...), `null` for autocommit. */
  readonly session: string | null
  /** When it started (ISO 8601). */
  readonly startedAt: string
  readonly durationMs: number
  /** The result (`execute`, `execute-prepared`, `cursor`: the rows read). */
  readonly result?: RecordedResult
  /** The columns a `prepare` reported. */
  readonly columns?: readonly RecordedColumn[]
  /** For a cursor: whether it was read to its end (a replay past the recorded rows fails). */
  readonly complete?: boolean
  readonly error?: RecordedError
}

/** How a recording was redacted. */
export interface RecordingRedaction {
  /** Passwords, keys and tokens in SQL text (`PASSWORD '...'`, `CREDENTIALS '...'`, ...): always. */
  readonly secrets: true
  /** String and number literals of the SQL text, and parameter values. */
  readonly literals: boolean
}

/**
 * A recording file (JSON): `format`, `version`, when it was made, how it was redacted, and the
 * exchanges in the order they completed.
 *
 * @example
 * {
 *   "format": "redshift-kit/recording", "version": 1, "createdAt": "2024-05-01T10:00:00.000Z",
 *   "redaction": { "secrets": true, "literals": false },
 *   "exchanges": [{ "seq": 1, "op": "execute", "sql": "SELECT id FROM t WHERE id = $1",
 *     "params": [{ "$bigint": "42" }], "session": null, "startedAt": "...", "durationMs": 3,
 *     "result": { "columns": [{ "name": "id", "dataType": "BIGINT", "typeOid": 20 }],
 *       "rows": [[{ "$bigint": "42" }]], "rowsAffected": 1, "command": "SELECT", "queryId": "1042" } }]
 * }
 */
export interface RecordingFile {
  readonly format: typeof RECORDING_FORMAT
  readonly version: typeof RECORDING_VERSION
  readonly createdAt: string
  readonly redaction: RecordingRedaction
  readonly exchanges: readonly RecordedExchange[]
}

const SPECIAL_NUMBERS = new Set(['NaN', 'Infinity', '-Infinity', '-0'])

/** Encodes a result value losslessly. */
export function encodeValue(value: Value): EncodedValue {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return value
  if (typeof value === 'number') {
    if (Object.is(value, -0)) return { $number: '-0' }
    return Number.isFinite(value) ? value : { $number: String(value) as 'NaN' | 'Infinity' | '-Infinity' }
  }
  if (typeof value === 'bigint') return { $bigint: value.toString() }
  if (value instanceof Date) return { $date: value.toISOString() }
  if (value instanceof Uint8Array)
    return { $bytes: Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64') }
  return { $json: value }
}

/** Encodes a bind parameter (`undefined` is SQL NULL, as the client sends it). */
export function encodeParam(param: QueryParam): EncodedValue {
  if (param === undefined) return null
  // JSON parameters are kept as the JSON text the client sends.
  if (isJsonParam(param)) return { $jsonParam: String(serializeParam(param, 1)) }
  return encodeValue(param as Value)
}

function badRecording(message: string): ValidationError {
  return new ValidationError('invalid recording', { problems: [{ field: 'recording', message }] })
}

/** Decodes a value written by {@link encodeValue}. */
export function decodeValue(encoded: EncodedValue): Value {
  if (encoded === null || typeof encoded !== 'object') return encoded
  if ('$bigint' in encoded) return BigInt(encoded.$bigint)
  if ('$number' in encoded) {
    if (!SPECIAL_NUMBERS.has(encoded.$number))
      throw badRecording(`unknown special number ${JSON.stringify(encoded.$number)}`)
    return encoded.$number === '-0' ? -0 : Number(encoded.$number)
  }
  if ('$date' in encoded) return new Date(encoded.$date)
  if ('$bytes' in encoded) return new Uint8Array(Buffer.from(encoded.$bytes, 'base64'))
  if ('$json' in encoded) return encoded.$json
  throw badRecording(`unexpected value ${JSON.stringify(encoded)}`)
}

/** A column as a recording holds it. */
export function encodeColumn(c: ColumnMetadata): RecordedColumn {
  return {
    name: c.name,
    dataType: c.dataType,
    typeOid: c.typeOid,
    ...(c.nullable === undefined ? {} : { nullable: c.nullable }),
    ...(c.precision === undefined ? {} : { precision: c.precision }),
    ...(c.scale === undefined ? {} : { scale: c.scale }),
    ...(c.length === undefined ? {} : { length: c.length }),
  }
}

/** The column a recording holds. */
export function decodeColumn(c: RecordedColumn): ColumnMetadata {
  return new ColumnMetadata(c.name, c.dataType, {
    typeOid: c.typeOid,
    ...(c.nullable === undefined ? {} : { nullable: c.nullable }),
    ...(c.precision === undefined ? {} : { precision: c.precision }),
    ...(c.scale === undefined ? {} : { scale: c.scale }),
    ...(c.length === undefined ? {} : { length: c.length }),
  })
}

/** A transport result as a recording holds it. */
export function encodeResult(r: TransportResult): RecordedResult {
  return {
    columns: r.columns.map(encodeColumn),
    rows: r.rows.map((row) => row.map(encodeValue)),
    rowsAffected: r.rowsAffected,
    command: r.command,
    queryId: r.queryId,
  }
}

/** The transport result a recording holds. */
export function decodeResult(r: RecordedResult): TransportResult {
  return {
    columns: r.columns.map(decodeColumn),
    rows: r.rows.map((row) => row.map(decodeValue)),
    rowsAffected: r.rowsAffected,
    command: r.command,
    queryId: r.queryId,
  }
}

/** Checks a parsed file's envelope; throws a `ValidationError` saying what is wrong. */
export function assertRecordingFile(data: unknown, source: string): asserts data is RecordingFile {
  const d = data as Partial<RecordingFile> | null
  if (typeof d !== 'object' || d === null || d.format !== RECORDING_FORMAT) {
    throw badRecording(
      `${source} is not a redshift-kit recording (its "format" should be "${RECORDING_FORMAT}")`,
    )
  }
  if (d.version !== RECORDING_VERSION) {
    throw badRecording(
      `${source} is version ${String(d.version)} of the recording format; this package reads version ${RECORDING_VERSION}`,
    )
  }
  if (!Array.isArray(d.exchanges)) throw badRecording(`${source} has no "exchanges" list`)
  d.exchanges.forEach((e, i) => {
    const ok =
      typeof e === 'object' &&
      e !== null &&
      typeof e.sql === 'string' &&
      Array.isArray(e.params) &&
      ['execute', 'execute-prepared', 'prepare', 'cursor'].includes(e.op)
    if (!ok) throw badRecording(`${source}: exchange ${i + 1} needs "op", "sql" and "params"`)
  })
}
