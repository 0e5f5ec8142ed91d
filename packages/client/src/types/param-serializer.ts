import { type Problem, ValidationError } from '../errors/client-errors.js'
import { formatTimestampUtc } from './datetime.js'
import { isInListParam } from './in-list.js'
import { isJsonParam, type QueryParam } from './value.js'

/**
 * The most bind parameters one statement can carry (the protocol counts them in an Int16).
 *
 * @example
 * if (params.length > MAX_BIND_PARAMETERS) throw new Error('split the batch')
 */
export const MAX_BIND_PARAMETERS = 32_767

/**
 * A parameter ready for the wire: text, raw bytes (sent in binary format), or SQL NULL.
 *
 * @example
 * const text: SerializedParam = serializeParam(123n, 1) // '123'
 */
export type SerializedParam = string | Buffer | null

/**
 * How parameters are serialized.
 *
 * @example
 * serializeParam(new Uint8Array([1, 2]), 1, { bytes: 'hex' }) // '0102'
 */
export interface ParamSerializerOptions {
  /**
   * Bytes: `'binary'` sends the raw bytes as a binary-format parameter (what the wire protocol and
   * Redshift's drivers do); `'hex'` sends bare hex text, for transports that only carry text (the
   * Data API) — there, write `FROM_HEX($1)` (or `FROM_HEX(:name)`) in the SQL, since Redshift reads a
   * text value cast to VARBYTE as its UTF-8 bytes.
   * @default 'binary'
   */
  readonly bytes?: 'binary' | 'hex'
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return 'an array'
  if (value === null) return 'null'
  if (typeof value === 'object') return `an object (${value.constructor?.name ?? 'no prototype'})`
  return `a ${typeof value}`
}

/**
 * What is wrong with `value` as parameter `$index` (1-based), or `undefined` when it can be sent.
 * Messages name the parameter and its kind, never its value (parameters may hold personal data).
 *
 * @example
 * paramProblem([1, 2], 3)?.message // 'is an array: Redshift cannot bind arrays ...'
 */
export function paramProblem(value: unknown, index: number): Problem | undefined {
  const field = `$${index}`
  if (Array.isArray(value)) {
    return {
      field,
      message:
        'is an array: Redshift cannot bind arrays. Expand it into one placeholder per element, ' +
        '`IN ($1, $2, ...)`, or send it as SUPER with json(value) and `JSON_PARSE($n)` in the SQL',
    }
  }
  switch (typeof value) {
    case 'undefined':
    case 'boolean':
    case 'bigint':
    case 'number':
      return undefined
    case 'string':
      return value.includes('\u0000')
        ? { field, message: 'contains a NUL character (\\u0000), which Redshift cannot store in text' }
        : undefined
    case 'object':
      if (value === null || value instanceof Uint8Array || isJsonParam(value) || isInListParam(value))
        return undefined
      if (value instanceof Date) {
        return Number.isNaN(value.getTime()) ? { field, message: 'is an invalid Date' } : undefined
      }
      return {
        field,
        message: `is ${describe(value)}: wrap objects as json(value) to send them as JSON text (for SUPER, with \`JSON_PARSE($n)\`)`,
      }
    default:
      return { field, message: `is ${describe(value)}, which cannot be sent to Redshift` }
  }
}

/**
 * Throws a {@link ValidationError} listing every bad parameter (and the 32,767 limit), or returns.
 *
 * @example
 * assertQueryParams(['a', 1n, new Date()]) // ok
 */
export function assertQueryParams(params: readonly unknown[]): void {
  const problems: Problem[] = []
  if (params.length > MAX_BIND_PARAMETERS) {
    problems.push({
      field: 'params',
      message: `has ${params.length} values; a statement takes at most ${MAX_BIND_PARAMETERS} bind parameters. Split the work into batches, or load the data with COPY`,
    })
  }
  params.forEach((value, i) => {
    const problem = paramProblem(value, i + 1)
    if (problem !== undefined) problems.push(problem)
  })
  if (problems.length > 0) throw new ValidationError('invalid query parameters', { problems })
}

/** JSON text with `bigint`s written as exact numbers (JSON.stringify throws on them). */
function toJsonText(value: unknown): string {
  if (typeof value === 'bigint') return value.toString()
  if (value === null || typeof value !== 'object') {
    const text = JSON.stringify(value)
    if (text === undefined) throw new ValidationError(`cannot write ${describe(value)} as JSON`)
    return text
  }
  const withToJson = value as { toJSON?: () => unknown }
  if (typeof withToJson.toJSON === 'function') return toJsonText(withToJson.toJSON())
  if (Array.isArray(value)) {
    return `[${value.map((v) => (v === undefined || typeof v === 'function' ? 'null' : toJsonText(v))).join(',')}]`
  }
  const entries = Object.entries(value).filter(([, v]) => v !== undefined && typeof v !== 'function')
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${toJsonText(v)}`).join(',')}}`
}

/**
 * Serializes one parameter for the wire: numbers and bigints as exact decimal text (`NaN`,
 * `Infinity`, `-Infinity` spelled as the server reads them), booleans as `true`/`false`, Dates as
 * UTC `YYYY-MM-DD HH:MI:SS.mmm+00` (round-trips through TIMESTAMP and TIMESTAMPTZ), bytes per
 * {@link ParamSerializerOptions.bytes}, {@link json} values as JSON text, `null`/`undefined` as NULL.
 * Throws a {@link ValidationError} for anything else (arrays, plain objects, functions).
 *
 * @example
 * serializeParam(new Date(Date.UTC(2024, 0, 1)), 1) // '2024-01-01 00:00:00.000+00'
 * serializeParam(123n, 1)                           // '123'
 */
export function serializeParam(
  value: QueryParam,
  index: number,
  options: ParamSerializerOptions = {},
): SerializedParam {
  const problem = isInListParam(value)
    ? {
        field: `$${index}`,
        message: `is an inList of ${value.values.length} values, past the 32,767 bind parameters: only executeQuery stages such a list (in a temporary table); split it to use it here`,
      }
    : paramProblem(value, index)
  if (problem !== undefined) throw new ValidationError('invalid query parameter', { problems: [problem] })
  if (value === null || value === undefined) return null
  if (typeof value === 'string') return value
  if (typeof value === 'number') return Object.is(value, -0) ? '-0' : String(value)
  if (typeof value === 'bigint') return value.toString()
  if (typeof value === 'boolean') return value ? 'true' : 'false'
  if (value instanceof Date) return formatTimestampUtc(value)
  if (value instanceof Uint8Array) {
    const bytes = Buffer.from(value.buffer, value.byteOffset, value.byteLength)
    return options.bytes === 'hex' ? bytes.toString('hex') : Buffer.from(bytes)
  }
  return toJsonText(value.value)
}

/**
 * Serializes every parameter, after checking them all at once with {@link assertQueryParams}.
 *
 * @example
 * serializeParams([1, 'a', null]) // ['1', 'a', null]
 */
export function serializeParams(
  params: readonly QueryParam[],
  options: ParamSerializerOptions = {},
): SerializedParam[] {
  assertQueryParams(params)
  return params.map((value, i) => serializeParam(value, i + 1, options))
}
